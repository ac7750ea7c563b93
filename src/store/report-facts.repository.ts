import { sql } from 'kysely';
import { addDays, dateOfDayNumber, dayNumber } from '../domain/calendar.js';
import { salesThatCount, type SourcedSales } from '../domain/demand.js';
import { SALES_CHANNELS, type SalesChannel } from '../domain/sales-channel.js';
import type { Db } from './database.js';

/*
 * The current state that reports build, for the national picture and the issues after it: current
 * stock per location x package (and per batch), daily sales per location and region, expected
 * deliveries and active shortage notices. Each is an index walk on the views of migration 0002:
 * the current snapshot of a location is one probe on stock_snapshot_location_idx, its lines a range
 * on stock_line_snapshot_package_idx.
 */

/** Current stock of one location per package, with the package's codes. */
export async function currentStockOfLocation(db: Db, locationId: number) {
  return db
    .selectFrom('current_stock as s')
    .innerJoin('package as p', 'p.id', 's.package_id')
    .innerJoin('medicine as m', 'm.id', 'p.medicine_id')
    .select([
      's.package_id',
      'p.npl_pack_id',
      'p.gtin',
      'm.name',
      's.quantity',
      's.earliest_expiry',
      's.as_of',
    ])
    .where('s.location_id', '=', locationId)
    .orderBy('m.name')
    .orderBy('p.npl_pack_id')
    .execute();
}

/** Current stock of one location per package, batch and stock level. */
export async function currentStockBatchesOfLocation(db: Db, locationId: number) {
  return db
    .selectFrom('current_stock_batch as s')
    .innerJoin('package as p', 'p.id', 's.package_id')
    .innerJoin('medicine as m', 'm.id', 'p.medicine_id')
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
    ])
    .where('s.location_id', '=', locationId)
    .orderBy('m.name')
    .orderBy('p.npl_pack_id')
    .orderBy('s.stock_level')
    .orderBy('s.batch')
    .execute();
}

/** Current stock of one package at every location that holds it (the national view of one product). */
export async function currentStockOfPackage(db: Db, packageId: number) {
  return db
    .selectFrom('current_stock as s')
    .innerJoin('location as l', 'l.id', 's.location_id')
    .select([
      's.location_id',
      'l.code',
      'l.region_code',
      'l.kind',
      's.quantity',
      's.earliest_expiry',
      's.as_of',
    ])
    .where('s.package_id', '=', packageId)
    .orderBy('l.code')
    .execute();
}

/** When each location was last counted (its current snapshot). */
export async function currentSnapshots(db: Db, locationIds: readonly number[]) {
  if (locationIds.length === 0) return [];
  return db.selectFrom('current_snapshot').selectAll().where('location_id', 'in', locationIds).execute();
}

/** Sales of one location per day (or week) and package, summed over age bands and sexes. */
export async function salesOfLocation(db: Db, locationId: number, from: string, to: string) {
  return db
    .selectFrom('sales')
    .select([
      'period_start',
      'period_days',
      'package_id',
      (eb) => eb.fn.sum<number>('quantity').as('quantity'),
    ])
    .where('location_id', '=', locationId)
    .where('period_start', '>=', from)
    .where('period_start', '<=', to)
    .groupBy(['period_start', 'period_days', 'package_id'])
    .orderBy('period_start')
    .orderBy('package_id')
    .execute();
}

/**
 * Sales in one region per day (or week), package and channel: the sum of its locations' figures, and
 * apart from it the region-level figures (lines without a location), which come from another source and
 * must not be added to the first. Which of the two counts: {@link countedSalesOfRegion}.
 */
export async function salesOfRegion(
  db: Db,
  regionCode: string,
  from: string,
  to: string,
  packageId?: number,
) {
  let query = db
    .selectFrom('sales')
    .select([
      'period_start',
      'period_days',
      'package_id',
      'channel',
      sql<number>`coalesce(sum(quantity) FILTER (WHERE location_id IS NOT NULL), 0)`.as('from_locations'),
      sql<number | null>`sum(quantity) FILTER (WHERE location_id IS NULL)`.as('region_level'),
    ])
    .where('region_code', '=', regionCode)
    .where('period_start', '>=', from)
    .where('period_start', '<=', to);
  if (packageId !== undefined) query = query.where('package_id', '=', packageId);
  return query
    .groupBy(['period_start', 'period_days', 'package_id', 'channel'])
    .orderBy('period_start')
    .orderBy('package_id')
    .orderBy('channel')
    .execute();
}

/** The figure that counts for one day, package and channel of a region, and where it came from. */
export interface CountedSales {
  day: string;
  packageId: number;
  channel: SalesChannel;
  /** Packages; a weekly row counts a seventh of its quantity on each of its days. */
  quantity: number;
  /** `region`: a region-level figure covers the day; `locations`: the sum of the locations' rows. */
  source: 'region' | 'locations';
}

/**
 * Sales of one region that count, per day from `from` to `to`, package and channel: the region-level
 * figure where one is reported, otherwise the sum of the locations' rows (salesThatCount, the rule the
 * picture's demand follows). Ordered by day, package and channel (community, care, dose).
 */
export async function countedSalesOfRegion(
  db: Db,
  regionCode: string,
  from: string,
  to: string,
  packageId?: number,
): Promise<CountedSales[]> {
  let query = db
    .selectFrom('sales')
    .select([
      'period_start',
      'period_days',
      'package_id',
      'channel',
      'location_id',
      (eb) => eb.fn.sum<number>('quantity').as('quantity'),
    ])
    .where('region_code', '=', regionCode)
    // A weekly row that starts up to six days before `from` covers it.
    .where('period_start', '>=', addDays(from, -6))
    .where('period_start', '<=', to);
  if (packageId !== undefined) query = query.where('package_id', '=', packageId);
  const rows = await query
    .groupBy(['period_start', 'period_days', 'package_id', 'channel', 'location_id'])
    .execute();

  const byPackage = new Map<number, SourcedSales[]>();
  for (const r of rows) {
    const list = byPackage.get(r.package_id) ?? [];
    list.push({
      periodStart: r.period_start,
      periodDays: r.period_days === 7 ? 7 : 1,
      quantity: Number(r.quantity),
      regionCode,
      channel: r.channel,
      locationId: r.location_id,
    });
    byPackage.set(r.package_id, list);
  }
  const first = dayNumber(from);
  const last = dayNumber(to);
  const cells = new Map<string, CountedSales>();
  for (const [pkg, list] of byPackage) {
    for (const r of salesThatCount(list)) {
      const start = dayNumber(r.periodStart);
      for (let d = Math.max(start, first); d <= Math.min(start + r.periodDays - 1, last); d++) {
        const key = `${d}|${pkg}|${r.channel}`;
        const cell = cells.get(key) ?? {
          day: dateOfDayNumber(d),
          packageId: pkg,
          channel: r.channel,
          quantity: 0,
          source: 'locations' as const,
        };
        cell.quantity += r.quantity / r.periodDays;
        if (r.locationId === null) cell.source = 'region';
        cells.set(key, cell);
      }
    }
  }
  return [...cells.values()].sort(
    (a, b) =>
      a.day.localeCompare(b.day) ||
      a.packageId - b.packageId ||
      SALES_CHANNELS.indexOf(a.channel) - SALES_CHANNELS.indexOf(b.channel),
  );
}

/** Deliveries expected from `from` on (the newest plan of each reporter and package), optionally for one package. */
export async function expectedDeliveries(db: Db, from: string, packageId?: number) {
  let query = db
    .selectFrom('current_expected_delivery as e')
    .innerJoin('organisation as o', 'o.id', 'e.organisation_id')
    .leftJoin('location as l', 'l.id', 'e.location_id')
    .select([
      'e.package_id',
      'e.quantity',
      'e.expected_on',
      'e.reference',
      'e.report_id',
      'o.code as organisation_code',
      'l.code as location_code',
    ])
    .where('e.expected_on', '>=', from);
  if (packageId !== undefined) query = query.where('e.package_id', '=', packageId);
  return query.orderBy('e.expected_on').orderBy('e.package_id').execute();
}

/**
 * Shortage notices in force on `on`: not superseded by a correction, started, and not ended.
 * With `upcoming`, also those that have not started yet.
 */
export async function activeNotices(
  db: Db,
  on: string,
  options: { packageId?: number; upcoming?: boolean } = {},
) {
  let query = db
    .selectFrom('current_shortage_notice as n')
    .innerJoin('organisation as c', 'c.id', 'n.company_id')
    .select([
      'n.id',
      'n.kind',
      'n.package_id',
      'c.code as company_code',
      'n.notified_at',
      'n.expected_start',
      'n.expected_end',
      'n.reason',
      'n.alternatives',
      'n.reference',
      'n.late',
    ])
    .where((eb) => eb.or([eb('n.expected_end', 'is', null), eb('n.expected_end', '>=', on)]));
  if (!options.upcoming) query = query.where('n.expected_start', '<=', on);
  if (options.packageId !== undefined) query = query.where('n.package_id', '=', options.packageId);
  return query.orderBy('n.expected_start').orderBy('n.id').execute();
}
