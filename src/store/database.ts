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
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DATA_FOLDER_LOCK_FILE, lockDataFolder } from './data-folder-lock.js';
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
  /** The connections of the picture's refresh, apart from those that serve requests. */
  readonly refresh: RefreshConnections;
  /**
   * For shutdown, once requests in flight have had their grace period: ends the database work of the
   * requests still running. Each fails and changes nothing (its transaction rolls back), so no report
   * is left half written. PostgreSQL: their connections are terminated on the server. PGlite: nothing
   * (its statements run in this process and end by themselves).
   */
  cancelRequests(): Promise<void>;
  /** Ends a refresh under way (see `RefreshConnections.interrupt`), then closes every connection. */
  close(): Promise<void>;
}

/**
 * The refresh of the situational picture works on connections of its own. On PostgreSQL they are two
 * pools of one connection each, apart from the pool that serves requests (`db`): its transaction, and
 * the second connection a rebuild gives half the regions to. So a refresh never waits for a
 * connection that readers hold (they once held all ten while it waited for its second one: the
 * server hung for good), and readers never lose one to it. PGlite has one session, shared by all.
 */
export interface RefreshConnections {
  /** Like `Store.bulkTransaction`, on the refresh's own connection. */
  transaction<T>(fn: (trx: Tx, copy: CopyFn) => Promise<T>): Promise<T>;
  /** The second connection of a rebuild (PostgreSQL); null on PGlite. */
  readonly helper: Db | null;
  /**
   * For shutdown: ends the refresh under way at once and refuses new ones. It fails and changes
   * nothing (one transaction, rolled back). PostgreSQL: its connections are terminated on the server
   * (`pg_terminate_backend`), so no statement of it goes on there, holding its locks. PGlite: its
   * next statement fails (the one under way ends first: PGlite runs in this process).
   */
  interrupt(): Promise<void>;
}

/**
 * How long making a connection to PostgreSQL may take before it fails (and the request gets 503 with
 * Retry-After): a server that is down refuses at once, but one that does not answer (frozen, or a
 * network that drops packets) would otherwise hold the request for as long as TCP tries. Our choice:
 * a connection on a working network takes milliseconds.
 */
export const DB_CONNECT_TIMEOUT_MS = 5_000;

/**
 * The longest a statement of a request may run on PostgreSQL under `beredskap serve`
 * (`StoreOptions.statementTimeoutMs` on the requests' connections; the picture's refresh has
 * connections of its own without it, since a national full refresh runs for minutes). Past it the statement is cancelled, its transaction rolls back and the
 * request gets 503. Our choice: well above the slowest request statement measured (a region page
 * under 200 readers and a refresh, 23 s at scale 2 on a loaded machine, docs/benchmarks.md), so it
 * only ends what is stuck (a lock that is never released).
 */
export const REQUEST_STATEMENT_TIMEOUT_MS = 120_000;

/**
 * A statement unanswered this long past its server-side timeout means the server itself does not
 * answer (frozen, or the network is gone): pg gives up on it (`query_timeout`). Our choice.
 */
export const DB_UNANSWERED_MARGIN_MS = 15_000;

/** pg's client with the connect timeout, for the pools (whose own option would bound queueing too). */
class BoundedClient extends pg.Client {
  constructor(config?: pg.ClientConfig) {
    super({ ...config, connectionTimeoutMillis: DB_CONNECT_TIMEOUT_MS });
  }
}

/** How long shutdown waits to reach the server to end work under way there. Our choice. */
export const KILLER_CONNECT_MS = 2_000;

/** What a refresh started after `interrupt()` fails with. */
export const REFRESH_INTERRUPTED =
  'the refresh of the situational picture was interrupted: the server is stopping';

export interface StoreOptions {
  /** A postgres:// URL. When absent, PGlite is used. */
  databaseUrl?: string | undefined;
  /**
   * PGlite data directory; 'memory://' (the default) keeps everything in memory. A folder on disk is
   * locked while the store is open: another process that opens it is refused at once
   * (`DataFolderInUseError`, src/store/data-folder-lock.ts).
   */
  dataDir?: string | undefined;
  /** PGlite on disk: empty the folder first, once its lock is taken (`beredskap demo --fresh`). */
  fresh?: boolean | undefined;
  /**
   * PGlite in memory: start from this copy of a data folder (PGlite's `dumpDataDir`) instead of an
   * empty one. For the tests, which start each database from one migrated template
   * (test/support/databases.ts) rather than run initdb and every migration again.
   */
  loadDataDir?: Blob | undefined;
  /**
   * PostgreSQL: the longest a statement on the requests' connections (`db`, `bulkTransaction`) may
   * run (`statement_timeout`, and pg's `query_timeout` a margin later). `beredskap serve` sets
   * `REQUEST_STATEMENT_TIMEOUT_MS`; unset (commands that load or migrate a whole data set), no limit.
   */
  statementTimeoutMs?: number | undefined;
}

// int8 and numeric as numbers, dates as 'YYYY-MM-DD' strings: identical on both backends.
const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;
const parseNumber = (v: string): number => Number(v);
const keepString = (v: string): string => v;

/** Opens PGlite (default) or PostgreSQL (`databaseUrl`). The schema is not migrated here. */
export async function openStore(options: StoreOptions = {}): Promise<Store> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.statementTimeoutMs);
  return openPglite(options.dataDir ?? 'memory://', options.fresh === true, options.loadDataDir);
}

/** Reads DATABASE_URL and BEREDSKAP_DATA_DIR from the environment. */
export function storeOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): StoreOptions {
  return { databaseUrl: env.DATABASE_URL, dataDir: env.BEREDSKAP_DATA_DIR ?? '.data/pglite' };
}

function openPostgres(url: string, statementTimeoutMs: number | undefined): Store {
  const types = {
    getTypeParser: (oid: number, format?: 'text' | 'binary'): ((value: string) => unknown) => {
      if (oid === INT8 || oid === NUMERIC) return parseNumber;
      if (oid === DATE) return keepString;
      return pg.types.getTypeParser(oid, format) as (value: string) => unknown;
    },
  };
  let interrupted = false;
  const poolOf = (
    max: number,
    applicationName: string,
    limits: { statementTimeoutMs?: number | undefined } = {},
  ) => {
    const pool = new pg.Pool({
      connectionString: url,
      max,
      types,
      application_name: applicationName,
      // Only the making of a connection is bounded here; a request waiting for a free one in the pool
      // is not (200 readers share 10 connections in bench:readers), and need not be: with the database
      // gone every query fails at once, and a stuck one ends at its timeout, so the queue moves.
      Client: BoundedClient,
      keepAlive: true,
      ...(limits.statementTimeoutMs !== undefined
        ? {
            statement_timeout: limits.statementTimeoutMs,
            query_timeout: limits.statementTimeoutMs + DB_UNANSWERED_MARGIN_MS,
          }
        : {}),
    });
    // An idle pooled connection can be ended by the server (a restart, an administrator, a database
    // dropped at the end of a test). pg emits that on the pool; unhandled, it would end the process.
    // The broken client is already out of the pool, and the next query opens a new connection.
    pool.on('error', (err) => {
      if (!interrupted)
        process.stderr.write(`beredskap: an idle database connection ended: ${err.message}\n`);
    });
    // A connection in use that ends between two of its queries (interrupt(), a server restart) emits
    // 'error' on its client, where the pool listens only while it is idle. Its next query fails.
    pool.on('connect', (client) => client.on('error', () => undefined));
    return pool;
  };
  // Every connection is named, so that shutdown finds those still at work on the server (and an
  // administrator sees whose they are in pg_stat_activity).
  const instance = `${process.pid}-${randomBytes(3).toString('hex')}`;
  const requestName = `beredskap-${instance}`;
  const pool = poolOf(10, requestName, { statementTimeoutMs });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  // The refresh's own connections.
  const refreshName = `beredskap-refresh-${instance}`;
  const refreshPool = poolOf(1, refreshName);
  const helperPool = poolOf(1, refreshName);
  /** A pool that hands out no connection after interrupt(). */
  const unlessInterrupted = (p: pg.Pool) => ({
    async connect() {
      if (interrupted) throw new Error(REFRESH_INTERRUPTED);
      const client = await p.connect();
      if (interrupted) {
        client.release();
        throw new Error(REFRESH_INTERRUPTED);
      }
      return client;
    },
    end: () => p.end(),
  });
  const helper = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: unlessInterrupted(helperPool) as unknown as pg.Pool }),
  });
  const refreshSource = unlessInterrupted(refreshPool);

  /** Terminates the connections named `name` that are at work (in a statement or a transaction). */
  const terminate = async (name: string, what: string) => {
    const killer = new pg.Client({ connectionString: url, connectionTimeoutMillis: KILLER_CONNECT_MS });
    killer.on('error', () => undefined);
    try {
      await killer.connect();
      await killer.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE application_name = $1 AND state <> 'idle' AND pid <> pg_backend_pid()`,
        [name],
      );
    } catch (err) {
      process.stderr.write(`beredskap: could not end ${what}: ${String(err)}\n`);
    } finally {
      await killer.end().catch(() => undefined);
    }
  };
  const interrupt = async () => {
    interrupted = true;
    const inUse =
      refreshPool.totalCount - refreshPool.idleCount + helperPool.totalCount - helperPool.idleCount;
    if (inUse === 0) return;
    await terminate(refreshName, 'the refresh under way');
  };

  return {
    db,
    backend: 'postgres',
    bulkTransaction: (fn) => transactionOn(pool, fn),
    refresh: {
      transaction: (fn) => transactionOn(refreshSource, fn),
      helper,
      interrupt,
    },
    async cancelRequests() {
      if (pool.totalCount - pool.idleCount === 0) return;
      await terminate(requestName, 'the requests under way');
    },
    async close() {
      await interrupt();
      await helper.destroy();
      await refreshPool.end();
      await db.destroy();
    },
  };
}

/** One transaction on a connection of `source`, in which COPY and queries share the transaction. */
async function transactionOn<T>(
  source: { connect(): Promise<pg.PoolClient> },
  fn: (trx: Tx, copy: CopyFn) => Promise<T>,
): Promise<T> {
  const client = await source.connect();
  // A Kysely bound to this one client.
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
  // Kysely releases the client to its pool when the transaction ends, committed or not.
  return single.transaction().execute((trx) => fn(trx, copy));
}

async function openPglite(dataDir: string, fresh: boolean, loadDataDir?: Blob): Promise<Store> {
  const onDisk = !dataDir.includes('://');
  if (onDisk) await mkdir(dataDir, { recursive: true });
  // One process at a time on a folder (issue 11 item 5): taken before PGlite reads a file of it.
  const lock = onDisk ? await lockDataFolder(dataDir) : null;
  let pglite: PGlite;
  try {
    if (fresh && onDisk) {
      for (const entry of await readdir(dataDir)) {
        if (entry !== DATA_FOLDER_LOCK_FILE) await rm(join(dataDir, entry), { recursive: true, force: true });
      }
    }
    pglite = await PGlite.create(dataDir, {
      parsers: { [INT8]: parseNumber, [NUMERIC]: parseNumber, [DATE]: keepString },
      // In memory, extending files by zero-filled writes keeps bulk COPY from slowing as tables grow
      // (1.8M rows: 5.2 s instead of 12.2 s, measured in docs/data.md); on disk it makes no difference.
      postgresqlconf: ["file_extend_method = 'write_zeros'"],
      ...(loadDataDir && !onDisk ? { loadDataDir } : {}),
    });
  } catch (err) {
    await lock?.release();
    throw err;
  }
  // interrupt(): the refresh's next statement fails (see RefreshConnections).
  const refresh = { running: false, interrupted: false };
  const dialect = new SerialPgliteDialect(pglite, () => refresh.running && refresh.interrupted);
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

  // The serial driver holds the single session for the whole transaction, so a direct
  // pglite.query from inside it runs in that transaction.
  const bulkTransaction = <T>(fn: (trx: Tx, copy: CopyFn) => Promise<T>): Promise<T> =>
    db.transaction().execute((trx) => fn(trx, copy));
  return {
    db,
    backend: 'pglite',
    bulkTransaction,
    refresh: {
      async transaction(fn) {
        if (refresh.interrupted) throw new Error(REFRESH_INTERRUPTED);
        return bulkTransaction(async (trx, copyFn) => {
          // The session is this transaction's alone until it ends (SerialPgliteDriver).
          refresh.running = true;
          try {
            return await fn(trx, copyFn);
          } finally {
            refresh.running = false;
          }
        });
      },
      helper: null,
      interrupt() {
        refresh.interrupted = true;
        return Promise.resolve();
      },
    },
    cancelRequests: () => Promise.resolve(),
    async close() {
      refresh.interrupted = true;
      try {
        await db.destroy();
      } finally {
        await lock?.release();
      }
    },
  };
}

/**
 * PGlite has one session. Kysely's built-in PGlite driver hands that session to every caller at
 * once, so a query from one request could run inside another request's transaction. This driver
 * queues callers: one holds the session (and any transaction on it) at a time.
 */
class SerialPgliteDialect implements Dialect {
  constructor(
    private readonly pglite: PGlite,
    private readonly refused: () => boolean,
  ) {}
  createAdapter() {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new SerialPgliteDriver(this.pglite, this.refused);
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

  constructor(
    private readonly pglite: PGlite,
    /** Whether the statement is refused (an interrupted refresh; its ROLLBACK still runs). */
    refused: () => boolean,
  ) {
    this.connection = {
      executeQuery: async <R>(query: CompiledQuery): Promise<QueryResult<R>> => {
        if (refused() && query.sql !== 'ROLLBACK') throw new Error(REFRESH_INTERRUPTED);
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
