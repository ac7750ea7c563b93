import { matchesListItem, type ListItemRef } from './risk.js';
import type { SalesChannel } from './sales-channel.js';
import type { LocationKind } from './vocabulary.js';

/*
 * R2 (seed 003, DOMAIN.md): regions ensure an assortment of prioritised inpatient medicines for at
 * least one month's consumption, as rotating stock close to where care is given (own stock or
 * contracted). This module measures it: per region and per medicine on Socialstyrelsen's list, the
 * months of consumption the region's own stock holds, against the target. Pure functions, no I/O.
 */

/** R2: "för minst en månads förbrukning". */
export const TARGET_MONTHS = 1;

/**
 * Days in a month, for "months of consumption": a calendar year's 365 days over 12 (ours: the target
 * speaks of months, consumption is estimated per day).
 */
export const DAYS_PER_MONTH = 365 / 12;

/**
 * The location kinds whose stock counts as the region's own stock for the target (ours, from R2's
 * "hospital pharmacies, regional preparedness stock, care-unit stores"): rotating stock close to where
 * the region gives care. Community and dose pharmacies are not the region's, municipal stores are
 * the municipalities', wholesalers' warehouses and state security stocks are not close to care.
 */
export const REGIONAL_TARGET_LOCATION_KINDS: readonly LocationKind[] = [
  'hospital_pharmacy',
  'care_unit_store',
  'regional_preparedness_stock',
];

/**
 * Whether stock the region owns but another organisation holds counts (ours, from seed 003: "genom
 * inköp av läkemedel för lagerhållning i egen regi eller genom avtal om lagerhållning hos upphandlad
 * aktör"): the region's stock contracted at a procured actor, e.g. a wholesaler holding it on the
 * region's behalf (stock lines with the region as owner), counts wherever it is held.
 */
export const CONTRACTED_STOCK_COUNTS = true;

/** A package as the target needs it: what it is (for the list match) and its units per package. */
export interface TargetPackage {
  id: number;
  atcCode: string;
  substance: string;
  form: string;
  packSize: number;
}

/** The region's stock of one package at one kind of location, in packages. */
export interface TargetStockLine {
  packageId: number;
  locationKind: LocationKind;
  /** The region holds it itself (false: the region owns it, another organisation holds it). */
  heldByRegion: boolean;
  quantity: number;
}

/** Whether a line of the region's own stock counts toward the target. */
export function countsTowardTarget(line: Pick<TargetStockLine, 'locationKind' | 'heldByRegion'>): boolean {
  if (!line.heldByRegion) return CONTRACTED_STOCK_COUNTS;
  return REGIONAL_TARGET_LOCATION_KINDS.includes(line.locationKind);
}

/**
 * The sales channels whose sales are the consumption the target measures (ours, from R2: "prioriterade
 * läkemedel inom slutenvården", a month of the care's consumption): what the region's care units and
 * hospitals requisition. Prescriptions dispensed at community pharmacies and dose dispensing are the
 * patients' own supply, not what the region's stock close to care must carry. A parameter: add a channel
 * here to measure it too.
 */
export const TARGET_CHANNELS: readonly SalesChannel[] = ['care_requisition'];

/**
 * How far back consumption is read (ours): the year to the region's own last reported day, the
 * "normal consumption" of 12 months that R1 also uses, so that a winter peak neither inflates nor a
 * summer lull deflates the month. A region whose channel, or a package whose sales, began within the
 * year is read over the days since then (see {@link TargetConsumption}).
 */
export const CONSUMPTION_WINDOW_DAYS = 365;

/**
 * The region's sales of one package in one channel over the consumption window, counted once (one
 * source per sale: the region-level figure where reported, else the locations' rows), in packages;
 * `days` is the days they are read over: the window's days from the later of the first day the region
 * reported the channel at all (any package) and the package's first sale. A channel not reported is
 * unknown, not zero: a region that began reporting its hospitals' requisitions a fortnight ago is
 * measured over that fortnight, not diluted over the year.
 */
export interface TargetConsumption {
  packageId: number;
  channel: SalesChannel;
  packages: number;
  days: number;
}

/**
 * Packages consumed per day of each package in `channels`: per channel its packages ÷ its days,
 * summed over the channels. Rows of other channels, and rows over no day, count nothing.
 */
export function consumptionPerDay(
  rows: readonly TargetConsumption[],
  channels: readonly SalesChannel[] = TARGET_CHANNELS,
): Map<number, number> {
  const perDay = new Map<number, number>();
  for (const r of rows) {
    if (!channels.includes(r.channel) || r.days <= 0) continue;
    perDay.set(r.packageId, (perDay.get(r.packageId) ?? 0) + r.packages / r.days);
  }
  return perDay;
}

/** How a medicine stands against the target. */
export type TargetStatus = 'met' | 'not_met' | 'no_consumption';

/** One medicine of the list in one region. */
export interface TargetRow {
  position: number;
  atcCode: string;
  substance: string;
  form: string | null;
  /** The packages on the market that the list entry covers (matchesListItem). */
  packages: number;
  /** Units (tablets, ml …: pack size × packages) of the region's own stock that count. */
  stockUnits: number;
  /** Of which in the region's preparedness stock (classified: only the region and authorities see it). */
  preparednessUnits: number;
  /** Of which owned by the region and held by another organisation under contract. */
  contractedUnits: number;
  /** Units consumed per month in the care (TARGET_CHANNELS): consumption per day × DAYS_PER_MONTH. */
  monthlyUnits: number;
  /** stockUnits / monthlyUnits; null when there is no consumption. */
  monthsHeld: number | null;
  status: TargetStatus;
}

export interface TargetSummary {
  /** Medicines on the list. */
  medicines: number;
  met: number;
  notMet: number;
  /** Medicines the region's care does not consume ("ingen förbrukning i vården"). */
  noConsumption: number;
  /** met / (met + not met): the share of the medicines the region consumes that meet the target; null when it consumes none. */
  shareMet: number | null;
}

/**
 * R2: a region's scorecard. For each entry of the prioritised list (the version in force on the day),
 * the packages it covers; the region's own stock of them (lines that `countsTowardTarget`) and its
 * care's consumption (`consumptionPerDay` in `channels`, default TARGET_CHANNELS), both in units
 * (pack size × packages: packs of 28 and 100 do not add up as 2); months held = stock / (consumption
 * per day × DAYS_PER_MONTH); met when months held ≥ `targetMonths`. A medicine the region's care does
 * not consume has no months (`no_consumption`, "ingen förbrukning i vården") and is left out of the
 * share met: one month of nothing is not a measure.
 *
 * Worked example (test/domain/regional-target.spec.ts): morfin injektionsvätska, packs of 10 ml;
 * the region holds 30 packs at its hospital pharmacy and 20 in its preparedness stock (500 units);
 * its care requisitioned 547.5 packs over 365 days, 1.5 packs a day (15 units): 456.25 units a
 * month, 500 / 456.25 = 1.096 months: met.
 */
export function regionalScorecard(input: {
  list: readonly ListItemRef[];
  packages: readonly TargetPackage[];
  stock: readonly TargetStockLine[];
  consumption: readonly TargetConsumption[];
  channels?: readonly SalesChannel[];
  targetMonths?: number;
}): { rows: TargetRow[]; summary: TargetSummary } {
  const targetMonths = input.targetMonths ?? TARGET_MONTHS;
  const stockOf = new Map<number, { all: number; preparedness: number; contracted: number }>();
  for (const line of input.stock) {
    if (!countsTowardTarget(line)) continue;
    const s = stockOf.get(line.packageId) ?? { all: 0, preparedness: 0, contracted: 0 };
    s.all += line.quantity;
    if (line.locationKind === 'regional_preparedness_stock') s.preparedness += line.quantity;
    if (!line.heldByRegion) s.contracted += line.quantity;
    stockOf.set(line.packageId, s);
  }
  const demandOf = consumptionPerDay(input.consumption, input.channels ?? TARGET_CHANNELS);

  const rows = input.list.map((entry): TargetRow => {
    const covered = input.packages.filter((p) => matchesListItem(p, entry));
    let stockUnits = 0;
    let preparednessUnits = 0;
    let contractedUnits = 0;
    let dailyUnits = 0;
    for (const p of covered) {
      const s = stockOf.get(p.id);
      if (s) {
        stockUnits += s.all * p.packSize;
        preparednessUnits += s.preparedness * p.packSize;
        contractedUnits += s.contracted * p.packSize;
      }
      dailyUnits += (demandOf.get(p.id) ?? 0) * p.packSize;
    }
    const monthlyUnits = dailyUnits * DAYS_PER_MONTH;
    const monthsHeld = monthlyUnits > 0 ? stockUnits / monthlyUnits : null;
    const status: TargetStatus =
      monthsHeld === null ? 'no_consumption' : monthsHeld >= targetMonths ? 'met' : 'not_met';
    return {
      position: entry.position,
      atcCode: entry.atcCode,
      substance: entry.substance,
      form: entry.form,
      packages: covered.length,
      stockUnits,
      preparednessUnits,
      contractedUnits,
      monthlyUnits,
      monthsHeld,
      status,
    };
  });
  return { rows, summary: summariseTarget(rows) };
}

/** The counts of a scorecard, and the share met among the medicines the region consumes. */
export function summariseTarget(rows: readonly Pick<TargetRow, 'status'>[]): TargetSummary {
  let met = 0;
  let notMet = 0;
  let noConsumption = 0;
  for (const r of rows) {
    if (r.status === 'met') met++;
    else if (r.status === 'not_met') notMet++;
    else noConsumption++;
  }
  const measured = met + notMet;
  return {
    medicines: rows.length,
    met,
    notMet,
    noConsumption,
    shareMet: measured === 0 ? null : met / measured,
  };
}
