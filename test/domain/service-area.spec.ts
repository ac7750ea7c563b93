import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors.js';
import {
  regionalStock,
  roundShare,
  serviceFractions,
  wholesaleShareByRegion,
  type ServedRegion,
} from '../../src/domain/service-area.js';

// A country of three regions: Stockholm 01 (2.4 M inhabitants), Skåne 12 (1.4 M), Norrbotten 25 (0.25 M).
const country = (demand: Record<string, number>): ServedRegion[] => [
  { code: '01', demandPerDay: demand['01'] ?? 0, population: 2_400_000 },
  { code: '12', demandPerDay: demand['12'] ?? 0, population: 1_400_000 },
  { code: '25', demandPerDay: demand['25'] ?? 0, population: 250_000 },
];

describe('serviceFractions', () => {
  it('gives each region served its share of the area’s demand for the package', () => {
    // 10 + 20 + 10 = 40 a day: 1/4, 1/2, 1/4.
    const f = serviceFractions(country({ '01': 10, '12': 20, '25': 10 }));
    expect(Object.fromEntries(f)).toEqual({ '01': 0.25, '12': 0.5, '25': 0.25 });
  });

  it('falls back to the population shares when no region served has demand for the package', () => {
    // 2.4 + 1.4 + 0.25 = 4.05 M inhabitants.
    const f = serviceFractions(country({}));
    expect(f.get('01')).toBeCloseTo(2.4 / 4.05, 12);
    expect(f.get('12')).toBeCloseTo(1.4 / 4.05, 12);
    expect(f.get('25')).toBeCloseTo(0.25 / 4.05, 12);
  });

  it('refuses an area without regions, a negative demand and a population of 0', () => {
    expect(() => serviceFractions([])).toThrow(AppError);
    expect(() => serviceFractions([{ code: '01', demandPerDay: -1, population: 1 }])).toThrow(
      'region 01: demand -1 a day is not a number >= 0',
    );
    expect(() => serviceFractions([{ code: '01', demandPerDay: 1, population: 0 }])).toThrow(
      'region 01: population 0 is not a number > 0',
    );
  });
});

describe('wholesaleShareByRegion', () => {
  it('splits a warehouse serving the whole country by the regions’ demand, wherever it stands', () => {
    // 600 packs (540 usable) at 10 + 20 + 0 a day: 01 gets 200 (180), 12 400 (360), 25 nothing.
    const shares = wholesaleShareByRegion(
      [{ serves: null, total: 600, usable: 540 }],
      country({ '01': 10, '12': 20 }),
    );
    expect(Object.fromEntries(shares)).toEqual({
      '01': { total: 200, usable: 180 },
      '12': { total: 400, usable: 360 },
      '25': { total: 0, usable: 0 },
    });
  });

  it('adds the share of a warehouse serving only part of the country to the regions it serves', () => {
    // The national warehouse as above; a northern one holding 90 serves 12 and 25 only, where 25
    // has no demand: 12 gets it all. 12: 400 + 90 = 490.
    const shares = wholesaleShareByRegion(
      [
        { serves: null, total: 600, usable: 600 },
        { serves: ['25', '12'], total: 90, usable: 90 },
      ],
      country({ '01': 10, '12': 20 }),
    );
    expect(shares.get('01')).toEqual({ total: 200, usable: 200 });
    expect(shares.get('12')).toEqual({ total: 490, usable: 490 });
    expect(shares.get('25')).toEqual({ total: 0, usable: 0 });
  });

  it('keeps the nation’s wholesale stock whole: the regions’ shares add up to it', () => {
    const shares = wholesaleShareByRegion(
      [
        { serves: null, total: 1000, usable: 1000 },
        { serves: ['01'], total: 77, usable: 70 },
      ],
      country({ '01': 3, '12': 5, '25': 1 }),
    );
    const sum = [...shares.values()].reduce((a, s) => a + s.total, 0);
    // 1000 split 3:5:1 (333.333333 + 555.555556 + 111.111111), rounded to a millionth each.
    expect(sum).toBeCloseTo(1077, 5);
    expect(shares.get('01')?.total).toBeCloseTo(333.333333 + 77, 9);
  });

  it('splits stock nobody in the area buys by population', () => {
    // 405 packs, no demand anywhere: 2.4 : 1.4 : 0.25 of 4.05 → 240, 140, 25.
    const shares = wholesaleShareByRegion([{ serves: null, total: 405, usable: 405 }], country({}));
    expect(shares.get('01')?.total).toBeCloseTo(240, 6);
    expect(shares.get('12')?.total).toBeCloseTo(140, 6);
    expect(shares.get('25')?.total).toBeCloseTo(25, 6);
  });

  it('refuses a warehouse that serves no region or a region that does not exist', () => {
    expect(() => wholesaleShareByRegion([{ serves: [], total: 1, usable: 1 }], country({}))).toThrow(
      'a warehouse serves at least one region',
    );
    expect(() => wholesaleShareByRegion([{ serves: ['99'], total: 1, usable: 1 }], country({}))).toThrow(
      'a warehouse serves region 99, which is not a region',
    );
  });

  it('rounds a share to a millionth of a package, half away from zero', () => {
    expect(roundShare(1 / 3)).toBe(0.333333);
    expect(roundShare(2 / 3)).toBe(0.666667);
    expect(roundShare(-2 / 3)).toBe(-0.666667);
  });
});

describe('regionalStock', () => {
  it('counts the tiers held in the region but wholesale, plus the region’s share of the serving warehouses', () => {
    // Region 01 holds 300 at pharmacies, 30 at a hospital pharmacy and 600 in a warehouse that
    // serves the country; its share of that warehouse is 200. Counted: 300 + 30 + 200 = 530, not 930.
    const stock = regionalStock(
      [
        { tier: 'community_pharmacy', total: 300, usable: 300 },
        { tier: 'hospital_pharmacy', total: 30, usable: 20 },
        { tier: 'wholesale', total: 600, usable: 600 },
      ],
      { total: 200, usable: 200 },
    );
    expect(stock).toEqual({ total: 530, usable: 520 });
  });
});
