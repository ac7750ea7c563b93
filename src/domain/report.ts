import { seesEverything, type Principal } from './access.js';
import { calendarDateInSweden, dayNumber } from './calendar.js';

/**
 * Rules for reports coming in (issue 3): who may report what, and which facts cannot be true.
 * Pure: no database, no clock (callers pass `now`). Parsing of files lives in src/ingest/.
 */

/** The kinds of report an organisation sends. */
export const INGEST_KINDS = [
  'stock_snapshot',
  'stock_difference',
  'sales',
  'expected_delivery',
  'shortage_notice',
] as const;
export type IngestKind = (typeof INGEST_KINDS)[number];

export const REPORT_FORMATS = ['csv', 'json', 'fhir'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** At most this many problems are listed for one report; the answer says how many more there were. */
export const PROBLEM_CAP = 1000;

/*
 * Bounds on what a refusal echoes (issue 11 item 4), our choice: a file of bad lines must not become
 * an answer, a stored report or a list page larger than itself. Every problem is still counted
 * (`problemCount`); only what is kept and sent is bounded.
 */

/** Characters of a bad value echoed in a problem's `value`; a longer one is cut, and `valueLength` says how long it was. */
export const ECHO_CAP = 100;

/** Characters of a problem's message (its middle is cut, so the line and the reason stay) and of `at`, `field`, `expected`. */
export const PROBLEM_TEXT_CAP = 300;

/** Bytes (UTF-8 JSON) of the problems kept for one report; past it, problems are counted, not kept. */
export const PROBLEMS_BYTE_CAP = 256 * 1024;

/** Problems (and warnings) shown per report in a list page; `GET /api/reports/{id}` gives all that were kept. */
export const LISTED_PROBLEMS = 3;

/**
 * Our choice (issue 11 item 3), not a rule of the seeds: no date in a report lies before this year. A
 * year such as 0099 is a typing error (it used to be read as 1999), never a real count, sale or expiry.
 */
export const EARLIEST_PLAUSIBLE_YEAR = 1900;

/**
 * Our choice (issue 11 item 3): no date in a report lies more than this many calendar years after the
 * year it is received in (an expiry, an expected delivery, the end of a shortage). Medicines keep
 * for at most a few years; 50 leaves room for any plan and refuses 2999 and 9999.
 */
export const PLAUSIBLE_YEARS_AHEAD = 50;

/** The days a report's dates may fall on, received at `now` (epoch ms): 1900-01-01 to the end of year + 50. */
export function plausibleDates(now: number): { earliest: string; latest: string } {
  const year = Number(calendarDateInSweden(new Date(now)).slice(0, 4));
  return { earliest: `${EARLIEST_PLAUSIBLE_YEAR}-01-01`, latest: `${year + PLAUSIBLE_YEARS_AHEAD}-12-31` };
}

/** Why a date 'YYYY-MM-DD' is not plausible (before or after {@link plausibleDates}), or undefined. */
export function implausibleDate(
  date: string,
  range: { earliest: string; latest: string },
): string | undefined {
  if (date < range.earliest)
    return `is before ${range.earliest} (no date before ${EARLIEST_PLAUSIBLE_YEAR} is plausible)`;
  if (date > range.latest)
    return `is after ${range.latest} (more than ${PLAUSIBLE_YEARS_AHEAD} years ahead is not plausible)`;
  return undefined;
}

/**
 * Our choice (issue 11 item 3), in packages per line: the largest quantity a line of each kind can
 * plausibly carry. A national wholesaler's whole warehouse holds a few million packages, and a day
 * or a week of one package, even a national total, stays far below a million. A line beyond its bound is a typing or unit error (1e30 packs),
 * refused with the bound named; a stock difference is bounded in both directions.
 */
export const PLAUSIBLE_QUANTITY = {
  stock_snapshot: 10_000_000,
  stock_difference: 10_000_000,
  sales: 1_000_000,
  expected_delivery: 10_000_000,
} as const satisfies Partial<Record<IngestKind, number>>;

/** The bound a line's quantity exceeds (its absolute value, for a difference), or undefined. */
export function quantityBeyondBound(
  kind: keyof typeof PLAUSIBLE_QUANTITY,
  quantity: number,
): number | undefined {
  const bound = PLAUSIBLE_QUANTITY[kind];
  return Math.abs(quantity) > bound ? bound : undefined;
}

/** Clocks differ: a counting time up to five minutes ahead of ours is not "in the future". */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

/** The organisation a report is sent for: from a token, or named to the CLI by a trusted operator. */
export type Reporter = Pick<
  Principal,
  'organisationId' | 'organisationCode' | 'organisationKind' | 'regionCode'
>;

/** A reporter reports only for locations its organisation owns. */
export function ownsLocation(
  reporter: Pick<Reporter, 'organisationId'>,
  location: { organisationId: number },
): boolean {
  return reporter.organisationId === location.organisationId;
}

/**
 * Sales for a whole region (no location): the region itself, or an authority that sees the whole
 * country (e.g. E-hälsomyndigheten's national statistics, R6 2.2.1).
 */
export function mayReportRegionSales(
  reporter: Pick<Reporter, 'organisationKind' | 'regionCode'>,
  regionCode: string,
): boolean {
  if (seesEverything(reporter)) return true;
  return reporter.organisationKind === 'region' && reporter.regionCode === regionCode;
}

/** R4: restanmälan and försäljningsuppehåll come from companies (marketing authorisation holders, parallel importers). */
export function maySendShortageNotices(reporter: Pick<Reporter, 'organisationKind'>): boolean {
  return reporter.organisationKind === 'company';
}

/** A company notifies shortages of, and plans deliveries for, only the packages it sells. */
export function sellsPackage(
  reporter: Pick<Reporter, 'organisationId'>,
  pkg: { companyId: number },
): boolean {
  return reporter.organisationId === pkg.companyId;
}

/**
 * Expected deliveries (R6 3.1.4) come from companies, for their own packages, and from anyone who
 * owns the receiving location (a wholesaler's warehouse, a hospital pharmacy).
 * Returns why not, or null when allowed.
 */
export function expectedDeliveryRefusal(
  reporter: Pick<Reporter, 'organisationId' | 'organisationKind'>,
  pkg: { companyId: number },
  location: { organisationId: number } | null,
): 'not_own_package' | 'not_own_location' | 'location_required' | null {
  if (location && !ownsLocation(reporter, location)) return 'not_own_location';
  if (reporter.organisationKind === 'company') return sellsPackage(reporter, pkg) ? null : 'not_own_package';
  return location ? null : 'location_required';
}

/** An expiry date before the day of counting: the pack had already expired when it was counted. */
export function expiryPassed(expiry: string, countedOn: string): boolean {
  return dayNumber(expiry) < dayNumber(countedOn);
}

/** Whether `instant` is later than `now`, allowing for clocks that differ by a few minutes. */
export function isInFuture(instant: number, now: number): boolean {
  return instant > now + FUTURE_TOLERANCE_MS;
}

/**
 * Which of two snapshots of one location is "current": the later count, and for equal counting
 * times the one received last (higher id). The older stays as history. (SQL twin: view current_snapshot.)
 */
export function supersedes(
  a: { countedAt: number; id: number },
  b: { countedAt: number; id: number },
): boolean {
  return a.countedAt > b.countedAt || (a.countedAt === b.countedAt && a.id > b.id);
}

/** Sex as reported: F, M or X; Swedish K (kvinna) is F. */
export function normaliseSex(raw: string): 'F' | 'M' | 'X' | undefined {
  const s = raw.trim().toUpperCase();
  if (s === 'F' || s === 'K') return 'F';
  if (s === 'M' || s === 'X') return s;
  return undefined;
}

const AGE_BAND = /^(\d{1,3})(?:-(\d{1,3})|\+)$/;

/** An age band such as '0-17', '18-64' or '65+' (lower bound not above the upper). */
export function isAgeBand(raw: string): boolean {
  const m = AGE_BAND.exec(raw);
  if (!m) return false;
  return m[2] === undefined || Number(m[1]) <= Number(m[2]);
}
