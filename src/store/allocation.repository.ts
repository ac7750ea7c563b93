import { sql } from 'kysely';
import { seesEverything, type Principal } from '../domain/access.js';
import { mayDecide } from '../domain/actors.js';
import {
  allocate,
  checkAllocationDecision,
  ROUNDING_RULE,
  type AllocationDecisionInput,
  type AllocationReason,
  type AllocationRounding,
  type AllocationStatus,
  type DecisionConditions,
  type DecisionMode,
  type RecipientKind,
} from '../domain/allocation.js';
import { AppError } from '../domain/errors.js';
import { buildAllocationInput, type AllocationRequest } from './allocation-input.js';
import type { Db, Tx } from './database.js';
import { auditPreparedness } from './decision-audit.repository.js';
import { deliveredByRecipient } from './allocation-delivery.repository.js';
import { requireCase } from './shortage-case.repository.js';

/** An allocation as stored (camelCase, numbers as numbers). */
export interface AllocationRecord {
  id: number;
  itemKind: 'package' | 'group';
  itemRef: string;
  itemName: string;
  unit: string;
  horizonDays: number;
  pictureToday: string;
  wholesaleStock: number;
  deliveries: number;
  available: number;
  allocated: number;
  parameters: AllocationParameters;
  status: AllocationStatus;
  caseId: number | null;
  note: string | null;
  createdBy: string;
  createdAt: string;
}

export interface AllocationParameters {
  method: 'tiers_then_equal_days';
  level: 'region' | 'location';
  roundingRule: typeof ROUNDING_RULE;
  tiers: Record<string, number>;
  caps: Record<string, number>;
  minimums: Record<string, number>;
  /** The tiers' summaries (level, exhausted) as computed. */
  tierSummaries: {
    tier: number;
    availableBefore: number;
    allocated: number;
    levelDays: number | null;
    exhausted: boolean;
  }[];
}

export interface AllocationLineRecord {
  lineNo: number;
  recipientKind: RecipientKind;
  recipientKey: string;
  recipientName: string;
  regionCode: string;
  locationId: number | null;
  tier: number;
  demandPerDay: number;
  stock: number;
  upperBound: number;
  minimum: number;
  allocated: number;
  exactShare: string;
  rounding: AllocationRounding;
  reason: AllocationReason;
  levelDays: number | null;
  coverageBeforeDays: number | null;
  coverageAfterDays: number | null;
}

export interface AllocationDecisionRecord {
  id: number;
  outcome: 'decided' | 'withdrawn';
  mode: DecisionMode | null;
  legalBasis: string | null;
  validFrom: string | null;
  validTo: string | null;
  conditions: DecisionConditions;
  reason: string;
  organisation: string;
  decidedBy: string;
  decidedAt: string;
}

export interface AllocationSupplierRecord {
  organisationId: number;
  name: string;
  stock: number;
  deliveries: number;
}

/** What the caller may see of one allocation: everything, or (a wholesaler, a recipient) part of it. */
export type AllocationView = 'all' | 'supplier' | 'recipient';

export interface AllocationDetail extends AllocationRecord {
  view: AllocationView;
  lines: AllocationLineRecord[];
  suppliers: AllocationSupplierRecord[];
  decisions: AllocationDecisionRecord[];
}

const num = (x: unknown): number => Number(x);
const numOrNull = (x: unknown): number | null => (x === null || x === undefined ? null : Number(x));
const iso = (d: Date | string): string => new Date(d).toISOString();

function rowToAllocation(r: {
  id: number;
  item_kind: 'package' | 'group';
  item_ref: string;
  item_name: string;
  unit: string;
  horizon_days: number;
  picture_today: string;
  wholesale_stock: number;
  deliveries: number;
  available: number;
  allocated: number;
  parameters: unknown;
  status: AllocationStatus;
  case_id: number | null;
  note: string | null;
  created_by: string;
  created_at: Date | string;
}): AllocationRecord {
  return {
    id: num(r.id),
    itemKind: r.item_kind,
    itemRef: r.item_ref,
    itemName: r.item_name,
    unit: r.unit,
    horizonDays: r.horizon_days,
    pictureToday: String(r.picture_today).slice(0, 10),
    wholesaleStock: num(r.wholesale_stock),
    deliveries: num(r.deliveries),
    available: num(r.available),
    allocated: num(r.allocated),
    parameters: (typeof r.parameters === 'string'
      ? JSON.parse(r.parameters)
      : r.parameters) as AllocationParameters,
    status: r.status,
    caseId: numOrNull(r.case_id),
    note: r.note,
    createdBy: r.created_by,
    createdAt: iso(r.created_at),
  };
}

function allocationQuery(db: Db | Tx) {
  return db
    .selectFrom('allocation as a')
    .innerJoin('organisation as o', 'o.id', 'a.organisation_id')
    .select([
      'a.id',
      'a.item_kind',
      'a.item_ref',
      'a.item_name',
      'a.unit',
      'a.horizon_days',
      'a.picture_today',
      'a.wholesale_stock',
      'a.deliveries',
      'a.available',
      'a.allocated',
      'a.parameters',
      'a.status',
      'a.case_id',
      'a.note',
      'o.name as created_by',
      'a.created_at',
    ]);
}

export interface ComputeAllocationInput extends AllocationRequest {
  caseId?: number | undefined;
  note?: string | undefined;
}

/**
 * Computes an allocation from the picture and stores it as a draft, with its lines and suppliers, in one
 * transaction; audited. Only organisations that see everything (authorities, Nationellt CT) compute.
 */
export async function computeAllocation(
  db: Db,
  principal: Principal,
  input: ComputeAllocationInput,
): Promise<number> {
  if (!seesEverything(principal))
    throw AppError.forbidden('only authorities and the joint function compute allocations');
  if (input.caseId !== undefined) await requireCase(db, input.caseId);
  const built = await buildAllocationInput(db, input);
  const result = allocate(built);
  const parameters: AllocationParameters = {
    method: 'tiers_then_equal_days',
    level: input.level ?? 'region',
    roundingRule: result.roundingRule,
    tiers: Object.fromEntries(built.recipients.map((r) => [r.key, r.tier])),
    caps: input.caps ?? {},
    minimums: input.minimums ?? {},
    tierSummaries: result.tiers,
  };
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('allocation')
      .values({
        item_kind: input.kind,
        item_ref: input.ref,
        item_name: built.itemName,
        unit: built.unit,
        horizon_days: input.horizonDays,
        picture_today: built.today,
        wholesale_stock: built.wholesaleStock,
        deliveries: built.deliveries,
        available: result.available,
        allocated: result.allocated,
        parameters: JSON.stringify(parameters),
        case_id: input.caseId ?? null,
        note: input.note?.trim() || null,
        organisation_id: principal.organisationId,
        token_id: principal.tokenId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const id = Number(row.id);
    if (result.lines.length > 0) {
      await trx
        .insertInto('allocation_line')
        .values(
          result.lines.map((l, i) => {
            const rec = built.recipients[i]!;
            return {
              allocation_id: id,
              line_no: i + 1,
              recipient_kind: l.kind,
              recipient_key: l.key,
              recipient_name: rec.name,
              region_code: rec.regionCode,
              location_id: rec.locationId,
              tier: l.tier,
              demand_per_day: l.demandPerDay,
              stock: l.stock,
              upper_bound: l.upperBound,
              minimum: l.minimum,
              allocated: l.allocated,
              exact_share: l.exactShare,
              rounding: l.rounding,
              reason: l.reason,
              level_days: l.levelDays,
              coverage_before: l.coverageBeforeDays,
              coverage_after: l.coverageAfterDays,
            };
          }),
        )
        .execute();
    }
    if (built.suppliers.length > 0) {
      await trx
        .insertInto('allocation_supplier')
        .values(
          built.suppliers.map((s) => ({
            allocation_id: id,
            organisation_id: s.organisationId,
            stock: s.stock,
            deliveries: s.deliveries,
          })),
        )
        .execute();
    }
    await auditPreparedness(trx, principal, 'allocation.computed', 'allocation', id, {
      reason: input.note?.trim() || null,
      item: `${input.kind}:${input.ref}`,
      horizonDays: input.horizonDays,
      available: result.available,
      allocated: result.allocated,
    });
    return id;
  });
}

/** How the caller relates to an allocation: all (sees everything), supplier, recipient, or none. */
async function viewOf(db: Db | Tx, principal: Principal, id: number, status: AllocationStatus) {
  if (seesEverything(principal)) return 'all' as const;
  // Others see only what a decision put in force (a draft or a withdrawn allocation is nothing to them).
  if (status !== 'decided') return null;
  const supplier = await db
    .selectFrom('allocation_supplier')
    .select('organisation_id')
    .where('allocation_id', '=', id)
    .where('organisation_id', '=', principal.organisationId)
    .executeTakeFirst();
  if (supplier) return 'supplier' as const;
  const own = await recipientLines(db, principal, [id]);
  return own.length > 0 ? ('recipient' as const) : null;
}

/** The lines whose recipient is the caller's: its locations, or its region (a region organisation). */
function recipientLines(db: Db | Tx, principal: Principal, ids: readonly number[]) {
  return db
    .selectFrom('allocation_line as l')
    .leftJoin('location as loc', 'loc.id', 'l.location_id')
    .selectAll('l')
    .where('l.allocation_id', 'in', ids.length > 0 ? [...ids] : [-1])
    .where((eb) =>
      eb.or([
        eb('loc.organisation_id', '=', principal.organisationId),
        ...(principal.organisationKind === 'region' && principal.regionCode
          ? [eb.and([eb('l.recipient_kind', '=', 'region'), eb('l.region_code', '=', principal.regionCode)])]
          : []),
      ]),
    )
    .orderBy('l.allocation_id')
    .orderBy('l.line_no')
    .execute();
}

type LineRow = Awaited<ReturnType<typeof recipientLines>>[number];

function rowToLine(r: LineRow): AllocationLineRecord {
  return {
    lineNo: r.line_no,
    recipientKind: r.recipient_kind,
    recipientKey: r.recipient_key,
    recipientName: r.recipient_name,
    regionCode: r.region_code,
    locationId: numOrNull(r.location_id),
    tier: r.tier,
    demandPerDay: num(r.demand_per_day),
    stock: num(r.stock),
    upperBound: num(r.upper_bound),
    minimum: num(r.minimum),
    allocated: num(r.allocated),
    exactShare: r.exact_share,
    rounding: r.rounding,
    reason: r.reason,
    levelDays: numOrNull(r.level_days),
    coverageBeforeDays: numOrNull(r.coverage_before),
    coverageAfterDays: numOrNull(r.coverage_after),
  };
}

/** One allocation as the caller may see it; undefined when it does not exist or is not the caller's. */
export async function findAllocation(
  db: Db | Tx,
  principal: Principal,
  id: number,
): Promise<AllocationDetail | undefined> {
  const row = await allocationQuery(db).where('a.id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const view = await viewOf(db, principal, id, row.status);
  if (view === null) return undefined;
  const [lines, suppliers, decisions] = await Promise.all([
    view === 'recipient'
      ? recipientLines(db, principal, [id])
      : db
          .selectFrom('allocation_line as l')
          .selectAll('l')
          .where('l.allocation_id', '=', id)
          .orderBy('l.line_no')
          .execute(),
    db
      .selectFrom('allocation_supplier as s')
      .innerJoin('organisation as o', 'o.id', 's.organisation_id')
      .select(['s.organisation_id', 'o.name', 's.stock', 's.deliveries'])
      .where('s.allocation_id', '=', id)
      .orderBy('o.name')
      .execute(),
    db
      .selectFrom('allocation_decision as d')
      .innerJoin('organisation as o', 'o.id', 'd.organisation_id')
      .select([
        'd.id',
        'd.outcome',
        'd.mode',
        'd.legal_basis',
        'd.valid_from',
        'd.valid_to',
        'd.conditions',
        'd.reason',
        'o.name as organisation',
        'd.decided_by',
        'd.decided_at',
      ])
      .where('d.allocation_id', '=', id)
      .orderBy('d.id')
      .execute(),
  ]);
  const record = rowToAllocation(row);
  return {
    ...record,
    // A recipient sees its own line, not the others' figures nor the supply's breakdown (the routes
    // leave out the supply's figures for all but those who see everything: withoutSupplyFigures).
    view,
    lines: lines.map(rowToLine),
    suppliers:
      view === 'recipient'
        ? []
        : suppliers.map((s) => ({
            organisationId: num(s.organisation_id),
            name: s.name,
            stock: num(s.stock),
            deliveries: num(s.deliveries),
          })),
    decisions: decisions.map((d) => ({
      id: num(d.id),
      outcome: d.outcome,
      mode: d.mode,
      legalBasis: d.legal_basis,
      validFrom: d.valid_from === null ? null : String(d.valid_from).slice(0, 10),
      validTo: d.valid_to === null ? null : String(d.valid_to).slice(0, 10),
      conditions: (typeof d.conditions === 'string'
        ? JSON.parse(d.conditions)
        : d.conditions) as DecisionConditions,
      reason: d.reason,
      organisation: d.organisation,
      decidedBy: d.decided_by,
      decidedAt: iso(d.decided_at),
    })),
  };
}

/** The allocations the caller may see, newest first: all for those who see everything; else decided ones it supplies or receives. */
export async function listAllocations(
  db: Db,
  principal: Principal,
  filter: { status?: AllocationStatus | undefined; caseId?: number | undefined },
  page: { limit: number; offset: number },
): Promise<{ rows: AllocationRecord[]; total: number }> {
  let q = allocationQuery(db);
  if (filter.status) q = q.where('a.status', '=', filter.status);
  if (filter.caseId !== undefined) q = q.where('a.case_id', '=', filter.caseId);
  if (!seesEverything(principal)) {
    const mine = await visibleDecidedIds(db, principal);
    q = q.where('a.status', '=', 'decided').where('a.id', 'in', mine.length > 0 ? mine : [-1]);
  }
  const [rows, count] = await Promise.all([
    q.orderBy('a.id', 'desc').limit(page.limit).offset(page.offset).execute(),
    q
      .clearSelect()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst(),
  ]);
  return { rows: rows.map(rowToAllocation), total: Number(count?.n ?? 0) };
}

async function visibleDecidedIds(db: Db, principal: Principal): Promise<number[]> {
  const decided = await db.selectFrom('allocation').select('id').where('status', '=', 'decided').execute();
  const ids = decided.map((d) => Number(d.id));
  if (ids.length === 0) return [];
  const [sup, rec] = await Promise.all([
    db
      .selectFrom('allocation_supplier')
      .select('allocation_id')
      .where('organisation_id', '=', principal.organisationId)
      .where('allocation_id', 'in', ids)
      .execute(),
    recipientLines(db, principal, ids),
  ]);
  return [
    ...new Set([...sup.map((s) => Number(s.allocation_id)), ...rec.map((r) => Number(r.allocation_id))]),
  ];
}

/**
 * Läkemedelsverket decides a draft allocation (R3): the decision is appended, the allocation becomes
 * 'decided' (its lines were never changeable: append-only) and the audit log records who and why.
 */
export async function decideAllocation(
  db: Db,
  principal: Principal,
  id: number,
  input: AllocationDecisionInput,
): Promise<AllocationDetail> {
  if (
    !mayDecide({ kind: principal.organisationKind, authority: principal.authority ?? null }, 'distribution')
  )
    throw AppError.forbidden('only Läkemedelsverket decides an allocation (R3)');
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ status: AllocationStatus }>`
      SELECT status FROM allocation WHERE id = ${id} FOR UPDATE`.execute(trx);
    const current = rows[0];
    if (!current) throw AppError.notFound(`allocation ${id}`);
    const problems = checkAllocationDecision(current.status, input);
    if (problems.some((p) => p.field === 'status'))
      throw AppError.conflict(`allocation ${id} is ${current.status}: only a draft can be decided`);
    if (problems.length > 0) throw AppError.invalid(`allocation ${id} was not decided`, problems);
    const conditions = input.conditions ?? {};
    await trx
      .insertInto('allocation_decision')
      .values({
        allocation_id: id,
        outcome: 'decided',
        mode: input.mode,
        legal_basis: input.legalBasis.trim(),
        valid_from: input.validFrom,
        valid_to: input.validTo ?? null,
        conditions: JSON.stringify(conditions),
        reason: input.reason.trim(),
        organisation_id: principal.organisationId,
        token_id: principal.tokenId,
        decided_by: principal.userName,
      })
      .execute();
    await trx.updateTable('allocation').set({ status: 'decided' }).where('id', '=', id).execute();
    await auditPreparedness(trx, principal, 'allocation.decided', 'allocation', id, {
      reason: input.reason.trim(),
      mode: input.mode,
      legalBasis: input.legalBasis.trim(),
      validFrom: input.validFrom,
      validTo: input.validTo ?? null,
      conditions,
    });
    return (await findAllocation(trx, principal, id))!;
  });
}

/** Läkemedelsverket withdraws a draft or decided allocation, with a reason (appended; audited). */
export async function withdrawAllocation(
  db: Db,
  principal: Principal,
  id: number,
  reason: string,
): Promise<AllocationDetail> {
  if (
    !mayDecide({ kind: principal.organisationKind, authority: principal.authority ?? null }, 'distribution')
  )
    throw AppError.forbidden('only Läkemedelsverket withdraws an allocation (R3)');
  if (reason.trim() === '')
    throw AppError.invalid('allocation was not withdrawn', [
      { field: 'reason', expected: 'why it is withdrawn', message: 'reason is empty' },
    ]);
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ status: AllocationStatus }>`
      SELECT status FROM allocation WHERE id = ${id} FOR UPDATE`.execute(trx);
    const current = rows[0];
    if (!current) throw AppError.notFound(`allocation ${id}`);
    if (current.status === 'withdrawn') throw AppError.conflict(`allocation ${id} is already withdrawn`);
    await trx
      .insertInto('allocation_decision')
      .values({
        allocation_id: id,
        outcome: 'withdrawn',
        conditions: '{}',
        reason: reason.trim(),
        organisation_id: principal.organisationId,
        token_id: principal.tokenId,
        decided_by: principal.userName,
      })
      .execute();
    await trx.updateTable('allocation').set({ status: 'withdrawn' }).where('id', '=', id).execute();
    await auditPreparedness(trx, principal, 'allocation.withdrawn', 'allocation', id, {
      reason: reason.trim(),
    });
    return (await findAllocation(trx, principal, id))!;
  });
}

export interface QuotaRow {
  allocationId: number;
  itemName: string;
  unit: string;
  validFrom: string | null;
  validTo: string | null;
  mode: DecisionMode | null;
  /** How the caller relates to the line: it supplies it (a wholesaler) or receives it. */
  role: 'supplier' | 'recipient';
  line: AllocationLineRecord;
  /** What all suppliers have delivered to the recipient under the allocation (0030). */
  delivered: number;
}

/**
 * The quota that applies to the caller's organisation (item 2): for a wholesaler supplying a decided
 * allocation, every recipient's line (what it may deliver); for a recipient, its own lines.
 */
export async function quotaOf(db: Db, principal: Principal): Promise<QuotaRow[]> {
  const ids = await visibleDecidedIds(db, principal);
  if (ids.length === 0) return [];
  const out: QuotaRow[] = [];
  const delivered = await deliveredByRecipient(db, ids);
  for (const id of ids.sort((a, b) => b - a)) {
    const detail = await findAllocation(db, principal, id);
    if (!detail || detail.view === 'all') continue;
    const decision = [...detail.decisions].reverse().find((d) => d.outcome === 'decided');
    for (const line of detail.lines) {
      out.push({
        allocationId: id,
        itemName: detail.itemName,
        unit: detail.unit,
        validFrom: decision?.validFrom ?? null,
        validTo: decision?.validTo ?? null,
        mode: decision?.mode ?? null,
        role: detail.view,
        line,
        delivered: delivered.get(id)?.get(line.recipientKey) ?? 0,
      });
    }
  }
  return out;
}
