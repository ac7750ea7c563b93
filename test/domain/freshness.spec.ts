import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FRESHNESS_THRESHOLDS,
  isSalesStale,
  isStockStale,
  pictureCompleteness,
  salesLagDays,
  stockAgeDays,
} from '../../src/domain/freshness.js';

const TODAY = '2026-03-01';

describe('stale reporters (thresholds ours: sales 3 days behind yesterday, stock 2 days old)', () => {
  it('has the documented defaults', () => {
    expect(DEFAULT_FRESHNESS_THRESHOLDS).toEqual({ staleSalesAfterDays: 3, staleStockAfterDays: 2 });
  });

  it('flags sales that end more than 3 days before yesterday', () => {
    // Yesterday 2026-02-28. Through 02-25: 3 days behind, not stale; through 02-24: 4, stale.
    expect(salesLagDays(TODAY, '2026-02-28')).toBe(0);
    expect(salesLagDays(TODAY, '2026-02-25')).toBe(3);
    expect(isSalesStale(TODAY, '2026-02-25')).toBe(false);
    expect(isSalesStale(TODAY, '2026-02-24')).toBe(true);
    // A region a week late.
    expect(salesLagDays(TODAY, '2026-02-21')).toBe(7);
    expect(isSalesStale(TODAY, '2026-02-21')).toBe(true);
    expect(isSalesStale(TODAY, null)).toBe(true);
    expect(isSalesStale(TODAY, '2026-02-21', { staleSalesAfterDays: 7, staleStockAfterDays: 2 })).toBe(false);
  });

  it('flags stock counted more than 2 days ago', () => {
    expect(stockAgeDays(TODAY, '2026-02-27')).toBe(2);
    expect(isStockStale(TODAY, '2026-02-27')).toBe(false);
    expect(isStockStale(TODAY, '2026-02-26')).toBe(true);
    expect(isStockStale(TODAY, null)).toBe(true);
  });
});

describe('pictureCompleteness', () => {
  it('gives the share of locations and of expected stock counted today', () => {
    // A warehouse expected to hold 6,000 packs has not reported today; two pharmacies (300 and 100)
    // have; a third pharmacy (200) was last counted four days ago; a care unit has never reported.
    const c = pictureCompleteness(
      [
        { countedOn: '2026-02-28', expectedStock: 6000 },
        { countedOn: TODAY, expectedStock: 300 },
        { countedOn: TODAY, expectedStock: 100 },
        { countedOn: '2026-02-25', expectedStock: 200 },
        { countedOn: null, expectedStock: 0 },
      ],
      TODAY,
    );
    // 2 of 4 locations (50 %), but 400 of 6,600 packs (6.06 %): the picture of today is mostly missing.
    expect(c).toEqual({
      locations: 4,
      reportedToday: 2,
      locationShare: 0.5,
      expectedStock: 6600,
      reportedStock: 400,
      stockShare: 400 / 6600,
      staleStock: 1,
      neverReported: 1,
    });
  });

  it('says nothing is expected rather than dividing by zero', () => {
    expect(pictureCompleteness([], TODAY)).toMatchObject({ locationShare: null, stockShare: null });
  });
});
