import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore, type Store } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';

export interface TestBackend {
  name: 'pglite' | 'postgres';
  /** A fresh, migrated, empty database. Call `close` (which also drops a PostgreSQL one) when done. */
  open(): Promise<Store>;
}

/**
 * The backends every store and API test runs on: PGlite always; PostgreSQL too when
 * TEST_DATABASE_URL is set (as `.ci/run` does). Each `open` gets its own database, so tests are
 * independent of order and of each other.
 */
export function testBackends(): TestBackend[] {
  const backends: TestBackend[] = [{ name: 'pglite', open: openPgliteForTest }];
  const url = process.env.TEST_DATABASE_URL;
  if (url) backends.push({ name: 'postgres', open: () => openPostgresForTest(url) });
  return backends;
}

async function openPgliteForTest(): Promise<Store> {
  const store = await openStore({ dataDir: 'memory://' });
  await migrateToLatest(store.db);
  return store;
}

async function openPostgresForTest(adminUrl: string): Promise<Store> {
  const name = `beredskap_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const store = await openStore({ databaseUrl: url.toString() });
  await migrateToLatest(store.db);
  return {
    ...store,
    db: store.db,
    backend: store.backend,
    bulkTransaction: store.bulkTransaction.bind(store),
    async close() {
      await store.close();
      const dropper = new pg.Client({ connectionString: adminUrl });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    },
  };
}
