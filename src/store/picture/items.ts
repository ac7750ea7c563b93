import { sql, type RawBuilder } from 'kysely';
import { DEFAULT_SIMULATION_DAYS } from '../../domain/coverage.js';
import { DEFAULT_BASELINE_DAYS, DEFAULT_RECENT_DAYS } from '../../domain/demand.js';
import { COVERAGE_ROUNDING_DAYS } from '../../domain/risk.js';
import { NATIONAL_AREA } from '../../domain/access.js';
import type { Db, Tx } from '../database.js';
import { applyDeliveries } from './deliveries.js';
import {
  cutBeforeSql,
  cutLotsSql,
  cutRowsSql,
  lotFractionsSql,
  lotsChanged,
  lotSummaryCtes,
  OWN_LOTS,
  usableFromCut,
  type LotScope,
  type LotTables,
} from './expiry.js';
import { regionWindowsSql } from './demand.js';
import { MAX_RUN_OUT_DAYS, type Settings, type Step, YEAR_DAYS } from './settings.js';
import { idIn, textIn, unique } from './sql.js';
import { areaStockSql, type WholesaleTable } from './wholesale.js';

/**
 * Moves the items of `packages` (and of their groups) in `areas` by the stock delta of
 * picture_delta, recomputing usable stock (from the lots, at the unchanged demand), coverage,
 * run-out dates and risk; inserts the items that did not exist (stock newly held where nothing was used)
 * and deletes those left with neither stock nor demand. Deliveries are simulated again after.
 */
export async function applyStockToItems(
  trx: Tx,
  s: Settings,
  packages: readonly number[],
  areas: readonly string[],
  /** Packages whose items (and groups) this refresh wrote again from current stock: not moved again. */
  rebuilt: readonly number[] = [],
): Promise<void> {
  // The usable stock is recomputed from the item's lots at its demand (expiry.ts), not moved: set-based
  // over all the items moved, as a rebuild computes it (a subquery per item read each item's lots
  // again: 290 s for one pharmacy's report at national scale, measured).
  const usable = sql`u.usable`;
  const scope: LotScope = {
    tables: OWN_TABLES,
    packages: (c) => sql<boolean>`${sql.ref(c)} IN (SELECT package_id FROM members)`,
    areas,
  };
  const before = cutBeforeSql(s, sql`b0.lots_stock`, sql`b0.per_day`);
  const updates = coverageExpressions(s, usable, sql`i.demand_per_day`).map(
    ([name, e]) => sql`${sql.raw(name)} = ${e}`,
  );
  // One statement: move the items by the delta, and report the items missing (to insert) and those
  // left empty (to delete). Both are rare: a package newly held where nothing is used, or sold out
  // where nothing is used.
  const changes = await sql<{
    what: 'missing' | 'empty';
    kind: 'package' | 'group';
    ref: string;
    area_code: string;
  }>`
    WITH pkg AS (
      -- Items count everyday stock only: the reserve is kept apart (0008_reserve.sql).
      -- A region counts its share of the wholesale stock serving it, not the wholesale stock in it.
      SELECT package_id, area_code, sum(total) AS total, sum(usable) AS usable
      FROM (
        SELECT package_id, region_code AS area_code, total, usable FROM picture_delta
        WHERE NOT reserve AND package_id = ANY(${packages}::bigint[]) AND tier <> 'wholesale'
        UNION ALL
        SELECT package_id, region_code, total, usable FROM picture_share_delta
        WHERE package_id = ANY(${packages}::bigint[])
      ) x
      GROUP BY package_id, area_code
      UNION ALL
      SELECT package_id, ${NATIONAL_AREA}, sum(total), sum(usable)
      FROM picture_delta WHERE NOT reserve AND package_id = ANY(${packages}::bigint[]) GROUP BY package_id
    ),
    d AS (
      SELECT 'package'::text AS kind, package_id::text AS ref, area_code, total, usable FROM pkg
      WHERE total <> 0 OR usable <> 0 OR ${lotsChanged(sql`pkg.package_id`, sql`pkg.area_code`)}
      UNION ALL
      SELECT 'group', pp.group_key, p.area_code, sum(p.total * pp.pack_size), sum(p.usable * pp.pack_size)
      FROM pkg p JOIN picture_product pp ON pp.package_id = p.package_id
      WHERE pp.group_key NOT IN (SELECT r.group_key FROM picture_product r WHERE r.package_id = ANY(${rebuilt}::bigint[]))
      GROUP BY pp.group_key, p.area_code
      HAVING sum(p.total * pp.pack_size) <> 0 OR sum(p.usable * pp.pack_size) <> 0
        OR bool_or(${lotsChanged(sql`p.package_id`, sql`p.area_code`)})
    ),
    -- The moved packages and the members of their groups, whose lots the items are drawn from.
    members AS (
      SELECT pp.package_id, pp.group_key, pp.pack_size FROM picture_product pp
      WHERE pp.group_key IN (SELECT r.group_key FROM picture_product r WHERE r.package_id = ANY(${packages}::bigint[]))
    ),
    ${lotSummaryCtes(s, scope)},
    isum AS (
      SELECT 'package'::text AS kind, q.package_id::text AS ref, q.area_code, q.stock, q.first, q.dispensable
      FROM lot_summary q WHERE q.package_id = ANY(${packages}::bigint[])
      UNION ALL
      SELECT 'group', mb.group_key, q.area_code, sum(q.stock * mb.pack_size), min(q.first),
             sum(q.dispensable * mb.pack_size)
      FROM lot_summary q JOIN members mb ON mb.package_id = q.package_id
      GROUP BY mb.group_key, q.area_code
    ),
    b0 AS (
      SELECT d.kind, d.ref, d.area_code, d.total, i.demand_per_day AS per_day, x.stock AS lots_stock,
             x.first AS lots_first, x.dispensable AS lots_dispensable
      FROM d JOIN picture_item i ON i.kind = d.kind AND i.ref = d.ref AND i.area_code = d.area_code
      LEFT JOIN isum x ON x.kind = d.kind AND x.ref = d.ref AND x.area_code = d.area_code
    ),
    need AS (
      SELECT b0.kind, b0.ref, b0.area_code, b0.per_day, ${before} AS before FROM b0
      WHERE b0.lots_stock IS NOT NULL AND b0.per_day > 0 AND b0.lots_first < ${before}
    ),
    need_package AS (
      SELECT ref::bigint AS package_id, area_code, per_day, before FROM need WHERE kind = 'package'
    ),
    need_group AS (SELECT ref AS group_key, area_code, per_day, before FROM need WHERE kind = 'group'),
    cut_package AS (${cutLotsSql(s, 'package_id', cutRowsSql(scope, false, 'need_package'))}),
    cut_group AS (${cutLotsSql(s, 'group_key', cutRowsSql(scope, true, 'need_group'))}),
    u AS (
      SELECT b0.kind, b0.ref, b0.area_code, b0.total,
        ${usableFromCut(
          s,
          { stock: sql`b0.lots_stock`, first: sql`b0.lots_first`, dispensable: sql`b0.lots_dispensable` },
          sql`b0.per_day`,
          { usable: sql`coalesce(cp.usable, cg.usable)`, quantity: sql`coalesce(cp.quantity, cg.quantity)` },
        )} AS usable
      FROM b0
      LEFT JOIN cut_package cp ON b0.kind = 'package' AND cp.package_id::text = b0.ref AND cp.area_code = b0.area_code
      LEFT JOIN cut_group cg ON b0.kind = 'group' AND cg.group_key = b0.ref AND cg.area_code = b0.area_code
    ),
    moved AS (
      UPDATE picture_item i
      SET total_stock = i.total_stock + u.total, usable_stock = ${usable}, ${sql.join(updates)}
      FROM u
      WHERE i.kind = u.kind AND i.ref = u.ref AND i.area_code = u.area_code
      RETURNING i.kind, i.ref, i.area_code, i.total_stock = 0 AND i.usable_stock = 0 AND i.demand_per_day = 0
        AND NOT (i.area_code = ${NATIONAL_AREA} AND i.active_notice) AS empty
    )
    SELECT 'missing' AS what, d.kind, d.ref, d.area_code FROM d
    WHERE NOT EXISTS (SELECT 1 FROM moved m WHERE m.kind = d.kind AND m.ref = d.ref AND m.area_code = d.area_code)
    UNION ALL
    SELECT 'empty', kind, ref, area_code FROM moved WHERE empty`.execute(trx);

  const missing = changes.rows.filter((c) => c.what === 'missing');
  const missingPackages = unique(missing.filter((m) => m.kind === 'package').map((m) => Number(m.ref)));
  const missingGroups = unique(missing.filter((m) => m.kind === 'group').map((m) => m.ref));
  if (missingPackages.length > 0) await writePackageItems(trx, s, missingPackages, areas, true);
  if (missingGroups.length > 0) {
    const members = await sql<{ package_id: number }>`
      SELECT package_id FROM picture_product WHERE group_key = ANY(${missingGroups}::text[])`.execute(trx);
    await writeGroupItems(
      trx,
      s,
      members.rows.map((m) => m.package_id),
      areas,
      true,
    );
  }
  const empty = changes.rows.filter((c) => c.what === 'empty');
  if (empty.length > 0) {
    await sql`
      DELETE FROM picture_item i
      USING json_to_recordset(${JSON.stringify(empty)}::json) AS e(kind text, ref text, area_code text)
      WHERE i.kind = e.kind AND i.ref = e.ref AND i.area_code = e.area_code`.execute(trx);
  }
  await applyDeliveries(trx, s, packages, areas);
}

export async function deleteItems(
  trx: Tx,
  packages: readonly number[],
  areas: readonly string[] | null,
): Promise<void> {
  await sql`
    DELETE FROM picture_item
    WHERE kind = 'package' AND package_id = ANY(${packages}::bigint[]) AND ${textIn('area_code', areas)}`.execute(
    trx,
  );
  await sql`
    DELETE FROM picture_item
    WHERE kind = 'group' AND ${textIn('area_code', areas)}
      AND group_key IN (SELECT group_key FROM picture_product WHERE package_id = ANY(${packages}::bigint[]))`.execute(
    trx,
  );
}

/**
 * Coverage, plain run-out, risk class and rank from usable stock and demand: the SQL twin of
 * coverage() and classifyCoverage(), as `column = expression` pairs over the given expressions.
 */
export function coverageExpressions(
  s: Settings,
  usableStock: RawBuilder<unknown>,
  perDay: RawBuilder<unknown>,
  /** usable / perDay computed once by the caller (read only where perDay > 0): numeric division is dear. */
  precomputedDays?: RawBuilder<unknown>,
): [string, RawBuilder<unknown>][] {
  const t = s.thresholds;
  const usable = sql`greatest(${usableStock}, 0)`;
  const days = precomputedDays ?? sql`${usable} / ${perDay}`;
  return [
    ['coverage_days', sql`CASE WHEN ${perDay} > 0 THEN ${days} END`],
    [
      'runs_out_on',
      sql`CASE WHEN ${perDay} > 0 AND ${days} < ${MAX_RUN_OUT_DAYS}
               THEN ${s.today}::date + floor(${days} + 1e-9)::int END`,
    ],
    [
      // Without deliveries (applyDeliveries sets the others): simulateSupply over one lot.
      'runs_out_with_deliveries_on',
      sql`CASE WHEN ${perDay} > 0 AND ${usable} + 1e-9 * greatest(1, ${perDay} * ${DEFAULT_SIMULATION_DAYS})
                 < ${perDay} * ${DEFAULT_SIMULATION_DAYS}
               THEN ${s.today}::date + floor(${days} + 1e-9)::int END`,
    ],
    ['incoming', sql`0`],
    // classifyCoverage: a coverage within COVERAGE_ROUNDING_DAYS below a threshold reaches it.
    [
      'risk_class',
      sql`CASE WHEN ${perDay} <= 0 THEN 'no_demand'
               WHEN ${days} + ${COVERAGE_ROUNDING_DAYS} < ${t.criticalBelowDays} THEN 'critical'
               WHEN ${days} + ${COVERAGE_ROUNDING_DAYS} < ${t.lowBelowDays} THEN 'low' ELSE 'adequate' END`,
    ],
    [
      'risk_rank',
      sql`CASE WHEN ${perDay} <= 0 THEN 3 WHEN ${days} + ${COVERAGE_ROUNDING_DAYS} < ${t.criticalBelowDays} THEN 0
               WHEN ${days} + ${COVERAGE_ROUNDING_DAYS} < ${t.lowBelowDays} THEN 1 ELSE 2 END`,
    ],
  ];
}

/** {@link coverageExpressions} of `b.usable`, `b.per_day` and `b.days` as select-list columns. */
export function coverageColumns(s: Settings): RawBuilder<unknown> {
  return sql.join(
    coverageExpressions(s, sql`b.usable`, sql`b.per_day`, sql`b.days`).map(
      ([name, e]) => sql`${e} AS ${sql.raw(name)}`,
    ),
  );
}

/**
 * The item rows of an area from its stock (`st`) and demand (`dm`) by `key`: every key with stock, or
 * with demand, or (nationally) under a notice (`noticeKeys`), with zeros where a side is missing, and
 * `days` = usable / demand once. One full join instead of a union of keys joined to both sides again:
 * a third less time at national scale. `st` gives the item's lot summary (lots_stock, lots_first,
 * lots_dispensable) and `cutRows` the lots of the items that need them (expiry.ts cutRowsSql, over
 * the CTE `need` defined here: the items some of whose lots expire before their cut day), from which
 * the usable stock of all items is computed in one grouped pass (expiry.ts cutLotsSql).
 */
export function itemBase(
  s: Settings,
  key: string,
  noticeKeys: RawBuilder<unknown>,
  national: boolean,
  cutRows: RawBuilder<unknown>,
): RawBuilder<unknown> {
  const k = sql.raw(key);
  const usable = usableFromCut(
    s,
    { stock: sql`b0.lots_stock`, first: sql`b0.lots_first`, dispensable: sql`b0.lots_dispensable` },
    sql`coalesce(b0.per_day, 0)`,
    { usable: sql`c.usable`, quantity: sql`c.quantity` },
  );
  return sql`
    sd AS (
      SELECT coalesce(st.${k}, dm.${k}) AS ${k}, coalesce(st.area_code, dm.area_code) AS area_code,
             st.total, st.lots_stock, st.lots_first, st.lots_dispensable, dm.per_day, dm.basis, dm.recent_per_day,
             dm.baseline_per_day, dm.seasonal_per_day
      FROM st FULL JOIN dm ON dm.${k} = st.${k} AND dm.area_code = st.area_code
    ),
    b0 AS (
      SELECT * FROM sd
      WHERE sd.total IS NOT NULL OR sd.per_day > 0
         OR (${national} AND sd.area_code = ${NATIONAL_AREA} AND sd.${k} IN (${noticeKeys}))
      UNION ALL
      SELECT n.${k}, ${NATIONAL_AREA}, NULL, NULL, NULL::date, NULL, NULL, NULL, NULL, NULL, NULL
      FROM (${noticeKeys}) n
      WHERE ${national}
        AND NOT EXISTS (SELECT 1 FROM st WHERE st.${k} = n.${k} AND st.area_code = ${NATIONAL_AREA})
        AND NOT EXISTS (SELECT 1 FROM dm WHERE dm.${k} = n.${k} AND dm.area_code = ${NATIONAL_AREA})
    ),
    need AS (
      SELECT b0.${k}, b0.area_code, b0.per_day, ${cutBeforeSql(s, sql`b0.lots_stock`, sql`b0.per_day`)} AS before
      FROM b0
      WHERE b0.lots_stock IS NOT NULL AND b0.per_day > 0
        AND b0.lots_first < ${cutBeforeSql(s, sql`b0.lots_stock`, sql`b0.per_day`)}
    ),
    cut AS (${cutLotsSql(s, key, cutRows)}),
    b1 AS (
      SELECT b0.${k}, b0.area_code, coalesce(b0.total, 0) AS total,
             CASE WHEN b0.total IS NULL THEN 0 ELSE ${usable} END AS usable,
             coalesce(b0.per_day, 0) AS per_day, coalesce(b0.basis, 'no_sales') AS basis,
             coalesce(b0.recent_per_day, 0) AS recent_per_day, b0.baseline_per_day, b0.seasonal_per_day
      FROM b0 LEFT JOIN cut c ON c.${k} = b0.${k} AND c.area_code = b0.area_code
    ),
    b AS MATERIALIZED (
      SELECT b1.*, CASE WHEN per_day > 0 THEN greatest(usable, 0) / per_day END AS days FROM b1
    )`;
}

/** Notices in force on `today` or starting within the lead days (isNoticeActive / isNoticeUpcoming). */
export function noticeCondition(s: Settings, alias: string): RawBuilder<boolean> {
  const start = sql.ref(`${alias}.expected_start`);
  const end = sql.ref(`${alias}.expected_end`);
  return sql<boolean>`(
    (${start} <= ${s.today}::date AND (${end} IS NULL OR ${end} >= ${s.today}::date))
    OR (${start} > ${s.today}::date AND ${start} <= ${s.today}::date + ${s.thresholds.noticeLeadDays}::int))`;
}

/** Where item writers read stock and write items: the picture's tables, or a helper's part tables. */
export interface ItemTables extends LotTables {
  stock: 'picture_stock' | 'picture_stock_part';
  items: 'picture_item' | 'picture_item_part';
  wholesale: WholesaleTable;
}
export const OWN_TABLES: ItemTables = {
  stock: 'picture_stock',
  items: 'picture_item',
  wholesale: 'picture_wholesale_stock',
  ...OWN_LOTS,
};
export const PART_TABLES: ItemTables = {
  stock: 'picture_stock_part',
  items: 'picture_item_part',
  wholesale: 'picture_wholesale_stock_part',
  lots: 'picture_stock_expiry_part',
  wholesaleLots: 'picture_wholesale_expiry_part',
};

export const ITEM_COLUMN_NAMES = `kind, ref, area_code, package_id, group_key, substance_key, atc_key, atc4,
  company_id, name, substance, strength, form, atc_code, unit, total_stock, usable_stock, demand_per_day,
  demand_basis, recent_per_day, baseline_per_day, seasonal_per_day, coverage_days, runs_out_on,
  runs_out_with_deliveries_on, incoming, risk_class, risk_rank, prioritised, active_notice`;
export const ITEM_COLUMNS = sql.raw(`(${ITEM_COLUMN_NAMES})`);
export const ITEM_COLUMN_LIST = sql.raw(ITEM_COLUMN_NAMES);

/**
 * `(package_id, area_code, total, lots_stock, lots_first, lots_dispensable)` as `x` full-joined to
 * `q`: per package and area of `areas` the stock its item counts (areaStockSql, summed over tiers
 * and shares; null where it has none) and the summary of its item's lots (lot_summary from
 * lotSummaryCtes, which the caller defines; null where it has none). The caller filters.
 */
function packageStockSql(
  tables: ItemTables,
  packages: (column: string) => RawBuilder<boolean>,
  areas: readonly string[] | null,
  fractionTable?: string,
): RawBuilder<unknown> {
  return sql`
      SELECT coalesce(x.package_id, q.package_id) AS package_id, coalesce(x.area_code, q.area_code) AS area_code,
             x.total, q.stock AS lots_stock, q.first AS lots_first, q.dispensable AS lots_dispensable
      FROM (
        SELECT package_id, area_code, sum(total) AS total
        FROM (${areaStockSql(tables.stock, tables.wholesale, packages, areas, fractionTable)}) y
        GROUP BY package_id, area_code
      ) x
      FULL JOIN lot_summary q ON q.package_id = x.package_id AND q.area_code = x.area_code`;
}

/** The tables {@link prepareItemStock} fills (temporary: the connection's own). */
const PREPARED_FRACTIONS = 'picture_item_fraction';
const PREPARED_STOCK = 'picture_item_stock';
const PREPARED_NATIONAL_LOTS = 'picture_item_national_lot';

/**
 * Before writing every package and group item of `areas` (null: all) from all stock: the fractions of
 * the warehouses' stock and lots each region counts, and each package's stock and lot summary per
 * area, computed once into temporary tables that both writers read (`prepared`), where each computed
 * them in its own statement, and the group items again from every member's lots and stock (about half
 * of the group items' time at national scale, measured: docs/benchmarks.md). Dropped by
 * {@link dropItemStock} (or at the end of the transaction).
 */
async function prepareItemStock(
  db: Db,
  s: Settings,
  areas: readonly string[] | null,
  tables: ItemTables = OWN_TABLES,
): Promise<void> {
  const scope: LotScope = { tables, packages: () => sql<boolean>`true`, areas };
  await dropItemStock(db);
  await sql`
    CREATE TEMP TABLE ${sql.table(PREPARED_FRACTIONS)} ON COMMIT DROP AS
    ${lotFractionsSql(scope, tables.wholesale)}`.execute(db);
  await sql`ANALYZE ${sql.table(PREPARED_FRACTIONS)}`.execute(db);
  await sql`
    CREATE TEMP TABLE ${sql.table(PREPARED_STOCK)} ON COMMIT DROP AS
    WITH ${lotSummaryCtes(s, scope, PREPARED_FRACTIONS)}
    ${packageStockSql(tables, () => sql<boolean>`true`, areas, PREPARED_FRACTIONS)}`.execute(db);
  await sql`ANALYZE ${sql.table(PREPARED_STOCK)}`.execute(db);
  if (areas === null || areas.includes(NATIONAL_AREA)) {
    // The nation's cut lots (expiry.ts cutRowsSql): its everyday lots per package and expiry.
    await sql`
      CREATE TEMP TABLE ${sql.table(PREPARED_NATIONAL_LOTS)} ON COMMIT DROP AS
      SELECT package_id, expiry, sum(quantity) AS quantity FROM ${sql.table(tables.lots)}
      WHERE NOT reserve
      GROUP BY package_id, expiry ORDER BY package_id, expiry`.execute(db);
    await sql`ANALYZE ${sql.table(PREPARED_NATIONAL_LOTS)}`.execute(db);
  }
}

/**
 * Every package and group item of `areas` (null: every region and the nation) from all stock, into
 * `tables.items`, prepared once ({@link prepareItemStock}) for both writers. `step` times the
 * package items (with the preparation) and the group items apart. For every area the groups of the
 * regions and of the nation are written in two statements: in one, PostgreSQL planned the regional
 * and national cut lots together badly once the lot tables were analysed (at national scale it
 * spilled tens of gigabytes to disk and had not finished after 15 minutes; split, 151 s, measured).
 */
export async function writeAreaItems(
  db: Db,
  s: Settings,
  areas: readonly string[] | null,
  tables: ItemTables = OWN_TABLES,
  step: Step = (_name, fn) => fn(),
): Promise<void> {
  await step('packageItems', async () => {
    await prepareItemStock(db, s, areas, tables);
    await writePackageItems(db, s, null, areas, false, tables, true);
  });
  await step('groupItems', async () => {
    if (areas === null) {
      const regions = s.regionWindows.map((w) => w.regionCode);
      await writeGroupItems(db, s, null, regions, false, tables, true);
      await writeGroupItems(db, s, null, [NATIONAL_AREA], false, tables, true);
    } else {
      await writeGroupItems(db, s, null, areas, false, tables, true);
    }
    await dropItemStock(db);
  });
}

async function dropItemStock(db: Db): Promise<void> {
  await sql`
    DROP TABLE IF EXISTS ${sql.table(PREPARED_STOCK)}, ${sql.table(PREPARED_FRACTIONS)},
      ${sql.table(PREPARED_NATIONAL_LOTS)}`.execute(db);
}

/**
 * Package items: national ('SE': stock of the nation, demand = sum of the regions' estimates, as
 * docs/lagesbild.md decides) and per region (stock held there but wholesale, plus the region's share of
 * the wholesale stock serving it: areaStockSql), for every package with stock or demand there, and
 * nationally also for every package with a notice in force.
 */
export async function writePackageItems(
  trx: Db,
  s: Settings,
  packages: readonly number[] | null,
  areas: readonly string[] | null,
  onlyMissing = false,
  tables: ItemTables = OWN_TABLES,
  /** Read each package's stock and lot summary from {@link prepareItemStock}'s tables (`packages` null). */
  prepared = false,
): Promise<void> {
  if (prepared && packages !== null) throw new Error('prepared items are written for every package');
  const conflict = onlyMissing ? sql`ON CONFLICT (kind, ref, area_code) DO NOTHING` : sql``;
  const national = areas === null || areas.includes(NATIONAL_AREA);
  const scope: LotScope = { tables, packages: (c) => idIn(c, packages), areas };
  const stock = prepared
    ? sql`
    lot_fractions AS (SELECT package_id, area_key, region_code, fraction FROM ${sql.table(PREPARED_FRACTIONS)}),
    st AS (
      SELECT package_id, area_code, total, lots_stock, lots_first, lots_dispensable
      FROM ${sql.table(PREPARED_STOCK)} WHERE total IS NOT NULL AND ${textIn('area_code', areas)}
    )`
    : sql`${lotSummaryCtes(s, scope)},
    st AS (${packageStockSql(tables, (c) => idIn(c, packages), areas)} WHERE x.total IS NOT NULL)`;
  await sql`
    INSERT INTO ${sql.table(tables.items)} ${ITEM_COLUMNS}
    WITH ${stock},
    dm AS (
      SELECT package_id, region_code::text AS area_code, per_day, basis, recent_per_day, baseline_per_day,
             seasonal_per_day
      FROM picture_demand WHERE ${idIn('package_id', packages)} AND ${textIn('region_code', areas)}
      UNION ALL
      SELECT package_id, ${NATIONAL_AREA}, sum(per_day), 'sum_of_regions', sum(recent_per_day),
             sum(baseline_per_day), sum(seasonal_per_day)
      FROM picture_demand WHERE ${national} AND ${idIn('package_id', packages)}
      GROUP BY package_id
    ),
    notice AS (
      SELECT DISTINCT n.package_id FROM current_shortage_notice n
      WHERE ${noticeCondition(s, 'n')} AND ${idIn('n.package_id', packages)}
    ),
    ${itemBase(
      s,
      'package_id',
      sql`SELECT package_id FROM notice`,
      national,
      cutRowsSql(scope, false, 'need', prepared ? PREPARED_NATIONAL_LOTS : undefined),
    )}
    SELECT 'package', b.package_id::text, b.area_code, b.package_id, pp.group_key, pp.substance_key,
           pp.atc_key, pp.atc4, pp.company_id, m.name, m.substance, m.strength, m.form, m.atc_code, 'förp',
           b.total, b.usable, b.per_day,
           CASE WHEN b.per_day > 0 THEN b.basis ELSE 'no_sales' END,
           b.recent_per_day, b.baseline_per_day, b.seasonal_per_day,
           ${coverageColumns(s)},
           pp.prioritised, (b.package_id IN (SELECT package_id FROM notice))
    FROM b
    JOIN picture_product pp ON pp.package_id = b.package_id
    JOIN package p ON p.id = b.package_id
    JOIN medicine m ON m.id = p.medicine_id
    -- An area's items stored together: reading one area (counts, lists) reads few pages. In byte
    -- order: the order only has to group the areas, and the database's own collation would also
    -- steer the joins above into sorting by it (6 s of 13 at national scale with C.UTF-8).
    ORDER BY b.area_code COLLATE "C", b.package_id
    ${conflict}`.execute(trx);
}

/**
 * Group items: stock in units (pack size x packages) summed over the members; demand by the rule over
 * the members' summed window sums per region (estimateGroupDemand: the series are summed, not the
 * estimates), nationally the sum of the regions. Flags: any member prioritised or under notice.
 */
export async function writeGroupItems(
  trx: Db,
  s: Settings,
  packages: readonly number[] | null,
  areas: readonly string[] | null,
  onlyMissing = false,
  tables: ItemTables = OWN_TABLES,
  /** As for {@link writePackageItems}: the members' stock and lot summaries are summed from it. */
  prepared = false,
): Promise<void> {
  if (prepared && packages !== null) throw new Error('prepared items are written for every package');
  const conflict = onlyMissing ? sql`ON CONFLICT (kind, ref, area_code) DO NOTHING` : sql``;
  const national = areas === null || areas.includes(NATIONAL_AREA);
  const groupFilter =
    packages === null
      ? sql<boolean>`true`
      : sql<boolean>`pp.group_key IN (SELECT group_key FROM picture_product WHERE package_id = ANY(${packages}::bigint[]))`;
  const scope: LotScope = {
    tables,
    // Every package when all groups are written: no membership test per lot.
    packages: (c) =>
      packages === null
        ? sql<boolean>`true`
        : sql<boolean>`${sql.ref(c)} IN (SELECT package_id FROM members)`,
    areas,
  };
  await sql`
    INSERT INTO ${sql.table(tables.items)} ${ITEM_COLUMNS}
    WITH members AS (
      SELECT pp.package_id, pp.group_key, pp.substance_key, pp.atc_key, pp.atc4, pp.pack_size,
             pp.prioritised, pp.first_sale_day
      FROM picture_product pp WHERE ${groupFilter}
    ),
    g AS (
      SELECT DISTINCT ON (mb.group_key) mb.group_key, mb.substance_key, mb.atc_key, mb.atc4, m.substance,
             m.strength, m.form, m.atc_code, p.pack_unit
      FROM members mb JOIN package p ON p.id = mb.package_id JOIN medicine m ON m.id = p.medicine_id
      ORDER BY mb.group_key, mb.package_id
    ),
    gflags AS (
      SELECT mb.group_key, bool_or(mb.prioritised) AS prioritised, min(mb.first_sale_day) AS first_day,
             bool_or(EXISTS (SELECT 1 FROM current_shortage_notice n
                             WHERE n.package_id = mb.package_id AND ${noticeCondition(s, 'n')})) AS notice
      FROM members mb GROUP BY mb.group_key
    ),
    ${
      prepared
        ? sql`
    lot_fractions AS (SELECT package_id, area_key, region_code, fraction FROM ${sql.table(PREPARED_FRACTIONS)}),
    -- The members' stock and lot summaries in units (pack size x packages), per group and area: where
    -- a member has stock there (count(total): a lot summary without stock adds to a group that has).
    st AS (
      SELECT mb.group_key, x.area_code, sum(x.total * mb.pack_size) AS total,
             sum(x.lots_stock * mb.pack_size) AS lots_stock, min(x.lots_first) AS lots_first,
             sum(x.lots_dispensable * mb.pack_size) AS lots_dispensable
      FROM ${sql.table(PREPARED_STOCK)} x JOIN members mb ON mb.package_id = x.package_id
      WHERE ${textIn('x.area_code', areas)}
      GROUP BY mb.group_key, x.area_code
      HAVING count(x.total) > 0
    ),`
        : sql`
    ${lotSummaryCtes(s, scope)},
    -- The summary of the members' lots in units (pack size x packages), per group and area.
    lots AS (
      SELECT mb.group_key, q.area_code, sum(q.stock * mb.pack_size) AS stock, min(q.first) AS first,
             sum(q.dispensable * mb.pack_size) AS dispensable
      FROM lot_summary q JOIN members mb ON mb.package_id = q.package_id
      GROUP BY mb.group_key, q.area_code
    ),
    st AS (
      SELECT x.group_key, x.area_code, x.total, q.stock AS lots_stock, q.first AS lots_first,
             q.dispensable AS lots_dispensable
      FROM (
        SELECT mb.group_key, y.area_code, sum(y.total * mb.pack_size) AS total
        FROM (${areaStockSql(
          tables.stock,
          tables.wholesale,
          (c) => sql<boolean>`${sql.ref(c)} IN (SELECT package_id FROM members)`,
          areas,
        )}) y
        JOIN members mb ON mb.package_id = y.package_id
        GROUP BY mb.group_key, y.area_code
      ) x
      LEFT JOIN lots q ON q.group_key = x.group_key AND q.area_code = x.area_code
    ),`
    }
    sums AS (
      SELECT mb.group_key, d.region_code::text AS region_code,
             sum(d.recent_sum * mb.pack_size) AS recent_sum, sum(d.baseline_sum * mb.pack_size) AS baseline_sum,
             sum(d.seasonal_sum * mb.pack_size) AS seasonal_sum
      FROM picture_demand d JOIN members mb ON mb.package_id = d.package_id
      WHERE ${national ? sql<boolean>`true` : textIn('d.region_code', areas)}
      GROUP BY mb.group_key, d.region_code
    ),
    regional AS (
      SELECT x.group_key, x.region_code AS area_code, r.per_day, r.basis, r.recent_per_day,
             r.baseline_per_day, r.seasonal_per_day
      FROM sums x JOIN gflags gf ON gf.group_key = x.group_key
      -- Each region's history ends on its own window end (demand.ts).
      JOIN ${regionWindowsSql(s)} w ON w.region_code::text = x.region_code
      CROSS JOIN LATERAL picture_demand_rule(x.recent_sum, x.baseline_sum, x.seasonal_sum,
        (w.window_end - gf.first_day + 1), ${DEFAULT_RECENT_DAYS}::int, ${DEFAULT_BASELINE_DAYS}::int,
        ${YEAR_DAYS}::int) r
    ),
    dm AS (
      SELECT * FROM regional WHERE ${textIn('area_code', areas)}
      UNION ALL
      SELECT group_key, ${NATIONAL_AREA}, sum(per_day), 'sum_of_regions', sum(recent_per_day),
             sum(baseline_per_day), sum(seasonal_per_day)
      FROM regional WHERE ${national} GROUP BY group_key
    ),
    ${itemBase(
      s,
      'group_key',
      sql`SELECT group_key FROM gflags WHERE notice`,
      national,
      cutRowsSql(scope, true, 'need', prepared ? PREPARED_NATIONAL_LOTS : undefined),
    )}
    SELECT 'group', b.group_key, b.area_code, NULL::bigint, b.group_key, g.substance_key, g.atc_key, g.atc4,
           NULL::bigint, g.substance || ' ' || g.strength || ' ' || g.form, g.substance, g.strength, g.form,
           g.atc_code, g.pack_unit, b.total, b.usable, b.per_day,
           CASE WHEN b.per_day > 0 THEN b.basis ELSE 'no_sales' END,
           b.recent_per_day, b.baseline_per_day, b.seasonal_per_day,
           ${coverageColumns(s)},
           gf.prioritised, gf.notice
    FROM b JOIN g ON g.group_key = b.group_key JOIN gflags gf ON gf.group_key = b.group_key
    ORDER BY b.area_code COLLATE "C", b.group_key COLLATE "C"
    ${conflict}`.execute(trx);
}
