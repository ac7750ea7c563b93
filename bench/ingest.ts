/**
 * bench/ingest: validated ingest of stock reports, against a raw COPY of the same files, in one run.
 *
 *   npx tsx bench/ingest.ts [--scale 60] [--pglite-scale 1] [--no-pglite] [--no-postgres]
 *
 * Synthetic Sweden (data/generate.ts) gives the catalogue and the stock: every organisation that holds
 * stock reports its locations in one CSV file per counting round (the week-old counts, then today's).
 * For each backend, in the same run, file by file (alternating which goes first):
 *   raw COPY — the file as it is (text codes, timestamps) into `bench_raw_stock`, a table shaped like
 *              the file, through the same COPY path the ingest uses; no parsing, no checks;
 *   ingest   — the file through `ingestReport` (the CLI's path): UTF-8 and CSV parsing, every rule of
 *              docs/reports.md, codes resolved to ids, receipts, idempotency, one transaction per file
 *              writing stock_snapshot + stock_line (with its foreign keys and indexes).
 * It prints rows per second for both and their ratio (target ≥ 0.35, aim 0.5), then how long the
 * current-state queries take on the result. PostgreSQL: BENCH_DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/postgres); the bench creates and drops its own database.
 */
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { generateSweden, type SwedenData } from '../data/generate.js';
import { csvChunks, smallTables } from '../data/tables.js';
import { dayNumber, dateOfDayNumber } from '../src/domain/calendar.js';
import type { Reporter } from '../src/domain/report.js';
import { ingestReport } from '../src/ingest/ingest.service.js';
import { openStore, type Store } from '../src/store/database.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { currentStockOfLocation, currentStockOfPackage } from '../src/store/report-facts.repository.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const SCALE = Number(option('scale', '60'));
const PGLITE_SCALE = Number(option('pglite-scale', '1'));
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const RAW_TABLE = 'bench_raw_stock';
const REFERENCE_TABLES = new Set([
  'region',
  'municipality',
  'organisation',
  'location',
  'medicine',
  'package',
]);

interface ReportFile {
  path: string;
  organisationId: number;
  round: 'older' | 'current';
  lines: number;
  bytes: number;
}

/** Yesterday in Sweden: the generated counts lie in the two days before `today`, so all are in the past. */
export function generatorToday(): string {
  const sweden = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm' }).format(new Date());
  return dateOfDayNumber(dayNumber(sweden));
}

function csvField(v: string | null): string {
  if (v === null) return '';
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

/** One CSV report file per organisation and counting round, in docs/reports.md's stock format. */
export async function writeReportFiles(data: SwedenData, dir: string): Promise<ReportFile[]> {
  const locationById = new Map(data.locations.map((l) => [l.id, l]));
  const packageCode = new Map(data.packages.map((p) => [p.id, p.npl_pack_id]));
  const latest = new Map<number, string>();
  for (const s of data.stockSnapshots) {
    const t = latest.get(s.location_id);
    if (t === undefined || s.counted_at > t) latest.set(s.location_id, s.counted_at);
  }
  const snapshot = new Map(
    data.stockSnapshots.map((s) => {
      const location = locationById.get(s.location_id)!;
      const round = s.counted_at === latest.get(s.location_id) ? 'current' : 'older';
      return [s.id, { location, round, countedAt: new Date(s.counted_at).toISOString() }] as const;
    }),
  );
  const files = new Map<string, { file: ReportFile; out: WriteStream; buf: string }>();
  const HEADER = 'location,package,quantity,batch,expiry,stock_level,counted_at\n';
  for (const { rows } of data.stockLines(50_000)) {
    for (const r of rows) {
      const s = snapshot.get(r.snapshot_id)!;
      const key = `${s.location.organisation_id}-${s.round}`;
      let f = files.get(key);
      if (!f) {
        const path = join(dir, `stock-${key}.csv`);
        f = {
          file: { path, organisationId: s.location.organisation_id, round: s.round, lines: 0, bytes: 0 },
          out: createWriteStream(path),
          buf: HEADER,
        };
        files.set(key, f);
      }
      f.buf += `${s.location.code},${packageCode.get(r.package_id)},${r.quantity},${csvField(r.batch)},${r.expiry ?? ''},${r.stock_level},${s.countedAt}\n`;
      f.file.lines++;
      if (f.buf.length > 1 << 16) {
        if (!f.out.write(f.buf)) await once(f.out, 'drain');
        f.buf = '';
      }
    }
  }
  for (const f of files.values()) {
    f.out.end(f.buf);
    await once(f.out, 'close');
    f.file.bytes = (await stat(f.file.path)).size;
  }
  // the older counts first, so that today's supersede them
  return [...files.values()]
    .map((f) => f.file)
    .sort((a, b) =>
      a.round === b.round ? a.organisationId - b.organisationId : a.round === 'older' ? -1 : 1,
    );
}

/** The catalogue only (regions … packages); stock comes in through the reports. */
export async function loadReference(store: Store, data: SwedenData): Promise<void> {
  await store.bulkTransaction(async (trx, copy) => {
    for (const t of smallTables(data)) {
      if (REFERENCE_TABLES.has(t.table)) await copy(t.table, t.columns, csvChunks(t.columns, t.rows));
    }
    for (const table of ['organisation', 'location', 'medicine', 'package']) {
      await sql`SELECT setval(pg_get_serial_sequence(${table}, 'id'), (SELECT max(id) FROM ${sql.table(table)}))`.execute(
        trx,
      );
    }
  });
}

async function* fileText(path: string, skipHeader: boolean): AsyncGenerator<string> {
  let first = skipHeader;
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const text = chunk as string;
    if (first) {
      first = false;
      yield text.slice(text.indexOf('\n') + 1);
    } else yield text;
  }
}

async function createRawTable(store: Store): Promise<void> {
  await sql`DROP TABLE IF EXISTS ${sql.table(RAW_TABLE)}`.execute(store.db);
  await sql`CREATE TABLE ${sql.table(RAW_TABLE)} (location text, package text, quantity numeric, batch text, expiry date, stock_level smallint, counted_at timestamptz)`.execute(
    store.db,
  );
}

/** Raw COPY of one file, header skipped, in its own transaction. Returns seconds. */
async function rawCopyFile(store: Store, f: ReportFile): Promise<number> {
  const started = performance.now();
  const rows = await store.bulkTransaction((_trx, copy) =>
    copy(
      RAW_TABLE,
      ['location', 'package', 'quantity', 'batch', 'expiry', 'stock_level', 'counted_at'],
      fileText(f.path, true),
    ),
  );
  if (rows !== f.lines) throw new Error(`raw COPY of ${f.path} wrote ${rows} rows, not ${f.lines}`);
  return (performance.now() - started) / 1000;
}

/** Validated ingest of one file, as the CLI does it. Returns seconds. */
async function ingestFile(store: Store, reporter: Reporter, f: ReportFile, now: Date): Promise<number> {
  const started = performance.now();
  const receipt = await ingestReport(store, {
    reporter,
    kind: 'stock_snapshot',
    format: 'csv',
    body: createReadStream(f.path, { highWaterMark: 1 << 20 }),
    now,
  });
  if (receipt.lineCount !== f.lines || receipt.replayed)
    throw new Error(`${f.path}: receipt ${JSON.stringify(receipt)}`);
  return (performance.now() - started) / 1000;
}

/**
 * Both methods file by file, alternating which goes first, so that both meet the same load on a
 * shared machine; the seconds are summed per method.
 */
async function rawAndIngest(
  store: Store,
  data: SwedenData,
  files: readonly ReportFile[],
): Promise<{ rawSeconds: number; ingestSeconds: number }> {
  const orgs = new Map(data.organisations.map((o) => [o.id, o]));
  const now = new Date();
  await createRawTable(store);
  let rawSeconds = 0;
  let ingestSeconds = 0;
  for (const [i, f] of files.entries()) {
    const o = orgs.get(f.organisationId)!;
    const reporter: Reporter = {
      organisationId: o.id,
      organisationCode: o.code,
      organisationKind: o.kind,
      regionCode: o.region_code,
    };
    if (i % 2 === 0) {
      rawSeconds += await rawCopyFile(store, f);
      ingestSeconds += await ingestFile(store, reporter, f, now);
    } else {
      ingestSeconds += await ingestFile(store, reporter, f, now);
      rawSeconds += await rawCopyFile(store, f);
    }
  }
  await sql`DROP TABLE ${sql.table(RAW_TABLE)}`.execute(store.db);
  return { rawSeconds, ingestSeconds };
}

async function timed<T>(fn: () => Promise<T>, times = 5): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return ms.sort((a, b) => a - b)[Math.floor(times / 2)]!;
}

interface Result {
  backend: string;
  scale: number;
  files: number;
  lines: number;
  megabytes: number;
  rawSeconds: number;
  ingestSeconds: number;
  queries: { name: string; ms: number }[];
}

export async function runOn(backend: 'postgres' | 'pglite', scale: number): Promise<Result> {
  const dir = await mkdtemp(join(tmpdir(), 'beredskap-bench-'));
  const dbName = `beredskap_bench_${randomBytes(5).toString('hex')}`;
  const admin = async (statement: string) => {
    const c = new pg.Client({ connectionString: ADMIN_URL });
    await c.connect();
    await c.query(statement);
    await c.end();
  };
  let store: Store | undefined;
  try {
    log(`${backend}: generating synthetic Sweden at scale ${scale} …`);
    const data = generateSweden({ scale, seed: 42, today: generatorToday() });
    const files = await writeReportFiles(data, dir);
    const lines = files.reduce((n, f) => n + f.lines, 0);
    const bytes = files.reduce((n, f) => n + f.bytes, 0);
    log(
      `${backend}: ${files.length} report files, ${lines.toLocaleString('en')} lines, ${(bytes / 1e6).toFixed(0)} MB`,
    );

    if (backend === 'postgres') {
      await admin(`CREATE DATABASE ${dbName}`);
      const url = new URL(ADMIN_URL);
      url.pathname = `/${dbName}`;
      store = await openStore({ databaseUrl: url.toString() });
    } else store = await openStore({ dataDir: 'memory://' });
    await migrateToLatest(store.db);
    await loadReference(store, data);

    log(`${backend}: raw COPY and validated ingest, file by file …`);
    const { rawSeconds, ingestSeconds } = await rawAndIngest(store, data, files);
    const stored = await store.db
      .selectFrom('stock_line')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    if (Number(stored.n) !== lines) throw new Error(`stock_line has ${stored.n} rows, expected ${lines}`);

    if (backend === 'postgres') await sql`ANALYZE`.execute(store.db);
    const biggest = await store.db
      .selectFrom('current_snapshot as c')
      .innerJoin('stock_snapshot as s', 's.id', 'c.snapshot_id')
      .select(['c.location_id', 's.line_count'])
      .orderBy('s.line_count', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    const pkg = data.packages[0]!.id;
    const db = store.db;
    const queries = [
      {
        name: `current stock of one location (${biggest.line_count} lines)`,
        ms: await timed(() => currentStockOfLocation(db, biggest.location_id)),
      },
      {
        name: 'current stock of one package at every location',
        ms: await timed(() => currentStockOfPackage(db, pkg)),
      },
    ];
    return {
      backend,
      scale,
      files: files.length,
      lines,
      megabytes: bytes / 1e6,
      rawSeconds,
      ingestSeconds,
      queries,
    };
  } finally {
    await store?.close();
    if (backend === 'postgres')
      await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

async function main(): Promise<void> {
  const results: Result[] = [];
  if (!args.includes('--no-postgres')) results.push(await runOn('postgres', SCALE));
  if (!args.includes('--no-pglite')) results.push(await runOn('pglite', PGLITE_SCALE));

  const fmt = (n: number) => Math.round(n).toLocaleString('en');
  console.log(
    '\nbench/ingest — stock snapshot reports (CSV), validated ingest vs raw COPY of the same files\n',
  );
  console.log(
    '| backend | scale | files | lines | MB | raw COPY s | raw COPY rows/s | ingest s | ingest rows/s | ratio |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    console.log(
      `| ${r.backend} | ${r.scale} | ${r.files} | ${fmt(r.lines)} | ${r.megabytes.toFixed(0)} | ${r.rawSeconds.toFixed(2)} | ${fmt(r.lines / r.rawSeconds)} | ` +
        `${r.ingestSeconds.toFixed(2)} | ${fmt(r.lines / r.ingestSeconds)} | **${(r.rawSeconds / r.ingestSeconds).toFixed(2)}** |`,
    );
  }
  console.log('\nCurrent-state queries after the ingest (median of 5):\n');
  console.log('| backend | query | ms |');
  console.log('|---|---|---:|');
  for (const r of results)
    for (const q of r.queries) console.log(`| ${r.backend} | ${q.name} | ${q.ms.toFixed(1)} |`);
  console.log('\nTarget: ratio ≥ 0.35 of raw COPY on PostgreSQL at ≥ 5 million lines; aim 0.5.');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
