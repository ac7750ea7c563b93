import { sql } from 'kysely';
import type { Tx } from '../database.js';

/**
 * Build aside, swap in: a full or stock refresh writes the tables it rebuilds from empty into a schema
 * of their own, created inside its transaction, while readers go on reading the last complete picture
 * in `public`; at the end, just before it commits, the new tables replace the old ones. Readers wait
 * only for that swap (a few catalogue changes and the commit), never for the rebuild.
 *
 * The stages' SQL names the tables without a schema: `SET LOCAL search_path = picture_build, public`
 * makes them write the new tables, and read and write the others (kept and updated in place, which
 * blocks no reader) in `public`.
 */
export const BUILD_SCHEMA = 'picture_build';

/** The tables a full refresh rebuilds from empty (TRUNCATE, or indexes dropped for the load). */
export const FULL_REBUILD_TABLES = [
  'picture_product',
  'picture_demand',
  'picture_sales_month',
  'picture_stock',
  'picture_item',
] as const;

/** The tables a stock refresh rebuilds; it keeps products, demand, monthly sales and history. */
export const STOCK_REBUILD_TABLES = ['picture_stock', 'picture_item'] as const;

/**
 * How long the swap waits for readers' queries to let go of the old tables, per attempt, before it
 * steps back (readers queued behind it go on) and tries again: our choice, short against a page's
 * queries (tens of milliseconds) and below PostgreSQL's deadlock_timeout (1 s), so that a reader
 * holding one table while it waits for another never meets a deadlock error, the swap gives way.
 */
export const SWAP_LOCK_TIMEOUTS_MS = [50, 100, 200, 400, 800] as const;
/** After this long without the locks the refresh fails (and changes nothing); the maintainer retries. */
export const SWAP_GIVE_UP_MS = 60_000;

interface TableDefinition {
  name: string;
  unlogged: boolean;
  reloptions: string[] | null;
  constraints: { name: string; def: string }[];
  indexes: { name: string; unique: boolean; def: string }[];
  grants: { grantee: string | null; privilege: string; grantable: boolean }[];
}

/** The tables being built aside, and the search_path to return to. */
export interface Aside {
  tables: readonly string[];
  searchPath: string;
}

/**
 * Creates BUILD_SCHEMA with empty twins of `tables` (same columns, defaults, checks, storage,
 * persistence, fill factor, keys, indexes under the same names, and grants, read from the catalogue:
 * the migrations stay their one source) and points the transaction's search_path at it.
 */
export async function buildAside(trx: Tx, tables: readonly string[]): Promise<Aside> {
  const current = await sql<{ path: string }>`SELECT current_setting('search_path') AS path`.execute(trx);
  await sql`DROP SCHEMA IF EXISTS ${sql.id(BUILD_SCHEMA)} CASCADE`.execute(trx);
  await sql`CREATE SCHEMA ${sql.id(BUILD_SCHEMA)}`.execute(trx);
  for (const table of tables) {
    const d = await definitionOf(trx, table);
    const build = sql.id(BUILD_SCHEMA, table);
    // Indexes are created below under their own names (LIKE … INCLUDING INDEXES would name them anew).
    await sql`CREATE ${sql.raw(d.unlogged ? 'UNLOGGED ' : '')}TABLE ${build}
      (LIKE ${sql.id('public', table)} INCLUDING ALL EXCLUDING INDEXES)
      ${d.reloptions !== null && d.reloptions.length > 0 ? sql.raw(`WITH (${d.reloptions.join(', ')})`) : sql``}`.execute(
      trx,
    );
    for (const c of d.constraints) {
      await sql`ALTER TABLE ${build} ADD CONSTRAINT ${sql.id(c.name)} ${sql.raw(c.def)}`.execute(trx);
    }
    for (const ix of d.indexes) {
      // pg_get_indexdef: CREATE [UNIQUE] INDEX name ON schema.table USING method (…) [WHERE …]
      const using = ix.def.indexOf(' USING ');
      if (using < 0) throw new Error(`unexpected definition of index ${ix.name}: ${ix.def}`);
      await sql`CREATE ${sql.raw(ix.unique ? 'UNIQUE ' : '')}INDEX ${sql.id(ix.name)} ON ${build}${sql.raw(
        ix.def.slice(using),
      )}`.execute(trx);
    }
    for (const g of d.grants) {
      await sql`GRANT ${sql.raw(g.privilege)} ON ${build} TO ${g.grantee === null ? sql.raw('PUBLIC') : sql.id(g.grantee)}${sql.raw(
        g.grantable ? ' WITH GRANT OPTION' : '',
      )}`.execute(trx);
    }
  }
  await sql.raw(`SET LOCAL search_path = ${BUILD_SCHEMA}, public`).execute(trx);
  return { tables, searchPath: current.rows[0]?.path ?? 'public' };
}

/**
 * Replaces the tables in `public` by their new twins and drops BUILD_SCHEMA. Call it last, just
 * before the commit: from the moment it holds the old tables until the commit, readers of them wait.
 * The locks are taken with a short lock_timeout in a savepoint, and on a timeout released and tried
 * again, so that the swap never holds up readers for longer than one attempt at a time.
 */
export async function swapIn(
  trx: Tx,
  { tables, searchPath }: Aside,
  /** Told of each failed attempt (for the log). */
  onWait?: (attempt: number, waitedMs: number) => void,
): Promise<{ attempts: number }> {
  const started = performance.now();
  const old = sql.join(tables.map((t) => sql.id('public', t)));
  for (let attempt = 1; ; attempt++) {
    const timeout = SWAP_LOCK_TIMEOUTS_MS[Math.min(attempt - 1, SWAP_LOCK_TIMEOUTS_MS.length - 1)]!;
    await sql`SAVEPOINT picture_swap`.execute(trx);
    try {
      await sql.raw(`SET LOCAL lock_timeout = '${timeout}ms'`).execute(trx);
      await sql`LOCK TABLE ${old} IN ACCESS EXCLUSIVE MODE`.execute(trx);
      await sql`RELEASE SAVEPOINT picture_swap`.execute(trx);
    } catch (error) {
      await sql`ROLLBACK TO SAVEPOINT picture_swap`.execute(trx);
      await sql`RELEASE SAVEPOINT picture_swap`.execute(trx);
      const waited = performance.now() - started;
      if (!isLockTimeout(error) || waited > SWAP_GIVE_UP_MS) throw error;
      onWait?.(attempt, waited);
      // Let the readers that queued behind the attempt through before the next.
      await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * timeout));
      continue;
    }
    await sql`SET LOCAL lock_timeout = DEFAULT`.execute(trx);
    await sql`SELECT set_config('search_path', ${searchPath}, true)`.execute(trx);
    await sql`DROP TABLE ${old}`.execute(trx);
    for (const t of tables) await sql`ALTER TABLE ${sql.id(BUILD_SCHEMA, t)} SET SCHEMA public`.execute(trx);
    await sql`DROP SCHEMA ${sql.id(BUILD_SCHEMA)}`.execute(trx);
    return { attempts: attempt };
  }
}

function isLockTimeout(error: unknown): boolean {
  // 55P03 lock_not_available
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '55P03';
}

async function definitionOf(trx: Tx, table: string): Promise<TableDefinition> {
  const rel = await sql<{ unlogged: boolean; reloptions: string[] | null }>`
    SELECT c.relpersistence = 'u' AS unlogged, c.reloptions
    FROM pg_class c WHERE c.oid = ${`public.${table}`}::regclass`.execute(trx);
  const r = rel.rows[0];
  if (r === undefined) throw new Error(`table public.${table} not found`);
  // Keys, uniques and exclusions (checks come with LIKE … INCLUDING CONSTRAINTS; the picture's tables
  // reference no other table: 0012).
  const constraints = await sql<{ name: string; def: string }>`
    SELECT c.conname AS name, pg_get_constraintdef(c.oid) AS def FROM pg_constraint c
    WHERE c.conrelid = ${`public.${table}`}::regclass AND c.contype IN ('p', 'u', 'x', 'f')
    ORDER BY c.conname`.execute(trx);
  const indexes = await sql<{ name: string; unique: boolean; def: string }>`
    SELECT ic.relname AS name, ix.indisunique AS unique, pg_get_indexdef(ix.indexrelid) AS def
    FROM pg_index ix JOIN pg_class ic ON ic.oid = ix.indexrelid
    WHERE ix.indrelid = ${`public.${table}`}::regclass
      AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = ix.indexrelid AND k.conrelid = ix.indrelid)
    ORDER BY ic.relname`.execute(trx);
  const grants = await sql<{ grantee: string | null; privilege: string; grantable: boolean }>`
    SELECT CASE WHEN a.grantee = 0 THEN NULL ELSE pg_get_userbyid(a.grantee) END AS grantee,
           a.privilege_type AS privilege, a.is_grantable AS grantable
    FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a
    WHERE c.oid = ${`public.${table}`}::regclass AND a.grantee <> c.relowner`.execute(trx);
  return {
    name: table,
    unlogged: r.unlogged,
    reloptions: r.reloptions,
    constraints: constraints.rows,
    indexes: indexes.rows,
    grants: grants.rows,
  };
}
