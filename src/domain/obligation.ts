import { addCalendarMonths, addDays, dayNumber } from './calendar.js';
import { isAuthority, mayDecide, type AuthorityMark } from './actors.js';
import { AppError, type Problem } from './errors.js';

/*
 * R1, the stockpiling obligation of companies (DOMAIN.md, seed 000; issue 12 items 1 and 2). Pure:
 * the store computes the basis from the sales and keeps the results (src/store/obligation.repository.ts).
 */

/** R1: volume = 3 months of normal consumption (SOU 2021:19 proposed 6): a parameter. */
export const DEFAULT_OBLIGATION_MONTHS = 3;
/** R1: revised when sales have risen or fallen by at least 25 % against the basis used. */
export const DEFAULT_REVISION_THRESHOLD = 0.25;
/** Normal consumption = 12 months of historical sales (R1). */
export const BASIS_MONTHS = 12;
/**
 * Ours: volumes for year Y are fixed from the 12 months before 1 October of Y − 1, leaving
 * Läkemedelsverket three months to decide before the year begins ("fixed before each calendar year",
 * R1). A parameter of every calculation.
 */
export const DEFAULT_CUTOFF_MONTH_DAY = '10-01';
/** The largest number of months a calculation accepts (twice the 6 months SOU 2021:19 proposed, and more). */
export const MAX_OBLIGATION_MONTHS = 24;

/** R1: why a package carries no obligation. */
export const EXEMPT_REASONS = ['parallel_traded', 'licence'] as const;
export type ExemptReason = (typeof EXEMPT_REASONS)[number];

export const EXEMPT_REASON_NAMES_SV: Readonly<Record<ExemptReason, string>> = {
  parallel_traded: 'Parallellhandlad (undantagen)',
  licence: 'Licensläkemedel (undantaget)',
};

/** The parameters of one calculation of a year. */
export interface ObligationParameters {
  year: number;
  /** Months of normal consumption to hold (R1 default 3). */
  months: number;
  /** Relative change of rolling 12-month sales that revises a volume (R1 default 0.25). */
  revisionThreshold: number;
  /** Volumes are fixed from the 12 months before this day (YYYY-MM-DD). */
  cutoff: string;
}

/** The day of the basis period: the 12 calendar months before the cut-off (inclusive bounds). */
export interface Period {
  from: string;
  to: string;
}

/** The default cut-off of a year: 1 October of the year before (DEFAULT_CUTOFF_MONTH_DAY). */
export function defaultCutoff(year: number): string {
  return `${year - 1}-${DEFAULT_CUTOFF_MONTH_DAY}`;
}

/** The 12 months before `day`: from the same date a year earlier to the day before. */
export function rollingYearBefore(day: string): Period {
  return { from: addCalendarMonths(day, -BASIS_MONTHS), to: addDays(day, -1) };
}

/** The parameters with R1's defaults where not given. */
export function obligationParameters(
  p: Pick<ObligationParameters, 'year'> & Partial<ObligationParameters>,
): ObligationParameters {
  return {
    year: p.year,
    months: p.months ?? DEFAULT_OBLIGATION_MONTHS,
    revisionThreshold: p.revisionThreshold ?? DEFAULT_REVISION_THRESHOLD,
    cutoff: p.cutoff ?? defaultCutoff(p.year),
  };
}

/**
 * Checks a calculation's parameters; throws AppError('invalid') naming each field that does not hold
 * and what was expected. The cut-off must lie before the year begins (R1: "fixed before each
 * calendar year") and no more than a year before it.
 */
export function checkObligationParameters(p: ObligationParameters): void {
  const problems: Problem[] = [];
  if (!Number.isInteger(p.year) || p.year < 2000 || p.year > 2100)
    problems.push({
      field: 'year',
      value: p.year,
      expected: 'a year from 2000 to 2100',
      message: 'bad year',
    });
  if (!Number.isFinite(p.months) || p.months <= 0 || p.months > MAX_OBLIGATION_MONTHS)
    problems.push({
      field: 'months',
      value: p.months,
      expected: `more than 0 and at most ${MAX_OBLIGATION_MONTHS} months`,
      message: `months ${p.months} is outside (0, ${MAX_OBLIGATION_MONTHS}]`,
    });
  if (!Number.isFinite(p.revisionThreshold) || p.revisionThreshold <= 0 || p.revisionThreshold >= 10)
    problems.push({
      field: 'revisionThreshold',
      value: p.revisionThreshold,
      expected: 'a share above 0, e.g. 0.25 for 25 %',
      message: `revision threshold ${p.revisionThreshold} is not a share above 0`,
    });
  let cutoffValid = true;
  try {
    dayNumber(p.cutoff);
  } catch {
    cutoffValid = false;
    problems.push({
      field: 'cutoff',
      value: p.cutoff,
      expected: 'a date YYYY-MM-DD',
      message: 'bad cut-off',
    });
  }
  if (cutoffValid && problems.every((x) => x.field !== 'year')) {
    const yearStart = `${p.year}-01-01`;
    if (p.cutoff > yearStart || p.cutoff < `${p.year - 1}-01-01`)
      problems.push({
        field: 'cutoff',
        value: p.cutoff,
        expected: `a date from ${p.year - 1}-01-01 to ${yearStart} (volumes are fixed before the year)`,
        message: `cut-off ${p.cutoff} does not lie in the year before ${p.year}`,
      });
  }
  if (problems.length > 0)
    throw AppError.invalid(
      `obligation parameters: ${problems.map((x) => `${x.field}: expected ${x.expected ?? ''}`).join('; ')}`,
      problems,
    );
}

/** R1: parallel-traded and licence packages are exempt; parallel trade is named first when both hold. */
export function exemptReasonOf(pkg: { parallelTraded: boolean; licence: boolean }): ExemptReason | null {
  if (pkg.parallelTraded) return 'parallel_traded';
  if (pkg.licence) return 'licence';
  return null;
}

/**
 * R1: volume = months × basis ÷ 12, in whole packages. Ours: rounded UP, so that the stock held
 * covers at least the months decided (a basis of 1,000 packages a year at 3 months is 250; 1,001 is
 * 250.25, held as 251). A tolerance of 1e-9 keeps a basis made of fractions (weekly rows spread over
 * days) from adding a package through floating-point noise.
 */
export function obligationVolume(basisUnits: number, months: number): number {
  if (!(basisUnits > 0)) return 0;
  return Math.ceil((months * basisUnits) / BASIS_MONTHS - 1e-9);
}

/** One company × package of a calculation, before it is stored. */
export interface ObligationLine {
  companyId: number;
  packageId: number;
  /** Packages the company sold in the basis period (one source per sale). */
  basisUnits: number;
  volume: number;
  exemptReason: ExemptReason | null;
  sellerOnCutoff: boolean;
  priceSek: number | null;
}

/** What the store reads for one company × package: its sales in the basis period and the flags. */
export interface ObligationBasis {
  companyId: number;
  packageId: number;
  basisUnits: number;
  parallelTraded: boolean;
  licence: boolean;
  sellerOnCutoff: boolean;
  priceSek: number | null;
}

/** R1: the line of a company × package: the volume, or 0 with the reason when exempt. */
export function obligationLine(b: ObligationBasis, months: number): ObligationLine {
  const exemptReason = exemptReasonOf(b);
  return {
    companyId: b.companyId,
    packageId: b.packageId,
    basisUnits: b.basisUnits,
    volume: exemptReason === null ? obligationVolume(b.basisUnits, months) : 0,
    exemptReason,
    sellerOnCutoff: b.sellerOnCutoff,
    priceSek: b.priceSek,
  };
}

/** The outcome of the revision test of one line. */
export interface RevisionTest {
  /** (rolling − basis) ÷ basis; null when the basis is 0 (any sales are then a rise without bound). */
  change: number | null;
  due: boolean;
  newVolume: number;
}

/**
 * R1: a volume is revised when rolling 12-month sales have risen or fallen by at least the threshold
 * against the basis used (the line's, or the last revision's). Worked: basis 1,000, rolling 1,250 is
 * +25 %: revised, 3 months gives 313 (312.5 up). Rolling 760 is −24 %: not revised. A basis of 0 with
 * any sales is revised; exempt lines never are.
 */
export function revisionTest(
  line: { basisUnits: number; exemptReason: ExemptReason | null },
  rollingUnits: number,
  months: number,
  threshold: number,
): RevisionTest {
  const newVolume = obligationVolume(rollingUnits, months);
  if (line.exemptReason !== null) return { change: null, due: false, newVolume: 0 };
  if (line.basisUnits <= 0) return { change: null, due: rollingUnits > 0, newVolume };
  const change = (rollingUnits - line.basisUnits) / line.basisUnits;
  // Compared with a tolerance: 1,250 against 1,000 is exactly 25 %, which "at least 25 %" includes.
  return { change, due: Math.abs(change) >= threshold - 1e-12, newVolume };
}

// Totals and the what-if (item 2) -----------------------------------------------------------------

/** Totals of a set of lines: packages held and their value at AIP (price_sek × packages). */
export interface ObligationTotals {
  lines: number;
  obligatedLines: number;
  exemptLines: number;
  volume: number;
  valueSek: number;
  /** Lines whose package has no price: their packages are in `volume` but not in `valueSek`. */
  unpricedLines: number;
}

export function obligationTotals(
  lines: readonly Pick<ObligationLine, 'volume' | 'exemptReason' | 'priceSek'>[],
): ObligationTotals {
  const t: ObligationTotals = {
    lines: 0,
    obligatedLines: 0,
    exemptLines: 0,
    volume: 0,
    valueSek: 0,
    unpricedLines: 0,
  };
  for (const l of lines) {
    t.lines++;
    if (l.exemptReason !== null) t.exemptLines++;
    else if (l.volume > 0) t.obligatedLines++;
    t.volume += l.volume;
    if (l.priceSek === null) {
      if (l.volume > 0) t.unpricedLines++;
    } else t.valueSek += l.volume * l.priceSek;
  }
  // Öre: a sum of prices with two decimals, kept to two decimals.
  t.valueSek = Math.round(t.valueSek * 100) / 100;
  return t;
}

/** Totals per company, ordered by company id. */
export function totalsByCompany<
  L extends Pick<ObligationLine, 'companyId' | 'volume' | 'exemptReason' | 'priceSek'>,
>(lines: readonly L[]): Map<number, ObligationTotals> {
  const byCompany = new Map<number, L[]>();
  for (const l of lines) byCompany.set(l.companyId, [...(byCompany.get(l.companyId) ?? []), l]);
  return new Map(
    [...byCompany.entries()].sort(([a], [b]) => a - b).map(([id, ls]) => [id, obligationTotals(ls)]),
  );
}

/** One company in a what-if: its totals under each scenario, in the order the scenarios were given. */
export interface WhatIfRow {
  companyId: number;
  scenarios: ObligationTotals[];
}

/**
 * Item 2: the same year under several parameter sets, side by side: per company and nationally, the
 * total volume and value of each scenario. A company absent from a scenario gets zero totals there.
 */
export function compareScenarios(
  scenarios: readonly (readonly Pick<
    ObligationLine,
    'companyId' | 'volume' | 'exemptReason' | 'priceSek'
  >[])[],
): { companies: WhatIfRow[]; national: ObligationTotals[] } {
  const perScenario = scenarios.map((lines) => totalsByCompany(lines));
  const ids = [...new Set(perScenario.flatMap((m) => [...m.keys()]))].sort((a, b) => a - b);
  const empty = (): ObligationTotals => obligationTotals([]);
  return {
    companies: ids.map((companyId) => ({
      companyId,
      scenarios: perScenario.map((m) => m.get(companyId) ?? empty()),
    })),
    national: scenarios.map((lines) => obligationTotals(lines)),
  };
}

// Who sees what (item 9) ---------------------------------------------------------------------------

/**
 * Who sees every company's obligations (calculations, what-ifs, every decision): Läkemedelsverket,
 * which decides them, and TLV, which supports it (R1, DOMAIN.md). Everyone else sees only its own
 * organisation's published decisions: a company its own list.
 */
export function seesAllObligations(org: AuthorityMark): boolean {
  return mayDecide(org, 'obligation') || isAuthority(org, 'tlv');
}
