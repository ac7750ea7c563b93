import { sql } from 'kysely';
import { AppError } from '../src/domain/errors.js';
import type { CopyFn, Store, Tx } from '../src/store/database.js';
import { recordSalesExtent } from '../src/store/sales-extent.repository.js';
import { generateSweden, type Chunk } from './generate.js';
import type { SwedenOptions } from './model.js';
import {
  csvChunks,
  IDENTITY_TABLES,
  SALES_COLUMNS,
  salesCsv,
  smallTables,
  STOCK_LINE_COLUMNS,
  stockLineCsv,
  type TableName,
} from './tables.js';

export interface LoadProgress {
  /** 'reference' (tables), 'stock' (snapshots), 'sales' (region × period steps), 'indexes', 'checks'. */
  phase: string;
  done: number;
  total: number;
}

export type ProgressFn = (p: LoadProgress) => void;

/** Rows written per table. */
export type LoadCounts = Record<TableName, number>;

/** Rows per COPY statement for the two big tables (PGlite holds one statement's CSV in memory). */
const ROWS_PER_COPY = 200_000;

const BIG_TABLES = ['stock_line', 'sales'] as const;

/**
 * Loads synthetic Sweden into a migrated, empty database: everything in one transaction, all or
 * nothing, with COPY. Refuses (AppError conflict) when the database already has regions or any
 * other data the load would write, so data is never doubled.
 *
 * Fast path, for the two big tables only (sales, stock_line): their secondary indexes are dropped
 * and rebuilt after the copy (from their own definitions in the catalog), and, when the session
 * may (superuser) and no user trigger fires on insert into them, per-row foreign-key triggers are
 * switched off for the copy (`session_replication_role = replica`, transaction-local) and the
 * references are then checked set-wise in one pass per table instead. Both are invisible outside
 * the transaction (on PostgreSQL, other sessions wait for the two tables until it commits).
 */
export async function loadSweden(
  store: Store,
  options: SwedenOptions = {},
  onProgress?: ProgressFn,
): Promise<LoadCounts> {
  const data = generateSweden(options);
  return store.bulkTransaction(async (trx, copy) => {
    await refuseUnlessEmpty(trx);
    const counts = {} as LoadCounts;

    const small = smallTables(data);
    onProgress?.({ phase: 'reference', done: 0, total: small.length });
    for (const [i, t] of small.entries()) {
      counts[t.table] = await copy(t.table, t.columns, csvChunks(t.columns, t.rows));
      onProgress?.({ phase: 'reference', done: i + 1, total: small.length });
    }

    const indexes = await dropSecondaryIndexes(trx, BIG_TABLES);
    const withoutTriggers = await mayBypassForeignKeyTriggers(trx, BIG_TABLES);
    if (withoutTriggers) await sql`SET LOCAL session_replication_role = replica`.execute(trx);

    const bulk = await bulkCopier(store.backend, trx, copy);
    counts.stock_line = await copyChunks(
      'stock_line',
      STOCK_LINE_COLUMNS,
      data.stockLines(),
      stockLineCsv,
      bulk,
      'stock',
      onProgress,
    );
    counts.sales = await copyChunks(
      'sales',
      SALES_COLUMNS,
      data.sales(),
      salesCsv,
      bulk,
      'sales',
      onProgress,
    );

    if (withoutTriggers) await sql`SET LOCAL session_replication_role = origin`.execute(trx);
    // Where each source's sales lie (0014), as ingest keeps it per report: one pass over the rows.
    await recordSalesExtent(trx, null);
    onProgress?.({ phase: 'indexes', done: 0, total: indexes.length });
    // Room to sort 1.8 million index entries (scale 1) in memory rather than in temporary files.
    if (indexes.length > 0) await sql`SET LOCAL maintenance_work_mem = '256MB'`.execute(trx);
    for (const [i, definition] of indexes.entries()) {
      await sql.raw(definition).execute(trx);
      onProgress?.({ phase: 'indexes', done: i + 1, total: indexes.length });
    }

    onProgress?.({ phase: 'checks', done: 0, total: 1 });
    if (withoutTriggers) await checkReferences(trx);
    for (const table of IDENTITY_TABLES) {
      // Ids were set explicitly: move each identity past them so that later inserts do not collide.
      await sql`SELECT setval(pg_get_serial_sequence(${table}, 'id'), (SELECT max(id) FROM ${sql.table(table)}))`.execute(
        trx,
      );
    }
    const lines = counts.sales + counts.stock_line;
    await trx
      .updateTable('report')
      .set({ line_count: lines })
      .where('id', '=', data.reports[0]?.id ?? 1)
      .execute();
    onProgress?.({ phase: 'checks', done: 1, total: 1 });
    return counts;
  });
}

/** Tables the load writes; any row in one of them means the database is not empty. */
const GUARDED_TABLES = [
  'region',
  'organisation',
  'location',
  'medicine',
  'package',
  'report',
  'app_user',
  'stock_snapshot',
] as const;

async function refuseUnlessEmpty(trx: Tx): Promise<void> {
  const hasRegions = await trx.selectFrom('region').select('code').limit(1).executeTakeFirst();
  if (hasRegions) {
    throw AppError.conflict(
      'the database already has regions: synthetic Sweden loads only into an empty database, so nothing was loaded',
    );
  }
  const occupied: string[] = [];
  for (const table of GUARDED_TABLES) {
    const row = await sql<{ one: number }>`SELECT 1 AS one FROM ${sql.table(table)} LIMIT 1`.execute(trx);
    if (row.rows.length > 0) occupied.push(table);
  }
  if (occupied.length > 0) {
    throw AppError.conflict(
      `the database is not empty (rows in ${occupied.join(', ')}): synthetic Sweden loads only into an empty database, so nothing was loaded`,
    );
  }
}

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** Drops the non-constraint indexes of `tables` and returns the statements that rebuild them. */
async function dropSecondaryIndexes(trx: Tx, tables: readonly string[]): Promise<string[]> {
  const { rows } = await sql<{ schemaname: string; indexname: string; indexdef: string }>`
    SELECT schemaname, indexname, indexdef FROM pg_indexes
    WHERE schemaname = current_schema() AND tablename IN (${sql.join(tables)})
      AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u', 'x'))
    ORDER BY tablename, indexname`.execute(trx);
  for (const r of rows)
    await sql.raw(`DROP INDEX ${quoteIdent(r.schemaname)}.${quoteIdent(r.indexname)}`).execute(trx);
  return rows.map((r) => r.indexdef);
}

/**
 * Whether the per-row foreign-key triggers may be skipped for the copy: the session must be
 * allowed to set session_replication_role (superuser; PGlite always is), and no trigger of our
 * own may fire on insert into these tables (it would be skipped too).
 */
async function mayBypassForeignKeyTriggers(trx: Tx, tables: readonly string[]): Promise<boolean> {
  const su = await sql<{ su: string }>`SELECT current_setting('is_superuser') AS su`.execute(trx);
  if (su.rows[0]?.su !== 'on') return false;
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n
    FROM pg_trigger t
    JOIN pg_class c ON c.oid = t.tgrelid
    JOIN pg_namespace s ON s.oid = c.relnamespace AND s.nspname = current_schema()
    WHERE c.relname IN (${sql.join(tables)}) AND NOT t.tgisinternal AND (t.tgtype & 4) <> 0`.execute(trx);
  return (rows[0]?.n ?? 1) === 0;
}

/**
 * The set-wise check that replaces the skipped per-row foreign-key checks. The database was empty,
 * so every referenced table holds exactly the generated rows with ids 1..n; a reference is valid
 * when it falls in that range (and region codes are known).
 */
async function checkReferences(trx: Tx): Promise<void> {
  const range = async (table: string) => {
    const { rows } = await sql<{ n: number; lo: number | null; hi: number | null }>`
      SELECT count(*)::int AS n, min(id) AS lo, max(id) AS hi FROM ${sql.table(table)}`.execute(trx);
    const r = rows[0];
    if (!r || r.n === 0) return { lo: 1, hi: 0 };
    if (r.lo !== 1 || r.hi !== r.n) throw new Error(`${table} ids are not 1..${r.n}`);
    return { lo: 1, hi: r.n };
  };
  const [pkg, loc, rep, snap] = [
    await range('package'),
    await range('location'),
    await range('report'),
    await range('stock_snapshot'),
  ];
  const s = await sql<{
    pmin: number | null;
    pmax: number | null;
    lmin: number | null;
    lmax: number | null;
    rmin: number | null;
    rmax: number | null;
    bad_region: number;
  }>`
    SELECT min(package_id) AS pmin, max(package_id) AS pmax, min(location_id) AS lmin, max(location_id) AS lmax,
           min(report_id) AS rmin, max(report_id) AS rmax,
           count(*) FILTER (WHERE region_code NOT IN (SELECT code FROM region))::int AS bad_region
    FROM sales`.execute(trx);
  const l = await sql<{ smin: number | null; smax: number | null; pmin: number | null; pmax: number | null }>`
    SELECT min(snapshot_id) AS smin, max(snapshot_id) AS smax, min(package_id) AS pmin, max(package_id) AS pmax
    FROM stock_line`.execute(trx);
  const within = (
    lo: number | null | undefined,
    hi: number | null | undefined,
    parent: { lo: number; hi: number },
  ) =>
    lo === null ||
    lo === undefined ||
    hi === null ||
    hi === undefined ||
    (lo >= parent.lo && hi <= parent.hi);
  const sr = s.rows[0];
  const lr = l.rows[0];
  const broken: string[] = [];
  if (!within(sr?.pmin, sr?.pmax, pkg)) broken.push('sales.package_id');
  if (!within(sr?.lmin, sr?.lmax, loc)) broken.push('sales.location_id');
  if (!within(sr?.rmin, sr?.rmax, rep)) broken.push('sales.report_id');
  if ((sr?.bad_region ?? 0) > 0) broken.push('sales.region_code');
  if (!within(lr?.smin, lr?.smax, snap)) broken.push('stock_line.snapshot_id');
  if (!within(lr?.pmin, lr?.pmax, pkg)) broken.push('stock_line.package_id');
  if (broken.length > 0) throw new Error(`generated rows refer to missing rows: ${broken.join(', ')}`);
}

/**
 * COPY for the big tables. PGlite's in-memory file system implements the block pre-allocation
 * that COPY uses to extend a table (`file_extend_method = posix_fallocate`, via ftruncate) by
 * re-allocating and copying the whole file, so COPY straight into a large table slows down with
 * every batch (measured at scale 1: 48 s instead of 9 s for 1.8 million sales rows). Unless the
 * database was started with `file_extend_method = write_zeros`, each batch therefore goes through a
 * fresh temporary table and one INSERT … SELECT, which extends the table block by block; on disk
 * that costs about 1.5 s more at scale 1. PostgreSQL copies straight into the table.
 */
async function bulkCopier(backend: Store['backend'], trx: Tx, copy: CopyFn): Promise<CopyFn> {
  if (backend === 'postgres') return copy;
  const { rows } = await sql<{ method: string | null }>`
    SELECT current_setting('file_extend_method', true) AS method`.execute(trx);
  if (rows[0]?.method !== 'posix_fallocate') return copy;
  return async (table, columns, csv) => {
    const stage = `sweden_stage_${table}`;
    const list = columns.join(', ');
    await sql.raw(`CREATE TEMP TABLE IF NOT EXISTS ${stage} (LIKE ${table}) ON COMMIT DROP`).execute(trx);
    await sql.raw(`TRUNCATE ${stage}`).execute(trx);
    await copy(stage, columns, csv);
    const inserted = await sql
      .raw(`INSERT INTO ${table} (${list}) SELECT ${list} FROM ${stage}`)
      .execute(trx);
    return Number(inserted.numAffectedRows ?? 0n);
  };
}

/** Streams generated chunks into `table`, one COPY per ~200,000 rows, reporting progress. */
async function copyChunks<R>(
  table: string,
  columns: readonly string[],
  chunks: Iterable<Chunk<R>>,
  toCsv: (rows: readonly R[]) => string[],
  copy: CopyFn,
  phase: string,
  onProgress?: ProgressFn,
): Promise<number> {
  let copied = 0;
  let pending: string[] = [];
  let pendingRows = 0;
  for (const { rows, done, total } of chunks) {
    pending.push(...toCsv(rows));
    pendingRows += rows.length;
    if (pendingRows >= ROWS_PER_COPY || done === total) {
      if (pendingRows > 0) copied += await copy(table, columns, pending);
      pending = [];
      pendingRows = 0;
    }
    onProgress?.({ phase, done, total });
  }
  if (pendingRows > 0) copied += await copy(table, columns, pending);
  return copied;
}
