import { describe, expect, it } from 'vitest';
import {
  checkObligationParameters,
  compareScenarios,
  defaultCutoff,
  exemptReasonOf,
  obligationLine,
  obligationParameters,
  obligationTotals,
  obligationVolume,
  revisionTest,
  rollingYearBefore,
  type ObligationBasis,
} from '../../src/domain/obligation.js';

const basis = (over: Partial<ObligationBasis> = {}): ObligationBasis => ({
  companyId: 1,
  packageId: 10,
  basisUnits: 1_000,
  parallelTraded: false,
  licence: false,
  sellerOnCutoff: true,
  priceSek: 120,
  ...over,
});

describe('R1 obligation volume', () => {
  it('is months × 12 months of sales ÷ 12: 3 months of 1,200 a year is 300, 6 months 600', () => {
    expect(obligationVolume(1_200, 3)).toBe(300);
    expect(obligationVolume(1_200, 6)).toBe(600);
  });

  it('rounds up to whole packages so that the stock covers at least the months: 1,001 a year at 3 months is 250.25, held as 251', () => {
    expect(obligationVolume(1_001, 3)).toBe(251);
    expect(obligationVolume(1_000, 3)).toBe(250);
    // A basis of sevenths (weekly rows spread over days) does not gain a package from float noise.
    expect(obligationVolume((7 * 100) / 7 + 1_100, 3)).toBe(300);
    expect(obligationVolume(0, 3)).toBe(0);
    expect(obligationVolume(1, 3)).toBe(1);
  });

  it('exempts parallel-traded and licence packages with the reason, volume 0', () => {
    expect(obligationLine(basis({ parallelTraded: true }), 3)).toMatchObject({
      volume: 0,
      exemptReason: 'parallel_traded',
      basisUnits: 1_000,
    });
    expect(obligationLine(basis({ licence: true }), 3)).toMatchObject({ volume: 0, exemptReason: 'licence' });
    expect(exemptReasonOf({ parallelTraded: true, licence: true })).toBe('parallel_traded');
    expect(obligationLine(basis(), 3)).toMatchObject({ volume: 250, exemptReason: null });
  });
});

describe('R1 basis period and parameters', () => {
  it('fixes year 2027 from the 12 months before 1 October 2026 by default', () => {
    expect(defaultCutoff(2027)).toBe('2026-10-01');
    expect(rollingYearBefore('2026-10-01')).toEqual({ from: '2025-10-01', to: '2026-09-30' });
    expect(obligationParameters({ year: 2027 })).toEqual({
      year: 2027,
      months: 3,
      revisionThreshold: 0.25,
      cutoff: '2026-10-01',
    });
  });

  it('refuses a cut-off inside the year and months outside (0, 24], naming each field', () => {
    expect(() =>
      checkObligationParameters(obligationParameters({ year: 2027, cutoff: '2027-03-01' })),
    ).toThrow(/cutoff: expected a date from 2026-01-01 to 2027-01-01/);
    try {
      checkObligationParameters({ year: 2027, months: 30, revisionThreshold: 0, cutoff: '2026-10-01' });
      expect.unreachable();
    } catch (e) {
      expect((e as { problems: { field: string }[] }).problems.map((p) => p.field)).toEqual([
        'months',
        'revisionThreshold',
      ]);
    }
  });
});

describe('R1 revision at ±25 %', () => {
  const line = { basisUnits: 1_000, exemptReason: null };

  it('revises when rolling sales rose by at least 25 %: 1,250 against 1,000 is +25 %, 3 months → 313', () => {
    expect(revisionTest(line, 1_250, 3, 0.25)).toEqual({ change: 0.25, due: true, newVolume: 313 });
  });

  it('revises a fall of 25 % (750 → 188) but not of 24 % (760)', () => {
    expect(revisionTest(line, 750, 3, 0.25)).toEqual({ change: -0.25, due: true, newVolume: 188 });
    expect(revisionTest(line, 760, 3, 0.25)).toMatchObject({ due: false });
    expect(revisionTest(line, 1_249, 3, 0.25)).toMatchObject({ due: false });
  });

  it('revises a basis of 0 as soon as anything sells; never an exempt line', () => {
    expect(revisionTest({ basisUnits: 0, exemptReason: null }, 40, 3, 0.25)).toEqual({
      change: null,
      due: true,
      newVolume: 10,
    });
    expect(revisionTest({ basisUnits: 0, exemptReason: null }, 0, 3, 0.25)).toMatchObject({ due: false });
    expect(revisionTest({ basisUnits: 1_000, exemptReason: 'licence' }, 5_000, 3, 0.25)).toMatchObject({
      due: false,
    });
  });
});

describe('What-if (item 2)', () => {
  it('sets 3 and 6 months side by side: volume and value per company and nationally', () => {
    const bases = [
      basis({ companyId: 1, packageId: 10, basisUnits: 1_200, priceSek: 100 }),
      basis({ companyId: 1, packageId: 11, basisUnits: 400, priceSek: 250.5 }),
      basis({ companyId: 2, packageId: 20, basisUnits: 2_000, priceSek: null }),
      basis({ companyId: 2, packageId: 21, basisUnits: 900, parallelTraded: true, priceSek: 80 }),
    ];
    const three = bases.map((b) => obligationLine(b, 3));
    const six = bases.map((b) => obligationLine(b, 6));
    const { companies, national } = compareScenarios([three, six]);
    // Company 1: 300 × 100 + 100 × 250.50 = 55,050 SEK at 3 months; 600 × 100 + 200 × 250.50 = 110,100 at 6.
    expect(companies[0]).toMatchObject({
      companyId: 1,
      scenarios: [
        { volume: 400, valueSek: 55_050, obligatedLines: 2 },
        { volume: 800, valueSek: 110_100, obligatedLines: 2 },
      ],
    });
    // Company 2: 500 packages without a price (counted in volume, named as unpriced), one exempt line.
    expect(companies[1]).toMatchObject({
      companyId: 2,
      scenarios: [
        { volume: 500, valueSek: 0, unpricedLines: 1, exemptLines: 1 },
        { volume: 1_000, valueSek: 0, unpricedLines: 1, exemptLines: 1 },
      ],
    });
    expect(national.map((t) => [t.volume, t.valueSek])).toEqual([
      [900, 55_050],
      [1_800, 110_100],
    ]);
    expect(obligationTotals([])).toMatchObject({ lines: 0, volume: 0, valueSek: 0 });
  });
});
