import { sql } from 'kysely';
import type { Principal } from '../domain/access.js';
import { AppError } from '../domain/errors.js';
import {
  DEFAULT_REDISTRIBUTION_PARAMETERS,
  type Equity,
  type LocationOutcome,
  type PlanLocation,
  type RedistributionDecisionInput,
  type RedistributionInstance,
  type RedistributionParameters,
  type RedistributionPlan,
  shelfLifeProblems,
} from '../domain/redistribution.js';
import type { Db, Tx } from './database.js';
import { auditPreparedness } from './decision-audit.repository.js';
import { findPictureState, locationCoverage, type LocationRow } from './picture/repository.js';

/** A stored plan's head. */
export interface StoredPlan {
  id: number;
  subject: string;
  unit: string;
  source: 'picture' | 'instance';
  transferDate: string;
  parameters: RedistributionParameters;
  status: 'draft' | 'decided' | 'withdrawn';
  caseId: number | null;
  lowestCoverageBefore: number | null;
  lowestCoverageAfter: number | null;
  lowestCoverageOptimum: number | null;
  transportOptimum: number;
  equity: Equity;
  outcome: {
    locations: LocationOutcome[];
    unreachable: string[];
    refusedArcs: RedistributionPlan['refusedArcs'];
    arcCount: number;
  };
  totalQuantity: number;
  totalValueSek: number;
  createdBy: string;
  createdAt: Date;
}

export interface StoredTransfer {
  planId: number;
  line: number;
  fromCode: string;
  toCode: string;
  fromLocationId: number | null;
  toLocationId: number | null;
  package: string;
  batch: string;
  expiry: string;
  quantity: number;
  valueSek: number;
  distanceKm: number;
  sentAt: Date | null;
  sentBy: string | null;
  receivedAt: Date | null;
  receivedBy: string | null;
}

export interface StoredDecision extends RedistributionDecisionInput {
  decidedBy: string;
  decidedAt: Date;
}

export interface DecisionLogEntry {
  id: number;
  event: 'decided' | 'withdrawn' | 'sent' | 'received';
  line: number | null;
  actor: string;
  reason: string | null;
  at: Date;
}

const dateText = (d: unknown): string => (d instanceof Date ? d.toISOString().slice(0, 10) : String(d));

/** Stores a computed plan as a draft with its transfers (location codes resolved to known locations). */
export async function insertPlan(
  trx: Tx,
  principal: Principal,
  plan: RedistributionPlan,
  meta: { source: 'picture' | 'instance'; packageIds: number[] | null; caseId: number | null },
): Promise<number> {
  const row = await trx
    .insertInto('redistribution_plan')
    .values({
      subject: plan.subject,
      unit: plan.unit,
      source: meta.source,
      package_ids: meta.packageIds,
      transfer_date: plan.transferDate,
      parameters: JSON.stringify(plan.parameters),
      case_id: meta.caseId,
      lowest_coverage_before: plan.lowestCoverageBefore,
      lowest_coverage_after: plan.lowestCoverageAfter,
      lowest_coverage_optimum: plan.lowestCoverageOptimum,
      transport_optimum: plan.transportOptimum,
      equity: JSON.stringify(plan.equity),
      outcome: JSON.stringify({
        locations: plan.locations,
        unreachable: plan.unreachable,
        refusedArcs: plan.refusedArcs,
        arcCount: plan.arcCount,
      }),
      total_quantity: plan.totals.quantity,
      total_value_sek: plan.totals.value,
      created_by_organisation: principal.organisationId,
      created_by: principal.userName,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (plan.transfers.length > 0) {
    const codes = [...new Set(plan.transfers.flatMap((t) => [t.from, t.to]))];
    const known = await trx
      .selectFrom('location')
      .select(['id', 'code'])
      .where('code', 'in', codes)
      .execute();
    const idOf = new Map(known.map((l) => [l.code, l.id]));
    await trx
      .insertInto('redistribution_transfer')
      .values(
        plan.transfers.map((t, i) => ({
          plan_id: row.id,
          line: i + 1,
          from_code: t.from,
          to_code: t.to,
          from_location_id: idOf.get(t.from) ?? null,
          to_location_id: idOf.get(t.to) ?? null,
          package: t.package,
          batch: t.batch,
          expiry: t.expiry,
          quantity: t.quantity,
          value_sek: t.value,
          distance_km: t.distanceKm,
        })),
      )
      .execute();
  }
  await auditPreparedness(trx, principal, 'redistribution.plan', 'redistribution_plan', row.id, {
    reason: null,
    subject: plan.subject,
    transfers: plan.transfers.length,
  });
  return row.id;
}

function toPlan(r: {
  id: number;
  subject: string;
  unit: string;
  source: 'picture' | 'instance';
  transfer_date: string;
  parameters: unknown;
  status: 'draft' | 'decided' | 'withdrawn';
  case_id: number | null;
  lowest_coverage_before: number | null;
  lowest_coverage_after: number | null;
  lowest_coverage_optimum: number | null;
  transport_optimum: number;
  equity: unknown;
  outcome: unknown;
  total_quantity: number;
  total_value_sek: number;
  created_by: string;
  created_at: Date;
}): StoredPlan {
  const num = (v: number | null) => (v === null ? null : Number(v));
  return {
    id: Number(r.id),
    subject: r.subject,
    unit: r.unit,
    source: r.source,
    transferDate: dateText(r.transfer_date),
    parameters: r.parameters as RedistributionParameters,
    status: r.status,
    caseId: r.case_id === null ? null : Number(r.case_id),
    lowestCoverageBefore: num(r.lowest_coverage_before),
    lowestCoverageAfter: num(r.lowest_coverage_after),
    lowestCoverageOptimum: num(r.lowest_coverage_optimum),
    transportOptimum: Number(r.transport_optimum),
    equity: r.equity as Equity,
    outcome: r.outcome as StoredPlan['outcome'],
    totalQuantity: Number(r.total_quantity),
    totalValueSek: Number(r.total_value_sek),
    createdBy: r.created_by,
    createdAt: r.created_at,
  };
}

/** Plans, newest first; those of one shortage case when `caseId` is given. */
export async function listPlans(db: Db, filter: { caseId?: number | undefined } = {}): Promise<StoredPlan[]> {
  let q = db.selectFrom('redistribution_plan').selectAll();
  if (filter.caseId !== undefined) q = q.where('case_id', '=', filter.caseId);
  const rows = await q.orderBy('id', 'desc').limit(200).execute();
  return rows.map(toPlan);
}

export async function findPlan(db: Db | Tx, id: number): Promise<StoredPlan | undefined> {
  const r = await db.selectFrom('redistribution_plan').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toPlan(r) : undefined;
}

function toTransfer(r: {
  plan_id: number;
  line: number;
  from_code: string;
  to_code: string;
  from_location_id: number | null;
  to_location_id: number | null;
  package: string;
  batch: string;
  expiry: string;
  quantity: number;
  value_sek: number;
  distance_km: number;
  sent_at: Date | null;
  sent_by: string | null;
  received_at: Date | null;
  received_by: string | null;
}): StoredTransfer {
  return {
    planId: Number(r.plan_id),
    line: r.line,
    fromCode: r.from_code,
    toCode: r.to_code,
    fromLocationId: r.from_location_id === null ? null : Number(r.from_location_id),
    toLocationId: r.to_location_id === null ? null : Number(r.to_location_id),
    package: r.package,
    batch: r.batch,
    expiry: dateText(r.expiry),
    quantity: Number(r.quantity),
    valueSek: Number(r.value_sek),
    distanceKm: Number(r.distance_km),
    sentAt: r.sent_at,
    sentBy: r.sent_by,
    receivedAt: r.received_at,
    receivedBy: r.received_by,
  };
}

export async function planTransfers(db: Db | Tx, planId: number): Promise<StoredTransfer[]> {
  const rows = await db
    .selectFrom('redistribution_transfer')
    .selectAll()
    .where('plan_id', '=', planId)
    .orderBy('line')
    .execute();
  return rows.map(toTransfer);
}

export async function findDecision(db: Db | Tx, planId: number): Promise<StoredDecision | undefined> {
  const r = await db
    .selectFrom('redistribution_decision')
    .selectAll()
    .where('plan_id', '=', planId)
    .executeTakeFirst();
  if (!r) return undefined;
  return {
    mode: r.mode,
    legalBasis: r.legal_basis,
    validFrom: dateText(r.valid_from),
    validTo: dateText(r.valid_to),
    conditions: r.conditions as RedistributionDecisionInput['conditions'],
    reason: r.reason,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
  };
}

export async function decisionLog(db: Db | Tx, planId: number): Promise<DecisionLogEntry[]> {
  const rows = await db
    .selectFrom('redistribution_decision_log')
    .selectAll()
    .where('plan_id', '=', planId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    event: r.event,
    line: r.line,
    actor: r.actor,
    reason: r.reason,
    at: r.at,
  }));
}

/** Läkemedelsverket decides a draft plan: the decision, the status, the log and the audit, in one transaction. */
export async function decidePlan(
  trx: Tx,
  principal: Principal,
  planId: number,
  decision: RedistributionDecisionInput,
): Promise<void> {
  const plan = await trx
    .selectFrom('redistribution_plan')
    .select(['status', 'transfer_date'])
    .where('id', '=', planId)
    .forUpdate()
    .executeTakeFirst();
  if (!plan) throw AppError.notFound(`redistribution plan ${planId}`);
  if (plan.status !== 'draft') {
    throw new AppError(
      'conflict',
      `redistribution plan ${planId} is ${plan.status}: only a draft is decided`,
    );
  }
  // A shortened shelf-life requirement must hold for every batch the plan moves (R4).
  const problems = shelfLifeProblems(
    decision,
    dateText(plan.transfer_date),
    await planTransfers(trx, planId),
  );
  if (problems.length > 0)
    throw AppError.invalid(
      `redistribution plan ${planId} was not decided: ` +
        `${problems.length === 1 ? 'transfer' : 'transfers'} ${problems.map((p) => p.at).join(', ')} ` +
        `${problems.length === 1 ? 'moves a batch' : 'move batches'} below the decided minimum shelf life: ` +
        problems.map((p) => p.message).join('; '),
      problems,
    );
  await trx
    .insertInto('redistribution_decision')
    .values({
      plan_id: planId,
      mode: decision.mode,
      legal_basis: decision.legalBasis,
      valid_from: decision.validFrom,
      valid_to: decision.validTo,
      conditions: JSON.stringify(decision.conditions),
      reason: decision.reason,
      decided_by_organisation: principal.organisationId,
      decided_by: principal.userName,
    })
    .execute();
  await trx.updateTable('redistribution_plan').set({ status: 'decided' }).where('id', '=', planId).execute();
  await trx
    .insertInto('redistribution_decision_log')
    .values({
      plan_id: planId,
      event: 'decided',
      organisation_id: principal.organisationId,
      actor: principal.userName,
      reason: decision.reason,
    })
    .execute();
  await auditPreparedness(trx, principal, 'redistribution.decide', 'redistribution_plan', planId, {
    reason: decision.reason,
    mode: decision.mode,
    legalBasis: decision.legalBasis,
    validFrom: decision.validFrom,
    validTo: decision.validTo,
    conditions: decision.conditions,
  });
}

/**
 * Läkemedelsverket withdraws a draft or decided plan, with a reason (R3): the status, the decision log
 * (append-only) and the audit, in one transaction. Its transfers stay as they were; none can be
 * confirmed any more.
 */
export async function withdrawPlan(
  trx: Tx,
  principal: Principal,
  planId: number,
  reason: string,
): Promise<void> {
  if (reason.trim() === '')
    throw AppError.invalid('the plan was not withdrawn', [
      { field: 'reason', value: reason, expected: 'why it is withdrawn', message: 'reason is empty' },
    ]);
  const plan = await trx
    .selectFrom('redistribution_plan')
    .select(['status'])
    .where('id', '=', planId)
    .forUpdate()
    .executeTakeFirst();
  if (!plan) throw AppError.notFound(`redistribution plan ${planId}`);
  if (plan.status === 'withdrawn')
    throw AppError.conflict(`redistribution plan ${planId} is already withdrawn`);
  await trx
    .updateTable('redistribution_plan')
    .set({ status: 'withdrawn' })
    .where('id', '=', planId)
    .execute();
  await trx
    .insertInto('redistribution_decision_log')
    .values({
      plan_id: planId,
      event: 'withdrawn',
      organisation_id: principal.organisationId,
      actor: principal.userName,
      reason: reason.trim(),
    })
    .execute();
  await auditPreparedness(trx, principal, 'redistribution.withdraw', 'redistribution_plan', planId, {
    reason: reason.trim(),
    was: plan.status,
  });
}

/** What an organisation concerned reads of a plan beside its transfers: status, decision and withdrawal. */
export interface InstructionPlan {
  subject: string;
  unit: string;
  planStatus: 'decided' | 'withdrawn';
  conditions: RedistributionDecisionInput['conditions'];
  validFrom: string;
  validTo: string;
  withdrawnAt: Date | null;
  withdrawalReason: string | null;
}

/**
 * An organisation's own transfers (sending or receiving at its locations) of decided plans, and of
 * decided plans since withdrawn (shown as withdrawn), with the decision's conditions and validity.
 */
export async function transfersOfOrganisation(
  db: Db,
  organisationId: number,
): Promise<(StoredTransfer & InstructionPlan)[]> {
  const rows = await db
    .selectFrom('redistribution_transfer as t')
    .innerJoin('redistribution_plan as p', 'p.id', 't.plan_id')
    .innerJoin('redistribution_decision as d', 'd.plan_id', 't.plan_id')
    .leftJoin('location as f', 'f.id', 't.from_location_id')
    .leftJoin('location as r', 'r.id', 't.to_location_id')
    .where('p.status', 'in', ['decided', 'withdrawn'])
    .where((eb) =>
      eb.or([eb('f.organisation_id', '=', organisationId), eb('r.organisation_id', '=', organisationId)]),
    )
    .selectAll('t')
    .select(['p.subject', 'p.unit', 'p.status', 'd.conditions', 'd.valid_from', 'd.valid_to'])
    .select((eb) => [
      eb
        .selectFrom('redistribution_decision_log as w')
        .whereRef('w.plan_id', '=', 't.plan_id')
        .where('w.event', '=', 'withdrawn')
        .select('w.at')
        .limit(1)
        .as('withdrawn_at'),
      eb
        .selectFrom('redistribution_decision_log as w')
        .whereRef('w.plan_id', '=', 't.plan_id')
        .where('w.event', '=', 'withdrawn')
        .select('w.reason')
        .limit(1)
        .as('withdrawal_reason'),
    ])
    .orderBy('t.plan_id', 'desc')
    .orderBy('t.line')
    .execute();
  return rows.map((r) => ({
    ...toTransfer(r),
    subject: r.subject,
    unit: r.unit,
    planStatus: r.status === 'withdrawn' ? 'withdrawn' : 'decided',
    conditions: r.conditions as RedistributionDecisionInput['conditions'],
    validFrom: dateText(r.valid_from),
    validTo: dateText(r.valid_to),
    withdrawnAt: r.withdrawn_at ?? null,
    withdrawalReason: r.withdrawal_reason ?? null,
  }));
}

/**
 * Confirms sending (by the sending location's organisation) or receiving (by the receiving one) of
 * one batch transfer of a decided plan. Not one's own: not found. Twice: conflict.
 */
export async function confirmTransfer(
  trx: Tx,
  principal: Principal,
  planId: number,
  line: number,
  what: 'sent' | 'received',
): Promise<StoredTransfer> {
  const row = await trx
    .selectFrom('redistribution_transfer as t')
    .innerJoin('redistribution_plan as p', 'p.id', 't.plan_id')
    .leftJoin('location as f', 'f.id', 't.from_location_id')
    .leftJoin('location as r', 'r.id', 't.to_location_id')
    .where('t.plan_id', '=', planId)
    .where('t.line', '=', line)
    .select([
      'p.status',
      'f.organisation_id as from_org',
      'r.organisation_id as to_org',
      't.sent_at',
      't.received_at',
    ])
    .executeTakeFirst();
  const mine = what === 'sent' ? row?.from_org : row?.to_org;
  if (!row || mine === null || mine === undefined || Number(mine) !== principal.organisationId) {
    throw AppError.notFound(`transfer ${line} of redistribution plan ${planId}`);
  }
  if (row.status === 'withdrawn') {
    const w = await trx
      .selectFrom('redistribution_decision_log')
      .where('plan_id', '=', planId)
      .where('event', '=', 'withdrawn')
      .select(['at', 'actor', 'reason'])
      .executeTakeFirst();
    throw AppError.conflict(
      `redistribution plan ${planId} was withdrawn${w ? ` on ${w.at.toISOString().slice(0, 10)} by ${w.actor} (${w.reason ?? 'no reason'})` : ''}: ` +
        `transfer ${line} is no longer to be ${what === 'sent' ? 'sent' : 'received'} and cannot be confirmed`,
    );
  }
  if (row.status !== 'decided')
    throw new AppError('conflict', `redistribution plan ${planId} is ${row.status}, not decided`);
  if ((what === 'sent' ? row.sent_at : row.received_at) !== null) {
    throw new AppError('conflict', `transfer ${line} of plan ${planId} is already confirmed as ${what}`);
  }
  await trx
    .updateTable('redistribution_transfer')
    .set(
      what === 'sent'
        ? { sent_at: sql<Date>`now()`, sent_by: principal.userName }
        : { received_at: sql<Date>`now()`, received_by: principal.userName },
    )
    .where('plan_id', '=', planId)
    .where('line', '=', line)
    .execute();
  await trx
    .insertInto('redistribution_decision_log')
    .values({
      plan_id: planId,
      event: what,
      line,
      organisation_id: principal.organisationId,
      actor: principal.userName,
    })
    .execute();
  await auditPreparedness(
    trx,
    principal,
    `redistribution.${what}`,
    'redistribution_transfer',
    `${planId}:${line}`,
    {
      reason: null,
    },
  );
  const updated = await trx
    .selectFrom('redistribution_transfer')
    .selectAll()
    .where('plan_id', '=', planId)
    .where('line', '=', line)
    .executeTakeFirstOrThrow();
  return toTransfer(updated);
}

/**
 * An instance from the picture (issue 13 item 3): the open community and hospital pharmacies (and
 * care-unit stores when switched on) holding or needing the packages, with coordinates; their
 * undispensed stock batch by batch (current_stock_batch), their own demand (src/domain/location-demand.ts
 * through the picture's locationCoverage), the package's AIP as acquisition cost. Quantities in packs.
 */
export async function instanceFromPicture(
  db: Db,
  packageIds: number[],
  options: { subject: string; transferDate?: string; parameters?: Partial<RedistributionParameters> },
): Promise<RedistributionInstance> {
  const state = await findPictureState(db);
  if (!state) throw new AppError('conflict', 'the picture has not been computed yet');
  // The plan counts packs and sets their coverage against one demand: packages of different sizes
  // (a group's 28- and 98-tablet packs) would add unlike packs. Refused until plans count units.
  const sizes = await db
    .selectFrom('package')
    .where('id', 'in', packageIds.concat([-1]))
    .select(['id', 'pack_size', 'pack_unit'])
    .execute();
  const kindsOfPack = new Set(sizes.map((p) => `${Number(p.pack_size)} ${p.pack_unit}`));
  if (kindsOfPack.size > 1)
    throw AppError.invalid(
      `packages ${packageIds.join(', ')} come in different pack sizes (${[...kindsOfPack].join(', ')}): a plan counts packs of one size`,
      [
        {
          field: 'packageIds',
          value: packageIds,
          expected: 'packages of the same pack size',
          message: [...kindsOfPack].join(', '),
        },
      ],
    );
  const parameters = { ...DEFAULT_REDISTRIBUTION_PARAMETERS, ...options.parameters };
  const kinds = parameters.careUnitStores
    ? ['community_pharmacy', 'hospital_pharmacy', 'care_unit_store']
    : ['community_pharmacy', 'hospital_pharmacy'];
  const locations = await db
    .selectFrom('location')
    .innerJoin('organisation as o', 'o.id', 'location.organisation_id')
    .leftJoin('municipality as mu', 'mu.code', 'location.municipality_code')
    .where('location.closed_on', 'is', null)
    .where('location.kind', 'in', kinds as LocationRow['kind'][])
    .where('location.latitude', 'is not', null)
    .where('location.longitude', 'is not', null)
    .select([
      'location.id',
      'location.code',
      'location.name',
      'location.kind',
      'location.organisation_id',
      'o.name as organisation_name',
      'location.region_code',
      'location.municipality_code',
      'mu.name as municipality_name',
      'location.latitude',
      'location.longitude',
    ])
    .execute();
  // Also the pharmacies that hold none (their share of the region's demand): where stock runs out first.
  const coverages = await locationCoverage(db, state, locations, packageIds, { includeEmpty: true });
  const demand = new Map<number, number>();
  for (const c of coverages)
    demand.set(c.locationId, (demand.get(c.locationId) ?? 0) + (c.demandPerDay ?? 0));
  const batches = await db
    .selectFrom('current_stock_batch as b')
    .innerJoin('package as p', 'p.id', 'b.package_id')
    .where('b.package_id', 'in', packageIds)
    .where('b.location_id', 'in', locations.map((l) => l.id).concat([-1]))
    .where('b.quantity', '>', 0)
    .select(['b.location_id', 'p.npl_pack_id', 'b.batch', 'b.expiry', 'b.quantity', 'p.price_sek'])
    .execute();
  const stockOf = new Map<number, PlanLocation['stock']>();
  for (const b of batches) {
    const list = stockOf.get(b.location_id) ?? [];
    list.push({
      package: b.npl_pack_id,
      batch: b.batch ?? 'okänd',
      expiry: b.expiry === null ? '9999-12-31' : dateText(b.expiry),
      quantity: Number(b.quantity),
      unitCost: b.price_sek === null ? 0 : Number(b.price_sek),
    });
    stockOf.set(b.location_id, list);
  }
  return {
    subject: options.subject,
    unit: 'förpackningar',
    transferDate: options.transferDate ?? state.today,
    parameters,
    locations: locations
      .filter((l) => stockOf.has(l.id) || (demand.get(l.id) ?? 0) > 0)
      .map((l) => ({
        id: l.code,
        name: l.name,
        kind: l.kind,
        region: l.region_code,
        latitude: Number(l.latitude),
        longitude: Number(l.longitude),
        demandPerDay: demand.get(l.id) ?? 0,
        organisationId: String(l.organisation_id),
        stock: stockOf.get(l.id) ?? [],
      })),
  };
}
