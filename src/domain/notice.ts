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
 * this to flag a notice, not to refuse it.
 */
export function isLateSalesStop(notice: Pick<NoticeDates, 'kind' | 'notifiedOn' | 'expectedStart'>): boolean {
  if (notice.kind !== 'sales_stop') return false;
  return dayNumber(notice.expectedStart) < dayNumber(earliestCompliantStart(notice.notifiedOn));
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
