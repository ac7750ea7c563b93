import { sql, type RawBuilder } from 'kysely';
import type { Principal } from '../domain/access.js';
import { calendarDateInSweden } from '../domain/calendar.js';
import {
  supervise,
  supervisionKey,
  type PreviousStatus,
  type SupervisionRow,
  type SupervisionStatus,
} from '../domain/supervision.js';
import type { Db, Tx } from './database.js';
import { companyScopeSql, obligationsInForce } from './dispensation.repository.js';
import { ownedStockTotals } from './stock-owner.repository.js';

/*
 * Supervision (issue 12 item 4, R1): each day's status per company and package on an obligation, kept
 * in `supervision_day` (migration 0023). Recorded for the picture's day after each refresh of the
 * picture (src/cli/serve.ts hooks it to the maintainer), after each dispensation decision, and on the
 * first read of a day that has none.
 */

/** The day supervision describes: the picture's day (its stock is the stock reported until then), else today. */
export async function supervisionToday(db: Db | Tx): Promise<string> {
  const { rows } = await sql<{
    today: string;
  }>`SELECT today::text AS today FROM picture_state LIMIT 1`.execute(db);
  return rows[0]?.today ?? calendarDateInSweden(new Date());
}

/**
 * Computes and stores the status of every obligation in force on `day` against the stock each company
 * owns now (ownedStockTotals: current_stock_by_owner's rows, owner = the company, wherever held), replacing what was stored for
 * that day. Returns the rows written. One transaction: a reader sees the day before or after, never half.
 */
export async function recordSupervision(db: Db, day: string): Promise<SupervisionRow[]> {
  return db.transaction().execute(async (trx) => {
    // One recording of a day at a time (after a refresh and after a decision may overlap).
    await sql`SELECT pg_advisory_xact_lock(23, ${Number(day.replaceAll('-', '')) % 2_147_483_647}::int)`.execute(
      trx,
    );
    const year = Number(day.slice(0, 4));
    const obligations = await obligationsInForce(trx, { year, on: day });
    const packageIds = [...new Set(obligations.map((o) => o.packageId))];
    const companyIds = [...new Set(obligations.map((o) => o.companyId))];
    const stock = new Map<string, number>();
    const previous = new Map<string, PreviousStatus>();
    if (obligations.length > 0) {
      for (const r of await ownedStockTotals(trx, companyIds, packageIds))
        stock.set(supervisionKey(r.ownerId, r.packageId), r.quantity);
      const before = await sql<{
        company_id: number;
        package_id: number;
        day: string;
        status: SupervisionStatus;
        below_since: string | null;
      }>`SELECT DISTINCT ON (company_id, package_id) company_id, package_id, day::text AS day, status,
               below_since::text AS below_since
        FROM supervision_day
        WHERE day < ${day}::date AND package_id = ANY(${packageIds}::bigint[])
        ORDER BY company_id, package_id, day DESC`.execute(trx);
      for (const r of before.rows)
        previous.set(supervisionKey(Number(r.company_id), Number(r.package_id)), {
          day: r.day,
          status: r.status,
          belowSince: r.below_since,
        });
    }
    const rows = supervise(day, obligations, stock, previous);
    await sql`DELETE FROM supervision_day WHERE day = ${day}::date`.execute(trx);
    if (rows.length > 0) {
      // One statement over arrays (a handful of parameters whatever the number of rows).
      await sql`INSERT INTO supervision_day (day, company_id, package_id, published_volume, volume,
          dispensation_id, stock, status, shortfall, below_since)
        SELECT ${day}::date, * FROM unnest(
          ${rows.map((r) => r.companyId)}::bigint[], ${rows.map((r) => r.packageId)}::bigint[],
          ${rows.map((r) => r.publishedVolume)}::integer[], ${rows.map((r) => r.volume)}::integer[],
          ${rows.map((r) => r.dispensationId)}::bigint[], ${rows.map((r) => r.stock)}::bigint[],
          ${rows.map((r) => r.status)}::text[], ${rows.map((r) => r.shortfall)}::integer[],
          ${rows.map((r) => r.belowSince)}::date[])`.execute(trx);
    }
    return rows;
  });
}

/** Records `day` unless it already has rows (the first read of a day records it). */
export async function ensureSupervised(db: Db, day: string): Promise<void> {
  const { rows } = await sql`SELECT 1 FROM supervision_day WHERE day = ${day}::date LIMIT 1`.execute(db);
  if (rows.length === 0) await recordSupervision(db, day);
}

export interface SupervisionListRow {
  day: string;
  company_id: number;
  company_name: string;
  package_id: number;
  package_name: string;
  npl_pack_id: string;
  price_sek: number | null;
  published_volume: number;
  volume: number;
  dispensation_id: number | null;
  stock: number;
  status: SupervisionStatus;
  shortfall: number;
  below_since: string | null;
  computed_at: Date;
}

export interface SupervisionFilter {
  day: string;
  status?: readonly SupervisionStatus[] | undefined;
  companyId?: number | undefined;
  packageId?: number | undefined;
}

const FROM = sql`
  FROM supervision_day s
  JOIN organisation o ON o.id = s.company_id
  JOIN package p ON p.id = s.package_id
  JOIN medicine m ON m.id = p.medicine_id`;

const COLUMNS = sql`s.day::text AS day, s.company_id, o.name AS company_name, s.package_id,
  m.name || ' ' || m.strength || ', ' || p.description AS package_name, p.npl_pack_id, p.price_sek,
  s.published_volume, s.volume, s.dispensation_id, s.stock, s.status, s.shortfall,
  s.below_since::text AS below_since, s.computed_at`;

function toRow(r: SupervisionListRow): SupervisionListRow {
  return {
    ...r,
    company_id: Number(r.company_id),
    package_id: Number(r.package_id),
    price_sek: r.price_sek === null ? null : Number(r.price_sek),
    dispensation_id: r.dispensation_id === null ? null : Number(r.dispensation_id),
    stock: Number(r.stock),
  };
}

function whereOf(principal: Principal, f: SupervisionFilter): RawBuilder<boolean> {
  const c: RawBuilder<boolean>[] = [
    companyScopeSql(principal, sql`s.company_id`),
    sql<boolean>`s.day = ${f.day}::date`,
  ];
  if (f.status !== undefined && f.status.length > 0)
    c.push(sql<boolean>`s.status = ANY(${[...f.status]}::text[])`);
  if (f.companyId !== undefined) c.push(sql<boolean>`s.company_id = ${f.companyId}`);
  if (f.packageId !== undefined) c.push(sql<boolean>`s.package_id = ${f.packageId}`);
  return sql.join(c, sql` AND `);
}

/**
 * The statuses of a day the caller may see (authorities every company's, a company its own), the
 * largest shortfall first, then by company and package; with counts per status over the filter
 * without its status.
 */
export async function supervisionList(
  db: Db,
  principal: Principal,
  filter: SupervisionFilter,
  page: { limit: number; offset: number } | null,
): Promise<{ rows: SupervisionListRow[]; total: number; counts: Record<SupervisionStatus, number> }> {
  const where = whereOf(principal, filter);
  const all = whereOf(principal, { ...filter, status: undefined });
  const limit = page === null ? sql`` : sql`LIMIT ${page.limit} OFFSET ${page.offset}`;
  const [rows, count, counts] = await Promise.all([
    sql<SupervisionListRow>`SELECT ${COLUMNS} ${FROM} WHERE ${where}
      ORDER BY s.shortfall DESC, o.name, s.company_id, package_name, s.package_id ${limit}`.execute(db),
    sql<{ n: string }>`SELECT count(*) AS n ${FROM} WHERE ${where}`.execute(db),
    sql<{ status: SupervisionStatus; n: string }>`SELECT s.status, count(*) AS n ${FROM} WHERE ${all}
      GROUP BY s.status`.execute(db),
  ]);
  const byStatus: Record<SupervisionStatus, number> = { compliant: 0, under_dispensation: 0, below: 0 };
  for (const r of counts.rows) byStatus[r.status] = Number(r.n);
  return { rows: rows.rows.map(toRow), total: Number(count.rows[0]?.n ?? 0), counts: byStatus };
}

/** One obligation's daily record from `from` to `to` (the caller's own, or any for authorities), oldest first. */
export async function supervisionHistory(
  db: Db,
  principal: Principal,
  key: { companyId: number; packageId: number; from: string; to: string },
): Promise<SupervisionListRow[]> {
  const { rows } = await sql<SupervisionListRow>`SELECT ${COLUMNS} ${FROM}
    WHERE ${companyScopeSql(principal, sql`s.company_id`)} AND s.company_id = ${key.companyId}
      AND s.package_id = ${key.packageId} AND s.day BETWEEN ${key.from}::date AND ${key.to}::date
    ORDER BY s.day`.execute(db);
  return rows.map(toRow);
}

/**
 * After each refresh of the picture (src/cli/serve.ts): records the picture's day. Never throws (the
 * maintainer does not wait for it); a failure is logged, and the next refresh or read records the day.
 */
export function superviseAfterRefresh(db: Db, log: (message: string) => void): void {
  void (async () => {
    const day = await supervisionToday(db);
    const rows = await recordSupervision(db, day);
    log(`tillsyn: ${rows.length} obligations supervised for ${day}`);
  })().catch((err: unknown) => log(`tillsyn: supervision not recorded: ${String(err)}`));
}
