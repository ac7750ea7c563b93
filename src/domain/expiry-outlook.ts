import { addCalendarMonths, dayNumber } from './calendar.js';
import { DEFAULT_MIN_SHELF_LIFE_DAYS, usableBeforeExpiry, type StockLot } from './coverage.js';

/**
 * How many calendar months the expiry outlook shows one by one (ours: a year ahead, the span of the
 * delivery simulation); lots expiring later are one bucket.
 */
export const EXPIRY_OUTLOOK_MONTHS = 12;

/** One bucket of the expiry outlook: stock whose expiry falls in it. */
export interface ExpiryBucket {
  /**
   * `unusable`: can no longer be dispensed (expiry within the minimum remaining shelf life of today);
   * `month`: expires in the calendar month starting `from`; `later`: after the last month shown;
   * `none`: does not expire.
   */
  kind: 'unusable' | 'month' | 'later' | 'none';
  /** First day of the month (`month` only), otherwise null. */
  from: string | null;
  quantity: number;
  /** Of it, what demand draws first-expiry-first-out before it can no longer be dispensed. */
  usedBeforeExpiry: number;
  /** quantity - usedBeforeExpiry: what expires unused at this demand, without deliveries. */
  expiresUnused: number;
}

/**
 * What expires when (issue 10 item 7): the lots of an area's everyday stock by expiry month, each split
 * into what the demand draws before it can no longer be dispensed and what expires unused, by the same
 * first-expiry-first-out draw as usableBeforeExpiry (so, with demand, the buckets' usedBeforeExpiry add
 * up to the usable stock, and their quantities to the stock). Without demand nothing is used: all that
 * has an expiry date expires unused. A lot is bucketed by its expiry date; it is
 * dispensable until minShelfLifeDays before it. 300 packs expiring on 20 March and 500 without expiry,
 * today 1 March, 10 a day, 0 days of shelf life: March holds 300, of which 190 are used (19 days × 10)
 * and 110 expire unused; `none` holds 500.
 */
export function expiryOutlook(
  lots: readonly StockLot[],
  perDay: number,
  today: string,
  minShelfLifeDays: number = DEFAULT_MIN_SHELF_LIFE_DAYS,
  months: number = EXPIRY_OUTLOOK_MONTHS,
): ExpiryBucket[] {
  const firstMonth = `${today.slice(0, 7)}-01`;
  const monthStarts = Array.from({ length: months }, (_, i) => addCalendarMonths(firstMonth, i));
  const end = addCalendarMonths(firstMonth, months);
  const buckets: ExpiryBucket[] = [
    { kind: 'unusable', from: null, quantity: 0, usedBeforeExpiry: 0, expiresUnused: 0 },
    ...monthStarts.map((from) => ({
      kind: 'month' as const,
      from,
      quantity: 0,
      usedBeforeExpiry: 0,
      expiresUnused: 0,
    })),
    { kind: 'later', from: null, quantity: 0, usedBeforeExpiry: 0, expiresUnused: 0 },
    { kind: 'none', from: null, quantity: 0, usedBeforeExpiry: 0, expiresUnused: 0 },
  ];
  const day0 = dayNumber(today);
  const bucketOf = (lot: StockLot): ExpiryBucket => {
    const last = buckets.length - 1;
    if (lot.expiry === null) return buckets[last] as ExpiryBucket;
    if (dayNumber(lot.expiry) - minShelfLifeDays - day0 <= 0) return buckets[0] as ExpiryBucket;
    if (lot.expiry >= end) return buckets[last - 1] as ExpiryBucket;
    const index = monthStarts.findLastIndex((m) => m <= lot.expiry!);
    return buckets[Math.max(index, 0) + 1] as ExpiryBucket;
  };
  // The draw, lot by lot in expiry order: what each lot adds to usableBeforeExpiry is its use.
  const ordered = lots
    .filter((l) => l.quantity > 0)
    .slice()
    .sort((a, b) =>
      a.expiry === b.expiry
        ? 0
        : a.expiry === null
          ? 1
          : b.expiry === null
            ? -1
            : a.expiry < b.expiry
              ? -1
              : 1,
    );
  let drawn = 0;
  for (let i = 0; i < ordered.length; i++) {
    const lot = ordered[i] as StockLot;
    const b = bucketOf(lot);
    b.quantity += lot.quantity;
    // Without demand nothing is drawn (usableBeforeExpiry then counts every dispensable lot, the
    // stock a transfer could use; here nobody uses it).
    if (perDay === 0) continue;
    const after = usableBeforeExpiry(ordered.slice(0, i + 1), perDay, today, minShelfLifeDays);
    const used = Math.max(0, after - drawn);
    drawn = Math.max(drawn, after);
    b.usedBeforeExpiry += Math.min(used, lot.quantity);
  }
  // Stock without an expiry date never expires.
  for (const b of buckets)
    b.expiresUnused = b.kind === 'none' ? 0 : Math.max(0, b.quantity - b.usedBeforeExpiry);
  return buckets;
}
