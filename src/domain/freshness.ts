import { addDays, dayNumber } from './calendar.js';

/**
 * How fresh the picture's facts are: when each region and location last reported stock and sales,
 * which reporters are stale, and how complete today's picture is. Pure: callers pass `today` and the
 * Swedish calendar day of each count (calendarDateInSweden). The thresholds are ours (no source
 * prescribes them), named here and documented in docs/lagesbild.md.
 */
export interface FreshnessThresholds {
  /**
   * Sales are stale when their last reported day is more than this many days before yesterday.
   * Default 3: a long weekend's delay passes; a region a week late is flagged.
   */
  staleSalesAfterDays: number;
  /**
   * Stock is stale when its latest count is more than this many calendar days old. Default 2:
   * reporters count once a day, early or late in the day (yesterday's and the day before's counts
   * are current); a location not counted for three days is flagged.
   */
  staleStockAfterDays: number;
}

export const DEFAULT_FRESHNESS_THRESHOLDS: Readonly<FreshnessThresholds> = {
  staleSalesAfterDays: 3,
  staleStockAfterDays: 2,
};

/** Days between the last reported day of sales and yesterday (0 when up to date); null when none. */
export function salesLagDays(today: string, salesThrough: string | null): number | null {
  if (salesThrough === null) return null;
  return Math.max(0, dayNumber(addDays(today, -1)) - dayNumber(salesThrough));
}

/** Whether sales that end on `salesThrough` are stale on `today` (never reported: stale). */
export function isSalesStale(
  today: string,
  salesThrough: string | null,
  thresholds: FreshnessThresholds = DEFAULT_FRESHNESS_THRESHOLDS,
): boolean {
  const lag = salesLagDays(today, salesThrough);
  return lag === null || lag > thresholds.staleSalesAfterDays;
}

/** Calendar days from the day of the latest count (Swedish day) to `today`; null when never counted. */
export function stockAgeDays(today: string, countedOn: string | null): number | null {
  if (countedOn === null) return null;
  return Math.max(0, dayNumber(today) - dayNumber(countedOn));
}

/** Whether stock last counted on `countedOn` is stale on `today` (never counted: stale). */
export function isStockStale(
  today: string,
  countedOn: string | null,
  thresholds: FreshnessThresholds = DEFAULT_FRESHNESS_THRESHOLDS,
): boolean {
  const age = stockAgeDays(today, countedOn);
  return age === null || age > thresholds.staleStockAfterDays;
}

/** A location as completeness sees it. */
export interface ReportingLocation {
  /** Swedish calendar day of its latest stock count; null when it never reported stock. */
  countedOn: string | null;
  /**
   * The stock it is expected to hold: the total of its latest count before `today` (or of today's,
   * when it has none before). 0 for a location that never reported.
   */
  expectedStock: number;
}

/** How complete today's picture is (overview and region). */
export interface Completeness {
  /** Locations expected to report: those that have reported stock at least once. */
  locations: number;
  /** Of those, the ones counted today. */
  reportedToday: number;
  /** reportedToday / locations; null when no location is expected. */
  locationShare: number | null;
  /** The expected stock of all locations expected to report (packages). */
  expectedStock: number;
  /** The expected stock of those counted today. */
  reportedStock: number;
  /** reportedStock / expectedStock; null when nothing is expected. */
  stockShare: number | null;
  /** Locations expected to report whose stock is stale (isStockStale). */
  staleStock: number;
  /** Open locations that have never reported stock (not in the shares). */
  neverReported: number;
}

/**
 * How complete today's picture is: the share of locations, and of expected stock, counted today.
 * "Expected stock" (ours) is what a location held in its previous count, so a large warehouse that
 * has not reported weighs more than a small pharmacy that has; a location that has never reported
 * stock is not expected (it is counted apart, `neverReported`).
 */
export function pictureCompleteness(
  locations: readonly ReportingLocation[],
  today: string,
  thresholds: FreshnessThresholds = DEFAULT_FRESHNESS_THRESHOLDS,
): Completeness {
  let expected = 0;
  let reportedToday = 0;
  let expectedStock = 0;
  let reportedStock = 0;
  let staleStock = 0;
  let neverReported = 0;
  for (const l of locations) {
    if (l.countedOn === null) {
      neverReported += 1;
      continue;
    }
    expected += 1;
    expectedStock += l.expectedStock;
    if (l.countedOn === today) {
      reportedToday += 1;
      reportedStock += l.expectedStock;
    }
    if (isStockStale(today, l.countedOn, thresholds)) staleStock += 1;
  }
  return {
    locations: expected,
    reportedToday,
    locationShare: expected === 0 ? null : reportedToday / expected,
    expectedStock,
    reportedStock,
    stockShare: expectedStock === 0 ? null : reportedStock / expectedStock,
    staleStock,
    neverReported,
  };
}
