import { dayNumber } from './calendar.js';
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
 * The class of a coverage in days (null = no demand): below `criticalBelowDays` critical, below
 * `lowBelowDays` low, otherwise adequate. With the defaults 13.9 days is critical, 14 low, 30 adequate.
 */
export function classifyCoverage(
  coverageDays: number | null,
  thresholds: Partial<RiskThresholds> = {},
): RiskClass {
  const t = riskThresholds(thresholds);
  if (coverageDays === null) return 'no_demand';
  if (coverageDays < t.criticalBelowDays) return 'critical';
  if (coverageDays < t.lowBelowDays) return 'low';
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

/** R4: how an alternative relates to an item, closest first. */
export type AlternativeRelation = 'same_group' | 'same_substance' | 'same_atc4';

/**
 * R4 "relevant alternative": another package of the same group (same substance, strength, form);
 * else the same substance in another strength or form; else the same ATC level-4 group (first five
 * characters, e.g. J01CA, the penicillins with extended spectrum). Null when none applies.
 */
export function alternativeRelation(
  item: ProductIdentity,
  candidate: ProductIdentity,
): AlternativeRelation | null {
  if (groupKey(item) === groupKey(candidate)) return 'same_group';
  if (normaliseText(item.substance) === normaliseText(candidate.substance)) return 'same_substance';
  const level4 = normaliseAtc(item.atcCode).slice(0, 5);
  if (level4.length === 5 && normaliseAtc(candidate.atcCode).startsWith(level4)) return 'same_atc4';
  return null;
}

/** A possible alternative to the item, with its own usable stock and demand. */
export interface AlternativeCandidate extends ProductIdentity {
  /** The caller's id for it (package id, group key …); a candidate with the item's own ref is skipped. */
  ref: string;
  usableStock: number;
  demandPerDay: number;
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
      code: 'alternative_available';
      ref: string;
      relation: AlternativeRelation;
      usableStock: number;
      coverageDays: number | null;
    }
  | { code: 'no_relevant_alternative'; candidatesChecked: number };

export interface RiskAssessment {
  riskClass: RiskClass;
  coverageDays: number | null;
  flags: {
    /** On the prioritised list (stand-in for "treats life-threatening conditions", R4). */
    prioritised: boolean;
    /** A shortage or sales-stop notice is in force today or starts within `noticeLeadDays`. */
    activeNotice: boolean;
    /** R4 kritisk brist: prioritised AND critical coverage AND no relevant alternative available. */
    criticalShortage: boolean;
  };
  reasons: RiskReason[];
}

export interface RiskInput {
  today: string;
  item: ProductIdentity & { ref: string };
  /** The item's coverage in days; null when it has no demand. */
  coverageDays: number | null;
  /** The entries of the prioritised list in force today. */
  prioritisedList: readonly ListItemRef[];
  /** The item's notices still in force (see `currentNotices`). */
  notices: readonly NoticeRef[];
  /** Candidates for an alternative: any product; those with no relation to the item are ignored. */
  alternatives: readonly AlternativeCandidate[];
  thresholds?: Partial<RiskThresholds>;
}

/**
 * Classes an item's coverage and sets its flags, with the reasons as data.
 *
 * R4 kritisk brist needs (1) a product that treats or prevents life-threatening conditions — we use
 * "on the prioritised list" as the stand-in, (2) a shortage — coverage below the critical threshold,
 * and (3) no relevant alternative available. An alternative (see {@link alternativeRelation}) counts
 * as available when it has usable stock and is not critical itself: no demand of its own, or its own
 * coverage at least `criticalBelowDays`. Whether it could also absorb the item's patients cannot be
 * judged in general without dose equivalences between strengths and substances; the group-level
 * coverage answers that for interchangeable packages.
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

  const listed = input.prioritisedList.filter((entry) => matchesListItem(input.item, entry));
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
    .map((c) => ({ candidate: c, relation: alternativeRelation(input.item, c) }))
    .filter(
      (r): r is { candidate: AlternativeCandidate; relation: AlternativeRelation } => r.relation !== null,
    );
  const available = related
    .filter(
      ({ candidate: c }) =>
        c.usableStock > 0 && (c.demandPerDay === 0 || c.usableStock / c.demandPerDay >= t.criticalBelowDays),
    )
    .sort((a, b) => RELATION_ORDER[a.relation] - RELATION_ORDER[b.relation]);
  for (const { candidate: c, relation } of available) {
    reasons.push({
      code: 'alternative_available',
      ref: c.ref,
      relation,
      usableStock: c.usableStock,
      coverageDays: c.demandPerDay === 0 ? null : c.usableStock / c.demandPerDay,
    });
  }
  if (available.length === 0)
    reasons.push({ code: 'no_relevant_alternative', candidatesChecked: related.length });

  const prioritised = listed.length > 0;
  return {
    riskClass,
    coverageDays: input.coverageDays,
    flags: {
      prioritised,
      activeNotice,
      // R4: kritisk brist = life-threatening (list stand-in) AND short AND no relevant alternative.
      criticalShortage: prioritised && riskClass === 'critical' && available.length === 0,
    },
    reasons,
  };
}

const RELATION_ORDER: Readonly<Record<AlternativeRelation, number>> = {
  same_group: 0,
  same_substance: 1,
  same_atc4: 2,
};

function normaliseAtc(code: string): string {
  return code.replace(/\s+/g, '').toUpperCase();
}
