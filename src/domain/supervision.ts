import type { ObligationInForce } from './dispensation.js';

/*
 * Supervision of the stockpiling obligation (R1, issue 12 item 4): Läkemedelsverket compares the
 * obligation in force with the stock the company owns in Sweden, wherever it is held (its own
 * warehouse or a wholesaler's: `current_stock_by_owner`, owner = the company), per package and day.
 * Pure functions: no I/O.
 */

/**
 * - `compliant`: the stock owned reaches the published obligation (or the obligation in force when no
 *   dispensation applies);
 * - `under_dispensation`: the stock is below the published obligation but reaches the lower volume of
 *   a granted dispensation valid on the day;
 * - `below`: the stock is below the obligation in force (by `shortfall` packs, since `belowSince`).
 */
export const SUPERVISION_STATUSES = ['compliant', 'under_dispensation', 'below'] as const;
export type SupervisionStatus = (typeof SUPERVISION_STATUSES)[number];

/** The day before, as stored, for carrying "below since". */
export interface PreviousStatus {
  day: string;
  status: SupervisionStatus;
  belowSince: string | null;
}

/** One company × package on one day. */
export interface SupervisionRow {
  day: string;
  companyId: number;
  packageId: number;
  publishedVolume: number;
  /** The obligation in force (after dispensations). */
  volume: number;
  dispensationId: number | null;
  /** Packs the company owns in Sweden, wherever they are held. */
  stock: number;
  status: SupervisionStatus;
  /** Packs missing to the obligation in force (0 unless below). */
  shortfall: number;
  /** The first day of the current unbroken run below the obligation; null unless below. */
  belowSince: string | null;
}

/**
 * The status of one obligation on `day` given the stock owned and the latest stored status before
 * that day. "Below since" carries over from that earlier status when it was below too: the run is
 * unbroken as far as the record shows (a day without a stored status, when no stock report or
 * refresh came, changed no stock). Otherwise the run starts on `day`.
 *
 * Worked example: obligation 900 packs, a dispensation to 300 in force. Stock 950: compliant; stock
 * 400: under dispensation; stock 250: below by 50 packs, since today, or since 2026-03-02 if the day
 * before was already below since then.
 */
export function superviseOne(
  day: string,
  obligation: ObligationInForce,
  stock: number,
  previous: PreviousStatus | undefined,
): SupervisionRow {
  const base = {
    day,
    companyId: obligation.companyId,
    packageId: obligation.packageId,
    publishedVolume: obligation.publishedVolume,
    volume: obligation.volume,
    dispensationId: obligation.dispensationId,
    stock,
  };
  if (
    stock >= obligation.publishedVolume ||
    (stock >= obligation.volume && obligation.dispensationId === null)
  )
    return { ...base, status: 'compliant', shortfall: 0, belowSince: null };
  if (stock >= obligation.volume)
    return { ...base, status: 'under_dispensation', shortfall: 0, belowSince: null };
  const carried =
    previous !== undefined && previous.day < day && previous.status === 'below' ? previous.belowSince : null;
  return { ...base, status: 'below', shortfall: obligation.volume - stock, belowSince: carried ?? day };
}

/**
 * Supervises every obligation in force on `day` against the stock owned (by `${companyId}:${packageId}`;
 * absent: none held) and the latest stored status before the day (same key).
 */
export function supervise(
  day: string,
  obligations: readonly ObligationInForce[],
  stockOwned: ReadonlyMap<string, number>,
  previous: ReadonlyMap<string, PreviousStatus>,
): SupervisionRow[] {
  return obligations.map((o) => {
    const k = supervisionKey(o.companyId, o.packageId);
    return superviseOne(day, o, stockOwned.get(k) ?? 0, previous.get(k));
  });
}

export const supervisionKey = (companyId: number, packageId: number) => `${companyId}:${packageId}`;

/** Swedish names of the statuses, for screens and exports. */
export const SUPERVISION_STATUS_NAMES_SV: Readonly<Record<SupervisionStatus, string>> = {
  compliant: 'Uppfyller',
  under_dispensation: 'Under dispens',
  below: 'Under skyldigheten',
};
