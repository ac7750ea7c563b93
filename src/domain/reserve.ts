import type { LocationKind } from './vocabulary.js';
import { supplyTierOf } from './supply-tier.js';

/**
 * Everyday stock and reserve (issue 8 item 5).
 *
 * Stock levels (SOU 2021:19, DOMAIN.md "Products and places"): 1 basic rotating stock, 2 extended
 * rotating stock, 3 state security stocks (non-rotating), 4 production preparedness. DOMAIN.md: levels
 * 1–2 rotate and serve everyday use; level 3 does not rotate and is released by decision, "so it is
 * reserve, not everyday coverage".
 *
 * Our choices, documented in docs/lagesbild.md ("Everyday stock and reserve"):
 * - everything held at a location of the preparedness tier (state security stocks and regional
 *   preparedness stocks) is reserve, whatever level it is reported at: such a stock is held for a
 *   crisis, and its very existence is shown only to its owner and to those who see everything
 *   (`mayListLocation`), so it can be part of no figure others see;
 * - level 3 and above is reserve wherever it is held (a wholesaler may hold a state stock on the
 *   state's behalf). Level 4 (production preparedness) does not rotate either.
 * The picture's coverage, risk, counts and maps count everyday stock only; the reserve is shown
 * apart, to those who may see it, as the days it would add.
 */
export const FIRST_RESERVE_LEVEL = 3;

/** The location kinds whose whole stock is reserve (the preparedness tier). */
export function isReserveLocationKind(kind: LocationKind): boolean {
  return supplyTierOf(kind) === 'preparedness';
}

/** Whether a stock line is reserve: held at a preparedness stock, or reported at level 3 or 4. */
export function isReserveStock(line: { locationKind: LocationKind; stockLevel: number }): boolean {
  return isReserveLocationKind(line.locationKind) || line.stockLevel >= FIRST_RESERVE_LEVEL;
}

/**
 * The days a reserve would add to coverage if released: its usable quantity over the demand per day
 * (the same demand the everyday coverage is measured against). Null when there is no demand.
 */
export function reserveDaysAdded(usableReserve: number, demandPerDay: number): number | null {
  if (!(demandPerDay > 0)) return null;
  return Math.max(0, usableReserve) / demandPerDay;
}

/** Everyday and reserve parts of some stock lines (e.g. one location's lines of one package). */
export interface StockSplit {
  everyday: { total: number; usable: number };
  reserve: { total: number; usable: number };
}

/**
 * Splits stock lines into everyday stock and reserve ({@link isReserveStock}); `usable` says whether
 * a line counts as usable (its expiry is after the horizon).
 */
export function splitStock(
  lines: readonly { locationKind: LocationKind; stockLevel: number; quantity: number; usable: boolean }[],
): StockSplit {
  const split: StockSplit = { everyday: { total: 0, usable: 0 }, reserve: { total: 0, usable: 0 } };
  for (const line of lines) {
    const part = isReserveStock(line) ? split.reserve : split.everyday;
    part.total += line.quantity;
    if (line.usable) part.usable += line.quantity;
  }
  return split;
}
