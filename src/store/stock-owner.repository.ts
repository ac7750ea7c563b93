import { sql } from 'kysely';
import { mayListLocation, seesEverything, type Principal } from '../domain/access.js';
import type { LocationKind } from '../domain/vocabulary.js';
import type { Db } from './database.js';

/** One location's current stock of a package for one owner (issue 9 item 4). */
export interface OwnedStockLine {
  locationId: number;
  locationCode: string;
  locationName: string;
  locationKind: LocationKind;
  regionCode: string;
  ownerId: number;
  holderId: number;
  quantity: number;
}

/**
 * Current stock of a package per location and owner (view current_stock_by_owner, 0013), as far as
 * the caller may see it: authorities and the joint function everything; others the lines they own
 * or hold (SQL twin of `maySeeOwnedStock`, src/domain/actors.ts).
 */
export async function ownedStockOfPackage(
  db: Db,
  principal: Pick<Principal, 'organisationKind' | 'organisationId'>,
  packageId: number,
): Promise<OwnedStockLine[]> {
  let query = db
    .selectFrom('current_stock_by_owner as s')
    .innerJoin('location as l', 'l.id', 's.location_id')
    .select([
      's.location_id as locationId',
      'l.code as locationCode',
      'l.name as locationName',
      'l.kind as locationKind',
      'l.region_code as regionCode',
      's.owner_id as ownerId',
      's.holder_id as holderId',
      sql<number>`s.quantity::float8`.as('quantity'),
    ])
    .where('s.package_id', '=', packageId);
  if (!seesEverything(principal))
    query = query.where((eb) =>
      eb.or([
        eb('s.owner_id', '=', principal.organisationId),
        eb('s.holder_id', '=', principal.organisationId),
      ]),
    );
  const rows = await query.orderBy('l.code').orderBy('s.owner_id').execute();
  return rows.map((r) => ({ ...r, regionCode: r.regionCode.trim(), quantity: Number(r.quantity) }));
}

/** Whether the caller may see the location's name (classified preparedness stocks stay hidden). */
export function mayNameLocation(
  p: Pick<Principal, 'organisationKind' | 'organisationId' | 'regionCode'>,
  line: OwnedStockLine,
): boolean {
  return mayListLocation(p, {
    kind: line.locationKind,
    organisationId: line.holderId,
    regionCode: line.regionCode,
  });
}

/**
 * Current stock of one location per package, batch, stock level and owner (`owner` = the owner's
 * organisation code, null for the holder's own): what the location reads back (JSON and FHIR).
 */
export async function currentStockBatchesWithOwnerOfLocation(db: Db, locationId: number) {
  return db
    .selectFrom('current_stock_batch_owner as s')
    .innerJoin('package as p', 'p.id', 's.package_id')
    .innerJoin('medicine as m', 'm.id', 'p.medicine_id')
    .leftJoin('organisation as o', 'o.id', 's.owner_id')
    .select([
      's.package_id',
      'p.npl_pack_id',
      'p.gtin',
      'm.name',
      's.batch',
      's.expiry',
      's.stock_level',
      's.quantity',
      's.as_of',
      'o.code as owner',
    ])
    .where('s.location_id', '=', locationId)
    .orderBy('m.name')
    .orderBy('p.npl_pack_id')
    .orderBy('s.stock_level')
    .orderBy('s.batch')
    .orderBy(sql`o.code NULLS FIRST`)
    .execute();
}
