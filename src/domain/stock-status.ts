import { SHARE_DECIMALS } from './service-area.js';

/**
 * Whether there is anything usable to run out of. A package with no usable stock is "slut i lager"
 * (out of stock): its run-out date (today, the first day whose demand cannot be met) says when it
 * would run out, which for stock already at zero reads as "runs out today" and hides that it already
 * has. Every answer that shows a run-out date also carries this status, and the screens show "slut i
 * lager" instead of the date (docs/lagesbild.md, "Out of stock").
 */
export type StockStatus = 'out_of_stock' | 'in_stock';

export const STOCK_STATUSES: readonly StockStatus[] = ['out_of_stock', 'in_stock'];

/**
 * Below this much usable stock (packages, or units for a group) nothing is held: a millionth of a
 * package, the precision a region's share of a warehouse is rounded to (SHARE_DECIMALS), ours. A share
 * below one whole package is stock: a region counting 0.3 of the warehouse stock serving it, at
 * 0.01 a day, is covered for 30 days, and is not out of stock.
 */
export const OUT_OF_STOCK_BELOW = 10 ** -SHARE_DECIMALS;

/** `out_of_stock` when nothing is usable (less than a millionth of a package), whatever the demand. */
export function stockStatus(usableStock: number): StockStatus {
  return usableStock >= OUT_OF_STOCK_BELOW ? 'in_stock' : 'out_of_stock';
}

/** Stock in whole packages (units): never more than is there (0.7 is 0 whole packages). */
export function wholeStock(quantity: number): number {
  // A millionth below a whole number is that number (shares are rounded to a millionth).
  return Math.floor(quantity + 1e-6);
}

/**
 * Stock as shown on screens, exports and the printed report: whole packages (never more than is
 * there: 11.7 shows as 11), and below one package its first two significant digits, rounded down
 * (a region's share of a warehouse: 0.48), so that stock which covers days never reads as 0 and
 * only stock that is out of stock does. Nothing, or less than nothing (differences below a count),
 * shows as 0.
 */
export function stockFigure(quantity: number): number {
  if (!(quantity >= OUT_OF_STOCK_BELOW)) return 0;
  const whole = wholeStock(quantity);
  if (whole >= 1) return whole;
  const scale = 10 ** (STOCK_SIGNIFICANT_DIGITS - 1 - Math.floor(Math.log10(quantity)));
  return Math.floor(quantity * scale + 1e-9) / scale;
}

/** Significant digits of stock below one package as shown ({@link stockFigure}): ours. */
export const STOCK_SIGNIFICANT_DIGITS = 2;

/** How to print a {@link stockFigure} (Intl): whole packages without decimals, a fraction exactly. */
export function stockNumberFormat(shown: number): Intl.NumberFormatOptions {
  return shown > 0 && shown < 1
    ? { maximumSignificantDigits: STOCK_SIGNIFICANT_DIGITS }
    : { maximumFractionDigits: 0 };
}

/**
 * Still out of stock counting expected deliveries: nothing usable now and nothing arriving today. With
 * demand, an item out of stock runs out today (`runsOutOn`); with deliveries it runs out then too
 * unless one arrives today. Without demand both dates are null.
 */
export function outOfStockWithDeliveries(
  status: StockStatus,
  runsOutOn: string | null,
  runsOutWithDeliveriesOn: string | null,
): boolean {
  if (status !== 'out_of_stock') return false;
  if (runsOutWithDeliveriesOn === null) return runsOutOn === null;
  return runsOutOn !== null && runsOutWithDeliveriesOn <= runsOutOn;
}
