import { sql } from 'kysely';
import { addDays } from '../../domain/calendar.js';
import { NATIONAL_AREA } from '../../domain/access.js';
import type { Db, Tx } from '../database.js';
import {
  applyStockExpiryDelta,
  applyWholesaleExpiryDelta,
  insertStockExpiry,
  mergeStockExpiryPart,
  rebuildWholesaleExpiry,
} from './expiry.js';
import { ITEM_COLUMNS, ITEM_COLUMN_LIST, PART_TABLES, writeAreaItems } from './items.js';
import { inHelperTransaction, splitByLines } from './second-connection.js';
import { type Settings } from './settings.js';
import { reserveOfTierSql, reserveSql } from './reserve.js';
import { tierCaseSql, unique, withoutIndexes, withoutIndexScans } from './sql.js';
import { applyWholesaleDelta, rebuildWholesaleStock } from './wholesale.js';

/** A location's facts in the stock aggregates (picture_location_state), with its region and tier. */
export interface LocationFacts {
  location_id: number;
  snapshot_id: number | null;
  /** As PostgreSQL prints it: microseconds kept. */
  counted_at: string | null;
  difference_report_id: number;
  region_code: string;
  tier: string;
  lines: number;
}

/**
 * The contribution of every location, from the facts recorded in picture_location_state. On
 * PostgreSQL the regions are split in two halves of about equal lines: a second connection computes
 * one half into picture_stock_part while this transaction computes the other, and then adds the
 * second half (two cores instead of one; 0004_picture_unlogged.sql). The second connection reads
 * the facts in this transaction's snapshot (pg_export_snapshot), and the locations' facts are handed
 * to it, so both halves describe the same state. With `regionalItems` each side also writes the
 * package and group items of its regions (the second into picture_item_part): it has all their
 * stock, and demand is kept in stock mode; this side then adds the national stock rows and calls
 * `national` while the other still writes its items.
 */
export async function rebuildStock(
  trx: Tx,
  s: Settings,
  helper: Db | null,
  regionalItems: boolean,
  /** Writes the national items once the national stock is in (with `regionalItems`). */
  national: (() => Promise<void>) | null,
): Promise<void> {
  await sql`DELETE FROM picture_location_state`.execute(trx);
  await sql`
    INSERT INTO picture_location_state (location_id, snapshot_id, counted_at, difference_report_id)
    SELECT l.id, cs.snapshot_id, cs.counted_at, coalesce(d.report_id, 0)
    FROM location l
    LEFT JOIN current_snapshot cs ON cs.location_id = l.id
    LEFT JOIN LATERAL (
      SELECT max(x.report_id) AS report_id FROM stock_difference_line x WHERE x.location_id = l.id
    ) d ON true
    WHERE cs.snapshot_id IS NOT NULL OR d.report_id IS NOT NULL`.execute(trx);
  const facts = await sql<LocationFacts>`
    SELECT st.location_id, st.snapshot_id, st.counted_at::text AS counted_at, st.difference_report_id,
           l.region_code::text AS region_code, ${tierCaseSql('l.kind')} AS tier,
           coalesce(ss.line_count, 0) AS lines
    FROM picture_location_state st
    JOIN location l ON l.id = st.location_id
    LEFT JOIN stock_snapshot ss ON ss.id = st.snapshot_id`.execute(trx);
  await withoutIndexScans(trx, async () => {
    await rebuildWholesaleStock(trx, s, facts.rows, 'picture_wholesale_stock');
    await rebuildWholesaleExpiry(trx, 'picture_wholesale_expiry', facts.rows);
  });
  // Writing a region's items costs about as much as summing 18 stock lines per package (measured on
  // bench/lagesbild.ts: 1.3 s a region for 30,000 packages, against 2.3 µs a line).
  const packages = regionalItems
    ? ((await sql<{ n: number }>`SELECT count(*)::int AS n FROM picture_product`.execute(trx)).rows[0]?.n ??
      0)
    : 0;
  // This side also adds the other's rows, builds the stock's indexes and writes the national rows
  // and items while the other writes its regions' items: worth about seven regions' items
  // (measured as above).
  const [mine = [], theirs = []] = splitByLines(
    facts.rows,
    helper === null ? 1 : 2,
    18 * packages,
    national === null ? 0 : 7 * 18 * packages,
  );
  const regionsOf = (half: readonly LocationFacts[]) => unique(half.map((f) => f.region_code));

  // The other half, on the second connection: its stock committed first (this side adds it and goes
  // on to the nation), then its regions' items.
  const other: { stock: Promise<void> | null; items: Promise<void> | null } = { stock: null, items: null };
  try {
    await sql`TRUNCATE picture_stock`.execute(trx);
    await withoutIndexes(trx, 'picture_stock', true, async () => {
      if (helper !== null && theirs.length > 0) {
        const exported = await sql<{ id: string }>`SELECT pg_export_snapshot() AS id`.execute(trx);
        const snapshot = exported.rows[0]!.id;
        const theirStock = inHelperTransaction(helper, snapshot, async (conn) => {
          await sql`TRUNCATE picture_stock_part, picture_item_part`.execute(conn);
          await insertStock(conn, 'picture_stock_part', theirs, s);
          if (regionalItems) {
            await withoutIndexScans(conn, async () => {
              await rebuildWholesaleStock(conn, s, facts.rows, 'picture_wholesale_stock_part');
              await rebuildWholesaleExpiry(conn, 'picture_wholesale_expiry_part', facts.rows);
            });
          }
        });
        const theirItems = !regionalItems
          ? theirStock
          : theirStock.then(() =>
              // Not in the exported snapshot, which predates the stock just committed. What else it
              // reads (products, demand, notices, catalogue) is as committed now: a notice or
              // catalogue change committed during this refresh can show in these regions' items
              // before the others'; its own refresh, which the maintainer queues, evens them out.
              inHelperTransaction(helper, null, async (conn) => {
                // Filled just now: without statistics the items' joins over the lots are planned
                // as if they were empty (minutes at national scale).
                await sql`ANALYZE picture_stock_expiry_part, picture_wholesale_expiry_part, picture_stock_part,
                  picture_wholesale_stock_part`.execute(conn);
                await writeAreaItems(conn, s, regionsOf(theirs), PART_TABLES);
              }),
            );
        // Settled before anything here can throw: a failure of either side fails the refresh.
        theirStock.catch(() => undefined);
        theirItems.catch(() => undefined);
        other.stock = theirStock;
        other.items = theirItems;
      }
      await insertStock(trx, 'picture_stock', mine, s);
      if (regionalItems && mine.length > 0) {
        await sql`ANALYZE picture_stock_expiry, picture_wholesale_expiry, picture_stock, picture_wholesale_stock`.execute(
          trx,
        );
        await writeAreaItems(trx, s, regionsOf(mine));
      }
      if (other.stock !== null) {
        await other.stock;
        await sql`
          INSERT INTO picture_stock (package_id, area_code, tier, reserve, total, usable, locations)
          SELECT package_id, area_code, tier, reserve, total, usable, locations FROM picture_stock_part`.execute(
          trx,
        );
        await mergeStockExpiryPart(trx);
      }
      await sql`
        INSERT INTO picture_stock (package_id, area_code, tier, reserve, total, usable, locations)
        SELECT package_id, ${NATIONAL_AREA}, tier, reserve, sum(total), sum(usable), sum(locations)
        FROM picture_stock GROUP BY package_id, tier, reserve`.execute(trx);
    });
    // The stock's indexes are built (above) and the national items written while the other
    // connection may still write its regions' items.
    if (national !== null) await national();
    if (other.items !== null) {
      await other.items;
      if (regionalItems) {
        await sql`INSERT INTO picture_item ${ITEM_COLUMNS} SELECT ${ITEM_COLUMN_LIST} FROM picture_item_part`.execute(
          trx,
        );
      }
      await sql`
        TRUNCATE picture_stock_part, picture_item_part, picture_wholesale_stock_part, picture_stock_expiry_part,
          picture_wholesale_expiry_part`.execute(trx);
    }
  } catch (error) {
    // The other connection finishes (or fails) before this transaction rolls back.
    await Promise.allSettled([other.stock, other.items]);
    throw error;
  }
}

/**
 * Stock per package in each region x tier of the locations given, into `table`. Per location first
 * (a package's batches, and its differences), then per package in each region x tier. At national
 * scale that is 10 million lines in 2,000 snapshots; measured on bench/lagesbild.ts, what makes it
 * fast:
 * - the region x tier combinations are the outer loop, so the second aggregation keeps ~15,000
 *   groups in memory at a time instead of a million and a half;
 * - a location without differences reads its lines alone, each page of its snapshot once (a bitmap
 *   scan: withoutIndexScans), and sums them per package in a small hash table (5,000 lines a location);
 * - the sums are float8 (no numeric aggregate state to allocate per package and location), stored
 *   as numeric: exact for whole quantities below 2^53, and to 15 significant digits otherwise, which
 *   is more than any quantity reported has (they arrive as JavaScript numbers).
 */
export async function insertStock(
  db: Db,
  table: 'picture_stock' | 'picture_stock_part',
  locations: readonly LocationFacts[],
  s: Settings,
): Promise<void> {
  await withoutIndexScans(db, () => insertStockLines(db, table, locations, s));
}

async function insertStockLines(
  db: Db,
  table: 'picture_stock' | 'picture_stock_part',
  locations: readonly LocationFacts[],
  s: Settings,
): Promise<void> {
  await insertStockExpiry(
    db,
    table === 'picture_stock' ? 'picture_stock_expiry' : 'picture_stock_expiry_part',
    locations,
  );
  if (locations.length === 0) return;
  // Usable here: can still be dispensed today (the items' usable stock, by expiry, is expiry.ts's).
  const cutOff = addDays(s.today, s.minShelfLifeDays);
  const rows = JSON.stringify(
    locations.map((l) => ({
      location_id: l.location_id,
      snapshot_id: l.snapshot_id,
      counted_at: l.counted_at,
      difference_report_id: l.difference_report_id,
      region_code: l.region_code,
      tier: l.tier,
    })),
  );
  // Everyday stock and reserve (src/domain/reserve.ts) summed apart: each location's lines once.
  const part = (alias: string, reserve: boolean, usableOnly: boolean) => {
    const r = reserveOfTierSql('loc.tier', `${alias}.stock_level`);
    const expiry = sql.ref(`${alias}.expiry`);
    const usable = usableOnly ? sql`AND (${expiry} IS NULL OR ${expiry} > ${cutOff}::date)` : sql``;
    return sql`coalesce(sum(${sql.ref(`${alias}.quantity`)}::float8) FILTER (WHERE ${reserve ? r : sql`NOT ${r}`} ${usable}), 0)`;
  };
  const parts = (alias: string) =>
    sql`${part(alias, false, false)}, ${part(alias, false, true)}, ${part(alias, true, false)}, ${part(alias, true, true)}`;
  await sql`
    INSERT INTO ${sql.table(table)} (package_id, area_code, tier, reserve, total, usable, locations)
    WITH loc AS (
      SELECT * FROM json_to_recordset(${rows}::json) AS x(location_id bigint, snapshot_id bigint,
        counted_at timestamptz, difference_report_id bigint, region_code text, tier text)
    ),
    combo AS (SELECT region_code, tier, array_agg(location_id) AS ids FROM loc GROUP BY region_code, tier)
    SELECT a.package_id, c.region_code, c.tier, v.reserve, v.total, v.usable, v.locations
    FROM combo c
    CROSS JOIN LATERAL (
      SELECT p.package_id, sum(p.total) AS total, sum(p.usable) AS usable,
             count(*) FILTER (WHERE p.total > 0) AS locations,
             sum(p.reserve_total) AS reserve_total, sum(p.reserve_usable) AS reserve_usable,
             count(*) FILTER (WHERE p.reserve_total > 0) AS reserve_locations
      FROM loc
      CROSS JOIN LATERAL (
        SELECT sl.package_id, ${parts('sl')}
        FROM stock_line sl
        WHERE sl.snapshot_id = loc.snapshot_id AND loc.difference_report_id = 0
        GROUP BY sl.package_id
        UNION ALL
        SELECT e.package_id, ${parts('e')}
        FROM (
          SELECT sl.package_id, sl.quantity, sl.expiry, sl.stock_level FROM stock_line sl
          WHERE sl.snapshot_id = loc.snapshot_id
          UNION ALL
          SELECT d.package_id, d.quantity, d.expiry, d.stock_level FROM stock_difference_line d
          WHERE d.location_id = loc.location_id AND (loc.counted_at IS NULL OR d.counted_at > loc.counted_at)
            AND d.report_id <= loc.difference_report_id
        ) e
        WHERE loc.difference_report_id <> 0
        GROUP BY e.package_id
      ) p (package_id, total, usable, reserve_total, reserve_usable)
      WHERE loc.location_id = ANY(c.ids)
      GROUP BY p.package_id
    ) a
    CROSS JOIN LATERAL (VALUES (false, a.total, a.usable, a.locations),
                               (true, a.reserve_total, a.reserve_usable, a.reserve_locations))
      AS v (reserve, total, usable, locations)
    WHERE v.total <> 0 OR v.usable <> 0 OR v.locations > 0`.execute(db);
}

/**
 * Replaces the contribution of `locationIds` to picture_stock: adds their current facts and subtracts
 * the facts recorded for them in picture_location_state. Returns the packages and areas touched.
 */
export async function applyStockDelta(
  trx: Tx,
  s: Settings,
  locationIds: readonly number[],
): Promise<{ packages: number[]; areas: string[] }> {
  const cutOff = addDays(s.today, s.minShelfLifeDays);
  await sql`
    CREATE TEMP TABLE picture_new_state ON COMMIT DROP AS
    SELECT l.id AS location_id, cs.id AS snapshot_id, cs.counted_at,
           coalesce((SELECT max(x.report_id) FROM stock_difference_line x WHERE x.location_id = l.id), 0)
             AS difference_report_id
    FROM location l
    LEFT JOIN LATERAL (
      SELECT ss.id, ss.counted_at FROM stock_snapshot ss WHERE ss.location_id = l.id
      ORDER BY ss.counted_at DESC, ss.id DESC LIMIT 1
    ) cs ON true
    WHERE l.id = ANY(${locationIds}::bigint[])`.execute(trx);
  await sql`ANALYZE picture_new_state`.execute(trx);
  await applyStockExpiryDelta(trx, locationIds);
  await sql`
    CREATE TEMP TABLE picture_delta ON COMMIT DROP AS
    WITH old_state AS (
      SELECT * FROM picture_location_state WHERE location_id = ANY(${locationIds}::bigint[])
    ),
    entry AS (
      SELECT 1 AS sign, st.location_id, sl.package_id, sl.quantity, sl.expiry, sl.stock_level
      FROM picture_new_state st JOIN stock_line sl ON sl.snapshot_id = st.snapshot_id
      UNION ALL
      SELECT 1, st.location_id, d.package_id, d.quantity, d.expiry, d.stock_level
      FROM picture_new_state st
      JOIN stock_difference_line d ON d.location_id = st.location_id
        AND (st.counted_at IS NULL OR d.counted_at > st.counted_at)
        AND d.report_id <= st.difference_report_id
      UNION ALL
      SELECT -1, st.location_id, sl.package_id, sl.quantity, sl.expiry, sl.stock_level
      FROM old_state st JOIN stock_line sl ON sl.snapshot_id = st.snapshot_id
      UNION ALL
      SELECT -1, st.location_id, d.package_id, d.quantity, d.expiry, d.stock_level
      FROM old_state st
      JOIN stock_difference_line d ON d.location_id = st.location_id
        AND (st.counted_at IS NULL OR d.counted_at > st.counted_at)
        AND d.report_id <= st.difference_report_id
    ),
    per_location AS (
      -- Everyday stock and reserve of each location apart (src/domain/reserve.ts).
      SELECT e.location_id, e.package_id, ${reserveSql('l.kind', 'e.stock_level')} AS reserve,
        coalesce(sum(e.quantity) FILTER (WHERE e.sign = 1), 0) AS new_total,
        coalesce(sum(e.quantity) FILTER (WHERE e.sign = -1), 0) AS old_total,
        coalesce(sum(e.quantity) FILTER (WHERE e.sign = 1 AND (e.expiry IS NULL OR e.expiry > ${cutOff}::date)), 0)
          AS new_usable,
        coalesce(sum(e.quantity) FILTER (WHERE e.sign = -1 AND (e.expiry IS NULL OR e.expiry > ${cutOff}::date)), 0)
          AS old_usable
      FROM entry e JOIN location l ON l.id = e.location_id
      GROUP BY 1, 2, 3
    )
    SELECT pl.package_id, l.region_code::text AS region_code, ${tierCaseSql('l.kind')} AS tier, pl.reserve,
           sum(pl.new_total - pl.old_total) AS total,
           sum(pl.new_usable - pl.old_usable) AS usable,
           sum((pl.new_total > 0)::int - (pl.old_total > 0)::int)::int AS locations
    FROM per_location pl JOIN location l ON l.id = pl.location_id
    GROUP BY pl.package_id, l.region_code, 3, pl.reserve`.execute(trx);
  await sql`ANALYZE picture_delta`.execute(trx);

  // Add the delta; rows left at zero everywhere (sold out, and no location holds any) go.
  const emptied = await sql<{ package_id: number; area_code: string; tier: string; reserve: boolean }>`
    WITH moved AS (
      INSERT INTO picture_stock AS ps (package_id, area_code, tier, reserve, total, usable, locations)
      SELECT package_id, region_code, tier, reserve, total, usable, locations FROM picture_delta
      UNION ALL
      SELECT package_id, ${NATIONAL_AREA}, tier, reserve, sum(total), sum(usable), sum(locations)::int
      FROM picture_delta GROUP BY package_id, tier, reserve
      ON CONFLICT (package_id, area_code, tier, reserve) DO UPDATE SET
        total = ps.total + excluded.total,
        usable = ps.usable + excluded.usable,
        locations = ps.locations + excluded.locations
      RETURNING ps.package_id, ps.area_code, ps.tier, ps.reserve, ps.total, ps.usable, ps.locations
    )
    SELECT package_id, area_code, tier, reserve FROM moved WHERE total = 0 AND usable = 0 AND locations = 0`.execute(
    trx,
  );
  if (emptied.rows.length > 0) {
    await sql`
      DELETE FROM picture_stock ps
      USING json_to_recordset(${JSON.stringify(emptied.rows)}::json)
        AS e(package_id bigint, area_code text, tier text, reserve boolean)
      WHERE ps.package_id = e.package_id AND ps.area_code = e.area_code AND ps.tier = e.tier
        AND ps.reserve = e.reserve`.execute(trx);
  }

  await sql`
    DELETE FROM picture_location_state WHERE location_id = ANY(${locationIds}::bigint[])`.execute(trx);
  await sql`
    INSERT INTO picture_location_state (location_id, snapshot_id, counted_at, difference_report_id)
    SELECT location_id, snapshot_id, counted_at, difference_report_id FROM picture_new_state
    WHERE snapshot_id IS NOT NULL OR difference_report_id > 0`.execute(trx);

  const served = await applyWholesaleDelta(trx, s, (facts, ids) =>
    applyWholesaleExpiryDelta(trx, facts, ids),
  );
  const touched = await sql<{ package_id: number }>`
    SELECT DISTINCT package_id FROM picture_delta`.execute(trx);
  const areas = await sql<{ region_code: string }>`
    SELECT DISTINCT l.region_code::text AS region_code FROM location l
    WHERE l.id = ANY(${locationIds}::bigint[])`.execute(trx);
  await sql`DROP TABLE picture_new_state`.execute(trx);
  return {
    packages: touched.rows.map((r) => r.package_id),
    areas: [NATIONAL_AREA, ...unique([...areas.rows.map((r) => r.region_code), ...served])],
  };
}
