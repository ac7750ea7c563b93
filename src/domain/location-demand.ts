import type { LocationKind } from './vocabulary.js';
import { AppError } from './errors.js';

/**
 * What a single location's coverage is measured against (docs/lagesbild.md, "Locations"):
 * - `own_sales`: the location reports its own sales (location rows), and its estimate is theirs;
 * - `region_share`: it does not, but it dispenses the region's community demand: its share of it;
 * - `no_basis`: neither (a warehouse, a preparedness stock, a care unit, a hospital or dose pharmacy
 *   that does not report its own sales): nothing says what it must supply, so no coverage is given,
 *   rather than the days its stock alone would supply the whole region.
 */
export type LocationDemandBasis = 'own_sales' | 'region_share' | 'no_basis';

/**
 * Location kinds that dispense the region's community demand, and so share it when they do not report
 * their own sales (ours). Regional sales totals are community dispensing (E-hälsomyndigheten's
 * statistics); what hospital and dose pharmacies supply is in their own rows, and care units and
 * municipal stores draw on the hospital pharmacies' requisitions, so a share of the region's community
 * demand is not theirs.
 */
export const REGION_SHARE_KINDS: readonly LocationKind[] = ['community_pharmacy'];

export interface LocationDemandInput {
  kind: LocationKind;
  /** The location reports its own sales (any location rows within the last year). */
  reportsOwnSales: boolean;
  /** Its own estimate for the package (estimateDemand over its rows; 0 when it sold none). */
  ownPerDay: number;
  /** The region's expected demand for the package. */
  regionPerDay: number;
  /** The part of it that locations reporting their own sales supply (their rows in the region, pooled). */
  reportedPerDay: number;
  /** The region's open locations of this kind that do not report their own sales (this one included). */
  sharingLocations: number;
}

export interface LocationDemand {
  basis: LocationDemandBasis;
  /** Packages a day; null without a basis. */
  perDay: number | null;
}

/**
 * A location's own demand for one package.
 *
 * - Own sales when it reports them: `ownPerDay`.
 * - Otherwise, for a kind in {@link REGION_SHARE_KINDS}: the region's demand not supplied by locations
 *   that report their own sales, split equally among the region's locations of its kind that do not
 *   (ours: nothing in the facts says how big one pharmacy is, and an equal share is the one that a
 *   pharmacy emptying its shelves cannot shrink). Region 10 a day, of which the hospital pharmacies'
 *   own rows supply 4, shared by 3 community pharmacies: (10 − 4) ÷ 3 = 2 a day each.
 * - Otherwise no basis.
 * @throws AppError('invalid') for a negative or non-finite demand, or a share among fewer than one.
 */
export function locationDemand(input: LocationDemandInput): LocationDemand {
  for (const [name, value] of [
    ['ownPerDay', input.ownPerDay],
    ['regionPerDay', input.regionPerDay],
    ['reportedPerDay', input.reportedPerDay],
  ] as const) {
    if (!Number.isFinite(value) || value < 0) {
      throw AppError.invalid(`${name} ${value} is not a number >= 0`);
    }
  }
  if (input.reportsOwnSales) return { basis: 'own_sales', perDay: input.ownPerDay };
  if (!REGION_SHARE_KINDS.includes(input.kind)) return { basis: 'no_basis', perDay: null };
  if (!Number.isInteger(input.sharingLocations) || input.sharingLocations < 1) {
    throw AppError.invalid(
      `a ${input.kind.replaceAll('_', ' ')} shares the region's demand with ${input.sharingLocations} locations: expected at least 1 (itself)`,
    );
  }
  return {
    basis: 'region_share',
    perDay: Math.max(0, input.regionPerDay - input.reportedPerDay) / input.sharingLocations,
  };
}
