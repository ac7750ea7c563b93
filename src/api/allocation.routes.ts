import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { roleAllows, seesEverything, type Principal } from '../domain/access.js';
import { mayDecide } from '../domain/actors.js';
import {
  ALLOCATION_REASONS,
  ALLOCATION_STATUSES,
  DECISION_MODES,
  equityByRegion,
  RECIPIENT_KINDS,
} from '../domain/allocation.js';
import { AppError } from '../domain/errors.js';
import type { Store } from '../store/database.js';
import {
  computeAllocation,
  decideAllocation,
  findAllocation,
  listAllocations,
  quotaOf,
  withdrawAllocation,
  type AllocationDetail,
  type AllocationLineRecord,
  type AllocationRecord,
  type QuotaRow,
} from '../store/allocation.repository.js';
import { recordDelivery } from '../store/allocation-delivery.repository.js';
import { principalOf } from './auth.js';
import { authErrors, ErrorResponse, Page, PageQuery, StringEnum } from './common.js';
import type { ExportTable } from './picture/export.js';
import { sendExport } from './picture/exports.js';

/*
 * Allocation of scarce supply (fördelning; issue 13 item 2, R3). Compute: authorities and Nationellt CT
 * (shortage:manage, seesEverything). Decide or withdraw: Läkemedelsverket (shortage:decide, mayDecide
 * 'distribution'). Read: those who see everything read every allocation; a wholesaler supplying a
 * decided allocation reads its quota per recipient; a recipient reads its own line; others nothing
 * ("not found" and "not yours" answer the same).
 */

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const DateString = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const KeyedNumbers = (description: string) =>
  Type.Record(Type.String({ pattern: '^[0-9A-Za-z_-]{1,30}$' }), Type.Integer({ minimum: 0 }), {
    description,
  });
const KeyedTiers = Type.Record(
  Type.String({ pattern: '^[0-9A-Za-z_-]{1,30}$' }),
  Type.Integer({ minimum: 1, maximum: 9 }),
  {
    description:
      'tier per recipient key (region code or location id) or recipient kind, 1 first; default: DEFAULT_TIER_BY_RECIPIENT_KIND',
  },
);

const LineDto = Type.Object({
  lineNo: Type.Integer(),
  recipientKind: StringEnum(RECIPIENT_KINDS),
  recipientKey: Type.String({ description: 'region code, or location id' }),
  recipientName: Type.String(),
  regionCode: Type.String(),
  tier: Type.Integer(),
  demandPerDay: Nullable(Type.Number({ description: 'packs a day (units for a group), the picture’s' })),
  stock: Nullable(
    Type.Number({ description: 'what it holds, without its share of the wholesale stock being shared' }),
  ),
  upperBound: Nullable(Type.Integer({ description: 'its need over the horizon, or its cap if lower' })),
  minimum: Nullable(Type.Integer()),
  allocated: Type.Integer({ description: 'whole packs (units for a group): the quota' }),
  exactShare: Nullable(Type.String({ description: 'the exact share before rounding, p/q' })),
  rounding: StringEnum(['exact', 'down', 'up'] as const),
  reason: StringEnum(ALLOCATION_REASONS, {
    description:
      'raised_to_level, capped_at_limit, above_level, no_demand, minimum_shared, nothing_left (docs/allocation.md)',
  }),
  levelDays: Nullable(Type.Number({ description: 'the tier’s common level in days' })),
  coverageBeforeDays: Nullable(Type.Number()),
  coverageAfterDays: Nullable(Type.Number()),
});

const DecisionDto = Type.Object({
  id: Type.Integer(),
  outcome: StringEnum(['decided', 'withdrawn'] as const),
  mode: Nullable(StringEnum(DECISION_MODES)),
  legalBasis: Nullable(Type.String()),
  validFrom: Nullable(DateString),
  validTo: Nullable(DateString),
  conditions: Type.Object({
    capPerDispensing: Type.Optional(Type.Integer()),
    minRemainingShelfLifeDays: Type.Optional(Type.Integer()),
    note: Type.Optional(Type.String()),
  }),
  reason: Type.String(),
  organisation: Type.String(),
  decidedBy: Type.String(),
  decidedAt: Type.String({ format: 'date-time' }),
});

const TierSummaryDto = Type.Object({
  tier: Type.Integer(),
  availableBefore: Type.Integer(),
  allocated: Type.Integer(),
  levelDays: Nullable(Type.Number()),
  exhausted: Type.Boolean(),
});

const AllocationDto = Type.Object({
  id: Type.Integer(),
  item: Type.Object({
    kind: StringEnum(['package', 'group'] as const),
    ref: Type.String(),
    name: Type.String(),
    unit: Type.String({ description: '"förp" for a package; the group’s unit' }),
  }),
  horizonDays: Type.Integer(),
  pictureToday: DateString,
  wholesaleStock: Nullable(
    Type.Number({ description: 'usable stock at wholesaler warehouses (null: not for the caller to see)' }),
  ),
  deliveries: Nullable(
    Type.Number({
      description: 'deliveries expected within the horizon to warehouses (null: not for the caller)',
    }),
  ),
  available: Nullable(
    Type.Integer({
      description:
        'whole packs shared: wholesale stock + deliveries, rounded down (null: not for the caller)',
    }),
  ),
  allocated: Nullable(Type.Integer({ description: 'all lines’ quotas together (null: not for the caller)' })),
  roundingRule: Type.String(),
  tiers: Type.Array(TierSummaryDto),
  status: StringEnum(ALLOCATION_STATUSES),
  caseId: Nullable(Type.Integer()),
  note: Nullable(Type.String()),
  createdBy: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});
type AllocationDto = Static<typeof AllocationDto>;

const AllocationDetailDto = Type.Intersect([
  AllocationDto,
  Type.Object({
    view: StringEnum(['all', 'supplier', 'recipient'] as const, {
      description: 'all: everything; supplier: a wholesaler’s quota per recipient; recipient: its own line',
    }),
    lines: Type.Array(LineDto),
    suppliers: Type.Array(
      Type.Object({
        organisationId: Type.Integer(),
        name: Type.String(),
        stock: Type.Number(),
        deliveries: Type.Number(),
      }),
    ),
    decisions: Type.Array(DecisionDto),
    regions: Type.Array(
      Type.Object({
        regionCode: Type.String(),
        demandPerDay: Type.Number(),
        stock: Type.Number(),
        allocated: Type.Integer(),
        coverageBeforeDays: Nullable(Type.Number()),
        coverageAfterDays: Nullable(Type.Number()),
      }),
      {
        description: 'R3 equity: coverage per region before and after (the lines shown, added up per region)',
      },
    ),
    mayDecide: Type.Boolean(),
  }),
]);
export type AllocationDetailDto = Static<typeof AllocationDetailDto>;
export type AllocationListItemDto = AllocationDto;

const QuotaDto = Type.Object({
  allocationId: Type.Integer(),
  itemName: Type.String(),
  unit: Type.String(),
  mode: Nullable(StringEnum(DECISION_MODES)),
  validFrom: Nullable(DateString),
  validTo: Nullable(DateString),
  role: StringEnum(['supplier', 'recipient'] as const),
  recipientKey: Type.String(),
  recipientName: Type.String(),
  allocated: Type.Integer({ description: 'what may be delivered to the recipient under the decision' }),
  delivered: Type.Integer({ description: 'what all suppliers have recorded as delivered to the recipient' }),
  remaining: Type.Integer({ description: 'allocated − delivered, not below 0' }),
  reason: StringEnum(ALLOCATION_REASONS),
});
export type QuotaDto = Static<typeof QuotaDto>;

function toDto(a: AllocationRecord): AllocationDto {
  return {
    id: a.id,
    item: { kind: a.itemKind, ref: a.itemRef, name: a.itemName, unit: a.unit },
    horizonDays: a.horizonDays,
    pictureToday: a.pictureToday,
    wholesaleStock: a.wholesaleStock,
    deliveries: a.deliveries,
    available: a.available,
    allocated: a.allocated,
    roundingRule: a.parameters.roundingRule,
    tiers: a.parameters.tierSummaries,
    status: a.status,
    caseId: a.caseId,
    note: a.note,
    createdBy: a.createdBy,
    createdAt: a.createdAt,
  };
}

const lineDto = (l: AllocationLineRecord): Static<typeof LineDto> => ({
  lineNo: l.lineNo,
  recipientKind: l.recipientKind,
  recipientKey: l.recipientKey,
  recipientName: l.recipientName,
  regionCode: l.regionCode,
  tier: l.tier,
  demandPerDay: l.demandPerDay,
  stock: l.stock,
  upperBound: l.upperBound,
  minimum: l.minimum,
  allocated: l.allocated,
  exactShare: l.exactShare,
  rounding: l.rounding,
  reason: l.reason,
  levelDays: l.levelDays,
  coverageBeforeDays: l.coverageBeforeDays,
  coverageAfterDays: l.coverageAfterDays,
});

/** A line as a supplier reads it: the recipient, its tier, its quota and why; no figure of the recipient's. */
function quotaOnly(l: Static<typeof LineDto>): Static<typeof LineDto> {
  return {
    ...l,
    demandPerDay: null,
    stock: null,
    upperBound: null,
    minimum: null,
    exactShare: null,
    levelDays: null,
    coverageBeforeDays: null,
    coverageAfterDays: null,
  };
}

function mayDecideAllocation(p: Principal): boolean {
  return (
    mayDecide({ kind: p.organisationKind, authority: p.authority ?? null }, 'distribution') &&
    roleAllows(p.role, 'shortage:decide')
  );
}

/**
 * The supply's figures are for those who see everything: a wholesaler's total tells, less its own,
 * the other suppliers' stock; a tier's figures tell the others' shares. Null, not 0: a 0 would read as
 * a figure.
 */
function withoutSupplyFigures(dto: AllocationDto): AllocationDto {
  return { ...dto, wholesaleStock: null, deliveries: null, available: null, allocated: null, tiers: [] };
}

function toDetailDto(a: AllocationDetail, p: Principal): AllocationDetailDto {
  const base = a.view === 'all' ? toDto(a) : withoutSupplyFigures(toDto(a));
  return {
    ...base,
    // A supplier delivers every line's quota, and sees whom and how much, not what each recipient holds
    // or needs (location detail it may not see: pictureScopeOf); its list of suppliers is itself.
    allocated: a.view === 'supplier' ? a.allocated : base.allocated,
    view: a.view,
    lines: a.lines.map((l) => (a.view === 'supplier' ? quotaOnly(lineDto(l)) : lineDto(l))),
    suppliers:
      a.view === 'supplier' ? a.suppliers.filter((x) => x.organisationId === p.organisationId) : a.suppliers,
    decisions: a.decisions,
    regions: a.view === 'supplier' ? [] : equityByRegion(a.lines),
    mayDecide: mayDecideAllocation(p) && a.status === 'draft',
  };
}

function toQuotaDto(q: QuotaRow): QuotaDto {
  return {
    allocationId: q.allocationId,
    itemName: q.itemName,
    unit: q.unit,
    mode: q.mode,
    validFrom: q.validFrom,
    validTo: q.validTo,
    role: q.role,
    recipientKey: q.line.recipientKey,
    recipientName: q.line.recipientName,
    allocated: q.line.allocated,
    delivered: q.delivered,
    remaining: Math.max(0, q.line.allocated - q.delivered),
    reason: q.line.reason,
  };
}

const Reason = Type.String({ minLength: 1, maxLength: 2000 });

const DeliveryBody = Type.Object(
  {
    deliveryId: Type.String({
      minLength: 1,
      maxLength: 100,
      description:
        'the wholesaler’s own id of the delivery: sent again with the same content, nothing new is recorded',
    }),
    recipientKey: Type.String({ minLength: 1, maxLength: 30, description: 'region code, or location id' }),
    quantity: Type.Integer({ minimum: 1, description: 'whole packs (units for a group), as the quota' }),
    deliveredOn: DateString,
  },
  { additionalProperties: false },
);

const DeliveryDto = Type.Object({
  id: Type.Integer(),
  allocationId: Type.Integer(),
  deliveryId: Type.String(),
  recipientKey: Type.String(),
  recipientName: Type.String(),
  quantity: Type.Integer(),
  deliveredOn: DateString,
  recordedBy: Type.String(),
  recordedAt: Type.String({ format: 'date-time' }),
  replayed: Type.Boolean({ description: 'true: this delivery id was recorded before, nothing new stored' }),
  quota: Type.Integer(),
  delivered: Type.Integer({
    description: 'delivered to the recipient by all suppliers, this delivery included',
  }),
  remaining: Type.Integer(),
});
export type DeliveryDto = Static<typeof DeliveryDto>;

export const allocationRoutes: FastifyPluginAsyncTypebox<{ store: Store }> = async (app, { store }) => {
  app.post(
    '/allocations',
    {
      config: { permission: 'shortage:manage' },
      schema: {
        tags: ['shortages'],
        summary:
          'Compute an allocation of a package or group from the picture: tiers in order, equal days of coverage within a tier (draft)',
        body: Type.Object(
          {
            kind: StringEnum(['package', 'group'] as const),
            ref: Type.String({ minLength: 1, maxLength: 200, description: 'package id, or group key' }),
            level: Type.Optional(
              StringEnum(['region', 'location'] as const, {
                description:
                  'recipients: the regions (default), or the hospital, dose and community pharmacies that hold or sell the item',
              }),
            ),
            horizonDays: Type.Integer({
              minimum: 1,
              maximum: 365,
              description: 'days the need is counted over',
            }),
            tiers: Type.Optional(KeyedTiers),
            caps: Type.Optional(KeyedNumbers('a cap per recipient key, whole packs (units for a group)')),
            minimums: Type.Optional(KeyedNumbers('a minimum per recipient key, whole packs')),
            caseId: Type.Optional(Type.Integer({ minimum: 1, description: 'the shortage case' })),
            note: Type.Optional(Type.String({ maxLength: 1000 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: AllocationDetailDto, ...authErrors, 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      if (!seesEverything(p))
        throw AppError.forbidden('only authorities and Nationellt CT compute allocations');
      const id = await computeAllocation(store.db, p, request.body);
      const detail = await findAllocation(store.db, p, id);
      return reply.code(201).send(toDetailDto(detail!, p));
    },
  );

  app.get(
    '/allocations',
    {
      config: { permission: 'shortage:read' },
      schema: {
        tags: ['shortages'],
        summary:
          'Allocations: all for authorities and Nationellt CT; decided ones an organisation supplies or receives',
        querystring: Type.Object({
          ...PageQuery.properties,
          status: Type.Optional(StringEnum(ALLOCATION_STATUSES)),
          case: Type.Optional(
            Type.Integer({ minimum: 1, description: 'only the allocations of this shortage case' }),
          ),
        }),
        response: {
          200: Type.Intersect([Page(AllocationDto), Type.Object({ mayCompute: Type.Boolean() })]),
          ...authErrors,
        },
      },
    },
    async (request) => {
      const p = principalOf(request);
      const q = request.query;
      const { rows, total } = await listAllocations(store.db, p, { status: q.status, caseId: q.case }, q);
      return {
        items: rows.map((a) => (seesEverything(p) ? toDto(a) : withoutSupplyFigures(toDto(a)))),
        total,
        limit: q.limit,
        offset: q.offset,
        mayCompute: seesEverything(p) && roleAllows(p.role, 'shortage:manage'),
      };
    },
  );

  app.get(
    '/allocations/quota',
    {
      config: { permission: 'shortage:read' },
      schema: {
        tags: ['shortages'],
        summary:
          'The quota that applies to my organisation: per recipient what a wholesaler may deliver under decided allocations, or a recipient’s own line',
        querystring: Type.Object({ format: Type.Optional(StringEnum(['json', 'csv'] as const)) }),
        response: { 200: Type.Object({ items: Type.Array(QuotaDto) }), ...authErrors },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const items = (await quotaOf(store.db, p)).map(toQuotaDto);
      if (request.query.format !== 'csv') return { items };
      const table: ExportTable<QuotaDto> = {
        name: 'fordelning-kvot',
        title: 'Fördelning: kvot',
        classification: 'protected',
        today: new Date().toISOString().slice(0, 10),
        scope: p.organisationName,
        columns: [
          { header: 'Fördelning', value: (r) => r.allocationId },
          { header: 'Artikel', value: (r) => r.itemName },
          { header: 'Mottagare', value: (r) => r.recipientName },
          { header: 'Mottagarkod', value: (r) => r.recipientKey },
          { header: 'Kvot', value: (r) => r.allocated },
          { header: 'Levererat', value: (r) => r.delivered },
          { header: 'Kvar', value: (r) => r.remaining },
          { header: 'Enhet', value: (r) => r.unit },
          { header: 'Gäller från', value: (r) => r.validFrom, date: true },
          { header: 'Gäller till', value: (r) => r.validTo, date: true },
          { header: 'Beslut', value: (r) => (r.mode === 'mandatory' ? 'tvingande' : 'frivillig') },
        ],
        rows: items,
      };
      return sendExport(reply, table, 'csv');
    },
  );

  app.get(
    '/allocations/:id',
    {
      config: { permission: 'shortage:read' },
      schema: {
        tags: ['shortages'],
        summary:
          'One allocation with its lines (each with its reason), suppliers and decisions, as the caller may see it',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        response: { 200: AllocationDetailDto, ...authErrors },
      },
    },
    async (request) => {
      const p = principalOf(request);
      const detail = await findAllocation(store.db, p, request.params.id);
      if (!detail) throw AppError.notFound(`allocation ${request.params.id}`);
      return toDetailDto(detail, p);
    },
  );

  app.post(
    '/allocations/:id/decision',
    {
      config: { permission: 'shortage:decide' },
      schema: {
        tags: ['shortages'],
        summary:
          'Läkemedelsverket decides a draft allocation (mode, legal basis, validity, conditions, reason); the decision freezes it',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        body: Type.Object(
          {
            mode: StringEnum(DECISION_MODES),
            legalBasis: Type.String({ minLength: 1, maxLength: 500 }),
            validFrom: DateString,
            validTo: Type.Optional(Nullable(DateString)),
            conditions: Type.Optional(
              Type.Object(
                {
                  capPerDispensing: Type.Optional(
                    Type.Integer({
                      minimum: 1,
                      description: 'packs one private person may collect per dispensing',
                    }),
                  ),
                  minRemainingShelfLifeDays: Type.Optional(Type.Integer({ minimum: 0 })),
                  note: Type.Optional(Type.String({ maxLength: 500 })),
                },
                { additionalProperties: false },
              ),
            ),
            reason: Reason,
          },
          { additionalProperties: false },
        ),
        response: { 200: AllocationDetailDto, ...authErrors, 409: ErrorResponse },
      },
    },
    async (request) => {
      const p = principalOf(request);
      const detail = await decideAllocation(store.db, p, request.params.id, request.body);
      return toDetailDto(detail, p);
    },
  );

  app.post(
    '/allocations/:id/deliveries',
    {
      config: { permission: 'shortage:confirm' },
      schema: {
        tags: ['shortages'],
        summary:
          'A supplying wholesaler records what it delivered to a recipient under a decided allocation; idempotent per ' +
          'delivery id; a delivery over the recipient’s quota is refused (409)',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        body: DeliveryBody,
        response: { 200: DeliveryDto, 201: DeliveryDto, ...authErrors, 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const d = await recordDelivery(store.db, p, request.params.id, request.body);
      const { standing, ...rest } = d;
      return reply.code(d.replayed ? 200 : 201).send({ ...rest, ...standing });
    },
  );

  app.post(
    '/allocations/:id/withdrawal',
    {
      config: { permission: 'shortage:decide' },
      schema: {
        tags: ['shortages'],
        summary: 'Läkemedelsverket withdraws an allocation, with a reason',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        body: Type.Object({ reason: Reason }, { additionalProperties: false }),
        response: { 200: AllocationDetailDto, ...authErrors, 409: ErrorResponse },
      },
    },
    async (request) => {
      const p = principalOf(request);
      const detail = await withdrawAllocation(store.db, p, request.params.id, request.body.reason);
      return toDetailDto(detail, p);
    },
  );
};
