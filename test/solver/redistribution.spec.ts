import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors.js';
import { HighsSolver } from '../../src/solver/highs.js';
import { planRedistribution } from '../../src/solver/redistribution.js';
import { independentOptimum } from '../support/redistribution-check.js';
import { nationalCase, smallCase } from '../support/redistribution-cases.js';
import { exampleInstance } from '../support/redistribution-example.js';

describe('the redistribution planner on the worked example (docs/redistribution.md)', () => {
  it('raises the lowest coverage to 22 days and moves 34 packs 10 km and 22 packs 50 km', async () => {
    // A gives 3t − 10 (B needs 2t − 10, C needs t) and keeps 100 − (3t − 10) ≥ 2t: t ≤ 22.
    const { plan } = await planRedistribution(exampleInstance());
    expect(plan.lowestCoverageOptimum).toBeCloseTo(22, 6);
    expect(plan.transportOptimum).toBeCloseTo(1440, 4);
    expect(plan.transfers.map((t) => `${t.from}>${t.to} ${t.batch} ${t.quantity}`)).toEqual([
      'A>B A-LÅNG 34',
      'A>C A-LÅNG 22',
    ]);
    expect(plan.unreachable).toEqual(['D']);
  });

  it('leaves a batch with 30 days of shelf life where it is: only 44 packs may move, lowest coverage 18', async () => {
    const { plan } = await planRedistribution(exampleInstance({ shortLived: 56 }));
    expect(plan.lowestCoverageOptimum).toBeCloseTo(18, 6);
    expect(plan.transportOptimum).toBeCloseTo(26 * 10 + 18 * 50, 4);
    expect(plan.transfers.every((t) => t.batch === 'A-LÅNG')).toBe(true);
  });

  it('keeps the donor at its 31-day floor: A keeps 62 packs, lowest coverage 16', async () => {
    const { plan } = await planRedistribution(exampleInstance({ floorDays: 31 }));
    expect(plan.lowestCoverageOptimum).toBeCloseTo(16, 6);
    expect(plan.locations.find((l) => l.id === 'A')!.stockAfter).toBe(62);
    expect(plan.transportOptimum).toBeCloseTo(22 * 10 + 16 * 50, 4);
  });
});

describe('an independent check of the optimum (bisection over max flow, then min-cost flow)', () => {
  const seed = Number(process.env.REDISTRIBUTION_SEED ?? 20261204);
  const cases = 40;
  it(`agrees with HiGHS on ${cases} generated cases from seed ${seed}`, async () => {
    console.log(`redistribution check: seed ${seed}, ${cases} cases (REDISTRIBUTION_SEED to change)`);
    const solver = new HighsSolver();
    try {
      for (let i = 0; i < cases; i++) {
        const instance = smallCase(seed + i);
        const { plan } = await planRedistribution(instance, { solver });
        const expected = independentOptimum({
          transferDate: instance.transferDate,
          minRemainingShelfLifeDays: instance.parameters.minRemainingShelfLifeDays,
          locations: instance.locations.map((l) => ({ ...l, floorDays: l.floorDays ?? 14 })),
          arcs: instance.arcs!,
        });
        const where = `case seed ${seed + i}`;
        if (expected.lowestCoverage === null) {
          expect(plan.lowestCoverageOptimum, where).toBeNull();
        } else {
          expect(Math.abs(plan.lowestCoverageOptimum! - expected.lowestCoverage), where).toBeLessThanOrEqual(
            1e-6 * Math.max(1, expected.lowestCoverage),
          );
        }
        expect(Math.abs(plan.transportOptimum - expected.transport), where).toBeLessThanOrEqual(
          1e-6 * Math.max(1, expected.transport),
        );
        // Whole-unit transfers never break a floor or the shelf-life minimum.
        for (const t of plan.transfers) expect(t.expiry >= '2027-03-07', where).toBe(true);
      }
    } finally {
      await solver.close();
    }
  });
});

describe('the solver in its worker', () => {
  it('answers a clear time-limit error instead of hanging', async () => {
    const started = Date.now();
    const error = await planRedistribution(nationalCase(3, 1500), { timeLimitMs: 1 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).kind).toBe('unavailable');
    expect((error as AppError).message).toBe('the solver did not finish within 0.001 s (time limit)');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('names a model HiGHS cannot read', async () => {
    const solver = new HighsSolver();
    try {
      await expect(solver.solve('Maximize\n obj: t\nSubject To\n c: t <= \nEnd\n', 1000)).rejects.toThrow(
        /the solver could not read the model/,
      );
    } finally {
      await solver.close();
    }
  });
});
