import { sql, type RawBuilder } from 'kysely';
import type { Principal } from '../domain/access.js';
import { mayDecide } from '../domain/actors.js';
import {
  checkCompensationDecision,
  checkCompensationModel,
  computeCompensation,
  modelInForce,
  statusOfOutcome,
  type CompensationDecisionInput,
  type CompensationLine,
  type CompensationModel,
  type CompensationModelInput,
  type CompensationMonth,
  type CompensationStatus,
} from '../domain/compensation.js';
import { AppError } from '../domain/errors.js';
import type { Db, Tx } from './database.js';
import { auditPreparedness } from './decision-audit.repository.js';
import { companyScopeSql, obligationsInForce } from './dispensation.repository.js';

/*
 * Compensation for obligatory stock (issue 12 item 5, R1): the model's versions, a company's
 * applications with the amount computed when it applied, and TLV's decisions (docs/obligations.md).
 */

// Models ------------------------------------------------------------------------------------------

export async function listModels(db: Db | Tx): Promise<CompensationModel[]> {
  const { rows } = await sql<{
    version: number;
    valid_from: string;
    reference_rate_percent: string;
    margin_percentage_points: string;
    storage_sek_per_unit_month: string;
    note: string;
  }>`SELECT version, valid_from::text AS valid_from, reference_rate_percent, margin_percentage_points,
           storage_sek_per_unit_month, note
    FROM compensation_model ORDER BY version`.execute(db);
  return rows.map((r) => ({
    version: r.version,
    validFrom: r.valid_from,
    referenceRatePercent: Number(r.reference_rate_percent),
    marginPercentagePoints: Number(r.margin_percentage_points),
    storageSekPerUnitMonth: Number(r.storage_sek_per_unit_month),
    note: r.note,
  }));
}

/** TLV adds a model version (the next number); earlier versions and decisions stay as they are. Audited. */
export async function addModel(
  db: Db,
  principal: Principal,
  input: CompensationModelInput,
): Promise<CompensationModel> {
  assertTlv(principal, 'only TLV changes the compensation model');
  const problems = checkCompensationModel(input);
  if (problems.length > 0) throw AppError.invalid('the model version was not added', problems);
  return db.transaction().execute(async (trx) => {
    // Serialises additions: versions are numbered without gaps or twins.
    await sql`LOCK TABLE compensation_model IN EXCLUSIVE MODE`.execute(trx);
    const { rows } = await sql<{ version: number }>`INSERT INTO compensation_model
        (version, valid_from, reference_rate_percent, margin_percentage_points, storage_sek_per_unit_month,
         note, created_by_user_id)
      SELECT coalesce(max(version), 0) + 1, ${input.validFrom}::date, ${input.referenceRatePercent},
             ${input.marginPercentagePoints}, ${input.storageSekPerUnitMonth}, ${input.note.trim()}, ${principal.userId}
      FROM compensation_model RETURNING version`.execute(trx);
    const version = rows[0]!.version;
    await auditPreparedness(trx, principal, 'compensation-model.added', 'compensation_model', version, {
      reason: input.note.trim(),
      ...input,
    });
    return { version, ...input, note: input.note.trim() };
  });
}

function assertTlv(principal: Principal, message: string): void {
  if (
    !mayDecide({ kind: principal.organisationKind, authority: principal.authority ?? null }, 'compensation')
  )
    throw AppError.forbidden(message);
}

// The amount --------------------------------------------------------------------------------------

/**
 * The company's obligation of `year` month by month: the volume in force on the first day of each
 * month (dispensations applied; exempt packages left out), at the package's current price (AIP).
 */
export async function obligationMonths(
  db: Db | Tx,
  companyId: number,
  year: number,
): Promise<CompensationMonth[]> {
  const months: CompensationMonth[] = [];
  for (let month = 1; month <= 12; month++) {
    const on = `${year}-${String(month).padStart(2, '0')}-01`;
    for (const o of await obligationsInForce(db, { year, companyId, on }))
      if (o.volume > 0) months.push({ packageId: o.packageId, month, volume: o.volume, priceSek: null });
  }
  const ids = [...new Set(months.map((m) => m.packageId))];
  if (ids.length > 0) {
    const { rows } = await sql<{ id: number; price_sek: string | null }>`
      SELECT id, price_sek FROM package WHERE id = ANY(${ids}::bigint[])`.execute(db);
    const price = new Map(rows.map((r) => [Number(r.id), r.price_sek === null ? null : Number(r.price_sek)]));
    for (const m of months) m.priceSek = price.get(m.packageId) ?? null;
  }
  return months;
}

// Applications ------------------------------------------------------------------------------------

export interface CompensationApplicationRow {
  id: number;
  company_id: number;
  company_name: string;
  year: number;
  applied_at: Date;
  applied_by: string;
  note: string | null;
  model_version: number;
  capital_cost_sek: number;
  storage_cost_sek: number;
  computed_sek: number;
  lines: (CompensationLine & { packageName: string; nplPackId: string })[];
  status: CompensationStatus;
  decided_sek: number | null;
  decision_reason: string | null;
  decided_at: Date | null;
  decided_by: string | null;
  decided_by_organisation: string | null;
}

const FROM = sql`
  FROM compensation_application a
  JOIN organisation o ON o.id = a.company_id
  JOIN app_user ua ON ua.id = a.applied_by_user_id
  LEFT JOIN app_user ud ON ud.id = a.decided_by_user_id
  LEFT JOIN organisation od ON od.id = a.decided_by_organisation_id`;

const COLUMNS = sql`a.id, a.company_id, o.name AS company_name, a.year, a.applied_at, ua.name AS applied_by,
  a.note, a.model_version, a.capital_cost_sek, a.storage_cost_sek, a.computed_sek, a.lines, a.status,
  a.decided_sek, a.decision_reason, a.decided_at, ud.name AS decided_by, od.name AS decided_by_organisation`;

function toRow(r: CompensationApplicationRow): CompensationApplicationRow {
  return {
    ...r,
    id: Number(r.id),
    company_id: Number(r.company_id),
    capital_cost_sek: Number(r.capital_cost_sek),
    storage_cost_sek: Number(r.storage_cost_sek),
    computed_sek: Number(r.computed_sek),
    decided_sek: r.decided_sek === null ? null : Number(r.decided_sek),
    lines:
      typeof r.lines === 'string' ? (JSON.parse(r.lines) as CompensationApplicationRow['lines']) : r.lines,
  };
}

export interface CompensationFilter {
  year?: number | undefined;
  status?: CompensationStatus | undefined;
  companyId?: number | undefined;
}

export async function listCompensation(
  db: Db,
  principal: Principal,
  filter: CompensationFilter,
  page: { limit: number; offset: number },
): Promise<{ rows: CompensationApplicationRow[]; total: number }> {
  const c: RawBuilder<boolean>[] = [companyScopeSql(principal, sql`a.company_id`)];
  if (filter.year !== undefined) c.push(sql<boolean>`a.year = ${filter.year}`);
  if (filter.status !== undefined) c.push(sql<boolean>`a.status = ${filter.status}`);
  if (filter.companyId !== undefined) c.push(sql<boolean>`a.company_id = ${filter.companyId}`);
  const where = sql.join(c, sql` AND `);
  const [rows, count] = await Promise.all([
    sql<CompensationApplicationRow>`SELECT ${COLUMNS} ${FROM} WHERE ${where}
      ORDER BY a.applied_at DESC, a.id DESC LIMIT ${page.limit} OFFSET ${page.offset}`.execute(db),
    sql<{ n: string }>`SELECT count(*) AS n ${FROM} WHERE ${where}`.execute(db),
  ]);
  return { rows: rows.rows.map(toRow), total: Number(count.rows[0]?.n ?? 0) };
}

export async function findCompensation(
  db: Db | Tx,
  principal: Principal,
  id: number,
): Promise<CompensationApplicationRow | undefined> {
  const { rows } = await sql<CompensationApplicationRow>`SELECT ${COLUMNS} ${FROM}
    WHERE a.id = ${id} AND ${companyScopeSql(principal, sql`a.company_id`)}`.execute(db);
  return rows[0] === undefined ? undefined : toRow(rows[0]);
}

/**
 * A company applies for `year`: the amount is computed now, with the model version in force today,
 * and kept with the application (lines, version, amount). Only a company, for itself; one live
 * application per year (a denied one may be followed by another). Audited.
 */
export async function applyForCompensation(
  db: Db,
  principal: Principal,
  input: { year: number; note?: string | undefined },
  today: string,
): Promise<CompensationApplicationRow> {
  if (principal.organisationKind !== 'company')
    throw AppError.forbidden('only a company applies for compensation, for its own obligatory stock');
  const companyId = principal.organisationId;
  const model = modelInForce(await listModels(db), today);
  if (model === undefined) throw AppError.conflict(`no compensation model is in force on ${today}`);
  const months = await obligationMonths(db, companyId, input.year);
  if (months.length === 0)
    throw AppError.invalid(`no application filed: you have no obligation in force in ${input.year}`, [
      {
        field: 'year',
        value: input.year,
        expected: 'a year in which you hold a published obligation',
        message: `no obligation of yours is in force on the first day of any month of ${input.year}`,
      },
    ]);
  const result = computeCompensation(model, months);
  const names = await packageNames(
    db,
    result.lines.map((l) => l.packageId),
  );
  const lines = result.lines.map((l) => ({
    ...l,
    ...(names.get(l.packageId) ?? { packageName: '', nplPackId: '' }),
  }));
  return db.transaction().execute(async (trx) => {
    const live = await sql`SELECT id FROM compensation_application
      WHERE company_id = ${companyId} AND year = ${input.year} AND status <> 'denied' FOR UPDATE`.execute(
      trx,
    );
    if (live.rows.length > 0)
      throw AppError.conflict(
        `you already have a compensation application for ${input.year} that is not denied`,
      );
    const note = input.note?.trim() ? input.note.trim() : null;
    const { rows } = await sql<{ id: number }>`INSERT INTO compensation_application
        (company_id, year, applied_by_user_id, note, model_version, capital_cost_sek, storage_cost_sek,
         computed_sek, lines)
      VALUES (${companyId}, ${input.year}, ${principal.userId}, ${note}, ${model.version}, ${result.capitalCostSek},
              ${result.storageCostSek}, ${result.amountSek}, ${JSON.stringify(lines)}::jsonb)
      RETURNING id`.execute(trx);
    const id = Number(rows[0]!.id);
    await auditPreparedness(trx, principal, 'compensation.applied', 'compensation_application', id, {
      reason: note,
      companyId,
      year: input.year,
      modelVersion: model.version,
      computedSek: result.amountSek,
    });
    return (await findCompensation(trx, principal, id))!;
  });
}

async function packageNames(db: Db | Tx, ids: readonly number[]) {
  const out = new Map<number, { packageName: string; nplPackId: string }>();
  if (ids.length === 0) return out;
  const { rows } = await sql<{ id: number; name: string; npl_pack_id: string }>`
    SELECT p.id, m.name || ' ' || m.strength || ', ' || p.description AS name, p.npl_pack_id
    FROM package p JOIN medicine m ON m.id = p.medicine_id WHERE p.id = ANY(${[...ids]}::bigint[])`.execute(
    db,
  );
  for (const r of rows) out.set(Number(r.id), { packageName: r.name, nplPackId: r.npl_pack_id });
  return out;
}

/**
 * TLV decides a pending application: approve (the computed amount), adjust (another amount) or deny,
 * with a reason. The application's model version and computed amount are never changed. Audited.
 */
export async function decideCompensation(
  db: Db,
  principal: Principal,
  id: number,
  input: CompensationDecisionInput,
): Promise<CompensationApplicationRow> {
  assertTlv(principal, 'only TLV decides compensation');
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ status: CompensationStatus; computed_sek: string | number }>`
      SELECT status, computed_sek FROM compensation_application WHERE id = ${id} FOR UPDATE`.execute(trx);
    const current = rows[0];
    if (current === undefined) throw AppError.notFound(`compensation application ${id}`);
    if (current.status !== 'pending')
      throw AppError.conflict(`compensation application ${id} is already decided (${current.status})`);
    const computed = Number(current.computed_sek);
    const { problems, decidedSek } = checkCompensationDecision(input, computed);
    if (problems.length > 0)
      throw AppError.invalid(`compensation application ${id} was not decided`, problems);
    const status = statusOfOutcome(input.outcome);
    await sql`UPDATE compensation_application SET status = ${status}, decided_sek = ${decidedSek},
        decision_reason = ${input.reason.trim()}, decided_at = now(), decided_by_user_id = ${principal.userId},
        decided_by_organisation_id = ${principal.organisationId}
      WHERE id = ${id}`.execute(trx);
    await auditPreparedness(trx, principal, `compensation.${status}`, 'compensation_application', id, {
      reason: input.reason.trim(),
      computedSek: computed,
      decidedSek,
    });
    return (await findCompensation(trx, principal, id))!;
  });
}
