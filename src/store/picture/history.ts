import { sql } from 'kysely';
import { addDays } from '../../domain/calendar.js';
import { DEFAULT_MIN_SHELF_LIFE_DAYS } from '../../domain/coverage.js';
import { NATIONAL_AREA } from '../../domain/access.js';
import type { Store, Tx } from '../database.js';
import { reserveSql } from './reserve.js';
import { type Settings } from './settings.js';
import { serviceFractionsSql } from './wholesale.js';

/**
 * The day's national everyday stock per package (the reserve is not in it: src/domain/reserve.ts)
 * into the history, by the full refresh that opens each day: total, and usable = what could still be
 * dispensed that day (picture_stock.usable; what is usable before expiry depends on a day's demand
 * and is the items').
 * The product page adds the current figure live (picture_stock), so incremental refreshes leave the
 * history alone.
 */
export async function recordHistory(trx: Tx, s: Settings): Promise<void> {
  await sql`DELETE FROM picture_stock_history WHERE on_date = ${s.today}::date`.execute(trx);
  await sql`
    INSERT INTO picture_stock_history (package_id, on_date, total, usable)
    SELECT package_id, ${s.today}::date, sum(total), sum(usable)
    FROM picture_stock WHERE area_code = ${NATIONAL_AREA} AND NOT reserve
    GROUP BY package_id`.execute(trx);
  // Each area's figures as the items give them (issue 10 item 7): the coverage over time is what the
  // picture said on each day, the region's share of the wholesale stock serving it included.
  await sql`DELETE FROM picture_area_history WHERE on_date = ${s.today}::date`.execute(trx);
  await sql`
    INSERT INTO picture_area_history
      (package_id, area_code, on_date, total, usable, demand_per_day, coverage_days, backfilled)
    SELECT package_id, area_code, ${s.today}::date, total_stock, usable_stock, demand_per_day,
           coverage_days, false
    FROM picture_item WHERE kind = 'package'`.execute(trx);
}

/**
 * Backfills the (everyday) stock history from the snapshots: for each day, every location's newest snapshot
 * counted by the end of that day (UTC) plus its differences counted after it until then, with the
 * usable stock being what could still be dispensed that day (as picture_stock.usable: expiry less
 * the minimum remaining shelf life after the day). Rows the refresh wrote are replaced.
 */
export async function backfillStockHistory(
  store: Store,
  days: readonly string[],
  minShelfLifeDays = DEFAULT_MIN_SHELF_LIFE_DAYS,
): Promise<void> {
  await store.bulkTransaction(async (trx) => {
    for (const day of days) {
      const endOfDay = `${addDays(day, 1)}T00:00:00Z`;
      const cutOff = addDays(day, minShelfLifeDays);
      await sql`DELETE FROM picture_stock_history WHERE on_date = ${day}::date`.execute(trx);
      await sql`
        INSERT INTO picture_stock_history (package_id, on_date, total, usable)
        WITH snap AS (
          SELECT l.id AS location_id, l.kind, s.id AS snapshot_id, s.counted_at
          FROM location l
          LEFT JOIN LATERAL (
            SELECT ss.id, ss.counted_at FROM stock_snapshot ss
            WHERE ss.location_id = l.id AND ss.counted_at < ${endOfDay}::timestamptz
            ORDER BY ss.counted_at DESC, ss.id DESC LIMIT 1
          ) s ON true
        ),
        entry AS (
          SELECT sl.package_id, sl.quantity, sl.expiry
          FROM snap JOIN stock_line sl ON sl.snapshot_id = snap.snapshot_id
          WHERE NOT ${reserveSql('snap.kind', 'sl.stock_level')}
          UNION ALL
          SELECT d.package_id, d.quantity, d.expiry
          FROM snap JOIN stock_difference_line d ON d.location_id = snap.location_id
            AND (snap.counted_at IS NULL OR d.counted_at > snap.counted_at)
            AND d.counted_at < ${endOfDay}::timestamptz
          WHERE NOT ${reserveSql('snap.kind', 'd.stock_level')}
        )
        SELECT package_id, ${day}::date, sum(quantity),
               coalesce(sum(quantity) FILTER (WHERE expiry IS NULL OR expiry > ${cutOff}::date), 0)
        FROM entry GROUP BY package_id`.execute(trx);
      await backfillAreaHistory(trx, day, minShelfLifeDays);
    }
  });
}

/**
 * One past day of picture_area_history, reconstructed from the snapshots (backfilled = true), for the
 * days before the refresh recorded them: each location's newest snapshot by the end of the day plus its
 * differences after it, each lot netted per location (below zero counts as none), everyday stock only.
 * A region counts its locations but its warehouses, and its share of every warehouse lot serving it, by
 * today's service fractions (regionLots does the same for today). Ours, documented in
 * docs/lagesbild.md ("Trends and outlook"): the demand of a backfilled day is today's estimate (the
 * picture keeps no demand of days it did not run), and its usable stock is what could still be
 * dispensed that day (expiry after the day plus the minimum remaining shelf life). Rows the refresh
 * recorded on the day are kept.
 */
async function backfillAreaHistory(trx: Tx, day: string, minShelfLifeDays: number): Promise<void> {
  const endOfDay = `${addDays(day, 1)}T00:00:00Z`;
  const cutOff = addDays(day, minShelfLifeDays);
  // A day the refresh recorded keeps its figures (that day's own demand): only rebuilt rows are replaced.
  await sql`DELETE FROM picture_area_history WHERE on_date = ${day}::date AND backfilled`.execute(trx);
  await sql`
    INSERT INTO picture_area_history
      (package_id, area_code, on_date, total, usable, demand_per_day, coverage_days, backfilled)
    WITH snap AS (
      SELECT l.id AS location_id, l.kind, l.region_code::text AS region_code, s.id AS snapshot_id,
             s.counted_at
      FROM location l
      LEFT JOIN LATERAL (
        SELECT ss.id, ss.counted_at FROM stock_snapshot ss
        WHERE ss.location_id = l.id AND ss.counted_at < ${endOfDay}::timestamptz
        ORDER BY ss.counted_at DESC, ss.id DESC LIMIT 1
      ) s ON true
    ),
    entry AS (
      SELECT snap.location_id, snap.region_code, sl.package_id, sl.quantity, sl.expiry
      FROM snap JOIN stock_line sl ON sl.snapshot_id = snap.snapshot_id
      WHERE NOT ${reserveSql('snap.kind', 'sl.stock_level')}
      UNION ALL
      SELECT snap.location_id, snap.region_code, d.package_id, d.quantity, d.expiry
      FROM snap JOIN stock_difference_line d ON d.location_id = snap.location_id
        AND (snap.counted_at IS NULL OR d.counted_at > snap.counted_at)
        AND d.counted_at < ${endOfDay}::timestamptz
      WHERE NOT ${reserveSql('snap.kind', 'd.stock_level')}
    ),
    lot AS (
      SELECT e.location_id, e.region_code, e.package_id, e.expiry, greatest(sum(e.quantity), 0) AS quantity,
             wa.area_key
      FROM entry e LEFT JOIN warehouse_service_area wa ON wa.location_id = e.location_id
      GROUP BY e.location_id, e.region_code, e.package_id, e.expiry, wa.area_key
    ),
    fraction AS (${serviceFractionsSql(
      sql`SELECT DISTINCT package_id, area_key FROM lot WHERE area_key IS NOT NULL`,
    )}),
    located AS (
      SELECT package_id, ${NATIONAL_AREA}::text AS area_code, quantity, expiry FROM lot
      UNION ALL
      SELECT package_id, region_code, quantity, expiry FROM lot WHERE area_key IS NULL
      UNION ALL
      SELECT lot.package_id, f.region_code, lot.quantity * f.fraction, lot.expiry
      FROM lot JOIN fraction f ON f.package_id = lot.package_id AND f.area_key = lot.area_key
    ),
    stock AS (
      SELECT package_id, area_code, sum(quantity) AS total,
             coalesce(sum(quantity) FILTER (WHERE expiry IS NULL OR expiry > ${cutOff}::date), 0) AS usable
      FROM located GROUP BY package_id, area_code
    ),
    demand AS (
      SELECT package_id, area_code, demand_per_day FROM picture_item
      WHERE kind = 'package' AND demand_per_day > 0
    ),
    k AS (
      SELECT package_id, area_code FROM stock UNION SELECT package_id, area_code FROM demand
    )
    SELECT k.package_id, k.area_code, ${day}::date, coalesce(st.total, 0), coalesce(st.usable, 0),
           coalesce(d.demand_per_day, 0),
           CASE WHEN d.demand_per_day > 0 THEN greatest(coalesce(st.usable, 0), 0) / d.demand_per_day END,
           true
    FROM k
    LEFT JOIN stock st ON st.package_id = k.package_id AND st.area_code = k.area_code
    LEFT JOIN demand d ON d.package_id = k.package_id AND d.area_code = k.area_code
    ON CONFLICT (package_id, area_code, on_date) DO NOTHING`.execute(trx);
}
