import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { roleAllows, type Principal } from '../domain/access.js';
import { mayDecide } from '../domain/actors.js';
import {
  companyScopeOf,
  DISPENSATION_OUTCOMES,
  DISPENSATION_STATUSES,
  REASON_MAX_LENGTH,
} from '../domain/dispensation.js';
import { AppError } from '../domain/errors.js';
import type { Store } from '../store/database.js';
import {
  decideDispensation,
  fileDispensation,
  findDispensation,
  listDispensations,
  obligationsInForce,
  type DispensationRow,
} from '../store/dispensation.repository.js';
import { recordSupervision, supervisionToday } from '../store/supervision.repository.js';
import { principalOf } from './auth.js';
import { authErrors, ErrorResponse, Page, PageQuery, StringEnum } from './common.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);
const DateString = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const Year = Type.Integer({ minimum: 2000, maximum: 2200, description: 'the obligation year' });
const Reason = Type.String({ minLength: 1, maxLength: REASON_MAX_LENGTH });

export const DispensationDto = Type.Object({
  id: Type.Integer(),
  company: Type.Object({ id: Type.Integer(), name: Type.String() }),
  package: Type.Object({ id: Type.Integer(), name: Type.String(), nplPackId: Type.String() }),
  year: Type.Integer(),
  requestedVolume: Type.Integer({ description: 'packs the company asked to hold instead' }),
  publishedVolume: Type.Integer({ description: 'the published obligation when it applied' }),
  reason: Type.String({ description: 'the company’s reason' }),
  appliedAt: Type.String({ format: 'date-time' }),
  appliedBy: Type.String(),
  status: StringEnum(DISPENSATION_STATUSES, {
    description: 'pending (not decided), granted, denied',
  }),
  decision: Nullable(
    Type.Object({
      volume: Nullable(Type.Integer({ description: 'granted: packs to hold while valid' })),
      validFrom: Nullable(DateString),
      validTo: Nullable(DateString),
      reason: Type.String(),
      decidedAt: Type.String({ format: 'date-time' }),
      decidedBy: Type.String(),
      organisation: Type.String(),
    }),
  ),
});
type DispensationDto = Static<typeof DispensationDto>;

function toDto(r: DispensationRow): DispensationDto {
  return {
    id: r.id,
    company: { id: r.company_id, name: r.company_name },
    package: { id: r.package_id, name: r.package_name, nplPackId: r.npl_pack_id },
    year: r.year,
    requestedVolume: r.requested_volume,
    publishedVolume: r.published_volume,
    reason: r.reason,
    appliedAt: new Date(r.applied_at).toISOString(),
    appliedBy: r.applied_by,
    status: r.status,
    decision:
      r.decided_at === null
        ? null
        : {
            volume: r.volume,
            validFrom: r.valid_from,
            validTo: r.valid_to,
            reason: r.decision_reason ?? '',
            decidedAt: new Date(r.decided_at).toISOString(),
            decidedBy: r.decided_by ?? '',
            organisation: r.decided_by_organisation ?? '',
          },
  };
}

/** What the caller may do here, for the dashboard's forms. */
const Abilities = Type.Object({
  mayApply: Type.Boolean({ description: 'a company: applies for its own obligations' }),
  mayDecide: Type.Boolean({ description: 'Läkemedelsverket (actors.ts mayDecide)' }),
});
export function dispensationAbilities(p: Principal) {
  return {
    mayApply: p.organisationKind === 'company' && roleAllows(p.role, 'preparedness:apply'),
    mayDecide:
      mayDecide({ kind: p.organisationKind, authority: p.authority ?? null }, 'dispensation') &&
      roleAllows(p.role, 'preparedness:decide'),
  };
}

const ObligationInForceDto = Type.Object({
  company: Type.Object({ id: Type.Integer(), name: Type.String() }),
  package: Type.Object({ id: Type.Integer(), name: Type.String(), nplPackId: Type.String() }),
  publishedVolume: Type.Integer(),
  volume: Type.Integer({ description: 'in force on the day: the dispensation’s volume while it is valid' }),
  dispensationId: Nullable(Type.Integer()),
});

/** Dispensations (issue 12 item 3, R1) and the obligation in force that reflects them. */
export const dispensationRoutes: FastifyPluginAsyncTypebox<{ store: Store }> = async (app, { store }) => {
  app.get(
    '/dispensations',
    {
      config: { permission: 'preparedness:read' },
      schema: {
        tags: ['obligations'],
        summary: 'Dispensation applications and decisions: all for authorities, its own for a company',
        querystring: Type.Object({
          ...PageQuery.properties,
          year: Type.Optional(Year),
          status: Type.Optional(StringEnum(DISPENSATION_STATUSES)),
          company: Type.Optional(Type.Integer({ minimum: 1, description: 'the company’s organisation id' })),
        }),
        response: { 200: Type.Intersect([Page(DispensationDto), Abilities]), ...authErrors },
      },
    },
    async (request) => {
      const q = request.query;
      const p = principalOf(request);
      const { rows, total } = await listDispensations(
        store.db,
        p,
        { year: q.year, status: q.status, companyId: q.company },
        { limit: q.limit, offset: q.offset },
      );
      return { items: rows.map(toDto), total, limit: q.limit, offset: q.offset, ...dispensationAbilities(p) };
    },
  );

  app.get(
    '/dispensations/:id',
    {
      config: { permission: 'preparedness:read' },
      schema: {
        tags: ['obligations'],
        summary: 'One dispensation application with its decision',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        response: { 200: DispensationDto, ...authErrors },
      },
    },
    async (request) => {
      const row = await findDispensation(store.db, principalOf(request), request.params.id);
      if (row === undefined) throw AppError.notFound(`dispensation application ${request.params.id}`);
      return toDto(row);
    },
  );

  app.post(
    '/dispensations',
    {
      config: { permission: 'preparedness:apply' },
      schema: {
        tags: ['obligations'],
        summary: 'A company applies for a dispensation from one package of its published obligation',
        body: Type.Object(
          {
            year: Year,
            packageId: Type.Integer({ minimum: 1 }),
            requestedVolume: Type.Integer({ minimum: 0, description: 'packs to hold instead' }),
            reason: Reason,
          },
          { additionalProperties: false },
        ),
        response: { 201: DispensationDto, ...authErrors, 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const row = await fileDispensation(store.db, p, request.body, await supervisionToday(store.db));
      return reply.code(201).send(toDto(row));
    },
  );

  app.post(
    '/dispensations/:id/decision',
    {
      config: { permission: 'preparedness:decide' },
      schema: {
        tags: ['obligations'],
        summary:
          'Läkemedelsverket grants (volume, validity period inside the obligation year) or denies an application, with a reason',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        body: Type.Object(
          {
            outcome: StringEnum(DISPENSATION_OUTCOMES),
            reason: Reason,
            volume: Type.Optional(
              Type.Integer({ minimum: 0, description: 'grant: packs to hold while valid' }),
            ),
            validFrom: Type.Optional(DateString),
            validTo: Type.Optional(DateString),
          },
          { additionalProperties: false },
        ),
        response: { 200: DispensationDto, ...authErrors, 409: ErrorResponse },
      },
    },
    async (request) => {
      const p = principalOf(request);
      const row = await decideDispensation(store.db, p, request.params.id, request.body);
      // The obligation in force changed: today's supervision follows at once.
      await recordSupervision(store.db, await supervisionToday(store.db));
      return toDto(row);
    },
  );

  app.get(
    '/dispensations/in-force',
    {
      config: { permission: 'preparedness:read' },
      schema: {
        tags: ['obligations'],
        summary:
          'The obligation in force on a day: the published volume, replaced by a granted dispensation while it is valid',
        querystring: Type.Object({
          on: Type.Optional(
            Type.String({ format: 'date', description: 'the day; default the picture’s day' }),
          ),
          company: Type.Optional(Type.Integer({ minimum: 1 })),
        }),
        response: {
          200: Type.Object({ on: DateString, items: Type.Array(ObligationInForceDto) }),
          ...authErrors,
        },
      },
    },
    async (request) => {
      const p = principalOf(request);
      const on = request.query.on ?? (await supervisionToday(store.db));
      const scope = companyScopeOf(p);
      if (scope === 'none') return { on, items: [] };
      const companyId = scope === 'all' ? request.query.company : scope;
      if (scope !== 'all' && request.query.company !== undefined && request.query.company !== scope)
        return { on, items: [] };
      const rows = await obligationsInForce(store.db, { year: Number(on.slice(0, 4)), companyId, on });
      const names = await namesOf(store, rows);
      return {
        on,
        items: rows.map((r) => ({
          company: { id: r.companyId, name: names.companies.get(r.companyId) ?? '' },
          package: {
            id: r.packageId,
            name: names.packages.get(r.packageId)?.name ?? '',
            nplPackId: names.packages.get(r.packageId)?.nplPackId ?? '',
          },
          publishedVolume: r.publishedVolume,
          volume: r.volume,
          dispensationId: r.dispensationId,
        })),
      };
    },
  );
};

async function namesOf(store: Store, rows: readonly { companyId: number; packageId: number }[]) {
  const companyIds = [...new Set(rows.map((r) => r.companyId))];
  const packageIds = [...new Set(rows.map((r) => r.packageId))];
  const [companies, packages] = await Promise.all([
    companyIds.length === 0
      ? []
      : store.db.selectFrom('organisation').select(['id', 'name']).where('id', 'in', companyIds).execute(),
    packageIds.length === 0
      ? []
      : store.db
          .selectFrom('package as p')
          .innerJoin('medicine as m', 'm.id', 'p.medicine_id')
          .select(['p.id', 'p.npl_pack_id', 'm.name', 'm.strength', 'p.description'])
          .where('p.id', 'in', packageIds)
          .execute(),
  ]);
  return {
    companies: new Map(companies.map((c) => [Number(c.id), c.name])),
    packages: new Map(
      packages.map((x) => [
        Number(x.id),
        { name: `${x.name} ${x.strength}, ${x.description}`, nplPackId: x.npl_pack_id },
      ]),
    ),
  };
}
