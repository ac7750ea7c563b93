/**
 * bench/lagesbild: the national situational picture at national scale on PostgreSQL (issue 4 item 8).
 *
 *   npx tsx bench/lagesbild.ts [--scale 1] [--rebuild] [--reuse] [--only national|snapshots|products|lag]
 *                              [--national-rounds 3] [--expiries batch|line]
 *   npm run bench:lagesbild
 *
 * Data (generated with SQL generate_series, which is far faster than the row-by-row generator): 21
 * regions, 290 municipalities, ~2,000 locations, 30,000 packages, ≥ 10 million current stock lines,
 * two years of daily sales per region and package (a row per day with a sale: log-normal demand, so
 * rarely sold packages have many days without one; see docs/benchmarks.md). The database
 * (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres; database
 * beredskap_bench_lagesbild) is kept and reused by the next run when its parameters match.
 *
 * Measured, in the same run:
 *   1. full refresh of the maintained aggregates (refreshPicture);
 *   2. the national overview served from the aggregates (overviewPage) vs the naive SQL over the raw
 *      rows (current stock from the snapshots, demand from the sales), and their ratio (target ≥ 50×);
 *   3. a product page from the aggregates (productPage) vs the naive SQL over the raw rows;
 *   4. a new daily snapshot of one location: its ingest (ingestReport, the CLI/API path) vs the
 *      incremental refresh after it (target: refresh ≤ ingest), for a pharmacy and a warehouse.
 *   5. with `--only lag`: the morning's stock reports arriving one by one through the server's
 *      maintainer, and how long each takes to show in the picture (lagRun below).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import pg from 'pg';
import { MUNICIPALITIES, POPULATION_DATE, REGIONS } from '../data/sweden.js';
import type { Principal } from '../src/domain/access.js';
import { addDays } from '../src/domain/calendar.js';
import { ingestReport } from '../src/ingest/ingest.service.js';
import { openStore, type Store } from '../src/store/database.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { PictureMaintainer } from '../src/store/picture/maintainer.js';
import { refreshPicture } from '../src/store/picture/refresh.js';
import { overviewPage, productPage } from '../src/api/picture/pages.js';
import { LOCATION_KINDS, type LocationKind } from '../src/store/schema.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? (args[i + 1] as string) : fallback;
};
const SCALE = Number(option('scale', '1'));
const REBUILD = args.includes('--rebuild');
/**
 * `--reuse`: keep the data even when the migrations changed since it was generated (migrated forward
 * instead), for measuring code changes when the new migrations only add tables. Not for a change to the
 * facts' schema or to the generator's parameters: those need new data.
 */
const REUSE = args.includes('--reuse');
/**
 * `--expiries batch` (default): a package's stock lines share its few batches in circulation, as real
 * stock does (a batch is made once and spread over many holders), so a package has a handful of
 * expiry dates nationally. `--expiries line`: every stock line its own expiry (the stress case: as many
 * distinct lots as lines, ~330 per package nationally), which the bench used until 2026-12-03.
 */
const EXPIRIES = option('expiries', 'batch');
if (EXPIRIES !== 'batch' && EXPIRIES !== 'line')
  throw new Error(`--expiries ${EXPIRIES}: expected batch or line`);
/**
 * Batches in circulation per package (`--expiries batch`): 2 to 6, by package. Our choice for the bench;
 * no public figure gives the number for Swedish stock.
 */
const BATCHES_MIN = 2;
const BATCHES_MAX = 6;
/**
 * `--only national`: only the national daily snapshot (ingest and refresh); `--only snapshots`: only the
 * daily snapshots of one location (a pharmacy, a hospital pharmacy, a warehouse: ingest and refresh);
 * `--only products`: only the product pages against their naive SQL (each after a full refresh only if
 * the picture is not of the bench's day); for working on them.
 */
const ONLY = option('only', '');
/**
 * `--only lag`: `--lag-reports` locations' new snapshots (default 240, every kind but the preparedness
 * stocks, spread over the ids), one every `--lag-interval-ms` (default 1,000). The national morning has
 * ~2,000 counts between about 02:00 and 06:00, one every 7 s; the bench sends them 7 × as fast (ours).
 */
const LAG_REPORTS = Number(option('lag-reports', '240'));
const LAG_INTERVAL_MS = Number(option('lag-interval-ms', '1000'));
/** National daily snapshots in a run: the machine is noisy, so several, and their median. */
const NATIONAL_ROUNDS = Number(option('national-rounds', '3'));
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB_NAME = 'beredskap_bench_lagesbild';
const TODAY = '2026-03-02';
const MIGRATION_DIR = fileURLToPath(new URL('../src/store/migrations/', import.meta.url));

const PACKAGES = Math.round(30_000 * SCALE);
const MEDICINES = Math.round(PACKAGES / 2);
const SUBSTANCES = Math.max(10, Math.round(2_000 * SCALE));
const COMPANIES = Math.max(5, Math.round(300 * SCALE));
/**
 * Locations by kind and stock lines each: ~2,000 locations and ~10.2 million lines at scale 1. A line
 * holds what the location keeps of that package: its share of the package's national demand
 * (`share`: the part of all dispensing the kind serves, split evenly over the locations of the kind
 * holding the package) for a cover drawn uniformly from `cover` days, at least one pack. So stock
 * follows demand, as a pharmacy's or a warehouse's does, and most packages are covered for weeks to
 * months (a slowly sold one longer: a pack is the least a holder keeps). Our choice for the bench; until
 * 2026-12-03 a line held 1..`quantity` packs whatever the package sold, which covered most packages
 * for years.
 */
const LOCATION_PLAN: Readonly<
  Record<LocationKind, { count: number; lines: number; share: number; cover: readonly [number, number] }>
> = {
  community_pharmacy: { count: 1_400, lines: 6_000, share: 0.8, cover: [14, 45] },
  dose_pharmacy: { count: 10, lines: 3_000, share: 0.05, cover: [14, 30] },
  hospital_pharmacy: { count: 70, lines: 8_000, share: 0.1, cover: [14, 45] },
  wholesaler_warehouse: { count: 20, lines: 25_000, share: 1, cover: [7, 21] },
  care_unit_store: { count: 300, lines: 1_500, share: 0.03, cover: [14, 60] },
  municipal_store: { count: 150, lines: 1_000, share: 0.02, cover: [14, 60] },
  state_security_stock: { count: 20, lines: 400, share: 1, cover: [60, 120] },
  regional_preparedness_stock: { count: 30, lines: 600, share: 0.1, cover: [30, 90] },
};
// The schema is part of what is reused: a changed migration (the picture's too: its tables are altered by
// later migrations, 0008's reserve, 0015's lots, so re-creating them from their own files alone would
// leave a schema the code does not expect) means a new database.
const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);
const MIGRATIONS = hash(
  readdirSync(MIGRATION_DIR)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => readFileSync(join(MIGRATION_DIR, f), 'utf8'))
    .join('\n'),
);
const PARAMS = JSON.stringify({
  // 8: stock lines written in snapshot order, as COPY writes a report's lines.
  v: 8,
  SCALE,
  TODAY,
  LOCATION_PLAN,
  MIGRATIONS,
  ...(EXPIRIES === 'batch' ? { EXPIRIES, BATCHES_MIN, BATCHES_MAX } : {}),
});

const log = (message: string) => console.log(`[lagesbild] ${message}`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
const millis = (ms: number) => (ms < 1_000 ? `${ms.toFixed(1)} ms` : seconds(ms));

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const t0 = performance.now();
  const result = await fn();
  return { ms: performance.now() - t0, result };
}

function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The median of `runs` timed runs after one warm-up. */
async function median(runs: number, fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push((await time(fn)).ms);
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

// Database ----------------------------------------------------------------------------------------

async function ensureDatabase(): Promise<{ url: string; fresh: boolean }> {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  const exists =
    (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DB_NAME])).rowCount === 1;
  let fresh = !exists;
  const url = new URL(ADMIN_URL);
  url.pathname = `/${DB_NAME}`;
  if (exists && !REBUILD) {
    const probe = new pg.Client({ connectionString: url.toString() });
    await probe.connect();
    const meta = await probe
      .query<{ value: string }>(`SELECT value FROM bench_meta WHERE key = 'params'`)
      .catch(() => ({ rows: [] as { value: string }[] }));
    await probe.end();
    if (meta.rows[0]?.value !== PARAMS && !REUSE) fresh = true;
  }
  if (fresh || REBUILD) {
    if (exists) await admin.query(`DROP DATABASE ${DB_NAME} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${DB_NAME}`);
    fresh = true;
  }
  await admin.end();
  return { url: url.toString(), fresh };
}

// Data --------------------------------------------------------------------------------------------

async function generate(store: Store, url: string): Promise<void> {
  const db = store.db;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const run = async (label: string, text: string, values: unknown[] = []) => {
    const { ms, result } = await time(() => client.query(text, values));
    log(`  ${label}: ${result.rowCount ?? 0} rows in ${seconds(ms)}`);
  };
  // Bench only: the generated rows are consistent by construction, so foreign-key and append-only
  // triggers are skipped during the load, and indexes are built once afterwards.
  await client.query(`SET session_replication_role = replica`);
  await client.query(`SET maintenance_work_mem = '1GB'`);
  await client.query(`SET synchronous_commit = off`);
  await client.query(`SET work_mem = '256MB'`);
  await client.query(`SELECT setseed(0.42)`);

  await db
    .insertInto('region')
    .values(
      REGIONS.map((r) => ({
        code: r.code,
        name: r.name,
        population: r.population,
        population_date: POPULATION_DATE,
        civil_area: r.civilArea,
      })),
    )
    .execute();
  await db
    .insertInto('municipality')
    .values(
      MUNICIPALITIES.map((m) => ({
        code: m.code,
        name: m.name,
        region_code: m.regionCode,
        population: m.population,
      })),
    )
    .execute();

  // Organisations: authorities, the joint function, 21 regions, wholesalers, pharmacy operators, companies.
  const orgs: { code: string; name: string; kind: string; region_code: string | null }[] = [
    { code: 'LV', name: 'Läkemedelsverket', kind: 'authority', region_code: null },
    { code: 'SOS', name: 'Socialstyrelsen', kind: 'authority', region_code: null },
    { code: 'NCT', name: 'Nationellt CT', kind: 'joint_function', region_code: null },
    ...REGIONS.map((r) => ({ code: `REG-${r.code}`, name: r.name, kind: 'region', region_code: r.code })),
    ...Array.from({ length: 5 }, (_, i) => ({
      code: `WHS-${i + 1}`,
      name: `Grossist ${i + 1}`,
      kind: 'wholesaler',
      region_code: null,
    })),
    ...Array.from({ length: 12 }, (_, i) => ({
      code: `APO-${i + 1}`,
      name: `Apotekskedja ${i + 1}`,
      kind: 'pharmacy_operator',
      region_code: null,
    })),
    ...Array.from({ length: 2 }, (_, i) => ({
      code: `DOS-${i + 1}`,
      name: `Dosapotek ${i + 1}`,
      kind: 'dose_pharmacy_operator',
      region_code: null,
    })),
    ...Array.from({ length: COMPANIES }, (_, i) => ({
      code: `LMF-${i + 1}`,
      name: `Läkemedelsföretag ${i + 1}`,
      kind: 'company',
      region_code: null,
    })),
  ];
  await client.query(
    `INSERT INTO organisation (code, org_number, name, kind, region_code)
     SELECT o.code, lpad((100000 + n)::text, 6, '0') || '-' || lpad(n::text, 4, '0'), o.name, o.kind, o.region_code
     FROM json_to_recordset($1::json) AS o(code text, name text, kind text, region_code text, n int)`,
    [JSON.stringify(orgs.map((o, i) => ({ ...o, n: i + 1 })))],
  );

  // Locations, in regions by population share.
  await client.query(
    `CREATE TEMP TABLE plan (kind text, count int, lines int, share float8, cover_min int, cover_max int)`,
  );
  await client.query(
    `INSERT INTO plan SELECT * FROM json_to_recordset($1::json)
       AS p(kind text, count int, lines int, share float8, cover_min int, cover_max int)`,
    [
      JSON.stringify(
        LOCATION_KINDS.map((k) => {
          const { count, lines, share, cover } = LOCATION_PLAN[k];
          return { kind: k, count, lines, share, cover_min: cover[0], cover_max: cover[1] };
        }),
      ),
    ],
  );
  await run(
    'locations',
    `WITH w AS (
       SELECT code, (sum(population) OVER (ORDER BY code) - population)::float8 / sum(population) OVER () AS lo,
              sum(population) OVER (ORDER BY code)::float8 / sum(population) OVER () AS hi FROM region),
     l AS (SELECT p.kind, g.i, row_number() OVER () AS n FROM plan p
           CROSS JOIN generate_series(1, greatest(1, round(p.count * ${SCALE})::int)) AS g(i)),
     placed AS (
       SELECT l.*, (SELECT w.code FROM w WHERE ((l.n * 0.6180339887) - floor(l.n * 0.6180339887)) < w.hi ORDER BY w.hi LIMIT 1) AS region
       FROM l)
     INSERT INTO location (code, name, kind, organisation_id, region_code, municipality_code)
     SELECT 'SE-' || upper(left(p.kind, 3)) || '-' || lpad(p.n::text, 5, '0'), initcap(replace(p.kind, '_', ' ')) || ' ' || p.n,
            p.kind,
            CASE p.kind
              WHEN 'community_pharmacy' THEN (SELECT id FROM organisation WHERE code = 'APO-' || (1 + p.n % 12))
              WHEN 'dose_pharmacy' THEN (SELECT id FROM organisation WHERE code = 'DOS-' || (1 + p.n % 2))
              WHEN 'wholesaler_warehouse' THEN (SELECT id FROM organisation WHERE code = 'WHS-' || (1 + p.n % 5))
              WHEN 'state_security_stock' THEN (SELECT id FROM organisation WHERE code = 'SOS')
              ELSE (SELECT id FROM organisation WHERE code = 'REG-' || p.region) END,
            p.region,
            (SELECT m.code FROM municipality m WHERE m.region_code = p.region ORDER BY m.code OFFSET (p.n % 5) LIMIT 1)
     FROM placed p`,
  );

  // Catalogue: substances with ATC codes (5 substances per ATC level 4), 3 strengths x 2 forms, and
  // every fifth medicine a second company's (a parallel import: same group, another company).
  await run(
    'medicines',
    `INSERT INTO medicine (npl_id, name, atc_code, substance, form, strength, company_id)
     SELECT lpad(g.m::text, 14, '0'),
            'Medel ' || g.m,
            chr(65 + (s / 5) % 14) || lpad(((s / 70) % 100)::text, 2, '0') || 'AA' || lpad((1 + s % 5)::text, 2, '0'),
            'substans ' || s,
            CASE WHEN (g.m / ${SUBSTANCES * 3}) % 2 = 0 THEN 'tablett' ELSE 'injektionsvätska, lösning' END,
            (ARRAY['10 mg', '20 mg', '50 mg'])[1 + (g.m / ${SUBSTANCES}) % 3],
            (SELECT id FROM organisation WHERE code = 'LMF-' || (1 + (g.m * 7) % ${COMPANIES}))
     FROM generate_series(0, ${MEDICINES - 1}) AS g(m), LATERAL (SELECT g.m % ${SUBSTANCES} AS s) x`,
  );
  await run(
    'packages',
    `INSERT INTO package (npl_pack_id, medicine_id, pack_size, pack_unit, description, price_sek, company_id, parallel_traded)
     SELECT lpad((g.k + 1)::text, 14, '0'), m.id, (ARRAY[10, 30, 100])[1 + (g.k / ${MEDICINES}) % 3], 'st',
            (ARRAY[10, 30, 100])[1 + (g.k / ${MEDICINES}) % 3] || ' st', 50, m.company_id, g.k % 17 = 0
     FROM generate_series(0, ${PACKAGES - 1}) AS g(k)
     JOIN medicine m ON m.npl_id = lpad((g.k % ${MEDICINES})::text, 14, '0')`,
  );
  await run(
    'prioritised list',
    `WITH l AS (
       INSERT INTO product_list (code, version, name, issuer_id, published_on, valid_from)
       SELECT 'sos-prioritised', '2023-05-12', 'Läkemedel för vård som inte kan anstå', id, '2023-05-12', '2023-05-12'
       FROM organisation WHERE code = 'SOS' RETURNING id)
     INSERT INTO product_list_item (list_id, position, atc_code, substance, form, care_area)
     SELECT l.id, row_number() OVER (ORDER BY m.substance), min(m.atc_code), m.substance, NULL, 'sluten vård'
     FROM l, medicine m WHERE m.substance IN (SELECT 'substans ' || s FROM generate_series(0, ${SUBSTANCES - 1}, 7) s)
     GROUP BY l.id, m.substance`,
  );
  await run(
    'report',
    `INSERT INTO report (kind, organisation_id, content_sha256, format)
     SELECT 'synthetic', id, 'bench-lagesbild', 'generator' FROM organisation WHERE code = 'LV'`,
  );
  await run(
    'snapshots',
    `INSERT INTO stock_snapshot (location_id, counted_at, report_id, line_count)
     SELECT l.id, $1::timestamptz, (SELECT max(id) FROM report), p.lines
     FROM location l JOIN plan p ON p.kind = l.kind`,
    [`${addDays(TODAY, -1)}T18:00:00Z`],
  );

  const indexes = async (table: string) =>
    (
      await client.query<{ indexname: string; indexdef: string }>(
        `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = $1`,
        [table],
      )
    ).rows;
  const saved = [...(await indexes('stock_line')), ...(await indexes('sales'))];
  for (const ix of saved) await client.query(`DROP INDEX ${ix.indexname}`);

  // National demand per package, packs a day (log-normal, see the sales below): the stock follows it.
  await client.query(
    `CREATE TABLE bench_demand AS
     SELECT id, least(5000, 2 * exp(2 * ln(u / (1 - u)) / 1.702)) AS per_day
     FROM (SELECT id, (((id * 2654435761::bigint) % 1000) + 0.5) / 1000.0 AS u FROM package) x`,
  );
  // Stock: each location holds `lines` distinct packages (a stride coprime with the package count),
  // expiring 5–900 days ahead (about 3 % within 30 days), its share of the package's demand for its
  // cover (LOCATION_PLAN). A wholesaler warehouse holds the stock on behalf of the package's company
  // (DOMAIN.md, single-channel distribution: owner_id, 0013), as the demo's warehouses do.
  // `--expiries batch`: the line holds one of the package's batches (each with
  // its own expiry, drawn once per package and batch), drawn at random; `line`: its own expiry.
  const batchOf =
    EXPIRIES === 'batch'
      ? {
          name: `'B' || x.package_id || '-' || x.k`,
          expiry: `$1::date + (5 + (x.package_id * 7919 + x.k * 104729) % 896)::int`,
          k: `floor(random() * (${BATCHES_MIN} + (1 + ((l.id * 7919 + g.j * 13) % ${PACKAGES})) % ${BATCHES_MAX - BATCHES_MIN + 1}))::int`,
        }
      : {
          name: `'B' || (l.id % 97) || '-' || g.j`,
          expiry: `$1::date + (5 + floor(random() * 896))::int`,
          k: '0',
        };
  await run(
    'stock lines',
    `INSERT INTO stock_line (snapshot_id, package_id, batch, expiry, quantity, stock_level, owner_id)
     SELECT s.id, x.package_id, ${batchOf.name},
            ${batchOf.expiry},
            greatest(1, round(bd.per_day * p.share / (p.count * least(p.lines, ${PACKAGES})::float8 / ${PACKAGES})
                              * (p.cover_min + random() * (p.cover_max - p.cover_min)))),
            CASE WHEN l.kind IN ('state_security_stock') THEN 3 ELSE 1 END,
            CASE WHEN l.kind = 'wholesaler_warehouse' THEN pk.company_id END
     FROM stock_snapshot s JOIN location l ON l.id = s.location_id JOIN plan p ON p.kind = l.kind
     CROSS JOIN LATERAL generate_series(0, least(p.lines, ${PACKAGES}) - 1) AS g(j)
     CROSS JOIN LATERAL (SELECT 1 + ((l.id * 7919 + g.j * 13) % ${PACKAGES}) AS package_id, ${batchOf.k} AS k) x
     JOIN bench_demand bd ON bd.id = x.package_id
     JOIN package pk ON pk.id = x.package_id
     -- In snapshot order, as the ingest's COPY writes a report's lines: a snapshot's lines on few pages.
     -- In the join's order they were spread over the table (one snapshot's 25,000 lines on 23,377 pages),
     -- so every refresh step that reads a snapshot by its index read a page per line: summing the 2,000
     -- snapshots took 55.8 s against 2.6 s for as many lines ingested by COPY (measured 2026-12-04).
     ORDER BY s.id, x.package_id`,
    [TODAY],
  );

  // Sales: two years of DAILY rows for every package in every region. National demand per package is
  // log-normal (median 2 packs a day, σ = 2: most packages sell a few a day, a few sell thousands;
  // about 39 a day on average, 1.2 million packs a day in all), split by population share with ±40 %
  // noise and rounded stochastically (the expected value is kept). A day without a sale has no row, as
  // in the reports: about a fifth of the 460 million package × region × day cells sell anything. The
  // packages are split between two connections, one per core.
  await client.query(
    `CREATE TABLE bench_share AS SELECT code, population::float8 / sum(population) OVER () AS share FROM region`,
  );
  const start = addDays(TODAY, -730);
  const salesPart = async (part: number) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`SET session_replication_role = replica`);
    await c.query(`SET synchronous_commit = off`);
    await c.query(`SELECT setseed(${0.1 + part / 10})`);
    const r = await c.query(
      `INSERT INTO sales (period_start, period_days, region_code, location_id, package_id, quantity, report_id, channel)
       SELECT d, 1, code, NULL, id, q, (SELECT max(id) FROM report), 'community_dispensing'
       FROM (SELECT d::date AS d, r.code, p.id, floor(p.per_day * r.share * (0.6 + 0.8 * random()) + random()) AS q
             FROM bench_demand p CROSS JOIN bench_share r CROSS JOIN generate_series($1::date, $2::date, interval '1 day') d
             WHERE p.id % 2 = $3) x
       WHERE q > 0`,
      [start, addDays(TODAY, -1), part],
    );
    await c.end();
    return r.rowCount ?? 0;
  };
  {
    const { ms, result } = await time(() => Promise.all([salesPart(0), salesPart(1)]));
    log(`  daily sales: ${result[0] + result[1]} rows in ${seconds(ms)}`);
    // Where each source's sales lie (0014), as every writer of sales keeps it.
    await client.query(
      `INSERT INTO sales_extent (package_id, region_code, channel, regional, first_day, last_day)
       SELECT package_id, region_code, channel, location_id IS NULL, min(period_start), max(period_start + period_days - 1)
       FROM sales GROUP BY 1, 2, 3, 4`,
    );
  }
  await client.query(`DROP TABLE bench_share, bench_demand`);
  for (const ix of saved) {
    const { ms } = await time(() => client.query(ix.indexdef));
    log(`  index ${ix.indexname}: ${seconds(ms)}`);
  }

  await run(
    'notices',
    `INSERT INTO shortage_notice (kind, package_id, company_id, notified_at, expected_start, expected_end, reason)
     SELECT CASE WHEN g.i % 5 = 0 THEN 'sales_stop' ELSE 'shortage' END, p.id, p.company_id, $1::timestamptz,
            $2::date + (g.i % 60) - 30, CASE WHEN g.i % 3 = 0 THEN NULL ELSE $2::date + 30 + g.i % 90 END, 'produktionsstörning'
     FROM generate_series(1, ${Math.round(600 * SCALE)}) g(i) JOIN package p ON p.id = 1 + (g.i * 7727) % ${PACKAGES}`,
    [`${addDays(TODAY, -40)}T09:00:00Z`, TODAY],
  );
  await run(
    'expected deliveries',
    `INSERT INTO expected_delivery (report_id, organisation_id, package_id, location_id, quantity, expected_on)
     SELECT (SELECT max(id) FROM report), p.company_id, p.id,
            CASE WHEN g.i % 2 = 0 THEN (SELECT id FROM location WHERE kind = 'wholesaler_warehouse' ORDER BY id OFFSET g.i % 20 LIMIT 1) END,
            100 + (g.i % 50) * 40, $1::date + 3 + g.i % 120
     FROM generate_series(1, ${Math.round(5_000 * SCALE)}) g(i) JOIN package p ON p.id = 1 + (g.i * 3571) % ${PACKAGES}`,
    [TODAY],
  );
  await client.query(`SET session_replication_role = origin`);
  const { ms } = await time(() => client.query('ANALYZE'));
  log(`  analyze: ${seconds(ms)}`);
  await client.query(`CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value text NOT NULL)`);
  await client.query(
    `INSERT INTO bench_meta VALUES ('params', $1) ON CONFLICT (key) DO UPDATE SET value = $1`,
    [PARAMS],
  );
  await client.end();
}

// Naive SQL over the raw rows ---------------------------------------------------------------------

/** The window bounds of the demand rule (as refreshPicture computes them). */
function windows(windowEnd: string) {
  return {
    end: windowEnd,
    recentFrom: addDays(windowEnd, -27),
    baselineFrom: addDays(windowEnd, -364),
    seasonTo: addDays(windowEnd, -337),
    scanFrom: addDays(windowEnd, -370),
  };
}

const within = (from: string, to: string) => `
  sum(s.quantity * greatest(0, least(s.period_start + s.period_days - 1, '${to}'::date)
    - greatest(s.period_start, '${from}'::date) + 1) / s.period_days)`;

/**
 * The overview computed from the raw rows, without any maintained table: current stock from the
 * snapshots (current_stock_entry), demand per package and region from the sales rows (window sums
 * and the same rule), coverage and risk per package nationally and per region, counts, the 20 most
 * critical with the prioritised flag matched against the list, and the notices. (It leaves out groups
 * and the critical-shortage alternative check, so it is a lower bound of the same work. Its usable
 * stock is a plain 30-day expiry cut-off, cheaper than the picture's first expiry first out at
 * demand: again a lower bound.)
 */
async function naiveOverview(client: pg.Client, windowEnd: string): Promise<number> {
  const w = windows(windowEnd);
  const cutOff = addDays(TODAY, 30);
  const result = await client.query(`
    WITH stock AS (
      SELECT e.package_id, l.region_code::text AS area,
             coalesce(sum(e.quantity) FILTER (WHERE e.expiry IS NULL OR e.expiry > '${cutOff}'::date), 0) AS usable
      FROM current_stock_entry e JOIN location l ON l.id = e.location_id
      GROUP BY e.package_id, l.region_code
    ),
    first AS (SELECT p.id AS package_id, (SELECT min(x.period_start) FROM sales x WHERE x.package_id = p.id) AS first_day FROM package p),
    sums AS (
      SELECT s.package_id, s.region_code::text AS area,
        ${within(w.recentFrom, w.end)} AS r, ${within(w.baselineFrom, w.end)} AS b, ${within(w.baselineFrom, w.seasonTo)} AS se
      FROM sales s WHERE s.period_start >= '${w.scanFrom}' AND s.period_start <= '${w.end}'
      GROUP BY s.package_id, s.region_code
    ),
    demand AS (
      SELECT x.package_id, x.area, d.per_day FROM sums x JOIN first f ON f.package_id = x.package_id
      CROSS JOIN LATERAL picture_demand_rule(x.r, x.b, x.se, ('${w.end}'::date - f.first_day + 1), 28, 365, 365) d
    ),
    regional AS (
      SELECT coalesce(s.package_id, d.package_id) AS package_id, coalesce(s.area, d.area) AS area,
             coalesce(s.usable, 0) AS usable, coalesce(d.per_day, 0) AS per_day
      FROM stock s FULL JOIN demand d ON d.package_id = s.package_id AND d.area = s.area
    ),
    items AS (
      SELECT package_id, area, usable, per_day FROM regional
      UNION ALL
      SELECT package_id, 'SE', sum(usable), sum(per_day) FROM regional GROUP BY package_id
    ),
    classed AS (
      SELECT i.*, CASE WHEN per_day > 0 THEN usable / per_day END AS coverage,
        CASE WHEN per_day <= 0 THEN 'no_demand' WHEN usable / per_day < 14 THEN 'critical'
             WHEN usable / per_day < 30 THEN 'low' ELSE 'adequate' END AS risk
      FROM items i
    ),
    counts AS (SELECT area, risk, count(*) AS n FROM classed GROUP BY area, risk),
    critical AS (
      SELECT c.package_id, c.coverage,
        EXISTS (SELECT 1 FROM product_list_item li JOIN product_list pl ON pl.id = li.list_id
                JOIN package p ON p.id = c.package_id JOIN medicine m ON m.id = p.medicine_id
                WHERE pl.code = 'sos-prioritised' AND m.atc_code LIKE li.atc_code || '%'
                  AND lower(m.substance) = lower(li.substance)
                  AND (li.form IS NULL OR m.form = li.form OR m.form LIKE li.form || ',%')) AS prioritised
      FROM classed c WHERE c.area = 'SE' AND c.risk = 'critical'
    ),
    top AS (SELECT * FROM critical ORDER BY prioritised DESC, coverage LIMIT 20),
    notices AS (
      SELECT n.id FROM shortage_notice n
      WHERE NOT EXISTS (SELECT 1 FROM shortage_notice s2 WHERE s2.supersedes_id = n.id)
        AND n.expected_start <= '${TODAY}'::date + 30 AND (n.expected_end IS NULL OR n.expected_end >= '${TODAY}'::date)
    )
    SELECT (SELECT count(*) FROM counts) AS counts, (SELECT count(*) FROM top) AS top, (SELECT count(*) FROM notices) AS notices`);
  return Number(result.rows[0]?.counts ?? 0);
}

/**
 * A product page computed from the raw rows: stock by tier and by region (current snapshots),
 * demand per region and 13 months of sales (sales rows), 52 weekly points of stock history as of
 * each week from the snapshots, the alternatives (same group, substance or ATC level 4) with their
 * stock and demand, notices and deliveries.
 */
async function naiveProduct(client: pg.Client, packageId: number, windowEnd: string): Promise<void> {
  const w = windows(windowEnd);
  const cutOff = addDays(TODAY, 30);
  const tier = `CASE l.kind ${LOCATION_KINDS.map((k) => `WHEN '${k}' THEN '${k}'`).join(' ')} END`;
  await client.query(
    `SELECT l.region_code, ${tier} AS tier, sum(e.quantity),
            sum(e.quantity) FILTER (WHERE e.expiry IS NULL OR e.expiry > '${cutOff}'::date), count(DISTINCT e.location_id)
     FROM current_stock_entry e JOIN location l ON l.id = e.location_id WHERE e.package_id = $1
     GROUP BY 1, 2`,
    [packageId],
  );
  await client.query(
    `SELECT s.region_code, ${within(w.recentFrom, w.end)}, ${within(w.baselineFrom, w.end)}, ${within(w.baselineFrom, w.seasonTo)}
     FROM sales s WHERE s.package_id = $1 AND s.period_start >= '${w.scanFrom}' AND s.period_start <= '${w.end}'
     GROUP BY s.region_code`,
    [packageId],
  );
  await client.query(
    `SELECT date_trunc('month', period_start), sum(quantity) FROM sales
     WHERE package_id = $1 AND period_start >= $2::date GROUP BY 1 ORDER BY 1`,
    [packageId, addDays(TODAY, -395)],
  );
  await client.query(
    `SELECT d::date, sum(sl.quantity)
     FROM generate_series($2::date - 364, $2::date, interval '7 days') d
     CROSS JOIN location l
     CROSS JOIN LATERAL (SELECT ss.id FROM stock_snapshot ss WHERE ss.location_id = l.id AND ss.counted_at < d + interval '1 day'
                         ORDER BY ss.counted_at DESC, ss.id DESC LIMIT 1) s
     JOIN stock_line sl ON sl.snapshot_id = s.id AND sl.package_id = $1
     GROUP BY 1 ORDER BY 1`,
    [packageId, TODAY],
  );
  await client.query(
    `WITH me AS (SELECT m.* FROM package p JOIN medicine m ON m.id = p.medicine_id WHERE p.id = $1),
     alts AS (
       SELECT p.id FROM package p JOIN medicine m ON m.id = p.medicine_id, me
       WHERE p.id <> $1 AND (lower(m.substance) = lower(me.substance) OR left(m.atc_code, 5) = left(me.atc_code, 5))
     )
     SELECT a.id,
       (SELECT coalesce(sum(e.quantity) FILTER (WHERE e.expiry IS NULL OR e.expiry > '${cutOff}'::date), 0)
        FROM current_stock_entry e WHERE e.package_id = a.id) AS usable,
       (SELECT ${within(w.recentFrom, w.end)} FROM sales s WHERE s.package_id = a.id
          AND s.period_start >= '${w.scanFrom}' AND s.period_start <= '${w.end}') AS recent
     FROM alts a`,
    [packageId],
  );
  await client.query(
    `SELECT * FROM current_shortage_notice WHERE package_id = $1 AND (expected_end IS NULL OR expected_end >= $2::date)`,
    [packageId, TODAY],
  );
  await client.query(
    `SELECT * FROM current_expected_delivery WHERE package_id = $1 AND expected_on >= $2::date`,
    [packageId, TODAY],
  );
}

// New daily snapshot: ingest vs incremental refresh ---------------------------------------------------

async function snapshotCsv(
  store: Store,
  locationId: number,
): Promise<{ csv: string; lines: number; org: number }> {
  const rows = await sql<{
    code: string;
    npl: string;
    quantity: number;
    batch: string | null;
    expiry: string | null;
  }>`
    SELECT l.code, p.npl_pack_id AS npl, e.quantity, e.batch, e.expiry
    FROM current_stock_batch e JOIN location l ON l.id = e.location_id JOIN package p ON p.id = e.package_id
    WHERE e.location_id = ${locationId}`.execute(store.db);
  const org = await store.db
    .selectFrom('location')
    .select('organisation_id')
    .where('id', '=', locationId)
    .executeTakeFirstOrThrow();
  // One minute after the location's current count: the new snapshot supersedes it.
  const current = await sql<{ at: Date }>`
    SELECT counted_at AS at FROM current_snapshot WHERE location_id = ${locationId}`.execute(store.db);
  const countedAt = new Date(
    new Date(current.rows[0]?.at ?? `${TODAY}T06:00:00Z`).getTime() + 60_000,
  ).toISOString();
  let csv = 'location,package,quantity,batch,expiry,stock_level,counted_at\n';
  let i = 0;
  for (const r of rows.rows) {
    // A day later: most lines sold down a little, a few restocked.
    const quantity = i++ % 10 === 0 ? Number(r.quantity) + 20 : Math.max(0, Number(r.quantity) - (i % 3));
    csv += `${r.code},${r.npl},${quantity},${r.batch ?? ''},${r.expiry ?? ''},1,${countedAt}\n`;
  }
  return { csv, lines: rows.rows.length, org: org.organisation_id };
}

/** Ingests a stock snapshot CSV as `org`'s report (the CLI/API path). */
function sendSnapshot(
  store: Store,
  org: { id: number; code: string; kind: string; region_code: string | null },
  csv: string,
  clientRef: string,
) {
  return ingestReport(store, {
    reporter: {
      organisationId: org.id,
      organisationCode: org.code,
      organisationKind: org.kind as Principal['organisationKind'],
      regionCode: org.region_code,
    },
    kind: 'stock_snapshot',
    format: 'csv',
    body: new TextEncoder().encode(csv),
    clientRef: `${clientRef}-${Date.now()}`,
  });
}

/**
 * The national daily snapshot: every location counts its stock, one report per organisation. Ingested
 * report by report; then one refresh for all locations (stock mode: stock and items rebuilt).
 */
async function nationalRound(store: Store) {
  const orgs = await sql<{ id: number; code: string; kind: string; region_code: string | null }>`
    SELECT o.id, o.code, o.kind, o.region_code FROM organisation o
    WHERE EXISTS (SELECT 1 FROM location l WHERE l.organisation_id = o.id) ORDER BY o.id`.execute(store.db);
  let ingestMs = 0;
  let lines = 0;
  const locationIds: number[] = [];
  for (const org of orgs.rows) {
    const locations = await store.db
      .selectFrom('location')
      .select('id')
      .where('organisation_id', '=', org.id)
      .orderBy('id')
      .execute();
    let csv = '';
    for (const l of locations) {
      const one = await snapshotCsv(store, l.id);
      csv += csv === '' ? one.csv : one.csv.slice(one.csv.indexOf('\n') + 1);
      lines += one.lines;
      locationIds.push(l.id);
    }
    const ingest = await time(() => sendSnapshot(store, org, csv, `bench-national-${org.code}`));
    ingestMs += ingest.ms;
  }
  const refresh = await time(() => refreshPicture(store, { today: TODAY, locationIds }));
  return {
    location: `all ${locationIds.length} locations (${orgs.rows.length} reports)`,
    kind: 'national daily snapshot' as const,
    lines,
    ingestMs,
    refreshMs: refresh.ms,
    refresh: refresh.result,
  };
}

/** A pharmacy chain's daily report: one CSV with every one of its pharmacies' snapshots. */
async function chainRound(store: Store, code: string) {
  const org = await store.db
    .selectFrom('organisation')
    .selectAll()
    .where('code', '=', code)
    .executeTakeFirstOrThrow();
  const locations = await store.db
    .selectFrom('location')
    .select('id')
    .where('organisation_id', '=', org.id)
    .orderBy('id')
    .execute();
  let csv = '';
  let lines = 0;
  for (const l of locations) {
    const one = await snapshotCsv(store, l.id);
    csv += lines === 0 ? one.csv : one.csv.slice(one.csv.indexOf('\n') + 1);
    lines += one.lines;
  }
  const ingest = await time(() => sendSnapshot(store, { ...org, region_code: null }, csv, `bench-${code}`));
  const refresh = await time(() =>
    refreshPicture(store, { today: TODAY, locationIds: locations.map((l) => l.id) }),
  );
  return {
    location: `${code} (${locations.length} pharmacies)`,
    kind: 'pharmacy chain' as const,
    lines,
    ingestMs: ingest.ms,
    refreshMs: refresh.ms,
    refresh: refresh.result,
  };
}

async function snapshotRound(store: Store, kind: LocationKind, n: number) {
  const all = await store.db
    .selectFrom('location')
    .select(['id', 'code', 'region_code'])
    .where('kind', '=', kind)
    .orderBy('id')
    .execute();
  const location = all[n % all.length]!;
  const { csv, lines, org } = await snapshotCsv(store, location.id);
  const orgRow = await store.db
    .selectFrom('organisation')
    .selectAll()
    .where('id', '=', org)
    .executeTakeFirstOrThrow();
  const ingest = await time(() => sendSnapshot(store, orgRow, csv, `bench-${location.code}`));
  const refresh = await time(() => refreshPicture(store, { today: TODAY, locationIds: [location.id] }));
  return {
    location: location.code,
    kind,
    lines,
    ingestMs: ingest.ms,
    refreshMs: refresh.ms,
    refresh: refresh.result,
  };
}

/** The locations whose new daily snapshot is timed (kind, the n-th of the kind). */
const SNAPSHOT_ROUNDS = [
  ['community_pharmacy', 5],
  ['community_pharmacy', 6],
  ['hospital_pharmacy', 3],
  ['wholesaler_warehouse', 2],
] as const;

// The picture's lag behind the morning's reports ---------------------------------------------------

/**
 * Sends LAG_REPORTS locations' new daily snapshots as the server takes them: each ingested
 * (ingestReport), then handed to the picture's maintainer (afterReport), which queues it and refreshes
 * what is queued (one refresh at a time; a wave becomes one refresh, above the delta limits a stock
 * rebuild), exactly as `serve` does. Each report's lag is the time from its receipt until the picture
 * holds its snapshot (picture_location_state, polled every 100 ms). The baseline beside it: the
 * report's own ingest.
 */
async function lagRun(store: Store) {
  const kinds = LOCATION_KINDS.filter(
    (k) => k !== 'state_security_stock' && k !== 'regional_preparedness_stock',
  );
  const all = await store.db
    .selectFrom('location')
    .select(['id', 'organisation_id'])
    .where('kind', 'in', kinds)
    .orderBy('id')
    .execute();
  const step = Math.max(1, Math.floor(all.length / LAG_REPORTS));
  const chosen = all.filter((_, i) => i % step === 0).slice(0, LAG_REPORTS);
  const orgs = new Map(
    (await store.db.selectFrom('organisation').selectAll().execute()).map((o) => [o.id, o] as const),
  );
  const modes: Record<string, number> = {};
  const maintainer = new PictureMaintainer(store, {
    today: () => TODAY,
    onRefreshed: () => {
      const mode = maintainer.status().lastRefresh?.mode ?? '?';
      modes[mode] = (modes[mode] ?? 0) + 1;
    },
  });
  const pending = new Map<number, { snapshotId: number; acceptedAt: number }>();
  const lags: number[] = [];
  const ingests: number[] = [];
  let polling = true;
  const poll = (async () => {
    while (polling || pending.size > 0) {
      if (pending.size > 0) {
        const ids = [...pending.keys()];
        const held = await sql<{ location_id: number; snapshot_id: number | null }>`
          SELECT location_id, snapshot_id FROM picture_location_state
          WHERE location_id = ANY(${ids}::bigint[])`.execute(store.db);
        const now = performance.now();
        for (const r of held.rows) {
          const p = pending.get(Number(r.location_id));
          if (p !== undefined && Number(r.snapshot_id) === p.snapshotId) {
            lags.push(now - p.acceptedAt);
            pending.delete(Number(r.location_id));
          }
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  const started = performance.now();
  for (const [i, l] of chosen.entries()) {
    const due = started + i * LAG_INTERVAL_MS;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const { csv } = await snapshotCsv(store, l.id);
    const org = orgs.get(l.organisation_id)!;
    const t0 = performance.now();
    const receipt = await sendSnapshot(store, org, csv, `bench-lag-${l.id}`);
    const acceptedAt = performance.now();
    ingests.push(acceptedAt - t0);
    if (receipt.status !== 'accepted') throw new Error(`report for location ${l.id} was rejected`);
    const current = await sql<{ snapshot_id: number }>`
      SELECT snapshot_id FROM current_snapshot WHERE location_id = ${l.id}`.execute(store.db);
    pending.set(l.id, { snapshotId: Number(current.rows[0]!.snapshot_id), acceptedAt });
    void maintainer.afterReport(receipt.id);
  }
  const sent = performance.now();
  await maintainer.idle();
  polling = false;
  await poll;
  await maintainer.stop();
  const sorted = [...lags].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return {
    reports: chosen.length,
    sentSeconds: (sent - started) / 1000,
    ingestP50: medianOf(ingests),
    lagP50: at(0.5),
    lagP99: at(0.99),
    lagMax: sorted[sorted.length - 1] ?? NaN,
    modes,
  };
}

// Main --------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = performance.now();
  const { url, fresh } = await ensureDatabase();
  const store = await openStore({ databaseUrl: url });
  await migrateToLatest(store.db);
  if (fresh) {
    log(`generating national-scale data in ${DB_NAME} (scale ${SCALE}) …`);
    const { ms } = await time(() => generate(store, url));
    log(`generated in ${seconds(ms)}`);
  } else {
    log(`reusing the data in ${DB_NAME}`);
  }
  const counts = await sql<{
    locations: number;
    packages: number;
    lines: number;
    sales: number;
    soldYesterday: number;
  }>`
    SELECT (SELECT count(*) FROM location) AS locations, (SELECT count(*) FROM package) AS packages,
      (SELECT sum(line_count) FROM stock_snapshot s JOIN current_snapshot c ON c.snapshot_id = s.id) AS lines,
      (SELECT reltuples::bigint FROM pg_class WHERE relname = 'sales') AS sales,
      (SELECT count(DISTINCT package_id) FROM sales WHERE period_start = ${addDays(TODAY, -1)}::date) AS "soldYesterday"`.execute(
    store.db,
  );
  const c = counts.rows[0]!;
  const fill = (Number(c.sales) / (Number(c.packages) * 21 * 730)) * 100;
  log(
    `data: ${c.locations} locations, ${c.packages} packages, ${Number(c.lines).toLocaleString('en')} current stock lines, ` +
      `~${Number(c.sales).toLocaleString('en')} daily sales rows over two years and 21 regions ` +
      `(${fill.toFixed(0)} % of package × region × day cells sold something; ${c.soldYesterday} packages sold yesterday)`,
  );

  if (ONLY === 'snapshots') {
    const state = await store.db.selectFrom('picture_state').select('today').executeTakeFirst();
    if (state?.today !== TODAY) await refreshPicture(store, { today: TODAY, full: true });
    for (const [kind, n] of SNAPSHOT_ROUNDS) {
      const r = await snapshotRound(store, kind, n);
      log(
        `snapshot ${r.location} (${r.kind}, ${r.lines} lines): ingest ${millis(r.ingestMs)}, refresh ${millis(r.refreshMs)} ` +
          `(${r.refresh.mode}, ${r.refresh.packages} packages), refresh / ingest ${(r.refreshMs / r.ingestMs).toFixed(2)} ` +
          JSON.stringify(r.refresh.steps),
      );
    }
    await store.close();
    return;
  }
  if (ONLY === 'lag') {
    const state = await store.db.selectFrom('picture_state').select('today').executeTakeFirst();
    if (state?.today !== TODAY) await refreshPicture(store, { today: TODAY, full: true });
    const r = await lagRun(store);
    log(
      `lag: ${r.reports} reports, one every ${LAG_INTERVAL_MS} ms (sent in ${r.sentSeconds.toFixed(0)} s); ` +
        `ingest p50 ${millis(r.ingestP50)}; picture lag p50 ${seconds(r.lagP50)}, p99 ${seconds(r.lagP99)}, ` +
        `max ${seconds(r.lagMax)}; lag p50 / ingest p50 ${(r.lagP50 / r.ingestP50).toFixed(0)}; refreshes ${JSON.stringify(r.modes)}`,
    );
    await store.close();
    return;
  }
  if (ONLY === 'national') {
    const state = await store.db.selectFrom('picture_state').select('today').executeTakeFirst();
    if (state?.today !== TODAY) {
      const full = await time(() => refreshPicture(store, { today: TODAY, full: true }));
      log(`full refresh: ${seconds(full.ms)} ${JSON.stringify(full.result.steps)}`);
    }
    for (let i = 0; i < NATIONAL_ROUNDS; i++) {
      const r = await nationalRound(store);
      log(
        `snapshot ${r.location} (${r.lines} lines): ingest ${millis(r.ingestMs)}, refresh ${millis(r.refreshMs)}, ` +
          `refresh / ingest ${(r.refreshMs / r.ingestMs).toFixed(2)} ${JSON.stringify(r.refresh.steps)}`,
      );
    }
    await store.close();
    return;
  }

  const client = new pg.Client({ connectionString: url });
  await client.connect();

  // 1. Full refresh (a new day). `--only products`: only when the picture is not of the bench's day.
  const pictureDay = await store.db.selectFrom('picture_state').select('today').executeTakeFirst();
  let full = { ms: NaN, result: { steps: {} as Record<string, number> } };
  if (ONLY !== 'products' || pictureDay?.today !== TODAY) {
    log('full refresh …');
    full = await time(() => refreshPicture(store, { today: TODAY, full: true }));
    log(`full refresh: ${seconds(full.ms)} ${JSON.stringify(full.result.steps)}`);
  }
  const items = await sql<{ n: number }>`SELECT count(*)::int AS n FROM picture_item`.execute(store.db);
  const historyRows = await sql<{ n: number }>`SELECT count(*)::int AS n FROM picture_stock_history`.execute(
    store.db,
  );
  if ((historyRows.rows[0]?.n ?? 0) < 1_000_000) {
    // Bench only: a year of weekly history points (the refresh writes one per day it runs).
    await client.query(
      `INSERT INTO picture_stock_history (package_id, on_date, total, usable)
       SELECT h.package_id, h.on_date - 7 * k, round(h.total * (0.8 + 0.4 * random())), round(h.usable * (0.8 + 0.4 * random()))
       FROM picture_stock_history h CROSS JOIN generate_series(1, 52) k WHERE h.on_date = $1::date
       ON CONFLICT DO NOTHING`,
      [TODAY],
    );
    await client.query('ANALYZE picture_stock_history');
  }

  const lv = await store.db
    .selectFrom('organisation')
    .selectAll()
    .where('code', '=', 'LV')
    .executeTakeFirstOrThrow();
  const principal: Principal = {
    tokenId: 0,
    userId: 0,
    userName: 'bench',
    organisationId: lv.id,
    organisationCode: lv.code,
    organisationName: lv.name,
    organisationKind: 'authority',
    regionCode: null,
    role: 'analyst',
  };
  const state = await store.db.selectFrom('picture_state').selectAll().executeTakeFirstOrThrow();

  // 2. National overview (not with `--only products`).
  let overviewMs = NaN;
  let naiveOverviewMs = NaN;
  if (ONLY !== 'products') {
    overviewMs = await median(7, () => overviewPage(store.db, principal));
    log(`overview from aggregates: ${millis(overviewMs)} (median of 7)`);
    log('overview by naive SQL over the raw rows …');
    naiveOverviewMs = (await time(() => naiveOverview(client, state.window_end))).ms;
    log(`overview naive: ${seconds(naiveOverviewMs)}`);
  }

  // 3. Product pages: a critical prioritised package, and two others (a rarely and a commonly sold one).
  const picks = await sql<{ package_id: number }>`
    (SELECT package_id FROM picture_item WHERE kind = 'package' AND area_code = 'SE' AND risk_class = 'critical'
     ORDER BY prioritised DESC, coverage_days LIMIT 1)
    UNION ALL (SELECT package_id FROM picture_item WHERE kind = 'package' AND area_code = 'SE' AND package_id % 10 = 0 LIMIT 1)
    UNION ALL (SELECT package_id FROM picture_item WHERE kind = 'package' AND area_code = 'SE' AND package_id % 10 = 3 LIMIT 1)`.execute(
    store.db,
  );
  const productIds = picks.rows.map((r) => r.package_id);
  const productTimes: { id: number; agg: number; naive: number }[] = [];
  for (const id of productIds) {
    const agg = await median(7, () => productPage(store.db, principal, id));
    const naive = (await time(() => naiveProduct(client, id, state.window_end))).ms;
    productTimes.push({ id, agg, naive });
    log(`product ${id}: aggregates ${millis(agg)}, naive ${millis(naive)}, ${(naive / agg).toFixed(0)}×`);
  }
  if (ONLY === 'products') {
    const agg = productTimes.reduce((a, t) => a + t.agg, 0);
    const naive = productTimes.reduce((a, t) => a + t.naive, 0);
    log(`product pages (mean of ${productTimes.length}): ${(naive / agg).toFixed(0)}× (target ≥ 50×)`);
    await client.end();
    await store.close();
    return;
  }

  // 4. New daily snapshots: ingest vs incremental refresh.
  const rounds = [];
  for (const [kind, n] of SNAPSHOT_ROUNDS) {
    const r = await snapshotRound(store, kind, n);
    rounds.push(r);
    log(
      `snapshot ${r.location} (${r.kind}, ${r.lines} lines): ingest ${millis(r.ingestMs)}, refresh ${millis(r.refreshMs)} ` +
        `(${r.refresh.mode}, ${r.refresh.packages} packages) ${JSON.stringify(r.refresh.steps)}`,
    );
  }
  const national = Array.from({ length: NATIONAL_ROUNDS }, () => () => nationalRound(store));
  for (const round of [() => chainRound(store, 'APO-3'), ...national]) {
    const r = await round();
    rounds.push(r);
    log(
      `snapshot ${r.location} (${r.kind}, ${r.lines} lines): ingest ${millis(r.ingestMs)}, refresh ${millis(r.refreshMs)} ` +
        `(${r.refresh.mode}, ${r.refresh.packages} packages) ${JSON.stringify(r.refresh.steps)}`,
    );
  }
  await client.end();
  await store.close();

  const product = productTimes.reduce(
    (acc, p) => ({
      agg: acc.agg + p.agg / productTimes.length,
      naive: acc.naive + p.naive / productTimes.length,
    }),
    { agg: 0, naive: 0 },
  );
  const lines = [
    '',
    '## Lägesbild (bench/lagesbild.ts)',
    '',
    `Run ${new Date().toISOString().slice(0, 16)}Z on PostgreSQL, ${DB_NAME}: ${c.locations} locations, ${c.packages} packages, ` +
      `${Number(c.lines).toLocaleString('en')} current stock lines, ~${Number(c.sales).toLocaleString('en')} sales rows ` +
      `(daily, two years, 21 regions; ${fill.toFixed(0)} % of package × region × day cells); ${items.rows[0]?.n ?? 0} maintained items.`,
    '',
    '| measure | maintained aggregates | naive SQL over raw rows | ratio | target |',
    '|---|---|---|---|---|',
    `| national overview | ${millis(overviewMs)} | ${seconds(naiveOverviewMs)} | ${(naiveOverviewMs / overviewMs).toFixed(0)}× | ≥ 50× |`,
    `| product page (mean of ${productTimes.length}) | ${millis(product.agg)} | ${millis(product.naive)} | ${(product.naive / product.agg).toFixed(0)}× | ≥ 50× |`,
    '',
    '| new daily snapshot | lines | ingest (ingestReport) | incremental refresh | refresh / ingest | target |',
    '|---|---|---|---|---|---|',
    ...rounds.map(
      (r) =>
        `| ${r.kind} ${r.location} | ${r.lines.toLocaleString('en')} | ${millis(r.ingestMs)} | ${millis(r.refreshMs)} | ${(r.refreshMs / r.ingestMs).toFixed(2)} | ≤ 1 |`,
    ),
    '',
    `National daily snapshot, median of ${NATIONAL_ROUNDS} rounds: refresh / ingest ${medianOf(
      rounds.filter((r) => r.kind === 'national daily snapshot').map((r) => r.refreshMs / r.ingestMs),
    ).toFixed(2)} (target ≤ 1).`,
    '',
    `Full refresh (a new day: every aggregate rebuilt): ${seconds(full.ms)} — steps (ms): ${JSON.stringify(full.result.steps)}.`,
    `Whole benchmark run: ${seconds(performance.now() - started)}${fresh ? ' (including generating the data)' : ' (data reused)'}.`,
  ];
  console.log(lines.join('\n'));
}

await main();
