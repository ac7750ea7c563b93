import { dayNumber } from './calendar.js';
import { DEFAULT_MIN_SHELF_LIFE_DAYS, usableBeforeExpiry, type StockLot } from './coverage.js';
import { groupKey, normaliseText } from './demand.js';
import { AppError } from './errors.js';
import { isNoticeActive, isNoticeUpcoming, type NoticeKind } from './notice.js';

/** How an item's coverage is classed. `no_demand`: nothing is being used, so nothing runs out. */
export type RiskClass = 'critical' | 'low' | 'adequate' | 'no_demand';

export interface RiskThresholds {
  /** Coverage below this many days is critical. Default 14. */
  criticalBelowDays: number;
  /** Coverage below this many days is low. Default 30: R2's one month of consumption is the target. */
  lowBelowDays: number;
  /** A notice whose period starts within this many days already flags the item. Default 30. */
  noticeLeadDays: number;
}

export const DEFAULT_RISK_THRESHOLDS: Readonly<RiskThresholds> = {
  criticalBelowDays: 14,
  lowBelowDays: 30,
  noticeLeadDays: 30,
};

/**
 * Resolves partial thresholds against the defaults.
 * @throws AppError('invalid') unless 0 <= critical <= low and the lead days are >= 0.
 */
export function riskThresholds(given: Partial<RiskThresholds> = {}): RiskThresholds {
  const t = { ...DEFAULT_RISK_THRESHOLDS, ...given };
  if (!(t.criticalBelowDays >= 0 && t.lowBelowDays >= t.criticalBelowDays && t.noticeLeadDays >= 0)) {
    throw AppError.invalid(
      `risk thresholds critical ${t.criticalBelowDays}, low ${t.lowBelowDays}, notice lead ${t.noticeLeadDays} days are inconsistent`,
      [
        {
          value: t,
          expected: '0 <= criticalBelowDays <= lowBelowDays, noticeLeadDays >= 0',
          message: 'bad thresholds',
        },
      ],
    );
  }
  return t;
}

/**
 * How far below a threshold a coverage may fall by rounding alone and still reach it (days): usable
 * stock cut at a lot's expiry is demand x days, and (x x 14) / x is 13.999999999999998 in floating
 * point for some x, exactly 14 in the database's numeric. The SQL twin adds the same.
 */
export const COVERAGE_ROUNDING_DAYS = 1e-9;

/**
 * The class of a coverage in days (null = no demand): below `criticalBelowDays` critical, below
 * `lowBelowDays` low, otherwise adequate. With the defaults 13.9 days is critical, 14 low, 30 adequate
 * (a coverage within {@link COVERAGE_ROUNDING_DAYS} below a threshold reaches it).
 */
export function classifyCoverage(
  coverageDays: number | null,
  thresholds: Partial<RiskThresholds> = {},
): RiskClass {
  const t = riskThresholds(thresholds);
  if (coverageDays === null) return 'no_demand';
  const days = coverageDays + COVERAGE_ROUNDING_DAYS;
  if (days < t.criticalBelowDays) return 'critical';
  if (days < t.lowBelowDays) return 'low';
  return 'adequate';
}

/** What identifies a product for the rules below (a medicine's fields; for a group, any member's). */
export interface ProductIdentity {
  atcCode: string;
  substance: string;
  strength: string;
  form: string;
}

/** An entry of a product list such as Socialstyrelsen's list of medicines for care that cannot wait. */
export interface ListItemRef {
  listCode: string | null;
  position: number;
  atcCode: string;
  substance: string;
  /** Null: every form of the substance. */
  form: string | null;
}

/**
 * Whether a product is covered by a list entry: the entry's ATC code is the product's code or a
 * prefix of it (an entry at level 4 covers its level-5 codes), the substance is the same, and, when
 * the entry names a form, the form is the same or a qualified variant of it ('injektionsvätska'
 * covers 'injektionsvätska, lösning'). Case and spacing are ignored.
 */
export function matchesListItem(product: Omit<ProductIdentity, 'strength'>, item: ListItemRef): boolean {
  if (!normaliseAtc(product.atcCode).startsWith(normaliseAtc(item.atcCode))) return false;
  if (normaliseText(product.substance) !== normaliseText(item.substance)) return false;
  if (item.form === null) return true;
  const form = normaliseText(product.form);
  const listed = normaliseText(item.form);
  return form === listed || form.startsWith(`${listed},`);
}

/**
 * R4: how an alternative relates to an item, closest first. `same_group` (same substance, strength
 * and form) and `recorded` (an authority recorded it as an alternative for this product) are
 * interchangeable: they can clear the possible-critical-shortage signal. `same_substance` (another
 * strength or form) and `same_atc4` are possible therapeutic alternatives, listed for a clinician to
 * judge: they clear nothing.
 */
export type AlternativeRelation = 'same_group' | 'recorded' | 'same_substance' | 'same_atc4';
export type InterchangeableRelation = 'same_group' | 'recorded';
export type TherapeuticRelation = 'same_substance' | 'same_atc4';

/**
 * How `candidate` relates to `item`: the same group (same substance, strength, form); else recorded by
 * an authority as an alternative (`recorded`); else the same substance in another strength or form;
 * else the same ATC level-4 group (first five characters, e.g. J01CA). Null when none applies.
 */
export function alternativeRelation(
  item: ProductIdentity,
  candidate: ProductIdentity,
  recorded = false,
): AlternativeRelation | null {
  if (groupKey(item) === groupKey(candidate)) return 'same_group';
  if (recorded) return 'recorded';
  if (normaliseText(item.substance) === normaliseText(candidate.substance)) return 'same_substance';
  const level4 = normaliseAtc(item.atcCode).slice(0, 5);
  if (level4.length === 5 && normaliseAtc(candidate.atcCode).startsWith(level4)) return 'same_atc4';
  return null;
}

/** A possible alternative to the item, with its own stock and demand, in its own counts. */
export interface AlternativeCandidate extends ProductIdentity {
  /** The caller's id for it (package id, group key …); a candidate with the item's own ref is skipped. */
  ref: string;
  /** Units (tablets, ml …) in one of its counts: its pack size for a package, 1 for a group (units). */
  unitSize: number;
  /** Its own expected demand per day. */
  demandPerDay: number;
  /** Its usable stock at its own demand, as the picture shows it. */
  usableStock: number;
  /** Its stock by expiry: what it could supply before expiry at a higher demand. */
  lots: readonly StockLot[];
  /**
   * Set when an authority recorded it as an alternative to the item: how many of its units replace
   * one unit of the item (2 when two 250 mg tablets replace one of 500 mg).
   */
  recordedUnitsPerUnit?: number | null;
}

/** A shortage notice on the item (or on one of its packages). */
export interface NoticeRef {
  id: number;
  kind: NoticeKind;
  expectedStart: string;
  expectedEnd: string | null;
}

/** Why an item is classed and flagged as it is: data for the UI to explain. */
export type RiskReason =
  | {
      code: 'coverage';
      riskClass: RiskClass;
      coverageDays: number | null;
      criticalBelowDays: number;
      lowBelowDays: number;
    }
  | {
      code: 'prioritised';
      listCode: string | null;
      position: number;
      atcCode: string;
      substance: string;
      form: string | null;
    }
  | {
      code: 'notice_active';
      noticeId: number;
      kind: NoticeKind;
      expectedStart: string;
      expectedEnd: string | null;
    }
  | {
      code: 'notice_upcoming';
      noticeId: number;
      kind: NoticeKind;
      expectedStart: string;
      startsInDays: number;
    }
  | {
      /** Interchangeable, and its usable stock covers both demands for the critical threshold. */
      code: 'alternative_available' | 'alternative_insufficient';
      ref: string;
      relation: InterchangeableRelation;
      /** Usable before expiry at the combined demand, in the alternative's counts. */
      usableStock: number;
      /** The item's demand converted to the alternative's counts plus the alternative's own. */
      combinedDemandPerDay: number;
      coverageDays: number | null;
    }
  | {
      /** Another strength or form, or the same ATC level 4: for a clinician to judge; clears nothing. */
      code: 'therapeutic_alternative';
      ref: string;
      relation: TherapeuticRelation;
      usableStock: number;
      /** At its own demand; null when it has none. */
      coverageDays: number | null;
    }
  | { code: 'no_interchangeable_alternative'; candidatesChecked: number };

export interface RiskAssessment {
  riskClass: RiskClass;
  coverageDays: number | null;
  flags: {
    /** On the prioritised list (stand-in for "treats life-threatening conditions", R4). */
    prioritised: boolean;
    /** A shortage or sales-stop notice is in force today or starts within `noticeLeadDays`. */
    activeNotice: boolean;
    /**
     * A signal of a possible R4 kritisk brist (möjlig kritisk brist): prioritised AND critical
     * coverage AND no interchangeable alternative covering both demands. Not the designation: whether
     * a shortage is kritisk brist is Läkemedelsverket's assessment (seed 004).
     */
    possibleCriticalShortage: boolean;
  };
  reasons: RiskReason[];
}

export interface RiskInput {
  today: string;
  /**
   * The item. `unitSize`: units in one of its counts (pack size for a package, 1 for a group; default
   * 1). `members`: a group's packages, each matched against the list (default: the item alone).
   */
  item: ProductIdentity & { ref: string; unitSize?: number; members?: readonly ProductIdentity[] };
  /** The item's expected demand per day, in its counts. */
  demandPerDay: number;
  /** The item's coverage in days; null when it has no demand. */
  coverageDays: number | null;
  /** The entries of the prioritised list in force today. */
  prioritisedList: readonly ListItemRef[];
  /** The item's notices still in force (see `currentNotices`). */
  notices: readonly NoticeRef[];
  /** Candidates for an alternative: any product; those with no relation to the item are ignored. */
  alternatives: readonly AlternativeCandidate[];
  thresholds?: Partial<RiskThresholds>;
  /** Minimum remaining shelf life at dispensing (see usableBeforeExpiry). Default 0. */
  minShelfLifeDays?: number;
}

/**
 * Classes an item's coverage and sets its flags, with the reasons as data.
 *
 * The possible-critical-shortage signal (R4, seed 004: a product for life-threatening conditions or
 * irreversibly progressive disease, AND no relevant alternative available) is what the picture can
 * see of it: (1) on the prioritised list, our stand-in for the medical criticality; (2) coverage below
 * the critical threshold; (3) no interchangeable alternative that covers. An alternative is
 * interchangeable when it is of the same group or an authority recorded it for the product
 * ({@link alternativeRelation}); it covers when what it can supply before expiry, drawn at the
 * item's demand (in its units) plus its own, lasts the critical threshold in days:
 * combined × criticalBelowDays <= usableBeforeExpiry(its lots, combined). Other strengths, forms and
 * substances of the ATC level 4 are listed as therapeutic alternatives and clear nothing: whether
 * they are relevant is a clinician's and Läkemedelsverket's judgement.
 */
export function assessRisk(input: RiskInput): RiskAssessment {
  const t = riskThresholds(input.thresholds);
  const riskClass = classifyCoverage(input.coverageDays, t);
  const reasons: RiskReason[] = [
    {
      code: 'coverage',
      riskClass,
      coverageDays: input.coverageDays,
      criticalBelowDays: t.criticalBelowDays,
      lowBelowDays: t.lowBelowDays,
    },
  ];

  // A group is prioritised when any member matches (the SQL refresh: bool_or over the members).
  const identities = input.item.members ?? [input.item];
  const listed = input.prioritisedList.filter((entry) => identities.some((m) => matchesListItem(m, entry)));
  for (const { listCode, position, atcCode, substance, form } of listed) {
    reasons.push({ code: 'prioritised', listCode, position, atcCode, substance, form });
  }

  let activeNotice = false;
  for (const notice of input.notices) {
    const base = { noticeId: notice.id, kind: notice.kind, expectedStart: notice.expectedStart };
    if (isNoticeActive(notice, input.today)) {
      activeNotice = true;
      reasons.push({ code: 'notice_active', ...base, expectedEnd: notice.expectedEnd });
    } else if (isNoticeUpcoming(notice, input.today, t.noticeLeadDays)) {
      activeNotice = true;
      const startsInDays = dayNumber(notice.expectedStart) - dayNumber(input.today);
      reasons.push({ code: 'notice_upcoming', ...base, startsInDays });
    }
  }

  const related = input.alternatives
    .filter((c) => c.ref !== input.item.ref)
    .map((c) => ({
      candidate: c,
      relation: alternativeRelation(input.item, c, (c.recordedUnitsPerUnit ?? null) !== null),
    }))
    .filter(
      (r): r is { candidate: AlternativeCandidate; relation: AlternativeRelation } => r.relation !== null,
    )
    .sort((a, b) => RELATION_ORDER[a.relation] - RELATION_ORDER[b.relation]);

  const itemUnits = input.demandPerDay * (input.item.unitSize ?? 1);
  let interchangeable = 0;
  let covered = false;
  for (const { candidate: c, relation } of related) {
    if (relation === 'same_group' || relation === 'recorded') {
      interchangeable += 1;
      const check = alternativeCovers(input, t, itemUnits, c, relation);
      covered ||= check.covers;
      reasons.push({
        code: check.covers ? 'alternative_available' : 'alternative_insufficient',
        ref: c.ref,
        relation,
        usableStock: check.usable,
        combinedDemandPerDay: check.combined,
        coverageDays: check.combined > 0 ? check.usable / check.combined : null,
      });
    } else if (c.usableStock > 0) {
      reasons.push({
        code: 'therapeutic_alternative',
        ref: c.ref,
        relation,
        usableStock: c.usableStock,
        coverageDays: c.demandPerDay > 0 ? c.usableStock / c.demandPerDay : null,
      });
    }
  }
  if (!covered) reasons.push({ code: 'no_interchangeable_alternative', candidatesChecked: interchangeable });

  const prioritised = listed.length > 0;
  return {
    riskClass,
    coverageDays: input.coverageDays,
    flags: {
      prioritised,
      activeNotice,
      // A signal of R4 kritisk brist: criticality (list stand-in) AND short AND nothing interchangeable covers.
      possibleCriticalShortage: prioritised && riskClass === 'critical' && !covered,
    },
    reasons,
  };
}

/**
 * Whether an interchangeable alternative covers the item's demand as well as its own for the critical
 * threshold: the item's demand in the alternative's counts (units, times the recorded units per unit)
 * plus its own, against what it can use of its lots before expiry at that rate.
 */
export function alternativeCovers(
  input: Pick<RiskInput, 'today' | 'minShelfLifeDays'>,
  thresholds: RiskThresholds,
  itemUnitsPerDay: number,
  c: AlternativeCandidate,
  relation: InterchangeableRelation,
): { covers: boolean; usable: number; combined: number } {
  const perUnit = relation === 'recorded' ? (c.recordedUnitsPerUnit ?? 1) : 1;
  const combined = (itemUnitsPerDay * perUnit) / c.unitSize + c.demandPerDay;
  const usable = usableBeforeExpiry(
    c.lots,
    combined,
    input.today,
    input.minShelfLifeDays ?? DEFAULT_MIN_SHELF_LIFE_DAYS,
  );
  const need = combined * thresholds.criticalBelowDays;
  return { covers: usable + 1e-9 * Math.max(1, need) >= need, usable, combined };
}

const RELATION_ORDER: Readonly<Record<AlternativeRelation, number>> = {
  same_group: 0,
  recorded: 1,
  same_substance: 2,
  same_atc4: 3,
};

function normaliseAtc(code: string): string {
  return code.replace(/\s+/g, '').toUpperCase();
}
