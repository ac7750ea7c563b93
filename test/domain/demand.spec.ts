import { describe, expect, it } from 'vitest';
import { addDays } from '../../src/domain/calendar.js';
import {
  demandBy,
  estimateDemand,
  estimateGroupDemand,
  groupKey,
  type SalesPeriod,
} from '../../src/domain/demand.js';

/** `days` daily rows of `quantity` from `from`. */
function daily(from: string, days: number, quantity: number): SalesPeriod[] {
  return Array.from({ length: days }, (_, i) => ({ periodStart: addDays(from, i), periodDays: 1, quantity }));
}

function weekly(periodStart: string, quantity: number): SalesPeriod {
  return { periodStart, periodDays: 7, quantity };
}

// today 2026-03-01: the windows end on 2026-02-28; the recent 28 days are exactly February 2026, and
// the 12-month baseline is 2025-03-01 .. 2026-02-28 (365 days).
const TODAY = '2026-03-01';

describe('estimateDemand: recent window', () => {
  it('takes the mean of the last 28 days, excluding today', () => {
    // 10 a day through February; today's incomplete 99 is not counted.
    const rows = [
      ...daily('2026-02-01', 28, 10),
      { periodStart: TODAY, periodDays: 1 as const, quantity: 99 },
    ];
    const d = estimateDemand(rows, TODAY);
    expect(d).toMatchObject({ perDay: 10, recentPerDay: 10, basis: 'recent', windowEnd: '2026-02-28' });
  });

  it('pro-rates weekly rows that straddle the window edges by days', () => {
    // Window 2026-02-01 .. 2026-02-28, history from 2026-01-01.
    // week from 01-29 (01-29 .. 02-04): 140 = 20/day, 4 days inside -> 80
    // weeks from 02-05, 02-12, 02-19: 70 each, wholly inside     -> 210
    // week from 02-26 (02-26 .. 03-04): 42 = 6/day, 3 days inside -> 18
    // 80 + 210 + 18 = 308 over 28 days -> 11 a day
    // (counting rows that start inside would give 252/28 = 9; counting whole rows touching it 392/28 = 14)
    const rows = [
      weekly('2026-01-29', 140),
      weekly('2026-02-05', 70),
      weekly('2026-02-12', 70),
      weekly('2026-02-19', 70),
      weekly('2026-02-26', 42),
    ];
    const d = estimateDemand(rows, TODAY, { historyStart: '2026-01-01' });
    expect(d.recentPerDay).toBeCloseTo(11, 10);
    expect(d.perDay).toBeCloseTo(11, 10);
  });

  it('gives demand 0 ("no_sales") when there are no rows at all', () => {
    expect(estimateDemand([], TODAY)).toEqual({
      perDay: 0,
      basis: 'no_sales',
      recentPerDay: 0,
      baselinePerDay: null,
      seasonalPerDay: null,
      windowEnd: '2026-02-28',
      historyDays: 0,
    });
  });

  it('gives demand 0 when a long history has no sales lately, last year or in the baseline', () => {
    const rows = daily('2024-01-01', 7, 0);
    expect(estimateDemand(rows, TODAY)).toMatchObject({ perDay: 0, basis: 'no_sales', baselinePerDay: 0 });
  });

  it('divides by the days of history when the product is newer than the window', () => {
    // Marketed 2026-02-15: 14 days at 10 = 140 -> 140/14 = 10 a day, not 140/28 = 5.
    const d = estimateDemand(daily('2026-02-15', 14, 10), TODAY);
    expect(d).toMatchObject({ perDay: 10, historyDays: 14, basis: 'recent' });
  });

  it('ends the windows at salesThrough when the data lags, so missing days are not read as zero sales', () => {
    // A weekly reporter has delivered through 2026-02-25: 10 a day from 2026-01-29.
    const rows = daily('2026-01-29', 28, 10);
    // Window 01-29 .. 02-25 -> 280/28 = 10.
    expect(estimateDemand(rows, TODAY, { salesThrough: '2026-02-25' })).toMatchObject({
      perDay: 10,
      windowEnd: '2026-02-25',
    });
    // Without it: window 02-01 .. 02-28 holds 25 days of data -> 250/28 = 8.93, an under-estimate.
    expect(estimateDemand(rows, TODAY).perDay).toBeCloseTo(250 / 28, 10);
  });

  it('never lets salesThrough reach today or later', () => {
    expect(estimateDemand([], TODAY, { salesThrough: '2026-03-05' }).windowEnd).toBe('2026-02-28');
  });
});

describe('estimateDemand: baseline, season and the maximum', () => {
  it('falls back to recent when the history is shorter than 12 months', () => {
    // From 2025-09-01: 181 days < 365. 5 a day, then a surge to 8 a day in February.
    const rows = [...daily('2025-09-01', 153, 5), ...daily('2026-02-01', 28, 8)];
    const d = estimateDemand(rows, TODAY);
    expect(d).toMatchObject({ perDay: 8, basis: 'recent', baselinePerDay: null, seasonalPerDay: null });
    expect(d.historyDays).toBe(181);
  });

  it('uses recent sales at once when they surge above the baseline', () => {
    // 2025-03-01 .. 2026-01-31: 337 days at 10; February 2026: 28 days at 40.
    // recent 40; baseline (3370 + 1120)/365 = 12.30; seasonal (2025-03-01 .. 03-28) 10 -> 40, recent.
    const rows = [...daily('2025-03-01', 337, 10), ...daily('2026-02-01', 28, 40)];
    const d = estimateDemand(rows, TODAY);
    expect(d.recentPerDay).toBe(40);
    expect(d.baselinePerDay).toBeCloseTo(4490 / 365, 10);
    expect(d.seasonalPerDay).toBe(10);
    expect(d).toMatchObject({ perDay: 40, basis: 'recent', historyDays: 365 });
  });

  it('keeps the baseline when recent sales dip', () => {
    // 2 a day in the seasonal weeks (2025-03-01 .. 03-28) and in February 2026, 10 a day in the 309 days
    // between: baseline (3090 + 56 + 56)/365 = 3202/365 = 8.77 beats recent 2 and seasonal 2.
    const rows = [
      ...daily('2025-03-01', 28, 2),
      ...daily('2025-03-29', 309, 10),
      ...daily('2026-02-01', 28, 2),
    ];
    const d = estimateDemand(rows, TODAY);
    expect(d.basis).toBe('baseline');
    expect(d.perDay).toBeCloseTo(3202 / 365, 10);
  });

  it('sees a seasonal peak coming from the same weeks last year', () => {
    // today 2026-11-01: the coming four weeks a year ago were 2025-11-01 .. 11-28, at 20 a day;
    // the other 337 days at 10. recent (2026-10-04 .. 10-31) 10; baseline 3930/365 = 10.77; seasonal 20.
    const today = '2026-11-01';
    const rows = [...daily('2025-11-01', 28, 20), ...daily('2025-11-29', 337, 10)];
    const d = estimateDemand(rows, today);
    expect(d).toMatchObject({ perDay: 20, basis: 'seasonal', recentPerDay: 10, seasonalPerDay: 20 });
    expect(d.baselinePerDay).toBeCloseTo(3930 / 365, 10);
  });

  it('names recent as the basis when all three agree', () => {
    expect(estimateDemand(daily('2025-03-01', 365, 10), TODAY)).toMatchObject({
      perDay: 10,
      basis: 'recent',
    });
  });
});

describe('groupKey', () => {
  it('puts packages of the same substance, strength and form in one group despite labelling', () => {
    const a = groupKey({ substance: 'Paracetamol', strength: '500 mg', form: 'Tablett' });
    const b = groupKey({ substance: ' paracetamol ', strength: '500mg', form: 'tablett' });
    expect(a).toBe(b);
    expect(a).toBe('paracetamol|500mg|tablett');
  });

  it('reads decimal commas and trailing zeros as the same strength', () => {
    const a = groupKey({ substance: 'Morfin', strength: '0,50 mg/ml', form: 'injektionsvätska, lösning' });
    const b = groupKey({ substance: 'morfin', strength: '0.5 mg/ml', form: 'Injektionsvätska,  lösning' });
    expect(a).toBe(b);
    expect(groupKey({ substance: 'x', strength: '10,0 mg', form: 'f' })).toBe('x|10mg|f');
  });

  it('keeps different strengths apart', () => {
    const s = (strength: string) => groupKey({ substance: 'x', strength, form: 'f' });
    expect(s('500 mg')).not.toBe(s('50 mg'));
    expect(s('1,05 mg')).toBe('x|1.05mg|f');
    expect(s('10 mg')).toBe('x|10mg|f');
  });

  it('never puts a veterinary package in a group with human ones (issue 8 item 5)', () => {
    const human = { substance: 'Amoxicillin', strength: '500 mg', form: 'Kapsel' };
    expect(groupKey({ ...human, species: 'veterinary' })).toBe('amoxicillin|500mg|kapsel|vet');
    expect(groupKey({ ...human, species: 'veterinary' })).not.toBe(groupKey(human));
    expect(groupKey({ ...human, species: 'human' })).toBe(groupKey(human));
  });
});

describe('estimateGroupDemand', () => {
  it('sums the members in units, not packages', () => {
    // 5 packs of 28 tablets (140) + 1 pack of 100 (100) a day = 240 tablets a day.
    const d = estimateGroupDemand(
      [
        { packSize: 28, rows: daily('2026-02-01', 28, 5) },
        { packSize: 100, rows: daily('2026-02-01', 28, 1) },
      ],
      TODAY,
    );
    expect(d.perDay).toBe(240);
  });

  it('does not count patients twice when buyers move from a withdrawn pack to a new one', () => {
    // Pack A: 10 a day until 2026-01-31, then none. Pack B: 10 a day from 2026-02-01.
    const a = daily('2025-03-01', 337, 10);
    const b = daily('2026-02-01', 28, 10);
    // Pooled: 10 a day every day -> 10.
    expect(
      estimateGroupDemand(
        [
          { packSize: 1, rows: a },
          { packSize: 1, rows: b },
        ],
        TODAY,
      ).perDay,
    ).toBe(10);
    // Summing the packs' own estimates would say 20: A's seasonal 10 + B's recent 10.
    expect(estimateDemand(a, TODAY).perDay + estimateDemand(b, TODAY).perDay).toBe(20);
  });
});

describe('demandBy', () => {
  it('estimates each region from its own rows, and the nation from all rows', () => {
    const rows = [
      ...daily('2026-02-01', 28, 10).map((r) => ({ ...r, regionCode: '01' })),
      ...daily('2026-02-01', 28, 5).map((r) => ({ ...r, regionCode: '12' })),
    ];
    const byRegion = demandBy(rows, (r) => r.regionCode, TODAY);
    expect(byRegion.get('01')?.perDay).toBe(10);
    expect(byRegion.get('12')?.perDay).toBe(5);
    expect(estimateDemand(rows, TODAY).perDay).toBe(15);
  });

  it('shows that the sum of the regions can exceed the pooled national estimate', () => {
    // Region 01: 10 a day, 20 a day in February (surge) -> recent 20.
    // Region 12: 10 a day, nothing in February (dip)     -> seasonal 10.
    // Sum of regions 30; pooled nation: 20 every day      -> 20.
    const r01 = [...daily('2025-03-01', 337, 10), ...daily('2026-02-01', 28, 20)].map((r) => ({
      ...r,
      regionCode: '01',
    }));
    const r12 = daily('2025-03-01', 337, 10).map((r) => ({ ...r, regionCode: '12' }));
    const byRegion = demandBy([...r01, ...r12], (r) => r.regionCode, TODAY, { historyStart: '2025-03-01' });
    expect(byRegion.get('01')).toMatchObject({ perDay: 20, basis: 'recent' });
    expect(byRegion.get('12')).toMatchObject({ perDay: 10, basis: 'seasonal' });
    expect(estimateDemand([...r01, ...r12], TODAY).perDay).toBe(20);
  });
});
