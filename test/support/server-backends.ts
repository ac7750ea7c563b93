import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore, type Store } from '../../src/store/database.js';
import {
  createMigratedPostgresDatabase,
  migratedDataFolder,
  NO_POSTGRES,
  type BackendVariant,
} from './databases.js';
import { seedMinimal } from './seed.js';

/** A seeded database for a server run as a child process (`beredskap serve`). */
export interface ServerBackend extends BackendVariant {
  /** Migrates and seeds a fresh database; returns the server's environment. */
  prepare(): Promise<NodeJS.ProcessEnv>;
  /** The database, for a client of the test's own (PostgreSQL), or null. */
  url(): string | null;
  /** Opens the database for checking (stop the server first for PGlite: one process at a time). */
  open(): Promise<Store>;
  cleanup(): Promise<void>;
}

/**
 * PGlite in a fresh data folder, and PostgreSQL in a fresh database under TEST_DATABASE_URL (listed
 * as skipped without it); `prefix` names the folder and the database.
 */
export function serverBackends(prefix: string): ServerBackend[] {
  const adminUrl = process.env.TEST_DATABASE_URL;
  return [
    pgliteBackend(prefix),
    adminUrl
      ? postgresBackend(prefix, adminUrl)
      : {
          name: 'postgres',
          skipReason: NO_POSTGRES,
          prepare: () => Promise.reject(new Error(NO_POSTGRES)),
          url: () => null,
          open: () => Promise.reject(new Error(NO_POSTGRES)),
          cleanup: () => Promise.resolve(),
        },
  ];
}

function pgliteBackend(prefix: string): ServerBackend {
  let dir = '';
  return {
    name: 'pglite',
    skipReason: null,
    async prepare() {
      dir = await mkdtemp(join(tmpdir(), `beredskap-${prefix}-`));
      await migratedDataFolder(dir);
      const store = await openStore({ dataDir: dir });
      await seedMinimal(store.db);
      await store.close();
      return { BEREDSKAP_DATA_DIR: dir, DATABASE_URL: '' };
    },
    url: () => null,
    open: () => openStore({ dataDir: dir }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

function postgresBackend(prefix: string, adminUrl: string): ServerBackend {
  const name = `beredskap_${prefix}_${randomBytes(6).toString('hex')}`;
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const admin = async (statement: string) => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(statement);
    await c.end();
  };
  return {
    name: 'postgres',
    skipReason: null,
    async prepare() {
      await createMigratedPostgresDatabase(adminUrl, name);
      const store = await openStore({ databaseUrl: url.toString() });
      await seedMinimal(store.db);
      await store.close();
      return { DATABASE_URL: url.toString() };
    },
    url: () => url.toString(),
    open: () => openStore({ databaseUrl: url.toString() }),
    cleanup: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
