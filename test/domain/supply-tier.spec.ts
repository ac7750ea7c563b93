import { describe, expect, it } from 'vitest';
import type { LocationKind } from '../../src/store/schema.js';
import {
  locationKindsOf,
  SUPPLY_TIER_NAMES_SV,
  SUPPLY_TIERS,
  supplyTierOf,
} from '../../src/domain/supply-tier.js';

describe('supplyTierOf', () => {
  it('maps every location kind to its tier', () => {
    const expected: Record<LocationKind, string> = {
      wholesaler_warehouse: 'wholesale',
      community_pharmacy: 'community_pharmacy',
      dose_pharmacy: 'dose_pharmacy',
      hospital_pharmacy: 'hospital_pharmacy',
      care_unit_store: 'care_unit',
      municipal_store: 'care_unit',
      state_security_stock: 'preparedness',
      regional_preparedness_stock: 'preparedness',
    };
    for (const [kind, tier] of Object.entries(expected))
      expect(supplyTierOf(kind as LocationKind)).toBe(tier);
  });

  it('keeps dose pharmacies in a tier of their own (R5)', () => {
    expect(supplyTierOf('dose_pharmacy')).not.toBe(supplyTierOf('community_pharmacy'));
  });
});

describe('locationKindsOf', () => {
  it('inverts the mapping', () => {
    expect(locationKindsOf('care_unit')).toEqual(['care_unit_store', 'municipal_store']);
    expect(locationKindsOf('preparedness')).toEqual(['state_security_stock', 'regional_preparedness_stock']);
  });

  it('gives every tier at least one kind and a Swedish name', () => {
    for (const tier of SUPPLY_TIERS) {
      expect(locationKindsOf(tier).length).toBeGreaterThan(0);
      expect(SUPPLY_TIER_NAMES_SV[tier]).toBeTruthy();
    }
    expect(SUPPLY_TIERS.flatMap(locationKindsOf)).toHaveLength(8);
  });
});
