import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { describe } from 'vitest';
import { openStore, type Store } from '../../src/store/database.js';
import { migrateToLatest, migrateUpTo } from '../../src/store/migrate.js';
import type { BackendName } from './backend-meta.js';
import { POSTGRES_TEMPLATE_MARK, TEMPLATES_ENV } from './templates.js';

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

/** A fresh, migrated, empty PGlite database in memory (the PGlite backend's `open`). */
export async function openPgliteForTest(options: OpenOptions = {}): Promise<Store> {
  const templates = process.env[TEMPLATES_ENV];
  if (options.upTo === undefined && templates !== undefined)
    return openStore({ loadDataDir: await pgliteTemplate(templates) });
  const store = await openStore({ dataDir: 'memory://' });
  await migrate(store, options);
  return store;
}

async function migrate(store: Store, options: OpenOptions): Promise<void> {
  if (options.upTo === undefined) await migrateToLatest(store.db);
  else await migrateUpTo(store.db, options.upTo);
}

/*
 * Within a test run (`npm test`), a fresh database starts as a copy of one migrated template instead
 * of running initdb and every migration again (PGlite: 1.1 s of CPU to load the template's dump instead
 * of 3.3 s, 6 s for a process's first; PostgreSQL: CREATE DATABASE … TEMPLATE). The run's global setup
 * (templates.ts) names a folder where the first test file that needs a template leaves it for the
 * others. A copy holds the template's data byte for byte: what a test sees is what a freshly migrated
 * database holds. Outside a run (no folder named), every database is migrated as it is opened.
 */
let pgliteTemplatePromise: Promise<Blob> | undefined;

/** The run's migrated PGlite data folder as PGlite dumps it (a tar), for `openStore({ loadDataDir })`. */
function pgliteTemplate(templates: string): Promise<Blob> {
  pgliteTemplatePromise ??= (async () => {
    await pgliteFolderTemplate(templates);
    return new Blob([new Uint8Array(await readFile(join(templates, PGLITE_DUMP)))]);
  })();
  return pgliteTemplatePromise;
}

const PGLITE_DUMP = 'pglite.tar';
const PGLITE_FOLDER = 'pglite-folder';

/**
 * Makes the run's PGlite templates in `dir` unless another process did: a migrated data folder on
 * disk (to copy, never to open: someone may be copying it) and its dump. Returns the folder.
 */
async function pgliteFolderTemplate(dir: string): Promise<string> {
  const folder = join(dir, PGLITE_FOLDER);
  if (await exists(folder)) return folder;
  // Made apart, then renamed into place: whoever sees the folder sees it whole, its dump beside it.
  const own = await mkdtemp(join(dir, 'making-'));
  const dump = await makePgliteTemplate(own);
  const partial = join(dir, `${PGLITE_DUMP}.${randomBytes(6).toString('hex')}`);
  await writeFile(partial, dump);
  await rename(partial, join(dir, PGLITE_DUMP));
  // Two processes may make it at once: the second rename fails on the first's folder, which is as good.
  await rename(own, folder).catch(() => rm(own, { recursive: true, force: true }));
  return folder;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Migrates a new PGlite data folder at `folder` through openStore (every store's settings); returns its dump. */
async function makePgliteTemplate(folder: string): Promise<Uint8Array> {
  // initdb in memory, then the cluster written to the folder: initdb on disk takes twice as long.
  const empty = await PGlite.create('memory://');
  const cluster = await empty.dumpDataDir('none');
  await empty.close();
  await (await PGlite.create(folder, { loadDataDir: cluster })).close();
  const store = await openStore({ dataDir: folder });
  await migrateToLatest(store.db);
  await store.close();
  const pglite = await PGlite.create(folder);
  const dump = await pglite.dumpDataDir('none');
  await pglite.close();
  return new Uint8Array(await dump.arrayBuffer());
}

/**
 * A migrated, empty PGlite data folder at `dir` (made if missing), for a process of its own
 * (`beredskap …`) or a store on disk: within a run a copy of the run's template, else migrated here.
 */
export async function migratedDataFolder(dir: string): Promise<void> {
  const templates = process.env[TEMPLATES_ENV];
  if (templates) {
    await cp(await pgliteFolderTemplate(templates), dir, { recursive: true });
    return;
  }
  const store = await openStore({ dataDir: dir });
  try {
    await migrateToLatest(store.db);
  } finally {
    await store.close();
  }
}

/** The bytes of `file` in the run's template folder `dir`, made by `make` by the first process that asks. */
async function sharedTemplate(
  dir: string,
  file: string,
  make: () => Promise<Uint8Array>,
): Promise<Uint8Array> {
  const path = join(dir, file);
  try {
    return await readFile(path);
  } catch {
    const bytes = await make();
    // Two files may make it at once: each writes its own and renames, so a reader sees one whole.
    const partial = `${path}.${randomBytes(6).toString('hex')}`;
    await writeFile(partial, bytes);
    await rename(partial, path);
    return bytes;
  }
}

const postgresTemplates = new Map<string, Promise<string>>();

/** The name of a migrated PostgreSQL database to copy (CREATE DATABASE … TEMPLATE), made once per run. */
function postgresTemplate(templates: string, adminUrl: string): Promise<string> {
  let name = postgresTemplates.get(adminUrl);
  if (name === undefined) {
    name = sharedTemplate(templates, 'postgres.name', async () => {
      const made = `beredskap_template_${randomBytes(6).toString('hex')}`;
      // Marked before it exists, so that the run's end drops it even if its migration fails.
      await writeFile(join(templates, `${POSTGRES_TEMPLATE_MARK}${made}`), '');
      await admin(adminUrl, `CREATE DATABASE ${made}`);
      const store = await openStore({ databaseUrl: databaseUrl(adminUrl, made) });
      await migrateToLatest(store.db);
      await store.close();
      return new TextEncoder().encode(made);
    }).then((bytes) => new TextDecoder().decode(bytes));
    postgresTemplates.set(adminUrl, name);
  }
  return name;
}

async function admin(adminUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Creates the PostgreSQL database `name` on the server of `adminUrl`, migrated and empty: within a run
 * a copy of the run's template (which only the run's global setup drops), else migrated here.
 */
export async function createMigratedPostgresDatabase(adminUrl: string, name: string): Promise<void> {
  const templates = process.env[TEMPLATES_ENV];
  if (templates !== undefined) {
    await admin(adminUrl, `CREATE DATABASE ${name} TEMPLATE ${await postgresTemplate(templates, adminUrl)}`);
    return;
  }
  await admin(adminUrl, `CREATE DATABASE ${name}`);
  const store = await openStore({ databaseUrl: databaseUrl(adminUrl, name) });
  try {
    await migrateToLatest(store.db);
  } finally {
    await store.close();
  }
}

async function openPostgresForTest(adminUrl: string, options: OpenOptions = {}): Promise<Store> {
  const name = `beredskap_test_${randomBytes(6).toString('hex')}`;
  if (options.upTo === undefined) await createMigratedPostgresDatabase(adminUrl, name);
  else await admin(adminUrl, `CREATE DATABASE ${name}`);
  const store = await openStore({ databaseUrl: databaseUrl(adminUrl, name) });
  if (options.upTo !== undefined) await migrate(store, options);
  return {
    ...store,
    db: store.db,
    backend: store.backend,
    bulkTransaction: store.bulkTransaction.bind(store),
    async close() {
      await store.close();
      await admin(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
