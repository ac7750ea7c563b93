import { describe, expect, it } from 'vitest';
import { addDays } from '../../src/domain/calendar.js';
import {
  demandBy,
  estimateDemand,
  estimateGroupDemand,
  groupKey,
  regionalDemand,
  salesThatCount,
  windowEndOf,
  type SalesPeriod,
  type SourcedSales,
} from '../../src/domain/demand.js';
import {
  channelOfLocationKind,
  channelOfRegionFigure,
  parseSalesChannel,
  type SalesChannel,
} from '../../src/domain/sales-channel.js';

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

describe('salesThatCount: one figure per region, package, channel and day', () => {
  // Region 01 reports its care requisitions as a regional total; its hospital pharmacies H1 (id 1)
  // and H2 (id 2) send their own rows too. Region 12 only has H3's rows.
  const row = (
    periodStart: string,
    quantity: number,
    locationId: number | null,
    channel: SalesChannel = 'care_requisition',
    regionCode = '01',
    periodDays: 1 | 7 = 1,
  ): SourcedSales => ({ periodStart, periodDays, quantity, regionCode, channel, locationId });
  const total = (rows: readonly SalesPeriod[]) => rows.reduce((a, r) => a + r.quantity, 0);

  it('counts a day reported both as a region total and by its hospital pharmacies once: the region figure', () => {
    // 2026-02-10: region total 50, H1 30 and H2 20 (the same sales, sent twice): 50 counts, not 100.
    const rows = [row('2026-02-10', 50, null), row('2026-02-10', 30, 1), row('2026-02-10', 20, 2)];
    const counted = salesThatCount(rows);
    expect(counted).toEqual([row('2026-02-10', 50, null)]);
    expect(total(counted)).toBe(50);
    expect(total(rows)).toBe(100);
  });

  it('counts the region figure even where it differs from the sum of the locations', () => {
    // The region's total is the source that counts where it is reported: 45 against H1 + H2 = 50.
    expect(
      total(
        salesThatCount([row('2026-02-10', 45, null), row('2026-02-10', 30, 1), row('2026-02-10', 20, 2)]),
      ),
    ).toBe(45);
  });

  it('sums the locations on a day without a region figure', () => {
    // 2026-02-10 region 50 (H1 30 + H2 20 displaced); 2026-02-11 only H1 31 + H2 19 = 50. Total 100.
    const rows = [
      row('2026-02-10', 50, null),
      row('2026-02-10', 30, 1),
      row('2026-02-10', 20, 2),
      row('2026-02-11', 31, 1),
      row('2026-02-11', 19, 2),
    ];
    const counted = salesThatCount(rows);
    expect(counted).toEqual([
      row('2026-02-10', 50, null),
      row('2026-02-11', 31, 1),
      row('2026-02-11', 19, 2),
    ]);
    expect(total(counted)).toBe(100);
  });

  it('does not let one channel displace another, nor one region another', () => {
    // Region 01's community-dispensing total 200 says nothing of H1's requisitions (30), and region
    // 12's hospital H3 (id 3) is not region 01's: 200 + 30 + 40 = 270, all counted.
    const rows = [
      row('2026-02-10', 200, null, 'community_dispensing'),
      row('2026-02-10', 30, 1),
      row('2026-02-10', 40, 3, 'care_requisition', '12'),
    ];
    expect(salesThatCount(rows)).toEqual(rows);
    expect(total(salesThatCount(rows))).toBe(270);
  });

  it('lets a weekly region row displace the location rows on each of the seven days it covers', () => {
    // Region week from Monday 2026-02-09 (02-09 .. 02-15): 140. H1 reports 12 a day 02-13 .. 02-17:
    // 02-13, 02-14, 02-15 are covered (36 displaced), 02-16 and 02-17 count (24). 140 + 24 = 164.
    const rows = [
      row('2026-02-09', 140, null, 'care_requisition', '01', 7),
      ...['2026-02-13', '2026-02-14', '2026-02-15', '2026-02-16', '2026-02-17'].map((d) => row(d, 12, 1)),
    ];
    const counted = salesThatCount(rows);
    expect(total(counted)).toBe(164);
    expect(counted.filter((r) => r.locationId !== null).map((r) => r.periodStart)).toEqual([
      '2026-02-16',
      '2026-02-17',
    ]);
  });

  it('keeps the days of a weekly location row that no region figure covers, pro rata', () => {
    // H1's week from 2026-02-09: 70 (10 a day). The region reports 02-09 and 02-10 daily: 25 and 15.
    // Counted: 25 + 15 + five days of H1 at 10 = 90.
    const rows = [
      row('2026-02-09', 70, 1, 'care_requisition', '01', 7),
      row('2026-02-09', 25, null),
      row('2026-02-10', 15, null),
    ];
    const counted = salesThatCount(rows);
    expect(total(counted)).toBeCloseTo(90, 10);
    const pieces = counted.filter((r) => r.locationId === 1);
    expect(pieces.map((r) => [r.periodStart, r.periodDays])).toEqual([
      ['2026-02-11', 1],
      ['2026-02-12', 1],
      ['2026-02-13', 1],
      ['2026-02-14', 1],
      ['2026-02-15', 1],
    ]);
    expect(pieces[0]!.quantity).toBe(10);
  });

  it('adds up several region-level rows of one day (age bands, or two reports)', () => {
    const rows = [row('2026-02-10', 20, null), row('2026-02-10', 25, null), row('2026-02-10', 30, 1)];
    expect(total(salesThatCount(rows))).toBe(45);
  });

  it('feeds estimateDemand: a region reporting both is estimated from one source', () => {
    // February 2026, region 01: regional total 10 a day, and H1 reports the same 10 a day. Added
    // together the recent demand would read 20 a day; counted once it is 10.
    const rows: SourcedSales[] = [];
    for (let i = 0; i < 28; i++) {
      rows.push(row(addDays('2026-02-01', i), 10, null), row(addDays('2026-02-01', i), 10, 1));
    }
    expect(estimateDemand(rows, TODAY).perDay).toBe(20);
    expect(estimateDemand(salesThatCount(rows), TODAY).perDay).toBe(10);
  });
});

describe('sales channels of reports that name none (ours)', () => {
  it('takes a location row’s channel from the kind of location', () => {
    expect(channelOfLocationKind('community_pharmacy')).toBe('community_dispensing');
    expect(channelOfLocationKind('dose_pharmacy')).toBe('dose_dispensing');
    expect(channelOfLocationKind('hospital_pharmacy')).toBe('care_requisition');
    expect(channelOfLocationKind('municipal_store')).toBe('care_requisition');
  });

  it('reads a region’s own total as care requisitions and an authority’s as community dispensing', () => {
    expect(channelOfRegionFigure('region')).toBe('care_requisition');
    expect(channelOfRegionFigure('authority')).toBe('community_dispensing');
  });

  it('reads a channel by its identifier or its Swedish name', () => {
    expect(parseSalesChannel('care_requisition')).toBe('care_requisition');
    expect(parseSalesChannel(' Rekvisition ')).toBe('care_requisition');
    expect(parseSalesChannel('Dosdispensering')).toBe('dose_dispensing');
    expect(parseSalesChannel('öppenvårdsförsäljning')).toBe('community_dispensing');
    expect(parseSalesChannel('hospital')).toBeUndefined();
  });
});

describe('regionalDemand: each region from its own last reported day', () => {
  // Both regions sell 10 a day from 2026-01-01 (59 days of history: recent alone decides). Region 12's
  // figures arrive a week late: its last reported day is 2026-02-21, region 01's 2026-02-28.
  const rows = [
    ...daily('2026-01-01', 59, 10).map((r) => ({ ...r, regionCode: '01' })),
    ...daily('2026-01-01', 52, 10).map((r) => ({ ...r, regionCode: '12' })),
  ];

  it('keeps the lagging region’s demand: 10 a day, not 7.5', () => {
    const through = new Map([
      ['01', '2026-02-28'],
      ['12', '2026-02-21'],
    ]);
    const d = regionalDemand(rows, TODAY, through);
    // Region 12: window 2026-01-25 .. 02-21, 28 days of 10 -> 10.
    expect(d.regions.get('12')).toMatchObject({ perDay: 10, windowEnd: '2026-02-21' });
    expect(d.regions.get('01')).toMatchObject({ perDay: 10, windowEnd: '2026-02-28' });
    expect(d.nationalPerDay).toBe(20);
  });

  it('reads the missing week as no sales when one date serves the whole data set (the old rule)', () => {
    // One window end for both (2026-02-28): region 12's window holds 21 days of 10 -> 210 / 28 = 7.5.
    const d = regionalDemand(rows, TODAY, new Map([['12', '2026-02-28']]));
    expect(d.regions.get('12')?.perDay).toBe(7.5);
    expect(d.nationalPerDay).toBe(17.5);
  });

  it('never ends a window on today or later', () => {
    expect(windowEndOf(TODAY, '2026-03-05')).toBe('2026-02-28');
    expect(windowEndOf(TODAY, null)).toBe('2026-02-28');
    expect(windowEndOf(TODAY, '2026-02-21')).toBe('2026-02-21');
  });
});
