import { sql } from 'kysely';
import { addDays } from '../domain/calendar.js';
import type { ListItemRef } from '../domain/risk.js';
import {
  CONSUMPTION_WINDOW_DAYS,
  TARGET_CHANNELS,
  type TargetConsumption,
  type TargetPackage,
  type TargetStockLine,
} from '../domain/regional-target.js';
import type { SalesChannel } from '../domain/sales-channel.js';
import type { LocationKind } from '../domain/vocabulary.js';
import type { Db } from './database.js';
import { coveredSalesDaysSql, findMixedSalesKeys } from './picture/demand.js';
import { prioritisedEntries } from './picture/products.js';
import { PRIORITISED_LIST_CODE } from './picture/settings.js';
import { ownedStockRows } from './stock-owner.repository.js';

/*
 * The inputs of R2's regional target (issue 12 item 6, src/domain/regional-target.ts): the prioritised
 * list in force on the picture's day, the packages it covers, each region's own stock of them (stock
 * lines whose owner is the region's organisation: ownedStockRows, the rows of current_stock_by_owner,
 * 0013) and each region's care consumption of them (regionalConsumption: the channels' sales counted
 * once, as the picture counts them).
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
  consumption: Map<string, TargetConsumption[]>;
}

/** Everything the scorecards of `regionCodes` need, on the picture's day `day`. */
export async function targetInputs(
  db: Db,
  day: string,
  regionCodes: readonly string[],
): Promise<TargetInputs> {
  const list = await prioritisedEntries(db, day);
  const stock = new Map<string, TargetStockLine[]>(regionCodes.map((c) => [c, []]));
  const consumption = new Map<string, TargetConsumption[]>(regionCodes.map((c) => [c, []]));
  if (list.length === 0 || regionCodes.length === 0) return { list, packages: [], stock, consumption };

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
  if (ids.length === 0) return { list, packages: pkgs, stock, consumption };

  const regionOrganisations = (
    await db
      .selectFrom('organisation')
      .select('id')
      .where('kind', '=', 'region')
      .where('region_code', 'in', [...regionCodes])
      .execute()
  ).map((o) => Number(o.id));
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
    FROM (${ownedStockRows(regionOrganisations, ids)}) s
    JOIN organisation o ON o.id = s.owner_id
    JOIN organisation h ON h.id = s.holder_id
    JOIN location l ON l.id = s.location_id
    GROUP BY 1, 2, 3, 4`.execute(db);
  for (const l of lines.rows)
    stock.get(l.region_code)?.push({
      packageId: l.package_id,
      locationKind: l.kind,
      heldByRegion: l.held_by_region,
      quantity: Number(l.quantity),
    });

  for (const c of await regionalConsumption(db, regionCodes, ids, TARGET_CHANNELS))
    consumption.get(c.regionCode)?.push(c);
  return { list, packages: pkgs, stock, consumption };
}

/**
 * Each region's sales of `packageIds` in `channels` over the consumption window
 * (CONSUMPTION_WINDOW_DAYS to the region's window end as the picture keeps it, picture_region_window:
 * its own last reported day, so a region whose figures arrive late is not read as consuming nothing
 * for those days), counted once: the region-level figure where one covers the day, otherwise the
 * locations' rows (findMixedSalesKeys and coveredSalesDaysSql, the picture's own SQL). A weekly row
 * across the window's start counts pro rata by its days inside. `days`: the window's days from the
 * later of the region's first figure in the channel (any package, sales_extent) and the package's
 * first sale (picture_product.first_sale_day), see TargetConsumption.
 */
export async function regionalConsumption(
  db: Db,
  regionCodes: readonly string[],
  packageIds: readonly number[],
  channels: readonly SalesChannel[],
): Promise<(TargetConsumption & { regionCode: string })[]> {
  if (regionCodes.length === 0 || packageIds.length === 0 || channels.length === 0) return [];
  const ends = await db
    .selectFrom('picture_region_window')
    .select(['region_code', 'window_end'])
    .where('region_code', 'in', [...regionCodes])
    .execute();
  if (ends.length === 0) return [];
  // Where each region's figures in the channels begin: no row of them starts earlier, so the scan
  // starts there (a region that has reported care requisitions for a fortnight reads a fortnight).
  const reported = await sql<{ region_code: string; first_day: string }>`
    SELECT e.region_code::text AS region_code, min(e.first_day) AS first_day
    FROM sales_extent e
    WHERE e.region_code = ANY(${regionCodes}::bpchar[]) AND e.channel = ANY(${channels}::text[])
    GROUP BY 1`.execute(db);
  const firstDay = new Map(reported.rows.map((r) => [r.region_code, r.first_day]));
  const windows = ends.flatMap((w) => {
    const first = firstDay.get(w.region_code);
    const winFrom = addDays(w.window_end, 1 - CONSUMPTION_WINDOW_DAYS);
    if (first === undefined || first > w.window_end) return [];
    const earliest = addDays(winFrom, -6);
    return [
      {
        region_code: w.region_code,
        win_from: winFrom,
        win_to: w.window_end,
        scan_from: first > earliest ? first : earliest,
      },
    ];
  });
  if (windows.length === 0) return [];
  let from = windows[0]!.scan_from;
  let to = windows[0]!.win_to;
  for (const w of windows) {
    if (w.scan_from < from) from = w.scan_from;
    if (w.win_to > to) to = w.win_to;
  }
  const win = sql`(SELECT * FROM json_to_recordset(${JSON.stringify(windows)}::json)
    AS x(region_code char(2), win_from date, win_to date, scan_from date))`;
  const last = sql`(s.period_start + s.period_days - 1)`;
  const rows = await db.transaction().execute(async (trx) => {
    await findMixedSalesKeys(trx, 'target_sales_mixed', from, to, packageIds);
    const result = await sql<{
      region_code: string;
      package_id: number;
      channel: SalesChannel;
      packages: string;
      days: number;
    }>`
      WITH gross AS (
        SELECT s.region_code, s.package_id, s.channel,
          sum(CASE WHEN s.period_start >= w.win_from AND ${last} <= w.win_to THEN s.quantity
                   ELSE s.quantity * (least(${last}, w.win_to) - greatest(s.period_start, w.win_from) + 1)
                        / s.period_days END) AS packages
        FROM ${win} w
        JOIN sales s ON s.region_code = w.region_code
         AND s.period_start >= w.scan_from AND s.period_start <= w.win_to
        WHERE s.package_id = ANY(${packageIds}::bigint[]) AND s.channel = ANY(${channels}::text[])
          AND ${last} >= w.win_from
        GROUP BY 1, 2, 3
      ),
      displaced AS (
        SELECT x.region_code, x.package_id, x.channel, sum(x.units) AS packages FROM (
          WITH ${coveredSalesDaysSql('target_sales_mixed', from, to, packageIds)}
          SELECT d.region_code, d.package_id, d.channel, d.quantity * count(*) / d.period_days AS units
          FROM days d
          JOIN covered c ON c.package_id = d.package_id AND c.region_code = d.region_code
            AND c.channel = d.channel AND c.day = d.day
          JOIN ${win} w ON w.region_code = d.region_code AND d.day BETWEEN w.win_from AND w.win_to
          WHERE NOT d.regional AND d.channel = ANY(${channels}::text[])
          GROUP BY d.rid, d.region_code, d.package_id, d.channel, d.quantity, d.period_days
        ) x GROUP BY 1, 2, 3
      ),
      reported AS (
        SELECT e.region_code, e.channel, min(e.first_day) AS first_day
        FROM sales_extent e
        WHERE e.region_code = ANY(${regionCodes}::bpchar[]) AND e.channel = ANY(${channels}::text[])
        GROUP BY 1, 2
      )
      SELECT g.region_code::text AS region_code, g.package_id, g.channel,
             (g.packages - coalesce(d.packages, 0))::text AS packages,
             (w.win_to - greatest(w.win_from, r.first_day, coalesce(pp.first_sale_day, w.win_from)) + 1)::int
               AS days
      FROM gross g
      JOIN ${win} w ON w.region_code = g.region_code
      JOIN reported r ON r.region_code = g.region_code AND r.channel = g.channel
      LEFT JOIN displaced d ON d.region_code = g.region_code AND d.package_id = g.package_id
        AND d.channel = g.channel
      LEFT JOIN picture_product pp ON pp.package_id = g.package_id
      ORDER BY 1, 2, 3`.execute(trx);
    return result.rows;
  });
  return rows.map((r) => ({
    regionCode: r.region_code,
    packageId: Number(r.package_id),
    channel: r.channel,
    packages: Number(r.packages),
    days: Number(r.days),
  }));
}
