import { sql } from 'kysely';
import type { Db } from './database.js';

/** The advisory lock between writers of sales and the obligations' monthly sales (0022). */
export const SALES_MONTHS_LOCK = 2_022_001;

/**
 * Keeps `sales_extent` (0014) current for the sales rows of one report (`reportId`), or of all rows
 * (`null`, after a bulk load): per package, region, channel and source (region-level or location
 * rows), the first and last day covered. Every writer of sales calls it in its own transaction, so
 * the picture can find where both sources report without reading the sales again. Keys are locked in
 * one order, so concurrent reports cannot deadlock on them.
 */
export async function recordSalesExtent(db: Db, reportId: number | null): Promise<void> {
  // The same grouping also forgets the obligations' monthly sales (0022) of each package from the month
  // of its first day to the month of its last: they are computed again from the sales when next needed.
  // The shared lock waits for a computation of months in progress (obligationSalesMonths holds the
  // exclusive one until it commits), so that a month computed without this report's rows is forgotten.
  await sql`SELECT pg_advisory_xact_lock_shared(${SALES_MONTHS_LOCK})`.execute(db);
  await sql`
    WITH g AS (
      SELECT package_id, region_code, channel, location_id IS NULL AS regional,
             min(period_start) AS first_day, max(period_start + period_days - 1) AS last_day
      FROM sales
      WHERE ${reportId === null ? sql`true` : sql`report_id = ${reportId}`}
      GROUP BY 1, 2, 3, 4
    ),
    forgotten AS (
      DELETE FROM obligation_sales_month m
      USING (SELECT package_id, min(first_day) AS first_day, max(last_day) AS last_day FROM g GROUP BY 1) x
      WHERE m.package_id = x.package_id
        AND m.month >= date_trunc('month', x.first_day)::date AND m.month <= x.last_day
    )
    INSERT INTO sales_extent AS e (package_id, region_code, channel, regional, first_day, last_day)
    SELECT package_id, region_code, channel, regional, first_day, last_day
    FROM g
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (package_id, region_code, channel, regional) DO UPDATE SET
      first_day = least(e.first_day, excluded.first_day),
      last_day = greatest(e.last_day, excluded.last_day)`.execute(db);
}
