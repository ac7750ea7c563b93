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

function candidate(over: Partial<AlternativeCandidate>): AlternativeCandidate {
  return { ...AMOXICILLIN_500, ref: 'alt', usableStock: 0, demandPerDay: 0, ...over };
}

/** Amoxicillin 500 mg: 70 packs at 10 a day = 7 days, on the list, no notices, no alternatives. */
function input(over: Partial<RiskInput> = {}): RiskInput {
  return {
    today: TODAY,
    item: { ...AMOXICILLIN_500, ref: 'pkg-1' },
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
  it('ranks the same group, then the same substance, then the same ATC level-4 group', () => {
    expect(alternativeRelation(AMOXICILLIN_500, { ...AMOXICILLIN_500, strength: '500mg' })).toBe(
      'same_group',
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

describe('assessRisk: R4 critical shortage', () => {
  it('flags a prioritised product with critical coverage and no alternative', () => {
    const r = assessRisk(input());
    expect(r.riskClass).toBe('critical');
    expect(r.flags).toEqual({ prioritised: true, activeNotice: false, criticalShortage: true });
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
      { code: 'no_relevant_alternative', candidatesChecked: 0 },
    ]);
  });

  it('does not flag it when another strength has stock lasting beyond the critical threshold', () => {
    // Amoxicillin 750 mg: 400 packs at 20 a day = 20 days >= 14 -> a relevant alternative.
    const alt = candidate({ ref: 'pkg-750', strength: '750 mg', usableStock: 400, demandPerDay: 20 });
    const r = assessRisk(input({ alternatives: [alt] }));
    expect(r.flags.criticalShortage).toBe(false);
    expect(r.reasons).toContainEqual({
      code: 'alternative_available',
      ref: 'pkg-750',
      relation: 'same_substance',
      usableStock: 400,
      coverageDays: 20,
    });
  });

  it('does not count an alternative that is critical itself', () => {
    // 100 packs at 20 a day = 5 days < 14.
    const alt = candidate({ ref: 'pkg-750', strength: '750 mg', usableStock: 100, demandPerDay: 20 });
    const r = assessRisk(input({ alternatives: [alt] }));
    expect(r.flags.criticalShortage).toBe(true);
    expect(r.reasons).toContainEqual({ code: 'no_relevant_alternative', candidatesChecked: 1 });
  });

  it('counts an alternative in stock that nobody uses, closest relation first', () => {
    const atc4 = candidate({ ref: 'piv', substance: 'Pivmecillinam', atcCode: 'J01CA08', usableStock: 50 });
    const sameGroup = candidate({ ref: 'pkg-2', usableStock: 300, demandPerDay: 10 });
    const r = assessRisk(input({ alternatives: [atc4, sameGroup] }));
    expect(r.flags.criticalShortage).toBe(false);
    const refs = r.reasons.flatMap((x) => (x.code === 'alternative_available' ? [x.ref] : []));
    expect(refs).toEqual(['pkg-2', 'piv']);
  });

  it('ignores unrelated products, empty ones and the item itself', () => {
    const r = assessRisk(
      input({
        alternatives: [
          candidate({ ref: 'cipro', substance: 'Ciprofloxacin', atcCode: 'J01MA02', usableStock: 900 }),
          candidate({ ref: 'empty', strength: '750 mg', usableStock: 0 }),
          candidate({ ref: 'pkg-1', usableStock: 900, demandPerDay: 10 }),
        ],
      }),
    );
    expect(r.flags.criticalShortage).toBe(true);
    expect(r.reasons).toContainEqual({ code: 'no_relevant_alternative', candidatesChecked: 1 });
  });

  it('does not flag a product that is not on the prioritised list', () => {
    const r = assessRisk(input({ prioritisedList: [LIST[1]!] }));
    expect(r.riskClass).toBe('critical');
    expect(r.flags).toMatchObject({ prioritised: false, criticalShortage: false });
  });

  it('does not flag low (not critical) coverage', () => {
    const r = assessRisk(input({ coverageDays: 20 }));
    expect(r).toMatchObject({ riskClass: 'low', flags: { prioritised: true, criticalShortage: false } });
  });

  it('classes an item without demand as no_demand and never critical', () => {
    const r = assessRisk(input({ coverageDays: null }));
    expect(r).toMatchObject({ riskClass: 'no_demand', flags: { criticalShortage: false } });
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
