import { sql } from 'kysely';
import { pictureScopeOf, type Principal } from '../../domain/access.js';
import type { Db } from '../database.js';
import { visibleLocation } from '../location.repository.js';
import type { LocationRow } from './repository.js';
import { RESERVE_LOCATION_KINDS } from './reserve.js';

/** A location holding an item, with where it stands (WGS 84; null when its master data has none). */
export interface HoldingLocationRow extends LocationRow {
  latitude: number | null;
  longitude: number | null;
}

/**
 * "Where is it?" (issue 10 item 1): the open locations holding some of the packages (a positive
 * current quantity) whose stock the caller may see in detail: every location for those who see
 * everything, else the organisation's own. Preparedness stocks are left out for those whose picture
 * has no preparedness tier (src/domain/access.ts): a region sees its own on its location page only.
 */
export async function holdingLocations(
  db: Db,
  principal: Principal,
  packageIds: readonly number[],
  options: { region?: string | undefined } = {},
): Promise<HoldingLocationRow[]> {
  if (packageIds.length === 0) return [];
  const scope = pictureScopeOf(principal);
  let query = db
    .selectFrom('location')
    .innerJoin('organisation as o', 'o.id', 'location.organisation_id')
    .leftJoin('municipality as mu', 'mu.code', 'location.municipality_code')
    .where((eb) => visibleLocation(eb, principal))
    .where('location.closed_on', 'is', null)
    .where(
      sql<boolean>`EXISTS (SELECT 1 FROM current_stock_entry e WHERE e.location_id = location.id
        AND e.package_id = ANY(${[...packageIds]}::bigint[]) AND e.quantity > 0)`,
    );
  if (scope.locationDetail !== 'all')
    query = query.where('location.organisation_id', '=', principal.organisationId);
  if (!scope.preparednessTier) query = query.where('location.kind', 'not in', [...RESERVE_LOCATION_KINDS]);
  if (options.region !== undefined) query = query.where('location.region_code', '=', options.region);
  const rows = await query
    .select([
      'location.id',
      'location.code',
      'location.name',
      'location.kind',
      'location.organisation_id',
      'o.name as organisation_name',
      'location.region_code',
      'location.municipality_code',
      'mu.name as municipality_name',
      'location.latitude',
      'location.longitude',
    ])
    .orderBy('location.id')
    .execute();
  return rows.map((r) => ({
    ...r,
    latitude: r.latitude === null ? null : Number(r.latitude),
    longitude: r.longitude === null ? null : Number(r.longitude),
  }));
}
