import { sql, type Selectable } from 'kysely';
import type { IngestKind, ReportFormat } from '../domain/report.js';
import type { Problem } from '../domain/errors.js';
import type { Db, Tx } from './database.js';
import type { ReportProblemRow, ReportTable } from './schema.js';

/** Report rows: the receipts of what came in. Thin queries; the ingest service owns the transaction. */

export type ReportRow = Selectable<ReportTable>;

const RECEIPT_COLUMNS = [
  'report.id',
  'report.kind',
  'report.organisation_id',
  'report.client_ref',
  'report.content_sha256',
  'report.format',
  'report.line_count',
  'report.status',
  'report.received_at',
  'report.summary',
  'report.warnings',
  'report.problems',
  'report.problem_count',
  'report.byte_count',
  'report.file_name',
  'report.token_id',
] as const;

export interface NewReport {
  kind: IngestKind;
  organisationId: number;
  format: ReportFormat;
  clientRef: string | null;
  contentSha256: string;
  receivedAt: Date;
  fileName: string | null;
  byteCount: number | null;
  tokenId: number | null;
}

/** Opens an accepted report inside the ingest transaction; it becomes visible only when that commits. */
export async function insertReport(trx: Tx, r: NewReport): Promise<number> {
  const row = await trx
    .insertInto('report')
    .values({
      kind: r.kind,
      organisation_id: r.organisationId,
      format: r.format,
      client_ref: r.clientRef,
      content_sha256: r.contentSha256,
      received_at: r.receivedAt,
      file_name: r.fileName,
      byte_count: r.byteCount,
      token_id: r.tokenId,
      status: 'accepted',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface ReportCompletion {
  lineCount: number;
  summary: Record<string, number>;
  warnings: readonly Problem[];
  contentSha256: string;
  clientRef: string | null;
  byteCount: number;
}

/** Sets what is known only after the last line: counts, checksum, warnings. */
export async function completeReport(trx: Tx, id: number, c: ReportCompletion): Promise<ReportRow> {
  return trx
    .updateTable('report')
    .set({
      line_count: c.lineCount,
      summary: JSON.stringify(c.summary),
      warnings: JSON.stringify(c.warnings),
      content_sha256: c.contentSha256,
      client_ref: c.clientRef,
      byte_count: c.byteCount,
    })
    .where('id', '=', id)
    .returning(RECEIPT_COLUMNS)
    .executeTakeFirstOrThrow();
}

/** A refused report, kept so that the organisation sees what it sent and why it was refused. */
export async function insertRejectedReport(
  db: Db,
  r: NewReport & { lineCount: number; problems: readonly ReportProblemRow[]; problemCount: number },
): Promise<number> {
  const row = await db
    .insertInto('report')
    .values({
      kind: r.kind,
      organisation_id: r.organisationId,
      format: r.format,
      client_ref: r.clientRef,
      content_sha256: r.contentSha256,
      received_at: r.receivedAt,
      file_name: r.fileName,
      byte_count: r.byteCount,
      token_id: r.tokenId,
      status: 'rejected',
      line_count: r.lineCount,
      problems: JSON.stringify(r.problems),
      problem_count: r.problemCount,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The accepted report with this client reference, or with this content, of one organisation and kind. */
export async function findAcceptedReport(
  db: Db | Tx,
  organisationId: number,
  kind: IngestKind,
  by: { clientRef: string } | { contentSha256: string },
  exceptId?: number,
): Promise<ReportRow | undefined> {
  let query = db
    .selectFrom('report')
    .select(RECEIPT_COLUMNS)
    .where('organisation_id', '=', organisationId)
    .where('kind', '=', kind)
    .where('status', '=', 'accepted');
  query =
    'clientRef' in by
      ? query.where('client_ref', '=', by.clientRef)
      : query.where('content_sha256', '=', by.contentSha256);
  if (exceptId !== undefined) query = query.where('id', '<>', exceptId);
  return query.executeTakeFirst();
}

export interface ReportFilter {
  kind?: IngestKind | undefined;
  status?: 'accepted' | 'rejected' | undefined;
}

/**
 * One organisation's reports, newest first, each with only its first `listed` problems and warnings
 * (cut in the database: a page of refused reports would otherwise carry every one's full list).
 */
export async function listReports(
  db: Db,
  organisationId: number,
  filter: ReportFilter,
  limit: number,
  offset: number,
  listed: number,
) {
  const first = `$[0 to ${Math.max(0, Math.floor(listed) - 1)}]`;
  const columns = [
    ...RECEIPT_COLUMNS.filter((c) => c !== 'report.problems' && c !== 'report.warnings'),
    sql<ReportProblemRow[]>`jsonb_path_query_array(report.problems, ${first}::jsonpath)`.as('problems'),
    sql<ReportProblemRow[]>`jsonb_path_query_array(report.warnings, ${first}::jsonpath)`.as('warnings'),
    sql<number>`jsonb_array_length(report.warnings)`.as('warning_count'),
  ] as const;
  let query = db.selectFrom('report').where('organisation_id', '=', organisationId);
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (filter.status) query = query.where('status', '=', filter.status);
  const [rows, count] = await Promise.all([
    query
      .select(columns)
      .orderBy('received_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .offset(offset)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** One report of the organisation; another organisation's report is "not found". */
export async function findReport(db: Db, organisationId: number, id: number): Promise<ReportRow | undefined> {
  return db
    .selectFrom('report')
    .select(RECEIPT_COLUMNS)
    .where('id', '=', id)
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
}
