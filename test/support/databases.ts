import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe } from 'vitest';
import { openStore, type Store } from '../../src/store/database.js';
import { migrateToLatest, migrateUpTo } from '../../src/store/migrate.js';
import type { BackendName } from './backend-meta.js';

/** What a test asks of a fresh database: all migrations (the default), or up to one of them. */
export interface OpenOptions {
  /** Migrate only up to and including this migration, e.g. `0004_picture_unlogged`. */
  upTo?: string;
}

/** One database a suite runs on, or a variant that is shown as skipped, with the reason. */
export interface BackendVariant {
  name: BackendName;
  /** Why the suite's tests are skipped here (e.g. 'TEST_DATABASE_URL not set'), or null when they run. */
  skipReason: string | null;
}

export interface TestBackend extends BackendVariant {
  /** A fresh, migrated, empty database. Call `close` (which also drops a PostgreSQL one) when done. */
  open(options?: OpenOptions): Promise<Store>;
}

/** The reason the PostgreSQL variants are skipped without TEST_DATABASE_URL (also in the test names). */
export const NO_POSTGRES = 'TEST_DATABASE_URL not set';

/**
 * The backends every store and API test runs on: PGlite, and PostgreSQL. Without TEST_DATABASE_URL
 * PostgreSQL is still listed, with a `skipReason`, so that {@link describeEach} shows its tests as
 * skipped instead of leaving them out. Each `open` gets its own database, so tests are independent of
 * order and of each other.
 */
export function testBackends(env: NodeJS.ProcessEnv = process.env): TestBackend[] {
  const url = env.TEST_DATABASE_URL;
  const postgres: TestBackend = url
    ? { name: 'postgres', skipReason: null, open: (options) => openPostgresForTest(url, options) }
    : {
        name: 'postgres',
        skipReason: NO_POSTGRES,
        open: () =>
          Promise.reject(
            new Error(
              `the PostgreSQL variant cannot open a database: ${NO_POSTGRES}. Declare the suite with ` +
                'describeEach(testBackends())(…) so that it is shown as skipped',
            ),
          ),
      };
  return [{ name: 'pglite', skipReason: null, open: openPgliteForTest }, postgres];
}

/**
 * One suite per backend, the way `describe.each` declares them:
 * `describeEach(testBackends())('report API on $name', (backend) => { … })` declares "report API on
 * pglite" and "report API on postgres". A variant that cannot run here is declared skipped, with its
 * reason in its name ("report API on postgres (TEST_DATABASE_URL not set)"), so each of its tests is
 * listed as skipped rather than left out. Each test carries its backend in `meta` (backend-meta.ts),
 * which the summary reporter counts. Works for any list of variants (a spec with backends of its own).
 */
export function describeEach<B extends BackendVariant>(
  variants: readonly B[],
): (title: string, body: (variant: B) => void) => void {
  return (title, body) => {
    for (const variant of variants) {
      const name = title.replaceAll('$name', variant.name);
      if (variant.skipReason === null)
        describe(name, { meta: { backend: variant.name } }, () => body(variant));
      else {
        const meta = { backend: variant.name, unavailable: variant.skipReason };
        describe.skip(`${name} (${variant.skipReason})`, { meta }, () => body(variant));
      }
    }
  };
}

async function openPgliteForTest(options: OpenOptions = {}): Promise<Store> {
  const store = await openStore({ dataDir: 'memory://' });
  await migrate(store, options);
  return store;
}

async function migrate(store: Store, options: OpenOptions): Promise<void> {
  if (options.upTo === undefined) await migrateToLatest(store.db);
  else await migrateUpTo(store.db, options.upTo);
}

async function openPostgresForTest(adminUrl: string, options: OpenOptions = {}): Promise<Store> {
  const name = `beredskap_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const store = await openStore({ databaseUrl: url.toString() });
  await migrate(store, options);
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
