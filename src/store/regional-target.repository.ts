import { sql } from 'kysely';
import type { ListItemRef } from '../domain/risk.js';
import type { TargetDemand, TargetPackage, TargetStockLine } from '../domain/regional-target.js';
import type { LocationKind } from '../domain/vocabulary.js';
import type { Db } from './database.js';
import { prioritisedEntries } from './picture/products.js';
import { PRIORITISED_LIST_CODE } from './picture/settings.js';

/*
 * The inputs of R2's regional target (issue 12 item 6, src/domain/regional-target.ts): the prioritised
 * list in force on the picture's day, the packages it covers, each region's own stock of them (stock
 * lines whose owner is the region's organisation: current_stock_by_owner, 0013) and each region's
 * demand of them as the picture estimated it (picture_demand: one source per sale, 0014).
 */

export interface ListVersion {
  code: string;
  version: string;
  name: string;
  validFrom: string;
}

/** The version of Socialstyrelsen's prioritised list in force on `day` (as prioritisedEntries picks it). */
export async function listInForce(db: Db, day: string): Promise<ListVersion | null> {
  const row = await db
    .selectFrom('product_list')
    .select(['code', 'version', 'name', 'valid_from'])
    .where('code', '=', PRIORITISED_LIST_CODE)
    .where('valid_from', '<=', day)
    .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>=', day)]))
    .orderBy('valid_from', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { code: row.code, version: row.version, name: row.name, validFrom: row.valid_from } : null;
}

export interface TargetInputs {
  list: ListItemRef[];
  packages: TargetPackage[];
  /** Per region code. */
  stock: Map<string, TargetStockLine[]>;
  demand: Map<string, TargetDemand[]>;
}

/** Everything the scorecards of `regionCodes` need, on the picture's day `day`. */
export async function targetInputs(
  db: Db,
  day: string,
  regionCodes: readonly string[],
): Promise<TargetInputs> {
  const list = await prioritisedEntries(db, day);
  const stock = new Map<string, TargetStockLine[]>(regionCodes.map((c) => [c, []]));
  const demand = new Map<string, TargetDemand[]>(regionCodes.map((c) => [c, []]));
  if (list.length === 0 || regionCodes.length === 0) return { list, packages: [], stock, demand };

  // Candidates by substance; the domain's matchesListItem decides (ATC prefix and form).
  const substances = [...new Set(list.map((e) => e.substance.normalize('NFC').trim().toLowerCase()))];
  const packages = await sql<{
    id: number;
    atc_code: string;
    substance: string;
    form: string;
    pack_size: string;
  }>`
    SELECT p.id, m.atc_code, m.substance, m.form, p.pack_size::text AS pack_size
    FROM package p JOIN medicine m ON m.id = p.medicine_id
    WHERE lower(regexp_replace(trim(m.substance), '\\s+', ' ', 'g')) = ANY(${substances}::text[])
    ORDER BY p.id`.execute(db);
  const pkgs: TargetPackage[] = packages.rows.map((p) => ({
    id: p.id,
    atcCode: p.atc_code,
    substance: p.substance,
    form: p.form,
    packSize: Number(p.pack_size),
  }));
  const ids = pkgs.map((p) => p.id);
  if (ids.length === 0) return { list, packages: pkgs, stock, demand };

  const lines = await sql<{
    region_code: string;
    package_id: number;
    kind: LocationKind;
    held_by_region: boolean;
    quantity: string;
  }>`
    SELECT o.region_code::text AS region_code, s.package_id, l.kind,
           (h.kind = 'region' AND h.region_code = o.region_code) AS held_by_region,
           sum(s.quantity)::text AS quantity
    FROM current_stock_by_owner s
    JOIN organisation o ON o.id = s.owner_id AND o.kind = 'region'
    JOIN organisation h ON h.id = s.holder_id
    JOIN location l ON l.id = s.location_id
    WHERE o.region_code = ANY(${regionCodes}::bpchar[]) AND s.package_id = ANY(${ids}::bigint[])
    GROUP BY 1, 2, 3, 4`.execute(db);
  for (const l of lines.rows)
    stock.get(l.region_code)?.push({
      packageId: l.package_id,
      locationKind: l.kind,
      heldByRegion: l.held_by_region,
      quantity: Number(l.quantity),
    });

  const rows = await sql<{ region_code: string; package_id: number; per_day: string }>`
    SELECT d.region_code::text AS region_code, d.package_id, d.per_day::text AS per_day
    FROM picture_demand d
    WHERE d.region_code = ANY(${regionCodes}::bpchar[]) AND d.package_id = ANY(${ids}::bigint[])`.execute(db);
  for (const r of rows.rows)
    demand.get(r.region_code)?.push({ packageId: r.package_id, perDay: Number(r.per_day) });
  return { list, packages: pkgs, stock, demand };
}
