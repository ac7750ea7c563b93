import type { LocationKind } from './vocabulary.js';

/**
 * The tiers of the supply chain that the national picture shows coverage for, from the wholesalers
 * down to the care units, plus the preparedness stocks.
 *
 * Dose pharmacies are a tier of their own rather than part of `community_pharmacy`. R5: a few dose
 * pharmacies pack 14 days at a time for about 300,000 patients who cannot collect from another
 * pharmacy and whom the one-month self-preparedness advice does not reach; mixed into ~1,400
 * community pharmacies their stock would disappear in the total, and "what happens when one dose
 * pharmacy stops" could not be seen. The five-tier view is dose + community added together.
 * (Legally dose pharmacies are community pharmacies: R3 redistribution rules still treat them so.)
 */
export type SupplyTier =
  'wholesale' | 'community_pharmacy' | 'dose_pharmacy' | 'hospital_pharmacy' | 'care_unit' | 'preparedness';

/** All tiers in the order the picture shows them: upstream first, preparedness stocks last. */
export const SUPPLY_TIERS: readonly SupplyTier[] = [
  'wholesale',
  'community_pharmacy',
  'dose_pharmacy',
  'hospital_pharmacy',
  'care_unit',
  'preparedness',
];

/** Swedish names for the UI. */
export const SUPPLY_TIER_NAMES_SV: Readonly<Record<SupplyTier, string>> = {
  wholesale: 'Partihandel',
  community_pharmacy: 'Öppenvårdsapotek',
  dose_pharmacy: 'Dosapotek',
  hospital_pharmacy: 'Sjukhusapotek',
  care_unit: 'Vårdnära lager och kommunala förråd',
  preparedness: 'Beredskapslager',
};

// A Record, so that a new location kind fails to compile until it is given a tier.
const TIER_OF_KIND: Readonly<Record<LocationKind, SupplyTier>> = {
  wholesaler_warehouse: 'wholesale',
  community_pharmacy: 'community_pharmacy',
  dose_pharmacy: 'dose_pharmacy', // R5: see SupplyTier
  hospital_pharmacy: 'hospital_pharmacy',
  care_unit_store: 'care_unit',
  municipal_store: 'care_unit',
  state_security_stock: 'preparedness',
  regional_preparedness_stock: 'preparedness',
};

/** The supply tier a location of this kind belongs to. */
export function supplyTierOf(kind: LocationKind): SupplyTier {
  return TIER_OF_KIND[kind];
}

/** The location kinds that make up a tier (the inverse of {@link supplyTierOf}), e.g. for a query filter. */
export function locationKindsOf(tier: SupplyTier): LocationKind[] {
  return (Object.keys(TIER_OF_KIND) as LocationKind[]).filter((kind) => TIER_OF_KIND[kind] === tier);
}
