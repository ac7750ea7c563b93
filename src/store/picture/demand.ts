import { sql, type RawBuilder } from 'kysely';
import { addCalendarMonths, addDays } from '../../domain/calendar.js';
import { DEFAULT_BASELINE_DAYS, DEFAULT_RECENT_DAYS, windowEndOf } from '../../domain/demand.js';
import type { Tx } from '../database.js';
import { type RegionWindow, type Settings, YEAR_DAYS } from './settings.js';
import { idIn } from './sql.js';

/**
 * Each region's sales window: the last day its sales cover (the end of its latest-starting row, any
 * package and source: one index probe per region) and the window end its demand is estimated to,
 * min(today - 1, that day). A region whose figures arrive a week late is estimated from its own last
 * reported day, not read as selling nothing for that week. Nationally: the latest of them (what
 * picture_state.window_end and sales_through keep saying).
 */
export async function findRegionWindows(
  trx: Tx,
  today: string,
): Promise<{ regions: RegionWindow[]; salesThrough: string | null; windowEnd: string }> {
  const result = await sql<{ code: string; through: string | null }>`
    SELECT r.code::text AS code, x.last_day AS through
    FROM region r
    LEFT JOIN LATERAL (
      SELECT s.period_start + s.period_days - 1 AS last_day
      FROM sales s WHERE s.region_code = r.code
      ORDER BY s.period_start DESC LIMIT 1
    ) x ON true
    ORDER BY r.code`.execute(trx);
  const regions = result.rows.map((r) => ({
    regionCode: r.code,
    salesThrough: r.through,
    windowEnd: windowEndOf(today, r.through),
  }));
  let salesThrough: string | null = null;
  for (const r of regions)
    if (r.salesThrough !== null && (salesThrough === null || r.salesThrough > salesThrough))
      salesThrough = r.salesThrough;
  return { regions, salesThrough, windowEnd: windowEndOf(today, salesThrough) };
}

/**
 * Why the stored windows no longer hold (a region's sales now reach further), or null. Demand is
 * estimated to each region's window end, so a region whose window moved needs its demand, its items
 * and the nation's computed again: the refresh does a full one.
 */
export async function regionWindowsMoved(trx: Tx, regions: readonly RegionWindow[]): Promise<string | null> {
  const stored = await trx
    .selectFrom('picture_region_window')
    .select(['region_code', 'window_end'])
    .execute();
  const before = new Map(stored.map((w) => [w.region_code, w.window_end]));
  const moved = regions.filter((r) => before.get(r.regionCode) !== r.windowEnd);
  if (moved.length === 0) return null;
  const first = moved[0] as RegionWindow;
  const more = moved.length > 1 ? ` (and ${moved.length - 1} more)` : '';
  return `sales of region ${first.regionCode} now reach ${first.windowEnd}${more}`;
}

/** Keeps the windows the picture was computed with (a few rows; no TRUNCATE, which would block readers). */
export async function writeRegionWindows(trx: Tx, regions: readonly RegionWindow[]): Promise<void> {
  await sql`DELETE FROM picture_region_window`.execute(trx);
  if (regions.length === 0) return;
  await trx
    .insertInto('picture_region_window')
    .values(
      regions.map((r) => ({
        region_code: r.regionCode,
        sales_through: r.salesThrough,
        window_end: r.windowEnd,
      })),
    )
    .execute();
}

/**
 * The regions' windows as a relation, for a FROM or JOIN: region_code (char(2)), window_end and the
 * bounds of the three windows of estimateDemand (recent, baseline, seasonal).
 */
export function regionWindowsSql(s: Settings): RawBuilder<unknown> {
  const rows = s.regionWindows.map((w) => ({ region_code: w.regionCode, ...boundsOf(w.windowEnd) }));
  return sql`(SELECT * FROM json_to_recordset(${JSON.stringify(rows)}::json) AS x(region_code char(2),
    window_end date, recent_from date, baseline_from date, season_from date, season_to date))`;
}

/** Above this many distinct window ends, one scan joins every row to its region's window. */
const MAX_SCAN_GROUPS = 3;

/**
 * The sales rows give the demand inputs and the monthly history:
 * - window sums per package x region, each region's windows ending on its own window end, and the
 *   domain's rule on them (picture_demand_rule, the SQL twin of estimateDemand). A weekly row
 *   straddling a window edge counts pro rata by its days inside. History starts at the package's
 *   first sale in any region;
 * - national sales per package and month, the latest window's month and the twelve before it (a row
 *   counts in the month it starts).
 * Both count each sale once: per region, package, channel and day the region-level figure where one
 * is reported, otherwise the sum of the locations' rows (salesThatCount in src/domain/demand.ts).
 *
 * Cost (measured on 10 million rows, docs/lagesbild.md): the scan is the one of before. Regions
 * whose windows end on the same day (normally all) are summed in one pass with the window bounds as
 * constants; a region that lags is summed apart, through the index on (region_code, period_start),
 * which reads its rows only. With more than MAX_SCAN_GROUPS different window ends the rows are
 * joined to their region's window in one pass instead (measured ~30 % dearer than constants). Where
 * both sources report is read from sales_extent (kept by every writer), so the scan does no extra
 * work per row; only those (package, region, channel) keys' rows are read again, by package, to
 * subtract the location rows that a region-level row covers.
 */
export async function writeSales(trx: Tx, s: Settings, ids: readonly number[] | null): Promise<void> {
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

  const monthFrom = addCalendarMonths(`${end.slice(0, 7)}-01`, -12);
  const scanFromOf = (windowEnd: string) =>
    addDays(windowEnd, -(Math.max(DEFAULT_BASELINE_DAYS, YEAR_DAYS) - 1) - 6);
  // Rows wholly inside a window add their quantity; only weekly rows across its edge need pro rata
  // arithmetic (numeric arithmetic on every row would be the cost of the whole scan).
  const last = sql`(s.period_start + s.period_days - 1)`;
  const within = (from: RawBuilder<unknown>, to: RawBuilder<unknown>) => sql`
    coalesce(sum(s.quantity) FILTER (WHERE s.period_start >= ${from} AND ${last} <= ${to}), 0)
    + coalesce(sum(s.quantity * (least(${last}, ${to}) - greatest(s.period_start, ${from}) + 1)
                   / s.period_days)
        FILTER (WHERE s.period_days > 1 AND s.period_start <= ${to} AND ${last} >= ${from}
                AND NOT (s.period_start >= ${from} AND ${last} <= ${to})), 0)`;
  const sums = (
    w: Record<
      'recent_from' | 'baseline_from' | 'season_from' | 'season_to' | 'window_end',
      RawBuilder<unknown>
    >,
  ) => sql`
    ${within(w.recent_from, w.window_end)} AS recent_sum,
    ${within(w.baseline_from, w.window_end)} AS baseline_sum,
    ${within(w.season_from, w.season_to)} AS seasonal_sum`;

  const groups = windowGroups(s);
  if (groups.length <= MAX_SCAN_GROUPS) {
    for (const [i, g] of groups.entries()) {
      const others = groups.flatMap((o, j) => (j === i ? [] : o.regions));
      // The largest group reads the table (in parallel: CREATE TABLE AS), the others their regions'
      // rows by index.
      const regions =
        others.length === 0
          ? sql`true`
          : i === 0
            ? sql`NOT (s.region_code = ANY(${others}::bpchar[]))`
            : sql`s.region_code = ANY(${g.regions}::bpchar[])`;
      const date = (d: string) => sql`${d}::date`;
      const select = sql`
        SELECT s.package_id, s.region_code::text AS region_code,
               ${sums({
                 recent_from: date(g.bounds.recent_from),
                 baseline_from: date(g.bounds.baseline_from),
                 season_from: date(g.bounds.season_from),
                 season_to: date(g.bounds.season_to),
                 window_end: date(g.bounds.window_end),
               })}
        FROM sales s
        WHERE s.period_start >= ${scanFromOf(g.bounds.window_end)}::date
          AND s.period_start <= ${g.bounds.window_end}::date
          AND ${regions} AND ${idIn('s.package_id', ids)}
        GROUP BY s.package_id, s.region_code`;
      if (i === 0) await sql`CREATE TEMP TABLE picture_sales_scan ON COMMIT DROP AS ${select}`.execute(trx);
      else await sql`INSERT INTO picture_sales_scan ${select}`.execute(trx);
    }
  } else {
    const windows = regionWindowsSql(s);
    const earliest = groups.reduce((a, g) => (g.bounds.window_end < a ? g.bounds.window_end : a), end);
    await sql`
      CREATE TEMP TABLE picture_sales_scan ON COMMIT DROP AS
      SELECT s.package_id, s.region_code::text AS region_code,
             ${sums({
               recent_from: sql`w.recent_from`,
               baseline_from: sql`w.baseline_from`,
               season_from: sql`w.season_from`,
               season_to: sql`w.season_to`,
               window_end: sql`w.window_end`,
             })}
      FROM sales s
      JOIN ${windows} w ON w.region_code = s.region_code
      WHERE s.period_start >= ${scanFromOf(earliest)}::date AND s.period_start <= ${end}::date
        AND ${idIn('s.package_id', ids)}
      GROUP BY s.package_id, s.region_code`.execute(trx);
  }

  // The displaced location rows: from the earliest window (and the months' first, less the six days
  // a weekly region-level row before it can cover) to the latest window's end.
  let from = addDays(monthFrom, -6);
  for (const g of groups) if (scanFromOf(g.bounds.window_end) < from) from = scanFromOf(g.bounds.window_end);
  await displacedSales(trx, regionWindowsSql(s), from, end, ids);

  await sql`
    INSERT INTO picture_demand (package_id, region_code, recent_sum, baseline_sum, seasonal_sum,
      per_day, basis, recent_per_day, baseline_per_day, seasonal_per_day)
    WITH displaced AS (
      SELECT package_id, region_code, sum(recent) AS recent, sum(baseline) AS baseline,
             sum(seasonal) AS seasonal
      FROM picture_sales_displaced GROUP BY package_id, region_code
    ),
    counted AS (
      SELECT c.package_id, c.region_code, c.recent_sum - coalesce(d.recent, 0) AS recent_sum,
             c.baseline_sum - coalesce(d.baseline, 0) AS baseline_sum,
             c.seasonal_sum - coalesce(d.seasonal, 0) AS seasonal_sum
      FROM picture_sales_scan c
      LEFT JOIN displaced d ON d.package_id = c.package_id AND d.region_code = c.region_code
    )
    SELECT c.package_id, c.region_code, c.recent_sum, c.baseline_sum, c.seasonal_sum,
           r.per_day, r.basis, r.recent_per_day, r.baseline_per_day, r.seasonal_per_day
    FROM counted c
    JOIN picture_product pp ON pp.package_id = c.package_id
    JOIN ${regionWindowsSql(s)} w ON w.region_code = c.region_code
    CROSS JOIN LATERAL picture_demand_rule(c.recent_sum, c.baseline_sum, c.seasonal_sum,
      (w.window_end - pp.first_sale_day + 1), ${DEFAULT_RECENT_DAYS}::int, ${DEFAULT_BASELINE_DAYS}::int,
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
    SELECT m.package_id, m.month, m.quantity - coalesce(d.quantity, 0)
    FROM picture_sales_scan m
    LEFT JOIN (
      SELECT package_id, date_trunc('month', row_start)::date AS month, sum(total) AS quantity
      FROM picture_sales_displaced WHERE row_start >= ${monthFrom}::date
      GROUP BY 1, 2
    ) d ON d.package_id = m.package_id AND d.month = m.month`.execute(trx);
  await sql`DROP TABLE picture_sales_scan, picture_sales_displaced`.execute(trx);
}

interface WindowBounds {
  window_end: string;
  recent_from: string;
  baseline_from: string;
  season_from: string;
  season_to: string;
}

/** The bounds of estimateDemand's three windows for a window end. */
function boundsOf(windowEnd: string): WindowBounds {
  const seasonFrom = addDays(windowEnd, 1 - YEAR_DAYS);
  return {
    window_end: windowEnd,
    recent_from: addDays(windowEnd, -(DEFAULT_RECENT_DAYS - 1)),
    baseline_from: addDays(windowEnd, -(DEFAULT_BASELINE_DAYS - 1)),
    season_from: seasonFrom,
    season_to: addDays(seasonFrom, DEFAULT_RECENT_DAYS - 1),
  };
}

/** The regions by window end, most regions first. */
function windowGroups(s: Settings): { regions: string[]; bounds: WindowBounds }[] {
  const byEnd = new Map<string, string[]>();
  for (const w of s.regionWindows) byEnd.set(w.windowEnd, [...(byEnd.get(w.windowEnd) ?? []), w.regionCode]);
  if (byEnd.size === 0) byEnd.set(s.windowEnd, []);
  return [...byEnd]
    .map(([windowEnd, regions]) => ({ regions, bounds: boundsOf(windowEnd) }))
    .sort(
      (a, b) => b.regions.length - a.regions.length || a.bounds.window_end.localeCompare(b.bounds.window_end),
    );
}

/**
 * picture_sales_displaced: for each location row of a (package, region, channel) that also has
 * region-level rows, what it loses to them: its quantity x (its days that a region-level row of the
 * same package, region and channel covers) / its days, within each window (recent, baseline,
 * seasonal) and in all (`total`, for its month). The same pro rata arithmetic as the window sums, so
 * a wholly covered row cancels exactly. Reads only the rows of those keys (by package and period).
 */
async function displacedSales(
  trx: Tx,
  windows: RawBuilder<unknown>,
  from: string,
  to: string,
  ids: readonly number[] | null,
): Promise<void> {
  await findMixedSalesKeys(trx, 'picture_sales_mixed', from, to, ids);
  await sql`
    CREATE TEMP TABLE picture_sales_displaced ON COMMIT DROP AS
    WITH ${coveredSalesDaysSql('picture_sales_mixed', from, to, ids)}
    SELECT d.package_id, d.region_code::text AS region_code, d.period_start AS row_start,
      d.quantity * count(*) FILTER (WHERE d.day BETWEEN w.recent_from AND w.window_end) / d.period_days
        AS recent,
      d.quantity * count(*) FILTER (WHERE d.day BETWEEN w.baseline_from AND w.window_end) / d.period_days
        AS baseline,
      d.quantity * count(*) FILTER (WHERE d.day BETWEEN w.season_from AND w.season_to) / d.period_days
        AS seasonal,
      d.quantity * count(*) / d.period_days AS total
    FROM days d
    JOIN covered c ON c.package_id = d.package_id AND c.region_code = d.region_code
      AND c.channel = d.channel AND c.day = d.day
    JOIN ${windows} w ON w.region_code = d.region_code
    WHERE NOT d.regional
    GROUP BY d.rid, d.package_id, d.region_code, d.period_start, d.period_days, d.quantity,
             w.recent_from, w.baseline_from, w.season_from, w.season_to, w.window_end`.execute(trx);
  await sql`DROP TABLE ${sql.table('picture_sales_mixed')}`.execute(trx);
}

/**
 * One source per sale, in SQL (the twin of salesThatCount, src/domain/demand.ts), step 1: the
 * (package, region, channel) keys that have both region-level rows and location rows whose days
 * overlap within [from, to], read from sales_extent (kept by every writer), into the temporary table
 * `table` (dropped at commit: call it inside a transaction). Shared by the picture's demand and the
 * obligations' basis (src/store/obligation.repository.ts), so that both count a sale once the same way.
 */
export async function findMixedSalesKeys(
  trx: Tx,
  table: string,
  from: string,
  to: string,
  ids: readonly number[] | null,
): Promise<void> {
  await sql`
    CREATE TEMP TABLE ${sql.table(table)} ON COMMIT DROP AS
    SELECT r.package_id, r.region_code::text AS region_code, r.channel
    FROM sales_extent r
    JOIN sales_extent l ON l.package_id = r.package_id AND l.region_code = r.region_code
      AND l.channel = r.channel AND NOT l.regional
    WHERE r.regional AND r.first_day <= l.last_day AND l.first_day <= r.last_day
      AND l.last_day >= ${from}::date AND l.first_day <= ${to}::date
      AND ${idIn('r.package_id', ids)}`.execute(trx);
  await sql`ANALYZE ${sql.table(table)}`.execute(trx);
}

/**
 * Step 2, as three CTEs for a WITH: `r` the sales rows of the mixed keys starting in [from, to] (rid
 * numbers each row), `days` one row per day each covers, and `covered` the (package, region, channel,
 * day) a region-level row covers. A location row's day in `covered` does not count: the region-level
 * figure does. A caller sums `quantity × (its covered days in a window) ÷ period_days` per rid, so that
 * a wholly covered row cancels exactly.
 */
export function coveredSalesDaysSql(
  mixedTable: string,
  from: string,
  to: string,
  ids: readonly number[] | null,
): RawBuilder<unknown> {
  return sql`
    r AS (
      SELECT row_number() OVER () AS rid, s.package_id, s.region_code, s.channel,
             s.location_id IS NULL AS regional, s.period_start, s.period_days, s.quantity
      FROM sales s
      JOIN ${sql.table(mixedTable)} k
        ON k.package_id = s.package_id AND k.region_code = s.region_code::text AND k.channel = s.channel
      WHERE s.period_start >= ${from}::date AND s.period_start <= ${to}::date
        AND ${idIn('s.package_id', ids)}
    ),
    days AS (
      SELECT r.rid, r.package_id, r.region_code, r.channel, r.regional, r.period_start, r.period_days,
             r.quantity, r.period_start + g.i AS day
      FROM r CROSS JOIN LATERAL generate_series(0, r.period_days - 1) AS g(i)
    ),
    covered AS (SELECT DISTINCT package_id, region_code, channel, day FROM days WHERE regional)`;
}
