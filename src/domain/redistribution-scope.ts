import { MIN_LOCATIONS_FOR_AGGREGATE, maySeeArea, seesEverything, type Principal } from './access.js';
import { spreadOf, type Equity, type LocationOutcome, type RedistributionPlan } from './redistribution.js';

/*
 * What an organisation concerned by a decided redistribution plan may read of it besides its own
 * transfers (issue 13 item 5; the picture's scope, src/domain/access.ts pictureScopeOf). Authorities
 * and Nationellt CT read everything. Others:
 * - equity per region only where they see regional aggregates at all (a region or a company: yes; a
 *   pharmacy operator, wholesaler or municipality: no), and only for a region where the plan's other
 *   locations (those not the caller's own) are none or at least MIN_LOCATIONS_FOR_AGGREGATE: with one
 *   or two others, the caller could subtract its own stock from the region's and read a competitor's
 *   (ours: stricter than the picture's small-cell rule, which counts every location); the spread is
 *   over the regions shown;
 * - no lowest coverage: it is one location's figure, perhaps another organisation's;
 * - of the unreachable locations and refused arcs, only those that name one of its own locations.
 */

export interface PlanParts {
  equity: Equity;
  lowestCoverageBefore: number | null;
  lowestCoverageAfter: number | null;
  lowestCoverageOptimum: number | null;
  unreachable: string[];
  refusedArcs: RedistributionPlan['refusedArcs'];
}

export function planPartsSeenBy(
  p: Pick<Principal, 'organisationKind' | 'organisationId'>,
  plan: PlanParts & { locations: readonly LocationOutcome[] },
  /** The codes of the caller's own locations. */
  ownCodes: ReadonlySet<string>,
): PlanParts {
  const { locations, ...parts } = plan;
  if (seesEverything(p)) return parts;
  const others = new Map<string, number>();
  for (const l of locations) if (!ownCodes.has(l.id)) others.set(l.region, (others.get(l.region) ?? 0) + 1);
  const regions = plan.equity.regions.filter((r) => {
    const n = others.get(r.region) ?? 0;
    return maySeeArea(p, r.region) && (n === 0 || n >= MIN_LOCATIONS_FOR_AGGREGATE);
  });
  return {
    equity: {
      regions,
      before: spreadOf(regions.map((r) => r.coverageBefore)),
      after: spreadOf(regions.map((r) => r.coverageAfter)),
    },
    lowestCoverageBefore: null,
    lowestCoverageAfter: null,
    lowestCoverageOptimum: null,
    unreachable: plan.unreachable.filter((code) => ownCodes.has(code)),
    refusedArcs: plan.refusedArcs.filter((a) => ownCodes.has(a.from) || ownCodes.has(a.to)),
  };
}
