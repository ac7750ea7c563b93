import { AppError, type Problem } from './errors.js';

/*
 * R2 (seed 003, the state–SKR agreement on medicine supply preparedness 2024): the funds the state
 * gives the regions, how they are split between the 21 regions, and what is due to be repaid.
 * Pure functions, no I/O. The agreements themselves (amounts, SKR's share, dates) are data, stored by
 * migration 0025 and documented in docs/obligations.md "Items 6, 7".
 */

/** One party's weight in an allocation (a region and its population). */
export interface AllocationWeight {
  key: string;
  weight: number;
}

/** One party's share of an allocation, in whole kronor. */
export interface AllocationShare {
  key: string;
  weight: number;
  amount: number;
}

/**
 * Splits `total` whole kronor between the parties in proportion to their weights, in whole kronor
 * that add up exactly to `total`, by the largest-remainder (Hamilton) method:
 * 1. each party's quota is total × weight / Σ weight; it gets the quota rounded down;
 * 2. the kronor left over (fewer than the number of parties) go one each to the parties with the
 *    largest remainders (quota − rounded-down quota);
 * 3. ties between equal remainders (ours, documented): the larger weight first (the more
 *    inhabitants, the more the krona matters to the share), then the key in ascending order (SCB
 *    code order), so that the answer never depends on the order the parties were given in.
 * The arithmetic is exact (BigInt): no rounding error can move a krona.
 *
 * Worked example: 100 kronor by weights A 1, B 1, C 1: quotas 33⅓ each, 33 each, 1 krona left, all
 * remainders equal and weights equal, so it goes to A (first key): A 34, B 33, C 33.
 *
 * Throws `invalid` when the total is not a non-negative whole number, a weight is not a non-negative
 * whole number, keys repeat, or every weight is 0 (nothing to be in proportion to).
 */
export function allocateLargestRemainder(
  total: number,
  weights: readonly AllocationWeight[],
): AllocationShare[] {
  const problems: Problem[] = [];
  if (!Number.isSafeInteger(total) || total < 0)
    problems.push({
      field: 'total',
      value: total,
      expected: 'whole kronor, 0 or more',
      message: `total ${total} is not whole kronor`,
    });
  const seen = new Set<string>();
  for (const w of weights) {
    if (!Number.isSafeInteger(w.weight) || w.weight < 0)
      problems.push({
        field: 'weight',
        value: w.weight,
        expected: 'a whole number, 0 or more',
        message: `${w.key}: weight ${w.weight} is not a whole number of 0 or more`,
      });
    if (seen.has(w.key)) problems.push({ field: 'key', value: w.key, message: `${w.key} is given twice` });
    seen.add(w.key);
  }
  const sum = weights.reduce((a, w) => a + BigInt(Number.isSafeInteger(w.weight) ? w.weight : 0), 0n);
  if (problems.length === 0 && sum === 0n && total > 0)
    problems.push({ field: 'weight', message: 'every weight is 0: nothing to allocate in proportion to' });
  if (problems.length > 0) throw AppError.invalid('the allocation cannot be computed', problems);
  if (weights.length === 0) return [];

  const bigTotal = BigInt(total);
  const parts = weights.map((w) => {
    const scaled = bigTotal * BigInt(w.weight);
    return { key: w.key, weight: w.weight, floor: scaled / sum, remainder: scaled % sum };
  });
  let left = bigTotal - parts.reduce((a, p) => a + p.floor, 0n);
  const order = [...parts].sort((a, b) =>
    a.remainder !== b.remainder
      ? a.remainder > b.remainder
        ? -1
        : 1
      : b.weight - a.weight || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
  const extra = new Set<string>();
  for (const p of order) {
    if (left === 0n) break;
    extra.add(p.key);
    left -= 1n;
  }
  return parts.map((p) => ({
    key: p.key,
    weight: p.weight,
    amount: Number(p.floor) + (extra.has(p.key) ? 1 : 0),
  }));
}

/** An agreement between the state and SKR (R2), as stored (migration 0025). */
export interface FundAgreement {
  code: string;
  /** The agreement's whole amount, regions and SKR together. */
  totalSek: number;
  /** What is allocated to the regions by population share. */
  regionsSek: number;
  /** SKR's share; null when seed 003 does not say it (2022, 2023). */
  skrSek: number | null;
  /** The population the regions' shares are computed from (the day it refers to). */
  populationDate: string;
  /** The last day the regions could requisition the funds; null when the seed does not say. */
  requisitionBy: string | null;
  /** The period the funds may be used in, inclusive. */
  usableFrom: string;
  usableTo: string;
  /** Unused funds are repaid to Kammarkollegiet by this day. */
  repayBy: string;
}

/** One recorded use of a region's funds. */
export interface FundUse {
  amountSek: number;
  usedOn: string;
}

/** Where a region's funds of one agreement stand on a day. */
export interface FundStatus {
  allocatedSek: number;
  usedSek: number;
  /** Allocated − used: what may still be used (or, after the period, must be repaid). */
  unusedSek: number;
  /** What must be repaid by `repayBy`: the unused amount (0 when all is used). */
  dueToRepaySek: number;
  repayBy: string;
  /**
   * - `open`: the funds may still be used (today within the usable period or before it);
   * - `to_repay`: the period is over, unused funds remain, the repayment day has not passed;
   * - `overdue`: the repayment day has passed and unused funds remain (nothing here records a
   *   repayment: repayments are outside the system, so this says what should have been repaid);
   * - `settled`: everything is used.
   */
  state: 'open' | 'to_repay' | 'overdue' | 'settled';
}

/**
 * R2: what a region has used of an agreement's funds and what it must repay, on `today`: unused =
 * allocated − the uses recorded; due to be repaid by the agreement's repayment day = the unused
 * amount (seed 003: "Medel som inte har använts för avsett ändamål ska återbetalas till
 * Kammarkollegiet senast den …").
 *
 * Worked example: 2024's agreement (repay by 2026-03-31), region allocated 1,000,000 kr, uses of
 * 300,000 and 450,000: used 750,000, unused 250,000; on 2025-06-01 `open`, on 2026-02-01
 * `to_repay` 250,000 by 2026-03-31, on 2026-04-01 `overdue`.
 */
export function fundStatus(
  agreement: Pick<FundAgreement, 'usableTo' | 'repayBy'>,
  allocatedSek: number,
  uses: readonly FundUse[],
  today: string,
): FundStatus {
  const usedSek = uses.reduce((a, u) => a + u.amountSek, 0);
  const unusedSek = allocatedSek - usedSek;
  const dueToRepaySek = Math.max(0, unusedSek);
  let state: FundStatus['state'];
  if (dueToRepaySek === 0) state = 'settled';
  else if (today <= agreement.usableTo) state = 'open';
  else if (today <= agreement.repayBy) state = 'to_repay';
  else state = 'overdue';
  return { allocatedSek, usedSek, unusedSek, dueToRepaySek, repayBy: agreement.repayBy, state };
}

/** The longest purpose a recorded use may have. */
export const MAX_PURPOSE_LENGTH = 500;

/** A use of funds a region wants to record. */
export interface FundUseInput {
  amountSek: number;
  usedOn: string;
  purpose: string;
}

/**
 * Checks a use of funds against its agreement and what is left (R2), and returns every problem
 * found (empty: it may be recorded):
 * - the amount is whole kronor above 0 and at most what is unused (a region cannot use more than it
 *   was allocated);
 * - the day lies in the agreement's usable period (seed 003: 2024's funds "får användas under 2024
 *   och 2025"; the earlier agreements' periods as the 2024 agreement revised them);
 * - the purpose says what the funds were used for (1–500 characters).
 */
export function fundUseProblems(
  agreement: Pick<FundAgreement, 'code' | 'usableFrom' | 'usableTo'>,
  unusedSek: number,
  input: FundUseInput,
): Problem[] {
  const problems: Problem[] = [];
  if (!Number.isSafeInteger(input.amountSek) || input.amountSek <= 0)
    problems.push({
      field: 'amountSek',
      value: input.amountSek,
      expected: 'whole kronor above 0',
      message: `amount ${input.amountSek} is not whole kronor above 0`,
    });
  else if (input.amountSek > unusedSek)
    problems.push({
      field: 'amountSek',
      value: input.amountSek,
      expected: `at most ${unusedSek} (unused of agreement ${agreement.code})`,
      message: `amount ${input.amountSek} is more than the ${unusedSek} kr unused of agreement ${agreement.code}`,
    });
  if (input.usedOn < agreement.usableFrom || input.usedOn > agreement.usableTo)
    problems.push({
      field: 'usedOn',
      value: input.usedOn,
      expected: `a day from ${agreement.usableFrom} to ${agreement.usableTo}`,
      message: `agreement ${agreement.code}'s funds may be used from ${agreement.usableFrom} to ${agreement.usableTo}, not on ${input.usedOn}`,
    });
  const purpose = input.purpose.trim();
  if (purpose.length === 0 || purpose.length > MAX_PURPOSE_LENGTH)
    problems.push({
      field: 'purpose',
      value: purpose.slice(0, 40),
      expected: `what the funds were used for, 1–${MAX_PURPOSE_LENGTH} characters`,
      message: `purpose must say what the funds were used for (1–${MAX_PURPOSE_LENGTH} characters)`,
    });
  return problems;
}
