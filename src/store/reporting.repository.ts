import { sql } from 'kysely';
import { seesEverything, type Principal } from '../domain/access.js';
import type { LocationKind } from '../domain/vocabulary.js';
import type { Db } from './database.js';

/**
 * Who has reported (issue 10 item 3): per location its latest stock count and the stock it is
 * expected to hold (the picture's freshness, src/store/picture/freshness.ts), and per organisation
 * its latest reports of each kind. Authorities and the joint function see every organisation; anyone
 * else sees its own organisation's (our choice: when another organisation reported is its business,
 * as its stock is).
 */

export interface ReportingLocationRow {
  location_id: number;
  code: string;
  name: string;
  kind: LocationKind;
  region_code: string;
  organisation_id: number;
  organisation_code: string;
  organisation_name: string;
  /** The latest stock count (a snapshot or a difference), null when it never reported stock. */
  stock_counted_at: Date | null;
  /** Everyday stock of its count before the picture's day (0 before the first refresh). */
  expected_stock: number;
}

/** Open locations on `today` the caller may see reporting of, with their latest stock count. */
export async function reportingLocations(
  db: Db,
  principal: Principal,
  today: string,
  filter: { organisationId?: number | undefined; regionCode?: string | undefined },
): Promise<ReportingLocationRow[]> {
  const own = seesEverything(principal) ? null : principal.organisationId;
  const rows = await sql<ReportingLocationRow>`
    SELECT l.id AS location_id, l.code, l.name, l.kind, l.region_code::text AS region_code,
           l.organisation_id, o.code AS organisation_code, o.name AS organisation_name,
           CASE WHEN cs.counted_at IS NULL THEN dl.counted_at
                WHEN dl.counted_at IS NULL THEN cs.counted_at
                ELSE greatest(cs.counted_at, dl.counted_at) END AS stock_counted_at,
           coalesce(f.expected_stock, 0)::float8 AS expected_stock
    FROM location l
    JOIN organisation o ON o.id = l.organisation_id
    LEFT JOIN LATERAL (
      SELECT ss.counted_at FROM stock_snapshot ss WHERE ss.location_id = l.id
      ORDER BY ss.counted_at DESC, ss.id DESC LIMIT 1
    ) cs ON true
    LEFT JOIN LATERAL (
      SELECT d.counted_at FROM stock_difference_line d WHERE d.location_id = l.id
      ORDER BY d.counted_at DESC LIMIT 1
    ) dl ON true
    LEFT JOIN picture_location_freshness f ON f.location_id = l.id
    WHERE (l.closed_on IS NULL OR l.closed_on > ${today}::date)
      AND (l.opened_on IS NULL OR l.opened_on <= ${today}::date)
      AND (${own}::bigint IS NULL OR l.organisation_id = ${own}::bigint)
      AND (${filter.organisationId ?? null}::bigint IS NULL OR l.organisation_id = ${filter.organisationId ?? null}::bigint)
      AND (${filter.regionCode ?? null}::text IS NULL OR l.region_code = ${filter.regionCode ?? null}::text)
    ORDER BY l.code`.execute(db);
  return rows.rows.map((r) => ({
    ...r,
    location_id: Number(r.location_id),
    organisation_id: Number(r.organisation_id),
    expected_stock: Number(r.expected_stock),
  }));
}

export interface LastReportRow {
  organisation_id: number;
  kind: string;
  last_accepted_at: Date | null;
  last_rejected_at: Date | null;
  /** The problems of the latest report when it was refused (null when the latest was accepted). */
  rejected_since_accepted: number;
}

/** Per organisation of `organisationIds` and report kind: its latest accepted and refused reports. */
export async function lastReports(db: Db, organisationIds: readonly number[]): Promise<LastReportRow[]> {
  if (organisationIds.length === 0) return [];
  const rows = await sql<LastReportRow>`
    SELECT r.organisation_id, r.kind,
           max(r.received_at) FILTER (WHERE r.status = 'accepted') AS last_accepted_at,
           max(r.received_at) FILTER (WHERE r.status = 'rejected') AS last_rejected_at,
           count(*) FILTER (WHERE r.status = 'rejected' AND r.received_at > coalesce(
             (SELECT max(a.received_at) FROM report a
              WHERE a.organisation_id = r.organisation_id AND a.kind = r.kind AND a.status = 'accepted'),
             '-infinity'::timestamptz)) AS rejected_since_accepted
    FROM report r
    WHERE r.organisation_id = ANY(${[...organisationIds]}::bigint[]) AND r.kind <> 'synthetic'
    GROUP BY r.organisation_id, r.kind`.execute(db);
  return rows.rows.map((r) => ({
    ...r,
    organisation_id: Number(r.organisation_id),
    rejected_since_accepted: Number(r.rejected_since_accepted),
  }));
}
