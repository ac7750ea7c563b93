import { sql } from 'kysely';
import { NATIONAL_AREA } from '../../domain/access.js';
import type { Db } from '../database.js';

/** One day of an area's coverage history (picture_area_history, or today's item). */
export interface AreaHistoryRow {
  area_code: string;
  on_date: string;
  total: number;
  usable: number;
  demand_per_day: number;
  coverage_days: number | null;
  backfilled: boolean;
}

/**
 * A package's everyday stock, demand and coverage per day in `areas` from `from` on: the days before
 * `today` from picture_area_history (written by each day's full refresh, or backfilled from the
 * snapshots), today's live from the item table, so that the last point is the figure the page shows.
 */
export async function areaHistory(
  db: Db,
  packageId: number,
  areas: readonly string[],
  from: string,
  today: string,
): Promise<AreaHistoryRow[]> {
  const rows = await sql<AreaHistoryRow>`
    SELECT area_code, on_date, total, usable, demand_per_day, coverage_days, backfilled
    FROM picture_area_history
    WHERE package_id = ${packageId} AND area_code = ANY(${[...areas]}::text[])
      AND on_date >= ${from}::date AND on_date < ${today}::date
    UNION ALL
    SELECT area_code, ${today}::date, total_stock, usable_stock, demand_per_day, coverage_days, false
    FROM picture_item
    WHERE kind = 'package' AND ref = ${String(packageId)} AND area_code = ANY(${[...areas]}::text[])
    ORDER BY 1, 2`.execute(db);
  return rows.rows.map((r) => ({
    area_code: r.area_code,
    on_date: r.on_date,
    total: Number(r.total),
    usable: Number(r.usable),
    demand_per_day: Number(r.demand_per_day),
    coverage_days: r.coverage_days === null ? null : Number(r.coverage_days),
    backfilled: r.backfilled,
  }));
}

/** One area's run-out dates for a package, as the item table has them. */
export interface RunOutRow {
  area_code: string;
  name: string;
  total_stock: number;
  usable_stock: number;
  demand_per_day: number;
  coverage_days: number | null;
  runs_out_on: string | null;
  runs_out_with_deliveries_on: string | null;
  incoming: number;
  risk_class: string;
}

/**
 * The nation's and (with `regions`) every region's run-out dates of a package, with and without the
 * expected deliveries (the items' runs_out_on and runs_out_with_deliveries_on). An area without an
 * item (neither stock nor demand) has no row.
 */
export async function runOutByArea(db: Db, packageId: number, regions: boolean): Promise<RunOutRow[]> {
  const rows = await sql<RunOutRow>`
    SELECT i.area_code, coalesce(r.name, 'Hela landet') AS name, i.total_stock, i.usable_stock,
           i.demand_per_day, i.coverage_days, i.runs_out_on, i.runs_out_with_deliveries_on, i.incoming,
           i.risk_class
    FROM picture_item i LEFT JOIN region r ON r.code::text = i.area_code
    WHERE i.kind = 'package' AND i.ref = ${String(packageId)}
      AND (i.area_code = ${NATIONAL_AREA} OR ${regions})
    ORDER BY i.area_code <> ${NATIONAL_AREA}, i.area_code`.execute(db);
  return rows.rows.map((r) => ({
    ...r,
    total_stock: Number(r.total_stock),
    usable_stock: Number(r.usable_stock),
    demand_per_day: Number(r.demand_per_day),
    coverage_days: r.coverage_days === null ? null : Number(r.coverage_days),
    incoming: Number(r.incoming),
  }));
}
