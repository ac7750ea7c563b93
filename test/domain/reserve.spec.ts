import { describe, expect, it } from 'vitest';
import { classOfAnswer } from '../../src/domain/access.js';
import { isReserveStock, reserveDaysAdded, splitStock } from '../../src/domain/reserve.js';

describe('everyday stock and reserve (issue 8 item 5)', () => {
  it('counts levels 1 and 2 outside the preparedness stocks as everyday stock', () => {
    expect(isReserveStock({ locationKind: 'community_pharmacy', stockLevel: 1 })).toBe(false);
    expect(isReserveStock({ locationKind: 'hospital_pharmacy', stockLevel: 2 })).toBe(false);
    expect(isReserveStock({ locationKind: 'wholesaler_warehouse', stockLevel: 2 })).toBe(false);
  });

  it('counts level 3 and 4 as reserve wherever held, and everything at a preparedness stock', () => {
    expect(isReserveStock({ locationKind: 'wholesaler_warehouse', stockLevel: 3 })).toBe(true);
    expect(isReserveStock({ locationKind: 'hospital_pharmacy', stockLevel: 4 })).toBe(true);
    expect(isReserveStock({ locationKind: 'state_security_stock', stockLevel: 3 })).toBe(true);
    expect(isReserveStock({ locationKind: 'state_security_stock', stockLevel: 1 })).toBe(true);
    expect(isReserveStock({ locationKind: 'regional_preparedness_stock', stockLevel: 2 })).toBe(true);
  });

  it('splits a location’s lines: 600 everyday and 550 reserve at a warehouse, usable apart', () => {
    const at = (stockLevel: number, quantity: number, usable = true) => ({
      locationKind: 'wholesaler_warehouse' as const,
      stockLevel,
      quantity,
      usable,
    });
    expect(splitStock([at(1, 500), at(2, 100), at(3, 500), at(3, 50, false)])).toEqual({
      everyday: { total: 600, usable: 600 },
      reserve: { total: 550, usable: 500 },
    });
  });

  it('gives the days a reserve would add at the demand, none without demand', () => {
    // 833,332 packs at 30 a day: 27,777.7 days.
    expect(reserveDaysAdded(833_332, 30)).toBeCloseTo(27_777.73, 2);
    expect(reserveDaysAdded(600, 0)).toBeNull();
    expect(reserveDaysAdded(-5, 10)).toBe(0);
  });

  it('classes an answer that carries the reserve as Skyddad, even with only aggregates', () => {
    expect(classOfAnswer({ aggregates: true, locationDetail: false, reserve: true })).toBe('protected');
    expect(classOfAnswer({ aggregates: true, locationDetail: false, reserve: false })).toBe('restricted');
    expect(classOfAnswer({ aggregates: true, locationDetail: false })).toBe('restricted');
  });
});
