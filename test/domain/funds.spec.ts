import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REGIONS } from '../../data/sweden.js';
import { AppError } from '../../src/domain/errors.js';
import { allocateLargestRemainder, fundStatus, fundUseProblems } from '../../src/domain/funds.js';

/** R2 (seed 003): the regions' funds in whole kronor by largest remainder, and what is due to be repaid. */

const amounts = (shares: { key: string; amount: number }[]) =>
  Object.fromEntries(shares.map((s) => [s.key, s.amount]));

describe('allocateLargestRemainder (R2: whole kronor adding up exactly)', () => {
  it('gives each party its quota rounded down, and the kronor left to the largest remainders', () => {
    // 1,000 kr by 5 : 3 : 2 → quotas 500, 300, 200 exactly: nothing left over.
    expect(
      amounts(
        allocateLargestRemainder(1_000, [
          { key: 'A', weight: 5 },
          { key: 'B', weight: 3 },
          { key: 'C', weight: 2 },
        ]),
      ),
    ).toEqual({ A: 500, B: 300, C: 200 });
    // 10 kr by 1 : 1 : 1 : 4 (of 7): quotas 1.4286, 1.4286, 1.4286, 5.7143 → floors 1, 1, 1, 5 (8);
    // 2 kr left: D's remainder .7143 first, then the three .4286 tie: equal weights, key order → A.
    expect(
      amounts(
        allocateLargestRemainder(10, [
          { key: 'B', weight: 1 },
          { key: 'A', weight: 1 },
          { key: 'C', weight: 1 },
          { key: 'D', weight: 4 },
        ]),
      ),
    ).toEqual({ A: 2, B: 1, C: 1, D: 6 });
  });

  it('breaks a tie of remainders by the larger weight first, then by key', () => {
    // 2 kr by A 1 : B 3 (of 4): quotas 0.5 and 1.5 → floors 0 and 1; 1 kr left, remainders ½ and ½:
    // the larger weight (B) gets it.
    expect(
      amounts(
        allocateLargestRemainder(2, [
          { key: 'A', weight: 1 },
          { key: 'B', weight: 3 },
        ]),
      ),
    ).toEqual({ A: 0, B: 2 });
    // 1 kr by C 1 : A 1 : B 1: remainders ⅓ each, weights equal → the first key (A), whatever the order given.
    expect(
      amounts(
        allocateLargestRemainder(1, [
          { key: 'C', weight: 1 },
          { key: 'A', weight: 1 },
          { key: 'B', weight: 1 },
        ]),
      ),
    ).toEqual({ A: 1, B: 0, C: 0 });
  });

  it('splits 2024’s 100,000,000 kr to the 21 regions by the population of August 2023, to the krona', () => {
    const shares = allocateLargestRemainder(
      100_000_000,
      REGIONS.map((r) => ({ key: r.code, weight: r.population })),
    );
    expect(shares).toHaveLength(21);
    expect(shares.reduce((a, s) => a + s.amount, 0)).toBe(100_000_000);
    const by = amounts(shares);
    // 10,517,300 inhabitants in all. Stockholm 2,452,000: quota 23,313,968.41 → 23,313,968 (remainder .41
    // is below the cut). Halland 343,700: 3,267,948.998 → 3,267,949 (up). Gotland 61,100: 580,947.58 →
    // 580,948 (up: the 12 largest remainders, .58 and above, get a krona each; Jönköping's .56 does not).
    expect(REGIONS.reduce((a, r) => a + r.population, 0)).toBe(10_517_300);
    expect(by['01']).toBe(23_313_968);
    expect(by['13']).toBe(3_267_949);
    expect(by['09']).toBe(580_948);
    expect(by['06']).toBe(3_490_439);
  });

  it('always adds up to the total, each share within a krona of its exact quota', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000_000 }),
        fc.array(fc.integer({ min: 0, max: 3_000_000 }), { minLength: 1, maxLength: 25 }),
        (total, weights) => {
          fc.pre(weights.some((w) => w > 0));
          const sum = weights.reduce((a, w) => a + w, 0);
          const shares = allocateLargestRemainder(
            total,
            weights.map((w, i) => ({ key: String(i).padStart(2, '0'), weight: w })),
          );
          expect(shares.reduce((a, s) => a + s.amount, 0)).toBe(total);
          for (const s of shares) {
            const quota = (total * s.weight) / sum;
            expect(s.amount).toBeGreaterThanOrEqual(Math.floor(quota) - 1e-9);
            expect(s.amount).toBeLessThanOrEqual(Math.floor(quota) + 1);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses a total that is not whole kronor, a negative weight, a key twice, or weights all 0', () => {
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as AppError;
      }
      throw new Error('no error');
    };
    expect(err(() => allocateLargestRemainder(10.5, [{ key: 'A', weight: 1 }])).problems[0]?.field).toBe(
      'total',
    );
    expect(err(() => allocateLargestRemainder(10, [{ key: 'A', weight: -1 }])).problems[0]?.message).toBe(
      'A: weight -1 is not a whole number of 0 or more',
    );
    expect(
      err(() =>
        allocateLargestRemainder(10, [
          { key: 'A', weight: 1 },
          { key: 'A', weight: 2 },
        ]),
      ).problems[0]?.message,
    ).toBe('A is given twice');
    expect(err(() => allocateLargestRemainder(10, [{ key: 'A', weight: 0 }])).kind).toBe('invalid');
  });
});

describe('fundStatus (R2: unused funds are repaid by the agreement’s day)', () => {
  const a2024 = { usableTo: '2025-12-31', repayBy: '2026-03-31' };
  const uses = [
    { amountSek: 300_000, usedOn: '2024-05-02' },
    { amountSek: 450_000, usedOn: '2025-02-10' },
  ];

  it('is open during the usable period, to be repaid after it, overdue after the repayment day', () => {
    expect(fundStatus(a2024, 1_000_000, uses, '2025-06-01')).toEqual({
      allocatedSek: 1_000_000,
      usedSek: 750_000,
      unusedSek: 250_000,
      dueToRepaySek: 250_000,
      repayBy: '2026-03-31',
      state: 'open',
    });
    expect(fundStatus(a2024, 1_000_000, uses, '2026-02-01').state).toBe('to_repay');
    expect(fundStatus(a2024, 1_000_000, uses, '2026-03-31').state).toBe('to_repay');
    expect(fundStatus(a2024, 1_000_000, uses, '2026-04-01').state).toBe('overdue');
  });

  it('owes nothing when everything is used', () => {
    const s = fundStatus(a2024, 750_000, uses, '2026-04-01');
    expect(s).toMatchObject({ usedSek: 750_000, dueToRepaySek: 0, state: 'settled' });
  });
});

describe('fundUseProblems (what a region may record)', () => {
  const a = { code: '2024', usableFrom: '2024-01-01', usableTo: '2025-12-31' };

  it('accepts whole kronor within what is unused, in the usable period, with a purpose', () => {
    expect(
      fundUseProblems(a, 500_000, { amountSek: 500_000, usedOn: '2025-12-31', purpose: 'Utökat lager' }),
    ).toEqual([]);
  });

  it('names each field that is wrong and what was expected', () => {
    const problems = fundUseProblems(a, 100_000, { amountSek: 100_001, usedOn: '2026-01-01', purpose: '  ' });
    expect(problems.map((p) => [p.field, p.expected])).toEqual([
      ['amountSek', 'at most 100000 (unused of agreement 2024)'],
      ['usedOn', 'a day from 2024-01-01 to 2025-12-31'],
      ['purpose', 'what the funds were used for, 1–500 characters'],
    ]);
    expect(fundUseProblems(a, 100, { amountSek: 0, usedOn: '2024-06-01', purpose: 'x' })[0]?.message).toBe(
      'amount 0 is not whole kronor above 0',
    );
  });
});
