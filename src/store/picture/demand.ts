import { sql } from 'kysely';
import { addCalendarMonths, addDays } from '../../domain/calendar.js';
import { DEFAULT_BASELINE_DAYS, DEFAULT_RECENT_DAYS } from '../../domain/demand.js';
import type { Tx } from '../database.js';
import { type Settings, YEAR_DAYS } from './settings.js';
import { idIn } from './sql.js';

/**
 * The last day the sales data covers: the end of the latest-starting row, one index probe per region
 * (weekly reporters lag; without it the missing days would read as zero sales).
 */
export async function findSalesThrough(trx: Tx): Promise<string | null> {
  const result = await sql<{ through: string | null }>`
    SELECT max(x.last_day) AS through
    FROM region r
    CROSS JOIN LATERAL (
      SELECT s.period_start + s.period_days - 1 AS last_day
      FROM sales s WHERE s.region_code = r.code
      ORDER BY s.period_start DESC LIMIT 1
    ) x`.execute(trx);
  return result.rows[0]?.through ?? null;
}

/**
 * The sales rows give the demand inputs and the monthly history:
 * - window sums per package x region, and the domain's rule on them (picture_demand_rule, the SQL twin
 *   of estimateDemand). A weekly row straddling a window edge counts pro rata by its days inside.
 *   History starts at the package's first sale in any region;
 * - national sales per package and month, the window's month and the twelve before it (a row counts
 *   in the month it starts).
 */
export async function writeSales(trx: Tx, s: Settings, ids: readonly number[] | null): Promise<void> {
  const end = s.windowEnd;
  await sql`
    UPDATE picture_product pp
    SET first_sale_day = (SELECT min(x.period_start) FROM sales x WHERE x.package_id = pp.package_id)
    WHERE ${idIn('pp.package_id', ids)}`.execute(trx);
  if (ids === null) {
    await sql`TRUNCATE picture_demand, picture_sales_month`.execute(trx);
  } else {
    await sql`DELETE FROM picture_demand WHERE ${idIn('package_id', ids)}`.execute(trx);
    await sql`DELETE FROM picture_sales_month WHERE ${idIn('package_id', ids)}`.execute(trx);
  }

  const recentFrom = addDays(end, -(DEFAULT_RECENT_DAYS - 1));
  const baselineFrom = addDays(end, -(DEFAULT_BASELINE_DAYS - 1));
  const seasonFrom = addDays(end, 1 - YEAR_DAYS);
  const seasonTo = addDays(seasonFrom, DEFAULT_RECENT_DAYS - 1);
  const windowFrom = addDays(end, -(Math.max(DEFAULT_BASELINE_DAYS, YEAR_DAYS) - 1) - 6);
  const monthFrom = addCalendarMonths(`${end.slice(0, 7)}-01`, -12);
  // Rows wholly inside a window add their quantity; only weekly rows across its edge need pro rata
  // arithmetic (numeric arithmetic on every row would be the cost of the whole scan).
  const last = sql`(s.period_start + s.period_days - 1)`;
  const within = (from: string, to: string) => sql`
    coalesce(sum(s.quantity) FILTER (WHERE s.period_start >= ${from}::date AND ${last} <= ${to}::date), 0)
    + coalesce(sum(s.quantity * (least(${last}, ${to}::date) - greatest(s.period_start, ${from}::date) + 1)
                   / s.period_days)
        FILTER (WHERE s.period_days > 1 AND s.period_start <= ${to}::date AND ${last} >= ${from}::date
                AND NOT (s.period_start >= ${from}::date AND ${last} <= ${to}::date)), 0)`;
  // CREATE TABLE AS may scan in parallel (INSERT … SELECT does not): two scans, each in parallel.
  await sql`
    CREATE TEMP TABLE picture_sales_scan ON COMMIT DROP AS
    SELECT s.package_id, s.region_code::text AS region_code,
           ${within(recentFrom, end)} AS recent_sum,
           ${within(baselineFrom, end)} AS baseline_sum,
           ${within(seasonFrom, seasonTo)} AS seasonal_sum
    FROM sales s
    WHERE s.period_start >= ${windowFrom}::date AND s.period_start <= ${end}::date
      AND ${idIn('s.package_id', ids)}
    GROUP BY s.package_id, s.region_code`.execute(trx);
  await sql`
    INSERT INTO picture_demand (package_id, region_code, recent_sum, baseline_sum, seasonal_sum,
      per_day, basis, recent_per_day, baseline_per_day, seasonal_per_day)
    SELECT w.package_id, w.region_code, w.recent_sum, w.baseline_sum, w.seasonal_sum,
           r.per_day, r.basis, r.recent_per_day, r.baseline_per_day, r.seasonal_per_day
    FROM picture_sales_scan w
    JOIN picture_product pp ON pp.package_id = w.package_id
    CROSS JOIN LATERAL picture_demand_rule(w.recent_sum, w.baseline_sum, w.seasonal_sum,
      (${end}::date - pp.first_sale_day + 1), ${DEFAULT_RECENT_DAYS}::int, ${DEFAULT_BASELINE_DAYS}::int,
      ${YEAR_DAYS}::int) r`.execute(trx);
  await sql`DROP TABLE picture_sales_scan`.execute(trx);
  await sql`
    CREATE TEMP TABLE picture_sales_scan ON COMMIT DROP AS
    SELECT s.package_id, date_trunc('month', s.period_start)::date AS month, sum(s.quantity) AS quantity
    FROM sales s
    WHERE s.period_start >= ${monthFrom}::date AND s.period_start <= ${end}::date
      AND ${idIn('s.package_id', ids)}
    GROUP BY 1, 2`.execute(trx);
  await sql`
    INSERT INTO picture_sales_month (package_id, month, quantity)
    SELECT package_id, month, quantity FROM picture_sales_scan`.execute(trx);
  await sql`DROP TABLE picture_sales_scan`.execute(trx);
}
