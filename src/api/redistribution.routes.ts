import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { roleAllows, seesEverything, type Principal } from '../domain/access.js';
import { mayDecide } from '../domain/actors.js';
import { AppError } from '../domain/errors.js';
import { checkDecision, parseRedistributionInstance } from '../domain/redistribution.js';
import { planPartsSeenBy } from '../domain/redistribution-scope.js';
import type { Db, Store } from '../store/database.js';
import {
  confirmTransfer,
  decidePlan,
  decisionLog,
  findDecision,
  findPlan,
  insertPlan,
  instanceFromPicture,
  listPlans,
  planTransfers,
  transfersOfOrganisation,
  withdrawPlan,
  type StoredPlan,
  type StoredTransfer,
} from '../store/redistribution.repository.js';
import { requireCase } from '../store/shortage-case.repository.js';
import { planRedistribution } from '../solver/redistribution.js';
import { principalOf } from './auth.js';
import { authErrors, ErrorResponse, StringEnum } from './common.js';

/*
 * Redistribution plans (issue 13 items 3–5, R3; docs/redistribution.md): authorities and Nationellt CT
 * compute plans (from the picture or an uploaded instance) and see every plan; Läkemedelsverket decides
 * one, which freezes it; each organisation sees its own instructions of decided plans and confirms
 * sending and receiving batch by batch. Others see a plan only when it instructs them, and then only
 * their own transfers; "not found" and "not yours" answer the same.
 */

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Day = Type.String({ format: 'date' });
const DateTime = Type.String({ format: 'date-time' });

const Spread = Type.Object({
  min: Nullable(Type.Number()),
  max: Nullable(Type.Number()),
  spread: Nullable(Type.Number()),
});
const EquityDto = Type.Object({
  regions: Type.Array(
    Type.Object({
      region: Type.String(),
      stockBefore: Type.Number(),
      stockAfter: Type.Number(),
      demandPerDay: Type.Number(),
      coverageBefore: Nullable(Type.Number({ description: 'days' })),
      coverageAfter: Nullable(Type.Number({ description: 'days' })),
    }),
  ),
  before: Spread,
  after: Spread,
});

const ConditionsDto = Type.Object(
  {
    capPerDispensing: Type.Optional(
      Type.Integer({ minimum: 1, description: 'packs per dispensing to a private person' }),
    ),
    minRemainingShelfLifeDays: Type.Optional(
      Type.Integer({ minimum: 0, description: 'a shortened shelf-life requirement' }),
    ),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

const decisionFields = {
  mode: StringEnum(['voluntary', 'mandatory'] as const, {
    description: 'R3: voluntary or mandatory (tvingande)',
  }),
  legalBasis: Type.String({ minLength: 1, maxLength: 500 }),
  validFrom: Day,
  validTo: Day,
  conditions: ConditionsDto,
  reason: Type.String({ minLength: 1, maxLength: 2000 }),
};
export const DecisionBody = Type.Object(decisionFields, { additionalProperties: false });
export type DecisionBodyDto = Static<typeof DecisionBody>;
const DecisionDto = Type.Object({ ...decisionFields, decidedBy: Type.String(), decidedAt: DateTime });

const TransferDto = Type.Object({
  planId: Type.Integer(),
  line: Type.Integer(),
  fromCode: Type.String(),
  toCode: Type.String(),
  package: Type.String(),
  batch: Type.String(),
  expiry: Day,
  quantity: Type.Number(),
  valueSek: Type.Number({ description: 'at acquisition cost: no party gains (R3)' }),
  distanceKm: Type.Number(),
  sentAt: Nullable(DateTime),
  sentBy: Nullable(Type.String()),
  receivedAt: Nullable(DateTime),
  receivedBy: Nullable(Type.String()),
});
type TransferDto = Static<typeof TransferDto>;

const PlanSummaryDto = Type.Object({
  id: Type.Integer(),
  subject: Type.String(),
  unit: Type.String(),
  source: StringEnum(['picture', 'instance'] as const),
  transferDate: Day,
  status: StringEnum(['draft', 'decided', 'withdrawn'] as const),
  caseId: Nullable(Type.Integer()),
  lowestCoverageBefore: Nullable(Type.Number()),
  lowestCoverageAfter: Nullable(Type.Number()),
  lowestCoverageOptimum: Nullable(Type.Number({ description: 'LP phase 1 (days)' })),
  transportOptimum: Type.Number({ description: 'LP phase 2 (units × km)' }),
  totalQuantity: Type.Number(),
  totalValueSek: Type.Number(),
  createdBy: Type.String(),
  createdAt: DateTime,
});

const PlanDto = Type.Intersect([
  PlanSummaryDto,
  Type.Object({
    parameters: Type.Object({
      minRemainingShelfLifeDays: Type.Number(),
      nearestDonors: Type.Number(),
      radiusKm: Type.Number(),
      careUnitStores: Type.Boolean(),
      defaultFloorDays: Type.Number(),
    }),
    equity: EquityDto,
    unreachable: Type.Array(Type.String()),
    refusedArcs: Type.Array(Type.Object({ from: Type.String(), to: Type.String(), reason: Type.String() })),
    arcCount: Type.Integer(),
    transfers: Type.Array(TransferDto, {
      description: 'all for those who see everything, else only the caller’s own',
    }),
    decision: Nullable(DecisionDto),
    mayDecide: Type.Boolean({
      description:
        'whether the caller may decide or withdraw the plan (Läkemedelsverket, a role that decides)',
    }),
    log: Type.Array(
      Type.Object({
        id: Type.Integer(),
        event: StringEnum(['decided', 'withdrawn', 'sent', 'received'] as const),
        line: Nullable(Type.Integer()),
        actor: Type.String(),
        reason: Nullable(Type.String()),
        at: DateTime,
      }),
    ),
  }),
]);
export type PlanDto = Static<typeof PlanDto>;
export type PlanSummaryDto = Static<typeof PlanSummaryDto>;

const ComputeBody = Type.Object(
  {
    subject: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    packageIds: Type.Optional(
      Type.Array(Type.Integer({ minimum: 1 }), {
        minItems: 1,
        maxItems: 200,
        description: 'from the picture: the package or interchangeable group',
      }),
    ),
    instance: Type.Optional(Type.Unknown({ description: 'an uploaded instance (docs/redistribution.md)' })),
    transferDate: Type.Optional(Day),
    parameters: Type.Optional(
      Type.Object(
        {
          minRemainingShelfLifeDays: Type.Optional(Type.Number({ minimum: 0 })),
          nearestDonors: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
          radiusKm: Type.Optional(Type.Number({ minimum: 0 })),
          careUnitStores: Type.Optional(Type.Boolean()),
          defaultFloorDays: Type.Optional(Type.Number({ minimum: 0 })),
        },
        { additionalProperties: false },
      ),
    ),
    caseId: Type.Optional(Type.Integer({ minimum: 1, description: 'the shortage case the plan belongs to' })),
  },
  { additionalProperties: false },
);

export type InstructionDto = Static<typeof InstructionDto>;
const InstructionDto = Type.Intersect([
  TransferDto,
  Type.Object({
    subject: Type.String(),
    unit: Type.String(),
    role: StringEnum(['send', 'receive'] as const, { description: 'what the caller’s organisation does' }),
    planStatus: StringEnum(['decided', 'withdrawn'] as const, {
      description: 'withdrawn: the decision no longer applies and nothing more is confirmed',
    }),
    conditions: ConditionsDto,
    validFrom: Day,
    validTo: Day,
    withdrawnAt: Nullable(DateTime),
    withdrawalReason: Nullable(Type.String()),
  }),
]);

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

function transferDto(t: StoredTransfer): TransferDto {
  return {
    planId: t.planId,
    line: t.line,
    fromCode: t.fromCode,
    toCode: t.toCode,
    package: t.package,
    batch: t.batch,
    expiry: t.expiry,
    quantity: t.quantity,
    valueSek: t.valueSek,
    distanceKm: t.distanceKm,
    sentAt: iso(t.sentAt),
    sentBy: t.sentBy,
    receivedAt: iso(t.receivedAt),
    receivedBy: t.receivedBy,
  };
}

function summaryDto(p: StoredPlan) {
  return {
    id: p.id,
    subject: p.subject,
    unit: p.unit,
    source: p.source,
    transferDate: p.transferDate,
    status: p.status,
    caseId: p.caseId,
    lowestCoverageBefore: p.lowestCoverageBefore,
    lowestCoverageAfter: p.lowestCoverageAfter,
    lowestCoverageOptimum: p.lowestCoverageOptimum,
    transportOptimum: p.transportOptimum,
    totalQuantity: p.totalQuantity,
    totalValueSek: p.totalValueSek,
    createdBy: p.createdBy,
    createdAt: p.createdAt.toISOString(),
  };
}

/** The codes of the caller's organisation's locations (a plan's instance names locations by code). */
async function ownLocationCodes(db: Db, p: Principal): Promise<Set<string>> {
  const rows = await db
    .selectFrom('location')
    .select('code')
    .where('organisation_id', '=', p.organisationId)
    .execute();
  return new Set(rows.map((r) => r.code));
}

/** The locations (ids) of the caller's organisation. */
async function ownLocationIds(db: Db, p: Principal): Promise<Set<number>> {
  const rows = await db
    .selectFrom('location')
    .select('id')
    .where('organisation_id', '=', p.organisationId)
    .execute();
  return new Set(rows.map((r) => Number(r.id)));
}

async function planDto(db: Db, p: Principal, id: number): Promise<PlanDto> {
  const plan = await findPlan(db, id);
  if (!plan) throw AppError.notFound(`redistribution plan ${id}`);
  let transfers = await planTransfers(db, id);
  if (!seesEverything(p)) {
    const own = await ownLocationIds(db, p);
    transfers = transfers.filter(
      (t) =>
        (t.fromLocationId !== null && own.has(t.fromLocationId)) ||
        (t.toLocationId !== null && own.has(t.toLocationId)),
    );
    // Organisations concerned see a decided plan, and one decided and since withdrawn; never a draft.
    if (plan.status === 'draft' || transfers.length === 0 || !(await findDecision(db, id)))
      throw AppError.notFound(`redistribution plan ${id}`);
  }
  const decision = await findDecision(db, id);
  const log = await decisionLog(db, id);
  const seen = planPartsSeenBy(
    p,
    { ...plan, ...plan.outcome },
    seesEverything(p) ? new Set() : await ownLocationCodes(db, p),
  );
  return {
    ...summaryDto(plan),
    ...seen,
    parameters: plan.parameters,
    arcCount: plan.outcome.arcCount,
    mayDecide:
      mayDecide({ kind: p.organisationKind, authority: p.authority ?? null }, 'redistribution') &&
      roleAllows(p.role, 'shortage:decide'),
    transfers: transfers.map(transferDto),
    decision: decision ? { ...decision, decidedAt: decision.decidedAt.toISOString() } : null,
    log: log.map((l) => ({ ...l, at: l.at.toISOString() })),
  };
}

function requireManager(p: Principal): void {
  if (!seesEverything(p))
    throw AppError.forbidden('only authorities and Nationellt CT compute redistribution plans');
}

export const redistributionRoutes: FastifyPluginAsyncTypebox<{ store: Store }> = async (app, { store }) => {
  const db = store.db;
  const tags = ['shortage'];
  const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

  app.post(
    '/redistributions',
    {
      config: { permission: 'shortage:manage' },
      schema: {
        tags,
        summary:
          'Compute a redistribution plan (max lowest coverage, then min transport; HiGHS with a time limit) from the ' +
          'picture (packageIds) or an uploaded instance, and store it as a draft',
        body: ComputeBody,
        response: { 201: PlanDto, ...authErrors, 409: ErrorResponse, 503: ErrorResponse },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      requireManager(p);
      const body = request.body;
      if ((body.instance === undefined) === (body.packageIds === undefined)) {
        throw AppError.invalid('give either packageIds (from the picture) or instance, not both', [
          {
            field: 'packageIds',
            expected: 'packageIds or instance',
            message: 'give either packageIds or instance',
          },
        ]);
      }
      if (body.caseId !== undefined) await requireCase(db, body.caseId);
      const instance =
        body.instance !== undefined
          ? parseRedistributionInstance(body.instance)
          : await instanceFromPicture(db, body.packageIds!, {
              subject: body.subject ?? `förpackning ${body.packageIds!.join(', ')}`,
              ...(body.transferDate ? { transferDate: body.transferDate } : {}),
              ...(body.parameters ? { parameters: body.parameters } : {}),
            });
      const run = await planRedistribution(instance);
      const id = await db.transaction().execute((trx) =>
        insertPlan(trx, p, run.plan, {
          source: body.instance !== undefined ? 'instance' : 'picture',
          packageIds: body.packageIds ?? null,
          caseId: body.caseId ?? null,
        }),
      );
      return reply.code(201).send(await planDto(db, p, id));
    },
  );

  app.get(
    '/redistributions',
    {
      config: { permission: 'shortage:read' },
      schema: {
        tags,
        summary:
          'Redistribution plans, newest first (all for authorities and Nationellt CT; else decided plans that instruct the caller)',
        querystring: Type.Object({
          case: Type.Optional(
            Type.Integer({ minimum: 1, description: 'only the plans of this shortage case' }),
          ),
        }),
        response: { 200: Type.Array(PlanSummaryDto), ...authErrors },
      },
    },
    async (request) => {
      const p = principalOf(request);
      const plans = await listPlans(db, { caseId: request.query.case });
      if (seesEverything(p)) return plans.map(summaryDto);
      const mine = new Set((await transfersOfOrganisation(db, p.organisationId)).map((t) => t.planId));
      // The lowest coverage is one location's figure, perhaps another organisation's (planPartsSeenBy).
      return plans
        .filter((x) => mine.has(x.id))
        .map((x) => ({
          ...summaryDto(x),
          lowestCoverageBefore: null,
          lowestCoverageAfter: null,
          lowestCoverageOptimum: null,
        }));
    },
  );

  app.get(
    '/redistributions/instructions',
    {
      config: { permission: 'shortage:read' },
      schema: {
        tags,
        summary:
          'My organisation’s instructions of decided plans: what to send to whom and receive from whom, batch by batch',
        response: { 200: Type.Array(InstructionDto), ...authErrors },
      },
    },
    async (request) => {
      const p = principalOf(request);
      const own = await ownLocationIds(db, p);
      const rows = await transfersOfOrganisation(db, p.organisationId);
      return rows.flatMap((t) => {
        const plan = {
          subject: t.subject,
          unit: t.unit,
          planStatus: t.planStatus,
          conditions: t.conditions,
          validFrom: t.validFrom,
          validTo: t.validTo,
          withdrawnAt: iso(t.withdrawnAt),
          withdrawalReason: t.withdrawalReason,
        };
        const out = [];
        if (t.fromLocationId !== null && own.has(t.fromLocationId))
          out.push({ ...transferDto(t), ...plan, role: 'send' as const });
        if (t.toLocationId !== null && own.has(t.toLocationId))
          out.push({ ...transferDto(t), ...plan, role: 'receive' as const });
        return out;
      });
    },
  );

  app.get(
    '/redistributions/:id',
    {
      config: { permission: 'shortage:read' },
      schema: {
        tags,
        summary:
          'A plan: parameters, equity per region before/after and spread, transfers, decision and its log',
        params: IdParams,
        response: { 200: PlanDto, ...authErrors },
      },
    },
    async (request) => planDto(db, principalOf(request), request.params.id),
  );

  app.post(
    '/redistributions/:id/decision',
    {
      config: { permission: 'shortage:decide' },
      schema: {
        tags,
        summary:
          'Läkemedelsverket decides a draft plan (mode, legal basis, validity, conditions, reason): the plan is frozen, ' +
          'the decision logged (append-only) and audited',
        params: IdParams,
        body: DecisionBody,
        response: { 200: PlanDto, ...authErrors, 409: ErrorResponse },
      },
    },
    async (request) => {
      const p = principalOf(request);
      if (!mayDecide({ kind: p.organisationKind, authority: p.authority ?? null }, 'redistribution')) {
        throw AppError.forbidden('only Läkemedelsverket decides a redistribution (R3)');
      }
      const decision = checkDecision(request.body);
      await db.transaction().execute((trx) => decidePlan(trx, p, request.params.id, decision));
      return planDto(db, p, request.params.id);
    },
  );

  app.post(
    '/redistributions/:id/withdrawal',
    {
      config: { permission: 'shortage:decide' },
      schema: {
        tags,
        summary:
          'Läkemedelsverket withdraws a plan, with a reason: logged (append-only) and audited; its transfers can no ' +
          'longer be confirmed and the instructions show it as withdrawn',
        params: IdParams,
        body: Type.Object(
          { reason: Type.String({ minLength: 1, maxLength: 2000 }) },
          { additionalProperties: false },
        ),
        response: { 200: PlanDto, ...authErrors, 409: ErrorResponse },
      },
    },
    async (request) => {
      const p = principalOf(request);
      if (!mayDecide({ kind: p.organisationKind, authority: p.authority ?? null }, 'redistribution')) {
        throw AppError.forbidden('only Läkemedelsverket withdraws a redistribution (R3)');
      }
      await db.transaction().execute((trx) => withdrawPlan(trx, p, request.params.id, request.body.reason));
      return planDto(db, p, request.params.id);
    },
  );

  app.post(
    '/redistributions/:id/transfers/:line/:what',
    {
      config: { permission: 'shortage:confirm' },
      schema: {
        tags,
        summary:
          'Confirm sending (the sending location’s organisation) or receiving (the receiving one) of one batch transfer',
        params: Type.Object({
          id: Type.Integer({ minimum: 1 }),
          line: Type.Integer({ minimum: 1 }),
          what: StringEnum(['sent', 'received'] as const),
        }),
        response: { 200: TransferDto, ...authErrors, 409: ErrorResponse },
      },
    },
    async (request) => {
      const p = principalOf(request);
      const t = await db
        .transaction()
        .execute((trx) =>
          confirmTransfer(trx, p, request.params.id, request.params.line, request.params.what),
        );
      return transferDto(t);
    },
  );
};
