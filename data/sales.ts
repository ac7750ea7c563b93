import { dateOfDayNumber } from '../src/domain/calendar.js';
import type { SalesChannel } from '../src/domain/sales-channel.js';
import type { LocationModel, PackageModel, SalesRow } from './model.js';
import { Rng } from './random.js';

/**
 * The periods sales are generated for, as day numbers (days since 1970-01-01):
 * - weekly rows (period_days 7, Monday to Sunday, region level) from `weeklyStart` to `dailyStart`;
 * - daily rows (period_days 1, region level) from `dailyStart` (14–20 days back) to `end` (exclusive, = today);
 * - from `locationStart` (today − 14) daily rows per hospital pharmacy and per dose pharmacy too.
 */
export interface SalesWindow {
  weeklyStart: number;
  dailyStart: number;
  locationStart: number;
  end: number;
}

/** Days of sales history: two years. */
export const HISTORY_DAYS = 730;
/** Location-level rows cover the last 14 days (a dose-dispensing cycle, R5). */
export const LOCATION_DAYS = 14;

/** Monday of the week of `day` (day 0, 1970-01-01, was a Thursday). */
export function mondayOf(day: number): number {
  return day - ((day + 3) % 7);
}

export function salesWindow(today: number): SalesWindow {
  // Daily rows start on the Monday on or before today − 14, so that they cover the location window.
  const dailyStart = mondayOf(today - LOCATION_DAYS);
  const weeks = Math.floor((dailyStart - (today - HISTORY_DAYS)) / 7);
  return {
    weeklyStart: dailyStart - 7 * weeks,
    dailyStart,
    locationStart: today - LOCATION_DAYS,
    end: today,
  };
}

/**
 * Winter factor for antibiotics (J01) and respiratory medicines (R): 1 in summer, rising to 1.4 in
 * mid-January, about +35 % on average over December–February.
 */
export function winterFactor(day: number): number {
  const phase = (2 * Math.PI * (day - 14)) / 365.25; // day 14 = 1970-01-15
  const w = (1 + Math.cos(phase)) / 2;
  return 1 + 0.4 * w * w;
}

// Weekday profiles, Monday first, each averaging 1: pharmacies are quieter at weekends, hospitals
// less so, and dose pharmacies pack on weekdays only.
const COMMUNITY_WEEKDAY = [1.2, 1.15, 1.1, 1.1, 1.15, 0.75, 0.55];
const HOSPITAL_WEEKDAY = [1.05, 1.05, 1.05, 1.05, 1.05, 0.9, 0.85];
const DOSE_WEEKDAY = [1.4, 1.4, 1.4, 1.4, 1.4, 0, 0];

export interface SalesContext {
  seed: number;
  today: number;
  reportId: number;
  packages: readonly PackageModel[];
  regionCodes: readonly string[];
  /** Population share of each region. */
  regionShares: readonly number[];
  /** Per package and region (index p * regions + r): local deviation from the population share. */
  regionFactor: Float32Array;
  hospitalsByRegion: readonly (readonly LocationModel[])[];
  doseLocationOfRegion: readonly LocationModel[];
}

/** Expected national packages per day of `p` on `day`, before the region split. */
export function nationalPerDay(p: PackageModel, day: number, today: number): number {
  const trend = Math.exp((p.trend * (day - today)) / 365);
  return (p.annual / 365) * trend * (p.seasonal ? winterFactor(day) : 1);
}

/** One chunk of generated rows, and how far the generator has come (`done` of `total` steps). */
export interface Chunk<R> {
  rows: R[];
  done: number;
  total: number;
}

/**
 * The sales rows in chunks of about `chunkRows`, ordered by region and then period (the order of
 * the index on (region_code, period_start), which makes rebuilding it cheap). Every row is one
 * disjoint part of the total: for the last 14 days the region-level row holds community-pharmacy
 * sales only (channel community_dispensing), and hospital-pharmacy and dose-pharmacy sales are in
 * their own location rows (care_requisition, dose_dispensing), so summing all rows of a period always
 * gives the total and no region-level row displaces a location row (docs/reports.md). Before that the
 * region-level rows hold all three channels in one figure; they are labelled community_dispensing, the
 * E-hälsomyndigheten statistics they stand for (the generator does not split its history by channel).
 * Zero quantities are not written.
 *
 * Each (package, region) pair draws from its own seeded stream, so the rows do not depend on
 * chunking or on how many other packages there are.
 */
export function* salesChunks(ctx: SalesContext, chunkRows = 50_000): Generator<Chunk<SalesRow>> {
  const w = salesWindow(ctx.today);
  const regions = ctx.regionCodes.length;
  const weeks: number[] = [];
  for (let day = w.weeklyStart; day < w.dailyStart; day += 7) weeks.push(day);
  const days: number[] = [];
  for (let day = w.dailyStart; day < w.end; day++) days.push(day);
  const total = regions * (weeks.length + days.length);
  const dates = new Map<number, string>();
  for (const day of [...weeks, ...days]) dates.set(day, dateOfDayNumber(day));
  const packages = ctx.packages;
  let rows: SalesRow[] = [];
  let done = 0;

  for (let r = 0; r < regions; r++) {
    const region = ctx.regionCodes[r] as string;
    const rngs = packages.map((p) => new Rng(ctx.seed, 'sales', p.index, r));
    const local = packages.map(
      (p) => (ctx.regionShares[r] ?? 0) * (ctx.regionFactor[p.index * regions + r] ?? 1),
    );
    const hospitals = ctx.hospitalsByRegion[r] ?? [];
    const dose = ctx.doseLocationOfRegion[r];
    const push = (
      start: string,
      period: 1 | 7,
      location: number | null,
      packageId: number,
      quantity: number,
      channel: SalesChannel,
    ) => {
      if (quantity > 0) {
        rows.push({
          channel,
          period_start: start,
          period_days: period,
          region_code: region,
          location_id: location,
          package_id: packageId,
          quantity,
          age_band: null,
          sex: null,
          report_id: ctx.reportId,
        });
      }
    };

    // Weekly history, region level.
    for (const day of weeks) {
      const start = dates.get(day) as string;
      for (let i = 0; i < packages.length; i++) {
        const p = packages[i] as PackageModel;
        const rng = rngs[i] as Rng;
        const inside = Math.min(day + 7, p.salesUntil, w.end) - Math.max(day, p.salesFrom);
        if (inside <= 0) continue;
        const mean =
          nationalPerDay(p, day + 3, ctx.today) * (local[i] ?? 0) * inside * Math.exp(0.08 * rng.normal());
        push(start, 7, null, p.row.id, rng.poisson(mean), 'community_dispensing');
      }
      done++;
      if (rows.length >= chunkRows) {
        yield { rows, done, total };
        rows = [];
      }
    }

    // Daily: region level (community pharmacies only in the location window), then per hospital
    // pharmacy and per dose pharmacy for the last 14 days.
    for (const day of days) {
      const start = dates.get(day) as string;
      const wd = (day + 3) % 7;
      const split = day >= w.locationStart;
      for (let i = 0; i < packages.length; i++) {
        const p = packages[i] as PackageModel;
        if (day < p.salesFrom || day >= p.salesUntil) continue;
        const rng = rngs[i] as Rng;
        const base = nationalPerDay(p, day, ctx.today) * (local[i] ?? 0);
        const community = p.community * (COMMUNITY_WEEKDAY[wd] ?? 1);
        const hospital = p.hospital * (HOSPITAL_WEEKDAY[wd] ?? 1);
        const dosed = p.dose * (DOSE_WEEKDAY[wd] ?? 1);
        push(
          start,
          1,
          null,
          p.row.id,
          rng.poisson(base * (split ? community : community + hospital + dosed)),
          'community_dispensing',
        );
        if (!split) continue;
        if (p.hospital > 0)
          for (const h of hospitals)
            push(start, 1, h.row.id, p.row.id, rng.poisson(base * hospital * h.share), 'care_requisition');
        if (p.dose > 0 && dose)
          push(start, 1, dose.row.id, p.row.id, rng.poisson(base * dosed), 'dose_dispensing');
      }
      done++;
      if (rows.length >= chunkRows) {
        yield { rows, done, total };
        rows = [];
      }
    }
  }
  yield { rows, done, total };
}
