import { sql, type ColumnType, type Kysely } from 'kysely';
import { addCalendarMonths, addDays } from '../domain/calendar.js';
import { AppError } from '../domain/errors.js';
import {
  checkObligationParameters,
  obligationLine,
  revisionTest,
  rollingYearBefore,
  type ExemptReason,
  type ObligationBasis,
  type ObligationLine,
  type ObligationParameters,
  type Period,
} from '../domain/obligation.js';
import { matchesListItem, type ListItemRef } from '../domain/risk.js';
import { normaliseText } from '../domain/demand.js';
import type { Db, Tx } from './database.js';
import { coveredSalesDaysSql, findMixedSalesKeys } from './picture/demand.js';
import { prioritisedEntries, prioritisedListInForce } from './picture/products.js';
import type { Database } from './schema.js';

/*
 * R1, the stockpiling obligation (issue 12 items 1–3, migration 0021, docs/obligations.md): the
 * company's basis from the sales (one source per sale, as the picture counts them), the stored
 * calculations, their revisions and Läkemedelsverket's published decisions. Thin functions taking
 * `db` or a transaction; the rules are src/domain/obligation.ts.
 */

type DateCol = string;
type Numeric = ColumnType<number, string | number, string | number>;
type Id = ColumnType<number, never, never>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface ObligationCalculationTable {
  id: Id;
  year: number;
  months: Numeric;
  revision_threshold: Numeric;
  cutoff: DateCol;
  basis_from: DateCol;
  basis_to: DateCol;
  list_id: number | null;
  label: string | null;
  computed_at: DefaultTimestamp;
  computed_by_org: number | null;
  computed_by_user: number | null;
}

export interface ObligationLineTable {
  calculation_id: number;
  company_id: number;
  package_id: number;
  basis_units: Numeric;
  volume: number;
  exempt_reason: ExemptReason | null;
  seller_on_cutoff: boolean;
  price_sek: Numeric | null;
}

export interface ObligationRevisionTable {
  id: Id;
  calculation_id: number;
  company_id: number;
  package_id: number;
  revised_on: DateCol;
  rolling_from: DateCol;
  rolling_to: DateCol;
  previous_basis: Numeric;
  rolling_basis: Numeric;
  previous_volume: number;
  new_volume: number;
  computed_at: DefaultTimestamp;
}

export interface ObligationDecisionTable {
  id: Id;
  year: number;
  company_id: number;
  version: number;
  calculation_id: number;
  valid_from: DateCol;
  decided_by_user: number | null;
  decided_by_org: number;
  decided_at: DefaultTimestamp;
  reason: string;
}

export interface ObligationDecisionLineTable {
  decision_id: number;
  package_id: number;
  volume: number;
  basis_units: Numeric;
  basis_from: DateCol;
  basis_to: DateCol;
  exempt_reason: ExemptReason | null;
  revision_id: number | null;
}

// A type alias, not an interface: Kysely's withTables needs an index signature.
export type ObligationTables = {
  obligation_calculation: ObligationCalculationTable;
  obligation_line: ObligationLineTable;
  obligation_revision: ObligationRevisionTable;
  obligation_decision: ObligationDecisionTable;
  obligation_decision_line: ObligationDecisionLineTable;
};

export type ObligationDb = Kysely<Database & ObligationTables>;

/** The store's database with the obligation tables (migration 0021) in its type. */
export function obligationDb(db: Db | Tx): ObligationDb {
  return db.withTables<ObligationTables>();
}

/** Who acts: the organisation and user of the token (null user: the CLI or the bench). */
export interface Actor {
  organisationId: number;
  userId: number | null;
  tokenId: number | null;
}

// The contract for supervision and dispensations (Helper B) ----------------------------------------

/** One company × package of the decision version in force on a day. */
export interface PublishedObligation {
  year: number;
  companyId: number;
  packageId: number;
  /** Packages the company must hold (0 for an exempt package). Before any dispensation. */
  volume: number;
  /** The basis the volume was computed from: packages sold in [basisFrom, basisTo]. */
  basisUnits: number;
  basisFrom: string;
  basisTo: string;
  exemptReason: ExemptReason | null;
  decisionId: number;
  version: number;
  /** The decision version is in force from this day. */
  validFrom: string;
  decidedAt: Date;
}

/**
 * Item 3: for each company × package, the volume of the latest published decision version of `year`
 * in force on `on` (the highest version whose valid_from is on or before it). Before dispensations:
 * the supervision applies those on top. Nothing is in force before the year's first version begins,
 * nor after the year ends (`on` later than 31 December of `year`). Exempt packages come with volume 0
 * and their reason. Ordered by company and package.
 */
export async function publishedObligations(
  db: Db | Tx,
  q: { year: number; companyId?: number; on: string },
): Promise<PublishedObligation[]> {
  if (q.on > `${q.year}-12-31`) return [];
  const company = q.companyId ?? null;
  const rows = await sql<{
    year: number;
    company_id: number;
    package_id: number;
    volume: number;
    basis_units: number;
    basis_from: string;
    basis_to: string;
    exempt_reason: ExemptReason | null;
    decision_id: number;
    version: number;
    valid_from: string;
    decided_at: Date;
  }>`
    WITH in_force AS (
      SELECT DISTINCT ON (d.company_id) d.id, d.year, d.company_id, d.version, d.valid_from, d.decided_at
      FROM obligation_decision d
      WHERE d.year = ${q.year} AND d.valid_from <= ${q.on}::date
        AND (${company}::bigint IS NULL OR d.company_id = ${company}::bigint)
      ORDER BY d.company_id, d.version DESC
    )
    SELECT f.year, f.company_id, l.package_id, l.volume, l.basis_units, l.basis_from, l.basis_to,
           l.exempt_reason, f.id AS decision_id, f.version, f.valid_from, f.decided_at
    FROM in_force f JOIN obligation_decision_line l ON l.decision_id = f.id
    ORDER BY f.company_id, l.package_id`.execute(db);
  return rows.rows.map((r) => ({
    year: r.year,
    companyId: Number(r.company_id),
    packageId: Number(r.package_id),
    volume: r.volume,
    basisUnits: Number(r.basis_units),
    basisFrom: r.basis_from,
    basisTo: r.basis_to,
    exemptReason: r.exempt_reason,
    decisionId: Number(r.decision_id),
    version: r.version,
    validFrom: r.valid_from,
    decidedAt: new Date(r.decided_at),
  }));
}

// The basis --------------------------------------------------------------------------------------

/** The packages on the prioritised list in force on `day` (matchesListItem, as the picture's). */
export async function packagesOnList(
  db: Db | Tx,
  day: string,
): Promise<{ listId: number | null; packageIds: number[] }> {
  const list = await prioritisedListInForce(db, day);
  if (list === null) return { listId: null, packageIds: [] };
  const entries = await prioritisedEntries(db, day);
  const bySubstance = new Map<string, ListItemRef[]>();
  for (const e of entries) {
    const key = normaliseText(e.substance);
    bySubstance.set(key, [...(bySubstance.get(key) ?? []), e]);
  }
  const packages = await db
    .selectFrom('package as p')
    .innerJoin('medicine as m', 'm.id', 'p.medicine_id')
    .select(['p.id', 'm.atc_code', 'm.substance', 'm.form'])
    .where('m.species', '=', 'human')
    .where('p.kind', '=', 'medicine')
    .execute();
  const packageIds = packages
    .filter((p) =>
      (bySubstance.get(normaliseText(p.substance)) ?? []).some((e) =>
        matchesListItem({ atcCode: p.atc_code, substance: p.substance, form: p.form }, e),
      ),
    )
    .map((p) => p.id)
    .sort((a, b) => a - b);
  return { listId: list.id, packageIds };
}

/** Packages sold by one company in a period (one source per sale). */
export interface CompanySales {
  companyId: number;
  packageId: number;
  units: number;
}

/** A company's days as a package's seller within a period (inclusive bounds). */
export interface SellerSegment {
  packageId: number;
  companyId: number;
  from: string;
  to: string;
}

/**
 * Who sold each package on which days of `period`: the register's history (package_version; a day
 * reads the version with valid_from ≤ day < valid_to), or for a package without history its seller in
 * `package` throughout. A day of a package with history that no version covers has no seller (nothing
 * is attributed for it).
 */
export async function sellerSegments(
  db: Db | Tx,
  period: Period,
  packageIds: readonly number[],
): Promise<SellerSegment[]> {
  if (packageIds.length === 0) return [];
  const rows = await sql<{ package_id: number; company_id: number; seg_from: string; seg_to: string }>`
    SELECT v.package_id, v.seller_id AS company_id,
           greatest(coalesce(v.valid_from, ${period.from}::date), ${period.from}::date) AS seg_from,
           least(coalesce(v.valid_to - 1, ${period.to}::date), ${period.to}::date) AS seg_to
    FROM package_version v
    WHERE v.package_id = ANY(${packageIds}::bigint[])
      AND (v.valid_from IS NULL OR v.valid_from <= ${period.to}::date)
      AND (v.valid_to IS NULL OR v.valid_to > ${period.from}::date)
    UNION ALL
    SELECT p.id, p.company_id, ${period.from}::date, ${period.to}::date
    FROM package p
    WHERE p.id = ANY(${packageIds}::bigint[])
      AND NOT EXISTS (SELECT 1 FROM package_version v WHERE v.package_id = p.id)
    ORDER BY 1, 3`.execute(db);
  return rows.rows.map((r) => ({
    packageId: Number(r.package_id),
    companyId: Number(r.company_id),
    from: r.seg_from,
    to: r.seg_to,
  }));
}

/**
 * The sales of each segment (a package's days [from, to], keyed by `key`), counted once: the
 * region-level figure where one covers the day, otherwise the locations' rows (findMixedSalesKeys and
 * coveredSalesDaysSql, the picture's own SQL). A weekly row counts pro rata by its days inside the
 * segment. One scan of the segments' packages' rows by index. Must run in a transaction (temporary
 * tables are dropped at commit).
 */
async function countedSalesOfSegments(
  trx: Tx,
  segments: readonly { packageId: number; key: number; from: string; to: string }[],
): Promise<{ packageId: number; key: number; from: string; units: number }[]> {
  if (segments.length === 0) return [];
  const packageIds = [...new Set(segments.map((g) => g.packageId))];
  let from = segments[0]!.from;
  let to = segments[0]!.to;
  for (const g of segments) {
    if (g.from < from) from = g.from;
    if (g.to > to) to = g.to;
  }
  await sql`
    CREATE TEMP TABLE obligation_segment ON COMMIT DROP AS
    SELECT * FROM json_to_recordset(${JSON.stringify(
      segments.map((g) => ({ package_id: g.packageId, seg_key: g.key, seg_from: g.from, seg_to: g.to })),
    )}::json) AS x(package_id bigint, seg_key bigint, seg_from date, seg_to date)`.execute(trx);
  await sql`ANALYZE obligation_segment`.execute(trx);
  await findMixedSalesKeys(trx, 'obligation_sales_mixed', from, to, packageIds);
  const last = sql`(s.period_start + s.period_days - 1)`;
  const rows = await sql<{ package_id: number; seg_key: number; seg_from: string; units: number }>`
    WITH gross AS (
      SELECT g.package_id, g.seg_key, g.seg_from,
        sum(CASE WHEN s.period_days = 1 THEN s.quantity
                 ELSE s.quantity * (least(${last}, g.seg_to) - greatest(s.period_start, g.seg_from) + 1)
                      / s.period_days END) AS units
      FROM obligation_segment g
      JOIN sales s ON s.package_id = g.package_id
       AND s.period_start >= g.seg_from - 6 AND s.period_start <= g.seg_to
      WHERE ${last} >= g.seg_from
      GROUP BY g.package_id, g.seg_key, g.seg_from
    ),
    displaced AS (
      SELECT x.package_id, x.seg_key, x.seg_from, sum(x.units) AS units FROM (
        WITH ${coveredSalesDaysSql('obligation_sales_mixed', addDays(from, -6), to, packageIds)}
        SELECT d.package_id, g.seg_key, g.seg_from, d.quantity * count(*) / d.period_days AS units
        FROM days d
        JOIN covered c ON c.package_id = d.package_id AND c.region_code = d.region_code
          AND c.channel = d.channel AND c.day = d.day
        JOIN obligation_segment g ON g.package_id = d.package_id AND d.day BETWEEN g.seg_from AND g.seg_to
        WHERE NOT d.regional
        GROUP BY d.rid, d.package_id, g.seg_key, g.seg_from, d.quantity, d.period_days
      ) x GROUP BY x.package_id, x.seg_key, x.seg_from
    )
    SELECT g.package_id, g.seg_key, g.seg_from, g.units - coalesce(d.units, 0) AS units
    FROM gross g
    LEFT JOIN displaced d ON d.package_id = g.package_id AND d.seg_key = g.seg_key AND d.seg_from = g.seg_from`.execute(
    trx,
  );
  await sql`DROP TABLE obligation_segment, obligation_sales_mixed`.execute(trx);
  return rows.rows.map((r) => ({
    packageId: Number(r.package_id),
    key: Number(r.seg_key),
    from: r.seg_from,
    // Numeric arithmetic of sevenths: rounded to 1e-6 of a package (what a table shows with decimals).
    units: Math.round(Number(r.units) * 1e6) / 1e6,
  }));
}

/** Packages sold by one company in a period (one source per sale). */
export interface CompanySales {
  companyId: number;
  packageId: number;
  units: number;
}

/**
 * Each company's sales of each package in `period`, counted once and attributed day by day to the
 * package's seller that day in the register's history (sellerSegments). Read from the sales rows.
 */
export async function companySales(
  trx: Tx,
  period: Period,
  packageIds: readonly number[],
): Promise<CompanySales[]> {
  return salesOfSegments(trx, await sellerSegments(trx, period, packageIds), false);
}

/** The first day of each calendar month from `from`'s month to `to`'s. */
function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = `${from.slice(0, 7)}-01`; m <= to; m = addCalendarMonths(m, 1)) out.push(m);
  return out;
}

const isMonthStart = (d: string) => d.endsWith('-01');
const isMonthEnd = (d: string) => isMonthStart(addDays(d, 1));

/**
 * Item 10: the national sales per package and calendar month, counted once (obligation_sales_month,
 * 0022). Months not kept yet (never computed, or forgotten because sales touching them were written
 * since) are computed from the sales rows and kept. Returns units by package and month.
 */
export async function obligationSalesMonths(
  trx: Tx,
  packageIds: readonly number[],
  months: readonly string[],
): Promise<Map<number, Map<string, number>>> {
  const odb = trx.withTables<{
    obligation_sales_month: { package_id: number; month: string; units: Numeric };
  }>();
  const out = new Map<number, Map<string, number>>();
  if (packageIds.length === 0 || months.length === 0) return out;
  const kept = await odb
    .selectFrom('obligation_sales_month')
    .select(['package_id', 'month', 'units'])
    .where('package_id', '=', sql<number>`ANY(${packageIds}::bigint[])`)
    .where('month', '>=', months[0]!)
    .where('month', '<=', months[months.length - 1]!)
    .execute();
  for (const k of kept) {
    const m = out.get(Number(k.package_id)) ?? new Map<string, number>();
    m.set(k.month, Number(k.units));
    out.set(Number(k.package_id), m);
  }
  const missing: { packageId: number; key: number; from: string; to: string }[] = [];
  for (const id of packageIds)
    for (const month of months)
      if (!out.get(id)?.has(month))
        missing.push({ packageId: id, key: 0, from: month, to: addDays(addCalendarMonths(month, 1), -1) });
  if (missing.length === 0) return out;
  const computed = await countedSalesOfSegments(trx, missing);
  const units = new Map(computed.map((c) => [`${c.packageId}|${c.from}`, c.units]));
  const rows = missing.map((g) => ({
    package_id: g.packageId,
    month: g.from,
    units: units.get(`${g.packageId}|${g.from}`) ?? 0,
  }));
  for (let i = 0; i < rows.length; i += INSERT_CHUNK)
    await odb
      .insertInto('obligation_sales_month')
      .values(rows.slice(i, i + INSERT_CHUNK))
      .onConflict((oc) =>
        oc.columns(['package_id', 'month']).doUpdateSet((eb) => ({ units: eb.ref('excluded.units') })),
      )
      .execute();
  for (const r of rows) {
    const m = out.get(r.package_id) ?? new Map<string, number>();
    m.set(r.month, r.units);
    out.set(r.package_id, m);
  }
  return out;
}

/**
 * The sales of each seller segment, summed per company × package. With `months`, a segment of whole
 * calendar months (a package whose seller did not change inside a month: nearly all) is the sum of its
 * months in obligation_sales_month; the others are read from the sales rows, day by day.
 */
async function salesOfSegments(
  trx: Tx,
  segments: readonly SellerSegment[],
  months: boolean,
): Promise<CompanySales[]> {
  const monthly = months ? segments.filter((g) => isMonthStart(g.from) && isMonthEnd(g.to)) : [];
  const daily = months ? segments.filter((g) => !(isMonthStart(g.from) && isMonthEnd(g.to))) : segments;
  const totals = new Map<string, CompanySales>();
  const add = (companyId: number, packageId: number, units: number) => {
    const key = `${companyId}|${packageId}`;
    const t = totals.get(key) ?? { companyId, packageId, units: 0 };
    t.units += units;
    totals.set(key, t);
  };
  if (monthly.length > 0) {
    let from = monthly[0]!.from;
    let to = monthly[0]!.to;
    for (const g of monthly) {
      if (g.from < from) from = g.from;
      if (g.to > to) to = g.to;
    }
    const byMonth = await obligationSalesMonths(
      trx,
      [...new Set(monthly.map((g) => g.packageId))],
      monthsBetween(from, to),
    );
    for (const g of monthly) {
      const m = byMonth.get(g.packageId);
      let units = 0;
      for (const month of monthsBetween(g.from, g.to)) units += m?.get(month) ?? 0;
      add(g.companyId, g.packageId, units);
    }
  }
  const counted = await countedSalesOfSegments(
    trx,
    daily.map((g) => ({ packageId: g.packageId, key: g.companyId, from: g.from, to: g.to })),
  );
  for (const c of counted) add(c.key, c.packageId, c.units);
  return [...totals.values()]
    .map((t) => ({ ...t, units: Math.round(t.units * 1e6) / 1e6 }))
    .sort((a, b) => a.companyId - b.companyId || a.packageId - b.packageId);
}

/**
 * Each company's sales of each package in `period` as the obligations read them: from the monthly
 * sales (obligation_sales_month) where a seller's days are whole months, otherwise from the rows. The
 * same numbers as companySales (test/store/obligation.spec.ts compares them).
 */
export async function companySalesByMonth(
  trx: Tx,
  period: Period,
  packageIds: readonly number[],
): Promise<CompanySales[]> {
  return salesOfSegments(trx, await sellerSegments(trx, period, packageIds), true);
}

// Calculations -----------------------------------------------------------------------------------

export interface CalculationRow {
  id: number;
  year: number;
  months: number;
  revisionThreshold: number;
  cutoff: string;
  basisFrom: string;
  basisTo: string;
  listId: number | null;
  label: string | null;
  computedAt: Date;
}

/**
 * Item 1: computes a year's obligations with `params` and stores them (calculation and lines) in one
 * transaction: the packages on the prioritised list in force on the cut-off, each company's sales of
 * them in the 12 months before the cut-off, the volume per R1 (exempt: volume 0 and the reason).
 * Lines: every company that sold the package in the basis period, and its seller on the cut-off day
 * even without sales (volume 0). Returns the calculation.
 */
export async function computeObligations(
  db: Db,
  params: ObligationParameters & { label?: string | null },
  actor: Actor | null,
): Promise<CalculationRow> {
  checkObligationParameters(params);
  const basis = rollingYearBefore(params.cutoff);
  return db.transaction().execute(async (trx) => {
    const odb = obligationDb(trx);
    const { listId, bases } = await obligationBases(trx, params.cutoff);
    const lines = bases.map((b) => obligationLine(b, params.months));
    const calc = await odb
      .insertInto('obligation_calculation')
      .values({
        year: params.year,
        months: params.months,
        revision_threshold: params.revisionThreshold,
        cutoff: params.cutoff,
        basis_from: basis.from,
        basis_to: basis.to,
        list_id: listId,
        label: params.label ?? null,
        computed_by_org: actor?.organisationId ?? null,
        computed_by_user: actor?.userId ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await insertLines(odb, calc.id, lines);
    return toCalculation(calc);
  });
}

/**
 * The basis of every company × package for a cut-off: the packages on the list in force on it, each
 * company's sales of them in the 12 months before, the flags and price. Must run in a transaction.
 */
export async function obligationBases(
  trx: Tx,
  cutoff: string,
): Promise<{ listId: number | null; basis: Period; bases: ObligationBasis[] }> {
  const basis = rollingYearBefore(cutoff);
  const { listId, packageIds } = await packagesOnList(trx, cutoff);
  const sales = await companySalesByMonth(trx, basis, packageIds);
  return { listId, basis, bases: await basesOf(trx, packageIds, sales, cutoff) };
}

/** A what-if: the lines of each scenario, and the companies' names. */
export interface WhatIfResult {
  year: number;
  cutoff: string;
  basis: Period;
  listId: number | null;
  months: number[];
  /** Per scenario (in the order of `months`), the lines. Nothing is stored. */
  scenarios: ObligationLine[][];
  companyNames: Map<number, string>;
}

/**
 * Item 2: the same year under other months, side by side, computed from one reading of the basis and
 * stored nowhere (a what-if is a question, not a decision; computeObligations stores a calculation).
 */
export async function whatIf(
  db: Db,
  q: { year: number; cutoff: string; months: readonly number[] },
): Promise<WhatIfResult> {
  for (const months of q.months)
    checkObligationParameters({ year: q.year, months, cutoff: q.cutoff, revisionThreshold: 0.25 });
  return db.transaction().execute(async (trx) => {
    const { listId, basis, bases } = await obligationBases(trx, q.cutoff);
    const ids = [...new Set(bases.map((b) => b.companyId))];
    const names =
      ids.length === 0
        ? []
        : await trx.selectFrom('organisation').select(['id', 'name']).where('id', 'in', ids).execute();
    return {
      year: q.year,
      cutoff: q.cutoff,
      basis,
      listId,
      months: [...q.months],
      scenarios: q.months.map((m) => bases.map((b) => obligationLine(b, m))),
      companyNames: new Map(names.map((n) => [n.id, n.name])),
    };
  });
}

/** The flags, price and cut-off seller of each package, joined to the companies' sales. */
async function basesOf(
  trx: Tx,
  packageIds: readonly number[],
  sales: readonly CompanySales[],
  cutoff: string,
): Promise<ObligationBasis[]> {
  if (packageIds.length === 0) return [];
  const packages = await sql<{
    id: number;
    parallel_traded: boolean;
    licence: boolean;
    price_sek: number | null;
    seller_on_cutoff: number;
  }>`
    SELECT p.id, coalesce(v.parallel_traded, p.parallel_traded) AS parallel_traded,
           coalesce(v.licence, p.licence) AS licence, p.price_sek,
           coalesce(v.seller_id, p.company_id) AS seller_on_cutoff
    FROM package p
    LEFT JOIN package_version v ON v.package_id = p.id
      AND (v.valid_from IS NULL OR v.valid_from <= ${cutoff}::date)
      AND (v.valid_to IS NULL OR ${cutoff}::date < v.valid_to)
    WHERE p.id = ANY(${packageIds}::bigint[])`.execute(trx);
  const byPackage = new Map(packages.rows.map((p) => [Number(p.id), p]));
  const out = new Map<string, ObligationBasis>();
  const add = (companyId: number, packageId: number, units: number) => {
    const p = byPackage.get(packageId);
    if (p === undefined) return;
    const key = `${companyId}|${packageId}`;
    const b = out.get(key) ?? {
      companyId,
      packageId,
      basisUnits: 0,
      parallelTraded: p.parallel_traded,
      licence: p.licence,
      sellerOnCutoff: Number(p.seller_on_cutoff) === companyId,
      priceSek: p.price_sek === null ? null : Number(p.price_sek),
    };
    b.basisUnits += units;
    out.set(key, b);
  };
  for (const s of sales) if (s.units > 0) add(s.companyId, s.packageId, s.units);
  for (const p of byPackage.values()) add(Number(p.seller_on_cutoff), Number(p.id), 0);
  return [...out.values()].sort((a, b) => a.companyId - b.companyId || a.packageId - b.packageId);
}

/** Bound parameters per statement stay below PGlite's 32,767. */
const INSERT_CHUNK = 3_000;

async function insertLines(odb: ObligationDb, calculationId: number, lines: readonly ObligationLine[]) {
  for (let i = 0; i < lines.length; i += INSERT_CHUNK) {
    await odb
      .insertInto('obligation_line')
      .values(
        lines.slice(i, i + INSERT_CHUNK).map((l) => ({
          calculation_id: calculationId,
          company_id: l.companyId,
          package_id: l.packageId,
          basis_units: l.basisUnits,
          volume: l.volume,
          exempt_reason: l.exemptReason,
          seller_on_cutoff: l.sellerOnCutoff,
          price_sek: l.priceSek,
        })),
      )
      .execute();
  }
}

function toCalculation(r: {
  id: number;
  year: number;
  months: number;
  revision_threshold: number;
  cutoff: string;
  basis_from: string;
  basis_to: string;
  list_id: number | null;
  label: string | null;
  computed_at: Date;
}): CalculationRow {
  return {
    id: Number(r.id),
    year: r.year,
    months: Number(r.months),
    revisionThreshold: Number(r.revision_threshold),
    cutoff: r.cutoff,
    basisFrom: r.basis_from,
    basisTo: r.basis_to,
    listId: r.list_id === null ? null : Number(r.list_id),
    label: r.label,
    computedAt: new Date(r.computed_at),
  };
}

export async function findCalculation(db: Db | Tx, id: number): Promise<CalculationRow | undefined> {
  const r = await obligationDb(db)
    .selectFrom('obligation_calculation')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return r === undefined ? undefined : toCalculation(r);
}

export async function listCalculations(db: Db | Tx, year?: number): Promise<CalculationRow[]> {
  let q = obligationDb(db).selectFrom('obligation_calculation').selectAll();
  if (year !== undefined) q = q.where('year', '=', year);
  const rows = await q.orderBy('year', 'desc').orderBy('id', 'desc').execute();
  return rows.map(toCalculation);
}

/** A line with what a reader needs to recognise it, and its latest revision when it has one. */
export interface LineRow extends ObligationLine {
  companyName: string;
  nplPackId: string;
  name: string;
  description: string;
  substance: string;
  atcCode: string;
  revision: {
    id: number;
    revisedOn: string;
    rollingFrom: string;
    rollingTo: string;
    previousBasis: number;
    rollingBasis: number;
    previousVolume: number;
    newVolume: number;
  } | null;
}

/** The lines of a calculation, optionally of one company, ordered by company and package name. */
export async function calculationLines(
  db: Db | Tx,
  calculationId: number,
  filter: { companyId?: number; exempt?: boolean } = {},
): Promise<LineRow[]> {
  let q = obligationDb(db)
    .selectFrom('obligation_line as l')
    .innerJoin('organisation as o', 'o.id', 'l.company_id')
    .innerJoin('package as p', 'p.id', 'l.package_id')
    .innerJoin('medicine as m', 'm.id', 'p.medicine_id')
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('obligation_revision as r')
          .distinctOn(['r.company_id', 'r.package_id'])
          .selectAll('r')
          .where('r.calculation_id', '=', calculationId)
          .orderBy('r.company_id')
          .orderBy('r.package_id')
          .orderBy('r.revised_on', 'desc')
          .as('r'),
      (join) => join.onRef('r.company_id', '=', 'l.company_id').onRef('r.package_id', '=', 'l.package_id'),
    )
    .select([
      'l.company_id',
      'l.package_id',
      'l.basis_units',
      'l.volume',
      'l.exempt_reason',
      'l.seller_on_cutoff',
      'l.price_sek',
      'o.name as company_name',
      'p.npl_pack_id',
      'm.name',
      'p.description',
      'm.substance',
      'm.atc_code',
      'r.id as revision_id',
      'r.revised_on',
      'r.rolling_from',
      'r.rolling_to',
      'r.previous_basis',
      'r.rolling_basis',
      'r.previous_volume',
      'r.new_volume',
    ])
    .where('l.calculation_id', '=', calculationId);
  if (filter.companyId !== undefined) q = q.where('l.company_id', '=', filter.companyId);
  if (filter.exempt !== undefined) q = q.where('l.exempt_reason', filter.exempt ? 'is not' : 'is', null);
  const rows = await q.orderBy('o.name').orderBy('m.name').orderBy('p.id').execute();
  return rows.map((r) => ({
    companyId: Number(r.company_id),
    packageId: Number(r.package_id),
    basisUnits: Number(r.basis_units),
    volume: r.volume,
    exemptReason: r.exempt_reason,
    sellerOnCutoff: r.seller_on_cutoff,
    priceSek: r.price_sek === null ? null : Number(r.price_sek),
    companyName: r.company_name,
    nplPackId: r.npl_pack_id,
    name: r.name,
    description: r.description,
    substance: r.substance,
    atcCode: r.atc_code,
    revision:
      r.revision_id === null || r.revision_id === undefined
        ? null
        : {
            id: Number(r.revision_id),
            revisedOn: r.revised_on as string,
            rollingFrom: r.rolling_from as string,
            rollingTo: r.rolling_to as string,
            previousBasis: Number(r.previous_basis),
            rollingBasis: Number(r.rolling_basis),
            previousVolume: Number(r.previous_volume),
            newVolume: Number(r.new_volume),
          },
  }));
}

// Revisions --------------------------------------------------------------------------------------

export interface RevisionRow {
  id: number;
  companyId: number;
  packageId: number;
  revisedOn: string;
  rollingFrom: string;
  rollingTo: string;
  previousBasis: number;
  rollingBasis: number;
  change: number | null;
  previousVolume: number;
  newVolume: number;
}

/**
 * Item 1: the revision test of every obligated line of a calculation on `on` (R1): each company's
 * rolling 12-month sales before `on` against the basis used (the line's, or its latest revision's);
 * where they have risen or fallen by at least the calculation's threshold, a revision is stored with
 * its rolling basis. Idempotent per day (a second run on the same day adds nothing). Returns the
 * revisions made.
 */
export async function reviseObligations(
  db: Db,
  q: { calculationId: number; on: string },
): Promise<RevisionRow[]> {
  return db.transaction().execute(async (trx) => {
    const odb = obligationDb(trx);
    const calc = await findCalculation(trx, q.calculationId);
    if (calc === undefined) throw AppError.notFound(`obligation calculation ${q.calculationId}`);
    if (q.on <= calc.cutoff)
      throw AppError.invalid(`revision date ${q.on} must lie after the cut-off ${calc.cutoff}`, [
        { field: 'on', value: q.on, expected: `a date after ${calc.cutoff}`, message: 'too early' },
      ]);
    const lines = await calculationLines(trx, calc.id, { exempt: false });
    const rolling = rollingYearBefore(q.on);
    const sales = await companySalesByMonth(trx, rolling, [...new Set(lines.map((l) => l.packageId))]);
    const unitsOf = new Map(sales.map((s) => [`${s.companyId}|${s.packageId}`, s.units]));
    const made: RevisionRow[] = [];
    for (const l of lines) {
      if (l.revision !== null && l.revision.revisedOn >= q.on) continue;
      const basisUnits = l.revision?.rollingBasis ?? l.basisUnits;
      const volume = l.revision?.newVolume ?? l.volume;
      const units = unitsOf.get(`${l.companyId}|${l.packageId}`) ?? 0;
      const test = revisionTest(
        { basisUnits, exemptReason: l.exemptReason },
        units,
        calc.months,
        calc.revisionThreshold,
      );
      if (!test.due) continue;
      const r = await odb
        .insertInto('obligation_revision')
        .values({
          calculation_id: calc.id,
          company_id: l.companyId,
          package_id: l.packageId,
          revised_on: q.on,
          rolling_from: rolling.from,
          rolling_to: rolling.to,
          previous_basis: basisUnits,
          rolling_basis: units,
          previous_volume: volume,
          new_volume: test.newVolume,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      made.push({
        id: Number(r.id),
        companyId: l.companyId,
        packageId: l.packageId,
        revisedOn: q.on,
        rollingFrom: rolling.from,
        rollingTo: rolling.to,
        previousBasis: basisUnits,
        rollingBasis: units,
        change: test.change,
        previousVolume: volume,
        newVolume: test.newVolume,
      });
    }
    return made;
  });
}

/** Every revision of a calculation (optionally one company's), newest first. */
export async function listRevisions(
  db: Db | Tx,
  calculationId: number,
  companyId?: number,
): Promise<RevisionRow[]> {
  let q = obligationDb(db)
    .selectFrom('obligation_revision')
    .selectAll()
    .where('calculation_id', '=', calculationId);
  if (companyId !== undefined) q = q.where('company_id', '=', companyId);
  const rows = await q.orderBy('revised_on', 'desc').orderBy('company_id').orderBy('package_id').execute();
  return rows.map((r) => ({
    id: Number(r.id),
    companyId: Number(r.company_id),
    packageId: Number(r.package_id),
    revisedOn: r.revised_on,
    rollingFrom: r.rolling_from,
    rollingTo: r.rolling_to,
    previousBasis: Number(r.previous_basis),
    rollingBasis: Number(r.rolling_basis),
    change:
      Number(r.previous_basis) > 0
        ? (Number(r.rolling_basis) - Number(r.previous_basis)) / Number(r.previous_basis)
        : null,
    previousVolume: r.previous_volume,
    newVolume: r.new_volume,
  }));
}

// Decisions (item 3, publication) -----------------------------------------------------------------

export interface DecisionRow {
  id: number;
  year: number;
  companyId: number;
  companyName: string;
  version: number;
  calculationId: number;
  validFrom: string;
  decidedAt: Date;
  decidedByOrg: number;
  decidedByUser: number | null;
  reason: string;
  lines: number;
  volume: number;
}

/**
 * Item 3: Läkemedelsverket publishes a calculation's obligations as a decision per company: the next
 * version of the company's decision for the year, in force from `validFrom` (default 1 January of the
 * year), with each line's volume and basis; a line revised on or before `validFrom` publishes the
 * revision's volume and rolling basis. A company whose lines equal its version in force is skipped
 * (nothing changed). One audit entry per decision (who, when, why). The caller checks that the actor
 * may decide (mayDecide(org, 'obligation')). Returns the decisions made.
 */
export async function publishDecisions(
  db: Db,
  q: {
    calculationId: number;
    reason: string;
    validFrom?: string;
    companyIds?: readonly number[];
  },
  actor: Actor,
): Promise<DecisionRow[]> {
  const reason = q.reason.trim();
  if (reason.length === 0)
    throw AppError.invalid('reason: a decision needs its reason', [
      { field: 'reason', expected: 'the reason for the decision, in words', message: 'empty' },
    ]);
  return db.transaction().execute(async (trx) => {
    const odb = obligationDb(trx);
    const calc = await findCalculation(trx, q.calculationId);
    if (calc === undefined) throw AppError.notFound(`obligation calculation ${q.calculationId}`);
    const validFrom = q.validFrom ?? `${calc.year}-01-01`;
    if (validFrom < calc.cutoff || validFrom > `${calc.year}-12-31`)
      throw AppError.invalid(
        `validFrom ${validFrom} must lie from the cut-off ${calc.cutoff} to ${calc.year}-12-31`,
        [
          {
            field: 'validFrom',
            value: validFrom,
            expected: `a date from ${calc.cutoff} to ${calc.year}-12-31`,
            message: 'outside the year',
          },
        ],
      );
    // Serialises publications of the same year: versions are numbered without gaps or twins.
    await sql`SELECT pg_advisory_xact_lock(21, ${calc.year}::int)`.execute(trx);
    const lines = await calculationLines(trx, calc.id);
    const byCompany = new Map<number, LineRow[]>();
    for (const l of lines) byCompany.set(l.companyId, [...(byCompany.get(l.companyId) ?? []), l]);
    const wanted = q.companyIds === undefined ? null : new Set(q.companyIds);
    if (wanted !== null)
      for (const id of wanted)
        if (!byCompany.has(id)) throw AppError.notFound(`company ${id} in obligation calculation ${calc.id}`);
    const revisionsAt = await revisionsOnOrBefore(trx, calc.id, validFrom);
    const current = await publishedObligations(trx, { year: calc.year, on: validFrom });
    const currentOf = new Map<number, Map<number, number>>();
    const latestVersion = await odb
      .selectFrom('obligation_decision')
      .select(['company_id', (eb) => eb.fn.max('version').as('version')])
      .where('year', '=', calc.year)
      .groupBy('company_id')
      .execute();
    const versionOf = new Map(latestVersion.map((v) => [Number(v.company_id), Number(v.version)]));
    for (const c of current) {
      const m = currentOf.get(c.companyId) ?? new Map<number, number>();
      m.set(c.packageId, c.volume);
      currentOf.set(c.companyId, m);
    }
    const made: DecisionRow[] = [];
    for (const [companyId, companyLines] of byCompany) {
      if (wanted !== null && !wanted.has(companyId)) continue;
      const published = companyLines.map((l) => {
        const r = revisionsAt.get(`${companyId}|${l.packageId}`);
        return {
          package_id: l.packageId,
          volume: r?.newVolume ?? l.volume,
          basis_units: r?.rollingBasis ?? l.basisUnits,
          basis_from: r?.rollingFrom ?? calc.basisFrom,
          basis_to: r?.rollingTo ?? calc.basisTo,
          exempt_reason: l.exemptReason,
          revision_id: r?.id ?? null,
        };
      });
      const before = currentOf.get(companyId);
      if (
        before !== undefined &&
        before.size === published.length &&
        published.every((p) => before.get(p.package_id) === p.volume)
      )
        continue;
      const version = (versionOf.get(companyId) ?? 0) + 1;
      const d = await odb
        .insertInto('obligation_decision')
        .values({
          year: calc.year,
          company_id: companyId,
          version,
          calculation_id: calc.id,
          valid_from: validFrom,
          decided_by_user: actor.userId,
          decided_by_org: actor.organisationId,
          reason,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      for (let i = 0; i < published.length; i += INSERT_CHUNK)
        await odb
          .insertInto('obligation_decision_line')
          .values(published.slice(i, i + INSERT_CHUNK).map((p) => ({ decision_id: d.id, ...p })))
          .execute();
      const volume = published.reduce((s, p) => s + p.volume, 0);
      await trx
        .insertInto('audit_log')
        .values({
          token_id: actor.tokenId,
          organisation_id: actor.organisationId,
          action: 'obligation.published',
          entity: 'obligation_decision',
          entity_id: String(d.id),
          detail: JSON.stringify({
            year: calc.year,
            companyId,
            version,
            calculationId: calc.id,
            validFrom,
            reason,
            userId: actor.userId,
            lines: published.length,
            volume,
          }),
        })
        .execute();
      made.push({
        id: Number(d.id),
        year: calc.year,
        companyId,
        companyName: companyLines[0]?.companyName ?? '',
        version,
        calculationId: calc.id,
        validFrom,
        decidedAt: new Date(d.decided_at),
        decidedByOrg: actor.organisationId,
        decidedByUser: actor.userId,
        reason,
        lines: published.length,
        volume,
      });
    }
    return made;
  });
}

async function revisionsOnOrBefore(
  trx: Tx,
  calculationId: number,
  day: string,
): Promise<Map<string, RevisionRow>> {
  const all = await listRevisions(trx, calculationId);
  const out = new Map<string, RevisionRow>();
  // Newest first: the first seen per line on or before `day` is the one in force.
  for (const r of all) {
    if (r.revisedOn > day) continue;
    const key = `${r.companyId}|${r.packageId}`;
    if (!out.has(key)) out.set(key, r);
  }
  return out;
}

/** The decisions of a year (optionally one company's), newest version first per company. */
export async function listDecisions(
  db: Db | Tx,
  q: { year?: number; companyId?: number },
): Promise<DecisionRow[]> {
  let query = obligationDb(db)
    .selectFrom('obligation_decision as d')
    .innerJoin('organisation as o', 'o.id', 'd.company_id')
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('obligation_decision_line')
          .select([
            'decision_id',
            (e) => e.fn.countAll<number>().as('lines'),
            (e) => e.fn.sum<number>('volume').as('volume'),
          ])
          .groupBy('decision_id')
          .as('t'),
      (join) => join.onRef('t.decision_id', '=', 'd.id'),
    )
    .selectAll('d')
    .select(['o.name as company_name', 't.lines', 't.volume']);
  if (q.year !== undefined) query = query.where('d.year', '=', q.year);
  if (q.companyId !== undefined) query = query.where('d.company_id', '=', q.companyId);
  const rows = await query.orderBy('d.year', 'desc').orderBy('o.name').orderBy('d.version', 'desc').execute();
  return rows.map((r) => ({
    id: Number(r.id),
    year: r.year,
    companyId: Number(r.company_id),
    companyName: r.company_name,
    version: r.version,
    calculationId: Number(r.calculation_id),
    validFrom: r.valid_from,
    decidedAt: new Date(r.decided_at),
    decidedByOrg: Number(r.decided_by_org),
    decidedByUser: r.decided_by_user === null ? null : Number(r.decided_by_user),
    reason: r.reason,
    lines: Number(r.lines ?? 0),
    volume: Number(r.volume ?? 0),
  }));
}
