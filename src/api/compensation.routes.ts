import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { roleAllows, type Principal } from '../domain/access.js';
import { mayDecide } from '../domain/actors.js';
import {
  COMPENSATION_OUTCOMES,
  COMPENSATION_STATUSES,
  computeCompensation,
  modelInForce,
  type CompensationModel,
} from '../domain/compensation.js';
import { companyScopeOf, REASON_MAX_LENGTH } from '../domain/dispensation.js';
import { AppError } from '../domain/errors.js';
import {
  addModel,
  applyForCompensation,
  decideCompensation,
  findCompensation,
  listCompensation,
  listModels,
  obligationMonths,
  type CompensationApplicationRow,
} from '../store/compensation.repository.js';
import type { Store } from '../store/database.js';
import { supervisionToday } from '../store/supervision.repository.js';
import { principalOf } from './auth.js';
import { authErrors, ErrorResponse, Page, PageQuery, StringEnum } from './common.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);
const DateString = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const Year = Type.Integer({ minimum: 2000, maximum: 2200, description: 'the obligation year' });

export const CompensationModelDto = Type.Object({
  version: Type.Integer(),
  validFrom: DateString,
  referenceRatePercent: Type.Number({ description: 'percent a year' }),
  marginPercentagePoints: Type.Number({ description: 'added to the reference rate' }),
  storageSekPerUnitMonth: Type.Number({ description: 'SEK per pack and month held' }),
  note: Type.String(),
});

const LineDto = Type.Object({
  packageId: Type.Integer(),
  packageName: Type.String(),
  nplPackId: Type.String(),
  packMonths: Type.Number({ description: 'Σ over the months of the volume in force on the first day' }),
  valueMonths: Type.Number({ description: 'Σ volume × AIP over the months, SEK' }),
  capitalCostSek: Type.Integer(),
  storageCostSek: Type.Integer(),
  amountSek: Type.Integer(),
  priceMissing: Type.Boolean({ description: 'no AIP in the register: no capital cost computed' }),
});

export const CompensationEstimateDto = Type.Object({
  year: Type.Integer(),
  company: Type.Object({ id: Type.Integer() }),
  modelVersion: Type.Integer(),
  capitalCostSek: Type.Integer(),
  storageCostSek: Type.Integer(),
  amountSek: Type.Integer(),
  lines: Type.Array(LineDto),
});

export const CompensationApplicationDto = Type.Object({
  id: Type.Integer(),
  company: Type.Object({ id: Type.Integer(), name: Type.String() }),
  year: Type.Integer(),
  appliedAt: Type.String({ format: 'date-time' }),
  appliedBy: Type.String(),
  note: Nullable(Type.String()),
  modelVersion: Type.Integer({
    description: 'the model version the amount was computed with; never changes',
  }),
  capitalCostSek: Type.Integer(),
  storageCostSek: Type.Integer(),
  computedSek: Type.Integer({ description: 'computed when the company applied; never changes' }),
  lines: Type.Array(LineDto),
  status: StringEnum(COMPENSATION_STATUSES),
  decision: Nullable(
    Type.Object({
      amountSek: Type.Integer({ description: 'approved: the computed amount; adjusted: TLV’s; denied: 0' }),
      reason: Type.String(),
      decidedAt: Type.String({ format: 'date-time' }),
      decidedBy: Type.String(),
      organisation: Type.String(),
    }),
  ),
});
type CompensationApplicationDto = Static<typeof CompensationApplicationDto>;

function toDto(r: CompensationApplicationRow): CompensationApplicationDto {
  return {
    id: r.id,
    company: { id: r.company_id, name: r.company_name },
    year: r.year,
    appliedAt: new Date(r.applied_at).toISOString(),
    appliedBy: r.applied_by,
    note: r.note,
    modelVersion: r.model_version,
    capitalCostSek: r.capital_cost_sek,
    storageCostSek: r.storage_cost_sek,
    computedSek: r.computed_sek,
    lines: r.lines,
    status: r.status,
    decision:
      r.decided_at === null
        ? null
        : {
            amountSek: r.decided_sek ?? 0,
            reason: r.decision_reason ?? '',
            decidedAt: new Date(r.decided_at).toISOString(),
            decidedBy: r.decided_by ?? '',
            organisation: r.decided_by_organisation ?? '',
          },
  };
}

const Abilities = Type.Object({
  mayApply: Type.Boolean({ description: 'a company: applies for its own obligatory stock' }),
  mayDecide: Type.Boolean({ description: 'TLV (actors.ts mayDecide)' }),
});
function abilities(p: Principal) {
  return {
    mayApply: p.organisationKind === 'company' && roleAllows(p.role, 'preparedness:apply'),
    mayDecide:
      mayDecide({ kind: p.organisationKind, authority: p.authority ?? null }, 'compensation') &&
      roleAllows(p.role, 'preparedness:decide'),
  };
}

const toModelDto = (m: CompensationModel) => m;

/** Compensation for obligatory stock (issue 12 item 5, R1). */
export const compensationRoutes: FastifyPluginAsyncTypebox<{ store: Store }> = async (app, { store }) => {
  app.get(
    '/compensation/models',
    {
      config: { permission: 'preparedness:read' },
      schema: {
        tags: ['obligations'],
        summary: 'The compensation model’s versions, oldest first, and the one in force today',
        response: {
          200: Type.Object({ items: Type.Array(CompensationModelDto), inForce: Nullable(Type.Integer()) }),
          ...authErrors,
        },
      },
    },
    async () => {
      const models = await listModels(store.db);
      const today = await supervisionToday(store.db);
      return { items: models.map(toModelDto), inForce: modelInForce(models, today)?.version ?? null };
    },
  );

  app.post(
    '/compensation/models',
    {
      config: { permission: 'preparedness:decide' },
      schema: {
        tags: ['obligations'],
        summary: 'TLV adds a model version (applications already filed keep theirs)',
        body: Type.Object(
          {
            validFrom: DateString,
            referenceRatePercent: Type.Number(),
            marginPercentagePoints: Type.Number(),
            storageSekPerUnitMonth: Type.Number(),
            note: Type.String({ minLength: 1, maxLength: REASON_MAX_LENGTH }),
          },
          { additionalProperties: false },
        ),
        response: { 201: CompensationModelDto, ...authErrors },
      },
    },
    async (request, reply) => {
      const model = await addModel(store.db, principalOf(request), request.body);
      return reply.code(201).send(model);
    },
  );

  app.get(
    '/compensation/estimate',
    {
      config: { permission: 'preparedness:read' },
      schema: {
        tags: ['obligations'],
        summary:
          'The amount a company’s application for a year would compute today (a company: its own; authorities: `company`)',
        querystring: Type.Object({ year: Year, company: Type.Optional(Type.Integer({ minimum: 1 })) }),
        response: { 200: CompensationEstimateDto, ...authErrors },
      },
    },
    async (request) => {
      const p = principalOf(request);
      const scope = companyScopeOf(p);
      const companyId = scope === 'all' ? request.query.company : scope === 'none' ? undefined : scope;
      if (
        companyId === undefined ||
        (scope !== 'all' && request.query.company !== undefined && request.query.company !== scope)
      )
        throw AppError.notFound(`company ${request.query.company ?? ''}`.trim());
      const today = await supervisionToday(store.db);
      const model = modelInForce(await listModels(store.db), today);
      if (model === undefined) throw AppError.conflict(`no compensation model is in force on ${today}`);
      const result = computeCompensation(
        model,
        await obligationMonths(store.db, companyId, request.query.year),
      );
      const names = await store.db
        .selectFrom('package as p')
        .innerJoin('medicine as m', 'm.id', 'p.medicine_id')
        .select(['p.id', 'p.npl_pack_id', 'm.name', 'm.strength', 'p.description'])
        .where('p.id', 'in', [0, ...result.lines.map((l) => l.packageId)])
        .execute();
      const byId = new Map(names.map((n) => [Number(n.id), n]));
      return {
        year: request.query.year,
        company: { id: companyId },
        modelVersion: result.modelVersion,
        capitalCostSek: result.capitalCostSek,
        storageCostSek: result.storageCostSek,
        amountSek: result.amountSek,
        lines: result.lines.map((l) => {
          const n = byId.get(l.packageId);
          return {
            ...l,
            packageName: n === undefined ? '' : `${n.name} ${n.strength}, ${n.description}`,
            nplPackId: n?.npl_pack_id ?? '',
          };
        }),
      };
    },
  );

  app.get(
    '/compensation/applications',
    {
      config: { permission: 'preparedness:read' },
      schema: {
        tags: ['obligations'],
        summary: 'Compensation applications and TLV’s decisions: all for authorities, its own for a company',
        querystring: Type.Object({
          ...PageQuery.properties,
          year: Type.Optional(Year),
          status: Type.Optional(StringEnum(COMPENSATION_STATUSES)),
          company: Type.Optional(Type.Integer({ minimum: 1 })),
        }),
        response: { 200: Type.Intersect([Page(CompensationApplicationDto), Abilities]), ...authErrors },
      },
    },
    async (request) => {
      const q = request.query;
      const p = principalOf(request);
      const { rows, total } = await listCompensation(
        store.db,
        p,
        { year: q.year, status: q.status, companyId: q.company },
        { limit: q.limit, offset: q.offset },
      );
      return { items: rows.map(toDto), total, limit: q.limit, offset: q.offset, ...abilities(p) };
    },
  );

  app.get(
    '/compensation/applications/:id',
    {
      config: { permission: 'preparedness:read' },
      schema: {
        tags: ['obligations'],
        summary: 'One compensation application with its lines and decision',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        response: { 200: CompensationApplicationDto, ...authErrors },
      },
    },
    async (request) => {
      const row = await findCompensation(store.db, principalOf(request), request.params.id);
      if (row === undefined) throw AppError.notFound(`compensation application ${request.params.id}`);
      return toDto(row);
    },
  );

  app.post(
    '/compensation/applications',
    {
      config: { permission: 'preparedness:apply' },
      schema: {
        tags: ['obligations'],
        summary: 'A company applies to TLV for a year; the amount is computed now with the model in force',
        body: Type.Object(
          { year: Year, note: Type.Optional(Type.String({ maxLength: REASON_MAX_LENGTH })) },
          { additionalProperties: false },
        ),
        response: { 201: CompensationApplicationDto, ...authErrors, 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const row = await applyForCompensation(store.db, p, request.body, await supervisionToday(store.db));
      return reply.code(201).send(toDto(row));
    },
  );

  app.post(
    '/compensation/applications/:id/decision',
    {
      config: { permission: 'preparedness:decide' },
      schema: {
        tags: ['obligations'],
        summary: 'TLV approves (the computed amount), adjusts (another amount) or denies, with a reason',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        body: Type.Object(
          {
            outcome: StringEnum(COMPENSATION_OUTCOMES),
            reason: Type.String({ minLength: 1, maxLength: REASON_MAX_LENGTH }),
            amountSek: Type.Optional(Type.Integer({ minimum: 0, description: 'adjust only: whole kronor' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: CompensationApplicationDto, ...authErrors, 409: ErrorResponse },
      },
    },
    async (request) => {
      const row = await decideCompensation(store.db, principalOf(request), request.params.id, request.body);
      return toDto(row);
    },
  );
};
