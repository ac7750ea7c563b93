import type { LocationKind } from '../domain/vocabulary.js';
import type { Db } from '../store/database.js';

/** A package as a report line refers to it. */
export interface PackageRef {
  id: number;
  nplPackId: string;
  companyId: number;
}

/** A location as a report line refers to it. */
export interface LocationRef {
  id: number;
  code: string;
  name: string;
  kind: LocationKind;
  organisationId: number;
  regionCode: string;
}

/** An organisation as a report line names it (the owner of stock held for it, R2). */
export interface OrganisationRef {
  id: number;
  code: string;
}

/**
 * Codes to ids, in memory, loaded once per report: a package by NPL pack id, GTIN or Nordic
 * article number (varunummer); a location by its code or GLN. A value may name its scheme with a
 * prefix (`npl:`, `gtin:`, `vnr:`, `gln:`, `code:`); without one, a package is tried as NPL pack id,
 * then GTIN, then varunummer, and a location as code, then GLN.
 */
export class Catalogue {
  private readonly byNpl = new Map<string, PackageRef>();
  /** NPL pack ids written as plain digits (no leading zero), by their value: see {@link Catalogue.package}. */
  private readonly nplDigits = new DigitTable<PackageRef>();
  private readonly byGtin = new Map<string, PackageRef>();
  private readonly byVnr = new Map<string, PackageRef>();
  private readonly byCode = new Map<string, LocationRef>();
  private readonly byGln = new Map<string, LocationRef>();
  private readonly organisationByHandle = new Map<string, OrganisationRef>();

  constructor(
    packages: readonly {
      id: number;
      npl_pack_id: string;
      gtin: string | null;
      nordic_article_number: string | null;
      company_id: number;
    }[],
    readonly locations: readonly (LocationRef & { gln: string | null })[],
    /** Region codes that exist. */
    readonly regions: ReadonlySet<string>,
    organisations: readonly { id: number; code: string; org_number: string | null }[] = [],
  ) {
    for (const o of organisations) {
      const ref: OrganisationRef = { id: o.id, code: o.code };
      this.organisationByHandle.set(o.code, ref);
      if (o.org_number !== null) {
        this.organisationByHandle.set(o.org_number, ref);
        this.organisationByHandle.set(o.org_number.replace('-', ''), ref);
      }
    }
    for (const p of packages) {
      const ref: PackageRef = { id: p.id, nplPackId: p.npl_pack_id, companyId: p.company_id };
      this.byNpl.set(p.npl_pack_id, ref);
      this.nplDigits.set(p.npl_pack_id, ref);
      if (p.gtin) this.byGtin.set(normaliseGtin(p.gtin), ref);
      if (p.nordic_article_number) this.byVnr.set(p.nordic_article_number, ref);
    }
    for (const l of locations) {
      this.byCode.set(l.code, l);
      if (l.gln) this.byGln.set(l.gln, l);
    }
  }

  package(raw: string): PackageRef | undefined {
    // The common case, a clean NPL pack id: looked up by its value, which spares hashing the text
    // (a fresh slice of the file on every line) and comparing it with the key.
    const digits = this.nplDigits.get(raw);
    if (digits !== undefined) return digits;
    const exact = this.byNpl.get(raw);
    if (exact !== undefined) return exact;
    const s = raw.trim();
    const colon = s.indexOf(':');
    if (colon > 0) {
      const scheme = s.slice(0, colon).toLowerCase();
      const code = s.slice(colon + 1).trim();
      if (scheme === 'npl') return this.byNpl.get(code);
      if (scheme === 'gtin') return this.byGtin.get(normaliseGtin(code));
      if (scheme === 'vnr') return this.byVnr.get(code);
    }
    return this.byNpl.get(s) ?? this.byGtin.get(normaliseGtin(s)) ?? this.byVnr.get(s);
  }

  location(raw: string): LocationRef | undefined {
    const s = raw.trim();
    const colon = s.indexOf(':');
    if (colon > 0) {
      const scheme = s.slice(0, colon).toLowerCase();
      const code = s.slice(colon + 1).trim();
      if (scheme === 'gln') return this.byGln.get(code);
      if (scheme === 'code') return this.byCode.get(code);
    }
    return this.byCode.get(s) ?? this.byGln.get(s);
  }

  /** An organisation by its code or organisation number (with or without the dash). */
  organisation(raw: string): OrganisationRef | undefined {
    return this.organisationByHandle.get(raw.trim());
  }

  /** The locations an organisation owns: the only ones it may report for. */
  ownedBy(organisationId: number): LocationRef[] {
    return this.locations.filter((l) => l.organisationId === organisationId);
  }
}

const MAX_DIGITS = 15; // below 2^53: exact as a double

/**
 * The value of `s` when it is 1–15 decimal digits without a leading zero (so that each value has
 * one text), else -1; `hash` receives a hash of the digits.
 */
function digitValue(s: string, hash: Int32Array): number {
  const n = s.length;
  if (n === 0 || n > MAX_DIGITS || s.charCodeAt(0) === 48) return -1;
  let value = 0;
  let h = 0;
  for (let i = 0; i < n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
    h = (Math.imul(h, 31) + d) | 0;
  }
  hash[0] = mix(h);
  return value;
}

/**
 * Codes of digits only, by value, in an open-addressing table of plain arrays: no string hashing
 * and no allocation per lookup. Codes of another shape are not kept (get answers undefined).
 */
class DigitTable<V> {
  private keys = new Float64Array(16).fill(-1);
  private values: (V | undefined)[] = new Array<V | undefined>(16);
  private size = 0;
  private readonly hash = new Int32Array(1);

  set(code: string, value: V): void {
    const key = digitValue(code, this.hash);
    if (key < 0) return;
    if ((this.size + 1) * 2 > this.keys.length) this.grow();
    this.put(key, this.hash[0]!, value);
  }

  get(code: string): V | undefined {
    const key = digitValue(code, this.hash);
    if (key < 0) return undefined;
    const mask = this.keys.length - 1;
    for (let i = this.hash[0]! & mask; ; i = (i + 1) & mask) {
      const k = this.keys[i]!;
      if (k === key) return this.values[i];
      if (k === -1) return undefined;
    }
  }

  private put(key: number, hash: number, value: V | undefined): void {
    const mask = this.keys.length - 1;
    let i = hash & mask;
    while (this.keys[i] !== -1 && this.keys[i] !== key) i = (i + 1) & mask;
    if (this.keys[i] === -1) this.size++;
    this.keys[i] = key;
    this.values[i] = value;
  }

  private grow(): void {
    const keys = this.keys;
    const values = this.values;
    this.keys = new Float64Array(keys.length * 2).fill(-1);
    this.values = new Array<V | undefined>(keys.length * 2);
    this.size = 0;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      if (key !== -1) this.put(key, hashOfValue(key), values[i]);
    }
  }
}

/** The hash {@link digitValue} gives the digits of `value`. */
function hashOfValue(value: number): number {
  const s = String(value);
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i) - 48) | 0;
  return mix(h);
}

/** Spreads a hash of similar codes (NPL pack ids differ in their last digits) over the table. */
function mix(h: number): number {
  const m = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  return m ^ (m >>> 16);
}

/** GTIN-13 and its GTIN-14 form with a leading zero are the same article. */
function normaliseGtin(gtin: string): string {
  return gtin.replace(/^0+/, '');
}

/** Loads the whole catalogue: ~15,000 packages and a few thousand locations take tens of milliseconds. */
async function loadCatalogue(db: Db): Promise<Catalogue> {
  const [packages, locations, regions, organisations] = await Promise.all([
    db
      .selectFrom('package')
      .select(['id', 'npl_pack_id', 'gtin', 'nordic_article_number', 'company_id'])
      .execute(),
    db
      .selectFrom('location')
      .select([
        'id',
        'code',
        'gln',
        'name',
        'kind',
        'organisation_id as organisationId',
        'region_code as regionCode',
      ])
      .execute(),
    db.selectFrom('region').select('code').execute(),
    db.selectFrom('organisation').select(['id', 'code', 'org_number']).execute(),
  ]);
  return new Catalogue(packages, locations, new Set(regions.map((r) => r.code)), organisations);
}

/**
 * The highest package, location and organisation ids and the number of regions: an added package,
 * location or organisation (a new owner of stock) changes it. (Packages and locations are withdrawn or closed, never deleted; should one be deleted
 * anyway, the report's set-wise reference check or its foreign keys refuse it.)
 */
async function fingerprint(db: Db): Promise<string> {
  const row = await db
    .selectNoFrom((eb) => [
      eb
        .selectFrom('package')
        .select((e) => e.fn.max('id').as('m'))
        .as('last_package'),
      eb
        .selectFrom('location')
        .select((e) => e.fn.max('id').as('m'))
        .as('last_location'),
      eb
        .selectFrom('region')
        .select((e) => e.fn.countAll<number>().as('n'))
        .as('regions'),
      eb
        .selectFrom('organisation')
        .select((e) => e.fn.max('id').as('m'))
        .as('last_organisation'),
    ])
    .executeTakeFirstOrThrow();
  return JSON.stringify(row);
}

/** How long a loaded catalogue is trusted when no package or location was added or removed. */
export const CATALOGUE_MAX_AGE_MS = 30_000;

const cached = new WeakMap<Db, { at: number; fingerprint: string; catalogue: Catalogue }>();

/**
 * The catalogue, from memory when it is fresh: loading 15,000+ packages for every small report
 * would cost more than the report. It is reloaded when a package, location or region is added, and
 * at the latest after {@link CATALOGUE_MAX_AGE_MS} (so a changed code or owner is seen within half a
 * minute).
 */
export async function catalogueFor(db: Db, now = Date.now()): Promise<Catalogue> {
  const print = await fingerprint(db);
  const hit = cached.get(db);
  if (hit && hit.fingerprint === print && now - hit.at < CATALOGUE_MAX_AGE_MS) return hit.catalogue;
  const catalogue = await loadCatalogue(db);
  cached.set(db, { at: now, fingerprint: print, catalogue });
  return catalogue;
}
