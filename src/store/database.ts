import { PGlite } from '@electric-sql/pglite';
import {
  CompiledQuery,
  Kysely,
  PostgresAdapter,
  PostgresDialect,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
  type Transaction,
} from 'kysely';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { mkdir } from 'node:fs/promises';
import type { Database } from './schema.js';

export type Backend = 'pglite' | 'postgres';
export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;

/**
 * Streams CSV text (no header) into `table (columns)` with COPY, inside the caller's transaction.
 * Returns the number of rows copied.
 */
export type CopyFn = (
  table: string,
  columns: readonly string[],
  csv: AsyncIterable<string> | Iterable<string>,
) => Promise<number>;

export interface Store {
  readonly db: Db;
  readonly backend: Backend;
  /** Runs `fn` in one transaction in which `copy` bulk-loads with COPY. All or nothing. */
  bulkTransaction<T>(fn: (trx: Tx, copy: CopyFn) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** A postgres:// URL. When absent, PGlite is used. */
  databaseUrl?: string | undefined;
  /** PGlite data directory; 'memory://' (the default) keeps everything in memory. */
  dataDir?: string | undefined;
}

// int8 and numeric as numbers, dates as 'YYYY-MM-DD' strings: identical on both backends.
const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;
const parseNumber = (v: string): number => Number(v);
const keepString = (v: string): string => v;

/** Opens PGlite (default) or PostgreSQL (`databaseUrl`). The schema is not migrated here. */
export async function openStore(options: StoreOptions = {}): Promise<Store> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl);
  return openPglite(options.dataDir ?? 'memory://');
}

/** Reads DATABASE_URL and BEREDSKAP_DATA_DIR from the environment. */
export function storeOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): StoreOptions {
  return { databaseUrl: env.DATABASE_URL, dataDir: env.BEREDSKAP_DATA_DIR ?? '.data/pglite' };
}

function openPostgres(url: string): Store {
  const types = {
    getTypeParser: (oid: number, format?: 'text' | 'binary'): ((value: string) => unknown) => {
      if (oid === INT8 || oid === NUMERIC) return parseNumber;
      if (oid === DATE) return keepString;
      return pg.types.getTypeParser(oid, format) as (value: string) => unknown;
    },
  };
  const pool = new pg.Pool({ connectionString: url, max: 10, types });
  // An idle pooled connection can be ended by the server (a restart, an administrator, a database
  // dropped at the end of a test). pg emits that on the pool; unhandled, it would end the process.
  // The broken client is already out of the pool, and the next query opens a new connection.
  pool.on('error', (err) => {
    process.stderr.write(`beredskap: an idle database connection ended: ${err.message}\n`);
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });

  return {
    db,
    backend: 'postgres',
    async bulkTransaction(fn) {
      const client = await pool.connect();
      // A Kysely bound to this one client, so that COPY and queries share the transaction.
      const single = new Kysely<Database>({
        dialect: new PostgresDialect({
          pool: {
            connect: () => Promise.resolve(client),
            end: () => Promise.resolve(),
          } as unknown as pg.Pool,
        }),
      });
      const copy: CopyFn = async (table, columns, csv) => {
        const stream = client.query(
          copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN WITH (FORMAT csv)`),
        );
        await pipeline(Readable.from(csv), stream);
        return Number(stream.rowCount);
      };
      // Kysely releases the client to the pool when the transaction ends, committed or not.
      return single.transaction().execute((trx) => fn(trx, copy));
    },
    async close() {
      await db.destroy();
    },
  };
}

async function openPglite(dataDir: string): Promise<Store> {
  if (!dataDir.includes('://')) await mkdir(dataDir, { recursive: true });
  const pglite = await PGlite.create(dataDir, {
    parsers: { [INT8]: parseNumber, [NUMERIC]: parseNumber, [DATE]: keepString },
    // In memory, extending files by zero-filled writes keeps bulk COPY from slowing as tables grow
    // (1.8M rows: 5.2 s instead of 12.2 s, measured in docs/data.md); on disk it makes no difference.
    postgresqlconf: ["file_extend_method = 'write_zeros'"],
  });
  const dialect = new SerialPgliteDialect(pglite);
  const db = new Kysely<Database>({ dialect });

  const copy: CopyFn = async (table, columns, csv) => {
    const chunks: string[] = [];
    for await (const c of csv) chunks.push(c);
    const result = await pglite.query(
      `COPY ${table} (${columns.join(', ')}) FROM '/dev/blob' WITH (FORMAT csv)`,
      [],
      { blob: new Blob(chunks) },
    );
    return result.affectedRows ?? 0;
  };

  return {
    db,
    backend: 'pglite',
    // The serial driver holds the single session for the whole transaction, so a direct
    // pglite.query from inside it runs in that transaction.
    bulkTransaction: (fn) => db.transaction().execute((trx) => fn(trx, copy)),
    async close() {
      await db.destroy();
    },
  };
}

/**
 * PGlite has one session. Kysely's built-in PGlite driver hands that session to every caller at
 * once, so a query from one request could run inside another request's transaction. This driver
 * queues callers: one holds the session (and any transaction on it) at a time.
 */
class SerialPgliteDialect implements Dialect {
  constructor(private readonly pglite: PGlite) {}
  createAdapter() {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new SerialPgliteDriver(this.pglite);
  }
  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
}

class SerialPgliteDriver implements Driver {
  private queue: Promise<void> = Promise.resolve();
  private readonly connection: DatabaseConnection;

  constructor(private readonly pglite: PGlite) {
    this.connection = {
      executeQuery: async <R>(query: CompiledQuery): Promise<QueryResult<R>> => {
        // Like pg, a query without parameters goes by the simple protocol, so a migration file
        // with several statements runs as one.
        const res =
          query.parameters.length === 0
            ? lastResult(await this.pglite.exec(query.sql))
            : await this.pglite.query<R>(query.sql, query.parameters as unknown[], { rowMode: 'object' });
        return {
          rows: res.rows as R[],
          ...(res.affectedRows !== undefined ? { numAffectedRows: BigInt(res.affectedRows) } : {}),
        };
      },
      streamQuery: () => {
        throw new Error('streaming is not supported on PGlite');
      },
    };
  }

  async init(): Promise<void> {
    await this.pglite.waitReady;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const previous = this.queue;
    this.queue = previous.then(() => held);
    await previous;
    this.releaseCurrent = release;
    return this.connection;
  }

  private releaseCurrent: (() => void) | undefined;

  releaseConnection(): Promise<void> {
    const release = this.releaseCurrent;
    this.releaseCurrent = undefined;
    release?.();
    return Promise.resolve();
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('BEGIN'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('COMMIT'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('ROLLBACK'));
  }

  async destroy(): Promise<void> {
    if (!this.pglite.closed) await this.pglite.close();
  }
}

function lastResult(results: { rows: unknown[]; affectedRows?: number }[]): {
  rows: unknown[];
  affectedRows?: number;
} {
  const last = results[results.length - 1];
  return last
    ? { rows: last.rows, ...(last.affectedRows !== undefined ? { affectedRows: last.affectedRows } : {}) }
    : { rows: [] };
}
