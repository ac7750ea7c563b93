import { dateOfDayNumber, dayNumber } from './calendar.js';
import type { SalesChannel } from './sales-channel.js';

/** Sales (or dispensing) of one item over `periodDays` days from `periodStart`, in packages or units. */
export interface SalesPeriod {
  periodStart: string;
  periodDays: 1 | 7;
  quantity: number;
}

export interface DemandOptions {
  /** Length of the recent window and of the seasonal window, in days. Default 28. */
  recentDays?: number;
  /** Length of the baseline, in days. Default 365 (12 months). */
  baselineDays?: number;
  /**
   * The last day the sales data of these rows' area covers: in the picture, each region's own last
   * reported day (any package; a region whose figures arrive late is not read as selling nothing).
   * Default and upper bound: the day before `today`, since today's sales are not complete.
   */
  salesThrough?: string;
  /**
   * The first day sales were recorded for this item (e.g. the package's `marketed_from`, or when
   * reporting began). Default: the start of the earliest row. Before it there is no history, which is
   * not the same as zero sales.
   */
  historyStart?: string;
}

export const DEFAULT_RECENT_DAYS = 28;
export const DEFAULT_BASELINE_DAYS = 365;
/** "One year earlier" for the seasonal window. */
const YEAR_DAYS = 365;

/** Which estimate won the maximum; `no_sales` when all are zero. */
export type DemandBasis = 'recent' | 'seasonal' | 'baseline' | 'no_sales';

/** Expected daily demand of one item, with the three estimates behind it so the UI can explain it. */
export interface DemandEstimate {
  /** Expected demand per day: the highest of the estimates below (0 when there are no sales). */
  perDay: number;
  basis: DemandBasis;
  /** Mean per day over the recent window (the last `recentDays` days of data). */
  recentPerDay: number;
  /** Mean per day over the last 12 months; null when the history is shorter than that. */
  baselinePerDay: number | null;
  /** Mean per day over the coming `recentDays` days one year earlier; null with short history. */
  seasonalPerDay: number | null;
  /** The last day counted. */
  windowEnd: string;
  /** Days of history up to and including `windowEnd` (0 when there is none). */
  historyDays: number;
}

/**
 * Expected daily demand of one item (a package, a group of interchangeable packages, a region …)
 * from its sales history.
 *
 * The rule (documented in docs/lagesbild.md):
 * - windows end on `windowEnd` = the day before `today` (or `salesThrough` when the data ends earlier);
 * - recent = sales in the last 28 days / 28 (fewer days when the history is shorter);
 * - baseline = sales in the last 365 days / 365;
 * - seasonal = sales in the 28 days that follow `windowEnd` one year (365 days) earlier / 28, i.e. what
 *   the coming four weeks needed last year (winter antibiotics are seen before winter arrives);
 * - expected demand = max(recent, baseline, seasonal). With less than 12 months of history, baseline
 *   and seasonal are unknown and expected demand = recent.
 *
 * The maximum is deliberate: for preparedness, under-estimating demand is the dangerous error (stock
 * looks like it lasts longer than it will), so a sudden surge in recent sales wins at once, and a
 * recent dip does not hide last year's level. The price is a cautious (high) estimate for falling
 * products.
 *
 * A weekly row that straddles a window edge counts pro rata by days inside the window. No rows at all
 * give demand 0 (`no_sales`); coverage then reports "no demand", never infinity.
 */
export function estimateDemand(
  rows: readonly SalesPeriod[],
  today: string,
  options: DemandOptions = {},
): DemandEstimate {
  const recentDays = options.recentDays ?? DEFAULT_RECENT_DAYS;
  const baselineDays = options.baselineDays ?? DEFAULT_BASELINE_DAYS;
  const end = dayNumber(windowEndOf(today, options.salesThrough ?? null));
  // Dates are parsed once: the three windows below scan the same rows.
  const periods = rows.map((r) => ({
    first: dayNumber(r.periodStart),
    days: r.periodDays,
    quantity: r.quantity,
  }));
  const start = historyStartOf(periods, options.historyStart);
  const historyDays = start === null ? 0 : Math.max(0, end - start + 1);

  const recentObserved = Math.min(recentDays, historyDays);
  const recentPerDay =
    recentObserved === 0 ? 0 : quantityWithin(periods, end - recentObserved + 1, end) / recentObserved;

  let baselinePerDay: number | null = null;
  let seasonalPerDay: number | null = null;
  // Short history (< 12 months): no baseline, no season; recent alone decides.
  if (historyDays >= baselineDays) {
    baselinePerDay = quantityWithin(periods, end - baselineDays + 1, end) / baselineDays;
  }
  if (historyDays >= YEAR_DAYS) {
    const seasonStart = end + 1 - YEAR_DAYS;
    seasonalPerDay = quantityWithin(periods, seasonStart, seasonStart + recentDays - 1) / recentDays;
  }

  // Ties go to the most recent evidence: recent, then seasonal, then baseline.
  let perDay = recentPerDay;
  let basis: DemandBasis = 'recent';
  if (seasonalPerDay !== null && seasonalPerDay > perDay) [perDay, basis] = [seasonalPerDay, 'seasonal'];
  if (baselinePerDay !== null && baselinePerDay > perDay) [perDay, basis] = [baselinePerDay, 'baseline'];
  if (perDay === 0) basis = 'no_sales';

  return {
    perDay,
    basis,
    recentPerDay,
    baselinePerDay,
    seasonalPerDay,
    windowEnd: dateOfDayNumber(end),
    historyDays,
  };
}

interface Period {
  first: number;
  days: number;
  quantity: number;
}

/**
 * Sales within the days `from`..`to` (day numbers, inclusive). A row counts in proportion to the days
 * it shares with the window: a 7-day row of 70 with 3 days inside counts 30.
 */
function quantityWithin(periods: readonly Period[], from: number, to: number): number {
  let sum = 0;
  for (const p of periods) {
    const overlap = Math.min(p.first + p.days - 1, to) - Math.max(p.first, from) + 1;
    if (overlap > 0) sum += (p.quantity * overlap) / p.days;
  }
  return sum;
}

function historyStartOf(periods: readonly Period[], given: string | undefined): number | null {
  if (given !== undefined) return dayNumber(given);
  let first: number | null = null;
  for (const p of periods) if (first === null || p.first < first) first = p.first;
  return first;
}

/**
 * What makes packages interchangeable: same substance, strength and form (a medicine's fields), and
 * the same species: a veterinary package is never dispensed for a human patient, nor the other way
 * round, so human and veterinary packages never form one group (issue 8 item 5). Without `species`:
 * human.
 */
export interface GroupIdentity {
  substance: string;
  strength: string;
  form: string;
  species?: 'human' | 'veterinary';
}

/**
 * The key of a group of interchangeable packages: substance, strength and form, normalised so that
 * labelling differences do not split a group: case, spacing, decimal comma and trailing zeros
 * ('Paracetamol', '0,50 mg/ml', 'Tablett' and 'paracetamol', '0.5 mg/ml', 'tablett' give one key).
 * Veterinary packages get a group of their own: the same key with `|vet` after it.
 */
export function groupKey(product: GroupIdentity): string {
  const key = [
    normaliseText(product.substance),
    normaliseStrength(product.strength),
    normaliseText(product.form),
  ].join('|');
  return product.species === 'veterinary' ? `${key}|vet` : key;
}

/** Lower case, NFC, single spaces, trimmed. Used for substances and forms everywhere in the picture. */
export function normaliseText(text: string): string {
  return text.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
}

function normaliseStrength(strength: string): string {
  return normaliseText(strength)
    .replace(/(\d),(\d)/g, '$1.$2')
    .replace(/(\d+\.\d*?)0+(?!\d)/g, '$1')
    .replace(/(\d)\.(?!\d)/g, '$1')
    .replace(/\s+/g, '');
}

/** One package of a group: its pack size (units per package) and its sales in packages. */
export interface GroupMember {
  packSize: number;
  rows: readonly SalesPeriod[];
}

/**
 * Expected daily demand of a group of interchangeable packages, in units (tablets, ml …), not packages:
 * a pack of 28 and a pack of 100 do not add up as "2". The members' sales are summed day by day
 * (converted to units) and the rule of {@link estimateDemand} is applied to that sum. Summing the
 * series rather than the members' estimates matters when buyers move from one pack to another (a pack
 * withdrawn, a parallel import arriving): the old pack's baseline and the new pack's recent sales would
 * otherwise count the same patients twice for a year.
 */
export function estimateGroupDemand(
  members: readonly GroupMember[],
  today: string,
  options: DemandOptions = {},
): DemandEstimate {
  const rows = members.flatMap((m) => m.rows.map((r) => ({ ...r, quantity: r.quantity * m.packSize })));
  return estimateDemand(rows, today, options);
}

/**
 * Expected daily demand per key, e.g. per region: `demandBy(rows, (r) => r.regionCode, today)`.
 * Each key's rows are estimated on their own, so the history of each key starts at its own first row
 * unless `options.historyStart` is given. The national figure is `estimateDemand(allRows, today)`.
 */
export function demandBy<R extends SalesPeriod>(
  rows: readonly R[],
  keyOf: (row: R) => string,
  today: string,
  options: DemandOptions = {},
): Map<string, DemandEstimate> {
  const byKey = new Map<string, R[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const list = byKey.get(key);
    if (list === undefined) byKey.set(key, [row]);
    else list.push(row);
  }
  const result = new Map<string, DemandEstimate>();
  for (const [key, list] of byKey) result.set(key, estimateDemand(list, today, options));
  return result;
}

/**
 * The last day an estimate counts: the day before `today` (today's sales are not complete), or
 * `salesThrough` when the sales reported end earlier. The picture gives each region its own
 * `salesThrough` (the last day its sales cover), so a region whose figures arrive late is estimated
 * from its own last reported day, not read as selling nothing since (docs/lagesbild.md).
 */
export function windowEndOf(today: string, salesThrough: string | null): string {
  const yesterday = dayNumber(today) - 1;
  return dateOfDayNumber(salesThrough === null ? yesterday : Math.min(yesterday, dayNumber(salesThrough)));
}

/**
 * Expected daily demand of one item in each region, each region's windows ending on its own last
 * reported day (`salesThrough` per region; a region missing from the map ends the day before
 * `today`), and the national demand as the sum of the regions (docs/lagesbild.md). History starts at
 * the item's first row in any region unless `options.historyStart` says otherwise.
 */
export function regionalDemand<R extends SalesPeriod & { regionCode: string }>(
  rows: readonly R[],
  today: string,
  salesThrough: ReadonlyMap<string, string | null>,
  options: Omit<DemandOptions, 'salesThrough'> = {},
): { regions: Map<string, DemandEstimate>; nationalPerDay: number } {
  let first: string | undefined = options.historyStart;
  if (first === undefined)
    for (const r of rows) if (first === undefined || r.periodStart < first) first = r.periodStart;
  const byRegion = new Map<string, R[]>();
  for (const row of rows) {
    const list = byRegion.get(row.regionCode);
    if (list === undefined) byRegion.set(row.regionCode, [row]);
    else list.push(row);
  }
  const regions = new Map<string, DemandEstimate>();
  let nationalPerDay = 0;
  for (const [code, list] of byRegion) {
    const through = salesThrough.get(code) ?? null;
    const estimate = estimateDemand(list, today, {
      ...options,
      ...(first !== undefined ? { historyStart: first } : {}),
      ...(through !== null ? { salesThrough: through } : {}),
    });
    regions.set(code, estimate);
    nationalPerDay += estimate.perDay;
  }
  return { regions, nationalPerDay };
}

// One source per sale ------------------------------------------------------------------------------

/** A sales row of one package as reported: a region-level figure (`locationId` null) or a location's. */
export interface SourcedSales extends SalesPeriod {
  regionCode: string;
  channel: SalesChannel;
  /** null: a figure for the whole region (a regional total); otherwise the location's own row. */
  locationId: number | null;
}

/**
 * The sales rows that count, for one package: per region, channel and day exactly one figure.
 *
 * A region's sales in a channel may reach us twice: as a region-level total (the region's own report,
 * or an authority's statistics) and as its locations' own rows (e.g. its hospital pharmacies'). Added
 * together they would count the same sale twice. The rule (ours, docs/reports.md):
 * - on a day that a region-level row covers (a daily row of that day, or a weekly row whose seven
 *   days include it), the region-level figure counts and the locations' rows of that region, channel
 *   and day do not;
 * - on a day no region-level row covers, the sum of the locations' rows counts;
 * - other channels are never displaced: a region's community-dispensing total says nothing of its
 *   hospitals' requisitions.
 * Region-level rows are never displaced: several of them on one day (age bands, sexes, or two
 * reports) add up. A row spreads evenly over its days (as in the demand windows), so a weekly
 * location row of which some days are covered counts for the other days only: it is returned as one
 * daily row of quantity / 7 for each day not covered. Rows not displaced come back as they were.
 */
export function salesThatCount<R extends SourcedSales>(rows: readonly R[]): (R | SourcedSales)[] {
  const covered = new Set<string>();
  const key = (r: SourcedSales, day: number) => `${r.regionCode}|${r.channel}|${day}`;
  for (const r of rows) {
    if (r.locationId !== null) continue;
    const first = dayNumber(r.periodStart);
    for (let d = 0; d < r.periodDays; d++) covered.add(key(r, first + d));
  }
  if (covered.size === 0) return [...rows];
  const result: (R | SourcedSales)[] = [];
  for (const r of rows) {
    if (r.locationId === null) {
      result.push(r);
      continue;
    }
    const first = dayNumber(r.periodStart);
    const open: number[] = [];
    for (let d = 0; d < r.periodDays; d++) if (!covered.has(key(r, first + d))) open.push(first + d);
    if (open.length === r.periodDays) result.push(r);
    else {
      for (const day of open) {
        result.push({
          periodStart: dateOfDayNumber(day),
          periodDays: 1,
          quantity: r.quantity / r.periodDays,
          regionCode: r.regionCode,
          channel: r.channel,
          locationId: r.locationId,
        });
      }
    }
  }
  return result;
}
