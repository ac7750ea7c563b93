import { sql, type RawBuilder } from 'kysely';
import { NATIONAL_AREA } from '../../domain/access.js';
import { FIRST_RESERVE_LEVEL } from '../../domain/reserve.js';
import { SHARE_DECIMALS } from '../../domain/service-area.js';
import type { SupplyTier } from '../../domain/supply-tier.js';
import type { Db, Tx } from '../database.js';
import { reserveOfTierSql, reserveSql } from './reserve.js';
import { type Settings } from './settings.js';
import { idIn, textIn, tierCaseSql, withoutIndexes } from './sql.js';
import type { LocationFacts } from './stock.js';
import { serviceFractionsSql } from './wholesale.js';

/**
 * Usable stock by shelf life (docs/lagesbild.md, "Usable stock"): the stock's lots per package x
 * region x supply tier x everyday/reserve x expiry (picture_stock_expiry, 0015_usable_stock.sql), and
 * the warehouses' everyday lots per service area (picture_wholesale_expiry), kept beside picture_stock
 * and picture_wholesale_stock by the same three paths (a rebuild, its second connection, a location's
 * delta), and the SQL twin of the domain's usableBeforeExpiry over them. An item's usable stock is
 * what its lots supply first-expiry-first-out at its demand, so it is computed where items are
 * written, from these lots and the item's demand. An item's lots are everyday lots only (the reserve
 * is kept apart, src/domain/reserve.ts): nationally all of them; in a region those held there but at
 * warehouses, plus its share of each lot of the warehouses serving it (by the same fractions as its
 * share of their stock, wholesale.ts), rounded like the shares to SHARE_DECIMALS.
 */

/**
 * What the rows of a location give: its snapshot's lines and its differences counted after it, with
 * their stock level.
 */
const LOCATION_ENTRIES = (loc: string) => sql`
  SELECT sl.package_id, sl.expiry, sl.quantity, sl.stock_level FROM stock_line sl
  WHERE sl.snapshot_id = ${sql.ref(`${loc}.snapshot_id`)}
  UNION ALL
  SELECT d.package_id, d.expiry, d.quantity, d.stock_level FROM stock_difference_line d
  WHERE d.location_id = ${sql.ref(`${loc}.location_id`)}
    AND (${sql.ref(`${loc}.counted_at`)} IS NULL OR d.counted_at > ${sql.ref(`${loc}.counted_at`)})
    AND d.report_id <= ${sql.ref(`${loc}.difference_report_id`)}`;

/**
 * A location's lots: its entries netted per package, everyday or reserve (`reserve`, a condition on
 * the entry `x`), and expiry, a lot netted below zero (a difference report that took more than the
 * count held) counting as none. Clamped here, per location, the lots of an area are the plain sum of
 * its locations': a shortfall at one location takes nothing from another's lot.
 */
const LOCATION_LOTS = (loc: string, reserve: RawBuilder<boolean>) => sql`
  SELECT x.package_id, ${reserve} AS reserve, coalesce(x.expiry, 'infinity'::date) AS expiry,
         greatest(sum(x.quantity::float8), 0) AS quantity
  FROM (${LOCATION_ENTRIES(loc)}) x
  GROUP BY x.package_id, 2, coalesce(x.expiry, 'infinity'::date)`;

/**
 * Replaces `table` with the lots of `locations` (the facts recorded for them in
 * picture_location_state): per package x region x tier x everyday/reserve x expiry, summed over the
 * locations. Called by insertStock for each side of a rebuild (the second connection's into the part
 * table, which {@link mergeStockExpiryPart} adds).
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
    INSERT INTO ${sql.table(table)} (package_id, area_code, tier, reserve, expiry, quantity)
    WITH loc AS (
      SELECT * FROM json_to_recordset(${rows}::json) AS x(location_id bigint, snapshot_id bigint,
        counted_at timestamptz, difference_report_id bigint, region_code text, tier text)
    ),
    combo AS (SELECT region_code, tier, array_agg(location_id) AS ids FROM loc GROUP BY region_code, tier)
    SELECT a.package_id, c.region_code, c.tier, a.reserve, a.expiry, a.quantity
    FROM combo c
    CROSS JOIN LATERAL (
      SELECT e.package_id, e.reserve, e.expiry, sum(e.quantity) AS quantity
      FROM (
        -- Counted lines are never below zero: a location without differences needs no netting.
        SELECT sl.package_id, ${reserveOfTierSql('loc.tier', 'sl.stock_level')} AS reserve,
               coalesce(sl.expiry, 'infinity'::date) AS expiry, sl.quantity::float8 AS quantity
        FROM loc JOIN stock_line sl ON sl.snapshot_id = loc.snapshot_id
        WHERE loc.location_id = ANY(c.ids) AND loc.difference_report_id = 0
        UNION ALL
        SELECT x.package_id, x.reserve, x.expiry, x.quantity
        FROM loc CROSS JOIN LATERAL (${LOCATION_LOTS('loc', reserveOfTierSql('loc.tier', 'x.stock_level'))}) x
        WHERE loc.location_id = ANY(c.ids) AND loc.difference_report_id <> 0
      ) e
      GROUP BY e.package_id, e.reserve, e.expiry
      HAVING sum(e.quantity) > 0
    ) a
    -- Written in package order, so that a package's lots stand on a few pages: an incremental refresh,
    -- a product page and a "where is it" read them package by package (in load order, one package's
    -- ~330 lots at national scale stood on ~330 pages, read at random: 25 s of one pharmacy's report).
    ORDER BY a.package_id`.execute(db);
  });
}

/**
 * The everyday lots of the warehouses among `facts` per package, service area and expiry, into
 * `table` (for the packages named, or all), each warehouse's lots netted apart as above.
 */
export async function insertWholesaleExpiry(
  db: Db,
  table: WholesaleLotTable,
  facts: readonly LocationFacts[],
  packages: readonly number[] | null,
): Promise<void> {
  const warehouses = facts.filter((f) => f.tier === 'wholesale');
  if (warehouses.length === 0) return;
  const rows = JSON.stringify(
    warehouses.map((l) => ({
      location_id: l.location_id,
      snapshot_id: l.snapshot_id,
      counted_at: l.counted_at,
      difference_report_id: l.difference_report_id,
    })),
  );
  await sql`
    INSERT INTO ${sql.table(table)} (package_id, area_key, expiry, quantity)
    WITH loc AS (
      SELECT x.*, k.area_key
      FROM json_to_recordset(${rows}::json) AS x(location_id bigint, snapshot_id bigint,
        counted_at timestamptz, difference_report_id bigint)
      JOIN warehouse_service_area k ON k.location_id = x.location_id
    )
    SELECT e.package_id, loc.area_key, e.expiry, sum(e.quantity)
    FROM loc CROSS JOIN LATERAL (${LOCATION_LOTS('loc', sql<boolean>`(x.stock_level >= ${sql.lit(FIRST_RESERVE_LEVEL)})`)}) e
    WHERE ${idIn('e.package_id', packages)} AND NOT e.reserve AND e.quantity > 0
    GROUP BY e.package_id, loc.area_key, e.expiry
    ORDER BY e.package_id`.execute(db);
}

/** Rebuilds `table` from the warehouses among `facts` (a full or stock rebuild). */
export async function rebuildWholesaleExpiry(
  db: Db,
  table: WholesaleLotTable,
  facts: readonly LocationFacts[],
): Promise<void> {
  await sql`TRUNCATE ${sql.table(table)}`.execute(db);
  await withoutIndexes(db, table, true, () => insertWholesaleExpiry(db, table, facts, null));
}

/**
 * Adds the second connection's lots (picture_stock_expiry_part). The part table is emptied with the
 * other part tables at the end of the rebuild: the second connection still reads it while it writes
 * its regions' items (a TRUNCATE here would lock it out, and this transaction waits for it).
 */
export async function mergeStockExpiryPart(trx: Tx): Promise<void> {
  await withoutIndexes(trx, 'picture_stock_expiry', true, async () => {
    await sql`
      INSERT INTO picture_stock_expiry (package_id, area_code, tier, reserve, expiry, quantity)
      SELECT package_id, area_code, tier, reserve, expiry, quantity FROM picture_stock_expiry_part`.execute(
      trx,
    );
  });
}

/**
 * Replaces the lots of `locationIds`: adds their current facts (picture_new_state, made by
 * applyStockDelta) and subtracts the facts recorded for them in picture_location_state, so it must
 * run before applyStockDelta records the new state. Leaves the non-zero changes in the temporary
 * table picture_expiry_delta (package_id, region_code, tier, reserve), which applyStockToItems reads:
 * an item whose lots changed is recomputed even when its total did not (a lot replaced by a later one).
 */
export async function applyStockExpiryDelta(trx: Tx, locationIds: readonly number[]): Promise<void> {
  await sql`DROP TABLE IF EXISTS picture_expiry_delta`.execute(trx);
  const reserve = reserveSql('l.kind', 'x.stock_level');
  await sql`
    CREATE TEMP TABLE picture_expiry_delta ON COMMIT DROP AS
    WITH old_state AS (
      SELECT * FROM picture_location_state WHERE location_id = ANY(${locationIds}::bigint[])
    ),
    entry AS (
      SELECT st.location_id, e.package_id, e.reserve, e.expiry, e.quantity
      FROM picture_new_state st JOIN location l ON l.id = st.location_id
      CROSS JOIN LATERAL (${LOCATION_LOTS('st', reserve)}) e
      UNION ALL
      SELECT st.location_id, e.package_id, e.reserve, e.expiry, -e.quantity
      FROM old_state st JOIN location l ON l.id = st.location_id
      CROSS JOIN LATERAL (${LOCATION_LOTS('st', reserve)}) e
    )
    SELECT x.package_id, l.region_code::text AS region_code, ${tierCaseSql('l.kind')} AS tier, x.reserve,
           x.expiry, sum(x.quantity) AS quantity
    FROM entry x JOIN location l ON l.id = x.location_id
    GROUP BY 1, 2, 3, 4, 5
    HAVING sum(x.quantity) <> 0`.execute(trx);
  const emptied = await sql<{
    package_id: number;
    area_code: string;
    tier: string;
    reserve: boolean;
    expiry: string;
  }>`
    WITH moved AS (
      INSERT INTO picture_stock_expiry AS pe (package_id, area_code, tier, reserve, expiry, quantity)
      SELECT package_id, region_code, tier, reserve, expiry, quantity FROM picture_expiry_delta
      ON CONFLICT (package_id, area_code, tier, reserve, expiry)
        DO UPDATE SET quantity = pe.quantity + excluded.quantity
      RETURNING pe.package_id, pe.area_code, pe.tier, pe.reserve, pe.expiry, pe.quantity
    )
    SELECT package_id, area_code, tier, reserve, expiry::text AS expiry FROM moved WHERE quantity <= 0`.execute(
    trx,
  );
  if (emptied.rows.length > 0) {
    await sql`
      DELETE FROM picture_stock_expiry pe
      USING json_to_recordset(${JSON.stringify(emptied.rows)}::json)
        AS e(package_id bigint, area_code text, tier text, reserve boolean, expiry date)
      WHERE pe.package_id = e.package_id AND pe.area_code = e.area_code AND pe.tier = e.tier
        AND pe.reserve = e.reserve AND pe.expiry = e.expiry`.execute(trx);
  }
}

/**
 * After applyStockExpiryDelta and with picture_location_state current: the warehouses' everyday lots
 * of `packages` (those whose wholesale stock was reported) summed again per service area. Returns the
 * packages whose lots there changed (each region served then reads its share of them again).
 */
export async function applyWholesaleExpiryDelta(
  trx: Tx,
  facts: readonly LocationFacts[],
  packages: readonly number[],
): Promise<number[]> {
  await sql`
    CREATE TEMP TABLE picture_wholesale_expiry_old ON COMMIT DROP AS
    SELECT * FROM picture_wholesale_expiry WHERE package_id = ANY(${packages}::bigint[])`.execute(trx);
  await sql`DELETE FROM picture_wholesale_expiry WHERE package_id = ANY(${packages}::bigint[])`.execute(trx);
  await insertWholesaleExpiry(trx, 'picture_wholesale_expiry', facts, packages);
  const changed = await sql<{ package_id: number }>`
    SELECT DISTINCT coalesce(n.package_id, o.package_id) AS package_id
    FROM (SELECT * FROM picture_wholesale_expiry WHERE package_id = ANY(${packages}::bigint[])) n
    FULL JOIN picture_wholesale_expiry_old o
      ON o.package_id = n.package_id AND o.area_key = n.area_key AND o.expiry = n.expiry
    WHERE n.quantity IS DISTINCT FROM o.quantity`.execute(trx);
  await sql`DROP TABLE picture_wholesale_expiry_old`.execute(trx);
  const ids = changed.rows.map((r) => Number(r.package_id));
  await sql`
    INSERT INTO picture_wholesale_expiry_delta (package_id)
    SELECT x FROM unnest(${ids}::bigint[]) AS x`.execute(trx);
  return ids;
}

/**
 * Whether the lots of `packageId` in `area` (a region, or the nation: any region) changed in this
 * refresh's delta: its own (picture_expiry_delta), or, in a region, those of the warehouses
 * (picture_wholesale_expiry_delta; the region may be served by them).
 */
export function lotsChanged(packageId: RawBuilder<unknown>, area: RawBuilder<unknown>): RawBuilder<boolean> {
  return sql<boolean>`(EXISTS (
    SELECT 1 FROM picture_expiry_delta x
    WHERE x.package_id = ${packageId} AND NOT x.reserve AND (${area} = ${NATIONAL_AREA} OR x.region_code = ${area}))
    OR (${area} <> ${NATIONAL_AREA}
        AND EXISTS (SELECT 1 FROM picture_wholesale_expiry_delta w WHERE w.package_id = ${packageId})))`;
}

/** An index range over area_code: the region itself, or every region for the nation. */
function areaRange(column: string, area: RawBuilder<unknown>): RawBuilder<boolean> {
  const c = sql.ref(column);
  return sql<boolean>`${c} >= (CASE WHEN ${area} = ${NATIONAL_AREA} THEN '' ELSE ${area} END)
    AND ${c} <= (CASE WHEN ${area} = ${NATIONAL_AREA} THEN '~' ELSE ${area} END)`;
}

export type LotTable = 'picture_stock_expiry' | 'picture_stock_expiry_part';
export type WholesaleLotTable = 'picture_wholesale_expiry' | 'picture_wholesale_expiry_part';

/** Where lots are read: the picture's tables, or a helper's part tables. */
export interface LotTables {
  lots: LotTable;
  wholesaleLots: WholesaleLotTable;
}
export const OWN_LOTS: LotTables = {
  lots: 'picture_stock_expiry',
  wholesaleLots: 'picture_wholesale_expiry',
};

/** An item's lots (expiry, quantity) as a subquery; with `before`, only those expiring before it. */
export type LotQuery = (before?: RawBuilder<unknown>) => RawBuilder<unknown>;

/**
 * Which lots: an item's (undefined: everyday lots; in a region its share of the warehouses' serving
 * it in place of those standing in it), or those a tier holds in the area (the tier
 * `preparedness` stands for the whole reserve, as on the product page's tier rows).
 */
function lotCondition(alias: string, tier: SupplyTier | undefined, area: RawBuilder<unknown>) {
  const t = sql.ref(`${alias}.tier`);
  const r = sql.ref(`${alias}.reserve`);
  if (tier === undefined)
    return sql<boolean>`NOT ${r} AND (${area} = ${NATIONAL_AREA} OR ${t} <> 'wholesale')`;
  if (tier === 'preparedness') return sql<boolean>`${r}`;
  return sql<boolean>`${t} = ${tier} AND NOT ${r}`;
}

/**
 * A region's share of a warehouse area's lot: quantity x fraction, in numeric, which multiplies and
 * adds exactly, so the shares of an area's lots add up to the share of their sum and an item's lot
 * summary can be taken from the area's (lotSummaryCtes) without a row per lot and region. Not rounded
 * (the shares of stock totals are, wholesale.ts: they are added and subtracted as reports arrive);
 * `rounded` for the product page's share line, which lists them beside the rounded totals.
 */
const shareOf = (quantity: RawBuilder<unknown>, rounded = false) =>
  rounded ? sql`round(${quantity} * f.fraction, ${SHARE_DECIMALS}::int)` : sql`(${quantity} * f.fraction)`;

/**
 * The region's share lots of a package `(expiry, quantity)`, for an item's lots in a region (empty
 * for the nation, and for a tier's lots). `w` the wholesale lots, `f` the region's fraction.
 */
function shareLots(
  packageId: RawBuilder<unknown>,
  area: RawBuilder<unknown>,
  tables: LotTables,
  tier: SupplyTier | undefined,
  factor: RawBuilder<unknown>,
  rounded = false,
): RawBuilder<unknown> {
  if (tier !== undefined) return sql`SELECT NULL::date AS expiry, NULL::numeric AS quantity WHERE false`;
  return sql`
    SELECT w.expiry, ${shareOf(sql`w.quantity::numeric`, rounded)} * ${factor} AS quantity
    FROM ${sql.table(tables.wholesaleLots)} w
    JOIN (${serviceFractionsSql(sql`
      SELECT DISTINCT x.package_id, x.area_key FROM ${sql.table(tables.wholesaleLots)} x
      WHERE x.package_id = ${packageId}`)}) f
      ON f.package_id = w.package_id AND f.area_key = w.area_key AND f.region_code = ${area}
    WHERE ${area} <> ${NATIONAL_AREA} AND w.package_id = ${packageId} AND f.fraction > 0`;
}

/** A region's share lots `(expiry, quantity)` of a package, by expiry (the product page's line). */
export function regionShareLots(
  packageId: RawBuilder<unknown>,
  region: RawBuilder<unknown>,
): RawBuilder<unknown> {
  return sql`
    SELECT y.expiry, sum(y.quantity) AS quantity
    FROM (${shareLots(packageId, region, OWN_LOTS, undefined, sql`1`, true)}) y
    GROUP BY y.expiry`;
}

/** The lots (expiry, quantity in packages) of a package in an area, or of one tier of it. */
export function packageLots(
  packageId: RawBuilder<unknown>,
  area: RawBuilder<unknown>,
  tables: LotTables = OWN_LOTS,
  tier?: SupplyTier,
): LotQuery {
  return (before) => sql`
    SELECT y.expiry, sum(y.quantity) AS quantity FROM (
      SELECT e.expiry, e.quantity FROM ${sql.table(tables.lots)} e
      WHERE e.package_id = ${packageId} AND ${areaRange('e.area_code', area)} AND ${lotCondition('e', tier, area)}
      UNION ALL
      ${shareLots(packageId, area, tables, tier, sql`1`)}
    ) y
    WHERE ${before === undefined ? sql`true` : sql`y.expiry < ${before}`}
    GROUP BY y.expiry`;
}

/** The lots (expiry, quantity in units: pack size x packages) of a group's members in an area. */
export function groupLots(
  groupKey: RawBuilder<unknown>,
  area: RawBuilder<unknown>,
  tables: LotTables = OWN_LOTS,
  tier?: SupplyTier,
): LotQuery {
  return (before) => sql`
    SELECT y.expiry, sum(y.quantity) AS quantity FROM (
      SELECT e.expiry, e.quantity * m.pack_size AS quantity
      FROM picture_product m JOIN ${sql.table(tables.lots)} e ON e.package_id = m.package_id
      WHERE m.group_key = ${groupKey} AND ${areaRange('e.area_code', area)} AND ${lotCondition('e', tier, area)}
      UNION ALL
      SELECT s.expiry, s.quantity FROM picture_product m
      CROSS JOIN LATERAL (${shareLots(sql`m.package_id`, area, tables, tier, sql`m.pack_size`)}) s
      WHERE m.group_key = ${groupKey}
    ) y
    WHERE ${before === undefined ? sql`true` : sql`y.expiry < ${before}`}
    GROUP BY y.expiry`;
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
 * The day before which an item's lots can be cut: a lot expiring on or after it has dispensing days
 * (days until expiry - m) reaching past stock / demand, so it is used whole whatever comes before it
 * (at most all the stock is drawn by then), and so is every later lot.
 */
export function cutBeforeSql(
  s: Pick<Settings, 'today' | 'minShelfLifeDays'>,
  stock: RawBuilder<unknown>,
  perDay: RawBuilder<unknown>,
): RawBuilder<unknown> {
  return sql`(${s.today}::date + ${s.minShelfLifeDays}::int
    + least(ceil(${stock} / nullif(${perDay}, 0)), 3650000)::int)`;
}

/**
 * The SQL twin of usableBeforeExpiry(lots, perDay, today, minShelfLifeDays), from the item's lot
 * summary and what its lots expiring before {@link cutBeforeSql} give: `cut`, their usable stock
 * first-expiry-first-out plus the later lots whole. When the first expiry is that far, usable =
 * stock; with no demand, every lot that can still be dispensed.
 */
function usableCase(
  summary: LotSummary,
  perDay: RawBuilder<unknown>,
  before: RawBuilder<unknown>,
  cut: RawBuilder<unknown>,
): RawBuilder<number> {
  return sql<number>`CASE
    WHEN ${summary.stock} IS NULL THEN 0
    WHEN ${perDay} <= 0 THEN ${summary.dispensable}
    WHEN ${summary.first} >= ${before} THEN ${summary.stock}
    ELSE ${cut}
    END`;
}

/**
 * {@link usableCase} reading the item's lots where some can be cut (a correlated subquery: for a few
 * items at a time; many items at once use {@link cutLotsSql}): only the lots expiring before the cut
 * day go through picture_usable_before_expiry, in expiry order, and the later ones are added whole.
 */
export function usableFromSummary(
  s: Pick<Settings, 'today' | 'minShelfLifeDays'>,
  summary: LotSummary,
  lots: LotQuery,
  perDay: RawBuilder<unknown>,
): RawBuilder<number> {
  const today = sql`${s.today}::date`;
  const m = sql`${s.minShelfLifeDays}::int`;
  const before = cutBeforeSql(s, summary.stock, perDay);
  return usableCase(
    summary,
    perDay,
    before,
    sql`(
      SELECT coalesce(picture_usable_before_expiry(l.quantity, l.expiry, ${perDay}::numeric, ${today}, ${m}
                        ORDER BY l.expiry), 0)
             + ${summary.stock} - coalesce(sum(l.quantity), 0)
      FROM (${lots(before)}) l)`,
  );
}

/**
 * What the cut lots of many items give at once (set-based, for writing items): per item of `cutRows`
 * (rows `key, area_code, expiry, quantity, per_day` of its lots expiring before its cut day, from
 * {@link cutRowsSql}), `usable` (what they supply first-expiry-first-out at per_day) and `quantity`
 * (their sum). In closed form, the twin of picture_usable_before_expiry over the same lots: with the
 * lots in expiry order, S_k the stock of the lots up to the k-th and cap_k = per_day x its dispensing
 * days (days to expiry - m, at least 0; not decreasing), the draw gives c_k = min(c_(k-1) + q_k,
 * cap_k), so c_n = S_n + min(0, min_k(cap_k - S_k)): one window pass and one grouping, where the
 * aggregate called a function per lot and sorted each item apart (a third of the items' time at
 * national scale, measured). Lots of one expiry are peers of one window row, so they need not be
 * summed first.
 */
export function cutLotsSql(
  s: Pick<Settings, 'today' | 'minShelfLifeDays'>,
  key: string,
  cutRows: RawBuilder<unknown>,
): RawBuilder<unknown> {
  const k = sql.raw(key);
  // The lots are sorted per item in byte order (COLLATE "C"): the same partitions, and a text key
  // sorted by the database's collation compares through the C library (at national scale a group's
  // cut rows, 995,664 for ten regions, sorted in 1.4 s; in byte order in 0.6 s, measured).
  const byteOrder = (column: string) =>
    column === 'package_id' ? sql.raw(column) : sql.raw(`${column} COLLATE "C"`);
  return sql`
    SELECT w.${k}, w.area_code, max(w.cum) + least(0, min(w.cap - w.cum)) AS usable, max(w.cum) AS quantity
    FROM (
      SELECT c.${byteOrder(key)} AS ${k}, c.area_code COLLATE "C" AS area_code,
             sum(c.quantity) OVER (PARTITION BY c.${byteOrder(key)}, c.area_code COLLATE "C" ORDER BY c.expiry) AS cum,
             c.per_day * greatest(0, (c.expiry - ${s.today}::date) - ${s.minShelfLifeDays}::int) AS cap
      FROM (${cutRows}) c
    ) w
    GROUP BY w.${k}, w.area_code`;
}

/** Which lots item writers read: the tables, the packages (a condition on a column) and the areas. */
export interface LotScope {
  tables: LotTables;
  packages: (column: string) => RawBuilder<boolean>;
  /** null: every region and the nation. */
  areas: readonly string[] | null;
}

function scopeAreas(areas: readonly string[] | null) {
  const national = areas === null || areas.includes(NATIONAL_AREA);
  const regions = areas === null ? null : areas.filter((a) => a !== NATIONAL_AREA);
  return { national, regions, anyRegion: regions === null || regions.length > 0 };
}

/**
 * `(package_id, area_key, region_code, fraction)`: each region of `scope` its fraction of each
 * warehouse area's lots of a package (and, with `stockTable`, of its stock there too: the pairs of
 * both tables, for a table that serves both, items.ts prepareItemStock), where above 0.
 */
export function lotFractionsSql(scope: LotScope, stockTable?: string): RawBuilder<unknown> {
  const { tables, packages } = scope;
  const { regions, anyRegion } = scopeAreas(scope.areas);
  const stockPairs =
    stockTable === undefined
      ? sql``
      : sql`UNION SELECT k.package_id, k.area_key FROM ${sql.table(stockTable)} k WHERE ${packages('k.package_id')}`;
  return sql`
      SELECT f.package_id, f.area_key, f.region_code, f.fraction
      FROM (${serviceFractionsSql(sql`
        SELECT DISTINCT k.package_id, k.area_key FROM ${sql.table(tables.wholesaleLots)} k
        WHERE ${packages('k.package_id')} ${stockPairs}`)}) f
      WHERE ${anyRegion} AND ${textIn('f.region_code', regions)} AND f.fraction > 0`;
}

/**
 * The CTEs `lot_fractions` (each region's fraction of each warehouse area's lots, where above 0),
 * `lot_tier` and `lot_summary`: per package and area of `scope`, the summary of its item's lots
 * (package_id, area_code, stock, first, dispensable: {@link LotSummary}), without a row per lot: in a
 * region its everyday lots but the warehouses' and its share of those of the warehouses serving it,
 * nationally every everyday lot. For every area one pass over the lots, grouped by package, region and
 * whether a warehouse holds them; for some regions their own lots and the nation's per package; the
 * shares from each warehouse area's summary.
 */
export function lotSummaryCtes(
  s: Pick<Settings, 'today' | 'minShelfLifeDays'>,
  scope: LotScope,
  /** The fractions prepared in a table ({@link lotFractionsSql}), instead of computed here. */
  fractionTable?: string,
): RawBuilder<unknown> {
  const { tables, packages } = scope;
  const { national, regions, anyRegion } = scopeAreas(scope.areas);
  const dispensable = sql`coalesce(sum(e.quantity) FILTER (
    WHERE e.expiry > ${s.today}::date + ${s.minShelfLifeDays}::int), 0)`;
  return sql`
    lot_fractions AS MATERIALIZED (
      ${
        fractionTable === undefined
          ? lotFractionsSql(scope)
          : sql`SELECT package_id, area_key, region_code, fraction FROM ${sql.table(fractionTable)}`
      }
    ),
    ${
      regions === null
        ? // Every area (a rebuild): one pass over the lots, per package, region and whether a warehouse
          // holds them; the nation sums the regions'.
          sql`lot_tier AS MATERIALIZED (
      SELECT e.package_id, e.area_code, e.tier <> 'wholesale' AS own, sum(e.quantity) AS stock,
             min(e.expiry) AS first, ${dispensable} AS dispensable
      FROM ${sql.table(tables.lots)} e
      WHERE ${packages('e.package_id')} AND NOT e.reserve
      GROUP BY e.package_id, e.area_code, e.tier <> 'wholesale'
    ),
    lot_own AS (SELECT package_id, area_code, stock, first, dispensable FROM lot_tier WHERE own),
    lot_national AS (
      SELECT package_id, sum(stock) AS stock, min(first) AS first, sum(dispensable) AS dispensable
      FROM lot_tier WHERE ${national} GROUP BY package_id
    ),`
        : // Some regions (a location's delta): their own lots per region, and the nation per package
          // only: grouping every region's lots to keep a few was 11 s of one pharmacy's report at
          // national scale (1.9 million lots into 518,555 groups, measured).
          sql`lot_own AS MATERIALIZED (
      SELECT e.package_id, e.area_code, sum(e.quantity) AS stock, min(e.expiry) AS first,
             ${dispensable} AS dispensable
      FROM ${sql.table(tables.lots)} e
      WHERE ${anyRegion} AND ${packages('e.package_id')} AND NOT e.reserve AND e.tier <> 'wholesale'
        AND ${textIn('e.area_code', regions)}
      GROUP BY e.package_id, e.area_code
    ),
    lot_national AS MATERIALIZED (
      SELECT e.package_id, sum(e.quantity) AS stock, min(e.expiry) AS first, ${dispensable} AS dispensable
      FROM ${sql.table(tables.lots)} e
      WHERE ${national} AND ${packages('e.package_id')} AND NOT e.reserve
      GROUP BY e.package_id
    ),`
    }
    lot_summary AS (
      SELECT x.package_id, x.area_code, sum(x.stock) AS stock, min(x.first) AS first,
             sum(x.dispensable) AS dispensable
      FROM (
        SELECT t.package_id, t.area_code, t.stock, t.first, t.dispensable FROM lot_own t
        WHERE ${anyRegion}
        UNION ALL
        SELECT t.package_id, ${NATIONAL_AREA}::text, t.stock, t.first, t.dispensable FROM lot_national t
        UNION ALL
        SELECT w.package_id, f.region_code, ${shareOf(sql`w.stock`)}, w.first, ${shareOf(sql`w.dispensable`)}
        FROM (
          SELECT e.package_id, e.area_key, sum(e.quantity) AS stock, min(e.expiry) AS first,
                 ${dispensable} AS dispensable
          FROM ${sql.table(tables.wholesaleLots)} e WHERE ${packages('e.package_id')}
          GROUP BY e.package_id, e.area_key
        ) w
        JOIN lot_fractions f ON f.package_id = w.package_id AND f.area_key = w.area_key
      ) x
      GROUP BY x.package_id, x.area_code
    )`;
}

/**
 * Rows `key, area_code, expiry, quantity, per_day` for {@link cutLotsSql}: the lots of each item of
 * the CTE `need` (or the one named; key, area_code, per_day, before) that expire before its cut day, read from the lot
 * tables of `scope` (lot_fractions from {@link lotSummaryCtes}). Package items (`members` false: the
 * key is package_id) or group items (the key is group_key, through the CTE `members` (package_id,
 * group_key, pack_size), in units). Only these lots are read in expiry order; the others count whole.
 */
export function cutRowsSql(
  scope: LotScope,
  members: boolean,
  need = 'need',
  /**
   * The nation's everyday lots summed per package and expiry (`package_id, expiry, quantity`), prepared
   * in a table: a batch is spread over many locations, so the nation's cut reads far fewer rows (at
   * national scale 120,000 instead of 1.7 million; items.ts prepareItemStock). Lots of one expiry are
   * peers of one window row (cutLotsSql), so summing them first gives the same figures.
   */
  nationalLots?: string,
): RawBuilder<unknown> {
  // Each row is an item's (the join on `need`, and for groups on `members`): no test of the packages
  // of `scope` per lot, which PostgreSQL, misjudging the CTEs' sizes, made a loop over every pair of
  // lot and member (64 s of one pharmacy's report at national scale, measured).
  const { tables } = scope;
  const needs = sql.table(need);
  const { national, anyRegion } = scopeAreas(scope.areas);
  const k = sql.raw(members ? 'group_key' : 'package_id');
  const key = members ? sql`mb.group_key` : sql`e.package_id`;
  const join = members ? sql`JOIN members mb ON mb.package_id = e.package_id` : sql``;
  const factor = members ? sql` * mb.pack_size` : sql``;
  const parts: RawBuilder<unknown>[] = [];
  if (anyRegion) {
    parts.push(sql`
      SELECT n.${k}, n.area_code, e.expiry, e.quantity${factor} AS quantity, n.per_day
      FROM ${sql.table(tables.lots)} e ${join}
      JOIN ${needs} n ON n.${k} = ${key} AND n.area_code = e.area_code
      WHERE NOT e.reserve AND e.tier <> 'wholesale' AND e.expiry < n.before
      UNION ALL
      SELECT n.${k}, n.area_code, e.expiry, ${shareOf(sql`e.quantity`)}${factor}, n.per_day
      FROM ${sql.table(tables.wholesaleLots)} e
      JOIN lot_fractions f ON f.package_id = e.package_id AND f.area_key = e.area_key ${join}
      JOIN ${needs} n ON n.${k} = ${key} AND n.area_code = f.region_code
      WHERE e.expiry < n.before`);
  }
  if (national) {
    parts.push(sql`
      SELECT n.${k}, n.area_code, e.expiry, e.quantity${factor} AS quantity, n.per_day
      FROM ${nationalLots === undefined ? sql.table(tables.lots) : sql.table(nationalLots)} e ${join}
      JOIN ${needs} n ON n.${k} = ${key} AND n.area_code = ${NATIONAL_AREA}
      WHERE ${nationalLots === undefined ? sql`NOT e.reserve AND` : sql``} e.expiry < n.before`);
  }
  if (parts.length === 0) {
    return sql`SELECT NULL::${sql.raw(members ? 'text' : 'bigint')} AS ${k}, NULL::text AS area_code,
      NULL::date AS expiry, NULL::numeric AS quantity, NULL::numeric AS per_day WHERE false`;
  }
  return sql.join(parts, sql` UNION ALL `);
}

/**
 * {@link usableCase} of an item from its summary and its row of {@link cutLotsSql} (`cut`, joined
 * on the item: null where nothing was cut).
 */
export function usableFromCut(
  s: Pick<Settings, 'today' | 'minShelfLifeDays'>,
  summary: LotSummary,
  perDay: RawBuilder<unknown>,
  cut: { usable: RawBuilder<unknown>; quantity: RawBuilder<unknown> },
): RawBuilder<number> {
  return usableCase(
    summary,
    perDay,
    cutBeforeSql(s, summary.stock, perDay),
    sql`coalesce(${cut.usable}, 0) + ${summary.stock} - coalesce(${cut.quantity}, 0)`,
  );
}

/**
 * The {@link LotSummary} columns (stock, first, dispensable) of lots `x` (expiry, quantity), to be
 * grouped by the caller.
 */
export function lotSummaryColumns(s: Pick<Settings, 'today' | 'minShelfLifeDays'>): RawBuilder<unknown> {
  return sql`sum(x.quantity) AS stock, min(x.expiry) AS first,
    coalesce(sum(x.quantity) FILTER (WHERE x.expiry > ${s.today}::date + ${s.minShelfLifeDays}::int), 0)
      AS dispensable`;
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
  return sql`SELECT ${lotSummaryColumns(s)} FROM (${lots}) x`;
}

/**
 * The lots of the items of many packages `(package_id, area_code, expiry, quantity)`, per package
 * and region of `areas` (null: all): its own everyday lots but the warehouses', and its share of the
 * lots of the warehouses serving it; and nationally (every everyday lot) when the nation is among
 * them. `packages` is a condition on the package id column given.
 */
export function packageAreaLots(
  tables: LotTables,
  packages: (column: string) => RawBuilder<boolean>,
  areas: readonly string[] | null,
): RawBuilder<unknown> {
  const national = areas === null || areas.includes(NATIONAL_AREA);
  const regions = areas === null ? null : areas.filter((a) => a !== NATIONAL_AREA);
  const parts: RawBuilder<unknown>[] = [];
  if (regions === null || regions.length > 0) {
    parts.push(sql`
      SELECT e.package_id, e.area_code, e.expiry, e.quantity::numeric AS quantity
      FROM ${sql.table(tables.lots)} e
      WHERE ${packages('e.package_id')} AND ${textIn('e.area_code', regions)} AND NOT e.reserve
        AND e.tier <> 'wholesale'
      UNION ALL
      SELECT w.package_id, f.region_code, w.expiry, ${shareOf(sql`w.quantity::numeric`)}
      FROM ${sql.table(tables.wholesaleLots)} w
      JOIN (${serviceFractionsSql(sql`
        SELECT DISTINCT k.package_id, k.area_key FROM ${sql.table(tables.wholesaleLots)} k
        WHERE ${packages('k.package_id')}`)}) f
        ON f.package_id = w.package_id AND f.area_key = w.area_key
      WHERE ${packages('w.package_id')} AND ${textIn('f.region_code', regions)} AND f.fraction > 0`);
  }
  if (national) {
    parts.push(sql`
      SELECT e.package_id, ${NATIONAL_AREA}::text AS area_code, e.expiry, e.quantity::numeric AS quantity
      FROM ${sql.table(tables.lots)} e
      WHERE ${packages('e.package_id')} AND NOT e.reserve`);
  }
  if (parts.length === 0) {
    return sql`SELECT NULL::bigint AS package_id, NULL::text AS area_code, NULL::date AS expiry,
      NULL::numeric AS quantity WHERE false`;
  }
  return sql.join(parts, sql` UNION ALL `);
}
