import { sql, type RawBuilder } from 'kysely';
import { addDays } from '../../domain/calendar.js';
import { NATIONAL_AREA } from '../../domain/access.js';
import { DEFAULT_SIMULATION_DAYS } from '../../domain/coverage.js';
import { SHARE_DECIMALS } from '../../domain/service-area.js';
import { FIRST_RESERVE_LEVEL } from '../../domain/reserve.js';
import { reserveKindSql, reserveSql } from './reserve.js';
import type { Db, Tx } from '../database.js';
import { type Settings } from './settings.js';
import { idIn, textIn } from './sql.js';
import type { DeliveryRow } from './repository.js';
import type { LocationFacts } from './stock.js';

/**
 * Who serves whom: the SQL twin of src/domain/service-area.ts (docs/lagesbild.md, "Wholesale stock
 * serves an area"). Wholesale stock is kept per package and service area (picture_wholesale_stock,
 * 0006); a region's item counts its share of the stock of every area that serves it, by its share of
 * the area's demand for the package (by population when the area has none), in place of the wholesale
 * stock that stands inside it. The nation's items count all stock, as before.
 */

export type WholesaleTable = 'picture_wholesale_stock' | 'picture_wholesale_stock_part';

/** The regions a service area key serves: 'SE' all of them, otherwise the codes it lists. */
function servedBy(areaKey: RawBuilder<unknown>): RawBuilder<boolean> {
  return sql<boolean>`(${areaKey} = ${NATIONAL_AREA} OR r.code::text = ANY(string_to_array(${areaKey}, ',')))`;
}

/**
 * `(package_id, area_key, region_code, fraction)` for the (package, area) pairs of `pairs`: each
 * served region's fraction of the area's stock of the package (serviceFractions).
 */
export function serviceFractionsSql(pairs: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`
    SELECT k.package_id, k.area_key, r.code::text AS region_code,
      CASE WHEN sum(coalesce(d.per_day, 0)) OVER w > 0
           THEN coalesce(d.per_day, 0) / sum(coalesce(d.per_day, 0)) OVER w
           ELSE r.population::numeric / sum(r.population) OVER w END AS fraction
    FROM (${pairs}) k
    JOIN region r ON ${servedBy(sql`k.area_key`)}
    LEFT JOIN picture_demand d ON d.package_id = k.package_id AND d.region_code = r.code
    WINDOW w AS (PARTITION BY k.package_id, k.area_key)`;
}

/**
 * `(package_id, region_code, total, usable)`: each region's share of the wholesale stock serving it
 * (wholesaleShareByRegion), for the packages of `packages` (a condition on `w.package_id`) in the
 * regions of `areas` (null: every region). Each area's share is rounded to SHARE_DECIMALS; regions
 * whose share is zero are left out, as areas holding nothing are in picture_stock.
 */
export function wholesaleShareSql(
  table: WholesaleTable,
  packages: RawBuilder<boolean>,
  areas: readonly string[] | null,
  /**
   * The fractions prepared in a table (`package_id, area_key, region_code, fraction`, those above 0
   * of every pair in `table`), instead of computed here: a region with none has no share either.
   */
  fractionTable?: string,
): RawBuilder<unknown> {
  const share = (column: string) =>
    sql`sum(round(${sql.ref(`w.${column}`)} * f.fraction, ${SHARE_DECIMALS}::int))`;
  const fractions =
    fractionTable === undefined
      ? serviceFractionsSql(sql`SELECT w.package_id, w.area_key FROM ${sql.table(table)} w WHERE ${packages}`)
      : sql`SELECT package_id, area_key, region_code, fraction FROM ${sql.table(fractionTable)}`;
  return sql`
    SELECT f.package_id, f.region_code, ${share('total')} AS total, ${share('usable')} AS usable
    FROM ${sql.table(table)} w
    JOIN (${fractions}) f
      ON f.package_id = w.package_id AND f.area_key = w.area_key
    WHERE ${packages} AND ${textIn('f.region_code', areas)}
    GROUP BY f.package_id, f.region_code
    HAVING ${share('total')} <> 0 OR ${share('usable')} <> 0`;
}

/**
 * The stock an item counts in each area, `(package_id, area_code, total, usable)` summed over tiers:
 * nationally every tier; in a region every tier but wholesale, plus its share of the wholesale stock
 * serving it. `packages` is a condition on the package id column given.
 */
export function areaStockSql(
  stockTable: string,
  wholesaleTable: WholesaleTable,
  packages: (column: string) => RawBuilder<boolean>,
  areas: readonly string[] | null,
  /** As for {@link wholesaleShareSql}. */
  fractionTable?: string,
): RawBuilder<unknown> {
  const regions = areas === null ? null : areas.filter((a) => a !== NATIONAL_AREA);
  const shares =
    regions !== null && regions.length === 0
      ? sql``
      : sql`UNION ALL SELECT s.package_id, s.region_code, s.total, s.usable
            FROM (${wholesaleShareSql(wholesaleTable, packages('w.package_id'), regions, fractionTable)}) s`;
  return sql`
    SELECT ps.package_id, ps.area_code, ps.total, ps.usable FROM ${sql.table(stockTable)} ps
    WHERE ${packages('ps.package_id')} AND ${textIn('ps.area_code', areas)}
      AND NOT ps.reserve AND (ps.area_code = ${NATIONAL_AREA} OR ps.tier <> 'wholesale')
    ${shares}`;
}

/**
 * Sums the everyday stock (levels below FIRST_RESERVE_LEVEL: a warehouse's level-3 stock is reserve,
 * src/domain/reserve.ts) of the warehouses among `facts` per package and service area into `table`
 * (for the packages named, or all), as insertStock sums a location's snapshot and its later differences.
 */
export async function insertWholesaleStock(
  db: Db,
  table: WholesaleTable,
  facts: readonly LocationFacts[],
  s: Settings,
  packages: readonly number[] | null,
): Promise<void> {
  const warehouses = facts.filter((f) => f.tier === 'wholesale');
  if (warehouses.length === 0) return;
  const cutOff = addDays(s.today, s.minShelfLifeDays);
  const rows = JSON.stringify(
    warehouses.map((l) => ({
      location_id: l.location_id,
      snapshot_id: l.snapshot_id,
      counted_at: l.counted_at,
      difference_report_id: l.difference_report_id,
    })),
  );
  await sql`
    INSERT INTO ${sql.table(table)} (package_id, area_key, total, usable, locations)
    WITH loc AS (
      SELECT x.*, k.area_key
      FROM json_to_recordset(${rows}::json) AS x(location_id bigint, snapshot_id bigint,
        counted_at timestamptz, difference_report_id bigint)
      JOIN warehouse_service_area k ON k.location_id = x.location_id
    ),
    per_location AS (
      SELECT loc.location_id, loc.area_key, e.package_id, sum(e.quantity::float8) AS total,
        coalesce(sum(e.quantity::float8) FILTER (WHERE e.expiry IS NULL OR e.expiry > ${cutOff}::date), 0)
          AS usable
      FROM loc
      CROSS JOIN LATERAL (
        SELECT sl.package_id, sl.quantity, sl.expiry FROM stock_line sl
        WHERE sl.snapshot_id = loc.snapshot_id AND ${idIn('sl.package_id', packages)}
          AND sl.stock_level < ${sql.lit(FIRST_RESERVE_LEVEL)}
        UNION ALL
        SELECT d.package_id, d.quantity, d.expiry FROM stock_difference_line d
        WHERE loc.difference_report_id <> 0 AND d.location_id = loc.location_id
          AND (loc.counted_at IS NULL OR d.counted_at > loc.counted_at)
          AND d.report_id <= loc.difference_report_id AND ${idIn('d.package_id', packages)}
          AND d.stock_level < ${sql.lit(FIRST_RESERVE_LEVEL)}
      ) e
      GROUP BY loc.location_id, loc.area_key, e.package_id
    )
    SELECT package_id, area_key, sum(total), sum(usable), count(*) FILTER (WHERE total > 0)
    FROM per_location
    GROUP BY package_id, area_key
    HAVING sum(total) <> 0 OR sum(usable) <> 0 OR count(*) FILTER (WHERE total > 0) > 0`.execute(db);
}

/** Rebuilds `table` from the warehouses among `facts` (a full or stock rebuild: rebuildStock). */
export async function rebuildWholesaleStock(
  db: Db,
  s: Settings,
  facts: readonly LocationFacts[],
  table: WholesaleTable,
): Promise<void> {
  await sql`TRUNCATE ${sql.table(table)}`.execute(db);
  await insertWholesaleStock(db, table, facts, s, null);
}

/**
 * After applyStockDelta (picture_delta written, picture_location_state current): the packages whose
 * wholesale stock moved get their stock per service area summed again, and every region's share of
 * them moves by the difference, into picture_share_delta `(package_id, region_code, total, usable)`,
 * which applyStockToItems adds to the regions' items. Demand is unchanged for these packages (a package
 * whose demand changes has its items rebuilt), so the old shares are computed with the same fractions.
 * Returns the regions whose shares moved.
 */
export async function applyWholesaleDelta(
  trx: Tx,
  s: Settings,
  /**
   * Sums the warehouses' lots of the packages given again (expiry.ts applyWholesaleExpiryDelta);
   * returns the packages whose lots changed: every region served moves, even when its share did not.
   */
  lots: (facts: readonly LocationFacts[], packages: readonly number[]) => Promise<number[]>,
): Promise<string[]> {
  await sql`
    CREATE TEMP TABLE picture_share_delta (package_id bigint, region_code text, total numeric, usable numeric)
    ON COMMIT DROP`.execute(trx);
  await sql`CREATE TEMP TABLE picture_wholesale_expiry_delta (package_id bigint) ON COMMIT DROP`.execute(trx);
  const moved = await sql<{ package_id: number }>`
    SELECT DISTINCT package_id FROM picture_delta WHERE tier = 'wholesale' AND NOT reserve`.execute(trx);
  if (moved.rows.length === 0) return [];
  const ids = moved.rows.map((r) => r.package_id);
  await sql`
    CREATE TEMP TABLE picture_wholesale_old ON COMMIT DROP AS
    SELECT * FROM picture_wholesale_stock WHERE package_id = ANY(${ids}::bigint[])`.execute(trx);
  await sql`DELETE FROM picture_wholesale_stock WHERE package_id = ANY(${ids}::bigint[])`.execute(trx);
  const facts = await sql<LocationFacts>`
    SELECT st.location_id, st.snapshot_id, st.counted_at::text AS counted_at, st.difference_report_id,
           l.region_code::text AS region_code, 'wholesale' AS tier, 0 AS lines
    FROM picture_location_state st JOIN location l ON l.id = st.location_id
    WHERE l.kind = 'wholesaler_warehouse'`.execute(trx);
  await insertWholesaleStock(trx, 'picture_wholesale_stock', facts.rows, s, ids);
  const lotsMoved = await lots(facts.rows, ids);
  // Each region's share moves by its rounded share of the new stock less that of the old, per area
  // (the fractions computed once: demand is the same before and after).
  const moves = (column: string) => sql`sum(
    round(coalesce(${sql.ref(`n.${column}`)}, 0) * f.fraction, ${SHARE_DECIMALS}::int)
    - round(coalesce(${sql.ref(`o.${column}`)}, 0) * f.fraction, ${SHARE_DECIMALS}::int))`;
  await sql`
    INSERT INTO picture_share_delta (package_id, region_code, total, usable)
    SELECT f.package_id, f.region_code, ${moves('total')}, ${moves('usable')}
    FROM (${serviceFractionsSql(sql`
      SELECT package_id, area_key FROM picture_wholesale_stock WHERE package_id = ANY(${ids}::bigint[])
      UNION
      SELECT package_id, area_key FROM picture_wholesale_old`)}) f
    LEFT JOIN picture_wholesale_stock n ON n.package_id = f.package_id AND n.area_key = f.area_key
    LEFT JOIN picture_wholesale_old o ON o.package_id = f.package_id AND o.area_key = f.area_key
    GROUP BY f.package_id, f.region_code
    HAVING ${moves('total')} <> 0 OR ${moves('usable')} <> 0
      OR (f.package_id = ANY(${lotsMoved}::bigint[]) AND max(f.fraction) > 0)`.execute(trx);
  await sql`DROP TABLE picture_wholesale_old`.execute(trx);
  const regions = await sql<{ region_code: string }>`
    SELECT DISTINCT region_code FROM picture_share_delta`.execute(trx);
  return regions.rows.map((r) => r.region_code);
}

// Reading (the API) -----------------------------------------------------------------------------------

/** An area's wholesale stock of an item, held there and serving it (packages, or units for a group). */
export interface WholesaleFigure {
  area_code: string;
  /** Stock standing at warehouses in the area (the tier row "wholesale"). */
  held: { total: number; usable: number };
  /** The area's share of the stock of the warehouses serving it: what its coverage counts. */
  share: { total: number; usable: number };
  /** Warehouses holding some of the item that serve the area. */
  serving: number;
}

/**
 * The wholesale figures of a package (or a group, in units) in the nation and every region. The
 * nation's share is all its wholesale stock (the nation's stock is the nation's).
 */
export async function wholesaleFigures(
  db: Db,
  kind: 'package' | 'group',
  ref: string,
): Promise<Map<string, WholesaleFigure>> {
  const member = kind === 'package' ? sql`pp.package_id = ${Number(ref)}` : sql`pp.group_key = ${ref}`;
  const factor = kind === 'package' ? sql`1::numeric` : sql`pp.pack_size`;
  const rows = await sql<{
    area_code: string;
    held_total: number;
    held_usable: number;
    share_total: number;
    share_usable: number;
    serving: number;
  }>`
    WITH m AS (SELECT pp.package_id, ${factor} AS factor FROM picture_product pp WHERE ${member}),
    held AS (
      SELECT ps.area_code, sum(ps.total * m.factor) AS total, sum(ps.usable * m.factor) AS usable
      FROM picture_stock ps JOIN m ON m.package_id = ps.package_id
      WHERE ps.tier = 'wholesale' AND NOT ps.reserve GROUP BY ps.area_code
    ),
    share AS (
      SELECT s.region_code AS area_code, sum(s.total * m.factor) AS total, sum(s.usable * m.factor) AS usable
      FROM (${wholesaleShareSql(
        'picture_wholesale_stock',
        sql<boolean>`w.package_id IN (SELECT package_id FROM m)`,
        null,
      )}) s
      JOIN m ON m.package_id = s.package_id
      GROUP BY s.region_code
    ),
    serving AS (
      SELECT r.code::text AS area_code, sum(w.locations)::int AS n
      FROM picture_wholesale_stock w JOIN m ON m.package_id = w.package_id
      JOIN region r ON ${servedBy(sql`w.area_key`)}
      GROUP BY r.code
      UNION ALL
      SELECT ${NATIONAL_AREA}, sum(w.locations)::int
      FROM picture_wholesale_stock w JOIN m ON m.package_id = w.package_id
    )
    SELECT a.code AS area_code, coalesce(h.total, 0) AS held_total, coalesce(h.usable, 0) AS held_usable,
           CASE WHEN a.code = ${NATIONAL_AREA} THEN coalesce(h.total, 0) ELSE coalesce(s.total, 0) END
             AS share_total,
           CASE WHEN a.code = ${NATIONAL_AREA} THEN coalesce(h.usable, 0) ELSE coalesce(s.usable, 0) END
             AS share_usable,
           coalesce(v.n, 0) AS serving
    FROM (SELECT ${NATIONAL_AREA}::text AS code UNION ALL SELECT r.code::text FROM region r) a
    LEFT JOIN held h ON h.area_code = a.code
    LEFT JOIN share s ON s.area_code = a.code
    LEFT JOIN serving v ON v.area_code = a.code`.execute(db);
  return new Map(
    rows.rows.map((r) => [
      r.area_code,
      {
        area_code: r.area_code,
        held: { total: Number(r.held_total), usable: Number(r.held_usable) },
        share: { total: Number(r.share_total), usable: Number(r.share_usable) },
        serving: Number(r.serving),
      },
    ]),
  );
}

/**
 * The lots (quantity by expiry) a region's coverage counts, from current stock: its locations' but
 * its warehouses', and its share of every lot at the warehouses serving it (the product page's
 * lot-by-lot outlook with `region=`; lotsOf gives the nation's).
 */
export async function regionLots(
  db: Db,
  packageIds: readonly number[],
  region: string,
): Promise<{ expiry: string | null; quantity: number }[]> {
  const ids = [...packageIds];
  // Each location's lot netted first; one netted below zero counts as none (as in the items' lots).
  const rows = await sql<{ expiry: string | null; quantity: number }>`
    SELECT x.expiry, sum(x.quantity * coalesce(f.fraction, 1)) AS quantity
    FROM (
      SELECT e.location_id, e.package_id, e.expiry, greatest(sum(e.quantity), 0) AS quantity
      FROM current_stock_entry e JOIN location l ON l.id = e.location_id
      WHERE e.package_id = ANY(${ids}::bigint[]) AND NOT ${reserveSql('l.kind', 'e.stock_level')}
      GROUP BY e.location_id, e.package_id, e.expiry
    ) x
    JOIN location l ON l.id = x.location_id
    LEFT JOIN warehouse_service_area wa ON wa.location_id = x.location_id
    LEFT JOIN (${serviceFractionsSql(
      sql`SELECT DISTINCT w.package_id, w.area_key FROM picture_wholesale_stock w
          WHERE w.package_id = ANY(${ids}::bigint[])`,
    )}) f ON f.package_id = x.package_id AND f.area_key = wa.area_key AND f.region_code = ${region}
    WHERE (wa.location_id IS NULL AND l.region_code = ${region}) OR f.fraction > 0
    GROUP BY x.expiry`.execute(db);
  return rows.rows.map((r) => ({ expiry: r.expiry, quantity: Number(r.quantity) }));
}

/**
 * The expected deliveries a region counts (the product page with `region=`; deliveriesOf gives the
 * nation's): those to its locations but its warehouses in full, and its share of those to the
 * warehouses serving it, as applyDeliveries counts them in the item table.
 */
export async function regionDeliveries(
  db: Db,
  packageIds: readonly number[],
  region: string,
  today: string,
): Promise<DeliveryRow[]> {
  const ids = [...packageIds];
  const rows = await sql<DeliveryRow>`
    WITH d AS (
      SELECT e.package_id, e.expected_on, e.quantity, e.organisation_id, o.name AS organisation_name,
             e.location_id, l.region_code::text AS region_code, wa.area_key,
             coalesce(${reserveKindSql('l.kind')}, false) AS reserve
      FROM current_expected_delivery e
      JOIN organisation o ON o.id = e.organisation_id
      LEFT JOIN location l ON l.id = e.location_id
      LEFT JOIN warehouse_service_area wa ON wa.location_id = e.location_id
      WHERE e.package_id = ANY(${ids}::bigint[]) AND e.expected_on >= ${today}::date
        AND e.expected_on < ${addDays(today, DEFAULT_SIMULATION_DAYS)}::date
    )
    SELECT d.package_id, d.expected_on, d.quantity * coalesce(f.fraction, 1) AS quantity, d.organisation_id,
           d.organisation_name, d.location_id, d.region_code, d.reserve
    FROM d
    LEFT JOIN (${serviceFractionsSql(sql`SELECT DISTINCT package_id, area_key FROM d WHERE area_key IS NOT NULL`)}) f
      ON f.package_id = d.package_id AND f.area_key = d.area_key AND f.region_code = ${region}
    WHERE (d.area_key IS NULL AND d.region_code = ${region}) OR f.fraction > 0
    ORDER BY d.expected_on, d.package_id`.execute(db);
  return rows.rows.map((r) => ({ ...r, quantity: Number(r.quantity) }));
}
