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
 * Below this much usable stock (packages, or units for a group) nothing whole is left to dispense:
 * ours. A region's share of the wholesale stock serving it is a fraction of a warehouse's stock
 * (src/domain/service-area.ts), so a region can count 0.3 of a package; that is out of stock too.
 */
export const OUT_OF_STOCK_BELOW = 1;

/** `out_of_stock` when less than one whole package (unit) is usable, whatever the demand. */
export function stockStatus(usableStock: number): StockStatus {
  return usableStock >= OUT_OF_STOCK_BELOW ? 'in_stock' : 'out_of_stock';
}

/** Stock in whole packages (units) for display: never more than is there (0.7 shows as 0). */
export function wholeStock(quantity: number): number {
  // A millionth below a whole number is that number (shares are rounded to a millionth).
  return Math.floor(quantity + 1e-6);
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
