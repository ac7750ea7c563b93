import { describe, expect, it } from 'vitest';
import { usableBeforeExpiry } from '../../src/domain/coverage.js';
import { EXPIRY_OUTLOOK_MONTHS, expiryOutlook } from '../../src/domain/expiry-outlook.js';

const TODAY = '2026-03-01';
const month = (buckets: ReturnType<typeof expiryOutlook>, from: string) =>
  buckets.find((b) => b.from === from);

describe('expiry outlook (issue 10 item 7): what expires when', () => {
  it('puts 300 expiring on 20 March and 500 without expiry in March and "none": 190 used, 110 unused at 10 a day', () => {
    const buckets = expiryOutlook(
      [
        { quantity: 300, expiry: '2026-03-20' },
        { quantity: 500, expiry: null },
      ],
      10,
      TODAY,
      0,
    );
    expect(buckets).toHaveLength(EXPIRY_OUTLOOK_MONTHS + 3);
    expect(month(buckets, '2026-03-01')).toEqual({
      kind: 'month',
      from: '2026-03-01',
      quantity: 300,
      usedBeforeExpiry: 190,
      expiresUnused: 110,
    });
    expect(buckets.at(-1)).toEqual({
      kind: 'none',
      from: null,
      quantity: 500,
      usedBeforeExpiry: 500,
      expiresUnused: 0,
    });
  });

  it('adds up to the stock and its used parts to usableBeforeExpiry, whatever the lots', () => {
    const lots = [
      { quantity: 40, expiry: '2026-03-05' },
      { quantity: 120, expiry: '2026-03-31' },
      { quantity: 200, expiry: '2026-04-10' },
      { quantity: 70, expiry: '2026-04-10' },
      { quantity: 90, expiry: '2027-02-28' },
      { quantity: 60, expiry: '2027-03-01' },
      { quantity: 10, expiry: null },
      { quantity: -5, expiry: '2026-05-01' },
    ];
    const buckets = expiryOutlook(lots, 6, TODAY, 7);
    const sum = (f: (b: (typeof buckets)[number]) => number) => buckets.reduce((a, b) => a + f(b), 0);
    expect(sum((b) => b.quantity)).toBe(590);
    expect(sum((b) => b.usedBeforeExpiry)).toBeCloseTo(usableBeforeExpiry(lots, 6, TODAY, 7), 9);
    // 2026-03-05 is within 7 days of shelf life: no longer dispensable.
    expect(buckets[0]).toMatchObject({
      kind: 'unusable',
      quantity: 40,
      usedBeforeExpiry: 0,
      expiresUnused: 40,
    });
    // March: 120 dispensable for 23 days at 6 a day = 138 ≥ 120: all used. April: 270 by 3 April
    // (33 days: 198 in all, 78 after March's 120): 192 expire unused.
    expect(month(buckets, '2026-03-01')).toMatchObject({ quantity: 120, usedBeforeExpiry: 120 });
    expect(month(buckets, '2026-04-01')).toMatchObject({
      quantity: 270,
      usedBeforeExpiry: 78,
      expiresUnused: 192,
    });
    expect(month(buckets, '2027-02-01')).toMatchObject({ quantity: 90, expiresUnused: 0 });
    // 2027-03-01 is twelve months on: later.
    expect(buckets.at(-2)).toMatchObject({ kind: 'later', quantity: 60 });
  });

  it('uses nothing without demand: all of it expires unused, but what does not expire', () => {
    const buckets = expiryOutlook(
      [
        { quantity: 50, expiry: '2026-06-15' },
        { quantity: 8, expiry: null },
      ],
      0,
      TODAY,
      0,
    );
    expect(month(buckets, '2026-06-01')).toMatchObject({
      quantity: 50,
      usedBeforeExpiry: 0,
      expiresUnused: 50,
    });
    expect(buckets.at(-1)).toMatchObject({ quantity: 8, usedBeforeExpiry: 0, expiresUnused: 0 });
  });
});
