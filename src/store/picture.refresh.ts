import { sql, type RawBuilder } from 'kysely';
import { addCalendarMonths, addDays, dayNumber } from '../domain/calendar.js';
import { simulateSupply, DEFAULT_HORIZON_DAYS, DEFAULT_SIMULATION_DAYS } from '../domain/coverage.js';
import { DEFAULT_BASELINE_DAYS, DEFAULT_RECENT_DAYS, groupKey, normaliseText } from '../domain/demand.js';
import { AppError } from '../domain/errors.js';
import { matchesListItem, riskThresholds, type ListItemRef, type RiskThresholds } from '../domain/risk.js';
import { supplyTierOf } from '../domain/supply-tier.js';
import { NATIONAL_AREA } from '../domain/access.js';
import type { CopyFn, Db, Store, Tx } from './database.js';
import { LOCATION_KINDS } from './schema.js';

/** The code of Socialstyrelsen's list of medicines for care that cannot wait (the prioritised list). */
export const PRIORITISED_LIST_CODE = 'sos-prioritised';
/** Above this many locations in one refresh, stock and items are rebuilt rather than moved. */
export const DEFAULT_DELTA_LIMIT = 400;
/** "One year earlier" for the seasonal window, as in src/domain/demand.ts. */
const YEAR_DAYS = 365;
/** A run-out date further away than this is not a date anyone plans by; stored as none. */
const MAX_RUN_OUT_DAYS = 36_500;

export interface RefreshPictureOptions {
  /** The day the picture describes. A different day than the stored picture's means a full refresh. */
  today: string;
  /**
   * Locations whose stock changed (a snapshot or difference report): only their contribution to the
   * aggregates is replaced, and only their packages' items are recomputed.
   */
  locationIds?: readonly number[];
  /**
   * Packages whose sales, notices, expected deliveries or catalogue entry changed: their demand and
   * items are recomputed in every area.
   */
  packageIds?: readonly number[];
  /** Rebuild everything even when an incremental refresh would do. */
  full?: boolean;
  /**
   * Above this many locations in one refresh, stock and items are rebuilt from all current stock
   * (demand kept) instead of moved by each location's delta: a day's wave of snapshots is cheaper to
   * rebuild. Default 400 (a fifth of the country's locations; measured in bench/lagesbild.ts).
   */
  deltaLimit?: number;
  /** Stock expiring within this many days is not usable. Default 30 (R2). */
  horizonDays?: number;
  thresholds?: Partial<RiskThresholds>;
}

export interface RefreshPictureResult {
  /** `stock`: stock and items rebuilt for many locations at once, demand kept. */
  mode: 'full' | 'incremental' | 'stock';
  /** Why a full refresh was chosen (first refresh, new day, settings, asked for). */
  reason: string | null;
  today: string;
  windowEnd: string;
  /** Packages whose items were recomputed. */
  packages: number;
  /** Milliseconds per step, and in all. */
  steps: Record<string, number>;
  milliseconds: number;
}

interface Settings {
  today: string;
  windowEnd: string;
  salesThrough: string | null;
  horizonDays: number;
  thresholds: RiskThresholds;
}

/**
 * Brings the maintained aggregates of the picture (0003_picture.sql) up to date, in one transaction.
 *
 * Full refresh (first time, a new `today`, other settings, or `full`): every table is rebuilt from the
 * facts. Incremental (same day and settings): `locationIds` replace those locations' contribution to
 * the stock aggregates (their previous contribution is subtracted, the current one added: the work is
 * proportional to the report, not to the country), and `packageIds` recompute those packages' demand;
 * then the items of the packages touched, their groups, and the critical-shortage flags of the areas
 * touched are recomputed. Ingest calls it after each accepted report (see docs/lagesbild.md).
 */
export async function refreshPicture(
  store: Store,
  options: RefreshPictureOptions,
): Promise<RefreshPictureResult> {
  dayNumber(options.today); // validates
  const horizonDays = options.horizonDays ?? DEFAULT_HORIZON_DAYS;
  if (!Number.isInteger(horizonDays) || horizonDays < 0) {
    throw AppError.invalid(`horizon of ${horizonDays} days is not a whole number >= 0`);
  }
  const thresholds = riskThresholds(options.thresholds);
  const started = performance.now();
  const steps: Record<string, number> = {};
  const step = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const result = await fn();
    steps[name] = Math.round((performance.now() - t0) * 10) / 10;
    return result;
  };

  return store.bulkTransaction(async (trx, copy) => {
    // One refresh at a time: a second waits for the first to commit.
    await sql`LOCK TABLE picture_state IN EXCLUSIVE MODE`.execute(trx);
    if (store.backend === 'postgres') {
      // Big aggregations in a full refresh; in an incremental one, index probes into tables that are
      // in memory, and statements too short to repay JIT compilation.
      await sql`SET LOCAL work_mem = '256MB'`.execute(trx);
      await sql`SET LOCAL random_page_cost = 1.1`.execute(trx);
      await sql`SET LOCAL jit = off`.execute(trx);
    }

    const previous = await trx.selectFrom('picture_state').selectAll().executeTakeFirst();
    const salesThrough = await step('salesThrough', () => findSalesThrough(trx));
    const yesterday = addDays(options.today, -1);
    const windowEnd = salesThrough !== null && salesThrough < yesterday ? salesThrough : yesterday;
    const settings: Settings = { today: options.today, windowEnd, salesThrough, horizonDays, thresholds };

    const reason =
      options.full === true
        ? 'asked for'
        : previous === undefined
          ? 'first refresh'
          : previous.today !== options.today
            ? `new day (${previous.today} → ${options.today})`
            : previous.window_end !== windowEnd
              ? `sales now reach ${windowEnd}`
              : previous.horizon_days !== horizonDays ||
                  Number(previous.critical_below_days) !== thresholds.criticalBelowDays ||
                  Number(previous.low_below_days) !== thresholds.lowBelowDays ||
                  previous.notice_lead_days !== thresholds.noticeLeadDays
                ? 'settings changed'
                : options.locationIds === undefined && options.packageIds === undefined
                  ? 'nothing named: everything'
                  : null;

    let packages: number;
    let mode: RefreshPictureResult['mode'];
    if (reason !== null) {
      mode = 'full';
      packages = await rebuild(trx, copy, settings, step, null, helperOf(store));
    } else if ((options.locationIds?.length ?? 0) > (options.deltaLimit ?? DEFAULT_DELTA_LIMIT)) {
      mode = 'stock';
      packages = await rebuild(trx, copy, settings, step, unique(options.packageIds ?? []), helperOf(store));
    } else {
      mode = 'incremental';
      packages = await incrementalRefresh(trx, settings, options, step);
    }

    const countedUntil = await sql<{ at: Date | null }>`
      SELECT max(counted_at) AS at FROM picture_location_state`.execute(trx);
    const now = new Date();
    await trx
      .insertInto('picture_state')
      .values({
        id: 1,
        today: settings.today,
        window_end: settings.windowEnd,
        sales_through: settings.salesThrough,
        horizon_days: horizonDays,
        critical_below_days: thresholds.criticalBelowDays,
        low_below_days: thresholds.lowBelowDays,
        notice_lead_days: thresholds.noticeLeadDays,
        stock_counted_until: countedUntil.rows[0]?.at ?? null,
        full_refreshed_at: reason !== null ? now : (previous?.full_refreshed_at ?? now),
        refreshed_at: now,
      })
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          today: eb.ref('excluded.today'),
          window_end: eb.ref('excluded.window_end'),
          sales_through: eb.ref('excluded.sales_through'),
          horizon_days: eb.ref('excluded.horizon_days'),
          critical_below_days: eb.ref('excluded.critical_below_days'),
          low_below_days: eb.ref('excluded.low_below_days'),
          notice_lead_days: eb.ref('excluded.notice_lead_days'),
          stock_counted_until: eb.ref('excluded.stock_counted_until'),
          full_refreshed_at: eb.ref('excluded.full_refreshed_at'),
          refreshed_at: eb.ref('excluded.refreshed_at'),
        })),
      )
      .execute();

    return {
      mode,
      reason,
      today: settings.today,
      windowEnd: settings.windowEnd,
      packages,
      steps,
      milliseconds: Math.round(performance.now() - started),
    };
  });
}

type Step = <T>(name: string, fn: () => Promise<T>) => Promise<T>;

/**
 * Rebuilds the aggregates from the facts. `salesPackages` null: everything (a full refresh: also the
 * products, demand, monthly sales and the day's history). Otherwise (`stock` mode, many locations at
 * once): stock and items from all current stock, demand kept, recomputed only for the packages named.
 */
async function rebuild(
  trx: Tx,
  copy: CopyFn,
  s: Settings,
  step: Step,
  salesPackages: readonly number[] | null,
  helper: Db | null,
): Promise<number> {
  const full = salesPackages === null;
  /** Packages whose identity or demand this transaction changes (stock mode). */
  let changedProducts: number[] = [];
  if (full) {
    await step('products', () => writeProducts(trx, copy, s.today, null));
  } else {
    // New packages, and the named ones, get their identity; first_sale_day of the others is kept.
    const missing = await sql<{ id: number }>`
      SELECT p.id FROM package p WHERE NOT EXISTS (SELECT 1 FROM picture_product pp WHERE pp.package_id = p.id)`.execute(
      trx,
    );
    const named = unique([...missing.rows.map((r) => r.id), ...salesPackages]);
    if (named.length > 0) {
      // With the members of the groups they leave, should their group change.
      const before = await sql<{ package_id: number }>`
        SELECT package_id FROM picture_product WHERE group_key IN (
          SELECT group_key FROM picture_product WHERE package_id = ANY(${named}::bigint[]))`.execute(trx);
      changedProducts = unique([...named, ...before.rows.map((r) => r.package_id)]);
      await step('products', () => writeProducts(trx, null, s.today, named));
    }
  }
  // Stock mode on PostgreSQL: demand and products are kept, so the regions' items can be written
  // with their stock, each half of the regions on its own connection (see rebuildStock).
  const regional = !full && helper !== null;
  await sql`TRUNCATE picture_item`.execute(trx);
  await withoutIndexes(trx, 'picture_item', true, async () => {
    // With regional items the national ones are written inside the stock step, while the other
    // connection writes its regions' (the changed packages are written again below).
    const national = async () => {
      await step('packageItems', () => writePackageItems(trx, s, null, [NATIONAL_AREA]));
      await step('groupItems', () => writeGroupItems(trx, s, null, [NATIONAL_AREA]));
    };
    await step('stock', () => rebuildStock(trx, s, helper, regional, regional ? national : null));
    if (full) await step('sales', () => writeSales(trx, s, null));
    else if (salesPackages.length > 0) await step('sales', () => writeSales(trx, s, salesPackages));
    if (!regional) {
      await step('packageItems', () => writePackageItems(trx, s, null, null));
      await step('groupItems', () => writeGroupItems(trx, s, null, null));
    }
    if (regional && changedProducts.length > 0) {
      // The other connection read the products and demand as they were before this transaction:
      // the packages this transaction changed get their items again, in every area.
      await step('changedItems', async () => {
        await deleteItems(trx, changedProducts, null);
        await writePackageItems(trx, s, changedProducts, null);
        await writeGroupItems(trx, s, changedProducts, null);
      });
    }
  });
  // The tables were rebuilt: the planner needs their new statistics, for the steps below (which
  // probe picture_item by index) and for the incremental refreshes of the day.
  await step('analyze', async () => {
    // Products and demand are rebuilt only by a full refresh (and a few packages in stock mode).
    if (full || changedProducts.length > 0) await sql`ANALYZE picture_product, picture_demand`.execute(trx);
    await sql`ANALYZE picture_stock, picture_item, picture_location_state`.execute(trx);
  });
  await step('deliveries', () => applyDeliveries(trx, s, null, null));
  await step('criticalShortage', () => markCriticalShortage(trx, s, null));
  await step('counts', () => recount(trx, null));
  if (full) await step('history', () => recordHistory(trx, s));
  const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM picture_product`.execute(trx);
  return n.rows[0]?.n ?? 0;
}

async function incrementalRefresh(
  trx: Tx,
  s: Settings,
  options: RefreshPictureOptions,
  step: Step,
): Promise<number> {
  const salesPackages = unique(options.packageIds ?? []);
  const locationIds = unique(options.locationIds ?? []);

  // Packages named (sales, notices, deliveries, catalogue): every area.
  if (salesPackages.length > 0) {
    await step('products', () => writeProducts(trx, null, s.today, salesPackages));
    await step('sales', () => writeSales(trx, s, salesPackages));
  }
  // Locations named: their stock delta, in their regions and the nation.
  let stockPackages: number[] = [];
  let stockAreas: string[] = [];
  if (locationIds.length > 0) {
    ({ packages: stockPackages, areas: stockAreas } = await step('stockDelta', () =>
      applyStockDelta(trx, s, locationIds),
    ));
    const missing = await sql<{ id: number }>`
      SELECT x.id FROM unnest(${stockPackages}::bigint[]) AS x(id)
      WHERE NOT EXISTS (SELECT 1 FROM picture_product pp WHERE pp.package_id = x.id)`.execute(trx);
    if (missing.rows.length > 0) {
      await writeProducts(
        trx,
        null,
        s.today,
        missing.rows.map((r) => r.id),
      );
    }
  }

  // Packages named: demand, notices or deliveries may have changed: their items are rebuilt everywhere.
  if (salesPackages.length > 0) {
    await step('items', async () => {
      await deleteItems(trx, salesPackages, null);
      await writePackageItems(trx, s, salesPackages, null);
      await writeGroupItems(trx, s, salesPackages, null);
      await applyDeliveries(trx, s, salesPackages, null);
    });
  }
  // Only stock changed for the others: their items move by the delta, in the areas of the locations.
  const stockOnly = stockPackages.filter((p) => !salesPackages.includes(p));
  if (stockOnly.length > 0) {
    await step('stockItems', () => applyStockToItems(trx, s, stockOnly, stockAreas));
  }
  if (locationIds.length > 0) await sql`DROP TABLE picture_delta`.execute(trx);

  const touched = unique([...salesPackages, ...stockPackages]);
  if (touched.length > 0) {
    const areas = salesPackages.length > 0 ? null : stockAreas;
    await step('criticalShortage', () => markCriticalShortage(trx, s, areas));
    await step('counts', () => recount(trx, areas));
  }
  return touched.length;
}

/**
 * Moves the items of `packages` (and of their groups) in `areas` by the stock delta of
 * picture_delta, recomputing coverage, run-out dates and risk from the new usable stock and the
 * unchanged demand; inserts the items that did not exist (stock newly held where nothing was used)
 * and deletes those left with neither stock nor demand. Deliveries are simulated again after.
 */
async function applyStockToItems(
  trx: Tx,
  s: Settings,
  packages: readonly number[],
  areas: readonly string[],
): Promise<void> {
  const usable = sql`(i.usable_stock + d.usable)`;
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
      SELECT package_id, region_code AS area_code, sum(total) AS total, sum(usable) AS usable
      FROM picture_delta WHERE package_id = ANY(${packages}::bigint[]) GROUP BY package_id, region_code
      UNION ALL
      SELECT package_id, ${NATIONAL_AREA}, sum(total), sum(usable)
      FROM picture_delta WHERE package_id = ANY(${packages}::bigint[]) GROUP BY package_id
    ),
    d AS (
      SELECT 'package'::text AS kind, package_id::text AS ref, area_code, total, usable FROM pkg
      WHERE total <> 0 OR usable <> 0
      UNION ALL
      SELECT 'group', pp.group_key, p.area_code, sum(p.total * pp.pack_size), sum(p.usable * pp.pack_size)
      FROM pkg p JOIN picture_product pp ON pp.package_id = p.package_id
      GROUP BY pp.group_key, p.area_code
      HAVING sum(p.total * pp.pack_size) <> 0 OR sum(p.usable * pp.pack_size) <> 0
    ),
    moved AS (
      UPDATE picture_item i
      SET total_stock = i.total_stock + d.total, usable_stock = ${usable}, ${sql.join(updates)}
      FROM d
      WHERE i.kind = d.kind AND i.ref = d.ref AND i.area_code = d.area_code
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

/**
 * Runs a bulk load of `table` with its secondary indexes (and, with `primaryKey`, its primary key)
 * dropped, and builds them again after: one sort per index instead of an index insert per row. The
 * definitions are read from the catalogue, so the migration stays their one source.
 */
async function withoutIndexes(
  trx: Tx,
  table: string,
  primaryKey: boolean,
  load: () => Promise<void>,
): Promise<void> {
  const indexes = await sql<{ indexname: string; indexdef: string }>`
    SELECT i.indexname, i.indexdef FROM pg_indexes i
    WHERE i.schemaname = current_schema() AND i.tablename = ${table}
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`.execute(trx);
  const keys = primaryKey
    ? await sql<{ conname: string; def: string }>`
        SELECT c.conname, pg_get_constraintdef(c.oid) AS def FROM pg_constraint c
        WHERE c.conrelid = ${table}::regclass AND c.contype = 'p'`.execute(trx)
    : { rows: [] };
  for (const ix of indexes.rows) await sql`DROP INDEX ${sql.id(ix.indexname)}`.execute(trx);
  for (const k of keys.rows) {
    await sql`ALTER TABLE ${sql.table(table)} DROP CONSTRAINT ${sql.id(k.conname)}`.execute(trx);
  }
  await load();
  for (const k of keys.rows) {
    await sql`ALTER TABLE ${sql.table(table)} ADD CONSTRAINT ${sql.id(k.conname)} ${sql.raw(k.def)}`.execute(
      trx,
    );
  }
  for (const ix of indexes.rows) await sql.raw(ix.indexdef).execute(trx);
}

/** A second connection for the work a refresh can split (PostgreSQL; PGlite has one connection). */
function helperOf(store: Store): Db | null {
  return store.backend === 'postgres' ? store.db : null;
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

// Filters ---------------------------------------------------------------------------------------

/** `column = ANY(ids)`, or true when ids is null (everything). */
function idIn(column: string, ids: readonly number[] | null): RawBuilder<boolean> {
  return ids === null ? sql<boolean>`true` : sql<boolean>`${sql.ref(column)} = ANY(${ids}::bigint[])`;
}

/** The packages named and every other member of their groups (a group's deliveries are all its members'). */
function membersOf(column: string, packages: readonly number[] | null): RawBuilder<boolean> {
  if (packages === null) return sql<boolean>`true`;
  return sql<boolean>`${sql.ref(column)} IN (
    SELECT m.package_id FROM picture_product m WHERE m.group_key IN (
      SELECT g.group_key FROM picture_product g WHERE g.package_id = ANY(${packages}::bigint[])))`;
}

function textIn(column: string, values: readonly string[] | null): RawBuilder<boolean> {
  return values === null ? sql<boolean>`true` : sql<boolean>`${sql.ref(column)} = ANY(${values}::text[])`;
}

/** SQL twin of supplyTierOf (src/domain/supply-tier.ts), generated from it. */
export function tierCaseSql(kindColumn: string): RawBuilder<string> {
  const whens = LOCATION_KINDS.map((k) => `WHEN '${k}' THEN '${supplyTierOf(k)}'`).join(' ');
  return sql<string>`CASE ${sql.ref(kindColumn)} ${sql.raw(whens)} END`;
}

// Sales through ---------------------------------------------------------------------------------

/**
 * The last day the sales data covers: the end of the latest-starting row, one index probe per region
 * (weekly reporters lag; without it the missing days would read as zero sales).
 */
async function findSalesThrough(trx: Tx): Promise<string | null> {
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

// Products ----------------------------------------------------------------------------------------

interface ProductRow {
  id: number;
  pack_size: number;
  company_id: number;
  substance: string;
  strength: string;
  form: string;
  atc_code: string;
}

/**
 * Each package's identity as the domain computes it: group key, normalised substance and ATC code,
 * and whether it matches an entry of the prioritised list in force on `today`. Full (ids null):
 * rewrites the table with COPY; otherwise upserts the packages named.
 */
async function writeProducts(
  trx: Tx,
  copy: CopyFn | null,
  today: string,
  ids: readonly number[] | null,
): Promise<void> {
  const entries = await prioritisedEntries(trx, today);
  const bySubstance = new Map<string, ListItemRef[]>();
  for (const e of entries) {
    const key = normaliseText(e.substance);
    bySubstance.set(key, [...(bySubstance.get(key) ?? []), e]);
  }
  const products = await sql<ProductRow>`
    SELECT p.id, p.pack_size, p.company_id, m.substance, m.strength, m.form, m.atc_code
    FROM package p JOIN medicine m ON m.id = p.medicine_id
    WHERE ${idIn('p.id', ids)}`.execute(trx);
  const rows = products.rows.map((p) => {
    const substanceKey = normaliseText(p.substance);
    const atcKey = p.atc_code.replace(/\s+/g, '').toUpperCase();
    const prioritised = (bySubstance.get(substanceKey) ?? []).some((e) =>
      matchesListItem({ atcCode: p.atc_code, substance: p.substance, form: p.form }, e),
    );
    return {
      package_id: p.id,
      group_key: groupKey(p),
      substance_key: substanceKey,
      atc_key: atcKey,
      atc4: atcKey.slice(0, 5),
      pack_size: p.pack_size,
      company_id: p.company_id,
      prioritised,
    };
  });

  if (ids === null && copy !== null) {
    await sql`TRUNCATE picture_product`.execute(trx);
    const columns = [
      'package_id',
      'group_key',
      'substance_key',
      'atc_key',
      'atc4',
      'pack_size',
      'company_id',
      'prioritised',
    ] as const;
    await copy('picture_product', columns, csvLines(rows, columns));
    return;
  }
  for (let i = 0; i < rows.length; i += 1000) {
    await trx
      .insertInto('picture_product')
      .values(rows.slice(i, i + 1000))
      .onConflict((oc) =>
        oc.column('package_id').doUpdateSet((eb) => ({
          group_key: eb.ref('excluded.group_key'),
          substance_key: eb.ref('excluded.substance_key'),
          atc_key: eb.ref('excluded.atc_key'),
          atc4: eb.ref('excluded.atc4'),
          pack_size: eb.ref('excluded.pack_size'),
          company_id: eb.ref('excluded.company_id'),
          prioritised: eb.ref('excluded.prioritised'),
        })),
      )
      .execute();
  }
}

/** The entries of the prioritised list in force on `today` (the newest version in force). */
export async function prioritisedEntries(trx: Db, today: string): Promise<ListItemRef[]> {
  const rows = await sql<{
    code: string;
    position: number;
    atc_code: string;
    substance: string;
    form: string | null;
  }>`
    SELECT l.code, i.position, i.atc_code, i.substance, i.form
    FROM product_list_item i JOIN product_list l ON l.id = i.list_id
    WHERE l.id = (
      SELECT l2.id FROM product_list l2
      WHERE l2.code = ${PRIORITISED_LIST_CODE} AND l2.valid_from <= ${today}::date
        AND (l2.valid_to IS NULL OR l2.valid_to >= ${today}::date)
      ORDER BY l2.valid_from DESC, l2.id DESC LIMIT 1
    )
    ORDER BY i.position`.execute(trx);
  return rows.rows.map((r) => ({
    listCode: r.code,
    position: r.position,
    atcCode: r.atc_code,
    substance: r.substance,
    form: r.form,
  }));
}

function* csvLines<R extends Record<string, string | number | boolean | null>>(
  rows: readonly R[],
  columns: readonly (keyof R & string)[],
): Generator<string> {
  let chunk = '';
  for (const row of rows) {
    chunk += `${columns.map((c) => csvField(row[c])).join(',')}\n`;
    if (chunk.length > 1 << 20) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk.length > 0) yield chunk;
}

function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number') return String(value);
  return `"${value.replaceAll('"', '""')}"`;
}

// Stock -------------------------------------------------------------------------------------------

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
async function rebuildStock(
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
        });
        const theirItems = !regionalItems
          ? theirStock
          : theirStock.then(() =>
              // Not in the exported snapshot, which predates the stock just committed. What else it
              // reads (products, demand, notices, catalogue) is as committed now: a notice or
              // catalogue change committed during this refresh can show in these regions' items
              // before the others'; its own refresh, which the maintainer queues, evens them out.
              inHelperTransaction(helper, null, async (conn) => {
                await writePackageItems(conn, s, null, regionsOf(theirs), false, PART_TABLES);
                await writeGroupItems(conn, s, null, regionsOf(theirs), false, PART_TABLES);
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
        await writePackageItems(trx, s, null, regionsOf(mine));
        await writeGroupItems(trx, s, null, regionsOf(mine));
      }
      if (other.stock !== null) {
        await other.stock;
        await sql`
          INSERT INTO picture_stock (package_id, area_code, tier, total, usable, locations)
          SELECT package_id, area_code, tier, total, usable, locations FROM picture_stock_part`.execute(trx);
      }
      await sql`
        INSERT INTO picture_stock (package_id, area_code, tier, total, usable, locations)
        SELECT package_id, ${NATIONAL_AREA}, tier, sum(total), sum(usable), sum(locations)
        FROM picture_stock GROUP BY package_id, tier`.execute(trx);
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
      await sql`TRUNCATE picture_stock_part, picture_item_part`.execute(trx);
    }
  } catch (error) {
    // The other connection finishes (or fails) before this transaction rolls back.
    await Promise.allSettled([other.stock, other.items]);
    throw error;
  }
}

/**
 * The locations in `parts` lists of about equal work, whole regions each (so that each part can
 * write its regions' items), largest first onto the lightest part. A region weighs its locations'
 * lines (and one per location) plus `perRegion`, the work of its items in lines.
 */
export function splitByLines(
  facts: readonly LocationFacts[],
  parts: number,
  perRegion = 0,
  /** Work the first part has besides its regions, in lines. */
  firstExtra = 0,
): LocationFacts[][] {
  const regions = new Map<string, { lines: number; facts: LocationFacts[] }>();
  for (const f of facts) {
    const region = regions.get(f.region_code) ?? { lines: perRegion, facts: [] };
    region.lines += f.lines + 1;
    region.facts.push(f);
    regions.set(f.region_code, region);
  }
  const out = Array.from({ length: parts }, (_, i) => ({
    lines: i === 0 ? firstExtra : 0,
    facts: [] as LocationFacts[],
  }));
  for (const region of [...regions.values()].sort((a, b) => b.lines - a.lines)) {
    const lightest = out.reduce((min, p) => (p.lines < min.lines ? p : min));
    lightest.lines += region.lines;
    lightest.facts.push(...region.facts);
  }
  return out.map((p) => p.facts);
}

/**
 * Runs `fn` on a connection of its own, in a transaction that reads in the snapshot `snapshotId`
 * exported by the refresh's transaction (or its own, when null), and commits it.
 */
async function inHelperTransaction(
  helper: Db,
  snapshotId: string | null,
  fn: (conn: Db) => Promise<void>,
): Promise<void> {
  if (snapshotId !== null && !/^[0-9A-F-]+$/i.test(snapshotId)) {
    throw new Error(`unexpected snapshot id ${snapshotId}`);
  }
  await helper.connection().execute(async (conn) => {
    await sql`BEGIN ISOLATION LEVEL REPEATABLE READ`.execute(conn);
    try {
      if (snapshotId !== null) await sql.raw(`SET TRANSACTION SNAPSHOT '${snapshotId}'`).execute(conn);
      await sql`SET LOCAL work_mem = '256MB'`.execute(conn);
      await sql`SET LOCAL jit = off`.execute(conn);
      await fn(conn);
      await sql`COMMIT`.execute(conn);
    } catch (e) {
      await sql`ROLLBACK`.execute(conn).catch(() => undefined);
      throw e;
    }
  });
}

/**
 * Stock per package in each region x tier of the locations given, into `table`. Per location first
 * (a package's batches, and its differences), then per package in each region x tier. At national
 * scale that is 10 million lines in 2,000 snapshots; measured on bench/lagesbild.ts, what makes it
 * fast:
 * - the region x tier combinations are the outer loop, so the second aggregation keeps ~15,000
 *   groups in memory at a time instead of a million and a half;
 * - a location without differences reads its lines alone, in the order of the index on
 *   (snapshot_id, package_id), so each package's batches are summed as they stream by;
 * - the sums are float8 (no numeric aggregate state to allocate per package and location), stored
 *   as numeric: exact for whole quantities below 2^53, and to 15 significant digits otherwise, which
 *   is more than any quantity reported has (they arrive as JavaScript numbers).
 */
async function insertStock(
  db: Db,
  table: 'picture_stock' | 'picture_stock_part',
  locations: readonly LocationFacts[],
  s: Settings,
): Promise<void> {
  if (locations.length === 0) return;
  const cutOff = addDays(s.today, s.horizonDays);
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
  const usable = (alias: string) =>
    sql`sum(${sql.ref(`${alias}.quantity`)}::float8) FILTER (WHERE ${sql.ref(`${alias}.expiry`)} IS NULL OR ${sql.ref(`${alias}.expiry`)} > ${cutOff}::date)`;
  await sql`
    INSERT INTO ${sql.table(table)} (package_id, area_code, tier, total, usable, locations)
    WITH loc AS (
      SELECT * FROM json_to_recordset(${rows}::json) AS x(location_id bigint, snapshot_id bigint,
        counted_at timestamptz, difference_report_id bigint, region_code text, tier text)
    ),
    combo AS (SELECT region_code, tier, array_agg(location_id) AS ids FROM loc GROUP BY region_code, tier)
    SELECT a.package_id, c.region_code, c.tier, a.total, a.usable, a.locations
    FROM combo c
    CROSS JOIN LATERAL (
      SELECT p.package_id, sum(p.total) AS total, sum(p.usable) AS usable,
             count(*) FILTER (WHERE p.total > 0) AS locations
      FROM loc
      CROSS JOIN LATERAL (
        SELECT sl.package_id, sum(sl.quantity::float8) AS total, coalesce(${usable('sl')}, 0) AS usable
        FROM stock_line sl
        WHERE sl.snapshot_id = loc.snapshot_id AND loc.difference_report_id = 0
        GROUP BY sl.package_id
        UNION ALL
        SELECT e.package_id, sum(e.quantity::float8), coalesce(${usable('e')}, 0)
        FROM (
          SELECT sl.package_id, sl.quantity, sl.expiry FROM stock_line sl WHERE sl.snapshot_id = loc.snapshot_id
          UNION ALL
          SELECT d.package_id, d.quantity, d.expiry FROM stock_difference_line d
          WHERE d.location_id = loc.location_id AND (loc.counted_at IS NULL OR d.counted_at > loc.counted_at)
            AND d.report_id <= loc.difference_report_id
        ) e
        WHERE loc.difference_report_id <> 0
        GROUP BY e.package_id
      ) p
      WHERE loc.location_id = ANY(c.ids)
      GROUP BY p.package_id
      HAVING sum(p.total) <> 0 OR sum(p.usable) <> 0 OR count(*) FILTER (WHERE p.total > 0) > 0
    ) a`.execute(db);
}

/**
 * Replaces the contribution of `locationIds` to picture_stock: adds their current facts and subtracts
 * the facts recorded for them in picture_location_state. Returns the packages and areas touched.
 */
async function applyStockDelta(
  trx: Tx,
  s: Settings,
  locationIds: readonly number[],
): Promise<{ packages: number[]; areas: string[] }> {
  const cutOff = addDays(s.today, s.horizonDays);
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
  await sql`
    CREATE TEMP TABLE picture_delta ON COMMIT DROP AS
    WITH old_state AS (
      SELECT * FROM picture_location_state WHERE location_id = ANY(${locationIds}::bigint[])
    ),
    entry AS (
      SELECT 1 AS sign, st.location_id, sl.package_id, sl.quantity, sl.expiry
      FROM picture_new_state st JOIN stock_line sl ON sl.snapshot_id = st.snapshot_id
      UNION ALL
      SELECT 1, st.location_id, d.package_id, d.quantity, d.expiry
      FROM picture_new_state st
      JOIN stock_difference_line d ON d.location_id = st.location_id
        AND (st.counted_at IS NULL OR d.counted_at > st.counted_at)
        AND d.report_id <= st.difference_report_id
      UNION ALL
      SELECT -1, st.location_id, sl.package_id, sl.quantity, sl.expiry
      FROM old_state st JOIN stock_line sl ON sl.snapshot_id = st.snapshot_id
      UNION ALL
      SELECT -1, st.location_id, d.package_id, d.quantity, d.expiry
      FROM old_state st
      JOIN stock_difference_line d ON d.location_id = st.location_id
        AND (st.counted_at IS NULL OR d.counted_at > st.counted_at)
        AND d.report_id <= st.difference_report_id
    ),
    per_location AS (
      SELECT location_id, package_id,
        coalesce(sum(quantity) FILTER (WHERE sign = 1), 0) AS new_total,
        coalesce(sum(quantity) FILTER (WHERE sign = -1), 0) AS old_total,
        coalesce(sum(quantity) FILTER (WHERE sign = 1 AND (expiry IS NULL OR expiry > ${cutOff}::date)), 0)
          AS new_usable,
        coalesce(sum(quantity) FILTER (WHERE sign = -1 AND (expiry IS NULL OR expiry > ${cutOff}::date)), 0)
          AS old_usable
      FROM entry GROUP BY location_id, package_id
    )
    SELECT pl.package_id, l.region_code::text AS region_code, ${tierCaseSql('l.kind')} AS tier,
           sum(pl.new_total - pl.old_total) AS total,
           sum(pl.new_usable - pl.old_usable) AS usable,
           sum((pl.new_total > 0)::int - (pl.old_total > 0)::int)::int AS locations
    FROM per_location pl JOIN location l ON l.id = pl.location_id
    GROUP BY pl.package_id, l.region_code, 3`.execute(trx);
  await sql`ANALYZE picture_delta`.execute(trx);

  // Add the delta; rows left at zero everywhere (sold out, and no location holds any) go.
  const emptied = await sql<{ package_id: number; area_code: string; tier: string }>`
    WITH moved AS (
      INSERT INTO picture_stock AS ps (package_id, area_code, tier, total, usable, locations)
      SELECT package_id, region_code, tier, total, usable, locations FROM picture_delta
      UNION ALL
      SELECT package_id, ${NATIONAL_AREA}, tier, sum(total), sum(usable), sum(locations)::int
      FROM picture_delta GROUP BY package_id, tier
      ON CONFLICT (package_id, area_code, tier) DO UPDATE SET
        total = ps.total + excluded.total,
        usable = ps.usable + excluded.usable,
        locations = ps.locations + excluded.locations
      RETURNING ps.package_id, ps.area_code, ps.tier, ps.total, ps.usable, ps.locations
    )
    SELECT package_id, area_code, tier FROM moved WHERE total = 0 AND usable = 0 AND locations = 0`.execute(
    trx,
  );
  if (emptied.rows.length > 0) {
    await sql`
      DELETE FROM picture_stock ps
      USING json_to_recordset(${JSON.stringify(emptied.rows)}::json) AS e(package_id bigint, area_code text, tier text)
      WHERE ps.package_id = e.package_id AND ps.area_code = e.area_code AND ps.tier = e.tier`.execute(trx);
  }

  await sql`
    DELETE FROM picture_location_state WHERE location_id = ANY(${locationIds}::bigint[])`.execute(trx);
  await sql`
    INSERT INTO picture_location_state (location_id, snapshot_id, counted_at, difference_report_id)
    SELECT location_id, snapshot_id, counted_at, difference_report_id FROM picture_new_state
    WHERE snapshot_id IS NOT NULL OR difference_report_id > 0`.execute(trx);

  const touched = await sql<{ package_id: number }>`
    SELECT DISTINCT package_id FROM picture_delta`.execute(trx);
  const areas = await sql<{ region_code: string }>`
    SELECT DISTINCT l.region_code::text AS region_code FROM location l
    WHERE l.id = ANY(${locationIds}::bigint[])`.execute(trx);
  await sql`DROP TABLE picture_new_state`.execute(trx);
  return {
    packages: touched.rows.map((r) => r.package_id),
    areas: [NATIONAL_AREA, ...areas.rows.map((r) => r.region_code)],
  };
}

// Demand ------------------------------------------------------------------------------------------

/**
 * The sales rows give the demand inputs and the monthly history:
 * - window sums per package x region, and the domain's rule on them (picture_demand_rule, the SQL twin
 *   of estimateDemand). A weekly row straddling a window edge counts pro rata by its days inside.
 *   History starts at the package's first sale in any region;
 * - national sales per package and month, the window's month and the twelve before it (a row counts
 *   in the month it starts).
 */
async function writeSales(trx: Tx, s: Settings, ids: readonly number[] | null): Promise<void> {
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

// Items -------------------------------------------------------------------------------------------

async function deleteItems(
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
function coverageExpressions(
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
    [
      'risk_class',
      sql`CASE WHEN ${perDay} <= 0 THEN 'no_demand' WHEN ${days} < ${t.criticalBelowDays} THEN 'critical'
               WHEN ${days} < ${t.lowBelowDays} THEN 'low' ELSE 'adequate' END`,
    ],
    [
      'risk_rank',
      sql`CASE WHEN ${perDay} <= 0 THEN 3 WHEN ${days} < ${t.criticalBelowDays} THEN 0
               WHEN ${days} < ${t.lowBelowDays} THEN 1 ELSE 2 END`,
    ],
  ];
}

/** {@link coverageExpressions} of `b.usable`, `b.per_day` and `b.days` as select-list columns. */
function coverageColumns(s: Settings): RawBuilder<unknown> {
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
 * a third less time at national scale.
 */
function itemBase(key: string, noticeKeys: RawBuilder<unknown>, national: boolean): RawBuilder<unknown> {
  const k = sql.raw(key);
  return sql`
    sd AS (
      SELECT coalesce(st.${k}, dm.${k}) AS ${k}, coalesce(st.area_code, dm.area_code) AS area_code,
             st.total, st.usable, dm.per_day, dm.basis, dm.recent_per_day, dm.baseline_per_day, dm.seasonal_per_day
      FROM st FULL JOIN dm ON dm.${k} = st.${k} AND dm.area_code = st.area_code
    ),
    b0 AS (
      SELECT * FROM sd
      WHERE sd.total IS NOT NULL OR sd.per_day > 0
         OR (${national} AND sd.area_code = ${NATIONAL_AREA} AND sd.${k} IN (${noticeKeys}))
      UNION ALL
      SELECT n.${k}, ${NATIONAL_AREA}, NULL, NULL, NULL, NULL, NULL, NULL, NULL
      FROM (${noticeKeys}) n
      WHERE ${national}
        AND NOT EXISTS (SELECT 1 FROM st WHERE st.${k} = n.${k} AND st.area_code = ${NATIONAL_AREA})
        AND NOT EXISTS (SELECT 1 FROM dm WHERE dm.${k} = n.${k} AND dm.area_code = ${NATIONAL_AREA})
    ),
    b AS (
      SELECT ${k}, area_code, coalesce(total, 0) AS total, coalesce(usable, 0) AS usable,
             coalesce(per_day, 0) AS per_day, coalesce(basis, 'no_sales') AS basis,
             coalesce(recent_per_day, 0) AS recent_per_day, baseline_per_day, seasonal_per_day,
             CASE WHEN per_day > 0 THEN greatest(coalesce(usable, 0), 0) / per_day END AS days
      FROM b0
    )`;
}

/** Notices in force on `today` or starting within the lead days (isNoticeActive / isNoticeUpcoming). */
function noticeCondition(s: Settings, alias: string): RawBuilder<boolean> {
  const start = sql.ref(`${alias}.expected_start`);
  const end = sql.ref(`${alias}.expected_end`);
  return sql<boolean>`(
    (${start} <= ${s.today}::date AND (${end} IS NULL OR ${end} >= ${s.today}::date))
    OR (${start} > ${s.today}::date AND ${start} <= ${s.today}::date + ${s.thresholds.noticeLeadDays}::int))`;
}

/** Where item writers read stock and write items: the picture's tables, or a helper's part tables. */
interface ItemTables {
  stock: 'picture_stock' | 'picture_stock_part';
  items: 'picture_item' | 'picture_item_part';
}
const OWN_TABLES: ItemTables = { stock: 'picture_stock', items: 'picture_item' };
const PART_TABLES: ItemTables = { stock: 'picture_stock_part', items: 'picture_item_part' };

const ITEM_COLUMN_NAMES = `kind, ref, area_code, package_id, group_key, substance_key, atc_key, atc4,
  company_id, name, substance, strength, form, atc_code, unit, total_stock, usable_stock, demand_per_day,
  demand_basis, recent_per_day, baseline_per_day, seasonal_per_day, coverage_days, runs_out_on,
  runs_out_with_deliveries_on, incoming, risk_class, risk_rank, prioritised, active_notice`;
const ITEM_COLUMNS = sql.raw(`(${ITEM_COLUMN_NAMES})`);
const ITEM_COLUMN_LIST = sql.raw(ITEM_COLUMN_NAMES);

/**
 * Package items: national ('SE': stock of the nation, demand = sum of the regions' estimates, as
 * docs/lagesbild.md decides) and per region, for every package with stock or demand there, and
 * nationally also for every package with a notice in force.
 */
async function writePackageItems(
  trx: Db,
  s: Settings,
  packages: readonly number[] | null,
  areas: readonly string[] | null,
  onlyMissing = false,
  tables: ItemTables = OWN_TABLES,
): Promise<void> {
  const conflict = onlyMissing ? sql`ON CONFLICT (kind, ref, area_code) DO NOTHING` : sql``;
  const national = areas === null || areas.includes(NATIONAL_AREA);
  await sql`
    INSERT INTO ${sql.table(tables.items)} ${ITEM_COLUMNS}
    WITH st AS (
      SELECT package_id, area_code, sum(total) AS total, sum(usable) AS usable
      FROM ${sql.table(tables.stock)}
      WHERE ${idIn('package_id', packages)} AND ${textIn('area_code', areas)}
      GROUP BY package_id, area_code
    ),
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
    ${itemBase('package_id', sql`SELECT package_id FROM notice`, national)}
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
async function writeGroupItems(
  trx: Db,
  s: Settings,
  packages: readonly number[] | null,
  areas: readonly string[] | null,
  onlyMissing = false,
  tables: ItemTables = OWN_TABLES,
): Promise<void> {
  const conflict = onlyMissing ? sql`ON CONFLICT (kind, ref, area_code) DO NOTHING` : sql``;
  const national = areas === null || areas.includes(NATIONAL_AREA);
  const groupFilter =
    packages === null
      ? sql<boolean>`true`
      : sql<boolean>`pp.group_key IN (SELECT group_key FROM picture_product WHERE package_id = ANY(${packages}::bigint[]))`;
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
    st AS (
      SELECT mb.group_key, ps.area_code, sum(ps.total * mb.pack_size) AS total,
             sum(ps.usable * mb.pack_size) AS usable
      FROM ${sql.table(tables.stock)} ps JOIN members mb ON mb.package_id = ps.package_id
      WHERE ${textIn('ps.area_code', areas)}
      GROUP BY mb.group_key, ps.area_code
    ),
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
      CROSS JOIN LATERAL picture_demand_rule(x.recent_sum, x.baseline_sum, x.seasonal_sum,
        (${s.windowEnd}::date - gf.first_day + 1), ${DEFAULT_RECENT_DAYS}::int, ${DEFAULT_BASELINE_DAYS}::int,
        ${YEAR_DAYS}::int) r
    ),
    dm AS (
      SELECT * FROM regional WHERE ${textIn('area_code', areas)}
      UNION ALL
      SELECT group_key, ${NATIONAL_AREA}, sum(per_day), 'sum_of_regions', sum(recent_per_day),
             sum(baseline_per_day), sum(seasonal_per_day)
      FROM regional WHERE ${national} GROUP BY group_key
    ),
    ${itemBase('group_key', sql`SELECT group_key FROM gflags WHERE notice`, national)}
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

/**
 * The run-out date with expected deliveries, by the domain's own simulateSupply, for the items that
 * have deliveries within the simulated year. The items' stock is simulated as one lot of usable stock
 * (stock expiring within the horizon is not counted, as in coverage); the product page simulates the
 * actual lots. A delivery counts nationally, and in the region of its location when that is known.
 */
async function applyDeliveries(
  trx: Tx,
  s: Settings,
  packages: readonly number[] | null,
  areas: readonly string[] | null,
): Promise<void> {
  const until = addDays(s.today, DEFAULT_SIMULATION_DAYS);
  const rows = await sql<{
    kind: 'package' | 'group';
    ref: string;
    area_code: string;
    usable: number;
    per_day: number;
    deliveries: { on: string; quantity: number }[];
  }>`
    WITH d AS (
      SELECT e.package_id, e.expected_on, e.quantity, l.region_code::text AS region_code
      FROM current_expected_delivery e LEFT JOIN location l ON l.id = e.location_id
      WHERE e.expected_on >= ${s.today}::date AND e.expected_on < ${until}::date
        AND ${membersOf('e.package_id', packages)}
    ),
    per_area AS (
      SELECT package_id, ${NATIONAL_AREA} AS area_code, expected_on, quantity FROM d
      UNION ALL
      SELECT package_id, region_code, expected_on, quantity FROM d WHERE region_code IS NOT NULL
    ),
    per_item AS (
      SELECT 'package' AS kind, package_id::text AS ref, area_code, expected_on, quantity FROM per_area
      UNION ALL
      SELECT 'group', pp.group_key, a.area_code, a.expected_on, a.quantity * pp.pack_size
      FROM per_area a JOIN picture_product pp ON pp.package_id = a.package_id
    )
    SELECT i.kind, i.ref, i.area_code, i.usable_stock AS usable, i.demand_per_day AS per_day,
           json_agg(json_build_object('on', x.expected_on, 'quantity', x.quantity)) AS deliveries
    FROM per_item x
    JOIN picture_item i ON i.kind = x.kind AND i.ref = x.ref AND i.area_code = x.area_code
    WHERE ${textIn('i.area_code', areas)}
    GROUP BY i.kind, i.ref, i.area_code, i.usable_stock, i.demand_per_day`.execute(trx);
  if (rows.rows.length === 0) return;

  const updates = rows.rows.map((r) => {
    const deliveries = r.deliveries.map((d) => ({ expectedOn: d.on, quantity: Number(d.quantity) }));
    const outlook = simulateSupply({
      today: s.today,
      demandPerDay: Number(r.per_day),
      lots: [{ quantity: Math.max(0, Number(r.usable)), expiry: null }],
      deliveries,
    });
    return {
      kind: r.kind,
      ref: r.ref,
      area_code: r.area_code,
      runs_out: outlook.runsOutOn,
      incoming: deliveries.reduce((sum, d) => sum + d.quantity, 0),
    };
  });
  for (let i = 0; i < updates.length; i += 5000) {
    await sql`
      UPDATE picture_item i
      SET runs_out_with_deliveries_on = u.runs_out, incoming = u.incoming
      FROM json_to_recordset(${JSON.stringify(updates.slice(i, i + 5000))}::json)
        AS u(kind text, ref text, area_code text, runs_out date, incoming numeric)
      WHERE i.kind = u.kind AND i.ref = u.ref AND i.area_code = u.area_code`.execute(trx);
  }
}

/**
 * R4 kritisk brist, the SQL twin of assessRisk's flag: prioritised AND critical AND no relevant
 * alternative available in the same area: another item of the same kind in the same group, of the
 * same substance, or of the same ATC level 4, with usable stock and not critical itself (no demand, or
 * coverage at least the critical threshold).
 */
async function markCriticalShortage(trx: Tx, s: Settings, areas: readonly string[] | null): Promise<void> {
  // An alternative is available: usable stock, and not critical itself (no demand, or coverage at
  // least the critical threshold). One index-backed probe per relation: same group, substance, ATC 4.
  const available = (relation: RawBuilder<boolean>) => sql<boolean>`EXISTS (
    SELECT 1 FROM picture_item c
    WHERE c.area_code = i.area_code AND c.kind = i.kind AND ${relation} AND c.ref <> i.ref
      AND c.usable_stock > 0
      AND (c.demand_per_day = 0 OR c.usable_stock / c.demand_per_day >= ${s.thresholds.criticalBelowDays}))`;
  await sql`
    UPDATE picture_item i SET critical_shortage = (
      i.prioritised AND i.risk_class = 'critical'
      AND NOT ${available(sql<boolean>`c.group_key = i.group_key`)}
      AND NOT ${available(sql<boolean>`c.substance_key = i.substance_key`)}
      AND NOT (length(i.atc4) = 5 AND ${available(sql<boolean>`c.atc4 = i.atc4`)}))
    WHERE ${textIn('i.area_code', areas)} AND i.prioritised AND i.risk_rank = 0`.execute(trx);
  // Flags left from before on items no longer prioritised and critical.
  await sql`
    UPDATE picture_item i SET critical_shortage = false
    WHERE ${textIn('i.area_code', areas)} AND i.critical_shortage AND NOT (i.prioritised AND i.risk_rank = 0)`.execute(
    trx,
  );
}

/** The items of the areas (or all) counted by kind, risk class and flag into picture_count. */
async function recount(trx: Tx, areas: readonly string[] | null): Promise<void> {
  await sql`DELETE FROM picture_count WHERE ${textIn('area_code', areas)}`.execute(trx);
  await sql`
    INSERT INTO picture_count (area_code, kind, critical, low, adequate, no_demand, prioritised_critical,
      critical_shortage, active_notice, total)
    SELECT i.area_code, i.kind,
      count(*) FILTER (WHERE i.risk_rank = 0), count(*) FILTER (WHERE i.risk_rank = 1),
      count(*) FILTER (WHERE i.risk_rank = 2), count(*) FILTER (WHERE i.risk_rank = 3),
      count(*) FILTER (WHERE i.risk_rank = 0 AND i.prioritised), count(*) FILTER (WHERE i.critical_shortage),
      count(*) FILTER (WHERE i.active_notice), count(*)
    FROM picture_item i WHERE ${textIn('i.area_code', areas)}
    GROUP BY i.area_code, i.kind`.execute(trx);
}

/**
 * The day's national stock per package into the history, by the full refresh that opens each day.
 * The product page adds the current figure live (picture_stock), so incremental refreshes leave the
 * history alone.
 */
async function recordHistory(trx: Tx, s: Settings): Promise<void> {
  await sql`DELETE FROM picture_stock_history WHERE on_date = ${s.today}::date`.execute(trx);
  await sql`
    INSERT INTO picture_stock_history (package_id, on_date, total, usable)
    SELECT package_id, ${s.today}::date, sum(total), sum(usable)
    FROM picture_stock WHERE area_code = ${NATIONAL_AREA}
    GROUP BY package_id`.execute(trx);
}

/**
 * Backfills the stock history from the snapshots: for each day, every location's newest snapshot
 * counted by the end of that day (UTC) plus its differences counted after it until then, with the
 * usable stock judged against that day's horizon. Rows the refresh wrote are replaced.
 */
export async function backfillStockHistory(
  store: Store,
  days: readonly string[],
  horizonDays = DEFAULT_HORIZON_DAYS,
): Promise<void> {
  await store.bulkTransaction(async (trx) => {
    for (const day of days) {
      const endOfDay = `${addDays(day, 1)}T00:00:00Z`;
      const cutOff = addDays(day, horizonDays);
      await sql`DELETE FROM picture_stock_history WHERE on_date = ${day}::date`.execute(trx);
      await sql`
        INSERT INTO picture_stock_history (package_id, on_date, total, usable)
        WITH snap AS (
          SELECT l.id AS location_id, s.id AS snapshot_id, s.counted_at
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
          UNION ALL
          SELECT d.package_id, d.quantity, d.expiry
          FROM snap JOIN stock_difference_line d ON d.location_id = snap.location_id
            AND (snap.counted_at IS NULL OR d.counted_at > snap.counted_at)
            AND d.counted_at < ${endOfDay}::timestamptz
        )
        SELECT package_id, ${day}::date, sum(quantity),
               coalesce(sum(quantity) FILTER (WHERE expiry IS NULL OR expiry > ${cutOff}::date), 0)
        FROM entry GROUP BY package_id`.execute(trx);
    }
  });
}
