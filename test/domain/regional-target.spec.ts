import { describe, expect, it } from 'vitest';
import {
  consumptionPerDay,
  countsTowardTarget,
  DAYS_PER_MONTH,
  regionalScorecard,
  summariseTarget,
  TARGET_CHANNELS,
  type TargetConsumption,
} from '../../src/domain/regional-target.js';

/**
 * R2 (seed 003): regions hold at least one month's consumption of the prioritised inpatient medicines,
 * in their own stock close to care (hospital pharmacies, care-unit stores, their preparedness stock)
 * or contracted. Worked numbers: a month is 365 / 12 = 30.4167 days. Consumption is the care's
 * (TARGET_CHANNELS: care requisitions), over the year to the region's last reported day.
 */

/** Care requisitions of `perDay` packages a day over a full year (365 days). */
const care = (packageId: number, perDay: number): TargetConsumption => ({
  packageId,
  channel: 'care_requisition',
  packages: perDay * 365,
  days: 365,
});

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
      consumption: [
        // Morfin: 547.5 packs of 10 a year = 1.5 a day (15 units) + 36.5 packs of 50 = 0.1 a day
        // (5 units) = 20 units a day → 608.33 units a month; 600 / 608.33 = 0.986 months: not met.
        care(1, 1.5),
        care(2, 0.1),
        care(3, 4),
        // Natriumklorid: 4,380 bags a year = 12 a day → 365 a month; 600 / 365 = 1.644 months: met.
        care(4, 12),
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
      consumption: [care(4, 12)],
    });
    expect(rows[0]!.monthsHeld).toBeCloseTo(1, 12);
    expect(rows[0]!.status).toBe('met');
  });

  it('measures against another number of months when asked (e.g. a three-month what-if)', () => {
    const { summary } = regionalScorecard({
      list: [list[1]!],
      packages,
      stock: [{ packageId: 4, locationKind: 'hospital_pharmacy', heldByRegion: true, quantity: 600 }],
      consumption: [care(4, 12)],
      targetMonths: 3,
    });
    expect(summary).toMatchObject({ met: 0, notMet: 1, shareMet: 0 });
  });
});

describe('the care’s consumption (TARGET_CHANNELS)', () => {
  // Amoxicillin, packs of 20: the region's community pharmacies dispensed 36,500 packs on prescription
  // in the year (100 a day), its hospitals requisitioned 730 packs (2 a day = 40 tablets), and dose
  // pharmacies packed 3,650. The hospital pharmacy holds 70 packs = 1,400 tablets.
  const amoxicillin: TargetConsumption[] = [
    { packageId: 5, channel: 'community_dispensing', packages: 36_500, days: 365 },
    { packageId: 5, channel: 'care_requisition', packages: 730, days: 365 },
    { packageId: 5, channel: 'dose_dispensing', packages: 3_650, days: 365 },
  ];
  const stock = [
    { packageId: 5, locationKind: 'hospital_pharmacy' as const, heldByRegion: true, quantity: 70 },
  ];

  it('measures the region’s stock against its care requisitions, not the prescriptions dispensed', () => {
    expect(TARGET_CHANNELS).toEqual(['care_requisition']);
    const { rows } = regionalScorecard({ list: [list[2]!], packages, stock, consumption: amoxicillin });
    // 2 packs × 20 tablets = 40 a day → 1,216.67 a month; 1,400 / 1,216.67 = 1.151 months: met.
    expect(rows[0]!.monthlyUnits).toBeCloseTo(1_216.667, 3);
    expect(rows[0]!.monthsHeld).toBeCloseTo(1.1507, 4);
    expect(rows[0]!.status).toBe('met');
    // Against every channel (the picture's demand) it would read 0.0205 months: 1,400 / (112 × 20 × 30.42 = 68,133).
    const all = regionalScorecard({
      list: [list[2]!],
      packages,
      stock,
      consumption: amoxicillin,
      channels: ['care_requisition', 'community_dispensing', 'dose_dispensing'],
    });
    expect(all.rows[0]!.monthsHeld).toBeCloseTo(0.02055, 5);
    expect(all.rows[0]!.status).toBe('not_met');
  });

  it('reads no consumption when the care consumes none, whatever the pharmacies dispense', () => {
    const { rows, summary } = regionalScorecard({
      list: [list[2]!],
      packages,
      stock,
      consumption: amoxicillin.filter((c) => c.channel !== 'care_requisition'),
    });
    expect(rows[0]).toMatchObject({ monthlyUnits: 0, monthsHeld: null, status: 'no_consumption' });
    expect(summary.shareMet).toBeNull();
  });

  it('reads a channel over the days it was reported: 28 packs in a fortnight are 2 a day', () => {
    const perDay = consumptionPerDay([
      { packageId: 5, channel: 'care_requisition', packages: 28, days: 14 },
      { packageId: 5, channel: 'community_dispensing', packages: 1_000, days: 365 },
      // A channel reported over no day of the window counts nothing (no division by zero).
      { packageId: 6, channel: 'care_requisition', packages: 0, days: 0 },
    ]);
    expect([...perDay]).toEqual([[5, 2]]);
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
