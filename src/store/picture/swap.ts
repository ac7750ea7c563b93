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
  'picture_wholesale_stock',
  'picture_stock_expiry',
  'picture_wholesale_expiry',
  'picture_item',
] as const;

/** The tables a stock refresh rebuilds; it keeps products, demand, monthly sales and history. */
export const STOCK_REBUILD_TABLES = [
  'picture_stock',
  'picture_wholesale_stock',
  'picture_stock_expiry',
  'picture_wholesale_expiry',
  'picture_item',
] as const;

/**
 * The tables a stock refresh of few locations rebuilds: their stock is moved by the delta in place
 * (as an incremental refresh moves it), and only the items are written again from all stock.
 */
export const ITEM_REBUILD_TABLES = ['picture_item'] as const;

/**
 * How long the swap waits for readers' queries to let go of the old tables, per attempt, before it
 * steps back (readers queued behind it go on) and tries again: our choice, short against a page's
 * queries (tens of milliseconds) and below PostgreSQL's deadlock_timeout (1 s), so that a reader
 * holding one table while it waits for another never meets a deadlock error, the swap gives way.
 */
export const SWAP_LOCK_TIMEOUTS_MS = [50, 100, 200, 400, 800] as const;
/** After this long without the locks the refresh fails (and changes nothing); the maintainer retries. */
export const SWAP_GIVE_UP_MS = 60_000;

/** The tables being built aside, and the search_path to return to. */
export interface Aside {
  tables: readonly string[];
  searchPath: string;
}

/**
 * Creates BUILD_SCHEMA with empty twins of `tables` (same columns, defaults, checks, storage,
 * persistence, fill factor, keys, indexes under the same names, and grants, read from the catalogue:
 * the migrations stay their one source) and points the transaction's search_path at it. Two round
 * trips: the catalogue writes the statements (format %I quotes the names), sent as one batch.
 */
export async function buildAside(trx: Tx, tables: readonly string[]): Promise<Aside> {
  const { rows } = await sql<{ stmt: string; search_path: string }>`
    WITH t AS (
      SELECT x.name, x.ord, format('public.%I', x.name)::regclass AS oid
      FROM unnest(${tables}::text[]) WITH ORDINALITY AS x(name, ord)
    ),
    stmt AS (
      SELECT t.ord, 1 AS part, '' AS sub,
             format('CREATE %sTABLE %I.%I (LIKE public.%I INCLUDING ALL EXCLUDING INDEXES)%s',
                    CASE WHEN c.relpersistence = 'u' THEN 'UNLOGGED ' ELSE '' END, ${BUILD_SCHEMA}::text, t.name,
                    t.name,
                    CASE WHEN c.reloptions IS NULL THEN ''
                         ELSE format(' WITH (%s)', array_to_string(c.reloptions, ', ')) END) AS stmt
      FROM t JOIN pg_class c ON c.oid = t.oid
      UNION ALL
      -- Keys, uniques, exclusions and foreign keys (checks come with LIKE; 0012: the rebuilt tables
      -- reference no other table, so the swap locks no table of facts).
      SELECT t.ord, 2, k.conname::text,
             format('ALTER TABLE %I.%I ADD CONSTRAINT %I %s', ${BUILD_SCHEMA}::text, t.name, k.conname,
                    pg_get_constraintdef(k.oid))
      FROM t JOIN pg_constraint k ON k.conrelid = t.oid AND k.contype IN ('p', 'u', 'x', 'f')
      UNION ALL
      -- pg_get_indexdef: CREATE [UNIQUE] INDEX name ON schema.table USING method (…) [WHERE …]
      SELECT t.ord, 3, ic.relname::text,
             format('CREATE %sINDEX %I ON %I.%I%s', CASE WHEN ix.indisunique THEN 'UNIQUE ' ELSE '' END,
                    ic.relname, ${BUILD_SCHEMA}::text, t.name,
                    substr(pg_get_indexdef(ix.indexrelid), strpos(pg_get_indexdef(ix.indexrelid), ' USING ')))
      FROM t JOIN pg_index ix ON ix.indrelid = t.oid JOIN pg_class ic ON ic.oid = ix.indexrelid
      WHERE NOT EXISTS (
        SELECT 1 FROM pg_constraint k WHERE k.conindid = ix.indexrelid AND k.conrelid = ix.indrelid)
      UNION ALL
      SELECT t.ord, 4, a.privilege_type,
             format('GRANT %s ON %I.%I TO %s%s', a.privilege_type, ${BUILD_SCHEMA}::text, t.name,
                    CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END,
                    CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END)
      FROM t JOIN pg_class c ON c.oid = t.oid CROSS JOIN LATERAL aclexplode(c.relacl) a
      WHERE a.grantee <> c.relowner
    )
    SELECT stmt, current_setting('search_path') AS search_path FROM stmt ORDER BY ord, part, sub`.execute(
    trx,
  );
  const schema = quoteIdent(BUILD_SCHEMA);
  await sql
    .raw(
      [
        `DROP SCHEMA IF EXISTS ${schema} CASCADE`,
        `CREATE SCHEMA ${schema}`,
        ...rows.map((r) => r.stmt),
        `SET LOCAL search_path = ${schema}, public`,
      ].join(';\n'),
    )
    .execute(trx);
  return { tables, searchPath: rows[0]?.search_path ?? 'public' };
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
  const old = tables.map((t) => `public.${quoteIdent(t)}`).join(', ');
  for (let attempt = 1; ; attempt++) {
    const timeout = SWAP_LOCK_TIMEOUTS_MS[Math.min(attempt - 1, SWAP_LOCK_TIMEOUTS_MS.length - 1)]!;
    try {
      // One round trip; on a timeout the statements after the LOCK do not run.
      await sql
        .raw(
          `SAVEPOINT picture_swap;
           SET LOCAL lock_timeout = '${timeout}ms';
           LOCK TABLE ${old} IN ACCESS EXCLUSIVE MODE;
           RELEASE SAVEPOINT picture_swap;
           SET LOCAL lock_timeout = DEFAULT`,
        )
        .execute(trx);
    } catch (error) {
      // Anything else fails the refresh (its transaction rolls back).
      if (!isLockTimeout(error)) throw error;
      await sql.raw(`ROLLBACK TO SAVEPOINT picture_swap; RELEASE SAVEPOINT picture_swap`).execute(trx);
      const waited = performance.now() - started;
      if (waited > SWAP_GIVE_UP_MS) throw error;
      onWait?.(attempt, waited);
      // Let the readers that queued behind the attempt through before the next.
      await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * timeout));
      continue;
    }
    await sql
      .raw(
        [
          `DROP TABLE ${old}`,
          ...tables.map((t) => `ALTER TABLE ${quoteIdent(BUILD_SCHEMA)}.${quoteIdent(t)} SET SCHEMA public`),
          `DROP SCHEMA ${quoteIdent(BUILD_SCHEMA)}`,
          `SET LOCAL search_path = ${searchPath}`,
        ].join(';\n'),
      )
      .execute(trx);
    return { attempts: attempt };
  }
}

/** A name as an SQL identifier, quoted when it must be (as PostgreSQL's quote_ident). */
function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

function isLockTimeout(error: unknown): boolean {
  // 55P03 lock_not_available
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '55P03';
}
