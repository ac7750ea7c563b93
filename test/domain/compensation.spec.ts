import { describe, expect, it } from 'vitest';
import {
  checkCompensationDecision,
  checkCompensationModel,
  computeCompensation,
  DEFAULT_COMPENSATION_MODEL,
  modelInForce,
  type CompensationMonth,
} from '../../src/domain/compensation.js';

const months = (
  packageId: number,
  priceSek: number | null,
  volumeOf: (m: number) => number,
): CompensationMonth[] =>
  Array.from({ length: 12 }, (_, i) => ({ packageId, month: i + 1, volume: volumeOf(i + 1), priceSek }));

describe('R1 compensation: capital cost at reference rate + margin plus storage per pack and month', () => {
  it('computes the worked example of docs/obligations.md to the krona', () => {
    // Model 1: reference rate 2 %, margin 2 pp (Finland's "+2 percentage points"), storage 0.50 SEK.
    // A: 900 packs at 120 SEK in Jan–Feb, 300 (a dispensation) Mar–Dec.
    //    capital (900·120·2 + 300·120·10) · 4 % / 12 = 576,000 · 0.04 / 12 = 1,920; storage 4,800 · 0.5 = 2,400.
    // B: 50 packs at 1,999.50 SEK all year: capital 50·1,999.5·12 · 0.04 / 12 = 3,999; storage 600 · 0.5 = 300.
    const result = computeCompensation(DEFAULT_COMPENSATION_MODEL, [
      ...months(1, 120, (m) => (m <= 2 ? 900 : 300)),
      ...months(2, 1999.5, () => 50),
    ]);
    expect(result.lines).toEqual([
      expect.objectContaining({
        packageId: 1,
        packMonths: 4800,
        valueMonths: 576_000,
        capitalCostSek: 1920,
        storageCostSek: 2400,
        amountSek: 4320,
      }),
      expect.objectContaining({
        packageId: 2,
        packMonths: 600,
        valueMonths: 1_199_700,
        capitalCostSek: 3999,
        storageCostSek: 300,
        amountSek: 4299,
      }),
    ]);
    expect(result).toMatchObject({
      modelVersion: 1,
      capitalCostSek: 5919,
      storageCostSek: 2700,
      amountSek: 8619,
    });
  });

  it('rounds each line half up to whole kronor, and the lines add up to the total', () => {
    // 1 pack at 10 SEK for one month: capital 10 · 4 % / 12 = 0.0333 -> 0; storage 0.5 -> 1 (half up).
    const result = computeCompensation(DEFAULT_COMPENSATION_MODEL, [
      { packageId: 3, month: 1, volume: 1, priceSek: 10 },
    ]);
    expect(result.lines[0]).toMatchObject({ capitalCostSek: 0, storageCostSek: 1, amountSek: 1 });
    expect(result.amountSek).toBe(result.lines.reduce((s, l) => s + l.amountSek, 0));
  });

  it('flags a package without a price and pays only its storage', () => {
    const result = computeCompensation(
      DEFAULT_COMPENSATION_MODEL,
      months(4, null, () => 100),
    );
    expect(result.lines[0]).toMatchObject({ priceMissing: true, capitalCostSek: 0, storageCostSek: 600 });
  });

  it('a new model version gives a new amount for the same stock (past decisions keep theirs: store spec)', () => {
    const v2 = {
      ...DEFAULT_COMPENSATION_MODEL,
      version: 2,
      validFrom: '2027-01-01',
      referenceRatePercent: 3,
    };
    // B under v2: 1,199,700 · 5 % / 12 = 4,998.75 -> 4,999; storage 300.
    expect(
      computeCompensation(
        v2,
        months(2, 1999.5, () => 50),
      ).amountSek,
    ).toBe(5299);
    expect(modelInForce([DEFAULT_COMPENSATION_MODEL, v2], '2026-12-31')?.version).toBe(1);
    expect(modelInForce([DEFAULT_COMPENSATION_MODEL, v2], '2027-01-01')?.version).toBe(2);
    expect(modelInForce([v2], '2026-06-01')).toBeUndefined();
  });
});

describe('compensation models and decisions are checked field by field', () => {
  it('refuses a model with a rate out of bounds, a bad day and no note', () => {
    const problems = checkCompensationModel({
      validFrom: '2027-13-01',
      referenceRatePercent: 2,
      marginPercentagePoints: -1,
      storageSekPerUnitMonth: 0.5,
      note: '',
    });
    expect(problems.map((p) => [p.field, p.expected])).toEqual([
      ['validFrom', 'a day YYYY-MM-DD'],
      ['marginPercentagePoints', 'a number from 0 to 100'],
      ['note', 'what changed and why'],
    ]);
  });

  it('approves the computed amount, adjusts to another, denies to 0, always with a reason', () => {
    expect(checkCompensationDecision({ outcome: 'approve', reason: 'Enligt modell' }, 8619)).toEqual({
      problems: [],
      decidedSek: 8619,
    });
    expect(
      checkCompensationDecision({ outcome: 'adjust', reason: 'Lager ej styrkt', amountSek: 6000 }, 8619),
    ).toEqual({
      problems: [],
      decidedSek: 6000,
    });
    expect(checkCompensationDecision({ outcome: 'deny', reason: 'Ej i lager' }, 8619).decidedSek).toBe(0);
    const bad = checkCompensationDecision({ outcome: 'adjust', reason: ' ', amountSek: 8619 }, 8619);
    expect(bad.problems.map((p) => p.field)).toEqual(['reason', 'amountSek']);
    expect(
      checkCompensationDecision({ outcome: 'adjust', reason: 'x', amountSek: 1.5 }, 8619).problems[0],
    ).toMatchObject({
      field: 'amountSek',
      expected: 'a whole number of kronor, 0 or more',
    });
  });
});
