import { sql } from 'kysely';
import { addDays } from '../../domain/calendar.js';
import { DEFAULT_MIN_SHELF_LIFE_DAYS } from '../../domain/coverage.js';
import { NATIONAL_AREA } from '../../domain/access.js';
import type { Store, Tx } from '../database.js';
import { reserveSql } from './reserve.js';
import { type Settings } from './settings.js';

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
    }
  });
}
