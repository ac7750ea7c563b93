import { describe, expect, it } from 'vitest';
import {
  aggregateCoverage,
  aggregateCoverageBy,
  coverage,
  coverageOfItem,
  simulateSupply,
  DEFAULT_MIN_SHELF_LIFE_DAYS,
  stockCoverageBy,
  usableBeforeExpiry,
  type StockLot,
} from '../../src/domain/coverage.js';
import { addDays } from '../../src/domain/calendar.js';
import { AppError } from '../../src/domain/errors.js';

// Day 0 is 2026-11-23. Day 10 = 2026-12-03, day 20 = 2026-12-13, day 30 = 2026-12-23,
// day 40 = 2027-01-02, day 50 = 2027-01-12, day 100 = 2027-03-03, day 365 = 2027-11-23.
const TODAY = '2026-11-23';

describe('usableBeforeExpiry: first expiry first out at the expected demand', () => {
  it('counts a lot that expires before it is used up only as far as demand reaches it', () => {
    // 300 expiring 2026-12-13 (day 20) and 500 without expiry, 10 a day: 200 of the first lot are
    // used on days 0-19, its other 100 expire; the 500 are used after. 200 + 500 = 700.
    const lots = [
      { quantity: 500, expiry: null },
      { quantity: 300, expiry: '2026-12-13' },
    ];
    expect(usableBeforeExpiry(lots, 10, TODAY, 0)).toBe(700);
  });

  it('draws the lots in expiry order: a later lot is used from where the earlier ones stop', () => {
    // 100 each expiring on day 5, 15 and 25, 10 a day: 50 of the first (days 0-4), then all 100 of
    // the second (days 5-14: 150 ≤ 10 × 15), then all of the third (days 15-24: 250 ≤ 10 × 25) = 250.
    const lots = [
      { quantity: 100, expiry: '2026-12-18' },
      { quantity: 100, expiry: '2026-11-28' },
      { quantity: 100, expiry: '2026-12-08' },
    ];
    expect(usableBeforeExpiry(lots, 10, TODAY, 0)).toBe(250);
  });

  it('loses the part of a later lot that expires while an earlier one is still drawn', () => {
    // 500 expiring day 20 and 100 expiring day 25, 10 a day: 200 of the first (days 0-19), then the
    // second from day 20 until it expires on day 25: 50. 250 usable, 350 lost.
    const lots = [
      { quantity: 500, expiry: '2026-12-13' },
      { quantity: 100, expiry: '2026-12-18' },
    ];
    expect(usableBeforeExpiry(lots, 10, TODAY, 0)).toBe(250);
  });

  it('stops dispensing a lot the minimum remaining shelf life before its expiry', () => {
    // 300 expiring day 20 with 5 days of remaining shelf life required: dispensed on days 0-14: 150.
    const lots = [{ quantity: 300, expiry: '2026-12-13' }];
    expect(usableBeforeExpiry(lots, 10, TODAY, 5)).toBe(150);
    // A lot inside its minimum remaining shelf life today, or expiring today, is not usable at all.
    expect(usableBeforeExpiry([{ quantity: 300, expiry: '2026-11-26' }], 10, TODAY, 3)).toBe(0);
    expect(usableBeforeExpiry([{ quantity: 300, expiry: TODAY }], 10, TODAY, 0)).toBe(0);
  });

  it('counts every lot that can still be dispensed when nothing is used (no demand)', () => {
    const lots = [
      { quantity: 40, expiry: '2026-12-13' },
      { quantity: 7, expiry: null },
      { quantity: 9, expiry: TODAY },
    ];
    expect(usableBeforeExpiry(lots, 0, TODAY, 0)).toBe(47);
  });

  it('ignores lots with nothing in them (a difference that took more than a lot held)', () => {
    const lots = [
      { quantity: -30, expiry: '2026-12-03' },
      { quantity: 100, expiry: null },
    ];
    expect(usableBeforeExpiry(lots, 10, TODAY, 0)).toBe(100);
  });

  it('has a default minimum remaining shelf life of 0 days', () => {
    expect(DEFAULT_MIN_SHELF_LIFE_DAYS).toBe(0);
  });

  it('runs out on the day the delivery-free simulation runs out, for varied lots', () => {
    // 500 random cases from a printed seed (BEREDSKAP_SEED to repeat one).
    const seed = Number(process.env.BEREDSKAP_SEED ?? Math.floor(Math.random() * 2 ** 31));
    let x = seed >>> 0;
    const random = () => {
      x = (x + 0x6d2b79f5) >>> 0;
      let t = x;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
    };
    const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
    for (let run = 0; run < 500; run++) {
      const lots: StockLot[] = Array.from({ length: int(0, 8) }, () => ({
        quantity: int(0, 2000),
        expiry: random() < 0.2 ? null : addDays(TODAY, int(-5, 400)),
      }));
      const perDay = int(1, 200);
      const minShelf = int(0, 10);
      const at = `seed ${seed}, case ${run}: ${JSON.stringify({ lots, perDay, minShelf })}`;
      const usable = usableBeforeExpiry(lots, perDay, TODAY, minShelf);
      const plain = coverage(usable, perDay, TODAY);
      const simulated = simulateSupply({
        today: TODAY,
        demandPerDay: perDay,
        lots,
        minShelfLifeDays: minShelf,
      });
      if ((plain.days ?? 0) < 364) {
        expect(simulated.runsOutOn, at).toBe(plain.runsOutOn);
        // Stock that runs out was either used or lost.
        const total = lots.reduce((sum, l) => sum + l.quantity, 0);
        expect(usable + simulated.expiredUnused, at).toBe(total);
      }
    }
  });
});

describe('coverage without deliveries', () => {
  it('divides stock by demand and dates the first day without stock', () => {
    // 300 packs, 10 a day -> 30 days -> runs out 2026-12-23.
    expect(coverage(300, 10, TODAY)).toEqual({ days: 30, runsOutOn: '2026-12-23' });
  });

  it('dates a partly supplied day as the run-out day', () => {
    // 305 packs, 10 a day -> 30.5 days: day 30 gets only 5 of its 10 -> runs out 2026-12-23.
    expect(coverage(305, 10, TODAY)).toEqual({ days: 30.5, runsOutOn: '2026-12-23' });
  });

  it('does not lose a day to rounding with fractional demand', () => {
    // 100 packs at 10/3 a day is 30 days (100 / 3.333… = 29.999999999999996 in floating point).
    expect(coverage(100, 10 / 3, TODAY).runsOutOn).toBe('2026-12-23');
  });

  it('reports "no demand" (null), not infinity or NaN, when demand is 0', () => {
    expect(coverage(300, 0, TODAY)).toEqual({ days: null, runsOutOn: null });
    expect(coverage(0, 0, TODAY)).toEqual({ days: null, runsOutOn: null });
  });

  it('runs out today with no stock and some demand', () => {
    expect(coverage(0, 10, TODAY)).toEqual({ days: 0, runsOutOn: TODAY });
  });

  it('refuses a negative demand', () => {
    expect(() => coverage(10, -1, TODAY)).toThrow(AppError);
  });
});

describe('simulateSupply', () => {
  it('agrees with plain coverage without deliveries or expiry', () => {
    // 300 at 10 a day: short from day 30 (2026-12-23) to the end of the simulation.
    const o = simulateSupply({ today: TODAY, demandPerDay: 10, lots: [{ quantity: 300, expiry: null }] });
    expect(o).toEqual({
      runsOutOn: '2026-12-23',
      gaps: [{ from: '2026-12-23', until: null }],
      expiredUnused: 0,
      simulatedUntil: '2027-11-23',
    });
  });

  it('adds a delivery that arrives before the stock runs out', () => {
    // 300 + 200 arriving 2026-12-10 (day 17) = 500 at 10 a day -> 50 days -> runs out 2027-01-12.
    const o = simulateSupply({
      today: TODAY,
      demandPerDay: 10,
      lots: [{ quantity: 300, expiry: null }],
      deliveries: [{ expectedOn: '2026-12-10', quantity: 200 }],
    });
    expect(o.runsOutOn).toBe('2027-01-12');
    expect(o.gaps).toEqual([{ from: '2027-01-12', until: null }]);
  });

  it('shows a gap when the delivery arrives after the stock has run out', () => {
    // 300 at 10 a day runs out on day 30 (2026-12-23). 100 arrive on day 40 (2027-01-02): 10 days
    // without stock (2026-12-23 .. 2027-01-01), then 10 days supplied, then short again from day 50.
    const o = simulateSupply({
      today: TODAY,
      demandPerDay: 10,
      lots: [{ quantity: 300, expiry: null }],
      deliveries: [{ expectedOn: '2027-01-02', quantity: 100 }],
    });
    expect(o.runsOutOn).toBe('2026-12-23');
    expect(o.gaps).toEqual([
      { from: '2026-12-23', until: '2027-01-02' },
      { from: '2027-01-12', until: null },
    ]);
  });

  it('does not end a gap with a delivery smaller than one day of demand', () => {
    // 5 packs on day 40 against 10 a day: day 40 is still short.
    const o = simulateSupply({
      today: TODAY,
      demandPerDay: 10,
      lots: [{ quantity: 300, expiry: null }],
      deliveries: [{ expectedOn: '2027-01-02', quantity: 5 }],
    });
    expect(o.gaps).toEqual([{ from: '2026-12-23', until: null }]);
  });

  it('uses the soonest-expiring lot first and loses what is left of it at expiry', () => {
    // 200 expiring 2026-12-03 (day 10) and 100 without expiry, 10 a day.
    // Days 0-9 draw 100 from the expiring lot; its other 100 are lost on day 10; the 100 without
    // expiry last days 10-19 -> runs out day 20, 2026-12-13. Usable before expiry: 100 + 100 = 200,
    // 20 days: plain coverage runs out the same day.
    const lots = [
      { quantity: 100, expiry: null },
      { quantity: 200, expiry: '2026-12-03' },
    ];
    const o = simulateSupply({ today: TODAY, demandPerDay: 10, lots });
    expect(o.runsOutOn).toBe('2026-12-13');
    expect(o.expiredUnused).toBe(100);
    expect(coverage(usableBeforeExpiry(lots, 10, TODAY, 0), 10, TODAY).runsOutOn).toBe('2026-12-13');
  });

  it('loses the part of a large lot that expires before it can be used', () => {
    // 1000 expiring 2027-01-02 (day 40) at 10 a day: only 400 are used before the expiry, 600 are
    // lost; usable stock is 400, 40 days, and stock runs out on 2027-01-02 with or without the simulation.
    const item = coverageOfItem({
      today: TODAY,
      demandPerDay: 10,
      lots: [{ quantity: 1000, expiry: '2027-01-02' }],
    });
    expect(item).toMatchObject({ usableStock: 400, days: 40, runsOutOn: '2027-01-02' });
    expect(item.withDeliveries).toMatchObject({ runsOutOn: '2027-01-02', expiredUnused: 600 });
  });

  it('stops drawing a lot the minimum remaining shelf life before its expiry', () => {
    // 300 expiring 2026-12-13 (day 20), 5 days of remaining shelf life required at dispensing: drawn
    // on days 0-14 (150), the other 150 lost on day 15 -> runs out 2026-12-08.
    const o = simulateSupply({
      today: TODAY,
      demandPerDay: 10,
      lots: [{ quantity: 300, expiry: '2026-12-13' }],
      minShelfLifeDays: 5,
    });
    expect(o).toMatchObject({ runsOutOn: '2026-12-08', expiredUnused: 150 });
  });

  it('counts a lot expiring today as lost, and ignores overdue deliveries', () => {
    const o = simulateSupply({
      today: TODAY,
      demandPerDay: 10,
      lots: [
        { quantity: 50, expiry: TODAY },
        { quantity: 100, expiry: null },
      ],
      deliveries: [{ expectedOn: '2026-11-20', quantity: 1000 }],
    });
    expect(o).toMatchObject({ runsOutOn: '2026-12-03', expiredUnused: 50 });
  });

  it('lets a delivery carry its own expiry', () => {
    // 100 in stock (days 0-9); 300 arrive on day 10 expiring 2026-12-13 (day 20): 100 used on days
    // 10-19, 200 lost -> runs out day 20.
    const o = simulateSupply({
      today: TODAY,
      demandPerDay: 10,
      lots: [{ quantity: 100, expiry: null }],
      deliveries: [{ expectedOn: '2026-12-03', quantity: 300, expiry: '2026-12-13' }],
    });
    expect(o).toMatchObject({ runsOutOn: '2026-12-13', expiredUnused: 200 });
  });

  it('never runs out without demand, but still counts expired stock', () => {
    const o = simulateSupply({
      today: TODAY,
      demandPerDay: 0,
      lots: [{ quantity: 40, expiry: '2027-01-02' }],
    });
    expect(o).toMatchObject({ runsOutOn: null, gaps: [], expiredUnused: 40 });
  });

  it('reports no run-out when the stock outlasts the simulated period', () => {
    // 1000 at 1 a day over 365 days.
    const o = simulateSupply({ today: TODAY, demandPerDay: 1, lots: [{ quantity: 1000, expiry: null }] });
    expect(o).toMatchObject({ runsOutOn: null, gaps: [], simulatedUntil: '2027-11-23' });
  });
});

describe('aggregate coverage', () => {
  it('is sum(stock) / sum(demand), not the mean of the coverages', () => {
    // A: 300 packs at 10 a day = 30 days. B: 0 packs at 20 a day = 0 days.
    // Mean of coverages: 15 days. Aggregate: 300 / 30 = 10 days -> runs out 2026-12-03.
    const agg = aggregateCoverage(
      [
        { usableStock: 300, demandPerDay: 10 },
        { usableStock: 0, demandPerDay: 20 },
      ],
      TODAY,
    );
    expect(agg).toEqual({ usableStock: 300, demandPerDay: 30, parts: 2, days: 10, runsOutOn: '2026-12-03' });
  });

  it('aggregates per region and for the nation', () => {
    const locations = [
      { code: 'SE-A', regionCode: '01', usableStock: 300, demandPerDay: 10 },
      { code: 'SE-B', regionCode: '01', usableStock: 0, demandPerDay: 20 },
      { code: 'SE-C', regionCode: '12', usableStock: 600, demandPerDay: 10 },
    ];
    const byRegion = aggregateCoverageBy(locations, (l) => l.regionCode, TODAY);
    // Region 01: 300 / 30 = 10 days. Region 12: 600 / 10 = 60 days.
    expect(byRegion.get('01')?.days).toBe(10);
    expect(byRegion.get('12')?.days).toBe(60);
    // Nation: 900 / 40 = 22.5 days (the mean of the three locations' 30, 0 and 60 would be 30).
    expect(aggregateCoverage(locations, TODAY)).toMatchObject({ days: 22.5, runsOutOn: '2026-12-15' });
  });

  it('reports no demand for an aggregate without demand', () => {
    expect(aggregateCoverage([{ usableStock: 5, demandPerDay: 0 }], TODAY)).toMatchObject({ days: null });
    expect(aggregateCoverage([], TODAY)).toMatchObject({
      usableStock: 0,
      demandPerDay: 0,
      days: null,
      parts: 0,
    });
  });

  it('measures each tier’s stock against the one demand of the whole area', () => {
    // National demand 100 a day. Wholesale 6000 -> 60 days, community pharmacies 1000 + 500 -> 15,
    // dose pharmacies 300 -> 3.
    const stock = [
      { tier: 'wholesale', usableStock: 6000 },
      { tier: 'community_pharmacy', usableStock: 1000 },
      { tier: 'community_pharmacy', usableStock: 500 },
      { tier: 'dose_pharmacy', usableStock: 300 },
    ];
    const byTier = stockCoverageBy(stock, (s) => s.tier, 100, TODAY);
    expect(byTier.get('wholesale')?.days).toBe(60);
    expect(byTier.get('community_pharmacy')).toMatchObject({ usableStock: 1500, parts: 2, days: 15 });
    expect(byTier.get('dose_pharmacy')?.runsOutOn).toBe('2026-11-26');
  });
});

describe('coverageOfItem', () => {
  it('gives coverage without deliveries and the simulated date with them', () => {
    // Usable: 300 -> 30 days -> 2026-12-23. With 200 arriving 2026-12-10: 2027-01-12.
    const item = coverageOfItem({
      today: TODAY,
      demandPerDay: 10,
      lots: [{ quantity: 300, expiry: null }],
      deliveries: [{ expectedOn: '2026-12-10', quantity: 200 }],
    });
    expect(item).toMatchObject({ usableStock: 300, demandPerDay: 10, days: 30, runsOutOn: '2026-12-23' });
    expect(item.withDeliveries.runsOutOn).toBe('2027-01-12');
  });
});
