import { sql } from 'kysely';
import { isClassifiedLocationKind } from '../../domain/access.js';
import { calendarDateInSweden } from '../../domain/calendar.js';
import {
  DEFAULT_FRESHNESS_THRESHOLDS,
  isSalesStale,
  isStockStale,
  pictureCompleteness,
  salesLagDays,
  type Completeness,
  type FreshnessThresholds,
} from '../../domain/freshness.js';
import { FIRST_RESERVE_LEVEL } from '../../domain/reserve.js';
import type { Db, Tx } from '../database.js';
import type { LocationKind } from '../../domain/vocabulary.js';
import { writeRegionWindows } from './demand.js';
import { reserveKindSql } from './reserve.js';
import type { Settings } from './settings.js';
import { idIn, withoutIndexScans } from './sql.js';

/*
 * The freshness of the picture's facts (issue 8 item 3, docs/lagesbild.md "Freshness"): when each
 * region's sales and each location's stock were last reported, and the "expected stock" that the
 * completeness of the day's picture is weighed by. Written by every refresh (a few probes per
 * location named); read by the overview, region and location pages.
 */

/**
 * Records the regions' windows and, for `locationIds` (null: every location), the newest stock count
 * and the expected stock: the total of the latest snapshot counted before the picture's day (Swedish
 * midnight), or of the current one when there is none before. That snapshot's lines are summed only
 * when it is not the one recorded already, so each snapshot is summed once: in the first refresh of
 * the day after it became the previous one (at national scale the day's first full refresh sums about
 * one snapshot per location, ~10 million lines).
 */
export async function writeFreshness(
  trx: Tx,
  s: Settings,
  locationIds: readonly number[] | null,
): Promise<void> {
  await writeRegionWindows(trx, s.regionWindows);
  if (locationIds !== null && locationIds.length === 0) return;
  const dayStart = sql`(${s.today}::date::timestamp AT TIME ZONE 'Europe/Stockholm')`;
  await sql`
    CREATE TEMP TABLE picture_fresh ON COMMIT DROP AS
    SELECT l.id AS location_id, l.region_code, ${reserveKindSql('l.kind')} AS reserve_kind,
           CASE WHEN cs.counted_at IS NULL THEN dl.counted_at
                WHEN dl.counted_at IS NULL THEN cs.counted_at
                ELSE greatest(cs.counted_at, dl.counted_at) END AS stock_counted_at,
           coalesce(prev.id, cs.id) AS basis_snapshot_id
    FROM location l
    LEFT JOIN LATERAL (
      SELECT ss.id, ss.counted_at FROM stock_snapshot ss WHERE ss.location_id = l.id
      ORDER BY ss.counted_at DESC, ss.id DESC LIMIT 1
    ) cs ON true
    LEFT JOIN LATERAL (
      SELECT max(d.counted_at) AS counted_at FROM stock_difference_line d WHERE d.location_id = l.id
    ) dl ON true
    LEFT JOIN LATERAL (
      SELECT ss.id FROM stock_snapshot ss WHERE ss.location_id = l.id AND ss.counted_at < ${dayStart}
      ORDER BY ss.counted_at DESC, ss.id DESC LIMIT 1
    ) prev ON true
    WHERE ${idIn('l.id', locationIds)}`.execute(trx);
  // A snapshot's lines summed each page at a time (withoutIndexScans: 1.6 s instead of 2.8–3.4 s for
  // every location's, measured at national scale).
  await withoutIndexScans(trx, () =>
    sql`
    INSERT INTO picture_location_freshness AS o
      (location_id, region_code, stock_counted_at, previous_snapshot_id, expected_stock)
    SELECT f.location_id, f.region_code, f.stock_counted_at, f.basis_snapshot_id,
           CASE WHEN o.location_id IS NOT NULL AND o.previous_snapshot_id IS NOT DISTINCT FROM f.basis_snapshot_id
                THEN o.expected_stock
                WHEN f.reserve_kind THEN 0
                ELSE coalesce((SELECT sum(sl.quantity) FROM stock_line sl
                               WHERE sl.snapshot_id = f.basis_snapshot_id
                                 AND sl.stock_level < ${sql.lit(FIRST_RESERVE_LEVEL)}), 0)
           END
    FROM picture_fresh f
    LEFT JOIN picture_location_freshness o ON o.location_id = f.location_id
    ON CONFLICT (location_id) DO UPDATE SET
      region_code = excluded.region_code,
      stock_counted_at = excluded.stock_counted_at,
      previous_snapshot_id = excluded.previous_snapshot_id,
      expected_stock = excluded.expected_stock`.execute(trx),
  );
  await sql`DROP TABLE picture_fresh`.execute(trx);
}

// Reading -----------------------------------------------------------------------------------------

/** A region's sales window and its locations' stock freshness. */
export interface RegionFreshness {
  regionCode: string;
  salesThrough: string | null;
  windowEnd: string | null;
  salesLagDays: number | null;
  salesStale: boolean;
  /** The newest stock count among its locations. */
  stockCountedUntil: Date | null;
  completeness: Completeness;
}

interface FreshnessRow {
  location_id: number;
  region_code: string;
  kind: LocationKind;
  stock_counted_at: Date | null;
  expected_stock: number | string;
}

/**
 * The freshness of every region (or of `regionCode`) and of the nation (or that region), from the
 * locations `includeClassified` says may count (preparedness stocks only for those who may know of
 * them). Open locations only.
 */
export async function pictureFreshness(
  db: Db,
  today: string,
  includeClassified: boolean,
  regionCode: string | null = null,
  thresholds: FreshnessThresholds = DEFAULT_FRESHNESS_THRESHOLDS,
): Promise<{ national: Completeness; regions: RegionFreshness[] }> {
  let windowQuery = db.selectFrom('picture_region_window').selectAll().orderBy('region_code');
  if (regionCode !== null) windowQuery = windowQuery.where('region_code', '=', regionCode);
  const [windows, rows] = await Promise.all([
    windowQuery.execute(),
    sql<FreshnessRow>`
      SELECT l.id AS location_id, l.region_code::text AS region_code, l.kind, f.stock_counted_at,
             coalesce(f.expected_stock, 0) AS expected_stock
      FROM location l LEFT JOIN picture_location_freshness f ON f.location_id = l.id
      WHERE l.closed_on IS NULL
        AND ${regionCode === null ? sql`true` : sql`l.region_code = ${regionCode}`}`.execute(db),
  ]);
  const visible = rows.rows.filter((r) => includeClassified || !isClassifiedLocationKind(r.kind));
  const reporting = (list: readonly FreshnessRow[]) =>
    list.map((r) => ({
      countedOn: r.stock_counted_at === null ? null : calendarDateInSweden(new Date(r.stock_counted_at)),
      expectedStock: Number(r.expected_stock),
    }));
  const byRegion = new Map<string, FreshnessRow[]>();
  for (const r of visible) {
    const list = byRegion.get(r.region_code);
    if (list === undefined) byRegion.set(r.region_code, [r]);
    else list.push(r);
  }
  const regions = windows.map((w): RegionFreshness => {
    const own = byRegion.get(w.region_code) ?? [];
    let newest: Date | null = null;
    for (const r of own) {
      if (r.stock_counted_at !== null && (newest === null || new Date(r.stock_counted_at) > newest))
        newest = new Date(r.stock_counted_at);
    }
    return {
      regionCode: w.region_code,
      salesThrough: w.sales_through,
      windowEnd: w.window_end,
      salesLagDays: salesLagDays(today, w.sales_through),
      salesStale: isSalesStale(today, w.sales_through, thresholds),
      stockCountedUntil: newest,
      completeness: pictureCompleteness(reporting(own), today, thresholds),
    };
  });
  return { national: pictureCompleteness(reporting(visible), today, thresholds), regions };
}

/** When a location last reported stock and (its own) sales, and whether either is stale. */
export interface LocationFreshness {
  stockCountedAt: Date | null;
  stockStale: boolean;
  /** The last day its own sales rows cover; null when it reports none of its own. */
  salesThrough: string | null;
  /** null when it reports no sales of its own (its region's figures stand for it). */
  salesStale: boolean | null;
}

/** The freshness of some locations (a region page's, or one): one index probe each for their sales. */
export async function locationFreshness(
  db: Db,
  today: string,
  locationIds: readonly number[],
  thresholds: FreshnessThresholds = DEFAULT_FRESHNESS_THRESHOLDS,
): Promise<Map<number, LocationFreshness>> {
  if (locationIds.length === 0) return new Map();
  const rows = await sql<{ id: number; stock_counted_at: Date | null; sales_through: string | null }>`
    SELECT l.id, f.stock_counted_at, x.last_day AS sales_through
    FROM location l
    LEFT JOIN picture_location_freshness f ON f.location_id = l.id
    LEFT JOIN LATERAL (
      SELECT s.period_start + s.period_days - 1 AS last_day FROM sales s
      WHERE s.location_id = l.id ORDER BY s.period_start DESC LIMIT 1
    ) x ON true
    WHERE l.id = ANY(${[...locationIds]}::bigint[])`.execute(db);
  return new Map(
    rows.rows.map((r) => {
      const countedOn =
        r.stock_counted_at === null ? null : calendarDateInSweden(new Date(r.stock_counted_at));
      return [
        r.id,
        {
          stockCountedAt: r.stock_counted_at === null ? null : new Date(r.stock_counted_at),
          stockStale: isStockStale(today, countedOn, thresholds),
          salesThrough: r.sales_through,
          salesStale: r.sales_through === null ? null : isSalesStale(today, r.sales_through, thresholds),
        },
      ];
    }),
  );
}
