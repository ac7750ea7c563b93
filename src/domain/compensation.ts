import type { Problem } from './errors.js';
import { isIsoDay, REASON_MAX_LENGTH } from './dispensation.js';

/*
 * Compensation for obligatory stock (R1, issue 12 item 5): a company applies to TLV for a year; the
 * amount is computed by a versioned model; TLV approves, adjusts or denies. The documents fix no
 * formula (DOMAIN.md R1), so the model and every parameter below are our choice, documented in
 * docs/obligations.md. A decision keeps the model version and the amount computed, so a new version
 * never changes a past decision. Pure functions: no I/O.
 */

/** One version of the compensation model. */
export interface CompensationModel {
  version: number;
  /** Applications filed on or after this day use this version (until a newer one). */
  validFrom: string;
  /**
   * The reference rate, percent a year. Our default 2.00: set each version to the rate in force (e.g.
   * Riksbanken's referensränta); not a figure from the seeds.
   */
  referenceRatePercent: number;
  /**
   * Added to the reference rate, percentage points. Default 2: Finland compensates the capital tied up
   * at "a reference rate plus 2 percentage points" (issue 12's account of the Finnish scheme).
   */
  marginPercentagePoints: number;
  /** Storage and handling, SEK per pack and month held. Default 0.50: our choice, to be set by TLV. */
  storageSekPerUnitMonth: number;
  note: string;
}

/** The model's first version (migration 0023 stores it as version 1). */
export const DEFAULT_COMPENSATION_MODEL: CompensationModel = {
  version: 1,
  validFrom: '2026-01-01',
  referenceRatePercent: 2,
  marginPercentagePoints: 2,
  storageSekPerUnitMonth: 0.5,
  note:
    'Kapitalkostnad: referensränta + 2 procentenheter (som i Finland) på värdet av skyldighetslagret ' +
    '(volym × AIP), plus lagerkostnad per förpackning och månad.',
};

/**
 * The obligation of one package in one month of the year: the volume in force on the first day of
 * the month (our choice: one volume per month, read on its first day) at the package's price.
 */
export interface CompensationMonth {
  packageId: number;
  /** 1–12. */
  month: number;
  volume: number;
  /** AIP, SEK per pack; null when the register has none (the capital cost is then 0 and flagged). */
  priceSek: number | null;
}

export interface CompensationLine {
  packageId: number;
  /** Σ volume over the months (pack-months). */
  packMonths: number;
  /** Σ volume × price over the months (SEK-months of stock value). */
  valueMonths: number;
  /** Whole kronor. */
  capitalCostSek: number;
  storageCostSek: number;
  amountSek: number;
  priceMissing: boolean;
}

export interface CompensationResult {
  modelVersion: number;
  lines: CompensationLine[];
  capitalCostSek: number;
  storageCostSek: number;
  amountSek: number;
}

/**
 * The amount for a year under `model`:
 *   capital cost = Σ months volume × price × (reference rate + margin) ÷ 100 ÷ 12
 *   storage cost = Σ months volume × storage cost per pack and month
 * per package, each rounded to whole kronor (half up); the total is the sum of the rounded lines, so
 * the lines add up to it exactly.
 *
 * Worked example (reference rate 2 %, margin 2 pp, storage 0.50 SEK): package A, 900 packs at 120 SEK
 * in January and February, 300 packs (a dispensation) March–December: value-months
 * 900 × 120 × 2 + 300 × 120 × 10 = 576,000 SEK-months; capital 576,000 × 4 % ÷ 12 = 1,920 SEK;
 * pack-months 1,800 + 3,000 = 4,800; storage 4,800 × 0.50 = 2,400 SEK; A = 4,320 SEK.
 */
export function computeCompensation(
  model: CompensationModel,
  months: readonly CompensationMonth[],
): CompensationResult {
  const byPackage = new Map<number, { packMonths: number; valueMonths: number; priceMissing: boolean }>();
  for (const m of months) {
    const line = byPackage.get(m.packageId) ?? { packMonths: 0, valueMonths: 0, priceMissing: false };
    line.packMonths += m.volume;
    if (m.priceSek === null) {
      if (m.volume > 0) line.priceMissing = true;
    } else line.valueMonths += m.volume * m.priceSek;
    byPackage.set(m.packageId, line);
  }
  const rate = model.referenceRatePercent + model.marginPercentagePoints;
  const lines: CompensationLine[] = [...byPackage.entries()]
    .sort(([a], [b]) => a - b)
    .map(([packageId, l]) => {
      const capitalCostSek = roundSek((l.valueMonths * rate) / 1200);
      const storageCostSek = roundSek(l.packMonths * model.storageSekPerUnitMonth);
      return {
        packageId,
        packMonths: l.packMonths,
        valueMonths: roundOre(l.valueMonths),
        capitalCostSek,
        storageCostSek,
        amountSek: capitalCostSek + storageCostSek,
        priceMissing: l.priceMissing,
      };
    });
  const sum = (f: (l: CompensationLine) => number) => lines.reduce((s, l) => s + f(l), 0);
  return {
    modelVersion: model.version,
    lines,
    capitalCostSek: sum((l) => l.capitalCostSek),
    storageCostSek: sum((l) => l.storageCostSek),
    amountSek: sum((l) => l.amountSek),
  };
}

/** Half up to whole kronor, robust to binary fractions such as 1919.9999999. */
function roundSek(x: number): number {
  return Math.round(Math.round(x * 100) / 100);
}

function roundOre(x: number): number {
  return Math.round(x * 100) / 100;
}

/** The version in force for an application filed on `on`: the newest whose validFrom is on or before it. */
export function modelInForce(
  models: readonly CompensationModel[],
  on: string,
): CompensationModel | undefined {
  let best: CompensationModel | undefined;
  for (const m of models) {
    if (m.validFrom > on) continue;
    if (
      best === undefined ||
      m.validFrom > best.validFrom ||
      (m.validFrom === best.validFrom && m.version > best.version)
    )
      best = m;
  }
  return best;
}

/** The parameters of a new model version, as TLV sends them. */
export type CompensationModelInput = Omit<CompensationModel, 'version'>;

/** Bounds of the parameters, our choice: rates in 0–100 %, storage in 0–10,000 SEK per pack and month. */
export const MODEL_BOUNDS = {
  referenceRatePercent: [-5, 100],
  marginPercentagePoints: [0, 100],
  storageSekPerUnitMonth: [0, 10_000],
} as const;

export function checkCompensationModel(input: CompensationModelInput): Problem[] {
  const problems: Problem[] = [];
  if (!isIsoDay(input.validFrom))
    problems.push({
      field: 'validFrom',
      value: input.validFrom,
      expected: 'a day YYYY-MM-DD',
      message: `validFrom ${input.validFrom} is not a day YYYY-MM-DD`,
    });
  for (const field of Object.keys(MODEL_BOUNDS) as (keyof typeof MODEL_BOUNDS)[]) {
    const [min, max] = MODEL_BOUNDS[field];
    const value = input[field];
    if (!Number.isFinite(value) || value < min || value > max)
      problems.push({
        field,
        value,
        expected: `a number from ${min} to ${max}`,
        message: `${field} ${value} is outside ${min} … ${max}`,
      });
  }
  if (input.note.trim().length === 0)
    problems.push({
      field: 'note',
      value: input.note,
      expected: 'what changed and why',
      message: 'a new model version needs a note saying what changed and why',
    });
  return problems;
}

export const COMPENSATION_STATUSES = ['pending', 'approved', 'adjusted', 'denied'] as const;
export type CompensationStatus = (typeof COMPENSATION_STATUSES)[number];

export const COMPENSATION_OUTCOMES = ['approve', 'adjust', 'deny'] as const;
export type CompensationOutcome = (typeof COMPENSATION_OUTCOMES)[number];

export interface CompensationDecisionInput {
  outcome: CompensationOutcome;
  reason: string;
  /** Only when adjusting: the amount decided, whole kronor. */
  amountSek?: number | undefined;
}

/**
 * The problems of TLV's decision, and the amount it decides: approve = the computed amount, adjust =
 * the amount given (whole kronor, 0 or more, not the computed one), deny = 0. A reason is required
 * for every outcome (every decision is audited with who, when and why).
 */
export function checkCompensationDecision(
  input: CompensationDecisionInput,
  computedSek: number,
): { problems: Problem[]; decidedSek: number } {
  const problems: Problem[] = [];
  const reason = input.reason.trim();
  if (reason.length === 0)
    problems.push({
      field: 'reason',
      value: input.reason,
      expected: 'a reason in words',
      message: 'a reason is required',
    });
  else if (reason.length > REASON_MAX_LENGTH)
    problems.push({
      field: 'reason',
      valueLength: input.reason.length,
      expected: `at most ${REASON_MAX_LENGTH} characters`,
      message: `the reason is longer than ${REASON_MAX_LENGTH} characters`,
    });
  let decidedSek = 0;
  switch (input.outcome) {
    case 'approve':
    case 'deny':
      if (input.amountSek !== undefined)
        problems.push({
          field: 'amountSek',
          value: input.amountSek,
          expected: `nothing when the outcome is ${input.outcome}`,
          message: `amountSek is given, but only an adjustment takes an amount`,
        });
      decidedSek = input.outcome === 'approve' ? computedSek : 0;
      break;
    case 'adjust':
      if (input.amountSek === undefined || !Number.isInteger(input.amountSek) || input.amountSek < 0)
        problems.push({
          field: 'amountSek',
          value: input.amountSek ?? null,
          expected: 'a whole number of kronor, 0 or more',
          message: 'an adjustment needs the amount decided in whole kronor, 0 or more',
        });
      else if (input.amountSek === computedSek)
        problems.push({
          field: 'amountSek',
          value: input.amountSek,
          expected: `an amount other than the computed ${computedSek} (or approve it)`,
          message: `amountSek ${input.amountSek} is the computed amount: approve instead of adjusting`,
        });
      else decidedSek = input.amountSek;
      break;
  }
  return { problems, decidedSek };
}

export const statusOfOutcome = (o: CompensationOutcome): CompensationStatus =>
  o === 'approve' ? 'approved' : o === 'adjust' ? 'adjusted' : 'denied';
