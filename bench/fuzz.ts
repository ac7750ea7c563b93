/**
 * bench/fuzz: hostile reports through the HTTP API (issue 11 item 1), far more than the test command runs.
 *
 *   npx tsx bench/fuzz.ts [--cases 100000] [--seed 20261203] [--postgres] [--concurrency 8] [--max-minutes M]
 *   npm run bench:fuzz
 *
 * The cases are those of test/api/input-fuzz.spec.ts (test/support/fuzz-reports.ts): reports of every
 * kind (stock snapshot and difference, sales, expected deliveries, shortage notices) and format (CSV,
 * JSON, FHIR R5 InventoryReport), valid or mutated (hostile values, replaced JSON nodes, JSON nested up
 * to 20,000 deep, flipped bytes, hostile query parameters, wrong content types and personas), sent one
 * through the Fastify app (inject), `--concurrency` at a time (default 8, as clients do), to a fresh
 * database: PGlite in memory, or with `--postgres` a new database on BENCH_DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/postgres), dropped afterwards.
 *
 * With `--max-minutes` no new batch of 1,000 starts after M minutes (a machine too busy for the whole
 * run still gets the check, on the cases sent); the summary then says where it stopped.
 *
 * Printed: cases, cases per second, the status histogram, the 5xx count (target 0, each listed), and
 * the check after the run that every 2xx receipt is in the database exactly once, with the lines it
 * counts, and nothing else is. Exits 1 when either fails.
 */
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import pg from 'pg';
import { buildApp } from '../src/api/app.js';
import { openStore, type Store } from '../src/store/database.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { FuzzLedger, fuzzCases, sendCase, storeMismatches } from '../test/support/fuzz-reports.js';
import { seedMinimal } from '../test/support/seed.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? (args[i + 1] as string) : fallback;
};
const CASES = Number(option('cases', '100000'));
const SEED = Number(option('seed', '20261203'));
const POSTGRES = args.includes('--postgres');
const CONCURRENCY = Number(option('concurrency', '8'));
const MAX_MS = Number(option('max-minutes', 'Infinity')) * 60_000;
const BATCH = 1000;

async function openBench(): Promise<{ store: Store; drop: () => Promise<void> }> {
  if (!POSTGRES) return { store: await openStore({ dataDir: 'memory://' }), drop: async () => {} };
  const url = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `beredskap_bench_fuzz_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  // The run measures answers, not disk flushes: commits do not wait for the WAL to reach the disk
  // (a crash would lose the database, which is dropped afterwards anyway).
  await admin.query(`ALTER DATABASE ${name} SET synchronous_commit = off`);
  await admin.end();
  const target = new URL(url);
  target.pathname = `/${name}`;
  return {
    store: await openStore({ databaseUrl: target.toString() }),
    drop: async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

async function main(): Promise<void> {
  const { store, drop } = await openBench();
  await migrateToLatest(store.db);
  const seed = await seedMinimal(store.db);
  const app = await buildApp({ store, webDir: '/nonexistent' });
  const ledger = new FuzzLedger();
  const arbitrary = fuzzCases(seed);
  const started = performance.now();
  let lastPrint = started;
  for (let done = 0; done < CASES && performance.now() - started < MAX_MS; done += BATCH) {
    const n = Math.min(BATCH, CASES - done);
    // One seed per batch: the whole run is reproducible from --seed.
    const cases = fc.sample(arbitrary, { numRuns: n, seed: SEED + done });
    let next = 0;
    const worker = async () => {
      while (next < cases.length) await sendCase(app, ledger, cases[next++]!);
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    if (performance.now() - lastPrint > 30_000) {
      lastPrint = performance.now();
      console.log(
        `… ${ledger.cases} cases, ${((lastPrint - started) / 1000).toFixed(0)} s, ${ledger.histogram()}`,
      );
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const mismatches = await storeMismatches(store.db, ledger);
  const accepted = ledger.receipts.size;
  console.log(`bench:fuzz (${POSTGRES ? 'PostgreSQL' : 'PGlite'}, seed ${SEED}, ${CONCURRENCY} at a time)`);
  console.log(
    `cases:      ${ledger.cases} in ${seconds.toFixed(0)} s (${(ledger.cases / seconds).toFixed(0)}/s)`,
  );
  console.log(`statuses:   ${ledger.histogram()}`);
  console.log(`5xx:        ${ledger.fiveXX}`);
  for (const e of ledger.serverErrors.slice(0, 10))
    console.log(`  ${e.status} ${e.c.mutation} ${e.c.url}: ${e.body}`);
  console.log(
    `store:      ${accepted} receipts (2xx) ↔ accepted reports and their lines: ${mismatches.length === 0 ? 'each exactly once, nothing else' : `${mismatches.length} mismatches`}`,
  );
  for (const m of mismatches.slice(0, 10)) console.log(`  ${m}`);
  await app.close();
  await store.close();
  await drop();
  if (ledger.fiveXX > 0 || mismatches.length > 0) process.exitCode = 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
