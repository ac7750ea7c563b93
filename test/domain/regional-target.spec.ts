import { describe, expect, it } from 'vitest';
import {
  countsTowardTarget,
  DAYS_PER_MONTH,
  regionalScorecard,
  summariseTarget,
} from '../../src/domain/regional-target.js';

/**
 * R2 (seed 003): regions hold at least one month's consumption of the prioritised inpatient medicines,
 * in their own stock close to care (hospital pharmacies, care-unit stores, their preparedness stock)
 * or contracted. Worked numbers: a month is 365 / 12 = 30.4167 days.
 */

const list = [
  {
    listCode: 'sos-prioritised',
    position: 1,
    atcCode: 'N02AA01',
    substance: 'morfin',
    form: 'injektionsvätska',
  },
  { listCode: 'sos-prioritised', position: 2, atcCode: 'B05BB01', substance: 'natriumklorid', form: null },
  { listCode: 'sos-prioritised', position: 3, atcCode: 'J01CA04', substance: 'amoxicillin', form: null },
];
const packages = [
  // Morfin 10 mg/ml, ampoules: packs of 10 (ml) and of 50.
  { id: 1, atcCode: 'N02AA01', substance: 'Morfin', form: 'injektionsvätska, lösning', packSize: 10 },
  { id: 2, atcCode: 'N02AA01', substance: 'morfin', form: 'injektionsvätska, lösning', packSize: 50 },
  // Morfin tablets: not covered (the entry names the form injektionsvätska).
  { id: 3, atcCode: 'N02AA01', substance: 'morfin', form: 'tablett', packSize: 100 },
  // Natriumklorid infusion, bags of 1 (1,000 ml counted as one unit).
  { id: 4, atcCode: 'B05BB01', substance: 'natriumklorid', form: 'infusionsvätska', packSize: 1 },
  // Amoxicillin: on the list, not consumed in this region.
  { id: 5, atcCode: 'J01CA04', substance: 'amoxicillin', form: 'tablett', packSize: 20 },
];

describe('regionalScorecard (R2: months of consumption held against one month)', () => {
  it('adds the region’s own stock of every covered package in units and divides by a month’s demand', () => {
    const { rows, summary } = regionalScorecard({
      list,
      packages,
      stock: [
        // Morfin: 30 packs of 10 at the hospital pharmacy, 20 packs of 10 in the preparedness stock,
        // 2 packs of 50 at a care-unit store → 300 + 200 + 100 = 600 units.
        { packageId: 1, locationKind: 'hospital_pharmacy', heldByRegion: true, quantity: 30 },
        { packageId: 1, locationKind: 'regional_preparedness_stock', heldByRegion: true, quantity: 20 },
        { packageId: 2, locationKind: 'care_unit_store', heldByRegion: true, quantity: 2 },
        // Tablets are not the listed form: not counted, whatever the stock.
        { packageId: 3, locationKind: 'hospital_pharmacy', heldByRegion: true, quantity: 999 },
        // Natriumklorid: 400 bags at the hospital pharmacy and 200 contracted at a wholesaler (the
        // region owns them) → 600 units; 50 in a municipal store: not a kind that counts.
        { packageId: 4, locationKind: 'hospital_pharmacy', heldByRegion: true, quantity: 400 },
        { packageId: 4, locationKind: 'wholesaler_warehouse', heldByRegion: false, quantity: 200 },
        { packageId: 4, locationKind: 'municipal_store', heldByRegion: true, quantity: 50 },
      ],
      demand: [
        // Morfin: 1.5 packs of 10 a day (15 units) + 0.1 pack of 50 (5 units) = 20 units a day
        // → 608.33 units a month; 600 / 608.33 = 0.986 months: not met.
        { packageId: 1, perDay: 1.5 },
        { packageId: 2, perDay: 0.1 },
        { packageId: 3, perDay: 4 },
        // Natriumklorid: 12 bags a day → 365 a month; 600 / 365 = 1.644 months: met.
        { packageId: 4, perDay: 12 },
      ],
    });

    const [morfin, nacl, amox] = rows;
    expect(morfin).toMatchObject({
      position: 1,
      packages: 2,
      stockUnits: 600,
      preparednessUnits: 200,
      contractedUnits: 0,
      status: 'not_met',
    });
    expect(morfin!.monthlyUnits).toBeCloseTo(20 * DAYS_PER_MONTH, 9);
    expect(morfin!.monthlyUnits).toBeCloseTo(608.333, 3);
    expect(morfin!.monthsHeld).toBeCloseTo(0.9863, 4);

    expect(nacl).toMatchObject({ packages: 1, stockUnits: 600, contractedUnits: 200, status: 'met' });
    expect(nacl!.monthlyUnits).toBeCloseTo(365, 9);
    expect(nacl!.monthsHeld).toBeCloseTo(1.6438, 4);

    // No consumption: no months, and out of the share met.
    expect(amox).toMatchObject({
      packages: 1,
      stockUnits: 0,
      monthlyUnits: 0,
      monthsHeld: null,
      status: 'no_consumption',
    });
    expect(summary).toEqual({ medicines: 3, met: 1, notMet: 1, noConsumption: 1, shareMet: 0.5 });
  });

  it('meets the target at exactly one month', () => {
    // 365 bags against 12 a day: 365 / (12 × 365/12) = 1.
    const { rows } = regionalScorecard({
      list: [list[1]!],
      packages,
      stock: [{ packageId: 4, locationKind: 'hospital_pharmacy', heldByRegion: true, quantity: 365 }],
      demand: [{ packageId: 4, perDay: 12 }],
    });
    expect(rows[0]!.monthsHeld).toBeCloseTo(1, 12);
    expect(rows[0]!.status).toBe('met');
  });

  it('measures against another number of months when asked (e.g. a three-month what-if)', () => {
    const { summary } = regionalScorecard({
      list: [list[1]!],
      packages,
      stock: [{ packageId: 4, locationKind: 'hospital_pharmacy', heldByRegion: true, quantity: 600 }],
      demand: [{ packageId: 4, perDay: 12 }],
      targetMonths: 3,
    });
    expect(summary).toMatchObject({ met: 0, notMet: 1, shareMet: 0 });
  });
});

describe('what counts as the region’s own stock', () => {
  it('counts hospital pharmacies, care-unit stores and the regional preparedness stock it holds', () => {
    expect(countsTowardTarget({ locationKind: 'hospital_pharmacy', heldByRegion: true })).toBe(true);
    expect(countsTowardTarget({ locationKind: 'care_unit_store', heldByRegion: true })).toBe(true);
    expect(countsTowardTarget({ locationKind: 'regional_preparedness_stock', heldByRegion: true })).toBe(
      true,
    );
    expect(countsTowardTarget({ locationKind: 'municipal_store', heldByRegion: true })).toBe(false);
    expect(countsTowardTarget({ locationKind: 'community_pharmacy', heldByRegion: true })).toBe(false);
  });

  it('counts stock it owns that a procured actor holds (contracted, seed 003)', () => {
    expect(countsTowardTarget({ locationKind: 'wholesaler_warehouse', heldByRegion: false })).toBe(true);
  });

  it('gives no share met when the region consumes none of the list', () => {
    expect(summariseTarget([{ status: 'no_consumption' }])).toEqual({
      medicines: 1,
      met: 0,
      notMet: 0,
      noConsumption: 1,
      shareMet: null,
    });
  });
});
