import type { AuthorityCode, LocationKind, OrganisationKind } from '../domain/vocabulary.js';
import type { Db, Tx } from './database.js';

/*
 * The registers of actors and places (issue 9 item 3): what an import compares against and how it
 * writes. Thin functions taking `db` or a transaction; the import service (src/ingest/actors.ts)
 * decides what changes.
 */

/** An organisation as the register keeps it (camelCase). */
export interface OrganisationRecord {
  code: string;
  orgNumber: string;
  name: string;
  kind: OrganisationKind;
  authority: AuthorityCode | null;
  regionCode: string | null;
  municipalityCode: string | null;
}

/** A location as the register keeps it (camelCase); `serves` sorted, empty = the whole country. */
export interface LocationRecord {
  code: string;
  gln: string | null;
  name: string;
  kind: LocationKind;
  organisationId: number;
  regionCode: string;
  municipalityCode: string | null;
  streetAddress: string | null;
  postalCode: string | null;
  postalTown: string | null;
  latitude: number | null;
  longitude: number | null;
  closedOn: string | null;
  serves: string[];
}

/** Stored organisations; one created by the NPL import (a foreign holder) may have no organisation number. */
export type StoredOrganisation = Omit<OrganisationRecord, 'orgNumber'> & {
  id: number;
  orgNumber: string | null;
};

export async function loadOrganisations(db: Db | Tx): Promise<StoredOrganisation[]> {
  const rows = await db
    .selectFrom('organisation')
    .select(['id', 'code', 'org_number', 'name', 'kind', 'authority', 'region_code', 'municipality_code'])
    .execute();
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    orgNumber: r.org_number,
    name: r.name,
    kind: r.kind,
    authority: r.authority,
    regionCode: r.region_code === null ? null : r.region_code.trim(),
    municipalityCode: r.municipality_code === null ? null : r.municipality_code.trim(),
  }));
}

export async function loadLocations(db: Db | Tx): Promise<(LocationRecord & { id: number })[]> {
  const [rows, areas] = await Promise.all([
    db
      .selectFrom('location')
      .select([
        'id',
        'code',
        'gln',
        'name',
        'kind',
        'organisation_id',
        'region_code',
        'municipality_code',
        'street_address',
        'postal_code',
        'postal_town',
        'latitude',
        'longitude',
        'closed_on',
      ])
      .execute(),
    db.selectFrom('location_service_area').select(['location_id', 'region_code']).execute(),
  ]);
  const servesOf = new Map<number, string[]>();
  for (const a of areas) {
    const list = servesOf.get(a.location_id) ?? [];
    list.push(a.region_code.trim());
    servesOf.set(a.location_id, list);
  }
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    gln: r.gln,
    name: r.name,
    kind: r.kind,
    organisationId: r.organisation_id,
    regionCode: r.region_code.trim(),
    municipalityCode: r.municipality_code === null ? null : r.municipality_code.trim(),
    streetAddress: r.street_address,
    postalCode: r.postal_code,
    postalTown: r.postal_town,
    latitude: r.latitude,
    longitude: r.longitude,
    closedOn: r.closed_on,
    serves: (servesOf.get(r.id) ?? []).sort(),
  }));
}

/** Region codes and each municipality's region. */
export async function loadGeography(
  db: Db | Tx,
): Promise<{ regions: Set<string>; municipalityRegion: Map<string, string> }> {
  const [regions, municipalities] = await Promise.all([
    db.selectFrom('region').select('code').execute(),
    db.selectFrom('municipality').select(['code', 'region_code']).execute(),
  ]);
  return {
    regions: new Set(regions.map((r) => r.code.trim())),
    municipalityRegion: new Map(municipalities.map((m) => [m.code.trim(), m.region_code.trim()])),
  };
}

function organisationRow(o: OrganisationRecord) {
  return {
    code: o.code,
    org_number: o.orgNumber,
    name: o.name,
    kind: o.kind,
    authority: o.authority,
    region_code: o.regionCode,
    municipality_code: o.municipalityCode,
  };
}

export async function insertOrganisation(trx: Tx, o: OrganisationRecord): Promise<number> {
  const row = await trx
    .insertInto('organisation')
    .values(organisationRow(o))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateOrganisation(
  trx: Tx,
  id: number,
  o: OrganisationRecord,
  at: Date,
): Promise<void> {
  await trx
    .updateTable('organisation')
    .set({ ...organisationRow(o), updated_at: at })
    .where('id', '=', id)
    .execute();
}

/**
 * Clears the authority marks that move to another organisation in this import first, so that the
 * unique mark never collides half-way through an import.
 */
export async function clearAuthorities(trx: Tx, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await trx.updateTable('organisation').set({ authority: null }).where('id', 'in', ids).execute();
}

/** Clears the GLNs that move to another location in this import first (GLN is unique). */
export async function clearGlns(trx: Tx, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await trx.updateTable('location').set({ gln: null }).where('id', 'in', ids).execute();
}

function locationRow(l: LocationRecord) {
  return {
    code: l.code,
    gln: l.gln,
    name: l.name,
    kind: l.kind,
    organisation_id: l.organisationId,
    region_code: l.regionCode,
    municipality_code: l.municipalityCode,
    street_address: l.streetAddress,
    postal_code: l.postalCode,
    postal_town: l.postalTown,
    latitude: l.latitude,
    longitude: l.longitude,
    closed_on: l.closedOn,
  };
}

export async function insertLocation(trx: Tx, l: LocationRecord): Promise<number> {
  const row = await trx
    .insertInto('location')
    .values(locationRow(l))
    .returning('id')
    .executeTakeFirstOrThrow();
  await replaceServiceArea(trx, row.id, l.serves);
  return row.id;
}

export async function updateLocation(
  trx: Tx,
  id: number,
  l: LocationRecord,
  at: Date,
  servesChanged: boolean,
): Promise<void> {
  await trx
    .updateTable('location')
    .set({ ...locationRow(l), updated_at: at })
    .where('id', '=', id)
    .execute();
  if (servesChanged) await replaceServiceArea(trx, id, l.serves);
}

/** The regions a warehouse delivers to: the given set replaces the stored one (empty: the whole country). */
export async function replaceServiceArea(
  trx: Tx,
  locationId: number,
  regions: readonly string[],
): Promise<void> {
  await trx.deleteFrom('location_service_area').where('location_id', '=', locationId).execute();
  if (regions.length === 0) return;
  await trx
    .insertInto('location_service_area')
    .values(regions.map((region_code) => ({ location_id: locationId, region_code })))
    .execute();
}

/** Closes (marks inactive from `on`) the locations given. Never deletes. */
export async function closeLocations(trx: Tx, ids: readonly number[], on: string, at: Date): Promise<void> {
  if (ids.length === 0) return;
  await trx.updateTable('location').set({ closed_on: on, updated_at: at }).where('id', 'in', ids).execute();
}

/** Who imported: the token and its organisation, or null for the CLI operator. */
export interface ImportActor {
  tokenId: number | null;
  organisationId: number | null;
}

/** One audit entry per import, accepted or refused (issue 9 item 5). Returns its id. */
export async function auditImport(
  db: Db | Tx,
  actor: ImportActor,
  action: string,
  entity: string,
  entityId: string | null,
  detail: unknown,
): Promise<number> {
  const row = await db
    .insertInto('audit_log')
    .values({
      token_id: actor.tokenId,
      organisation_id: actor.organisationId,
      action,
      entity,
      entity_id: entityId,
      detail: JSON.stringify(detail),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
