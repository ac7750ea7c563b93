import { describe, expect, it } from 'vitest';
import { planPartsSeenBy } from '../../src/domain/redistribution-scope.js';
import { equityOf, type LocationOutcome } from '../../src/domain/redistribution.js';

/*
 * What an organisation concerned by a decided plan reads of it besides its own transfers
 * (src/domain/redistribution-scope.ts). Worked plan: region 01 holds the caller's A and B and three
 * other pharmacies C, D, E; region 03 one other, F; region 05 only the caller's G.
 */
const loc = (id: string, region: string, before: number, after: number): LocationOutcome => ({
  id,
  region,
  kind: 'community_pharmacy',
  stockBefore: before,
  stockAfter: after,
  coverageBefore: null,
  coverageAfter: null,
});
const locations = [
  loc('A', '01', 100, 60),
  loc('B', '01', 0, 20),
  loc('C', '01', 10, 10),
  loc('D', '01', 10, 10),
  loc('E', '01', 10, 10),
  loc('F', '03', 0, 20),
  loc('G', '05', 30, 30),
];
const demand = new Map(locations.map((l) => [l.id, 1] as const));
// Region 01: 130 units over 5 a day = 26 days before, 110 / 5 = 22 after; 03: 0 → 20; 05: 30 → 30.
const plan = {
  equity: equityOf(locations, demand),
  locations,
  lowestCoverageBefore: 0,
  lowestCoverageAfter: 10,
  lowestCoverageOptimum: 10,
  unreachable: ['G', 'X'],
  refusedArcs: [
    { from: 'A', to: 'F', reason: 'kinds' },
    { from: 'C', to: 'F', reason: 'kinds' },
  ],
};
const own = new Set(['A', 'B', 'G']);

describe('a decided plan as its organisations may read it', () => {
  it('gives authorities everything', () => {
    const seen = planPartsSeenBy({ organisationKind: 'authority', organisationId: 1 }, plan, own);
    expect(seen.equity.regions.map((r) => r.region)).toEqual(['01', '03', '05']);
    expect(seen.equity.after).toEqual({ min: 20, max: 30, spread: 10 });
    expect(seen.lowestCoverageAfter).toBe(10);
    expect(seen.refusedArcs).toHaveLength(2);
  });

  it('gives a region the regions it cannot subtract its way into, with their spread', () => {
    const seen = planPartsSeenBy({ organisationKind: 'region', organisationId: 9 }, plan, own);
    // 01: three others (C, D, E) → shown; 03: one other (F) → hidden; 05: only its own → shown.
    expect(seen.equity.regions.map((r) => [r.region, r.coverageBefore, r.coverageAfter])).toEqual([
      ['01', 26, 22],
      ['05', 30, 30],
    ]);
    expect(seen.equity.before).toEqual({ min: 26, max: 30, spread: 4 });
    expect(seen.equity.after).toEqual({ min: 22, max: 30, spread: 8 });
    expect(seen).toMatchObject({
      lowestCoverageBefore: null,
      lowestCoverageAfter: null,
      lowestCoverageOptimum: null,
    });
    expect(seen.unreachable).toEqual(['G']);
    expect(seen.refusedArcs).toEqual([{ from: 'A', to: 'F', reason: 'kinds' }]);
  });

  it('gives a pharmacy operator no region at all (no regional aggregates in its picture)', () => {
    const seen = planPartsSeenBy({ organisationKind: 'pharmacy_operator', organisationId: 9 }, plan, own);
    expect(seen.equity.regions).toEqual([]);
    expect(seen.equity.after).toEqual({ min: null, max: null, spread: null });
  });

  it('hides a region where one other organisation would be left after subtraction', () => {
    // Without D and E, region 01's others are C alone: 01 is hidden from the region persona too.
    const few = locations.filter((l) => l.id !== 'D' && l.id !== 'E');
    const seen = planPartsSeenBy(
      { organisationKind: 'region', organisationId: 9 },
      { ...plan, locations: few, equity: equityOf(few, demand) },
      own,
    );
    expect(seen.equity.regions.map((r) => r.region)).toEqual(['05']);
  });
});
