import { sql, type RawBuilder } from 'kysely';
import { NATIONAL_AREA } from '../../domain/access.js';
import type { Db, Tx } from '../database.js';
import { type Settings } from './settings.js';
import { textIn, tierCaseSql, withoutIndexes } from './sql.js';
import type { LocationFacts } from './stock.js';

/**
 * Usable stock by shelf life (docs/lagesbild.md, "Usable stock"): the stock's lots per package x
 * region x supply tier x expiry (picture_stock_expiry, 0007_usable_stock.sql), kept beside
 * picture_stock by the same three paths (a rebuild, its second connection, a location's delta), and
 * the SQL twin of the domain's usableBeforeExpiry over them. An item's usable stock is what its lots
 * supply first-expiry-first-out at its demand, so it is computed where items are written, from these
 * lots and the item's demand.
 */

/** What the rows of a location give: its snapshot's lines and its differences counted after it. */
const LOCATION_ENTRIES = (loc: string) => sql`
  SELECT sl.package_id, sl.expiry, sl.quantity FROM stock_line sl WHERE sl.snapshot_id = ${sql.ref(`${loc}.snapshot_id`)}
  UNION ALL
  SELECT d.package_id, d.expiry, d.quantity FROM stock_difference_line d
  WHERE d.location_id = ${sql.ref(`${loc}.location_id`)}
    AND (${sql.ref(`${loc}.counted_at`)} IS NULL OR d.counted_at > ${sql.ref(`${loc}.counted_at`)})
    AND d.report_id <= ${sql.ref(`${loc}.difference_report_id`)}`;

/**
 * A location's lots: its entries netted per package and expiry, a lot netted below zero (a difference
 * report that took more than the count held) counting as none. Clamped here, per location, the lots
 * of an area are the plain sum of its locations': a shortfall at one location takes nothing from
 * another's lot.
 */
const LOCATION_LOTS = (loc: string) => sql`
  SELECT x.package_id, coalesce(x.expiry, 'infinity'::date) AS expiry, greatest(sum(x.quantity::float8), 0) AS quantity
  FROM (${LOCATION_ENTRIES(loc)}) x
  GROUP BY x.package_id, coalesce(x.expiry, 'infinity'::date)`;

/**
 * Replaces `table` with the lots of `locations` (the facts recorded for them in
 * picture_location_state): per package x region x tier x expiry, summed over the locations. Called
 * by insertStock for each side of a rebuild (the second connection's into the part table, which
 * {@link mergeStockExpiryPart} adds).
 */
export async function insertStockExpiry(
  db: Db,
  table: LotTable,
  locations: readonly LocationFacts[],
): Promise<void> {
  await sql`TRUNCATE ${sql.table(table)}`.execute(db);
  if (locations.length === 0) return;
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
  // Region x tier as the outer loop, as insertStock does: few groups in memory at a time. The key and
  // index are built after the load (one sort instead of an insert per row: half the time, measured).
  await withoutIndexes(db, table, true, async () => {
    await sql`
    INSERT INTO ${sql.table(table)} (package_id, area_code, tier, expiry, quantity)
    WITH loc AS (
      SELECT * FROM json_to_recordset(${rows}::json) AS x(location_id bigint, snapshot_id bigint,
        counted_at timestamptz, difference_report_id bigint, region_code text, tier text)
    ),
    combo AS (SELECT region_code, tier, array_agg(location_id) AS ids FROM loc GROUP BY region_code, tier)
    SELECT a.package_id, c.region_code, c.tier, a.expiry, a.quantity
    FROM combo c
    CROSS JOIN LATERAL (
      SELECT e.package_id, e.expiry, sum(e.quantity) AS quantity
      FROM (
        -- Counted lines are never below zero: a location without differences needs no netting.
        SELECT sl.package_id, coalesce(sl.expiry, 'infinity'::date) AS expiry, sl.quantity::float8 AS quantity
        FROM loc JOIN stock_line sl ON sl.snapshot_id = loc.snapshot_id
        WHERE loc.location_id = ANY(c.ids) AND loc.difference_report_id = 0
        UNION ALL
        SELECT x.package_id, x.expiry, x.quantity
        FROM loc CROSS JOIN LATERAL (${LOCATION_LOTS('loc')}) x
        WHERE loc.location_id = ANY(c.ids) AND loc.difference_report_id <> 0
      ) e
      GROUP BY e.package_id, e.expiry
      HAVING sum(e.quantity) > 0
    ) a`.execute(db);
  });
}

/**
 * Adds the second connection's lots (picture_stock_expiry_part). The part table is emptied with the
 * other part tables at the end of the rebuild: the second connection still reads it while it writes
 * its regions' items (a TRUNCATE here would lock it out, and this transaction waits for it).
 */
export async function mergeStockExpiryPart(trx: Tx): Promise<void> {
  await withoutIndexes(trx, 'picture_stock_expiry', true, async () => {
    await sql`
      INSERT INTO picture_stock_expiry (package_id, area_code, tier, expiry, quantity)
      SELECT package_id, area_code, tier, expiry, quantity FROM picture_stock_expiry_part`.execute(trx);
  });
}

/**
 * Replaces the lots of `locationIds`: adds their current facts (picture_new_state, made by
 * applyStockDelta) and subtracts the facts recorded for them in picture_location_state, so it must
 * run before applyStockDelta records the new state. Leaves the non-zero changes in the temporary
 * table picture_expiry_delta (package_id, region_code), which applyStockToItems reads: an item whose
 * lots changed is recomputed even when its total did not (a lot replaced by a later one).
 */
export async function applyStockExpiryDelta(trx: Tx, locationIds: readonly number[]): Promise<void> {
  await sql`DROP TABLE IF EXISTS picture_expiry_delta`.execute(trx);
  await sql`
    CREATE TEMP TABLE picture_expiry_delta ON COMMIT DROP AS
    WITH old_state AS (
      SELECT * FROM picture_location_state WHERE location_id = ANY(${locationIds}::bigint[])
    ),
    entry AS (
      SELECT st.location_id, e.package_id, e.expiry, e.quantity
      FROM picture_new_state st CROSS JOIN LATERAL (${LOCATION_LOTS('st')}) e
      UNION ALL
      SELECT st.location_id, e.package_id, e.expiry, -e.quantity
      FROM old_state st CROSS JOIN LATERAL (${LOCATION_LOTS('st')}) e
    )
    SELECT x.package_id, l.region_code::text AS region_code, ${tierCaseSql('l.kind')} AS tier, x.expiry,
           sum(x.quantity) AS quantity
    FROM entry x JOIN location l ON l.id = x.location_id
    GROUP BY 1, 2, 3, 4
    HAVING sum(x.quantity) <> 0`.execute(trx);
  const emptied = await sql<{ package_id: number; area_code: string; tier: string; expiry: string }>`
    WITH moved AS (
      INSERT INTO picture_stock_expiry AS pe (package_id, area_code, tier, expiry, quantity)
      SELECT package_id, region_code, tier, expiry, quantity FROM picture_expiry_delta
      ON CONFLICT (package_id, area_code, tier, expiry) DO UPDATE SET quantity = pe.quantity + excluded.quantity
      RETURNING pe.package_id, pe.area_code, pe.tier, pe.expiry, pe.quantity
    )
    SELECT package_id, area_code, tier, expiry::text AS expiry FROM moved WHERE quantity <= 0`.execute(trx);
  if (emptied.rows.length > 0) {
    await sql`
      DELETE FROM picture_stock_expiry pe
      USING json_to_recordset(${JSON.stringify(emptied.rows)}::json)
        AS e(package_id bigint, area_code text, tier text, expiry date)
      WHERE pe.package_id = e.package_id AND pe.area_code = e.area_code AND pe.tier = e.tier
        AND pe.expiry = e.expiry`.execute(trx);
  }
}

/**
 * Whether the lots of `packageId` in `area` (a region, or the nation: any region) changed in this
 * refresh's delta (picture_expiry_delta).
 */
export function lotsChanged(packageId: RawBuilder<unknown>, area: RawBuilder<unknown>): RawBuilder<boolean> {
  return sql<boolean>`EXISTS (
    SELECT 1 FROM picture_expiry_delta x
    WHERE x.package_id = ${packageId} AND (${area} = ${NATIONAL_AREA} OR x.region_code = ${area}))`;
}

/** An index range over area_code: the region itself, or every region for the nation. */
function areaRange(column: string, area: RawBuilder<unknown>): RawBuilder<boolean> {
  const c = sql.ref(column);
  return sql<boolean>`${c} >= (CASE WHEN ${area} = ${NATIONAL_AREA} THEN '' ELSE ${area} END)
    AND ${c} <= (CASE WHEN ${area} = ${NATIONAL_AREA} THEN '~' ELSE ${area} END)`;
}

export type LotTable = 'picture_stock_expiry' | 'picture_stock_expiry_part';

/** An item's lots (expiry, quantity) as a subquery; with `before`, only those expiring before it. */
export type LotQuery = (before?: RawBuilder<unknown>) => RawBuilder<unknown>;

/** The lots (expiry, quantity in packages) of a package in an area, or in one tier of it. */
export function packageLots(
  packageId: RawBuilder<unknown>,
  area: RawBuilder<unknown>,
  table: LotTable = 'picture_stock_expiry',
  tier?: RawBuilder<unknown>,
): LotQuery {
  return (before) => sql`
    SELECT e.expiry, sum(e.quantity) AS quantity FROM ${sql.table(table)} e
    WHERE e.package_id = ${packageId} AND ${areaRange('e.area_code', area)}
      AND ${tier === undefined ? sql`true` : sql`e.tier = ${tier}`}
      AND ${before === undefined ? sql`true` : sql`e.expiry < ${before}`}
    GROUP BY e.expiry`;
}

/** The lots (expiry, quantity in units: pack size x packages) of a group's members in an area. */
export function groupLots(
  groupKey: RawBuilder<unknown>,
  area: RawBuilder<unknown>,
  table: LotTable = 'picture_stock_expiry',
  tier?: RawBuilder<unknown>,
): LotQuery {
  return (before) => sql`
    SELECT e.expiry, sum(e.quantity * m.pack_size) AS quantity
    FROM picture_product m JOIN ${sql.table(table)} e ON e.package_id = m.package_id
    WHERE m.group_key = ${groupKey} AND ${areaRange('e.area_code', area)}
      AND ${tier === undefined ? sql`true` : sql`e.tier = ${tier}`}
      AND ${before === undefined ? sql`true` : sql`e.expiry < ${before}`}
    GROUP BY e.expiry`;
}

/** What an item's lots add up to: all of them, the first expiry, and what can still be dispensed. */
export interface LotSummary {
  /** Sum of the lots (all above 0), null when there are none. */
  stock: RawBuilder<unknown>;
  /** The earliest expiry ('infinity': none expires). */
  first: RawBuilder<unknown>;
  /** The lots that can still be dispensed today (expiry - m after today). */
  dispensable: RawBuilder<unknown>;
}

/**
 * The SQL twin of usableBeforeExpiry(lots, perDay, today, minShelfLifeDays), from the item's lot
 * summary, reading lots only where some can be cut. A lot whose dispensing days reach past
 * stock / demand is used whole whatever comes before it (at most all the stock is drawn by then),
 * and so is every later lot: when the first expiry is that far, usable = stock. Otherwise only the
 * lots expiring before that day go through picture_usable_before_expiry, in expiry order, and the
 * later ones are added whole. With no demand: every lot that can still be dispensed.
 */
export function usableFromSummary(
  s: Pick<Settings, 'today' | 'minShelfLifeDays'>,
  summary: LotSummary,
  lots: LotQuery,
  perDay: RawBuilder<unknown>,
): RawBuilder<number> {
  const today = sql`${s.today}::date`;
  const m = sql`${s.minShelfLifeDays}::int`;
  // Lots expiring before this day can be cut: days until expiry - m < stock / demand.
  const before = sql`(${today} + ${m} + least(ceil(${summary.stock} / nullif(${perDay}, 0)), 3650000)::int)`;
  return sql<number>`CASE
    WHEN ${summary.stock} IS NULL THEN 0
    WHEN ${perDay} <= 0 THEN ${summary.dispensable}
    WHEN ${summary.first} >= ${before} THEN ${summary.stock}
    ELSE (
      SELECT coalesce(picture_usable_before_expiry(l.quantity, l.expiry, ${perDay}::numeric, ${today}, ${m}
                        ORDER BY l.expiry), 0)
             + ${summary.stock} - coalesce(sum(l.quantity), 0)
      FROM (${lots(before)}) l)
    END`;
}

/** {@link usableFromSummary} of one item's lots, summarised on the spot (for few items at a time). */
export function usableOf(
  s: Pick<Settings, 'today' | 'minShelfLifeDays'>,
  lots: LotQuery,
  perDay: RawBuilder<unknown>,
): RawBuilder<number> {
  const summary = {
    stock: sql`t.stock`,
    first: sql`t.first`,
    dispensable: sql`t.dispensable`,
  };
  return sql<number>`(
    SELECT ${usableFromSummary(s, summary, lots, perDay)}
    FROM (${lotSummaryOf(s, lots())}) t)`;
}

/** The {@link LotSummary} columns (stock, first, dispensable) of a lots subquery `x`. */
function lotSummaryOf(
  s: Pick<Settings, 'today' | 'minShelfLifeDays'>,
  lots: RawBuilder<unknown>,
): RawBuilder<unknown> {
  return sql`
    SELECT sum(x.quantity) AS stock, min(x.expiry) AS first,
           coalesce(sum(x.quantity) FILTER (WHERE x.expiry > ${s.today}::date + ${s.minShelfLifeDays}::int), 0)
             AS dispensable
    FROM (${lots}) x`;
}

/**
 * The lot summaries of many packages at once (set-based, for writing items): per package and region
 * of `areas` (null: all), and nationally (every region) when the nation is among them.
 */
export function packageLotSummaries(
  s: Pick<Settings, 'today' | 'minShelfLifeDays'>,
  table: LotTable,
  packages: RawBuilder<boolean>,
  areas: readonly string[] | null,
): RawBuilder<unknown> {
  const national = areas === null || areas.includes(NATIONAL_AREA);
  // One pass over the lots: the regions' summaries, and the nation's from them.
  return sql`
    WITH r AS (
      SELECT e.package_id, e.area_code, sum(e.quantity) AS stock, min(e.expiry) AS first,
             coalesce(sum(e.quantity) FILTER (WHERE e.expiry > ${s.today}::date + ${s.minShelfLifeDays}::int), 0)
               AS dispensable
      FROM ${sql.table(table)} e
      WHERE ${packages} AND (${national} OR ${textIn('e.area_code', areas)})
      GROUP BY e.package_id, e.area_code
    )
    SELECT package_id, area_code, stock, first, dispensable FROM r WHERE ${textIn('area_code', areas)}
    UNION ALL
    SELECT package_id, ${NATIONAL_AREA}, sum(stock), min(first), sum(dispensable) FROM r
    WHERE ${national}
    GROUP BY package_id`;
}
