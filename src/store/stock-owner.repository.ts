import { sql, type RawBuilder } from 'kysely';
import { mayListLocation, seesEverything, type Principal } from '../domain/access.js';
import type { LocationKind } from '../domain/vocabulary.js';
import type { Db, Tx } from './database.js';

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

/** One row of {@link ownedStockRows}: as current_stock_by_owner's (0013). */
export interface OwnedStockRow {
  location_id: number;
  package_id: number;
  owner_id: number;
  holder_id: number;
  quantity: string | number;
}

/**
 * The rows of current_stock_by_owner (0013) owned by `ownerIds`, of `packageIds`: per location,
 * package, owner and holder, the current snapshot's lines plus the differences counted after it. The
 * same answer as filtering the view, read by the two ways an organisation owns stock instead of
 * probing every location's current snapshot for every package (at national scale 2,000 snapshots ×
 * 4,290 packages on the list: 91 s, docs/benchmarks.md):
 *  - lines marked with an owner wherever they are held (a wholesaler's warehouse holding a company's
 *    stock, a supplier a region's): the partial index stock_line_owner_idx (0031) holds only those;
 *  - unmarked lines (the holder's own) of the locations the owners hold themselves.
 * Use as a FROM item: `FROM (${ownedStockRows(...)}) s`.
 */
export function ownedStockRows(
  ownerIds: readonly number[],
  packageIds: readonly number[],
): RawBuilder<OwnedStockRow> {
  const owners = sql`${[...ownerIds]}::bigint[]`;
  const packages = sql`${[...packageIds]}::bigint[]`;
  return sql<OwnedStockRow>`
    WITH cs AS MATERIALIZED (SELECT location_id, snapshot_id, counted_at FROM current_snapshot)
    SELECT e.location_id, e.package_id, e.owner_id, l.organisation_id AS holder_id,
           sum(e.quantity) AS quantity
    FROM (
      SELECT cs.location_id, sl.package_id, sl.owner_id, sl.quantity
      FROM cs JOIN stock_line sl ON sl.snapshot_id = cs.snapshot_id
      WHERE sl.owner_id IS NOT NULL AND sl.owner_id = ANY(${owners}) AND sl.package_id = ANY(${packages})
      UNION ALL
      SELECT cs.location_id, sl.package_id, h.organisation_id, sl.quantity
      FROM location h JOIN cs ON cs.location_id = h.id
      JOIN stock_line sl ON sl.snapshot_id = cs.snapshot_id
      WHERE h.organisation_id = ANY(${owners}) AND sl.owner_id IS NULL AND sl.package_id = ANY(${packages})
      UNION ALL
      SELECT d.location_id, d.package_id, coalesce(d.owner_id, h.organisation_id), d.quantity
      FROM location h LEFT JOIN cs ON cs.location_id = h.id
      JOIN stock_difference_line d ON d.location_id = h.id
        AND (cs.counted_at IS NULL OR d.counted_at > cs.counted_at)
      WHERE d.package_id = ANY(${packages}) AND coalesce(d.owner_id, h.organisation_id) = ANY(${owners})
    ) e
    JOIN location l ON l.id = e.location_id
    GROUP BY e.location_id, e.package_id, e.owner_id, l.organisation_id`;
}

/** {@link ownedStockRows} summed per owner and package. */
export async function ownedStockTotals(
  db: Db | Tx,
  ownerIds: readonly number[],
  packageIds: readonly number[],
): Promise<{ ownerId: number; packageId: number; quantity: number }[]> {
  if (ownerIds.length === 0 || packageIds.length === 0) return [];
  const { rows } = await sql<{ owner_id: number; package_id: number; quantity: string | number }>`
    SELECT owner_id, package_id, sum(quantity) AS quantity
    FROM (${ownedStockRows(ownerIds, packageIds)}) s
    GROUP BY owner_id, package_id`.execute(db);
  return rows.map((r) => ({
    ownerId: Number(r.owner_id),
    packageId: Number(r.package_id),
    quantity: Number(r.quantity),
  }));
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
