import { AppError, type Problem } from '../domain/errors.js';
import type { Db } from './database.js';

/**
 * The regions a wholesaler warehouse delivers to (location_service_area, 0006). No rows: the whole
 * country, the default until the master data says otherwise. The picture reads them at its next full
 * refresh (a stock report at the warehouse before then still moves its stock in its old area), like a
 * location moved to another region (docs/lagesbild.md, "Wholesale stock serves an area").
 */

/** A warehouse's service area: the region codes it serves, or null for the whole country. */
export interface ServiceArea {
  locationId: number;
  locationCode: string;
  regions: string[] | null;
}

/** The service area of a warehouse. @throws AppError('not_found') when it is not a warehouse. */
export async function findServiceArea(db: Db, locationId: number): Promise<ServiceArea> {
  const location = await db
    .selectFrom('location')
    .select(['id', 'code', 'kind'])
    .where('id', '=', locationId)
    .executeTakeFirst();
  if (!location || location.kind !== 'wholesaler_warehouse') {
    throw AppError.notFound(`wholesaler warehouse ${locationId}`);
  }
  const rows = await db
    .selectFrom('location_service_area')
    .select('region_code')
    .where('location_id', '=', locationId)
    .orderBy('region_code')
    .execute();
  return {
    locationId,
    locationCode: location.code,
    regions: rows.length === 0 ? null : rows.map((r) => r.region_code),
  };
}

/** Every warehouse with its service area, by location code. */
export async function listServiceAreas(db: Db): Promise<ServiceArea[]> {
  const rows = await db
    .selectFrom('location as l')
    .leftJoin('location_service_area as a', 'a.location_id', 'l.id')
    .select(['l.id', 'l.code', 'a.region_code'])
    .where('l.kind', '=', 'wholesaler_warehouse')
    .orderBy('l.code')
    .orderBy('a.region_code')
    .execute();
  const byId = new Map<number, ServiceArea>();
  for (const r of rows) {
    const area = byId.get(r.id) ?? { locationId: r.id, locationCode: r.code, regions: null };
    if (r.region_code !== null) area.regions = [...(area.regions ?? []), r.region_code];
    byId.set(r.id, area);
  }
  return [...byId.values()];
}

/**
 * Sets the regions a warehouse delivers to, replacing what was there; null (or every region) makes it
 * the whole country again (no rows). All or nothing: an unknown location, a location that is not a
 * warehouse, an empty list or an unknown region code changes nothing.
 * @throws AppError('not_found') for a location that is not a warehouse; AppError('invalid') naming each
 *   bad region code.
 */
export async function setServiceArea(
  db: Db,
  locationId: number,
  regions: readonly string[] | null,
): Promise<ServiceArea> {
  return db.transaction().execute(async (trx) => {
    const location = await trx
      .selectFrom('location')
      .select(['id', 'code', 'kind'])
      .where('id', '=', locationId)
      .forUpdate()
      .executeTakeFirst();
    if (!location || location.kind !== 'wholesaler_warehouse') {
      throw AppError.notFound(`wholesaler warehouse ${locationId}`);
    }
    const known = new Set((await trx.selectFrom('region').select('code').execute()).map((r) => r.code));
    let codes: string[] | null = null;
    if (regions !== null) {
      if (regions.length === 0) {
        throw AppError.invalid(
          `warehouse ${location.code}: a service area lists at least one region (null: the whole country)`,
          [{ field: 'regions', value: [], expected: 'one or more region codes', message: 'no regions' }],
        );
      }
      const problems: Problem[] = regions
        .map((code, i) => ({ code, i }))
        .filter(({ code }) => !known.has(code))
        .map(({ code, i }) => ({
          at: `regions[${i}]`,
          field: 'regions',
          value: code,
          expected: 'a region code, e.g. 01 or 25',
          message: `${code} is not a region`,
        }));
      if (problems.length > 0) {
        throw AppError.invalid(
          `warehouse ${location.code}: ${problems.map((p) => p.message).join('; ')}`,
          problems,
        );
      }
      codes = [...new Set(regions)].sort();
      // Every region is the default: keep no rows, so that a region added later is served too.
      if (codes.length === known.size) codes = null;
    }
    await trx.deleteFrom('location_service_area').where('location_id', '=', locationId).execute();
    if (codes !== null) {
      await trx
        .insertInto('location_service_area')
        .values(codes.map((region_code) => ({ location_id: locationId, region_code })))
        .execute();
    }
    return { locationId, locationCode: location.code, regions: codes };
  });
}
