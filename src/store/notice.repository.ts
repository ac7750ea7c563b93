import { sql, type RawBuilder } from 'kysely';
import { pictureScopeOf, type Principal } from '../domain/access.js';
import type { NoticeKind } from '../domain/notice.js';
import type { Db } from './database.js';

/**
 * The register of shortage notices (issue 10 item 4): every notice not superseded by a correction,
 * searchable and filtered, with the history of corrections of each. A company sees its own packages'
 * notices (as on the overview, listNotices); everyone else with the picture sees all.
 */

/** Where a notice stands on `today`: in force, starting within the lead days, later, or over. */
export type NoticeStatus = 'active' | 'upcoming' | 'later' | 'ended';
export const NOTICE_STATUSES: readonly NoticeStatus[] = ['active', 'upcoming', 'later', 'ended'];

export interface NoticeSearch {
  /** Words each found in the product's name, substance, pack, NPL pack id, GTIN or the company's name. */
  q?: string | undefined;
  companyId?: number | undefined;
  /** ATC code or its beginning (e.g. `J01` or `J01CA04`), any case. */
  atc?: string | undefined;
  prioritised?: boolean | undefined;
  kind?: NoticeKind | undefined;
  /** Which of {@link NoticeStatus}; none: all but ended. */
  status?: readonly NoticeStatus[] | undefined;
  /** Only sales stops notified late (R4's two months), or only those that are not. */
  late?: boolean | undefined;
}

export interface RegisterNoticeRow {
  id: number;
  kind: NoticeKind;
  package_id: number;
  package_name: string;
  pack: string;
  substance: string;
  atc_code: string;
  npl_pack_id: string | null;
  company_id: number;
  company_name: string;
  /** The first notification of the notice (its first version's), and this version's. */
  first_notified_at: Date;
  notified_at: Date;
  expected_start: string;
  expected_end: string | null;
  reason: string | null;
  alternatives: string | null;
  late: boolean;
  prioritised: boolean;
  status: NoticeStatus;
  /** Versions before this one (corrections it supersedes, directly or not). */
  corrections: number;
}

function statusSql(today: string, leadDays: number): RawBuilder<NoticeStatus> {
  return sql<NoticeStatus>`CASE
    WHEN n.expected_end IS NOT NULL AND n.expected_end < ${today}::date THEN 'ended'
    WHEN n.expected_start <= ${today}::date THEN 'active'
    WHEN n.expected_start <= ${today}::date + ${leadDays}::int THEN 'upcoming'
    ELSE 'later' END`;
}

/** Escapes LIKE's wildcards in a user's word. */
const likeWord = (w: string) => `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The notices of the register matching `search`, a page of them and how many match in all. */
export async function searchNotices(
  db: Db,
  principal: Principal,
  today: string,
  leadDays: number,
  search: NoticeSearch,
  page: { limit: number; offset: number },
): Promise<{ rows: RegisterNoticeRow[]; total: number }> {
  const scope = pictureScopeOf(principal);
  const status = statusSql(today, leadDays);
  const c: RawBuilder<boolean>[] = [];
  if (scope.companyId !== null) c.push(sql<boolean>`p.company_id = ${scope.companyId}`);
  for (const word of (search.q ?? '')
    .trim()
    .split(/\s+/)
    .filter((w) => w.length > 0)) {
    const w = likeWord(word);
    c.push(sql<boolean>`(m.name ILIKE ${w} OR m.substance ILIKE ${w} OR p.description ILIKE ${w}
      OR coalesce(p.npl_pack_id, '') ILIKE ${w} OR coalesce(p.gtin, '') ILIKE ${w} OR o.name ILIKE ${w})`);
  }
  if (search.companyId !== undefined) c.push(sql<boolean>`n.company_id = ${search.companyId}`);
  if (search.atc) c.push(sql<boolean>`upper(m.atc_code) LIKE ${`${search.atc.toUpperCase()}%`}`);
  if (search.prioritised !== undefined)
    c.push(sql<boolean>`coalesce(pl.prioritised, false) = ${search.prioritised}`);
  if (search.kind) c.push(sql<boolean>`n.kind = ${search.kind}`);
  if (search.late !== undefined) c.push(sql<boolean>`n.late = ${search.late}`);
  const statuses =
    search.status && search.status.length > 0 ? search.status : ['active', 'upcoming', 'later'];
  c.push(sql<boolean>`${status} = ANY(${[...statuses]}::text[])`);
  const where = sql.join(c, sql` AND `);
  // Prioritised as the picture has it (picture_product), as on the overview.
  const from = sql`
    FROM current_shortage_notice n
    JOIN package p ON p.id = n.package_id
    JOIN medicine m ON m.id = p.medicine_id
    JOIN organisation o ON o.id = n.company_id
    LEFT JOIN picture_product pl ON pl.package_id = n.package_id`;
  const [rows, count] = await Promise.all([
    sql<RegisterNoticeRow>`
      WITH RECURSIVE page AS (
        SELECT n.id ${from} WHERE ${where}
        ORDER BY n.expected_start, n.id
        LIMIT ${page.limit} OFFSET ${page.offset}
      ),
      chain AS (
        SELECT s.id AS head, s.supersedes_id, s.notified_at, 0 AS depth
        FROM page JOIN shortage_notice s ON s.id = page.id
        UNION ALL
        SELECT c.head, s.supersedes_id, s.notified_at, c.depth + 1
        FROM chain c JOIN shortage_notice s ON s.id = c.supersedes_id
      ),
      firsts AS (
        SELECT DISTINCT ON (head) head, notified_at AS first_notified_at, depth AS corrections
        FROM chain ORDER BY head, depth DESC
      )
      SELECT n.id, n.kind, n.package_id, m.name AS package_name, p.description AS pack, m.substance,
             m.atc_code, p.npl_pack_id, n.company_id, o.name AS company_name, f.first_notified_at,
             n.notified_at, n.expected_start::text AS expected_start, n.expected_end::text AS expected_end,
             n.reason, n.alternatives, n.late, coalesce(pl.prioritised, false) AS prioritised,
             ${status} AS status, f.corrections
      ${from}
      JOIN firsts f ON f.head = n.id
      ORDER BY n.expected_start, n.id`
      .execute(db)
      .then((r) => r.rows.map((row) => ({ ...row, corrections: Number(row.corrections) }))),
    sql<{ n: string }>`SELECT count(*) AS n ${from} WHERE ${where}`.execute(db),
  ]);
  return { rows, total: Number(count.rows[0]?.n ?? 0) };
}

export interface NoticeVersionRow {
  id: number;
  notified_at: Date;
  received_at: Date;
  expected_start: string;
  expected_end: string | null;
  reason: string | null;
  alternatives: string | null;
  late: boolean;
  report_id: number | null;
  /** This version's place: 0 the first notification, then each correction. */
  version: number;
  current: boolean;
}

/**
 * The versions of the notice `id` (any of them: the first, a correction or the current one), oldest
 * first; null when there is no such notice or the caller may not see it.
 */
export async function noticeHistory(
  db: Db,
  principal: Principal,
  id: number,
): Promise<NoticeVersionRow[] | null> {
  const scope = pictureScopeOf(principal);
  const visible = await sql<{ id: number }>`
    SELECT n.id FROM shortage_notice n JOIN package p ON p.id = n.package_id
    WHERE n.id = ${id} AND (${scope.companyId}::bigint IS NULL OR p.company_id = ${scope.companyId}::bigint)`.execute(
    db,
  );
  if (visible.rows.length === 0) return null;
  // Back to the first version, then forward to the current one.
  const rows = await sql<NoticeVersionRow>`
    WITH RECURSIVE back AS (
      SELECT s.id, s.supersedes_id FROM shortage_notice s WHERE s.id = ${id}
      UNION ALL
      SELECT s.id, s.supersedes_id FROM back b JOIN shortage_notice s ON s.id = b.supersedes_id
    ),
    forward AS (
      SELECT s.id, 0 AS version FROM back b JOIN shortage_notice s ON s.id = b.id WHERE b.supersedes_id IS NULL
      UNION ALL
      SELECT s.id, f.version + 1 FROM forward f JOIN shortage_notice s ON s.supersedes_id = f.id
    )
    SELECT s.id, s.notified_at, s.created_at AS received_at, s.expected_start::text AS expected_start,
           s.expected_end::text AS expected_end, s.reason, s.alternatives, s.late, s.report_id,
           f.version, NOT EXISTS (SELECT 1 FROM shortage_notice x WHERE x.supersedes_id = s.id) AS current
    FROM forward f JOIN shortage_notice s ON s.id = f.id
    ORDER BY f.version, s.id`.execute(db);
  return rows.rows.map((r) => ({ ...r, id: Number(r.id), version: Number(r.version) }));
}
