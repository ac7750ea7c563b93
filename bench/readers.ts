/**
 * bench/readers: readers and writers of the real HTTP server during a national full refresh of the
 * situational picture on PostgreSQL (issue 8 item 8).
 *
 *   npx tsx bench/readers.ts [--scale 1] [--readers 200] [--writers 20] [--idle-rounds 10] [--rebuild]
 *   npm run bench:readers
 *
 * Data: synthetic Sweden (data/, `beredskap generate`) at `--scale` (1: 21 regions, 1,658 locations,
 * 2,000 packages, 300,000 current stock lines, 1.8 million sales rows), generated for today, in the
 * database beredskap_bench_readers_s<scale> (BENCH_DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/postgres), kept and reused on the same day.
 *
 * The server is `beredskap serve` in a child process (its own Node process, as in production), on
 * loopback. This process is the clients:
 *
 *   1. warm-up: one full refresh alone (POST /api/picture/refresh), its time printed;
 *   2. idle: `--readers` concurrent readers, each reading `--idle-rounds` pages in turn (the national
 *      overview, a product page, a region page; as Läkemedelsverket, who sees everything);
 *   3. load: the same readers, and `--writers` writers sending reports (stock snapshots of a
 *      pharmacy, and sales of a pharmacy, through POST /api/reports/…), while a full refresh runs
 *      (POST /api/picture/refresh with `full: true`). Each loop is bounded (a maximum of requests) and
 *      ends when the refresh has answered.
 *
 * Printed: p50, p99 and maximum latency of the readers idle and of those that started while the
 * refresh ran, the writers' latency, every error (a status other than 200/201, or no answer within 60 s)
 * and the ratio p99 under load / p50 idle against its target (≤ 5).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import pg from 'pg';
import { loadSweden } from '../data/load.js';
import { calendarDateInSweden, addDays } from '../src/domain/calendar.js';
import { openStore } from '../src/store/database.js';
import { migrateToLatest } from '../src/store/migrate.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? (args[i + 1] as string) : fallback;
};
const SCALE = Number(option('scale', '1'));
const READERS = Number(option('readers', '200'));
const WRITERS = Number(option('writers', '20'));
const IDLE_ROUNDS = Number(option('idle-rounds', '10'));
/** Bound of each loop under load (requests per reader, reports per writer). */
const MAX_READS = 2_000;
const MAX_REPORTS = 40;
const REBUILD = args.includes('--rebuild');
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB_NAME = `beredskap_bench_readers_s${String(SCALE).replace('.', '_')}`;
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const MIGRATION_DIR = join(ROOT, 'src/store/migrations');
const TODAY = calendarDateInSweden(new Date());
const REQUEST_TIMEOUT_MS = 60_000;
/** The target of the issue: p99 of the readers under load ≤ 5 × their p50 idle. */
const TARGET_RATIO = 5;

const READER_TOKEN = 'demo-lv';
const ADMIN_TOKEN = 'demo-admin';
/** The demo persona reporting for the pharmacy operator APO-1 (data/demo.ts). */
const WRITER_TOKEN = 'demo-apotek';

const log = (message: string) => console.log(`[readers] ${message}`);
const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);

// Database ----------------------------------------------------------------------------------------

const PARAMS = JSON.stringify({
  v: 1,
  SCALE,
  TODAY,
  migrations: hash(
    readdirSync(MIGRATION_DIR)
      .sort()
      .map((f) => readFileSync(join(MIGRATION_DIR, f), 'utf8'))
      .join('\n'),
  ),
});

async function ensureDatabase(): Promise<string> {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${DB_NAME}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    const exists =
      (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DB_NAME])).rowCount === 1;
    if (exists && !REBUILD) {
      const probe = new pg.Client({ connectionString: url.toString() });
      await probe.connect();
      const meta = await probe
        .query<{ value: string }>(`SELECT value FROM bench_meta WHERE key = 'params'`)
        .catch(() => ({ rows: [] as { value: string }[] }));
      await probe.end();
      if (meta.rows[0]?.value === PARAMS) {
        log(`reusing ${DB_NAME} (synthetic Sweden, scale ${SCALE}, today ${TODAY})`);
        return url.toString();
      }
    }
    if (exists) await admin.query(`DROP DATABASE ${DB_NAME} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${DB_NAME}`);
  } finally {
    await admin.end();
  }
  log(`generating synthetic Sweden at scale ${SCALE} for ${TODAY} into ${DB_NAME} …`);
  const t0 = performance.now();
  const store = await openStore({ databaseUrl: url.toString() });
  try {
    await migrateToLatest(store.db);
    await loadSweden(store, { scale: SCALE, seed: 42, today: TODAY });
  } finally {
    await store.close();
  }
  const c = new pg.Client({ connectionString: url.toString() });
  await c.connect();
  await c.query(`CREATE TABLE bench_meta (key text PRIMARY KEY, value text NOT NULL)`);
  await c.query(`INSERT INTO bench_meta VALUES ('params', $1)`, [PARAMS]);
  await c.query('VACUUM ANALYZE');
  await c.end();
  log(`  loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return url.toString();
}

interface Workload {
  products: number[];
  regions: string[];
  /** APO-1's pharmacies: code and current stock lines as CSV lines without counted_at. */
  pharmacies: { code: string; lines: string[]; packages: string[] }[];
  counts: { locations: number; packages: number; stockLines: number; sales: number };
}

async function workload(url: string): Promise<Workload> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    // Products with stock, spread over the catalogue.
    const products = await c.query<{ id: string }>(
      `SELECT p.id FROM package p
       WHERE EXISTS (SELECT 1 FROM current_snapshot cs JOIN stock_line sl ON sl.snapshot_id = cs.snapshot_id
                     WHERE sl.package_id = p.id)
       ORDER BY hashint8(p.id) LIMIT 200`,
    );
    const regions = await c.query<{ code: string }>(`SELECT code FROM region ORDER BY code`);
    const stock = await c.query<{
      code: string;
      npl: string;
      batch: string | null;
      expiry: string | null;
      q: string;
      lvl: number;
    }>(
      `SELECT l.code, p.npl_pack_id AS npl, sl.batch, sl.expiry::text AS expiry, sl.quantity::text AS q,
              sl.stock_level AS lvl
       FROM location l JOIN organisation o ON o.id = l.organisation_id
       JOIN current_snapshot cs ON cs.location_id = l.id
       JOIN stock_line sl ON sl.snapshot_id = cs.snapshot_id
       JOIN package p ON p.id = sl.package_id
       WHERE o.code = 'APO-1' AND l.kind = 'community_pharmacy'
       ORDER BY l.code, p.npl_pack_id, sl.batch`,
    );
    const byCode = new Map<string, { code: string; lines: string[]; packages: string[] }>();
    for (const r of stock.rows) {
      const ph = byCode.get(r.code) ?? { code: r.code, lines: [], packages: [] };
      ph.lines.push(`${r.code},${r.npl},${Number(r.q)},${r.batch ?? ''},${r.expiry ?? ''},${r.lvl}`);
      if (!ph.packages.includes(r.npl)) ph.packages.push(r.npl);
      byCode.set(r.code, ph);
    }
    const count = async (table: string) =>
      Number((await c.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);
    return {
      products: products.rows.map((r) => Number(r.id)),
      regions: regions.rows.map((r) => r.code),
      pharmacies: [...byCode.values()],
      counts: {
        locations: await count('location'),
        packages: await count('package'),
        stockLines: Number(
          (
            await c.query<{ n: string }>(
              `SELECT count(*) AS n FROM current_snapshot cs JOIN stock_line sl ON sl.snapshot_id = cs.snapshot_id`,
            )
          ).rows[0]!.n,
        ),
        sales: await count('sales'),
      },
    };
  } finally {
    await c.end();
  }
}

// Server ------------------------------------------------------------------------------------------

async function startServer(
  url: string,
): Promise<{ child: ChildProcess; base: string; stderr: () => string }> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/beredskap.js'), 'serve'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url, PORT: '0', HOST: '127.0.0.1', LOG_REQUESTS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const base = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /(?:serves|kör på) (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!.replace('localhost', '127.0.0.1'));
    });
    child.on('exit', (code, signal) => reject(new Error(`server exited (${code ?? signal}): ${err}`)));
  });
  return { child, base, stderr: () => err };
}

// Clients -----------------------------------------------------------------------------------------

interface Sample {
  kind: string;
  startedAt: number;
  ms: number;
  ok: boolean;
  status: number | string;
}

async function request(
  base: string,
  kind: string,
  path: string,
  init: RequestInit & { token: string },
  okStatus: readonly number[],
): Promise<Sample> {
  const startedAt = performance.now();
  try {
    const res = await fetch(`${base}${path}`, {
      ...init,
      headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${init.token}` },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    await res.arrayBuffer();
    return {
      kind,
      startedAt,
      ms: performance.now() - startedAt,
      ok: okStatus.includes(res.status),
      status: res.status,
    };
  } catch (e) {
    return {
      kind,
      startedAt,
      ms: performance.now() - startedAt,
      ok: false,
      status: e instanceof Error ? e.name : 'error',
    };
  }
}

/** Reader i's n-th page: the overview, a product page or a region page in turn. */
function readerPath(w: Workload, i: number, n: number): { kind: string; path: string } {
  const k = (i + n) % 3;
  if (k === 0) return { kind: 'overview', path: '/api/picture/overview' };
  if (k === 1)
    return { kind: 'product', path: `/api/picture/products/${w.products[(i * 7 + n) % w.products.length]}` };
  return { kind: 'region', path: `/api/picture/regions/${w.regions[(i + n) % w.regions.length]}` };
}

async function readers(base: string, w: Workload, bound: number, until: () => boolean): Promise<Sample[]> {
  const samples: Sample[] = [];
  await Promise.all(
    Array.from({ length: READERS }, async (_, i) => {
      for (let n = 0; n < bound && !until(); n++) {
        const { kind, path } = readerPath(w, i, n);
        samples.push(await request(base, kind, path, { token: READER_TOKEN }, [200]));
      }
    }),
  );
  return samples;
}

const runId = randomBytes(4).toString('hex');

/** Writer j sends reports in turn until `until`: stock snapshots of APO-1's pharmacies (j even) or their sales. */
async function writers(base: string, w: Workload, until: () => boolean): Promise<Sample[]> {
  const samples: Sample[] = [];
  const yesterday = addDays(TODAY, -1);
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, j) => {
      for (let k = 0; k < MAX_REPORTS && !until(); k++) {
        const ph = w.pharmacies[(j + k * WRITERS) % w.pharmacies.length]!;
        if (j % 2 === 0) {
          // A new count of the pharmacy: every line again, one package a little lower.
          const countedAt = new Date(Date.now() - 1_000).toISOString();
          const body = [
            'location,package,quantity,batch,expiry,stock_level,counted_at',
            ...ph.lines.map((l, x) => {
              const parts = l.split(',');
              if (x === k % ph.lines.length) parts[2] = String(Math.max(0, Number(parts[2]) - 1));
              return `${parts.join(',')},${countedAt}`;
            }),
          ].join('\n');
          samples.push(
            await request(
              base,
              'stock-snapshot',
              `/api/reports/stock-snapshots?clientRef=bench-${runId}-${j}-${k}`,
              { method: 'POST', token: WRITER_TOKEN, headers: { 'content-type': 'text/csv' }, body },
              [201],
            ),
          );
        } else {
          // Yesterday's sales of up to 40 of the pharmacy's packages (quantities of this run: a report
          // with the content of an earlier one would be answered as a resend).
          const body = [
            'date,location,package,quantity',
            ...ph.packages
              .slice(0, 40)
              .map(
                (p, x) =>
                  `${yesterday},${ph.code},${p},${1 + (parseInt(hash(`${runId}-${j}-${k}-${x}`), 16) % 50)}`,
              ),
          ].join('\n');
          samples.push(
            await request(
              base,
              'sales',
              `/api/reports/sales?clientRef=bench-${runId}-${j}-${k}`,
              { method: 'POST', token: WRITER_TOKEN, headers: { 'content-type': 'text/csv' }, body },
              [201],
            ),
          );
        }
      }
    }),
  );
  return samples;
}

async function fullRefresh(base: string): Promise<{
  sample: Sample;
  body: { milliseconds: number; steps: Record<string, number>; mode: string } | null;
}> {
  const startedAt = performance.now();
  const res = await fetch(`${base}/api/picture/refresh`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ full: true }),
    signal: AbortSignal.timeout(15 * 60_000),
  });
  const text = await res.text();
  const sample = {
    kind: 'refresh',
    startedAt,
    ms: performance.now() - startedAt,
    ok: res.status === 200,
    status: res.status,
  };
  if (res.status !== 200) {
    log(`refresh answered ${res.status}: ${text.slice(0, 300)}`);
    return { sample, body: null };
  }
  return {
    sample,
    body: JSON.parse(text) as { milliseconds: number; steps: Record<string, number>; mode: string },
  };
}

// Figures -----------------------------------------------------------------------------------------

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function summary(samples: readonly Sample[]) {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  return {
    n: samples.length,
    p50: percentile(ms, 50),
    p99: percentile(ms, 99),
    max: ms[ms.length - 1] ?? NaN,
    errors: samples.filter((s) => !s.ok).length,
  };
}

const fmt = (ms: number) =>
  Number.isNaN(ms) ? '–' : ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`;

function row(label: string, samples: readonly Sample[]): string {
  const s = summary(samples);
  return `${label.padEnd(34)} ${String(s.n).padStart(7)} ${fmt(s.p50).padStart(10)} ${fmt(s.p99).padStart(10)} ${fmt(s.max).padStart(10)} ${String(s.errors).padStart(7)}`;
}

function errorsOf(samples: readonly Sample[]): string {
  const by = new Map<string, number>();
  for (const s of samples.filter((x) => !x.ok))
    by.set(`${s.kind} ${s.status}`, (by.get(`${s.kind} ${s.status}`) ?? 0) + 1);
  return [...by].map(([k, n]) => `${k}: ${n}`).join(', ') || 'none';
}

// Main --------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  log(
    `${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GB, Node ${process.version}`,
  );
  const load = () =>
    os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ');
  log(`load average before: ${load()}`);
  const url = await ensureDatabase();
  const w = await workload(url);
  log(
    `synthetic Sweden scale ${SCALE}: ${w.counts.locations} locations, ${w.counts.packages} packages, ` +
      `${w.counts.stockLines} current stock lines, ${w.counts.sales} sales rows; writers report for ` +
      `${w.pharmacies.length} pharmacies of APO-1`,
  );
  const server = await startServer(url);
  log(`server ${server.base} (pid ${server.child.pid})`);
  try {
    // 1. Warm-up: the start-up refresh (when the picture is not today's) ends, then a full refresh alone.
    for (;;) {
      const res = await request(
        server.base,
        'overview',
        '/api/picture/overview',
        { token: READER_TOKEN },
        [200],
      );
      if (res.ok) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await fullRefresh(server.base);
    const alone = await fullRefresh(server.base);
    if (alone.body === null) throw new Error('the warm-up refresh failed');
    log(`full refresh alone: ${fmt(alone.body.milliseconds)} (swap ${fmt(alone.body.steps.swap ?? NaN)})`);
    await readers(server.base, w, 2, () => false); // warm the pages

    // 2. Idle.
    log(`idle: ${READERS} readers × ${IDLE_ROUNDS} pages …`);
    const idleStart = performance.now();
    const idle = await readers(server.base, w, IDLE_ROUNDS, () => false);
    const idleSeconds = (performance.now() - idleStart) / 1000;

    // 3. Under load: readers and writers, a full refresh.
    log(`under load: ${READERS} readers, ${WRITERS} writers, a full refresh …`);
    let refreshed = false;
    const reading = readers(server.base, w, MAX_READS, () => refreshed);
    const writing = writers(server.base, w, () => refreshed);
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // all loops running
    const refresh = await fullRefresh(server.base);
    refreshed = true;
    const [read, written] = await Promise.all([reading, writing]);
    const from = refresh.sample.startedAt;
    const to = from + refresh.sample.ms;
    const during = read.filter((s) => s.startedAt >= from && s.startedAt <= to);

    const idleS = summary(idle);
    const loadS = summary(during);
    const ratio = loadS.p99 / idleS.p50;
    console.log('');
    console.log(
      `bench:readers — synthetic Sweden scale ${SCALE}, ${READERS} readers, ${WRITERS} writers, PostgreSQL, ${TODAY}`,
    );
    console.log(
      `${'readers (overview, product, region)'.padEnd(34)} ${'n'.padStart(7)} ${'p50'.padStart(10)} ${'p99'.padStart(10)} ${'max'.padStart(10)} ${'errors'.padStart(7)}`,
    );
    console.log(row('idle server', idle));
    for (const kind of ['overview', 'product', 'region'])
      console.log(
        row(
          `  ${kind}`,
          idle.filter((s) => s.kind === kind),
        ),
      );
    console.log(row('during the full refresh', during));
    for (const kind of ['overview', 'product', 'region'])
      console.log(
        row(
          `  ${kind}`,
          during.filter((s) => s.kind === kind),
        ),
      );
    console.log(row('whole load phase', read));
    console.log(
      row(
        'writers: stock snapshots',
        written.filter((s) => s.kind === 'stock-snapshot'),
      ),
    );
    console.log(
      row(
        'writers: sales',
        written.filter((s) => s.kind === 'sales'),
      ),
    );
    console.log(
      `full refresh: alone ${fmt(alone.body.milliseconds)}, under load ${fmt(refresh.body?.milliseconds ?? NaN)} ` +
        `(answered in ${fmt(refresh.sample.ms)}; building the tables aside ${fmt(refresh.body?.steps.aside ?? NaN)}, ` +
        `swap ${fmt(refresh.body?.steps.swap ?? NaN)}), status ${refresh.sample.status}`,
    );
    console.log(
      `errors: readers idle ${errorsOf(idle)}; under load ${errorsOf(read)}; writers ${errorsOf(written)}`,
    );
    const reportsDuring = written.filter((x) => x.startedAt >= from && x.startedAt <= to).length;
    console.log(
      `throughput: idle ${(idle.length / idleSeconds).toFixed(1)} pages/s; during the refresh ` +
        `${(during.length / (refresh.sample.ms / 1000)).toFixed(1)} pages/s and ` +
        `${(reportsDuring / (refresh.sample.ms / 1000)).toFixed(1)} reports/s`,
    );
    console.log(`load average (1, 5, 15 min) at the end: ${load()} on ${os.cpus().length} CPUs`);
    const errors =
      idleS.errors + summary(read).errors + summary(written).errors + (refresh.sample.ok ? 0 : 1);
    console.log(
      `ratio p99 under load / p50 idle = ${fmt(loadS.p99)} / ${fmt(idleS.p50)} = ${ratio.toFixed(2)} ` +
        `(target ≤ ${TARGET_RATIO}: ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'}); errors ${errors} (target 0: ${errors === 0 ? 'met' : 'NOT met'})`,
    );
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((resolve) => server.child.once('exit', resolve));
    const tail = server.stderr().trim().split('\n').slice(-8).join('\n');
    if (tail) log(`server log (last lines):\n${tail}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
