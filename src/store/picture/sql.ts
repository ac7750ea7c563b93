import { sql, type RawBuilder } from 'kysely';
import { supplyTierOf } from '../../domain/supply-tier.js';
import type { Db } from '../database.js';
import { LOCATION_KINDS } from '../schema.js';

/**
 * Runs a bulk load of `table` with its secondary indexes (and, with `primaryKey`, its primary key)
 * dropped, and builds them again after: one sort per index instead of an index insert per row. The
 * definitions are read from the catalogue, so the migration stays their one source.
 */
export async function withoutIndexes(
  trx: Db,
  table: string,
  primaryKey: boolean,
  load: () => Promise<void>,
): Promise<void> {
  // The table the name resolves to (by search_path: during a full or stock refresh, its new twin in
  // picture_build: swap.ts), and its own indexes, wherever an index of the same name lives.
  const indexes = await sql<{ schema: string; indexname: string; indexdef: string }>`
    SELECT n.nspname AS schema, ic.relname AS indexname, pg_get_indexdef(ix.indexrelid) AS indexdef
    FROM pg_index ix
    JOIN pg_class ic ON ic.oid = ix.indexrelid
    JOIN pg_namespace n ON n.oid = ic.relnamespace
    WHERE ix.indrelid = ${table}::regclass
      AND NOT EXISTS (
        SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid AND c.conrelid = ix.indrelid)`.execute(
    trx,
  );
  const keys = primaryKey
    ? await sql<{ conname: string; def: string }>`
        SELECT c.conname, pg_get_constraintdef(c.oid) AS def FROM pg_constraint c
        WHERE c.conrelid = ${table}::regclass AND c.contype = 'p'`.execute(trx)
    : { rows: [] };
  for (const ix of indexes.rows) await sql`DROP INDEX ${sql.id(ix.schema, ix.indexname)}`.execute(trx);
  for (const k of keys.rows) {
    await sql`ALTER TABLE ${sql.table(table)} DROP CONSTRAINT ${sql.id(k.conname)}`.execute(trx);
  }
  await load();
  for (const k of keys.rows) {
    await sql`ALTER TABLE ${sql.table(table)} ADD CONSTRAINT ${sql.id(k.conname)} ${sql.raw(k.def)}`.execute(
      trx,
    );
  }
  // pg_get_indexdef names the table with its schema: each index is built again where it was.
  for (const ix of indexes.rows) await sql.raw(ix.indexdef).execute(trx);
}

/**
 * Runs `read` with plain index scans off in this transaction (bitmap scans instead), then turns them
 * back to what they were. For the statements of a rebuild that read every location's stock lines
 * through the index on (snapshot_id, package_id): the planner takes the heap to follow that index
 * (snapshot_id's correlation is 1), but within a snapshot the lines lie in the order they arrived,
 * not by package, so an index scan fetches a page per line; a bitmap scan reads each page once
 * (at national scale the lots of 5.9 million lines in 3.4 s instead of 4.8 s, and in the refresh
 * 4.0 / 8.6 s instead of 5.8 / 10.4 s on its two connections; the stock gained alone, not in the
 * refresh: docs/benchmarks.md). Not restored on failure: the transaction is rolled back then, and
 * its local setting with it.
 */
export async function withoutIndexScans<T>(db: Db, read: () => Promise<T>): Promise<T> {
  const was = await sql<{ value: string }>`SELECT current_setting('enable_indexscan') AS value`.execute(db);
  await sql`SELECT set_config('enable_indexscan', 'off', true)`.execute(db);
  const result = await read();
  await sql`SELECT set_config('enable_indexscan', ${was.rows[0]?.value ?? 'on'}, true)`.execute(db);
  return result;
}

export function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/** `column = ANY(ids)`, or true when ids is null (everything). */
export function idIn(column: string, ids: readonly number[] | null): RawBuilder<boolean> {
  return ids === null ? sql<boolean>`true` : sql<boolean>`${sql.ref(column)} = ANY(${ids}::bigint[])`;
}

/** The packages named and every other member of their groups (a group's deliveries are all its members'). */
export function membersOf(column: string, packages: readonly number[] | null): RawBuilder<boolean> {
  if (packages === null) return sql<boolean>`true`;
  return sql<boolean>`${sql.ref(column)} IN (
    SELECT m.package_id FROM picture_product m WHERE m.group_key IN (
      SELECT g.group_key FROM picture_product g WHERE g.package_id = ANY(${packages}::bigint[])))`;
}

export function textIn(column: string, values: readonly string[] | null): RawBuilder<boolean> {
  return values === null ? sql<boolean>`true` : sql<boolean>`${sql.ref(column)} = ANY(${values}::text[])`;
}

/** SQL twin of supplyTierOf (src/domain/supply-tier.ts), generated from it. */
export function tierCaseSql(kindColumn: string): RawBuilder<string> {
  const whens = LOCATION_KINDS.map((k) => `WHEN '${k}' THEN '${supplyTierOf(k)}'`).join(' ');
  return sql<string>`CASE ${sql.ref(kindColumn)} ${sql.raw(whens)} END`;
}

export function* csvLines<R extends Record<string, string | number | boolean | null>>(
  rows: readonly R[],
  columns: readonly (keyof R & string)[],
): Generator<string> {
  let chunk = '';
  for (const row of rows) {
    chunk += `${columns.map((c) => csvField(row[c])).join(',')}\n`;
    if (chunk.length > 1 << 20) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk.length > 0) yield chunk;
}

export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number') return String(value);
  return `"${value.replaceAll('"', '""')}"`;
}
