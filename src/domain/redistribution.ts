/**
 * Redistribution (omfördelning, DOMAIN.md R3; issue 13 item 3): move undispensed stock of one package
 * or interchangeable group from where it lasts longest to where it runs out first, only between the
 * location kinds the rule table allows, keeping every donor above its safety floor in days and never
 * moving a batch whose remaining shelf life at the transfer date is below the set minimum.
 *
 * The objective is lexicographic (ours, as the issue asks): first maximise the lowest coverage in days
 * among the locations in the plan, then, at that optimum, minimise transport (quantity × km). We solve
 * it as two linear programmes (phase 1: max t; phase 2: min transport with coverage ≥ t*), each written
 * as CPLEX LP text, so the same model can be solved by HiGHS (src/solver/) or by GLPK's glpsol.
 *
 * The LP works on one variable per arc (the quantity moved from u to v), not per batch: within one
 * donor, eligible batches are interchangeable for coverage and transport, so the aggregate LP has the
 * same optimum; after solving, each arc's quantity is filled from the donor's eligible batches
 * earliest expiry first ({@link assignBatches}, our choice). Pure: no I/O, no clock.
 */
import { AppError, type Problem } from './errors.js';
import { straightLineKm } from './distance.js';
import type { LocationKind } from './vocabulary.js';

/** The location kinds a redistribution plan may involve. */
export const REDISTRIBUTION_KINDS = ['community_pharmacy', 'hospital_pharmacy', 'care_unit_store'] as const;
export type RedistributionKind = (typeof REDISTRIBUTION_KINDS)[number];

/** One allowed pair in the rule table, with where it comes from. */
export interface KindRule {
  from: RedistributionKind;
  to: RedistributionKind;
  source: string;
}

/**
 * The rule table of allowed location-kind pairs (DOMAIN.md R3, seeds 001–002): between community
 * pharmacies, between hospital pharmacies and community pharmacies (both ways), and between hospital
 * pharmacies. Care-unit stores are out of scope today; {@link allowedKindRules} adds them only when the
 * switch `careUnitStores` is on (the region asks for them later: a rule, not a hard-coded assumption).
 */
export const R3_KIND_RULES: readonly KindRule[] = [
  { from: 'community_pharmacy', to: 'community_pharmacy', source: 'R3' },
  { from: 'hospital_pharmacy', to: 'community_pharmacy', source: 'R3' },
  { from: 'community_pharmacy', to: 'hospital_pharmacy', source: 'R3' },
  { from: 'hospital_pharmacy', to: 'hospital_pharmacy', source: 'R3' },
];

/** The pairs the switch `careUnitStores` adds (ours: not allowed by R3 today; off by default). */
export const CARE_UNIT_STORE_RULES: readonly KindRule[] = [
  { from: 'hospital_pharmacy', to: 'care_unit_store', source: 'switch careUnitStores (not R3 today)' },
  { from: 'care_unit_store', to: 'hospital_pharmacy', source: 'switch careUnitStores (not R3 today)' },
  { from: 'care_unit_store', to: 'care_unit_store', source: 'switch careUnitStores (not R3 today)' },
];

/** The rule table in force for the given switches. */
export function allowedKindRules(switches: { careUnitStores: boolean }): readonly KindRule[] {
  return switches.careUnitStores ? [...R3_KIND_RULES, ...CARE_UNIT_STORE_RULES] : R3_KIND_RULES;
}

/** Whether the rule table allows moving stock from a location of kind `from` to one of kind `to`. */
export function pairAllowed(rules: readonly KindRule[], from: string, to: string): boolean {
  return rules.some((r) => r.from === from && r.to === to);
}

/** The planner's parameters. Every default is ours (not from a source) and documented in docs/redistribution.md. */
export interface RedistributionParameters {
  /** Never move a batch whose remaining shelf life at the transfer date is below this (days). */
  minRemainingShelfLifeDays: number;
  /** Each location receives only from its k nearest allowed donors … */
  nearestDonors: number;
  /** … within this straight-line distance (km). */
  radiusKm: number;
  /** The switch for care-unit stores (off: R3 today). */
  careUnitStores: boolean;
  /** A donor's safety floor in days when the location does not state its own. */
  defaultFloorDays: number;
}

/** Our defaults: 90 days of remaining shelf life, the 8 nearest donors within 400 km, a 14-day floor. */
export const DEFAULT_REDISTRIBUTION_PARAMETERS: RedistributionParameters = {
  minRemainingShelfLifeDays: 90,
  nearestDonors: 8,
  radiusKm: 400,
  careUnitStores: false,
  defaultFloorDays: 14,
};

/** One batch of stock at a location. Quantities are in the instance's unit (e.g. packs). */
export interface StockBatch {
  package: string;
  batch: string;
  /** ISO date (YYYY-MM-DD). */
  expiry: string;
  quantity: number;
  /** Acquisition cost per unit (SEK): the value a transfer carries, so no party gains (R3). */
  unitCost: number;
}

export interface PlanLocation {
  id: string;
  name?: string;
  kind: string;
  region: string;
  latitude?: number;
  longitude?: number;
  /** The location's own demand per day, in the instance's unit. */
  demandPerDay: number;
  /** Safety floor in days: a donor keeps at least floorDays × demandPerDay. */
  floorDays?: number;
  /** The organisation that owns the location (for instructions), when known. */
  organisationId?: string;
  stock: StockBatch[];
}

/** An allowed move with its distance (km). */
export interface Arc {
  from: string;
  to: string;
  distanceKm: number;
}

/** A redistribution instance: what the planner reads (docs/redistribution.md). */
export interface RedistributionInstance {
  /** What is redistributed: a package or an interchangeable group (a label). */
  subject: string;
  unit: string;
  /** ISO date on which transfers happen: shelf life is counted from it. */
  transferDate: string;
  parameters: RedistributionParameters;
  locations: PlanLocation[];
  /** When given, the only arcs considered (still filtered by the rule table); else built from coordinates. */
  arcs?: Arc[];
}

const DAY_MS = 86_400_000;

/** Whole days from `from` to `to` (ISO dates). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** Whether a batch may move: its remaining shelf life at the transfer date is at least the minimum. */
export function batchMayMove(
  batch: StockBatch,
  transferDate: string,
  minRemainingShelfLifeDays: number,
): boolean {
  return daysBetween(transferDate, batch.expiry) >= minRemainingShelfLifeDays;
}

/** Total stock of a location. */
export function stockOf(location: PlanLocation): number {
  return location.stock.reduce((s, b) => s + b.quantity, 0);
}

/** The floor in days that applies to a location. */
export function floorDaysOf(location: PlanLocation, parameters: RedistributionParameters): number {
  return location.floorDays ?? parameters.defaultFloorDays;
}

/**
 * What a location may give at most: its eligible stock (batches allowed to move), and never so much that
 * it falls below its floor (floorDays × demandPerDay). Zero for a location at or below its floor.
 */
export function donorCapacity(location: PlanLocation, instance: RedistributionInstance): number {
  const { parameters } = instance;
  const eligible = location.stock
    .filter((b) => batchMayMove(b, instance.transferDate, parameters.minRemainingShelfLifeDays))
    .reduce((s, b) => s + b.quantity, 0);
  const aboveFloor = stockOf(location) - floorDaysOf(location, parameters) * location.demandPerDay;
  return Math.max(0, Math.min(eligible, aboveFloor));
}

/** Coverage in days (stock / demand per day); null when the location has no demand. */
export function coverageDays(stock: number, demandPerDay: number): number | null {
  return demandPerDay > 0 ? stock / demandPerDay : null;
}

// ---------------------------------------------------------------------------------------------------
// Reading an instance

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads a redistribution instance from parsed JSON, with precise problems (JSON path, field, expected)
 * for anything wrong. Missing parameters take {@link DEFAULT_REDISTRIBUTION_PARAMETERS}.
 */
export function parseRedistributionInstance(input: unknown): RedistributionInstance {
  const problems: Problem[] = [];
  const bad = (at: string, field: string, value: unknown, expected: string) =>
    problems.push({ at, field, value, expected, message: `${at}: ${field} must be ${expected}` });
  const num = (o: Record<string, unknown>, at: string, field: string, min: number, optional = false) => {
    const v = o[field];
    if (v === undefined && optional) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min) {
      bad(`${at}.${field}`, field, v, `a number ≥ ${min}`);
      return min;
    }
    return v;
  };
  const str = (o: Record<string, unknown>, at: string, field: string, optional = false) => {
    const v = o[field];
    if (v === undefined && optional) return undefined;
    if (typeof v !== 'string' || v.trim() === '') {
      bad(`${at}.${field}`, field, v, 'a non-empty string');
      return '';
    }
    return v;
  };
  const date = (o: Record<string, unknown>, at: string, field: string) => {
    const v = o[field];
    if (typeof v !== 'string' || !ISO_DATE.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`))) {
      bad(`${at}.${field}`, field, v, 'a date YYYY-MM-DD');
      return '1970-01-01';
    }
    return v;
  };

  if (!isObject(input)) {
    throw AppError.invalid('the instance must be a JSON object', [
      { at: '$', value: input, expected: 'an object', message: 'the instance must be a JSON object' },
    ]);
  }
  const subject = str(input, '$', 'subject') ?? '';
  const unit = str(input, '$', 'unit') ?? '';
  const transferDate = date(input, '$', 'transferDate');
  const p = input.parameters === undefined ? {} : input.parameters;
  const parameters = { ...DEFAULT_REDISTRIBUTION_PARAMETERS };
  if (!isObject(p)) bad('$.parameters', 'parameters', p, 'an object');
  else {
    const known = new Set(Object.keys(DEFAULT_REDISTRIBUTION_PARAMETERS));
    for (const key of Object.keys(p)) {
      if (!known.has(key)) bad(`$.parameters.${key}`, key, p[key], `one of ${[...known].join(', ')}`);
    }
    parameters.minRemainingShelfLifeDays =
      num(p, '$.parameters', 'minRemainingShelfLifeDays', 0, true) ?? parameters.minRemainingShelfLifeDays;
    parameters.nearestDonors = num(p, '$.parameters', 'nearestDonors', 1, true) ?? parameters.nearestDonors;
    parameters.radiusKm = num(p, '$.parameters', 'radiusKm', 0, true) ?? parameters.radiusKm;
    parameters.defaultFloorDays =
      num(p, '$.parameters', 'defaultFloorDays', 0, true) ?? parameters.defaultFloorDays;
    if (p.careUnitStores !== undefined) {
      if (typeof p.careUnitStores !== 'boolean')
        bad('$.parameters.careUnitStores', 'careUnitStores', p.careUnitStores, 'true or false');
      else parameters.careUnitStores = p.careUnitStores;
    }
    if (!Number.isInteger(parameters.nearestDonors)) {
      bad('$.parameters.nearestDonors', 'nearestDonors', parameters.nearestDonors, 'a whole number ≥ 1');
    }
  }

  const locations: PlanLocation[] = [];
  const ids = new Set<string>();
  if (!Array.isArray(input.locations) || input.locations.length === 0) {
    bad('$.locations', 'locations', input.locations, 'a non-empty array');
  } else {
    input.locations.forEach((raw: unknown, i) => {
      const at = `$.locations[${i}]`;
      if (!isObject(raw)) {
        bad(at, 'location', raw, 'an object');
        return;
      }
      const id = str(raw, at, 'id') ?? '';
      if (ids.has(id)) bad(`${at}.id`, 'id', id, 'an id not used by another location');
      ids.add(id);
      const kind = str(raw, at, 'kind') ?? '';
      if (kind && !(REDISTRIBUTION_KINDS as readonly string[]).includes(kind)) {
        bad(`${at}.kind`, 'kind', kind, `one of ${REDISTRIBUTION_KINDS.join(', ')}`);
      }
      const location: PlanLocation = {
        id,
        kind,
        region: str(raw, at, 'region') ?? '',
        demandPerDay: num(raw, at, 'demandPerDay', 0) ?? 0,
        stock: [],
      };
      const name = str(raw, at, 'name', true);
      if (name !== undefined) location.name = name;
      const organisationId = str(raw, at, 'organisationId', true);
      if (organisationId !== undefined) location.organisationId = organisationId;
      const floorDays = num(raw, at, 'floorDays', 0, true);
      if (floorDays !== undefined) location.floorDays = floorDays;
      const latitude = num(raw, at, 'latitude', -90, true);
      const longitude = num(raw, at, 'longitude', -180, true);
      if (latitude !== undefined) location.latitude = latitude;
      if (longitude !== undefined) location.longitude = longitude;
      if (!Array.isArray(raw.stock))
        bad(`${at}.stock`, 'stock', raw.stock, 'an array of batches (may be empty)');
      else {
        raw.stock.forEach((b: unknown, j) => {
          const bat = `${at}.stock[${j}]`;
          if (!isObject(b)) {
            bad(bat, 'batch', b, 'an object');
            return;
          }
          location.stock.push({
            package: str(b, bat, 'package') ?? '',
            batch: str(b, bat, 'batch') ?? '',
            expiry: date(b, bat, 'expiry'),
            quantity: num(b, bat, 'quantity', 0) ?? 0,
            unitCost: num(b, bat, 'unitCost', 0) ?? 0,
          });
        });
      }
      locations.push(location);
    });
  }

  let arcs: Arc[] | undefined;
  if (input.arcs !== undefined) {
    if (!Array.isArray(input.arcs)) bad('$.arcs', 'arcs', input.arcs, 'an array of {from, to, distanceKm}');
    else {
      arcs = [];
      input.arcs.forEach((raw: unknown, i) => {
        const at = `$.arcs[${i}]`;
        if (!isObject(raw)) {
          bad(at, 'arc', raw, 'an object');
          return;
        }
        const from = str(raw, at, 'from') ?? '';
        const to = str(raw, at, 'to') ?? '';
        if (from && !ids.has(from)) bad(`${at}.from`, 'from', from, 'the id of a location in $.locations');
        if (to && !ids.has(to)) bad(`${at}.to`, 'to', to, 'the id of a location in $.locations');
        if (from && from === to) bad(`${at}.to`, 'to', to, 'a location other than from');
        arcs!.push({ from, to, distanceKm: num(raw, at, 'distanceKm', 0) ?? 0 });
      });
    }
  } else {
    locations.forEach((l, i) => {
      if (l.latitude === undefined || l.longitude === undefined) {
        bad(`$.locations[${i}]`, 'latitude/longitude', undefined, 'coordinates (or give $.arcs)');
      }
    });
  }

  if (problems.length > 0) {
    throw AppError.invalid(
      `the redistribution instance has ${problems.length} problem(s): ${problems[0]!.message}`,
      problems,
    );
  }
  const instance: RedistributionInstance = { subject, unit, transferDate, parameters, locations };
  if (arcs) instance.arcs = arcs;
  return instance;
}

// ---------------------------------------------------------------------------------------------------
// Arcs

/** An arc the planner may use, with why others were left out (for the worked examples and the docs). */
export interface ArcSet {
  arcs: Arc[];
  /** Given arcs the rule table refuses (from kind → to kind). */
  refused: { from: string; to: string; reason: string }[];
}

/**
 * The sparse arc set. With given arcs: those the rule table allows and whose donor can give something.
 * Without: for each location with demand, its `nearestDonors` nearest donors (locations with something
 * to give, of a kind the rule table allows towards it) within `radiusKm` (straight line, distance.ts).
 * At most k × n arcs, not n².
 */
export function buildArcs(instance: RedistributionInstance): ArcSet {
  const rules = allowedKindRules(instance.parameters);
  const byId = new Map(instance.locations.map((l) => [l.id, l]));
  const capacity = new Map(instance.locations.map((l) => [l.id, donorCapacity(l, instance)]));
  const refused: ArcSet['refused'] = [];
  if (instance.arcs) {
    const arcs: Arc[] = [];
    for (const arc of instance.arcs) {
      const from = byId.get(arc.from)!;
      const to = byId.get(arc.to)!;
      if (!pairAllowed(rules, from.kind, to.kind)) {
        refused.push({
          from: arc.from,
          to: arc.to,
          reason: `rule table: ${from.kind} → ${to.kind} is not allowed`,
        });
      } else if ((capacity.get(arc.from) ?? 0) > 0 && to.demandPerDay > 0) {
        arcs.push(arc);
      }
    }
    return { arcs, refused };
  }
  const donors = instance.locations.filter((l) => (capacity.get(l.id) ?? 0) > 0);
  const arcs: Arc[] = [];
  const k = instance.parameters.nearestDonors;
  for (const to of instance.locations) {
    if (to.demandPerDay <= 0) continue;
    const candidates: Arc[] = [];
    for (const from of donors) {
      if (from.id === to.id || !pairAllowed(rules, from.kind, to.kind)) continue;
      const distanceKm = straightLineKm(
        { latitude: from.latitude!, longitude: from.longitude! },
        { latitude: to.latitude!, longitude: to.longitude! },
      );
      if (distanceKm <= instance.parameters.radiusKm)
        candidates.push({ from: from.id, to: to.id, distanceKm });
    }
    candidates.sort((a, b) => a.distanceKm - b.distanceKm || a.from.localeCompare(b.from));
    arcs.push(
      ...candidates.slice(0, k).map((a) => ({ ...a, distanceKm: Math.round(a.distanceKm * 1000) / 1000 })),
    );
  }
  return { arcs, refused };
}

// ---------------------------------------------------------------------------------------------------
// The LP

/** The LP model in index form: what both phases share. */
export interface RedistributionModel {
  instance: RedistributionInstance;
  arcs: Arc[];
  /** Indexes (into instance.locations) of the locations whose coverage the max-min counts. */
  counted: number[];
  /** Locations with demand that no arc touches: their coverage cannot change; outside the max-min. */
  unreachable: string[];
  stock: number[];
  capacity: number[];
  /** Coverage lower bound t in phase 2 (set after phase 1), or null for phase 1. */
}

/**
 * The model: locations counted in the max-min are those with demand touched by at least one arc
 * (a location no arc reaches cannot be helped and would only hold the minimum where it is; it is
 * listed as unreachable instead: ours).
 */
export function buildModel(instance: RedistributionInstance, arcs: Arc[]): RedistributionModel {
  const touched = new Set<string>();
  for (const a of arcs) {
    touched.add(a.from);
    touched.add(a.to);
  }
  const counted: number[] = [];
  const unreachable: string[] = [];
  instance.locations.forEach((l, i) => {
    if (l.demandPerDay <= 0) return;
    if (touched.has(l.id)) counted.push(i);
    else unreachable.push(l.id);
  });
  return {
    instance,
    arcs,
    counted,
    unreachable,
    stock: instance.locations.map(stockOf),
    capacity: instance.locations.map((l) => donorCapacity(l, instance)),
  };
}

/** How a number is written in LP text: enough digits to round-trip. */
function lpNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(15)));
}

/** The column name of arc k. */
export function arcColumn(k: number): string {
  return `y${k}`;
}

/**
 * The model as CPLEX LP text. Phase 1 (`minCoverage` null): maximise t subject to, for each counted
 * location i, stock_i − out_i + in_i ≥ d_i · t, and for each donor u, out_u ≤ capacity_u. Phase 2
 * (`minCoverage` = t*): minimise Σ distance × y with stock_i − out_i + in_i ≥ d_i · t*.
 */
export function modelToLp(model: RedistributionModel, minCoverage: number | null): string {
  const { instance, arcs } = model;
  const index = new Map(instance.locations.map((l, i) => [l.id, i]));
  const inArcs: number[][] = instance.locations.map(() => []);
  const outArcs: number[][] = instance.locations.map(() => []);
  arcs.forEach((a, k) => {
    outArcs[index.get(a.from)!]!.push(k);
    inArcs[index.get(a.to)!]!.push(k);
  });
  const lines: string[] = [];
  const terms = (parts: string[]) => {
    // LP format lines must stay short enough for every reader: wrap at 8 terms.
    const out: string[] = [];
    for (let i = 0; i < parts.length; i += 8) out.push(` ${parts.slice(i, i + 8).join(' ')}`);
    return out;
  };
  lines.push(
    `\\ Redistribution of ${instance.subject.replace(/[\r\n]/g, ' ')}: ${minCoverage === null ? 'phase 1, max lowest coverage' : 'phase 2, min transport'}`,
  );
  if (minCoverage === null) {
    lines.push('Maximize', ' obj: t');
  } else {
    lines.push('Minimize');
    const parts = arcs.map((a, k) => `+ ${lpNumber(a.distanceKm)} ${arcColumn(k)}`);
    lines.push(...(parts.length ? ['obj:', ...terms(parts)] : [' obj: 0 t']));
  }
  lines.push('Subject To');
  for (const i of model.counted) {
    const l = instance.locations[i]!;
    const parts = [
      ...inArcs[i]!.map((k) => `+ ${arcColumn(k)}`),
      ...outArcs[i]!.map((k) => `- ${arcColumn(k)}`),
    ];
    if (minCoverage === null) {
      parts.push(`- ${lpNumber(l.demandPerDay)} t`);
      lines.push(`cov${i}:`, ...terms(parts), ` >= ${lpNumber(-model.stock[i]!)}`);
    } else {
      lines.push(
        `cov${i}:`,
        ...terms(parts),
        ` >= ${lpNumber(l.demandPerDay * minCoverage - model.stock[i]!)}`,
      );
    }
  }
  instance.locations.forEach((_l, u) => {
    if (outArcs[u]!.length === 0) return;
    lines.push(
      `out${u}:`,
      ...terms(outArcs[u]!.map((k) => `+ ${arcColumn(k)}`)),
      ` <= ${lpNumber(model.capacity[u]!)}`,
    );
  });
  lines.push('Bounds');
  if (minCoverage === null) lines.push(' t >= 0');
  lines.push('End', '');
  return lines.join('\n');
}

/**
 * The coverage bound phase 2 uses: t* lowered by a relative 1e-9 so the solver's feasibility
 * tolerance cannot make phase 2 infeasible (ours).
 */
export function phaseTwoBound(optimum: number): number {
  return optimum - 1e-9 * Math.max(1, Math.abs(optimum));
}

// ---------------------------------------------------------------------------------------------------
// From the LP's solution to a plan

export interface Transfer {
  from: string;
  to: string;
  package: string;
  batch: string;
  expiry: string;
  quantity: number;
  /** quantity × unitCost (SEK): what the receiver pays the sender, so no party gains (R3). */
  value: number;
  distanceKm: number;
}

export interface LocationOutcome {
  id: string;
  region: string;
  kind: string;
  stockBefore: number;
  stockAfter: number;
  coverageBefore: number | null;
  coverageAfter: number | null;
}

/** Coverage of one region: its locations' stock over their demand. */
export interface RegionEquity {
  region: string;
  stockBefore: number;
  stockAfter: number;
  demandPerDay: number;
  coverageBefore: number | null;
  coverageAfter: number | null;
}

export interface EquitySpread {
  min: number | null;
  max: number | null;
  /** max − min of the regions' coverage in days. */
  spread: number | null;
}

export interface Equity {
  regions: RegionEquity[];
  before: EquitySpread;
  after: EquitySpread;
}

export interface RedistributionPlan {
  subject: string;
  unit: string;
  transferDate: string;
  parameters: RedistributionParameters;
  /** The LP optimum of phase 1: the lowest coverage (days) among counted locations, before rounding. */
  lowestCoverageOptimum: number | null;
  /** The LP optimum of phase 2: transport (quantity × km), before rounding. */
  transportOptimum: number;
  /** The lowest coverage among counted locations with the (whole-unit) transfers. */
  lowestCoverageBefore: number | null;
  lowestCoverageAfter: number | null;
  transfers: Transfer[];
  locations: LocationOutcome[];
  equity: Equity;
  unreachable: string[];
  refusedArcs: ArcSet['refused'];
  arcCount: number;
  totals: { quantity: number; value: number; transport: number };
}

export function spreadOf(values: (number | null)[]): EquitySpread {
  const v = values.filter((x): x is number => x !== null);
  if (v.length === 0) return { min: null, max: null, spread: null };
  const min = Math.min(...v);
  const max = Math.max(...v);
  return { min, max, spread: max - min };
}

/** Coverage per region before and after, and the spread between regions (issue 13 item 4). */
export function equityOf(locations: LocationOutcome[], demand: Map<string, number>): Equity {
  const byRegion = new Map<string, RegionEquity>();
  for (const l of locations) {
    const r = byRegion.get(l.region) ?? {
      region: l.region,
      stockBefore: 0,
      stockAfter: 0,
      demandPerDay: 0,
      coverageBefore: null,
      coverageAfter: null,
    };
    r.stockBefore += l.stockBefore;
    r.stockAfter += l.stockAfter;
    r.demandPerDay += demand.get(l.id) ?? 0;
    byRegion.set(l.region, r);
  }
  const regions = [...byRegion.values()]
    .map((r) => ({
      ...r,
      coverageBefore: coverageDays(r.stockBefore, r.demandPerDay),
      coverageAfter: coverageDays(r.stockAfter, r.demandPerDay),
    }))
    .sort((a, b) => a.region.localeCompare(b.region));
  return {
    regions,
    before: spreadOf(regions.map((r) => r.coverageBefore)),
    after: spreadOf(regions.map((r) => r.coverageAfter)),
  };
}

/**
 * Fills each arc's (whole-unit) quantity from the donor's eligible batches, earliest expiry first
 * (ours), never more of a batch than there is. Arcs of one donor are served nearest first.
 */
export function assignBatches(
  instance: RedistributionInstance,
  arcs: Arc[],
  quantities: number[],
): Transfer[] {
  const byId = new Map(instance.locations.map((l) => [l.id, l]));
  const left = new Map<string, { batch: StockBatch; left: number }[]>();
  for (const l of instance.locations) {
    left.set(
      l.id,
      l.stock
        .filter((b) => batchMayMove(b, instance.transferDate, instance.parameters.minRemainingShelfLifeDays))
        .sort((a, b) => a.expiry.localeCompare(b.expiry) || a.batch.localeCompare(b.batch))
        .map((batch) => ({ batch, left: batch.quantity })),
    );
  }
  const order = arcs
    .map((a, k) => ({ a, q: quantities[k] ?? 0 }))
    .filter((x) => x.q > 0)
    .sort(
      (x, y) =>
        x.a.from.localeCompare(y.a.from) || x.a.distanceKm - y.a.distanceKm || x.a.to.localeCompare(y.a.to),
    );
  const transfers: Transfer[] = [];
  for (const { a, q } of order) {
    let need = q;
    for (const slot of left.get(a.from) ?? []) {
      if (need <= 0) break;
      const take = Math.min(slot.left, need);
      if (take <= 0) continue;
      slot.left -= take;
      need -= take;
      transfers.push({
        from: a.from,
        to: a.to,
        package: slot.batch.package,
        batch: slot.batch.batch,
        expiry: slot.batch.expiry,
        quantity: take,
        value: Math.round(take * slot.batch.unitCost * 100) / 100,
        distanceKm: a.distanceKm,
      });
    }
    if (need > 1e-9 && byId.has(a.from)) {
      throw new AppError('conflict', `arc ${a.from} → ${a.to}: ${q} asked, only ${q - need} eligible left`);
    }
  }
  return transfers;
}

/**
 * The plan from the LP's arc quantities. Quantities are rounded down to whole units (ours: packs move
 * whole), so the donors' floors and batch quantities still hold; the coverage after is computed from
 * the rounded transfers and can lie slightly below the LP optimum.
 */
export function planFromSolution(
  model: RedistributionModel,
  arcSet: ArcSet,
  optimum: { lowestCoverage: number | null; transport: number },
  arcQuantities: number[],
): RedistributionPlan {
  const { instance } = model;
  const whole = arcQuantities.map((q) => Math.floor(q + 1e-6));
  const transfers = assignBatches(instance, model.arcs, whole);
  const delta = new Map<string, number>();
  for (const t of transfers) {
    delta.set(t.from, (delta.get(t.from) ?? 0) - t.quantity);
    delta.set(t.to, (delta.get(t.to) ?? 0) + t.quantity);
  }
  const locations: LocationOutcome[] = instance.locations.map((l, i) => {
    const stockBefore = model.stock[i]!;
    const stockAfter = stockBefore + (delta.get(l.id) ?? 0);
    return {
      id: l.id,
      region: l.region,
      kind: l.kind,
      stockBefore,
      stockAfter,
      coverageBefore: coverageDays(stockBefore, l.demandPerDay),
      coverageAfter: coverageDays(stockAfter, l.demandPerDay),
    };
  });
  const counted = model.counted.map((i) => locations[i]!);
  const demand = new Map(instance.locations.map((l) => [l.id, l.demandPerDay]));
  return {
    subject: instance.subject,
    unit: instance.unit,
    transferDate: instance.transferDate,
    parameters: instance.parameters,
    lowestCoverageOptimum: optimum.lowestCoverage,
    transportOptimum: optimum.transport,
    lowestCoverageBefore: spreadOf(counted.map((l) => l.coverageBefore)).min,
    lowestCoverageAfter: spreadOf(counted.map((l) => l.coverageAfter)).min,
    transfers,
    locations,
    equity: equityOf(locations, demand),
    unreachable: model.unreachable,
    refusedArcs: arcSet.refused,
    arcCount: model.arcs.length,
    totals: {
      quantity: transfers.reduce((s, t) => s + t.quantity, 0),
      value: Math.round(transfers.reduce((s, t) => s + t.value, 0) * 100) / 100,
      transport: transfers.reduce((s, t) => s + t.quantity * t.distanceKm, 0),
    },
  };
}

/** The location kinds of the vocabulary a plan may draw from (type check against the vocabulary). */
export const REDISTRIBUTION_LOCATION_KINDS: readonly LocationKind[] = REDISTRIBUTION_KINDS;

// ---------------------------------------------------------------------------------------------------
// The decision (issue 13 item 5)

/** Conditions of a decision; the same field names as allocation decisions (h-alloc). */
export interface DecisionConditions {
  /** At most this many packs per dispensing to a private person. */
  capPerDispensing?: number;
  /** A shortened shelf-life requirement (days) for what is moved. */
  minRemainingShelfLifeDays?: number;
  note?: string;
}

/** Läkemedelsverket's decision on a plan (R3: voluntary or mandatory). */
export interface RedistributionDecisionInput {
  mode: 'voluntary' | 'mandatory';
  legalBasis: string;
  validFrom: string;
  validTo: string;
  conditions: DecisionConditions;
  reason: string;
}

/** Checks a decision: dates in order, a reason and a legal basis, conditions in range. */
export function checkDecision(d: RedistributionDecisionInput): RedistributionDecisionInput {
  const problems: Problem[] = [];
  if (d.legalBasis.trim() === '') {
    problems.push({
      field: 'legalBasis',
      value: d.legalBasis,
      expected: 'the legal basis',
      message: 'legalBasis is empty',
    });
  }
  if (d.reason.trim() === '') {
    problems.push({
      field: 'reason',
      value: d.reason,
      expected: 'why it is decided',
      message: 'reason is empty',
    });
  }
  if (d.validTo < d.validFrom) {
    problems.push({
      field: 'validTo',
      value: d.validTo,
      expected: `a day on or after validFrom ${d.validFrom}`,
      message: `validTo ${d.validTo} is before validFrom ${d.validFrom}`,
    });
  }
  const cap = d.conditions.capPerDispensing;
  if (cap !== undefined && (!Number.isInteger(cap) || cap < 1)) {
    problems.push({
      field: 'conditions.capPerDispensing',
      value: cap,
      expected: 'a whole number ≥ 1',
      message: 'capPerDispensing must be a whole number ≥ 1',
    });
  }
  if (problems.length)
    throw AppError.invalid(
      `the decision has ${problems.length} problem(s): ${problems[0]!.message}`,
      problems,
    );
  return d;
}

/** A stored transfer as the decision's shelf-life check reads it. */
export interface DecidedTransfer {
  line: number;
  fromCode: string;
  toCode: string;
  batch: string;
  expiry: string;
}

/**
 * The day from which a decided plan's transfers may happen: its transfer date, or the decision's
 * first day of validity when that is later. Remaining shelf life is counted from this day.
 */
export function firstTransferDay(transferDate: string, validFrom: string): string {
  return validFrom > transferDate ? validFrom : transferDate;
}

/**
 * R4 "shorter required remaining shelf life": a decision's minimum must hold for every batch the plan
 * moves. One problem per transfer whose batch has fewer days left on the first transfer day than the
 * decided minimum; none when the decision sets no minimum.
 */
export function shelfLifeProblems(
  decision: Pick<RedistributionDecisionInput, 'validFrom' | 'conditions'>,
  transferDate: string,
  transfers: readonly DecidedTransfer[],
): Problem[] {
  const min = decision.conditions.minRemainingShelfLifeDays;
  if (min === undefined) return [];
  const day = firstTransferDay(transferDate, decision.validFrom);
  return transfers
    .map((t) => ({ t, left: daysBetween(day, t.expiry) }))
    .filter(({ left }) => left < min)
    .map(({ t, left }) => ({
      at: t.line,
      field: 'conditions.minRemainingShelfLifeDays',
      value: min,
      expected: `at most ${left} days, the shelf life line ${t.line}'s batch has left on ${day}`,
      message:
        `line ${t.line} (${t.fromCode} → ${t.toCode}, batch ${t.batch} expiring ${t.expiry}) has ` +
        `${left} days of shelf life left on ${day}, below the decided minimum of ${min}`,
    }));
}
