import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors.js';
import {
  alternativeRelation,
  assessRisk,
  classifyCoverage,
  matchesListItem,
  type AlternativeCandidate,
  type ListItemRef,
  type NoticeRef,
  type RiskInput,
} from '../../src/domain/risk.js';

const TODAY = '2026-11-23';

const AMOXICILLIN_500 = { atcCode: 'J01CA04', substance: 'Amoxicillin', strength: '500 mg', form: 'Tablett' };
const LIST: ListItemRef[] = [
  { listCode: 'sos-prioritised', position: 1, atcCode: 'J01CA04', substance: 'amoxicillin', form: null },
  {
    listCode: 'sos-prioritised',
    position: 2,
    atcCode: 'C01CA03',
    substance: 'noradrenalin',
    form: 'injektionsvätska',
  },
];

/** A package of 20 tablets with `stock` packs without expiry (or the lots given), nobody using it. */
function candidate(over: Partial<AlternativeCandidate> & { stock?: number }): AlternativeCandidate {
  const { stock = 0, ...rest } = over;
  return {
    ...AMOXICILLIN_500,
    ref: 'alt',
    unitSize: 20,
    demandPerDay: 0,
    usableStock: stock,
    lots: [{ quantity: stock, expiry: null }],
    ...rest,
  };
}

/** Amoxicillin 500 mg, packs of 20: 70 packs at 10 a day = 7 days, on the list, no notices, no alternatives. */
function input(over: Partial<RiskInput> = {}): RiskInput {
  return {
    today: TODAY,
    item: { ...AMOXICILLIN_500, ref: 'pkg-1', unitSize: 20 },
    demandPerDay: 10,
    coverageDays: 7,
    prioritisedList: LIST,
    notices: [],
    alternatives: [],
    ...over,
  };
}

describe('classifyCoverage', () => {
  it('classes by the default thresholds: critical below 14 days, low below 30 (R2: one month)', () => {
    expect(classifyCoverage(0)).toBe('critical');
    expect(classifyCoverage(13.9)).toBe('critical');
    expect(classifyCoverage(14)).toBe('low');
    expect(classifyCoverage(29.9)).toBe('low');
    expect(classifyCoverage(30)).toBe('adequate');
    expect(classifyCoverage(null)).toBe('no_demand');
  });

  it('lets a coverage a rounding error below a threshold reach it, as SQL does', () => {
    // 14 days of 1/3 a day, drawn from a lot cut at day 14: (1/3 x 14) / (1/3) = 13.999999999999998
    // in floating point, exactly 14 in the database's numeric arithmetic.
    const days = ((1 / 3) * 14) / (1 / 3);
    expect(days).toBeLessThan(14);
    expect(classifyCoverage(days)).toBe('low');
    expect(classifyCoverage((1.1 * 30) / 1.1)).toBe('adequate');
    expect(classifyCoverage(13.999999)).toBe('critical');
  });

  it('takes configured thresholds', () => {
    expect(classifyCoverage(10, { criticalBelowDays: 7, lowBelowDays: 21 })).toBe('low');
    expect(classifyCoverage(25, { criticalBelowDays: 7, lowBelowDays: 21 })).toBe('adequate');
  });

  it('refuses a critical threshold above the low one', () => {
    expect(() => classifyCoverage(10, { criticalBelowDays: 30, lowBelowDays: 14 })).toThrow(AppError);
  });
});

describe('matchesListItem', () => {
  const amoxicillin = LIST[0]!;
  const noradrenaline = LIST[1]!;

  it('matches by ATC code and substance, ignoring case, when the entry names no form', () => {
    expect(matchesListItem(AMOXICILLIN_500, amoxicillin)).toBe(true);
    expect(matchesListItem({ ...AMOXICILLIN_500, form: 'Pulver till oral suspension' }, amoxicillin)).toBe(
      true,
    );
    expect(matchesListItem({ ...AMOXICILLIN_500, substance: 'Pivmecillinam' }, amoxicillin)).toBe(false);
    expect(matchesListItem({ ...AMOXICILLIN_500, atcCode: 'J01CR02' }, amoxicillin)).toBe(false);
  });

  it('lets an entry at ATC level 4 cover its level-5 codes', () => {
    expect(matchesListItem(AMOXICILLIN_500, { ...amoxicillin, atcCode: 'J01CA' })).toBe(true);
  });

  it('requires the form when the entry names one, allowing a qualified variant', () => {
    const product = { atcCode: 'C01CA03', substance: 'Noradrenalin', form: 'Injektionsvätska, lösning' };
    expect(matchesListItem(product, noradrenaline)).toBe(true);
    expect(
      matchesListItem({ ...product, form: 'koncentrat till infusionsvätska, lösning' }, noradrenaline),
    ).toBe(false);
  });
});

describe('alternativeRelation', () => {
  it('ranks the same group, an alternative an authority recorded, the same substance, the same ATC level 4', () => {
    expect(alternativeRelation(AMOXICILLIN_500, { ...AMOXICILLIN_500, strength: '500mg' })).toBe(
      'same_group',
    );
    expect(alternativeRelation(AMOXICILLIN_500, { ...AMOXICILLIN_500, strength: '750 mg' }, true)).toBe(
      'recorded',
    );
    expect(alternativeRelation(AMOXICILLIN_500, { ...AMOXICILLIN_500, strength: '750 mg' })).toBe(
      'same_substance',
    );
    expect(
      alternativeRelation(AMOXICILLIN_500, {
        ...AMOXICILLIN_500,
        substance: 'Pivmecillinam',
        atcCode: 'J01CA08',
      }),
    ).toBe('same_atc4');
    expect(
      alternativeRelation(AMOXICILLIN_500, {
        ...AMOXICILLIN_500,
        substance: 'Ciprofloxacin',
        atcCode: 'J01MA02',
      }),
    ).toBe(null);
  });
});

describe('assessRisk: R4 possible critical shortage (a signal, not the authority’s designation)', () => {
  it('signals a prioritised product with critical coverage and no interchangeable alternative', () => {
    const r = assessRisk(input());
    expect(r.riskClass).toBe('critical');
    expect(r.flags).toEqual({ prioritised: true, activeNotice: false, possibleCriticalShortage: true });
    expect(r.reasons).toEqual([
      { code: 'coverage', riskClass: 'critical', coverageDays: 7, criticalBelowDays: 14, lowBelowDays: 30 },
      {
        code: 'prioritised',
        listCode: 'sos-prioritised',
        position: 1,
        atcCode: 'J01CA04',
        substance: 'amoxicillin',
        form: null,
      },
      { code: 'no_interchangeable_alternative', candidatesChecked: 0 },
    ]);
  });

  it('clears it when a package of the same group covers both demands for the critical threshold', () => {
    // The other package: 300 packs, 5 a day of its own. Both: 10 + 5 = 15 a day; 15 x 14 = 210 <= 300.
    const alt = candidate({ ref: 'pkg-2', strength: '500mg', stock: 300, demandPerDay: 5 });
    const r = assessRisk(input({ alternatives: [alt] }));
    expect(r.flags.possibleCriticalShortage).toBe(false);
    expect(r.reasons).toContainEqual({
      code: 'alternative_available',
      ref: 'pkg-2',
      relation: 'same_group',
      usableStock: 300,
      combinedDemandPerDay: 15,
      coverageDays: 20,
    });
  });

  it('keeps it when the interchangeable package covers itself but not both', () => {
    // 150 packs at 5 a day last it 30 days, but at 15 a day 10 days < 14.
    const alt = candidate({ ref: 'pkg-2', stock: 150, demandPerDay: 5 });
    const r = assessRisk(input({ alternatives: [alt] }));
    expect(r.flags.possibleCriticalShortage).toBe(true);
    expect(r.reasons).toContainEqual({
      code: 'alternative_insufficient',
      ref: 'pkg-2',
      relation: 'same_group',
      usableStock: 150,
      combinedDemandPerDay: 15,
      coverageDays: 10,
    });
    expect(r.reasons).toContainEqual({ code: 'no_interchangeable_alternative', candidatesChecked: 1 });
  });

  it('counts the demand in tablets when the pack sizes differ', () => {
    // The item: 10 packs of 20 = 200 tablets a day = 2 packs of 100. The other: packs of 100, 1 a day
    // of its own: 3 packs a day, 42 for 14 days. 50 packs clear it; 40 (13.3 days) do not.
    const pack100 = (stock: number) => candidate({ ref: 'pkg-100', unitSize: 100, stock, demandPerDay: 1 });
    expect(assessRisk(input({ alternatives: [pack100(50)] })).flags.possibleCriticalShortage).toBe(false);
    const r = assessRisk(input({ alternatives: [pack100(40)] }));
    expect(r.flags.possibleCriticalShortage).toBe(true);
    expect(r.reasons).toContainEqual(
      expect.objectContaining({ code: 'alternative_insufficient', ref: 'pkg-100', combinedDemandPerDay: 3 }),
    );
  });

  it('counts only what the alternative can use before it expires', () => {
    // 300 packs nobody uses, expiring 2026-12-03 (in 10 days): at the item's 10 a day 100 are used
    // before they expire: 10 days < 14.
    const alt = candidate({ ref: 'pkg-2', stock: 300, lots: [{ quantity: 300, expiry: '2026-12-03' }] });
    const r = assessRisk(input({ alternatives: [alt] }));
    expect(r.flags.possibleCriticalShortage).toBe(true);
    expect(r.reasons).toContainEqual(
      expect.objectContaining({ code: 'alternative_insufficient', usableStock: 100, coverageDays: 10 }),
    );
  });

  it('lists the same substance in another strength and the same ATC level 4 for a clinician, clearing nothing', () => {
    const strength = candidate({ ref: 'pkg-750', strength: '750 mg', stock: 4000, demandPerDay: 20 });
    const atc4 = candidate({ ref: 'piv', substance: 'Pivmecillinam', atcCode: 'J01CA08', stock: 50 });
    const r = assessRisk(input({ alternatives: [atc4, strength] }));
    expect(r.flags.possibleCriticalShortage).toBe(true);
    expect(r.reasons.filter((x) => x.code === 'therapeutic_alternative')).toEqual([
      {
        code: 'therapeutic_alternative',
        ref: 'pkg-750',
        relation: 'same_substance',
        usableStock: 4000,
        coverageDays: 200,
      },
      {
        code: 'therapeutic_alternative',
        ref: 'piv',
        relation: 'same_atc4',
        usableStock: 50,
        coverageDays: null,
      },
    ]);
    expect(r.reasons).toContainEqual({ code: 'no_interchangeable_alternative', candidatesChecked: 0 });
  });

  it('clears it with an alternative an authority recorded, converted by its units per unit', () => {
    // Two 250 mg tablets replace one 500 mg: 200 tablets a day = 400 of 250 mg = 20 packs of 20 a day,
    // 280 for 14 days. 300 packs clear it; 250 do not.
    const recorded = (stock: number) =>
      candidate({ ref: 'pkg-250', strength: '250 mg', stock, recordedUnitsPerUnit: 2 });
    const cleared = assessRisk(input({ alternatives: [recorded(300)] }));
    expect(cleared.flags.possibleCriticalShortage).toBe(false);
    expect(cleared.reasons).toContainEqual(
      expect.objectContaining({
        code: 'alternative_available',
        relation: 'recorded',
        combinedDemandPerDay: 20,
      }),
    );
    expect(assessRisk(input({ alternatives: [recorded(250)] })).flags.possibleCriticalShortage).toBe(true);
  });

  it('ignores unrelated products and the item itself', () => {
    const r = assessRisk(
      input({
        alternatives: [
          candidate({ ref: 'cipro', substance: 'Ciprofloxacin', atcCode: 'J01MA02', stock: 900 }),
          candidate({ ref: 'pkg-1', stock: 900, demandPerDay: 10 }),
        ],
      }),
    );
    expect(r.flags.possibleCriticalShortage).toBe(true);
    expect(r.reasons).toContainEqual({ code: 'no_interchangeable_alternative', candidatesChecked: 0 });
  });

  it('treats a group as prioritised when any member matches the list, whatever the first member’s ATC code', () => {
    // A group whose members carry different ATC codes: the first (J01CA01) is not on the list, the
    // second (J01CA04) is. The SQL refresh flags the group when any member is prioritised.
    const members = [
      { ...AMOXICILLIN_500, atcCode: 'J01CA01' },
      { ...AMOXICILLIN_500, atcCode: 'J01CA04' },
    ];
    const r = assessRisk(
      input({ item: { ...AMOXICILLIN_500, atcCode: 'J01CA01', ref: 'amoxicillin|500mg|tablett', members } }),
    );
    expect(r.flags).toMatchObject({ prioritised: true, possibleCriticalShortage: true });
  });

  it('does not signal a product that is not on the prioritised list', () => {
    const r = assessRisk(input({ prioritisedList: [LIST[1]!] }));
    expect(r.riskClass).toBe('critical');
    expect(r.flags).toMatchObject({ prioritised: false, possibleCriticalShortage: false });
  });

  it('does not signal low (not critical) coverage', () => {
    const r = assessRisk(input({ coverageDays: 20 }));
    expect(r).toMatchObject({
      riskClass: 'low',
      flags: { prioritised: true, possibleCriticalShortage: false },
    });
  });

  it('classes an item without demand as no_demand and never signals it', () => {
    const r = assessRisk(input({ coverageDays: null, demandPerDay: 0 }));
    expect(r).toMatchObject({ riskClass: 'no_demand', flags: { possibleCriticalShortage: false } });
  });
});

describe('assessRisk: notices', () => {
  const notice = (id: number, expectedStart: string, expectedEnd: string | null): NoticeRef => ({
    id,
    kind: 'shortage',
    expectedStart,
    expectedEnd,
  });

  it('flags a notice in force today', () => {
    const r = assessRisk(input({ coverageDays: 60, notices: [notice(1, '2026-11-01', '2026-12-31')] }));
    expect(r.flags.activeNotice).toBe(true);
    expect(r.reasons).toContainEqual({
      code: 'notice_active',
      noticeId: 1,
      kind: 'shortage',
      expectedStart: '2026-11-01',
      expectedEnd: '2026-12-31',
    });
  });

  it('flags a notice starting within the lead days (default 30), but not one further off or ended', () => {
    // Starts 2026-12-13: in 20 days -> flagged. Starts 2027-01-10: in 48 days -> not. Ended yesterday -> not.
    const notices = [
      notice(2, '2026-12-13', null),
      notice(3, '2027-01-10', null),
      notice(4, '2026-10-01', '2026-11-22'),
    ];
    const r = assessRisk(input({ coverageDays: 60, notices }));
    expect(r.flags.activeNotice).toBe(true);
    expect(r.reasons.filter((x) => x.code.startsWith('notice_'))).toEqual([
      {
        code: 'notice_upcoming',
        noticeId: 2,
        kind: 'shortage',
        expectedStart: '2026-12-13',
        startsInDays: 20,
      },
    ]);
  });

  it('uses a configured lead time', () => {
    const r = assessRisk(
      input({ notices: [notice(2, '2026-12-13', null)], thresholds: { noticeLeadDays: 10 } }),
    );
    expect(r.flags.activeNotice).toBe(false);
  });
});
