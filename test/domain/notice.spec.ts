import { describe, expect, it } from 'vitest';
import {
  currentNotices,
  earliestCompliantStart,
  isLateSalesStop,
  isNoticeActive,
  isNoticeUpcoming,
} from '../../src/domain/notice.js';

describe('isNoticeActive', () => {
  it('covers the expected start and end days', () => {
    const n = { expectedStart: '2026-03-01', expectedEnd: '2026-03-31' };
    expect(isNoticeActive(n, '2026-02-28')).toBe(false);
    expect(isNoticeActive(n, '2026-03-01')).toBe(true);
    expect(isNoticeActive(n, '2026-03-31')).toBe(true);
    expect(isNoticeActive(n, '2026-04-01')).toBe(false);
  });

  it('stays active without an expected end', () => {
    expect(isNoticeActive({ expectedStart: '2026-03-01', expectedEnd: null }, '2030-01-01')).toBe(true);
  });
});

describe('isNoticeUpcoming', () => {
  it('is true when the start is after today and within the given days', () => {
    const n = { expectedStart: '2026-03-15' };
    expect(isNoticeUpcoming(n, '2026-03-01', 14)).toBe(true); // in 14 days
    expect(isNoticeUpcoming(n, '2026-03-01', 13)).toBe(false);
    expect(isNoticeUpcoming(n, '2026-03-15', 14)).toBe(false); // started today: active, not upcoming
  });
});

describe('R4: a sales stop must be notified at least 2 calendar months ahead', () => {
  const stop = (notifiedOn: string, expectedStart: string) => ({
    kind: 'sales_stop' as const,
    notifiedOn,
    expectedStart,
  });

  it('accepts exactly two months at a month end and flags one day less', () => {
    // Notified 2026-01-31: two months later is 2026-03-31.
    expect(earliestCompliantStart('2026-01-31')).toBe('2026-03-31');
    expect(isLateSalesStop(stop('2026-01-31', '2026-03-31'))).toBe(false);
    expect(isLateSalesStop(stop('2026-01-31', '2026-03-30'))).toBe(true);
  });

  it('ends at the last day of a shorter month', () => {
    // Notified 2025-12-31: February has no 31st, so two months later is 2026-02-28.
    expect(earliestCompliantStart('2025-12-31')).toBe('2026-02-28');
    expect(isLateSalesStop(stop('2025-12-31', '2026-02-28'))).toBe(false);
    expect(isLateSalesStop(stop('2025-12-31', '2026-02-27'))).toBe(true);
  });

  it('counts months, not 60 days', () => {
    // Notified 2026-07-01: 2026-09-01 is two months (62 days) ahead; 2026-08-30 (60 days) is late.
    expect(isLateSalesStop(stop('2026-07-01', '2026-09-01'))).toBe(false);
    expect(isLateSalesStop(stop('2026-07-01', '2026-08-30'))).toBe(true);
    // Over the year end: 2026-11-30 -> 2027-01-30.
    expect(earliestCompliantStart('2026-11-30')).toBe('2027-01-30');
  });

  it('never calls a shortage notice late', () => {
    expect(isLateSalesStop({ kind: 'shortage', notifiedOn: '2026-03-01', expectedStart: '2026-03-01' })).toBe(
      false,
    );
  });
});

describe('currentNotices', () => {
  it('drops notices that a later correction supersedes', () => {
    const notices = [
      { id: 1, supersedesId: null },
      { id: 2, supersedesId: 1 },
      { id: 3, supersedesId: null },
    ];
    expect(currentNotices(notices).map((n) => n.id)).toEqual([2, 3]);
  });
});
