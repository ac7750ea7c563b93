import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors.js';
import { locationDemand, type LocationDemandInput } from '../../src/domain/location-demand.js';

const base: LocationDemandInput = {
  kind: 'community_pharmacy',
  reportsOwnSales: false,
  ownPerDay: 0,
  regionPerDay: 10,
  reportedPerDay: 4,
  sharingLocations: 3,
};

describe('locationDemand', () => {
  it('measures a location that reports its own sales against them, even at zero', () => {
    expect(
      locationDemand({ ...base, kind: 'hospital_pharmacy', reportsOwnSales: true, ownPerDay: 2 }),
    ).toEqual({
      basis: 'own_sales',
      perDay: 2,
    });
    // It reports sales, but none of this package: it needs none.
    expect(locationDemand({ ...base, reportsOwnSales: true, ownPerDay: 0 })).toEqual({
      basis: 'own_sales',
      perDay: 0,
    });
  });

  it('gives a community pharmacy without its own sales an equal share of the region’s unreported demand', () => {
    // Region 10 a day, 4 of it in the hospital and dose pharmacies' own rows, 3 pharmacies: 2 each.
    expect(locationDemand(base)).toEqual({ basis: 'region_share', perDay: 2 });
    // Reported rows above the region's estimate (the estimates are not additive): nothing left, not < 0.
    expect(locationDemand({ ...base, reportedPerDay: 12 })).toEqual({ basis: 'region_share', perDay: 0 });
  });

  it('says there is no basis for a warehouse, a care unit or a preparedness stock instead of borrowing the region’s', () => {
    for (const kind of [
      'wholesaler_warehouse',
      'care_unit_store',
      'municipal_store',
      'state_security_stock',
      'regional_preparedness_stock',
      'hospital_pharmacy',
      'dose_pharmacy',
    ] as const) {
      expect(locationDemand({ ...base, kind }), kind).toEqual({ basis: 'no_basis', perDay: null });
    }
  });

  it('refuses a negative demand and a share among no locations', () => {
    expect(() => locationDemand({ ...base, regionPerDay: -1 })).toThrow(
      'regionPerDay -1 is not a number >= 0',
    );
    expect(() => locationDemand({ ...base, sharingLocations: 0 })).toThrow(AppError);
  });
});
