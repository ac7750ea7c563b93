import { AppError, type Problem } from './errors.js';

/**
 * Allocation of scarce supply (fördelning, R3; issue 13 item 2).
 *
 * R3 (seeds 001, 002): Läkemedelsverket may exempt a wholesaler from its delivery obligation in an
 * individual case so that scarce deliveries go by quota ("till exempelvis slutenvården, ett visst sjukhus
 * eller visst område"), and no region may be treated unequally. How the quota is computed is ours:
 *
 * 1. **Tiers in order** (ours, {@link DEFAULT_TIER_BY_RECIPIENT_KIND}): tier 1 is served before tier 2.
 * 2. **Within a tier, equal days of coverage** (weighted max-min fairness, water-filling): every recipient's
 *    coverage (stock + allocation) ÷ demand per day is raised to one common level, each within its own
 *    limits (a minimum and an upper bound, in packs); a recipient already above the level gets only its
 *    minimum. When the minimums of a tier exceed what is left, the minimums themselves are shared the same way.
 * 3. **Whole packs** ({@link ROUNDING_RULE}): each share is rounded down, and the packs left over go one each
 *    to the largest remainders (ties: lower coverage before first, then input order), so the lines add up
 *    to exactly the continuous total and never exceed what is available or a recipient's upper bound.
 *
 * The arithmetic is exact (rationals over bigint); numbers in the result are rounded only for display.
 */

/** Who receives a quota. */
export const RECIPIENT_KINDS = [
  'region',
  'hospital_pharmacy',
  'dose_pharmacy',
  'community_pharmacy',
] as const;
export type RecipientKind = (typeof RECIPIENT_KINDS)[number];

export function isRecipientKind(s: string): s is RecipientKind {
  return (RECIPIENT_KINDS as readonly string[]).includes(s);
}

/**
 * The default priority tier of each recipient kind (ours; the seeds name no tiers, only that a quota may
 * go e.g. to inpatient care, a hospital or an area, and that the nationally most prioritised care comes
 * first). Tier 1: care that cannot wait: hospital pharmacies (inpatient care), dose pharmacies (R5: dose
 * patients are not reached by the one-month self-preparedness advice) and regions as a whole. Tier 2:
 * community pharmacies. A planner may set any tier per recipient; the default is only the start.
 */
export const DEFAULT_TIER_BY_RECIPIENT_KIND: Readonly<Record<RecipientKind, number>> = {
  region: 1,
  hospital_pharmacy: 1,
  dose_pharmacy: 1,
  community_pharmacy: 2,
};

/** The documented rounding rule's name, stored with each allocation. */
export const ROUNDING_RULE = 'largest_remainder' as const;

export interface AllocationRecipient {
  /** A stable key: a region code or a location's id. */
  key: string;
  kind: RecipientKind;
  /** Priority tier, 1 first. */
  tier: number;
  /** Packs a day (≥ 0). A recipient with 0 gets only its minimum. */
  demandPerDay: number;
  /** Packs it holds now (≥ 0). */
  stock: number;
  /** The most it may get, in whole packs (e.g. its need over the horizon, or a cap). */
  upperBound: number;
  /** The least it should get, in whole packs, when there is enough (default 0). */
  minimum?: number;
}

export interface AllocationInput {
  /** Whole packs available to share (wholesale stock plus deliveries expected within the horizon). */
  available: number;
  recipients: readonly AllocationRecipient[];
}

/**
 * Why a line got what it got.
 * - `raised_to_level`: raised to the tier's common level of days;
 * - `capped_at_limit`: the level would give more, but its upper bound stops it;
 * - `above_level`: its stock alone already covers more days than the level: only its minimum;
 * - `no_demand`: no demand per day: only its minimum;
 * - `minimum_shared`: the tier's minimums take all that was left: the minimums were shared by days;
 * - `nothing_left`: an earlier tier took everything.
 */
export const ALLOCATION_REASONS = [
  'raised_to_level',
  'capped_at_limit',
  'above_level',
  'no_demand',
  'minimum_shared',
  'nothing_left',
] as const;
export type AllocationReason = (typeof ALLOCATION_REASONS)[number];

/** How whole-pack rounding changed the exact share: down to its floor, up by one pack, or not at all. */
export type AllocationRounding = 'exact' | 'down' | 'up';

export interface AllocationLine {
  key: string;
  kind: RecipientKind;
  tier: number;
  demandPerDay: number;
  stock: number;
  upperBound: number;
  minimum: number;
  /** Whole packs allocated. */
  allocated: number;
  /** The exact share before rounding, as a fraction "p/q" (or an integer). */
  exactShare: string;
  rounding: AllocationRounding;
  reason: AllocationReason;
  /** The tier's common level in days (null when the tier was not limited by supply, or got nothing). */
  levelDays: number | null;
  /** Days the stock lasts before and after (null without demand). */
  coverageBeforeDays: number | null;
  coverageAfterDays: number | null;
}

export interface AllocationTierSummary {
  tier: number;
  /** Packs left when the tier's turn came. */
  availableBefore: number;
  allocated: number;
  /** The common level in days; null when every recipient reached its upper bound (supply did not bind). */
  levelDays: number | null;
  /** Whether supply ran out within this tier. */
  exhausted: boolean;
}

export interface AllocationResult {
  available: number;
  allocated: number;
  /** Packs nobody could take (every upper bound reached). */
  left: number;
  roundingRule: typeof ROUNDING_RULE;
  tiers: AllocationTierSummary[];
  /** In the input's order. */
  lines: AllocationLine[];
}

// ---------------------------------------------------------------------------------------------------
// Exact rationals (bigint). Small and private: only what water-filling needs.

interface Q {
  n: bigint;
  d: bigint; // > 0, gcd(n, d) = 1
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}
function q(n: bigint, d = 1n): Q {
  if (d === 0n) throw new Error('division by zero');
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d);
  return g > 1n ? { n: n / g, d: d / g } : { n, d };
}
const ZERO = q(0n);
const add = (a: Q, b: Q): Q => q(a.n * b.d + b.n * a.d, a.d * b.d);
const sub = (a: Q, b: Q): Q => q(a.n * b.d - b.n * a.d, a.d * b.d);
const mul = (a: Q, b: Q): Q => q(a.n * b.n, a.d * b.d);
const div = (a: Q, b: Q): Q => q(a.n * b.d, a.d * b.n);
const cmp = (a: Q, b: Q): number => {
  const l = a.n * b.d;
  const r = b.n * a.d;
  return l < r ? -1 : l > r ? 1 : 0;
};
const minQ = (a: Q, b: Q): Q => (cmp(a, b) <= 0 ? a : b);
const maxQ = (a: Q, b: Q): Q => (cmp(a, b) >= 0 ? a : b);
const floorQ = (a: Q): bigint => {
  const f = a.n / a.d; // truncates toward zero
  return a.n < 0n && f * a.d !== a.n ? f - 1n : f;
};
const toNumber = (a: Q): number => Number(a.n) / Number(a.d);
const toText = (a: Q): string => (a.d === 1n ? String(a.n) : `${a.n}/${a.d}`);

/** The decimal a number prints as, exactly: 2.6 is 13/5 (not the binary double nearest to it). */
function fromNumber(x: number): Q {
  const s = String(x);
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(s);
  if (!m) throw new Error(`not a finite number: ${s}`);
  const digits = BigInt((m[2] ?? '') + (m[3] ?? ''));
  const exp = Number(m[4] ?? 0) - (m[3]?.length ?? 0);
  const signed = m[1] === '-' ? -digits : digits;
  return exp >= 0 ? q(signed * 10n ** BigInt(exp)) : q(signed, 10n ** BigInt(-exp));
}

// ---------------------------------------------------------------------------------------------------

interface Work {
  index: number;
  r: AllocationRecipient;
  d: Q;
  s: Q;
  lo: Q;
  hi: Q;
}

/**
 * Water-filling within one tier: the level L such that Σ clamp(L·dᵢ − sᵢ, loᵢ, hiᵢ) = budget, found exactly
 * from the sorted breakpoints (where a recipient starts rising, and where it reaches its bound). Returns
 * each share and L, or L = null when every recipient reaches hiᵢ within the budget.
 */
function waterFill(items: readonly Work[], budget: Q): { shares: Q[]; level: Q | null } {
  // A recipient without demand takes only its minimum, whatever the level.
  const most = (w: Work): Q => (w.d.n === 0n ? w.lo : w.hi);
  const base = items.reduce((acc, w) => add(acc, w.lo), ZERO);
  const top = items.reduce((acc, w) => add(acc, most(w)), ZERO);
  if (cmp(top, budget) <= 0) return { shares: items.map(most), level: null };
  if (cmp(base, budget) >= 0) {
    // Cannot happen when the caller shares the minimums first; kept as a guard.
    return { shares: items.map((w) => w.lo), level: ZERO };
  }
  const at = (level: Q, w: Work): Q =>
    w.d.n === 0n ? w.lo : minQ(w.hi, maxQ(w.lo, sub(mul(level, w.d), w.s)));
  const total = (level: Q): Q => items.reduce((acc, w) => add(acc, at(level, w)), ZERO);
  const points: Q[] = [];
  for (const w of items) {
    if (w.d.n === 0n) continue;
    points.push(div(add(w.s, w.lo), w.d), div(add(w.s, w.hi), w.d));
  }
  points.sort(cmp);
  // total() is continuous, non-decreasing and linear between breakpoints: find the segment holding budget.
  let prev = ZERO;
  let prevTotal = total(ZERO);
  for (const p of points) {
    const t = total(p);
    if (cmp(t, budget) >= 0) {
      // Linear on [prev, p]: slope = Σ dᵢ of those strictly between their bounds there.
      const slope = div(sub(t, prevTotal), sub(p, prev));
      const level = slope.n === 0n ? p : add(prev, div(sub(budget, prevTotal), slope));
      return { shares: items.map((w) => at(level, w)), level };
    }
    prev = p;
    prevTotal = t;
  }
  // Unreachable: at the last breakpoint the total is `top`, which exceeds the budget here.
  return { shares: items.map(most), level: null };
}

/**
 * Largest remainder: floor each share, then give the packs still owed one each to the largest fractional
 * parts (ties: lower coverage before first, then input order). `target` is Σ shares, an integer here.
 */
function roundShares(items: readonly Work[], shares: readonly Q[]): bigint[] {
  const floors = shares.map(floorQ);
  const target = floorQ(shares.reduce(add, ZERO));
  let owed = target - floors.reduce((a, b) => a + b, 0n);
  const order = items
    .map((w, i) => ({ i, rem: sub(shares[i] ?? ZERO, q(floors[i] ?? 0n)), w }))
    .filter((x) => x.rem.n > 0n)
    .sort((a, b) => {
      const byRem = cmp(b.rem, a.rem);
      if (byRem !== 0) return byRem;
      const ca = a.w.d.n === 0n ? null : div(a.w.s, a.w.d);
      const cb = b.w.d.n === 0n ? null : div(b.w.s, b.w.d);
      if (ca && cb && cmp(ca, cb) !== 0) return cmp(ca, cb);
      return a.w.index - b.w.index;
    });
  for (const x of order) {
    if (owed <= 0n) break;
    floors[x.i] = (floors[x.i] ?? 0n) + 1n;
    owed -= 1n;
  }
  return floors;
}

function checkInput(input: AllocationInput): Problem[] {
  const problems: Problem[] = [];
  if (!Number.isInteger(input.available) || input.available < 0) {
    problems.push({
      field: 'available',
      value: input.available,
      expected: 'a whole number of packs >= 0',
      message: `available ${input.available} is not a whole number of packs >= 0`,
    });
  }
  const keys = new Set<string>();
  input.recipients.forEach((r, i) => {
    const at = `recipients[${i}]`;
    const bad = (field: string, value: unknown, expected: string): void => {
      problems.push({
        at,
        field,
        value,
        expected,
        message: `recipient ${r.key}: ${field} ${String(value)} is not ${expected}`,
      });
    };
    if (keys.has(r.key)) bad('key', r.key, 'unique among the recipients');
    keys.add(r.key);
    if (!Number.isInteger(r.tier) || r.tier < 1) bad('tier', r.tier, 'a whole number >= 1');
    if (!Number.isFinite(r.demandPerDay) || r.demandPerDay < 0)
      bad('demandPerDay', r.demandPerDay, 'a number >= 0');
    if (!Number.isFinite(r.stock) || r.stock < 0) bad('stock', r.stock, 'a number >= 0');
    if (!Number.isInteger(r.upperBound) || r.upperBound < 0)
      bad('upperBound', r.upperBound, 'a whole number of packs >= 0');
    const min = r.minimum ?? 0;
    if (!Number.isInteger(min) || min < 0) bad('minimum', min, 'a whole number of packs >= 0');
    else if (Number.isInteger(r.upperBound) && min > r.upperBound)
      bad('minimum', min, `at most the upper bound ${r.upperBound}`);
  });
  return problems;
}

/**
 * Allocate `available` whole packs among the recipients: tiers in order, equal days of coverage within a
 * tier, each within its limits, whole packs by largest remainder. Every line says why it got what it got.
 * Worked cases (textbook max-min fairness, weights, tiers, limits, rounding): test/domain/allocation.spec.ts.
 * @throws AppError('invalid') naming each bad field; nothing is computed then.
 */
export function allocate(input: AllocationInput): AllocationResult {
  const problems = checkInput(input);
  if (problems.length > 0) {
    throw AppError.invalid(`allocation input: ${problems.map((p) => p.message).join('; ')}`, problems);
  }
  return allocateExact(input).result;
}

function allocateExact(input: AllocationInput): { result: AllocationResult; shares: Q[] } {
  const works: Work[] = input.recipients.map((r, index) => ({
    index,
    r,
    d: fromNumber(r.demandPerDay),
    s: fromNumber(r.stock),
    lo: q(BigInt(r.minimum ?? 0)),
    hi: q(BigInt(r.upperBound)),
  }));
  const shares: Q[] = works.map(() => ZERO);
  const packs: bigint[] = works.map(() => 0n);
  const reasons: AllocationReason[] = works.map(() => 'nothing_left');
  const levels: (Q | null)[] = works.map(() => null);
  const tiers: AllocationTierSummary[] = [];
  let left = BigInt(input.available);

  const tierNumbers = [...new Set(works.map((w) => w.r.tier))].sort((a, b) => a - b);
  for (const tier of tierNumbers) {
    const items = works.filter((w) => w.r.tier === tier);
    const availableBefore = left;
    if (left === 0n) {
      tiers.push({ tier, availableBefore: 0, allocated: 0, levelDays: null, exhausted: false });
      continue; // reasons stay 'nothing_left'
    }
    const budget = q(left);
    const minimums = items.reduce((acc, w) => add(acc, w.lo), ZERO);
    let tierShares: Q[];
    let level: Q | null;
    let minimumShared = false;
    if (minimums.n > 0n && cmp(minimums, budget) >= 0) {
      // The minimums take all that is left (or more): share the minimums by equal days (0 … minimum).
      minimumShared = true;
      const capped = items.map((w) => ({ ...w, lo: ZERO, hi: w.lo }));
      ({ shares: tierShares, level } = waterFill(capped, budget));
    } else {
      ({ shares: tierShares, level } = waterFill(items, budget));
    }
    const rounded = roundShares(items, tierShares);
    items.forEach((w, k) => {
      const share = tierShares[k] ?? ZERO;
      shares[w.index] = share;
      packs[w.index] = rounded[k] ?? 0n;
      levels[w.index] = level;
      reasons[w.index] = minimumShared
        ? 'minimum_shared'
        : w.d.n === 0n
          ? 'no_demand'
          : cmp(share, w.hi) === 0 && (level === null || cmp(sub(mul(level, w.d), w.s), w.hi) >= 0)
            ? 'capped_at_limit'
            : level !== null && cmp(sub(mul(level, w.d), w.s), w.lo) <= 0
              ? 'above_level'
              : 'raised_to_level';
    });
    const given = rounded.reduce((a, b) => a + b, 0n);
    left -= given;
    tiers.push({
      tier,
      availableBefore: Number(availableBefore),
      allocated: Number(given),
      levelDays: level === null ? null : toNumber(level),
      exhausted: left === 0n && items.some((w, k) => (rounded[k] ?? 0n) < floorQ(w.hi)),
    });
  }

  const lines: AllocationLine[] = works.map((w) => {
    const share = shares[w.index] ?? ZERO;
    const allocated = packs[w.index] ?? 0n;
    const floor = floorQ(share);
    const level = levels[w.index] ?? null;
    return {
      key: w.r.key,
      kind: w.r.kind,
      tier: w.r.tier,
      demandPerDay: w.r.demandPerDay,
      stock: w.r.stock,
      upperBound: w.r.upperBound,
      minimum: w.r.minimum ?? 0,
      allocated: Number(allocated),
      exactShare: toText(share),
      rounding: share.d === 1n ? 'exact' : allocated > floor ? 'up' : 'down',
      reason: reasons[w.index] ?? 'nothing_left',
      levelDays: level === null || reasons[w.index] === 'nothing_left' ? null : toNumber(level),
      coverageBeforeDays: w.d.n === 0n ? null : toNumber(div(w.s, w.d)),
      coverageAfterDays: w.d.n === 0n ? null : toNumber(div(add(w.s, q(allocated)), w.d)),
    };
  });
  const allocated = lines.reduce((a, l) => a + l.allocated, 0);
  return {
    result: {
      available: input.available,
      allocated,
      left: input.available - allocated,
      roundingRule: ROUNDING_RULE,
      tiers,
      lines,
    },
    shares,
  };
}

// ---------------------------------------------------------------------------------------------------
// The decision (R3): Läkemedelsverket decides an allocation, which freezes it, or withdraws it.

export const ALLOCATION_STATUSES = ['draft', 'decided', 'withdrawn'] as const;
export type AllocationStatus = (typeof ALLOCATION_STATUSES)[number];

/** R3: voluntary today; mandatory (tvingande) allocation is under inquiry (seed 002, report due 31 Mar 2026). */
export const DECISION_MODES = ['voluntary', 'mandatory'] as const;
export type DecisionMode = (typeof DECISION_MODES)[number];

/** Conditions a decision may set (R4 remedies, R6 sub-capabilities 3.2.5–3.2.7). */
export interface DecisionConditions {
  /** A cap on what one private person may collect per dispensing, in packs (R4, 3.2.7). */
  capPerDispensing?: number;
  /** A shortened minimum remaining shelf life for sale, in days (R4, 3.2.5). */
  minRemainingShelfLifeDays?: number;
  note?: string;
}

export interface AllocationDecisionInput {
  mode: DecisionMode;
  legalBasis: string;
  validFrom: string;
  validTo?: string | null | undefined;
  conditions?: DecisionConditions | undefined;
  reason: string;
}

/**
 * Whether a decision may be taken on an allocation in `status`, and its cross-field rules (validity
 * order, conditions). Returns the problems; none means it may be decided.
 */
export function checkAllocationDecision(status: AllocationStatus, input: AllocationDecisionInput): Problem[] {
  const problems: Problem[] = [];
  if (status !== 'draft') {
    problems.push({
      field: 'status',
      value: status,
      expected: 'draft',
      message: `the allocation is ${status}: only a draft can be decided`,
    });
  }
  if (input.legalBasis.trim() === '')
    problems.push({ field: 'legalBasis', expected: 'the legal basis', message: 'legalBasis is empty' });
  if (input.reason.trim() === '')
    problems.push({ field: 'reason', expected: 'why it is decided', message: 'reason is empty' });
  if (input.validTo && input.validTo < input.validFrom) {
    problems.push({
      field: 'validTo',
      value: input.validTo,
      expected: `on or after validFrom ${input.validFrom}`,
      message: `validTo ${input.validTo} is before validFrom ${input.validFrom}`,
    });
  }
  const c = input.conditions ?? {};
  if (c.capPerDispensing !== undefined && (!Number.isInteger(c.capPerDispensing) || c.capPerDispensing < 1)) {
    problems.push({
      field: 'conditions.capPerDispensing',
      value: c.capPerDispensing,
      expected: 'a whole number of packs >= 1',
      message: `capPerDispensing ${c.capPerDispensing} is not a whole number of packs >= 1`,
    });
  }
  if (
    c.minRemainingShelfLifeDays !== undefined &&
    (!Number.isInteger(c.minRemainingShelfLifeDays) || c.minRemainingShelfLifeDays < 0)
  ) {
    problems.push({
      field: 'conditions.minRemainingShelfLifeDays',
      value: c.minRemainingShelfLifeDays,
      expected: 'a whole number of days >= 0',
      message: `minRemainingShelfLifeDays ${c.minRemainingShelfLifeDays} is not a whole number of days >= 0`,
    });
  }
  return problems;
}

/** One region's figures of an allocation: its recipients' lines added up (R3: equity per region). */
export interface RegionEquity {
  regionCode: string;
  demandPerDay: number;
  stock: number;
  allocated: number;
  /** (Σ stock) ÷ (Σ demand), before and after; null without demand. */
  coverageBeforeDays: number | null;
  coverageAfterDays: number | null;
}

/**
 * Coverage per region before and after an allocation (R3: "no region treated unequally"): the lines of
 * each region added up, coverage as the aggregate's stock ÷ its demand (not the mean of its recipients').
 * Lines of region recipients give the region's own figures.
 */
export function equityByRegion(
  lines: readonly { regionCode: string; demandPerDay: number; stock: number; allocated: number }[],
): RegionEquity[] {
  const by = new Map<string, { demand: number; stock: number; allocated: number }>();
  for (const l of lines) {
    const s = by.get(l.regionCode) ?? { demand: 0, stock: 0, allocated: 0 };
    s.demand += l.demandPerDay;
    s.stock += l.stock;
    s.allocated += l.allocated;
    by.set(l.regionCode, s);
  }
  return [...by.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([regionCode, s]) => ({
      regionCode,
      demandPerDay: s.demand,
      stock: s.stock,
      allocated: s.allocated,
      coverageBeforeDays: s.demand > 0 ? s.stock / s.demand : null,
      coverageAfterDays: s.demand > 0 ? (s.stock + s.allocated) / s.demand : null,
    }));
}

// ---------------------------------------------------------------------------------------------------
// Deliveries under the quota (item 2: what a wholesaler may deliver to each recipient)

/** A wholesaler's delivery to one recipient under a decided allocation. */
export interface AllocationDeliveryInput {
  /** The wholesaler's own id of the delivery: sent again, nothing new is recorded. */
  deliveryId: string;
  recipientKey: string;
  /** Whole packs (units for a group), as the quota. */
  quantity: number;
  deliveredOn: string;
}

/** Where a recipient's quota stands: what it may get, what all suppliers delivered, what is left. */
export interface QuotaStanding {
  quota: number;
  delivered: number;
  remaining: number;
}

export type DeliveryVerdict =
  | { kind: 'ok' }
  | { kind: 'invalid'; message: string; problems: Problem[] }
  | { kind: 'conflict'; message: string };

/**
 * Whether a delivery may be recorded: the allocation is decided (not withdrawn), the recipient is one of
 * its lines, the day lies within the decision's validity, and the recipient's deliveries by all
 * suppliers stay within its quota (R3: deliveries go by quota).
 */
export function checkDelivery(args: {
  allocationId: number;
  status: 'decided' | 'withdrawn';
  unit: string;
  validFrom: string | null;
  validTo: string | null;
  recipient: { key: string; name: string; quota: number; delivered: number } | null;
  input: AllocationDeliveryInput;
}): DeliveryVerdict {
  const { allocationId, input, recipient, unit } = args;
  if (args.status === 'withdrawn')
    return {
      kind: 'conflict',
      message: `allocation ${allocationId} is withdrawn: its quota no longer applies and no delivery is recorded`,
    };
  const problems: Problem[] = [];
  if (!recipient)
    problems.push({
      field: 'recipientKey',
      value: input.recipientKey,
      expected: `a recipient of allocation ${allocationId} (region code or location id)`,
      message: `allocation ${allocationId} has no recipient ${input.recipientKey}`,
    });
  if (
    (args.validFrom !== null && input.deliveredOn < args.validFrom) ||
    (args.validTo !== null && input.deliveredOn > args.validTo)
  )
    problems.push({
      field: 'deliveredOn',
      value: input.deliveredOn,
      expected: `a day within the decision's validity, ${args.validFrom ?? '…'} – ${args.validTo ?? 'until further notice'}`,
      message: `deliveredOn ${input.deliveredOn} is outside the decision's validity`,
    });
  if (problems.length > 0)
    return {
      kind: 'invalid',
      message: `the delivery was not recorded: ${problems.map((p) => p.message).join('; ')}`,
      problems,
    };
  const r = recipient!;
  const after = r.delivered + input.quantity;
  if (after > r.quota)
    return {
      kind: 'conflict',
      message:
        `recipient ${r.name} (${r.key}): quota ${r.quota} ${unit}, already delivered ${r.delivered} ${unit}; ` +
        `this delivery of ${input.quantity} ${unit} would make ${after}, ${after - r.quota} over the quota`,
    };
  return { kind: 'ok' };
}
