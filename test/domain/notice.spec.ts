import { describe, expect, it } from 'vitest';
import {
  currentNotices,
  earliestCompliantStart,
  firstNotifiedOn,
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

describe('R4: a correction keeps the date of the first notification', () => {
  // A sales stop of 2026-05-04 notified on 2026-03-02: the earliest compliant start is 2026-05-02.
  const original = { kind: 'sales_stop' as const, notifiedOn: '2026-03-02' };
  const correctedOn = (notifiedOn: string) => ({ kind: 'sales_stop' as const, notifiedOn });
  const late = (chain: { kind: 'shortage' | 'sales_stop'; notifiedOn: string }[], expectedStart: string) =>
    isLateSalesStop({ kind: chain[0]!.kind, notifiedOn: firstNotifiedOn(chain), expectedStart });

  it('counts a first notice from its own receipt', () => {
    expect(firstNotifiedOn([original])).toBe('2026-03-02');
    expect(late([original], '2026-05-04')).toBe(false);
  });

  it('keeps an on-time sales stop on time when it is corrected after the deadline', () => {
    // Corrected on 2026-04-10: from its own receipt the earliest start would be 2026-06-10 (late);
    // from the first notification it is 2026-05-02, and 2026-05-04 is on time.
    const chain = [correctedOn('2026-04-10'), original];
    expect(firstNotifiedOn(chain)).toBe('2026-03-02');
    expect(
      isLateSalesStop({ kind: 'sales_stop', notifiedOn: '2026-04-10', expectedStart: '2026-05-04' }),
    ).toBe(true);
    expect(late(chain, '2026-05-04')).toBe(false);
  });

  it('goes back through a correction of a correction to the first notification', () => {
    const chain = [correctedOn('2026-04-20'), correctedOn('2026-04-10'), original];
    expect(firstNotifiedOn(chain)).toBe('2026-03-02');
    // exactly two months after 2026-03-02
    expect(late(chain, '2026-05-02')).toBe(false);
  });

  it('flags a correction that moves the start to less than two months after the first notification', () => {
    const chain = [correctedOn('2026-04-20'), correctedOn('2026-04-10'), original];
    expect(late(chain, '2026-05-01')).toBe(true);
  });

  it('counts a restanmälan corrected into a sales stop from the correction, which first announced the stop', () => {
    // Restanmälan of 2026-01-10; corrected on 2026-03-20 into a sales stop from 2026-04-01. From
    // 2026-01-10 the earliest start would be 2026-03-10 (on time); the stop was notified on 2026-03-20,
    // so its earliest start is 2026-05-20 and 2026-04-01 is late.
    const chain = [correctedOn('2026-03-20'), { kind: 'shortage' as const, notifiedOn: '2026-01-10' }];
    expect(firstNotifiedOn(chain)).toBe('2026-03-20');
    expect(late(chain, '2026-04-01')).toBe(true);
    // …and a later correction of that stop still counts from 2026-03-20, not from the restanmälan.
    expect(firstNotifiedOn([correctedOn('2026-04-02'), ...chain])).toBe('2026-03-20');
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
