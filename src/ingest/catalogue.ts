import type { LocationKind } from '../store/schema.js';
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

/**
 * Codes to ids, in memory, loaded once per report: a package by NPL pack id, GTIN or Nordic
 * article number (varunummer); a location by its code or GLN. A value may name its scheme with a
 * prefix (`npl:`, `gtin:`, `vnr:`, `gln:`, `code:`); without one, a package is tried as NPL pack id,
 * then GTIN, then varunummer, and a location as code, then GLN.
 */
export class Catalogue {
  private readonly byNpl = new Map<string, PackageRef>();
  private readonly byGtin = new Map<string, PackageRef>();
  private readonly byVnr = new Map<string, PackageRef>();
  private readonly byCode = new Map<string, LocationRef>();
  private readonly byGln = new Map<string, LocationRef>();

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
  ) {
    for (const p of packages) {
      const ref: PackageRef = { id: p.id, nplPackId: p.npl_pack_id, companyId: p.company_id };
      this.byNpl.set(p.npl_pack_id, ref);
      if (p.gtin) this.byGtin.set(normaliseGtin(p.gtin), ref);
      if (p.nordic_article_number) this.byVnr.set(p.nordic_article_number, ref);
    }
    for (const l of locations) {
      this.byCode.set(l.code, l);
      if (l.gln) this.byGln.set(l.gln, l);
    }
  }

  package(raw: string): PackageRef | undefined {
    const exact = this.byNpl.get(raw); // the common case: a clean NPL pack id
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

  /** The locations an organisation owns: the only ones it may report for. */
  ownedBy(organisationId: number): LocationRef[] {
    return this.locations.filter((l) => l.organisationId === organisationId);
  }
}

/** GTIN-13 and its GTIN-14 form with a leading zero are the same article. */
function normaliseGtin(gtin: string): string {
  return gtin.replace(/^0+/, '');
}

/** Loads the whole catalogue: ~15,000 packages and a few thousand locations take tens of milliseconds. */
async function loadCatalogue(db: Db): Promise<Catalogue> {
  const [packages, locations, regions] = await Promise.all([
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
  ]);
  return new Catalogue(packages, locations, new Set(regions.map((r) => r.code)));
}

/**
 * The highest package and location ids and the number of regions: an added package or location
 * changes it. (Packages and locations are withdrawn or closed, never deleted; should one be deleted
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
