import type { Principal } from './access.js';
import { seesAllObligations } from './obligation.js';
import type { Problem } from './errors.js';

/*
 * Dispensations from the stockpiling obligation (R1, issue 12 item 3): a company applies for a lower
 * volume of one package of a year's obligation; Läkemedelsverket grants it (possibly at another volume
 * than asked) or denies it, with a reason and, when granted, a validity period. The obligation in force
 * on a day is the published volume, replaced by the granted volume while the dispensation is valid.
 * Pure functions: no I/O.
 */

export const DISPENSATION_STATUSES = ['pending', 'granted', 'denied'] as const;
export type DispensationStatus = (typeof DISPENSATION_STATUSES)[number];

export const DISPENSATION_OUTCOMES = ['grant', 'deny'] as const;
export type DispensationOutcome = (typeof DISPENSATION_OUTCOMES)[number];

/** Longest reason text accepted (application and decision), our choice. */
export const REASON_MAX_LENGTH = 2_000;

/** A granted dispensation, as the obligation in force needs it. */
export interface GrantedDispensation {
  id: number;
  companyId: number;
  packageId: number;
  /** The volume (packs) the company must hold while the dispensation is valid. */
  volume: number;
  /** First and last day of validity, both included (YYYY-MM-DD). */
  validFrom: string;
  validTo: string;
  /** When it was decided (ISO); the newest decision wins where two valid ones overlap. */
  decidedAt: string;
}

/** A published obligation line (Helper A's `publishedObligations`), before dispensations. */
export interface PublishedLine {
  companyId: number;
  packageId: number;
  volume: number;
}

/** One company × package obligation on a day, after dispensations. */
export interface ObligationInForce extends PublishedLine {
  /** The published volume (the latest decision version in force on the day). */
  publishedVolume: number;
  /** The dispensation that sets `volume` on the day, or null. */
  dispensationId: number | null;
}

export function isValidOn(d: Pick<GrantedDispensation, 'validFrom' | 'validTo'>, on: string): boolean {
  return d.validFrom <= on && on <= d.validTo;
}

const key = (companyId: number, packageId: number) => `${companyId}:${packageId}`;

/**
 * The obligation in force on `on`: each published line, with its volume replaced by the volume of a
 * granted dispensation valid on that day. Where two valid dispensations overlap, the newest decision
 * (then the higher id) wins. A dispensation never raises an obligation (our choice): when a later
 * revision publishes a volume below the dispensed one, the published volume stands.
 *
 * Worked example: published 900 packs; a dispensation to 300 valid 2026-03-01 … 2026-06-30. On
 * 2026-02-28 the obligation in force is 900, on 2026-03-01 and 2026-06-30 it is 300, on 2026-07-01
 * 900 again.
 */
export function applyDispensations(
  published: readonly PublishedLine[],
  granted: readonly GrantedDispensation[],
  on: string,
): ObligationInForce[] {
  const winner = new Map<string, GrantedDispensation>();
  for (const d of granted) {
    if (!isValidOn(d, on)) continue;
    const k = key(d.companyId, d.packageId);
    const before = winner.get(k);
    if (
      before === undefined ||
      d.decidedAt > before.decidedAt ||
      (d.decidedAt === before.decidedAt && d.id > before.id)
    )
      winner.set(k, d);
  }
  return published.map((p) => {
    const d = winner.get(key(p.companyId, p.packageId));
    if (d === undefined || d.volume >= p.volume)
      return { ...p, publishedVolume: p.volume, dispensationId: null };
    return { ...p, publishedVolume: p.volume, volume: d.volume, dispensationId: d.id };
  });
}

/** What a company sends when it applies. */
export interface DispensationApplicationInput {
  year: number;
  packageId: number;
  requestedVolume: number;
  reason: string;
}

/**
 * The problems of an application against the published obligation of that year and package (undefined:
 * the company has none). An empty list: the application may be filed.
 */
export function checkDispensationApplication(
  input: DispensationApplicationInput,
  published: { volume: number } | undefined,
): Problem[] {
  const problems: Problem[] = [];
  if (published === undefined) {
    problems.push({
      field: 'packageId',
      value: input.packageId,
      expected: `a package of your published obligations of ${input.year}`,
      message: `package ${input.packageId}: you have no published obligation for it in ${input.year}`,
    });
  }
  if (!Number.isInteger(input.requestedVolume) || input.requestedVolume < 0) {
    problems.push({
      field: 'requestedVolume',
      value: input.requestedVolume,
      expected: 'a whole number of packs, 0 or more',
      message: `requested volume ${input.requestedVolume} is not a whole number of packs, 0 or more`,
    });
  } else if (published !== undefined && input.requestedVolume >= published.volume) {
    problems.push({
      field: 'requestedVolume',
      value: input.requestedVolume,
      expected: `fewer packs than the published obligation of ${published.volume}`,
      message: `requested volume ${input.requestedVolume} is not below the published obligation of ${published.volume} packs`,
    });
  }
  problems.push(...checkReason(input.reason));
  return problems;
}

/** What Läkemedelsverket sends when it decides. */
export interface DispensationDecisionInput {
  outcome: DispensationOutcome;
  reason: string;
  /** When granting: the volume granted, the validity period. */
  volume?: number | undefined;
  validFrom?: string | undefined;
  validTo?: string | undefined;
}

/**
 * The problems of a decision on an application for `year`'s obligation of `publishedVolume` packs.
 * A grant needs a volume of at least the requested one (Läkemedelsverket may relieve less than asked,
 * not more) and below the published obligation, and a validity period inside the obligation's
 * calendar year (obligations are fixed per year, R1; so a dispensation lasts at most a year, as
 * Finland's exemptions do: issue 12). A denial takes no volume or period.
 */
export function checkDispensationDecision(
  input: DispensationDecisionInput,
  application: { year: number; requestedVolume: number; publishedVolume: number },
): Problem[] {
  const problems: Problem[] = [...checkReason(input.reason)];
  if (input.outcome === 'deny') {
    for (const field of ['volume', 'validFrom', 'validTo'] as const) {
      if (input[field] !== undefined)
        problems.push({
          field,
          value: input[field],
          expected: 'nothing when denying',
          message: `${field} is given, but a denial takes no ${field}`,
        });
    }
    return problems;
  }
  const { volume, validFrom, validTo } = input;
  const { requestedVolume, publishedVolume, year } = application;
  if (volume === undefined || !Number.isInteger(volume) || volume < 0) {
    problems.push({
      field: 'volume',
      value: volume ?? null,
      expected: 'a whole number of packs, 0 or more',
      message: `a grant needs the volume granted as a whole number of packs, 0 or more`,
    });
  } else if (volume < requestedVolume || volume >= publishedVolume) {
    problems.push({
      field: 'volume',
      value: volume,
      expected: `from the requested ${requestedVolume} up to ${publishedVolume - 1} packs (below the published ${publishedVolume})`,
      message: `volume ${volume} is outside ${requestedVolume} … ${publishedVolume - 1} packs`,
    });
  }
  const first = `${year}-01-01`;
  const last = `${year}-12-31`;
  for (const [field, value] of [
    ['validFrom', validFrom],
    ['validTo', validTo],
  ] as const) {
    if (value === undefined || !isIsoDay(value)) {
      problems.push({
        field,
        value: value ?? null,
        expected: `a day YYYY-MM-DD in ${year}`,
        message: `a grant needs ${field} as a day YYYY-MM-DD`,
      });
    } else if (value < first || value > last) {
      problems.push({
        field,
        value,
        expected: `a day in ${year} (${first} … ${last})`,
        message: `${field} ${value} is outside the obligation's year ${year}`,
      });
    }
  }
  if (validFrom !== undefined && validTo !== undefined && isIsoDay(validFrom) && isIsoDay(validTo)) {
    if (validTo < validFrom)
      problems.push({
        field: 'validTo',
        value: validTo,
        expected: `${validFrom} or later`,
        message: `validTo ${validTo} is before validFrom ${validFrom}`,
      });
  }
  return problems;
}

function checkReason(reason: string): Problem[] {
  const text = reason.trim();
  if (text.length === 0)
    return [
      { field: 'reason', value: reason, expected: 'a reason in words', message: 'a reason is required' },
    ];
  if (text.length > REASON_MAX_LENGTH)
    return [
      {
        field: 'reason',
        valueLength: reason.length,
        expected: `at most ${REASON_MAX_LENGTH} characters`,
        message: `the reason is ${text.length} characters long, more than ${REASON_MAX_LENGTH}`,
      },
    ];
  return [];
}

/** Whether `s` is a real calendar day written YYYY-MM-DD. */
export function isIsoDay(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/**
 * Whose obligations, applications and supervision statuses a caller sees (issue 12 item 9):
 * Läkemedelsverket and TLV all of them ('all', as for the published obligations: `seesAllObligations`),
 * a company its own (its organisation id), everyone else none.
 */
export function companyScopeOf(
  p: Pick<Principal, 'organisationKind' | 'organisationId' | 'authority'>,
): number | 'all' | 'none' {
  if (seesAllObligations({ kind: p.organisationKind, authority: p.authority ?? null })) return 'all';
  if (p.organisationKind === 'company') return p.organisationId;
  return 'none';
}

/** The day on which to read a year's published obligation for a filing made on `today`: today, kept inside the year. */
export function dayInYear(year: number, today: string): string {
  const first = `${year}-01-01`;
  const last = `${year}-12-31`;
  return today < first ? first : today > last ? last : today;
}
