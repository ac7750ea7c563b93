import { sql } from 'kysely';
import { addCalendarMonths, addDays } from '../../domain/calendar.js';
import { rollingYearBefore, type ObligationBasis, type Period } from '../../domain/obligation.js';
import { matchesListItem, type ListItemRef } from '../../domain/risk.js';
import { normaliseText } from '../../domain/demand.js';
import type { Db, Tx } from '../database.js';
import { coveredSalesDaysSql, findMixedSalesKeys } from '../picture/demand.js';
import { prioritisedEntries, prioritisedListInForce } from '../picture/products.js';
import { SALES_MONTHS_LOCK } from '../sales-extent.repository.js';
import { INSERT_CHUNK, type Numeric } from './tables.js';

/*
 * R1's basis (issue 12 item 1, and item 10's monthly sales): the packages on the list in force, who
 * sold them on which days, and each company's sales counted once.
 */

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
    // Unrounded: a company's total (salesOfSegments) is rounded once, to 1e-6 of a package. Rounding
    // each month first would add up to 6e-6 over a year and could lift a volume by one package.
    units: Number(r.units),
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
  // Writers of sales wait until this transaction ends (recordSalesExtent takes the shared lock), and
  // forget what it kept if their rows touch it: a kept month never misses a committed report.
  await sql`SELECT pg_advisory_xact_lock(${SALES_MONTHS_LOCK})`.execute(trx);
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
