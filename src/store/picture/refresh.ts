import { sql } from 'kysely';
import { dayNumber } from '../../domain/calendar.js';
import { DEFAULT_MIN_SHELF_LIFE_DAYS } from '../../domain/coverage.js';
import { AppError } from '../../domain/errors.js';
import { riskThresholds } from '../../domain/risk.js';
import { NATIONAL_AREA } from '../../domain/access.js';
import type { CopyFn, Db, Store, Tx } from '../database.js';
import { recount } from './counts.js';
import { applyDeliveries } from './deliveries.js';
import { findRegionWindows, regionWindowsMoved, writeSales } from './demand.js';
import { writeFreshness } from './freshness.js';
import { recordHistory } from './history.js';
import { reserveKindSql } from './reserve.js';
import {
  applyStockToItems,
  deleteItems,
  OWN_TABLES,
  writeAreaItems,
  writeGroupItems,
  writePackageItems,
} from './items.js';
import { writeProducts } from './products.js';
import { helperOf } from './second-connection.js';
import {
  DEFAULT_DELTA_ITEM_LIMIT,
  DEFAULT_DELTA_LIMIT,
  type RefreshPictureOptions,
  type RefreshPictureResult,
  type Settings,
  type Step,
} from './settings.js';
import { markPossibleCriticalShortage } from './shortage.js';
import { unique, withoutIndexes } from './sql.js';
import { applyStockDelta, rebuildStock } from './stock.js';
import {
  buildAside,
  FULL_REBUILD_TABLES,
  ITEM_REBUILD_TABLES,
  STOCK_REBUILD_TABLES,
  swapIn,
  type Aside,
} from './swap.js';

/**
 * Brings the maintained aggregates of the picture (0003_picture.sql) up to date, in one transaction.
 *
 * Full refresh (first time, a new `today`, other settings, or `full`): every table is rebuilt from the
 * facts. Incremental (same day and settings): `locationIds` replace those locations' contribution to
 * the stock aggregates (their previous contribution is subtracted, the current one added: the work is
 * proportional to the report, not to the country), and `packageIds` recompute those packages' demand;
 * then the items of the packages touched, their groups, and the possible-critical-shortage signals of the areas
 * touched are recomputed. Ingest calls it after each accepted report (see docs/lagesbild.md).
 *
 * It runs on the refresh's own connections (`Store.refresh`), never on the pool that serves requests.
 * A full or stock refresh builds the tables it rebuilds aside and swaps them in just before it commits
 * (swap.ts), so readers keep the last complete picture meanwhile; an incremental one updates rows in
 * place, which blocks no reader either.
 */
export async function refreshPicture(
  store: Store,
  options: RefreshPictureOptions,
): Promise<RefreshPictureResult> {
  dayNumber(options.today); // validates
  const minShelfLifeDays = options.minShelfLifeDays ?? DEFAULT_MIN_SHELF_LIFE_DAYS;
  if (!Number.isInteger(minShelfLifeDays) || minShelfLifeDays < 0) {
    throw AppError.invalid(
      `minimum remaining shelf life of ${minShelfLifeDays} days is not a whole number >= 0`,
      [
        {
          field: 'minShelfLifeDays',
          value: minShelfLifeDays,
          expected: 'a whole number of days >= 0',
          message: 'bad minimum remaining shelf life',
        },
      ],
    );
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

  return store.refresh.transaction(async (trx, copy) => {
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
    // Each region's sales window ends on its own last reported day (docs/lagesbild.md).
    const windows = await step('salesThrough', () => findRegionWindows(trx, options.today));
    const { salesThrough, windowEnd } = windows;
    const settings: Settings = {
      today: options.today,
      windowEnd,
      salesThrough,
      regionWindows: windows.regions,
      minShelfLifeDays,
      thresholds,
    };
    const moved = previous === undefined ? null : await regionWindowsMoved(trx, windows.regions);

    const reason =
      options.full === true
        ? 'asked for'
        : previous === undefined
          ? 'first refresh'
          : previous.today !== options.today
            ? `new day (${previous.today} → ${options.today})`
            : previous.window_end !== windowEnd || moved !== null
              ? moved === null || previous.window_end !== windowEnd
                ? `sales now reach ${windowEnd}`
                : moved
              : previous.min_shelf_life_days !== minShelfLifeDays ||
                  Number(previous.critical_below_days) !== thresholds.criticalBelowDays ||
                  Number(previous.low_below_days) !== thresholds.lowBelowDays ||
                  previous.notice_lead_days !== thresholds.noticeLeadDays
                ? 'settings changed'
                : options.locationIds === undefined && options.packageIds === undefined
                  ? 'nothing named: everything'
                  : null;

    let packages: number;
    let mode: RefreshPictureResult['mode'];
    let aside: Aside | null = null;
    if (reason !== null) {
      mode = 'full';
      ({ packages, aside } = await rebuild(trx, copy, settings, step, null, helperOf(store)));
    } else if ((options.locationIds?.length ?? 0) > (options.deltaLimit ?? DEFAULT_DELTA_LIMIT)) {
      mode = 'stock';
      ({ packages, aside } = await rebuild(
        trx,
        copy,
        settings,
        step,
        unique(options.packageIds ?? []),
        helperOf(store),
      ));
    } else if (
      (await itemRowsToMove(trx, options.locationIds ?? [])) >
      (options.deltaItemLimit ?? DEFAULT_DELTA_ITEM_LIMIT)
    ) {
      // Few locations, but many items to move (a warehouse feeds every region): their stock is moved
      // by the delta, and the items are written again from all stock (the stock of the others is as
      // it was: rebuilding it cost more than the items, 627 s of 663 s for one warehouse's report).
      mode = 'stock';
      ({ packages, aside } = await rebuild(
        trx,
        copy,
        settings,
        step,
        unique(options.packageIds ?? []),
        helperOf(store),
        unique(options.locationIds ?? []),
      ));
    } else {
      mode = 'incremental';
      packages = await incrementalRefresh(trx, settings, options, step);
    }

    await step('freshness', () =>
      writeFreshness(trx, settings, reason !== null ? null : unique(options.locationIds ?? [])),
    );
    // The newest count of everyday stock: when a preparedness stock last reported is not shown either.
    const countedUntil = await sql<{ at: Date | null }>`
      SELECT max(st.counted_at) AS at FROM picture_location_state st JOIN location l ON l.id = st.location_id
      WHERE NOT ${reserveKindSql('l.kind')}`.execute(trx);
    const now = new Date();
    await trx
      .insertInto('picture_state')
      .values({
        id: 1,
        today: settings.today,
        window_end: settings.windowEnd,
        sales_through: settings.salesThrough,
        min_shelf_life_days: minShelfLifeDays,
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
          min_shelf_life_days: eb.ref('excluded.min_shelf_life_days'),
          critical_below_days: eb.ref('excluded.critical_below_days'),
          low_below_days: eb.ref('excluded.low_below_days'),
          notice_lead_days: eb.ref('excluded.notice_lead_days'),
          stock_counted_until: eb.ref('excluded.stock_counted_until'),
          full_refreshed_at: eb.ref('excluded.full_refreshed_at'),
          refreshed_at: eb.ref('excluded.refreshed_at'),
        })),
      )
      .execute();
    // Last, right before the commit: the only moment readers of the rebuilt tables wait.
    if (aside !== null) {
      const built = aside;
      await step('swap', () => swapIn(trx, built));
    }

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

/**
 * About how many item rows moving the stock of `locationIds` would recompute: per location the lines
 * that changed since the picture recorded it (a new snapshot: the larger of its and the recorded one's
 * line counts; otherwise the difference lines since) × the areas it feeds (its region and the nation;
 * a warehouse's share goes to every region it may serve).
 */
async function itemRowsToMove(trx: Tx, locationIds: readonly number[]): Promise<number> {
  if (locationIds.length === 0) return 0;
  const result = await sql<{ n: number | null }>`
    SELECT sum(
      CASE WHEN cs.snapshot_id IS DISTINCT FROM st.snapshot_id
           THEN greatest(coalesce(ns.line_count, 0), coalesce(os.line_count, 0))
           ELSE (SELECT count(*) FROM stock_difference_line d
                 WHERE d.location_id = l.id AND d.report_id > coalesce(st.difference_report_id, 0))
      END
      * CASE WHEN l.kind = 'wholesaler_warehouse' THEN (SELECT count(*) FROM region) + 1 ELSE 2 END
    )::float8 AS n
    FROM location l
    LEFT JOIN current_snapshot cs ON cs.location_id = l.id
    LEFT JOIN stock_snapshot ns ON ns.id = cs.snapshot_id
    LEFT JOIN picture_location_state st ON st.location_id = l.id
    LEFT JOIN stock_snapshot os ON os.id = st.snapshot_id
    WHERE l.id = ANY(${unique(locationIds)}::bigint[])`.execute(trx);
  return Number(result.rows[0]?.n ?? 0);
}

/**
 * Rebuilds the aggregates from the facts. `salesPackages` null: everything (a full refresh: also the
 * products, demand, monthly sales and the day's history). Otherwise (`stock` mode, many locations at
 * once): stock and items from all current stock, demand kept, recomputed only for the packages named.
 *
 * The tables it rebuilds from empty are built aside (swap.ts): the caller swaps them in (`swapIn`)
 * as the last thing before it commits.
 */
export async function rebuild(
  trx: Tx,
  copy: CopyFn,
  s: Settings,
  step: Step,
  salesPackages: readonly number[] | null,
  helper: Db | null,
  /**
   * Stock mode for few locations: their stock moved by the delta (applyStockDelta) instead of all
   * stock rebuilt; the items are rebuilt as in stock mode.
   */
  deltaLocations: readonly number[] | null = null,
): Promise<{ packages: number; aside: Aside }> {
  const full = salesPackages === null;
  const delta = full ? null : deltaLocations;
  const aside = await step('aside', () =>
    buildAside(trx, full ? FULL_REBUILD_TABLES : delta !== null ? ITEM_REBUILD_TABLES : STOCK_REBUILD_TABLES),
  );
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
  const regional = !full && helper !== null && delta === null;
  await sql`TRUNCATE picture_item`.execute(trx);
  await withoutIndexes(trx, 'picture_item', true, async () => {
    // With regional items the national ones are written inside the stock step, while the other
    // connection writes its regions' (the changed packages are written again below).
    const national = () => writeAreaItems(trx, s, [NATIONAL_AREA], OWN_TABLES, step);
    if (delta !== null) {
      await step('stockDelta', async () => {
        await applyStockDelta(trx, s, delta);
        await sql`DROP TABLE picture_delta`.execute(trx);
      });
    } else {
      await step('stock', () => rebuildStock(trx, s, helper, regional, regional ? national : null));
    }
    if (full) await step('sales', () => writeSales(trx, s, null));
    else if (salesPackages.length > 0) await step('sales', () => writeSales(trx, s, salesPackages));
    if (!regional) {
      // The lots, stock and demand were filled in this transaction: the items' joins over them are
      // planned from their statistics (the analyze step below covers the tables written after).
      await step('analyzeLots', () =>
        sql`ANALYZE picture_stock_expiry, picture_wholesale_expiry, picture_stock, picture_wholesale_stock,
          picture_demand, picture_product`.execute(trx),
      );
      await writeAreaItems(trx, s, null, OWN_TABLES, step);
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
  // After the indexes, not before: an update of the new table before its indexes are built leaves
  // heap-only tuple chains, and indexes built over those cannot be used by this transaction
  // (pg_index.indcheckxmin): the signal step below then read the items without them (93 s instead
  // of 0.1 s at national scale, measured).
  await step('deliveries', () => applyDeliveries(trx, s, null, null));
  await step('possibleCriticalShortage', () => markPossibleCriticalShortage(trx, s, null));
  await step('counts', () => recount(trx, null));
  if (full) await step('history', () => recordHistory(trx, s));
  const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM picture_product`.execute(trx);
  return { packages: n.rows[0]?.n ?? 0, aside };
}

export async function incrementalRefresh(
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
  // So are those whose stock changed in the group of a named one: the group is rebuilt from the new
  // stock, and moving it by their delta as well would count that delta twice.
  let rebuilt = salesPackages;
  if (salesPackages.length > 0 && stockPackages.length > 0) {
    const mates = await sql<{ package_id: number }>`
      SELECT package_id FROM picture_product WHERE package_id = ANY(${stockPackages}::bigint[])
        AND group_key IN (SELECT group_key FROM picture_product WHERE package_id = ANY(${salesPackages}::bigint[]))`.execute(
      trx,
    );
    rebuilt = unique([...salesPackages, ...mates.rows.map((r) => r.package_id)]);
  }
  if (rebuilt.length > 0) {
    await step('items', async () => {
      await deleteItems(trx, rebuilt, null);
      await writePackageItems(trx, s, rebuilt, null);
      await writeGroupItems(trx, s, rebuilt, null);
      await applyDeliveries(trx, s, rebuilt, null);
    });
  }
  // Only stock changed for the others: their items move by the delta, in the areas of the locations.
  const stockOnly = stockPackages.filter((p) => !rebuilt.includes(p));
  if (stockOnly.length > 0) {
    await step('stockItems', () => applyStockToItems(trx, s, stockOnly, stockAreas, salesPackages));
  }
  if (locationIds.length > 0) await sql`DROP TABLE picture_delta`.execute(trx);

  const touched = unique([...salesPackages, ...stockPackages]);
  if (touched.length > 0) {
    const areas = salesPackages.length > 0 ? null : stockAreas;
    await step('possibleCriticalShortage', () => markPossibleCriticalShortage(trx, s, areas));
    await step('counts', () => recount(trx, areas));
  }
  return touched.length;
}

export { backfillStockHistory } from './history.js';
export { splitByLines } from './second-connection.js';
export type { LocationFacts } from './stock.js';
export {
  DEFAULT_DELTA_ITEM_LIMIT,
  DEFAULT_DELTA_LIMIT,
  PRIORITISED_LIST_CODE,
  type RefreshPictureOptions,
  type RefreshPictureResult,
} from './settings.js';
