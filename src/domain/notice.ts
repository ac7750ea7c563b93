import { addCalendarMonths, dayNumber } from './calendar.js';

/** R4: `shortage` = restanmälan (cannot supply what is demanded); `sales_stop` = försäljningsuppehåll. */
export type NoticeKind = 'shortage' | 'sales_stop';

/** The dates of a shortage notice. `notifiedOn` is the Swedish calendar date of `notified_at`. */
export interface NoticeDates {
  kind: NoticeKind;
  notifiedOn: string;
  expectedStart: string;
  /** Null: no expected end (open-ended, or a permanent stop). */
  expectedEnd: string | null;
}

/** R4: a company must notify a sales stop at least this many calendar months before it starts. */
export const SALES_STOP_NOTICE_MONTHS = 2;

/** Whether the notice's expected period covers `on` (start and end days included). */
export function isNoticeActive(
  notice: Pick<NoticeDates, 'expectedStart' | 'expectedEnd'>,
  on: string,
): boolean {
  const day = dayNumber(on);
  return (
    dayNumber(notice.expectedStart) <= day &&
    (notice.expectedEnd === null || day <= dayNumber(notice.expectedEnd))
  );
}

/**
 * Whether the notice's period has not begun yet but starts within `withinDays` days of `today`
 * (a start of today + withinDays counts).
 */
export function isNoticeUpcoming(
  notice: Pick<NoticeDates, 'expectedStart'>,
  today: string,
  withinDays: number,
): boolean {
  const startsIn = dayNumber(notice.expectedStart) - dayNumber(today);
  return startsIn > 0 && startsIn <= withinDays;
}

/**
 * R4: the earliest start of a sales stop notified on `notifiedOn` that respects the two-month notice:
 * the same day number two calendar months later, or that month's last day when it is shorter
 * (notified 2026-01-31 → 2026-03-31; notified 2025-12-31 → 2026-02-28).
 */
export function earliestCompliantStart(notifiedOn: string): string {
  return addCalendarMonths(notifiedOn, SALES_STOP_NOTICE_MONTHS);
}

/**
 * R4: whether a försäljningsuppehåll was notified less than two calendar months before its expected
 * start. Notified 2026-01-31: a start on 2026-03-31 is exactly two months ahead (not late), a start on
 * 2026-03-30 is late. Shortage notices (restanmälan) have no such rule and are never late. Reports use
 * this to flag a notice, not to refuse it. For a correction, `notifiedOn` is the first notification
 * of its chain ({@link firstNotifiedOn}), not the correction's own receipt.
 */
export function isLateSalesStop(notice: Pick<NoticeDates, 'kind' | 'notifiedOn' | 'expectedStart'>): boolean {
  if (notice.kind !== 'sales_stop') return false;
  return dayNumber(notice.expectedStart) < dayNumber(earliestCompliantStart(notice.notifiedOn));
}

/** A notice as the two-month rule sees it: what it announces and the day it reached us. */
export type NotifiedNotice = Pick<NoticeDates, 'kind' | 'notifiedOn'>;

/**
 * R4: the day a notice's two months count from. `chain` is the notice itself followed by the notices
 * it corrects, newest first (the one it supersedes, the one that one superseded, …). A correction is
 * the same notice sent again, so it keeps the date of the first notification: a sales stop notified
 * on 2026-03-02 and corrected on 2026-04-10 and again on 2026-04-20 counts from 2026-03-02. Our
 * reading where the kind changes: a restanmälan corrected into a försäljningsuppehåll announces the
 * stop only when that correction arrives, so the chain is followed back only while the kind stays the
 * same.
 */
export function firstNotifiedOn(chain: readonly NotifiedNotice[]): string {
  const newest = chain[0];
  if (newest === undefined) throw new Error('firstNotifiedOn: a chain holds at least the notice itself');
  let first = newest.notifiedOn;
  for (const earlier of chain.slice(1)) {
    if (earlier.kind !== newest.kind) break;
    first = earlier.notifiedOn;
  }
  return first;
}

/**
 * The notices still in force: a correction is a new notice that supersedes an earlier one, which then
 * no longer counts.
 */
export function currentNotices<T extends { id: number; supersedesId: number | null }>(
  notices: readonly T[],
): T[] {
  const superseded = new Set<number>();
  for (const n of notices) if (n.supersedesId !== null) superseded.add(n.supersedesId);
  return notices.filter((n) => !superseded.has(n.id));
}
