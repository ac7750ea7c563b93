import { addDays, dayNumber } from './calendar.js';
import { AppError } from './errors.js';

/** A quantity of stock with one expiry date (a stock line, or a batch). Null expiry: does not expire. */
export interface StockLot {
  quantity: number;
  expiry: string | null;
}

/** A delivery expected to arrive (and be usable) from `expectedOn`. Without `expiry` it does not expire. */
export interface ExpectedDelivery {
  expectedOn: string;
  quantity: number;
  expiry?: string | null;
}

// Sums of fractional demand (10/3 a day × 30 days) must not lose a day to rounding.
const EPSILON = 1e-9;

/**
 * Minimum remaining shelf life at dispensing, in days: a lot is dispensed only on the days before
 * `expiry - minShelfLifeDays`. Our choice, not a sourced rule: 0, i.e. a lot is usable until the day
 * before its expiry date, the physical limit the delivery simulation has always used. Required
 * remaining shelf lives exist in practice (seed 004, sub-capability 3.2.5, speaks of shortening them
 * in a critical shortage) but vary by product and trade agreement, and none of our sources gives a
 * number; an operator who knows it sets it per refresh (`minShelfLifeDays`), and the picture states
 * the value it used.
 */
export const DEFAULT_MIN_SHELF_LIFE_DAYS = 0;
/** How far ahead the delivery simulation looks. */
export const DEFAULT_SIMULATION_DAYS = 365;

/**
 * Usable stock: what of `lots` can be dispensed before it expires when demand draws on them
 * first-expiry-first-out at `perDay` from `today`. A lot expiring on day E (days from today) is
 * dispensed on days 0 … E - minShelfLifeDays - 1; lots without expiry come last and are wholly
 * usable. In expiry order, with `consumed` the amount drawn from the earlier lots:
 *
 *   consumed_i = max(consumed, min(consumed + quantity_i, perDay × (E_i - minShelfLifeDays)))
 *
 * 300 packs expiring in 20 days and 500 without expiry at 10 a day: 200 + 500 = 700. This is what the
 * delivery-free simulation ({@link simulateSupply}) uses before it runs out, so plain coverage and the
 * simulation give the same run-out date. With no demand (`perDay` 0) nothing is drawn: usable is then
 * every lot that can still be dispensed (E - minShelfLifeDays > 0), the stock an alternative or a
 * transfer could use. Lots of 0 or less (a difference report that took more than a lot held) add
 * nothing. The SQL twin is the aggregate `picture_usable_before_expiry` (0007_usable_stock.sql).
 * @throws AppError('invalid') for a negative or non-finite demand.
 */
export function usableBeforeExpiry(
  lots: readonly StockLot[],
  perDay: number,
  today: string,
  minShelfLifeDays: number = DEFAULT_MIN_SHELF_LIFE_DAYS,
): number {
  checkDemand(perDay);
  const day0 = dayNumber(today);
  const daysOf = (lot: StockLot) =>
    lot.expiry === null ? Infinity : dayNumber(lot.expiry) - minShelfLifeDays - day0;
  const ordered = lots
    .map((lot) => ({ quantity: lot.quantity, days: daysOf(lot) }))
    .sort((a, b) => a.days - b.days);
  let consumed = 0;
  for (const lot of ordered) {
    if (lot.days <= 0) continue;
    if (lot.days === Infinity || perDay === 0) consumed += Math.max(lot.quantity, 0);
    else consumed = Math.max(consumed, Math.min(consumed + lot.quantity, perDay * lot.days));
  }
  return consumed;
}

/** How long stock lasts at a demand. Both null when there is no demand ("no demand", not infinity). */
export interface Coverage {
  /** usable stock / demand per day, in days. */
  days: number | null;
  /** The first day whose demand cannot be fully met: `today` + whole days covered. */
  runsOutOn: string | null;
}

/**
 * Coverage of `stock` at `demandPerDay`, without deliveries: 300 packs at 10 a day last 30 days, so
 * from 2026-11-23 the first day without stock is 2026-12-23.
 * @throws AppError('invalid') for a negative or non-finite demand.
 */
export function coverage(stock: number, demandPerDay: number, today: string): Coverage {
  checkDemand(demandPerDay);
  if (demandPerDay === 0) return { days: null, runsOutOn: null };
  const days = stock / demandPerDay;
  return { days, runsOutOn: addDays(today, Math.floor(days + EPSILON)) };
}

/** A run of consecutive days whose demand cannot be fully met. */
export interface SupplyGap {
  /** The first short day. */
  from: string;
  /** The first fully supplied day again (a delivery arrived), or null if still short at the end. */
  until: string | null;
}

export interface SupplyOutlook {
  /** The first day whose demand cannot be fully met; null if none before `simulatedUntil` or no demand. */
  runsOutOn: string | null;
  gaps: SupplyGap[];
  /** Stock lost because it expired before it was used (including lots already expired today). */
  expiredUnused: number;
  /** The simulation covers `today` up to, not including, this day. */
  simulatedUntil: string;
}

export interface SupplySimulationInput {
  today: string;
  demandPerDay: number;
  lots: readonly StockLot[];
  deliveries?: readonly ExpectedDelivery[];
  /** Days to simulate from `today`. Default 365. */
  days?: number;
  /** A lot is drawn only until this many days before its expiry. Default 0. */
  minShelfLifeDays?: number;
}

/**
 * When stock plus expected deliveries first fail to cover demand. Event-based: between two events (a
 * delivery arriving, a lot expiring) demand is drawn at a steady rate, first-expiry-first-out. A lot
 * is usable on the days before its expiry date less the minimum remaining shelf life; whatever is left
 * of it then is lost (stock that expires before it is used does not help). A delivery is usable from the morning of `expectedOn`;
 * deliveries expected before `today` are overdue and not counted (a late delivery is not a plan).
 * A delivery after the run-out date ends the gap the day it arrives, if it covers that day's demand.
 * @throws AppError('invalid') for a negative or non-finite demand.
 */
export function simulateSupply(input: SupplySimulationInput): SupplyOutlook {
  const { today, demandPerDay: rate } = input;
  checkDemand(rate);
  const horizon = input.days ?? DEFAULT_SIMULATION_DAYS;
  const day0 = dayNumber(today);
  const offsetOf = (date: string | null | undefined): number =>
    date === null || date === undefined ? Infinity : dayNumber(date) - day0;
  const minShelf = input.minShelfLifeDays ?? DEFAULT_MIN_SHELF_LIFE_DAYS;
  const expiryOf = (date: string | null | undefined): number => offsetOf(date) - minShelf;

  // Lots held in first-expiry-first-out order; `left` shrinks as demand draws on them.
  let lots: { left: number; expiresAt: number }[] = [];
  const arrivals = new Map<number, { left: number; expiresAt: number }[]>();
  const events = new Set<number>([horizon]);
  for (const lot of input.lots) {
    const expiresAt = expiryOf(lot.expiry);
    lots.push({ left: lot.quantity, expiresAt });
    if (expiresAt > 0 && expiresAt < horizon) events.add(expiresAt);
  }
  for (const delivery of input.deliveries ?? []) {
    const at = offsetOf(delivery.expectedOn);
    if (at < 0 || at >= horizon) continue;
    const expiresAt = expiryOf(delivery.expiry);
    const list = arrivals.get(at) ?? [];
    list.push({ left: delivery.quantity, expiresAt });
    arrivals.set(at, list);
    if (at > 0) events.add(at);
    if (expiresAt > 0 && expiresAt < horizon) events.add(expiresAt);
  }

  let expiredUnused = 0;
  const receiveAndExpire = (day: number): void => {
    lots.push(...(arrivals.get(day) ?? []));
    for (const lot of lots) if (lot.expiresAt <= day) expiredUnused += lot.left;
    lots = lots
      .filter((lot) => lot.expiresAt > day && lot.left > 0)
      .sort((a, b) => a.expiresAt - b.expiresAt);
  };

  const gaps: { from: number; until: number | null }[] = [];
  let open: { from: number; until: number | null } | null = null;
  let t = 0;
  receiveAndExpire(0);
  for (const next of [...events].sort((a, b) => a - b)) {
    if (rate > 0) {
      // Interval [t, next): no lot expires and nothing arrives inside it.
      const held = lots.reduce((sum, lot) => sum + lot.left, 0);
      if (open !== null && held + EPSILON >= rate) {
        open.until = t;
        open = null;
      }
      const need = rate * (next - t);
      if (held + EPSILON * Math.max(1, need) >= need) {
        draw(lots, need);
      } else {
        const fullDays = Math.floor(held / rate + EPSILON);
        if (open === null) {
          open = { from: t + fullDays, until: null };
          gaps.push(open);
        }
        lots = [];
      }
    }
    t = next;
    if (t < horizon) receiveAndExpire(t);
  }

  const first = gaps[0];
  return {
    runsOutOn: first === undefined ? null : addDays(today, first.from),
    gaps: gaps.map((g) => ({
      from: addDays(today, g.from),
      until: g.until === null ? null : addDays(today, g.until),
    })),
    expiredUnused,
    simulatedUntil: addDays(today, horizon),
  };
}

function draw(lots: { left: number }[], need: number): void {
  let rest = need;
  for (const lot of lots) {
    const taken = Math.min(lot.left, rest);
    lot.left -= taken;
    rest -= taken;
    if (rest <= 0) break;
  }
}

export interface ItemCoverageInput {
  today: string;
  demandPerDay: number;
  lots: readonly StockLot[];
  deliveries?: readonly ExpectedDelivery[];
  /** A lot is dispensed only until this many days before its expiry. Default 0. */
  minShelfLifeDays?: number;
  /** Days the delivery simulation looks ahead. Default 365. */
  simulationDays?: number;
}

/** The coverage of one item (package or group) at one location or level, with and without deliveries. */
export interface ItemCoverage extends Coverage {
  usableStock: number;
  demandPerDay: number;
  /** Stock plus expected deliveries, with lots lost at their expiry. */
  withDeliveries: SupplyOutlook;
}

/**
 * Coverage of one item: usable stock before expiry / demand and its run-out date without deliveries,
 * and the simulated run-out date with expected deliveries (see {@link simulateSupply}). Without
 * deliveries the two dates are the same; deliveries can only push the simulated date later.
 */
export function coverageOfItem(input: ItemCoverageInput): ItemCoverage {
  const minShelfLifeDays = input.minShelfLifeDays ?? DEFAULT_MIN_SHELF_LIFE_DAYS;
  const usable = usableBeforeExpiry(input.lots, input.demandPerDay, input.today, minShelfLifeDays);
  return {
    usableStock: usable,
    demandPerDay: input.demandPerDay,
    ...coverage(usable, input.demandPerDay, input.today),
    withDeliveries: simulateSupply({
      today: input.today,
      demandPerDay: input.demandPerDay,
      lots: input.lots,
      deliveries: input.deliveries ?? [],
      days: input.simulationDays ?? DEFAULT_SIMULATION_DAYS,
      minShelfLifeDays,
    }),
  };
}

/** Usable stock and expected demand of one part of an aggregate (a location, a region …). */
export interface CoverageTotals {
  usableStock: number;
  demandPerDay: number;
}

export interface AggregateCoverage extends CoverageTotals, Coverage {
  /** How many parts were summed. */
  parts: number;
}

/**
 * Coverage of an aggregate: sum(usable stock) / sum(demand), NOT the mean of the parts' coverages.
 * A location with 300 packs at 10 a day (30 days) and one with none at 20 a day (0 days) cover
 * 300 / 30 = 10 days together, not 15. The aggregate assumes stock can move between its parts (R3
 * redistribution); local gaps are seen only one level down, which is why the picture shows every level.
 */
export function aggregateCoverage(parts: readonly CoverageTotals[], today: string): AggregateCoverage {
  let usable = 0;
  let demand = 0;
  for (const part of parts) {
    usable += part.usableStock;
    demand += part.demandPerDay;
  }
  return {
    usableStock: usable,
    demandPerDay: demand,
    parts: parts.length,
    ...coverage(usable, demand, today),
  };
}

/**
 * {@link aggregateCoverage} per key: per municipality, region, or the whole country with a constant key.
 * `aggregateCoverageBy(locations, (l) => l.regionCode, today)`.
 */
export function aggregateCoverageBy<T extends CoverageTotals>(
  parts: readonly T[],
  keyOf: (part: T) => string,
  today: string,
): Map<string, AggregateCoverage> {
  const byKey = new Map<string, T[]>();
  for (const part of parts) {
    const key = keyOf(part);
    const list = byKey.get(key);
    if (list === undefined) byKey.set(key, [part]);
    else list.push(part);
  }
  const result = new Map<string, AggregateCoverage>();
  for (const [key, list] of byKey) result.set(key, aggregateCoverage(list, today));
  return result;
}

/**
 * Coverage of stock held in each key (e.g. supply tier) against ONE demand for the whole area: how
 * long that tier alone could supply everyone. Demand is not split by tier: the wholesalers' stock
 * serves the pharmacies' patients. `stockCoverageBy(lots, (l) => supplyTierOf(l.kind), national, today)`.
 */
export function stockCoverageBy<T extends { usableStock: number }, K>(
  parts: readonly T[],
  keyOf: (part: T) => K,
  demandPerDay: number,
  today: string,
): Map<K, AggregateCoverage> {
  const byKey = new Map<K, { usable: number; parts: number }>();
  for (const part of parts) {
    const key = keyOf(part);
    const sum = byKey.get(key) ?? { usable: 0, parts: 0 };
    sum.usable += part.usableStock;
    sum.parts += 1;
    byKey.set(key, sum);
  }
  const result = new Map<K, AggregateCoverage>();
  for (const [key, sum] of byKey) {
    result.set(key, {
      usableStock: sum.usable,
      demandPerDay,
      parts: sum.parts,
      ...coverage(sum.usable, demandPerDay, today),
    });
  }
  return result;
}

function checkDemand(demandPerDay: number): void {
  if (!Number.isFinite(demandPerDay) || demandPerDay < 0) {
    throw AppError.invalid(`demand ${demandPerDay} per day is not a non-negative number`, [
      {
        field: 'demandPerDay',
        value: demandPerDay,
        expected: 'a finite number >= 0',
        message: 'invalid demand',
      },
    ]);
  }
}
