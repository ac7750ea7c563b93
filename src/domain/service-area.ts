import { AppError } from './errors.js';
import type { SupplyTier } from './supply-tier.js';

/**
 * Who serves whom (DOMAIN.md, "Single-channel distribution"): a wholesaler warehouse in one region
 * serves many, so a region's coverage counts its share of the stock of the warehouses that serve it,
 * not the stock that happens to stand at an address inside it. docs/lagesbild.md, "Wholesale stock
 * serves an area", states the rule; the SQL twin is src/store/picture/wholesale.ts.
 */

/**
 * A region's share of one warehouse area's stock is rounded to this many decimals (a millionth of a
 * package): ours. The picture adds and subtracts shares as a warehouse reports; rounded, they add up
 * to the same figure in whichever order they arrive.
 */
export const SHARE_DECIMALS = 6;

/** A region a warehouse area serves, with what its share is weighed by. */
export interface ServedRegion {
  code: string;
  /** The region's expected demand for the package (packages a day). */
  demandPerDay: number;
  /** Inhabitants: the fallback weight when no region served has demand for the package. */
  population: number;
}

/**
 * The fraction of a service area's stock of one package that each region it serves gets: the
 * region's share of the area's demand for that package, demand_r ÷ Σ demand of the regions served.
 * When no region served has demand for the package (a new product, or one sold nowhere in the area)
 * the fractions are the population shares instead (ours: the stock serves the area's inhabitants,
 * and without sales nothing says who needs it more). The fractions add up to 1.
 * @throws AppError('invalid') for no regions, a negative or non-finite demand, or a population ≤ 0.
 */
export function serviceFractions(served: readonly ServedRegion[]): Map<string, number> {
  if (served.length === 0) throw AppError.invalid('a service area serves at least one region');
  for (const r of served) {
    if (!Number.isFinite(r.demandPerDay) || r.demandPerDay < 0) {
      throw AppError.invalid(`region ${r.code}: demand ${r.demandPerDay} a day is not a number >= 0`);
    }
    if (!Number.isFinite(r.population) || r.population <= 0) {
      throw AppError.invalid(`region ${r.code}: population ${r.population} is not a number > 0`);
    }
  }
  const demand = served.reduce((sum, r) => sum + r.demandPerDay, 0);
  const population = served.reduce((sum, r) => sum + r.population, 0);
  return new Map(
    served.map((r) => [r.code, demand > 0 ? r.demandPerDay / demand : r.population / population]),
  );
}

/** Stock of one package at the warehouses of one service area (or one warehouse). */
export interface WholesaleHolding {
  /** Region codes the warehouse delivers to; null: the whole country (the default). */
  serves: readonly string[] | null;
  total: number;
  usable: number;
}

export interface StockFigure {
  total: number;
  usable: number;
}

/**
 * Each region's share of the wholesale stock of one package that serves it. Holdings with the same
 * service area are added first (the picture keeps them together); each area's stock is then split by
 * {@link serviceFractions} over the regions it serves, rounded to {@link SHARE_DECIMALS}, and a
 * region's shares of several areas are added. Regions not served get nothing (no entry).
 *
 * Worked example (test/domain/service-area.spec.ts): the whole country is regions 01 (demand 10 a day)
 * and 12 (20 a day); a warehouse in 01 holding 600 serves both: 01 gets 200, 12 gets 400. A second
 * warehouse holding 90 serves only 12: 12 gets 490 in all.
 * @param regions every region of the country, with the package's demand and the population.
 * @throws AppError('invalid') for a holding serving no region or a region not in `regions`.
 */
export function wholesaleShareByRegion(
  holdings: readonly WholesaleHolding[],
  regions: readonly ServedRegion[],
): Map<string, StockFigure> {
  const byCode = new Map(regions.map((r) => [r.code, r]));
  const byArea = new Map<string, { served: ServedRegion[]; total: number; usable: number }>();
  for (const h of holdings) {
    if (h.serves !== null && h.serves.length === 0) {
      throw AppError.invalid('a warehouse serves at least one region (none listed: the whole country)');
    }
    const codes = h.serves === null ? null : [...new Set(h.serves)].sort();
    const key = codes === null ? 'SE' : codes.join(',');
    let area = byArea.get(key);
    if (!area) {
      const served =
        codes === null
          ? [...regions]
          : codes.map((c) => {
              const r = byCode.get(c);
              if (!r) throw AppError.invalid(`a warehouse serves region ${c}, which is not a region`);
              return r;
            });
      area = { served, total: 0, usable: 0 };
      byArea.set(key, area);
    }
    area.total += h.total;
    area.usable += h.usable;
  }
  const result = new Map<string, StockFigure>();
  for (const area of byArea.values()) {
    for (const [code, fraction] of serviceFractions(area.served)) {
      const share = result.get(code) ?? { total: 0, usable: 0 };
      share.total += roundShare(area.total * fraction);
      share.usable += roundShare(area.usable * fraction);
      result.set(code, share);
    }
  }
  return result;
}

/** Rounds half away from zero to {@link SHARE_DECIMALS}, as PostgreSQL's round(numeric, 6) does. */
export function roundShare(x: number): number {
  const f = 10 ** SHARE_DECIMALS;
  return (Math.sign(x) * Math.round(Math.abs(x) * f)) / f;
}

/** Stock held in an area, by supply tier. */
export interface TierStock extends StockFigure {
  tier: SupplyTier;
}

/**
 * The stock a region's coverage counts: what its locations hold in every tier but wholesale, plus its
 * share of the wholesale stock serving it. The wholesale stock standing in the region is not counted
 * again: it is in the shares of every region its warehouses serve (this one included, when served).
 * The nation counts all its stock: the nation's stock is the nation's.
 */
export function regionalStock(held: readonly TierStock[], wholesaleShare: StockFigure): StockFigure {
  const result = { total: wholesaleShare.total, usable: wholesaleShare.usable };
  for (const t of held) {
    if (t.tier === 'wholesale') continue;
    result.total += t.total;
    result.usable += t.usable;
  }
  return result;
}
