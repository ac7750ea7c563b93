import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { allocate, checkDelivery, type AllocationRecipient } from '../../src/domain/allocation.js';
import { AppError } from '../../src/domain/errors.js';

function r(
  key: string,
  demandPerDay: number,
  stock: number,
  upperBound: number,
  extra: Partial<AllocationRecipient> = {},
): AllocationRecipient {
  return { key, kind: 'region', tier: 1, demandPerDay, stock, upperBound, ...extra };
}

describe('allocate: equal days of coverage within a tier (max-min fairness)', () => {
  it('shares capacity 10 among demands 2, 2.6, 4, 5 as 2, 2.6, 2.7, 2.7 (textbook case, in tenths of a pack)', () => {
    // Equal weights and no stock: the level is the share itself. In tenths: 100 among 20, 26, 40, 50.
    const out = allocate({
      available: 100,
      recipients: [r('a', 1, 0, 20), r('b', 1, 0, 26), r('c', 1, 0, 40), r('d', 1, 0, 50)],
    });
    expect(out.lines.map((l) => l.allocated)).toEqual([20, 26, 27, 27]);
    expect(out.lines.map((l) => l.reason)).toEqual([
      'capped_at_limit',
      'capped_at_limit',
      'raised_to_level',
      'raised_to_level',
    ]);
    expect(out.tiers).toEqual([
      { tier: 1, availableBefore: 100, allocated: 100, levelDays: 27, exhausted: true },
    ]);
    expect(out.left).toBe(0);
  });

  it('weights by demand per day: 12 packs among 1, 2 and 3 a day give 2, 4 and 6 (2 days each)', () => {
    const out = allocate({
      available: 12,
      recipients: [r('a', 1, 0, 100), r('b', 2, 0, 100), r('c', 3, 0, 100)],
    });
    expect(out.lines.map((l) => l.allocated)).toEqual([2, 4, 6]);
    expect(out.lines.map((l) => l.coverageAfterDays)).toEqual([2, 2, 2]);
    expect(out.tiers[0]?.levelDays).toBe(2);
  });

  it('counts stock: raises the lowest coverage first, up to a common 5.5 days, exactly', () => {
    // a: 2/day, 10 in stock (5 days); b: 1/day, none; c: 1/day, 2 in stock (2 days); 10 packs.
    // Level L: b gets L, c gets L − 2, a gets 2L − 10 once L > 5: 4L − 12 = 10, L = 5.5.
    const out = allocate({
      available: 10,
      recipients: [r('a', 2, 10, 100), r('b', 1, 0, 100), r('c', 1, 2, 100)],
    });
    expect(out.lines.map((l) => l.exactShare)).toEqual(['1', '11/2', '7/2']);
    expect(out.tiers[0]?.levelDays).toBe(5.5);
    // Whole packs: floors 1, 5, 3; the one pack left goes to the tie of remainders ½ with the lower
    // coverage before (b, 0 days, before c's 2 days).
    expect(out.lines.map((l) => l.allocated)).toEqual([1, 6, 3]);
    expect(out.lines.map((l) => l.rounding)).toEqual(['exact', 'up', 'down']);
    expect(out.lines.map((l) => l.coverageBeforeDays)).toEqual([5, 0, 2]);
    expect(out.lines.map((l) => l.coverageAfterDays)).toEqual([5.5, 6, 5]);
  });

  it('gives nothing to a recipient whose stock already lasts beyond the level', () => {
    // a has 10 days; b and c reach L = 6 with 10 packs (L + (L − 2) = 10).
    const out = allocate({
      available: 10,
      recipients: [r('a', 2, 20, 100), r('b', 1, 0, 100), r('c', 1, 2, 100)],
    });
    expect(out.lines.map((l) => [l.allocated, l.reason])).toEqual([
      [0, 'above_level'],
      [6, 'raised_to_level'],
      [4, 'raised_to_level'],
    ]);
  });

  it('uses demand per day given as a decimal exactly (0.1 + 0.2 days is not a float problem)', () => {
    // 3 packs among 0.1 and 0.2 a day: level 10 days, shares 1 and 2.
    const out = allocate({ available: 3, recipients: [r('a', 0.1, 0, 9), r('b', 0.2, 0, 9)] });
    expect(out.lines.map((l) => l.exactShare)).toEqual(['1', '2']);
    expect(out.tiers[0]?.levelDays).toBe(10);
  });
});

describe('allocate: tiers, limits and minimums', () => {
  const hospital = (key: string, perDay: number, bound: number): AllocationRecipient =>
    r(key, perDay, 0, bound, { kind: 'hospital_pharmacy', tier: 1 });
  const pharmacy = (key: string, perDay: number, bound: number): AllocationRecipient =>
    r(key, perDay, 0, bound, { kind: 'community_pharmacy', tier: 2 });

  it('serves tier 1 up to its limits before tier 2 shares the rest', () => {
    const out = allocate({
      available: 40,
      recipients: [
        pharmacy('p1', 1, 50),
        hospital('h1', 2, 20),
        pharmacy('p2', 3, 50),
        hospital('h2', 1, 10),
      ],
    });
    expect(out.lines.map((l) => [l.key, l.allocated, l.reason])).toEqual([
      ['p1', 3, 'raised_to_level'],
      ['h1', 20, 'capped_at_limit'],
      ['p2', 7, 'raised_to_level'],
      ['h2', 10, 'capped_at_limit'],
    ]);
    expect(out.tiers).toEqual([
      { tier: 1, availableBefore: 40, allocated: 30, levelDays: null, exhausted: false },
      { tier: 2, availableBefore: 10, allocated: 10, levelDays: 2.5, exhausted: true },
    ]);
  });

  it('leaves tier 2 with nothing when tier 1 takes everything', () => {
    const out = allocate({
      available: 24,
      recipients: [hospital('h1', 2, 20), hospital('h2', 1, 10), pharmacy('p1', 1, 50)],
    });
    expect(out.lines.map((l) => [l.key, l.allocated, l.reason, l.levelDays])).toEqual([
      ['h1', 16, 'raised_to_level', 8],
      ['h2', 8, 'raised_to_level', 8],
      ['p1', 0, 'nothing_left', null],
    ]);
  });

  it('gives a recipient above the level its minimum, and shares the minimums when they take all that is left', () => {
    const above = allocate({
      available: 10,
      recipients: [r('a', 1, 30, 20, { minimum: 2 }), r('b', 1, 0, 20)],
    });
    expect(above.lines.map((l) => [l.allocated, l.reason])).toEqual([
      [2, 'above_level'],
      [8, 'raised_to_level'],
    ]);
    const short = allocate({
      available: 6,
      recipients: [r('a', 1, 0, 20, { minimum: 5 }), r('b', 1, 2, 20, { minimum: 5 })],
    });
    // Minimums 5 + 5 > 6: shared by equal days (a 0 days, b 2 days): a 4, b 2 (level 4 days).
    expect(short.lines.map((l) => [l.allocated, l.reason])).toEqual([
      [4, 'minimum_shared'],
      [2, 'minimum_shared'],
    ]);
  });

  it('gives a recipient without demand only its minimum', () => {
    const out = allocate({
      available: 10,
      recipients: [r('a', 0, 0, 20, { minimum: 1 }), r('b', 1, 0, 20)],
    });
    expect(out.lines.map((l) => [l.allocated, l.reason, l.coverageAfterDays])).toEqual([
      [1, 'no_demand', null],
      [9, 'raised_to_level', 9],
    ]);
    // Found by the generated cases: packs left over never go to a recipient without demand.
    const alone = allocate({ available: 1, recipients: [r('a', 0, 0, 2)] });
    expect([alone.lines[0]?.allocated, alone.lines[0]?.reason, alone.left]).toEqual([0, 'no_demand', 1]);
  });

  it('keeps what nobody can take as left over when every limit is reached', () => {
    const out = allocate({ available: 50, recipients: [r('a', 1, 0, 20), r('b', 1, 0, 10)] });
    expect([out.allocated, out.left]).toEqual([30, 20]);
  });
});

describe('allocate: whole packs', () => {
  it('rounds 10 packs among three equal recipients to 4, 3, 3 (largest remainder, then input order)', () => {
    const out = allocate({
      available: 10,
      recipients: [r('a', 1, 0, 9), r('b', 1, 0, 9), r('c', 1, 0, 9)],
    });
    expect(out.lines.map((l) => l.allocated)).toEqual([4, 3, 3]);
    expect(out.lines.map((l) => l.exactShare)).toEqual(['10/3', '10/3', '10/3']);
  });

  it('never allocates more than available nor beyond a limit, and gives all that recipients with demand can take (generated cases)', () => {
    const recipient = fc.record({
      tier: fc.integer({ min: 1, max: 3 }),
      demandPerDay: fc.integer({ min: 0, max: 400 }).map((x) => x / 10),
      stock: fc.integer({ min: 0, max: 300 }),
      upperBound: fc.integer({ min: 0, max: 200 }),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2000 }),
        fc.array(recipient, { minLength: 1, maxLength: 12 }),
        (available, rs) => {
          const out = allocate({
            available,
            recipients: rs.map((x, i) => r(`r${i}`, x.demandPerDay, x.stock, x.upperBound, { tier: x.tier })),
          });
          const sum = out.lines.reduce((a, l) => a + l.allocated, 0);
          // A recipient without demand takes only its minimum (0 here).
          const room = rs.reduce((a, x) => a + (x.demandPerDay > 0 ? x.upperBound : 0), 0);
          expect(sum).toBe(Math.min(available, room));
          for (const l of out.lines) {
            expect(l.allocated).toBeGreaterThanOrEqual(0);
            expect(l.allocated).toBeLessThanOrEqual(l.upperBound);
            // Max-min: nobody raised to the level ends more than one pack's days above it.
            if (l.reason === 'raised_to_level' && l.levelDays !== null && l.demandPerDay > 0) {
              expect(l.coverageAfterDays ?? 0).toBeLessThanOrEqual(l.levelDays + 1 / l.demandPerDay + 1e-9);
              expect(l.coverageAfterDays ?? 0).toBeGreaterThanOrEqual(
                l.levelDays - 1 / l.demandPerDay - 1e-9,
              );
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('allocate: bad input', () => {
  it('names each bad field and computes nothing', () => {
    let caught: unknown;
    try {
      allocate({
        available: 10.5,
        recipients: [r('a', -1, 0, 5), r('a', 1, 0, 5, { minimum: 6 }), r('c', 1, 0, 2.5, { tier: 0 })],
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(AppError);
    const problems = (caught as AppError).problems.map((p) => `${p.at ?? ''} ${p.field}`);
    expect(problems).toEqual([
      ' available',
      'recipients[0] demandPerDay',
      'recipients[1] key',
      'recipients[1] minimum',
      'recipients[2] tier',
      'recipients[2] upperBound',
    ]);
  });
});

describe('deliveries under the quota', () => {
  const args = (quantity: number, over: Partial<Parameters<typeof checkDelivery>[0]> = {}) => ({
    allocationId: 4,
    status: 'decided' as const,
    unit: 'förp',
    validFrom: '2026-03-02',
    validTo: '2026-05-31',
    recipient: { key: '01', name: 'Region Stockholm', quota: 267, delivered: 200 },
    input: { deliveryId: 'D1', recipientKey: '01', quantity, deliveredOn: '2026-03-05' },
    ...over,
  });

  it('lets a recipient be delivered up to its quota, and not one pack more', () => {
    // 200 of 267 delivered: 67 more is exactly the quota; 68 is one over.
    expect(checkDelivery(args(67))).toEqual({ kind: 'ok' });
    expect(checkDelivery(args(68))).toEqual({
      kind: 'conflict',
      message:
        'recipient Region Stockholm (01): quota 267 förp, already delivered 200 förp; this delivery of 68 förp would make 268, 1 over the quota',
    });
  });

  it('names an unknown recipient and a day outside the validity; refuses everything once withdrawn', () => {
    const v = checkDelivery({
      ...args(1),
      recipient: null,
      input: { deliveryId: 'D1', recipientKey: '99', quantity: 1, deliveredOn: '2026-06-01' },
    });
    expect(v.kind === 'invalid' && v.problems.map((p) => [p.field, p.expected])).toEqual([
      ['recipientKey', 'a recipient of allocation 4 (region code or location id)'],
      ['deliveredOn', "a day within the decision's validity, 2026-03-02 – 2026-05-31"],
    ]);
    expect(checkDelivery(args(1, { status: 'withdrawn' })).kind).toBe('conflict');
    // Valid until further notice: any day from validFrom on.
    expect(
      checkDelivery({ ...args(1), validTo: null, input: { ...args(1).input, deliveredOn: '2027-01-01' } }),
    ).toEqual({ kind: 'ok' });
  });
});
