import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors.js';
import {
  allowedKindRules,
  batchMayMove,
  buildArcs,
  buildModel,
  donorCapacity,
  modelToLp,
  pairAllowed,
  parseRedistributionInstance,
  planFromSolution,
  shelfLifeProblems,
} from '../../src/domain/redistribution.js';
import { nationalCase } from '../support/redistribution-cases.js';
import { exampleInstance } from '../support/redistribution-example.js';

describe('the rule table of location kinds (R3)', () => {
  it('allows community↔community, hospital↔community and hospital↔hospital, and not care-unit stores', () => {
    const r3 = allowedKindRules({ careUnitStores: false });
    expect(pairAllowed(r3, 'community_pharmacy', 'community_pharmacy')).toBe(true);
    expect(pairAllowed(r3, 'community_pharmacy', 'hospital_pharmacy')).toBe(true);
    expect(pairAllowed(r3, 'hospital_pharmacy', 'community_pharmacy')).toBe(true);
    expect(pairAllowed(r3, 'hospital_pharmacy', 'hospital_pharmacy')).toBe(true);
    expect(pairAllowed(r3, 'hospital_pharmacy', 'care_unit_store')).toBe(false);
    expect(pairAllowed(r3, 'community_pharmacy', 'care_unit_store')).toBe(false);
    const switched = allowedKindRules({ careUnitStores: true });
    expect(pairAllowed(switched, 'hospital_pharmacy', 'care_unit_store')).toBe(true);
    expect(pairAllowed(switched, 'community_pharmacy', 'care_unit_store')).toBe(false);
  });

  it('refuses a given arc from a community pharmacy to a care-unit store and leaves that store unreachable', () => {
    const instance = exampleInstance();
    const arcSet = buildArcs(instance);
    expect(arcSet.refused).toEqual([
      { from: 'A', to: 'D', reason: 'rule table: community_pharmacy → care_unit_store is not allowed' },
    ]);
    expect(arcSet.arcs.map((a) => `${a.from}>${a.to}`)).toEqual(['A>B', 'A>C']);
    expect(buildModel(instance, arcSet.arcs).unreachable).toEqual(['D']);
  });
});

describe('what a donor may give', () => {
  it('keeps the donor at its floor: 100 packs, 2 a day, floor 31 days gives at most 38', () => {
    const a = exampleInstance({ floorDays: 31 });
    expect(donorCapacity(a.locations[0]!, a)).toBe(38);
  });

  it('never moves a batch with less than the minimum shelf life left at the transfer date', () => {
    // A-KORT expires 2027-01-06: 30 days after the transfer date 2026-12-07, below 90.
    const a = exampleInstance({ shortLived: 56 });
    expect(batchMayMove(a.locations[0]!.stock[0]!, a.transferDate, 90)).toBe(false);
    expect(batchMayMove(a.locations[0]!.stock[0]!, a.transferDate, 30)).toBe(true);
    expect(donorCapacity(a.locations[0]!, a)).toBe(44);
  });
});

describe('the LP text', () => {
  it('writes phase 1 as max t with one coverage row per counted location and one capacity row per donor', () => {
    const instance = exampleInstance();
    const model = buildModel(instance, buildArcs(instance).arcs);
    const lp = modelToLp(model, null);
    expect(lp).toContain('Maximize\n obj: t');
    expect(lp).toContain('cov0:\n - y0 - y1 - 2 t\n >= -100');
    expect(lp).toContain('cov1:\n + y0 - 2 t\n >= -10');
    expect(lp).toContain('cov2:\n + y1 - 1 t\n >= 0');
    expect(lp).toContain('out0:\n + y0 + y1\n <= 80');
    expect(lp).not.toContain('cov3');
  });

  it('writes phase 2 as min transport with coverage at least t*', () => {
    const instance = exampleInstance();
    const model = buildModel(instance, buildArcs(instance).arcs);
    const lp = modelToLp(model, 22);
    expect(lp).toContain('Minimize\nobj:\n + 10 y0 + 50 y1');
    expect(lp).toContain('cov1:\n + y0\n >= 34');
  });
});

describe('the plan from a solution', () => {
  it('fills transfers earliest expiry first among movable batches, at acquisition cost, and shows regional equity', () => {
    const instance = exampleInstance({ shortLived: 20, minRemainingShelfLifeDays: 10 });
    instance.locations[0]!.stock.push({
      package: '123456',
      batch: 'A-MITT',
      expiry: '2027-03-01',
      quantity: 0,
      unitCost: 90,
    });
    const arcSet = buildArcs(instance);
    const model = buildModel(instance, arcSet.arcs);
    const plan = planFromSolution(model, arcSet, { lowestCoverage: 22, transport: 1440 }, [34, 22]);
    expect(plan.transfers).toEqual([
      {
        from: 'A',
        to: 'B',
        package: '123456',
        batch: 'A-KORT',
        expiry: '2027-01-06',
        quantity: 20,
        value: 1600,
        distanceKm: 10,
      },
      {
        from: 'A',
        to: 'B',
        package: '123456',
        batch: 'A-LÅNG',
        expiry: '2027-12-31',
        quantity: 14,
        value: 1120,
        distanceKm: 10,
      },
      {
        from: 'A',
        to: 'C',
        package: '123456',
        batch: 'A-LÅNG',
        expiry: '2027-12-31',
        quantity: 22,
        value: 1760,
        distanceKm: 50,
      },
    ]);
    // Region 01: A+B 110 packs, 4 a day = 27.5 days before; 88 after (A 44 + B 44: 22 days). Region 03: C+D, 0 → 22 packs over 2 a day (11 days; D is unreachable).
    expect(plan.equity.regions).toEqual([
      {
        region: '01',
        stockBefore: 110,
        stockAfter: 88,
        demandPerDay: 4,
        coverageBefore: 27.5,
        coverageAfter: 22,
      },
      { region: '03', stockBefore: 0, stockAfter: 22, demandPerDay: 2, coverageBefore: 0, coverageAfter: 11 },
    ]);
    expect(plan.equity.before).toEqual({ min: 0, max: 27.5, spread: 27.5 });
    expect(plan.equity.after).toEqual({ min: 11, max: 22, spread: 11 });
    expect(plan.lowestCoverageBefore).toBe(0);
    expect(plan.lowestCoverageAfter).toBe(22);
    expect(plan.totals).toEqual({ quantity: 56, value: 4480, transport: 1440 });
  });
});

describe('the sparse arc set built from coordinates', () => {
  it('gives each location at most k donors within the radius, far fewer than all pairs', () => {
    const instance = nationalCase(7, 400);
    const { arcs } = buildArcs(instance);
    const perRecipient = new Map<string, number>();
    for (const a of arcs) perRecipient.set(a.to, (perRecipient.get(a.to) ?? 0) + 1);
    expect(Math.max(...perRecipient.values())).toBeLessThanOrEqual(8);
    expect(arcs.every((a) => a.distanceKm <= 150)).toBe(true);
    expect(arcs.length).toBeLessThanOrEqual(8 * 400);
  });
});

describe('reading an instance', () => {
  it('names the field, the path and what was expected', () => {
    const raw = JSON.parse(JSON.stringify(exampleInstance()));
    raw.locations[1].demandPerDay = -2;
    raw.locations[2].kind = 'wholesaler_warehouse';
    raw.arcs[0].to = 'X';
    raw.parameters.radius = 3;
    let error: unknown;
    try {
      parseRedistributionInstance(raw);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    const problems = (error as AppError).problems.map((p) => `${String(p.at)}: ${p.expected}`);
    expect(problems).toEqual([
      '$.parameters.radius: one of minRemainingShelfLifeDays, nearestDonors, radiusKm, careUnitStores, defaultFloorDays',
      '$.locations[1].demandPerDay: a number ≥ 0',
      '$.locations[2].kind: one of community_pharmacy, hospital_pharmacy, care_unit_store',
      '$.arcs[0].to: the id of a location in $.locations',
    ]);
  });

  it('reads the example in docs/examples and fills missing parameters with the defaults', () => {
    const raw = JSON.parse(JSON.stringify(exampleInstance()));
    delete raw.parameters;
    const instance = parseRedistributionInstance(raw);
    expect(instance.parameters.minRemainingShelfLifeDays).toBe(90);
    expect(instance.locations).toHaveLength(4);
  });
});

describe("the decision's shortened shelf-life requirement (R4)", () => {
  // The plan of 'fills transfers earliest expiry first': line 1 moves A-KORT (expires 2027-01-06), lines
  // 2 and 3 A-LÅNG (2027-12-31); the transfer date is 2026-12-07.
  const transfers = [
    { line: 1, fromCode: 'A', toCode: 'B', batch: 'A-KORT', expiry: '2027-01-06' },
    { line: 2, fromCode: 'A', toCode: 'B', batch: 'A-LÅNG', expiry: '2027-12-31' },
    { line: 3, fromCode: 'A', toCode: 'C', batch: 'A-LÅNG', expiry: '2027-12-31' },
  ];
  const decision = (validFrom: string, min?: number) => ({
    validFrom,
    conditions: min === undefined ? {} : { minRemainingShelfLifeDays: min },
  });

  it('names each line whose batch has fewer days left than the decided minimum', () => {
    // A-KORT: 30 days left on 2026-12-07, below 60; A-LÅNG: 389 days.
    const problems = shelfLifeProblems(decision('2026-12-07', 60), '2026-12-07', transfers);
    expect(problems.map((p) => [p.at, p.field, p.expected])).toEqual([
      [
        1,
        'conditions.minRemainingShelfLifeDays',
        "at most 30 days, the shelf life line 1's batch has left on 2026-12-07",
      ],
    ]);
    expect(problems[0]!.message).toBe(
      'line 1 (A → B, batch A-KORT expiring 2027-01-06) has 30 days of shelf life left on 2026-12-07, below the decided minimum of 60',
    );
  });

  it('holds at exactly the minimum, and with no minimum decided', () => {
    expect(shelfLifeProblems(decision('2026-12-07', 30), '2026-12-07', transfers)).toEqual([]);
    expect(shelfLifeProblems(decision('2026-12-07'), '2026-12-07', transfers)).toEqual([]);
  });

  it("counts from the decision's first day when it is later than the transfer date", () => {
    // From 2026-12-17 A-KORT has 20 days left: below 30.
    expect(shelfLifeProblems(decision('2026-12-17', 30), '2026-12-07', transfers).map((p) => p.at)).toEqual([
      1,
    ]);
  });
});
