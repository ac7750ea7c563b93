/**
 * bench/obligations: a national year of stockpiling obligations (R1, issue 12 item 10) computed and
 * supervised against the day's stock, on PostgreSQL, against the same answer by straightforward SQL
 * over the raw rows, in the same run.
 *
 *   npx tsx bench/obligations.ts [--scale 0.05] [--rebuild] [--rounds 3]
 *   npx tsx bench/obligations.ts --from-lagesbild     # the lägesbild bench's data (read only)
 *   npm run bench:obligations
 *
 * Data: its own database `beredskap_bench_obligations` (BENCH_DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/postgres), generated with SQL generate_series like
 * bench/lagesbild.ts, kept and reused while its parameters match: 21 regions, 300 × scale companies,
 * 30,000 × scale packages (every 17th parallel-traded, every 23rd a licence medicine), Socialstyrelsen's
 * list naming every 7th substance, daily region-level sales per package and region from 2024-09-24 to
 * 2026-03-01 (log-normal demand as in the lägesbild bench), hospital pharmacies' own rows for a tenth of
 * the listed packages (care requisitions, and the same sales again as location rows under a region's
 * community figure: counted once), 1 % of the packages changing seller on 1 April 2025 and 0.5 % on
 * 15 June 2025, and the companies' own stock held at wholesalers (owner = the company).
 * With --from-lagesbild it reads `beredskap_bench_lagesbild` instead, writing nothing there: its own
 * tables (0021–0023) are created in a schema of their own (`obligations_bench`), dropped at the end.
 *
 * Measured (year 2026: cut-off 2025-10-01, basis 2024-10-01 … 2025-09-30; the day 2026-03-02):
 *   1. the engine cold: computeObligations with no monthly sales kept (it computes and keeps them);
 *   1b. the months kept ahead as the server keeps them after a refresh (keepSalesMonths, timed: one-off
 *      work off the critical path), then the first calculation of the year (the critical path);
 *   2. the engine warm: computeObligations (the monthly sales kept), then supervision as the server
 *      runs it (recordSupervision, after publishDecisions): the obligations in force that day against
 *      the stock each company owns (ownedStockTotals: owner-marked lines by the partial index 0031,
 *      and the companies' own locations), stored;
 *   3. the naive SQL: the same answer from the raw rows (sales day by day, one source per sale by a
 *      NOT EXISTS per location row, the seller per day from package_version, the list matched in SQL,
 *      the whole current_stock_by_owner view) — and a check that both give the same volumes and
 *      deviations;
 *   4. the what-if recomputation (3 and 6 months side by side, whatIf).
 * Prints each time (median of --rounds after a warm-up) and the ratio naive ÷ engine (target ≥ 20×).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { MUNICIPALITIES, POPULATION_DATE, REGIONS } from '../data/sweden.js';
import { obligationParameters, obligationVolume } from '../src/domain/obligation.js';
import { openStore, type Store } from '../src/store/database.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { computeObligations, publishDecisions, whatIf } from '../src/store/obligation.repository.js';
import { keepSalesMonths } from '../src/store/obligation/months.js';
import { recordSupervision } from '../src/store/supervision.repository.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? (args[i + 1] as string) : fallback;
};
const SCALE = Number(option('scale', '0.05'));
const ROUNDS = Number(option('rounds', '3'));
const REBUILD = args.includes('--rebuild');
const FROM_LAGESBILD = args.includes('--from-lagesbild');
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB_NAME = FROM_LAGESBILD ? 'beredskap_bench_lagesbild' : 'beredskap_bench_obligations';
const SCHEMA = 'obligations_bench';
const TODAY = '2026-03-02';
const YEAR = 2026;
const PARAMS = obligationParameters({ year: YEAR });
const SALES_FROM = '2024-09-24';
const SALES_TO = '2026-03-01';

const PACKAGES = Math.round(30_000 * SCALE);
const MEDICINES = Math.round(PACKAGES / 2);
const SUBSTANCES = Math.max(10, Math.round(2_000 * SCALE));
const COMPANIES = Math.max(5, Math.round(300 * SCALE));
const META = JSON.stringify({ v: 1, SCALE, SALES_FROM, SALES_TO });

const log = (message: string) => console.log(`[obligations] ${message}`);
const seconds = (ms: number) => (ms < 1_000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`);

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const t0 = performance.now();
  const result = await fn();
  return { ms: performance.now() - t0, result };
}

async function median(runs: number, fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push((await time(fn)).ms);
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

// Database ----------------------------------------------------------------------------------------

async function ensureDatabase(): Promise<{ url: string; fresh: boolean }> {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${DB_NAME}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  const exists =
    (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DB_NAME])).rowCount === 1;
  if (FROM_LAGESBILD) {
    await admin.end();
    if (!exists) throw new Error(`${DB_NAME} does not exist: run npm run bench:lagesbild first`);
    return { url: url.toString(), fresh: false };
  }
  let fresh = !exists || REBUILD;
  if (exists && !fresh) {
    const probe = new pg.Client({ connectionString: url.toString() });
    await probe.connect();
    const meta = await probe
      .query<{ value: string }>(`SELECT value FROM bench_meta WHERE key = 'params'`)
      .catch(() => ({ rows: [] as { value: string }[] }));
    await probe.end();
    fresh = meta.rows[0]?.value !== META;
  }
  if (fresh) {
    if (exists) await admin.query(`DROP DATABASE ${DB_NAME} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${DB_NAME}`);
  }
  await admin.end();
  return { url: url.toString(), fresh };
}

/** The lägesbild database, read only: our tables in a schema of our own, first on the search path. */
async function ownSchemaIn(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await client.query(`CREATE SCHEMA ${SCHEMA}`);
  await client.query(`SET search_path = ${SCHEMA}, public`);
  for (const file of [
    '0021_obligation.sql',
    '0022_obligation_sales_month.sql',
    '0023_obligation_supervision.sql',
  ])
    await client.query(
      readFileSync(fileURLToPath(new URL(`../src/store/migrations/${file}`, import.meta.url)), 'utf8'),
    );
  // Läkemedelsverket must be marked as the authority that decides (0013). The lägesbild bench's data
  // does not mark it, and nothing is written into public: a view of our schema shadows organisation,
  // marking LV (created after the tables above, whose foreign keys name public.organisation).
  const lv = await client.query<{ id: string; authority: string | null }>(
    `SELECT id, authority FROM public.organisation WHERE code = 'LV'`,
  );
  if (lv.rows[0] === undefined) throw new Error('the lägesbild database has no organisation LV');
  if (lv.rows[0].authority !== 'lv') {
    const columns = await client.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name = 'organisation' ORDER BY ordinal_position`,
    );
    const list = columns.rows
      .map((c) =>
        c.column_name === 'authority'
          ? `CASE WHEN o.code = 'LV' THEN 'lv' ELSE o.authority END AS authority`
          : `o.${c.column_name}`,
      )
      .join(', ');
    await client.query(`CREATE VIEW ${SCHEMA}.organisation AS SELECT ${list} FROM public.organisation o`);
  }
  await client.end();
  const withPath = new URL(url);
  withPath.searchParams.set('options', `-c search_path=${SCHEMA},public`);
  return withPath.toString();
}

async function generate(url: string): Promise<void> {
  const store = await openStore({ databaseUrl: url });
  await migrateToLatest(store.db);
  await store.close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const run = async (label: string, text: string, values: unknown[] = []) => {
    const { ms, result } = await time(() => client.query(text, values));
    log(`  ${label}: ${result.rowCount ?? 0} rows in ${seconds(ms)}`);
  };
  await client.query(`SET session_replication_role = replica`);
  await client.query(`SET synchronous_commit = off`);
  await client.query(`SET work_mem = '256MB'`);
  await client.query(`SELECT setseed(0.21)`);
  await run(
    'regions',
    `INSERT INTO region (code, name, population, population_date, civil_area)
     SELECT code, name, population, $2::date, civil FROM json_to_recordset($1::json)
       AS r(code text, name text, population int, civil text)`,
    [JSON.stringify(REGIONS.map((r) => ({ ...r, civil: r.civilArea }))), POPULATION_DATE],
  );
  await run(
    'municipalities',
    `INSERT INTO municipality (code, name, region_code, population)
     SELECT code, name, region, population FROM json_to_recordset($1::json)
       AS m(code text, name text, region text, population int)`,
    [JSON.stringify(MUNICIPALITIES.map((m) => ({ ...m, region: m.regionCode })))],
  );
  await run(
    'organisations',
    `INSERT INTO organisation (code, org_number, name, kind, authority)
     VALUES ('LV', '202100-4184', 'Läkemedelsverket', 'authority', 'lv'),
            ('SOS', '202100-5901', 'Socialstyrelsen', 'authority', 'sos'),
            ('EHM', '202100-6255', 'E-hälsomyndigheten', 'authority', 'ehm'),
            ('WHS-1', '556000-0001', 'Grossist 1', 'wholesaler', NULL);
     INSERT INTO organisation (code, org_number, name, kind, region_code)
     SELECT 'REG-' || code, '232100-' || lpad(code, 4, '0'), name, 'region', code FROM region;
     INSERT INTO organisation (code, org_number, name, kind)
     SELECT 'LMF-' || g, lpad((600000 + g)::text, 6, '0') || '-' || lpad(g::text, 4, '0'), 'Läkemedelsföretag ' || g, 'company'
     FROM generate_series(1, ${COMPANIES}) g`,
  );
  await run(
    'locations',
    `INSERT INTO location (code, name, kind, organisation_id, region_code)
     SELECT 'SE-PHL-' || g, 'Lager ' || g, 'wholesaler_warehouse', (SELECT id FROM organisation WHERE code = 'WHS-1'),
            (ARRAY['01', '12', '14', '03', '05'])[g]
     FROM generate_series(1, 5) g;
     INSERT INTO location (code, name, kind, organisation_id, region_code)
     SELECT 'SE-SJH-' || r.code, 'Sjukhusapotek ' || r.name, 'hospital_pharmacy', o.id, r.code
     FROM region r JOIN organisation o ON o.code = 'REG-' || r.code`,
  );
  await run(
    'medicines',
    `INSERT INTO medicine (npl_id, name, atc_code, substance, form, strength, company_id)
     SELECT lpad(g.m::text, 14, '0'), 'Medel ' || g.m,
            chr(65 + (s / 5) % 14) || lpad(((s / 70) % 100)::text, 2, '0') || 'AA' || lpad((1 + s % 5)::text, 2, '0'),
            'substans ' || s,
            CASE WHEN (g.m / ${SUBSTANCES * 3}) % 2 = 0 THEN 'tablett' ELSE 'injektionsvätska, lösning' END,
            (ARRAY['10 mg', '20 mg', '50 mg'])[1 + (g.m / ${SUBSTANCES}) % 3],
            (SELECT id FROM organisation WHERE code = 'LMF-' || (1 + (g.m * 7) % ${COMPANIES}))
     FROM generate_series(0, ${MEDICINES - 1}) AS g(m), LATERAL (SELECT g.m % ${SUBSTANCES} AS s) x`,
  );
  await run(
    'packages',
    `INSERT INTO package (npl_pack_id, medicine_id, pack_size, pack_unit, description, price_sek, company_id,
                          parallel_traded, licence)
     SELECT lpad((g.k + 1)::text, 14, '0'), m.id, (ARRAY[10, 30, 100])[1 + (g.k / ${MEDICINES}) % 3], 'st',
            (ARRAY[10, 30, 100])[1 + (g.k / ${MEDICINES}) % 3] || ' st', 20 + (g.k % 40) * 7.5, m.company_id,
            g.k % 17 = 0, g.k % 23 = 0
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
  // The register's history: 1 % of the packages pass to the next company on 1 April 2025 (a whole
  // month: read from the monthly sales), 0.5 % on 15 June 2025 (read day by day).
  await run(
    'package versions',
    `INSERT INTO package_version (package_id, valid_from, valid_to, npl_id, name, atc_code, substance, form,
       strength, species, holder_id, seller_id, pack_size, pack_unit, description, parallel_traded, licence, market_status)
     SELECT p.id, v.valid_from, v.valid_to, m.npl_id, m.name, m.atc_code, m.substance, m.form, m.strength, 'human',
            v.seller, v.seller, p.pack_size, p.pack_unit, p.description, p.parallel_traded, p.licence, 'marketed'
     FROM package p JOIN medicine m ON m.id = p.medicine_id
     CROSS JOIN LATERAL (SELECT CASE WHEN p.id % 100 = 3 THEN '2025-04-01'::date ELSE '2025-06-15'::date END AS day) c
     CROSS JOIN LATERAL (VALUES (NULL::date, c.day, p.company_id),
       (c.day, NULL::date, (SELECT id FROM organisation WHERE code = 'LMF-' || (1 + (p.id * 11) % ${COMPANIES})))) AS v(valid_from, valid_to, seller)
     WHERE p.id % 100 = 3 OR p.id % 200 = 7`,
  );
  await run(
    'report',
    `INSERT INTO report (kind, organisation_id, content_sha256, format)
     SELECT 'synthetic', id, 'bench-obligations', 'generator' FROM organisation WHERE code = 'LV'`,
  );
  await client.query(`DROP INDEX IF EXISTS sales_package_period_idx, sales_region_period_idx`);
  await client.query(
    `CREATE TABLE bench_demand AS
     SELECT id, least(5000, 2 * exp(2 * ln(u / (1 - u)) / 1.702)) AS per_day
     FROM (SELECT id, (((id * 2654435761::bigint) % 1000) + 0.5) / 1000.0 AS u FROM package) x;
     CREATE TABLE bench_share AS SELECT code, population::float8 / sum(population) OVER () AS share FROM region`,
  );
  await run(
    'daily sales (region level)',
    `INSERT INTO sales (period_start, period_days, region_code, location_id, package_id, quantity, report_id, channel)
     SELECT d, 1, code, NULL, id, q, (SELECT max(id) FROM report), 'community_dispensing'
     FROM (SELECT d::date AS d, r.code, p.id, floor(p.per_day * r.share * (0.6 + 0.8 * random()) + random()) AS q
           FROM bench_demand p CROSS JOIN bench_share r
           CROSS JOIN generate_series($1::date, $2::date, interval '1 day') d) x
     WHERE q > 0`,
    [SALES_FROM, SALES_TO],
  );
  // A tenth of the packages: the hospital pharmacies' own rows, weekly: care requisitions (counted), and
  // the region's community figure again as location rows (covered by the region's row: not counted).
  await run(
    'weekly hospital rows',
    `INSERT INTO sales (period_start, period_days, region_code, location_id, package_id, quantity, report_id, channel)
     SELECT d, 7, l.region_code, l.id, p.id, 1 + (p.id + extract(doy FROM d)::int) % 9, (SELECT max(id) FROM report), ch
     FROM package p CROSS JOIN location l
     CROSS JOIN generate_series($1::date, $2::date - 6, interval '7 days') d
     CROSS JOIN (VALUES ('care_requisition'), ('community_dispensing')) AS c(ch)
     WHERE p.id % 10 = 1 AND l.kind = 'hospital_pharmacy'`,
    [SALES_FROM, SALES_TO],
  );
  await run(
    'sales extent',
    `INSERT INTO sales_extent (package_id, region_code, channel, regional, first_day, last_day)
     SELECT package_id, region_code, channel, location_id IS NULL, min(period_start), max(period_start + period_days - 1)
     FROM sales GROUP BY 1, 2, 3, 4`,
  );
  await run(
    'index sales (package, period)',
    `CREATE INDEX sales_package_period_idx ON sales (package_id, period_start)`,
  );
  await run(
    'index sales (region, period)',
    `CREATE INDEX sales_region_period_idx ON sales (region_code, period_start)`,
  );
  // The companies' own stock at the wholesaler: about what 3 months of sales need, ±50 %.
  await run(
    'stock',
    `WITH s AS (
       INSERT INTO stock_snapshot (location_id, counted_at, report_id, line_count)
       SELECT id, $1::timestamptz, (SELECT max(id) FROM report), 0 FROM location WHERE kind = 'wholesaler_warehouse'
       RETURNING id)
     INSERT INTO stock_line (snapshot_id, package_id, batch, expiry, quantity, stock_level, owner_id)
     SELECT s.id, p.id, 'B1', '2027-06-30', round(d.per_day * 90 / 5 * (0.5 + random())), 1, p.company_id
     FROM s CROSS JOIN package p JOIN bench_demand d ON d.id = p.id`,
    [`${TODAY}T06:00:00Z`],
  );
  await client.query(`DROP TABLE bench_demand, bench_share`);
  await client.query(`SET session_replication_role = origin`);
  await run('analyze', 'ANALYZE');
  await client.query(`CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value text NOT NULL)`);
  await client.query(
    `INSERT INTO bench_meta VALUES ('params', $1) ON CONFLICT (key) DO UPDATE SET value = $1`,
    [META],
  );
  await client.end();
}

// The engine --------------------------------------------------------------------------------------

interface Answer {
  /** company|package -> volume */
  volumes: Map<string, number>;
  /** company|package of the obligations the owned stock falls short of. */
  below: Set<string>;
}

/**
 * Supervision as the server runs it after a refresh: recordSupervision (the obligations in force that
 * day against the stock each company owns, ownedStockTotals), stored in supervision_day.
 */
async function engineSupervise(store: Store): Promise<Answer> {
  const rows = await recordSupervision(store.db, TODAY);
  const volumes = new Map<string, number>();
  const below = new Set<string>();
  for (const r of rows) {
    const key = `${r.companyId}|${r.packageId}`;
    volumes.set(key, r.volume);
    if (r.status === 'below') below.add(key);
  }
  return { volumes, below };
}

// The naive SQL -----------------------------------------------------------------------------------

/**
 * The same answer from the raw rows: the list in force matched in SQL, sales day by day with a NOT
 * EXISTS per location row (a region-level row of the same package, region and channel covering the
 * day displaces it), the seller per day from package_version, the volume rounded up, exemptions,
 * and the whole current_stock_by_owner view for the owned stock.
 */
async function naive(client: pg.Client): Promise<Answer> {
  const from = '2024-10-01';
  const to = '2025-09-30';
  const result = await client.query<{
    company_id: string;
    package_id: string;
    basis: string;
    exempt: boolean;
    owned: string | null;
  }>(
    `WITH list AS (
       SELECT id FROM product_list WHERE code = 'sos-prioritised' AND valid_from <= $3::date
         AND (valid_to IS NULL OR valid_to >= $3::date) ORDER BY valid_from DESC, id DESC LIMIT 1),
     listed AS (
       SELECT DISTINCT p.id, p.parallel_traded OR p.licence AS exempt
       FROM package p JOIN medicine m ON m.id = p.medicine_id
       JOIN product_list_item i ON i.list_id = (SELECT id FROM list)
         AND upper(replace(m.atc_code, ' ', '')) LIKE upper(replace(i.atc_code, ' ', '')) || '%'
         AND lower(m.substance) = lower(i.substance)
         AND (i.form IS NULL OR lower(m.form) = lower(i.form) OR lower(m.form) LIKE lower(i.form) || ',%')
       WHERE m.species = 'human' AND p.kind = 'medicine'),
     days AS (
       SELECT s.package_id, s.region_code, s.channel, s.location_id, (s.period_start + g.i) AS day,
              s.quantity / s.period_days AS q
       FROM sales s JOIN listed l ON l.id = s.package_id
       CROSS JOIN LATERAL generate_series(0, s.period_days - 1) AS g(i)
       WHERE s.period_start >= $1::date - 6 AND s.period_start <= $2::date),
     counted AS (
       SELECT d.* FROM days d
       WHERE d.day BETWEEN $1::date AND $2::date
         AND (d.location_id IS NULL OR NOT EXISTS (
           SELECT 1 FROM sales r WHERE r.package_id = d.package_id AND r.region_code = d.region_code
             AND r.channel = d.channel AND r.location_id IS NULL
             AND r.period_start BETWEEN d.day - 6 AND d.day AND d.day <= r.period_start + r.period_days - 1))),
     basis AS (
       SELECT coalesce(v.seller_id, p.company_id) AS company_id, c.package_id, sum(c.q) AS basis
       FROM counted c JOIN package p ON p.id = c.package_id
       LEFT JOIN package_version v ON v.package_id = c.package_id
         AND (v.valid_from IS NULL OR v.valid_from <= c.day) AND (v.valid_to IS NULL OR c.day < v.valid_to)
       GROUP BY 1, 2),
     owned AS (SELECT owner_id, package_id, sum(quantity) AS quantity FROM current_stock_by_owner GROUP BY 1, 2)
     SELECT b.company_id, b.package_id, b.basis, l.exempt, o.quantity AS owned
     FROM basis b JOIN listed l ON l.id = b.package_id
     LEFT JOIN owned o ON o.owner_id = b.company_id AND o.package_id = b.package_id`,
    [from, to, PARAMS.cutoff],
  );
  const volumes = new Map<string, number>();
  const below = new Set<string>();
  for (const r of result.rows) {
    const key = `${r.company_id}|${r.package_id}`;
    const volume = r.exempt ? 0 : obligationVolume(Math.round(Number(r.basis) * 1e6) / 1e6, PARAMS.months);
    volumes.set(key, volume);
    if (volume > 0 && Number(r.owned ?? 0) < volume) below.add(key);
  }
  return { volumes, below };
}

/** Differences between the two answers (lines with sales; the engine also lists cut-off sellers without). */
function compare(engine: Answer, plain: Answer): string[] {
  const out: string[] = [];
  // Supervision leaves out the exempt lines (volume 0: nothing to hold); the naive SQL lists them.
  for (const [key, v] of plain.volumes)
    if ((engine.volumes.get(key) ?? 0) !== v)
      out.push(`${key}: engine ${engine.volumes.get(key)}, naive ${v}`);
  for (const [key, v] of engine.volumes)
    if (!plain.volumes.has(key) && v !== 0) out.push(`${key}: engine ${v}, naive none`);
  for (const key of plain.below) if (!engine.below.has(key)) out.push(`${key}: below only by the naive SQL`);
  for (const key of engine.below) if (!plain.below.has(key)) out.push(`${key}: below only by the engine`);
  return out;
}

// Run ---------------------------------------------------------------------------------------------

async function main() {
  const { url, fresh } = await ensureDatabase();
  if (fresh) {
    log(`generating scale ${SCALE} into ${DB_NAME}`);
    await generate(url);
  }
  const storeUrl = FROM_LAGESBILD ? await ownSchemaIn(url) : url;
  const store = await openStore({ databaseUrl: storeUrl });
  if (!FROM_LAGESBILD) await migrateToLatest(store.db);
  const client = new pg.Client({ connectionString: storeUrl });
  await client.connect();
  try {
    const counts = await client.query<{ sales: string; packages: string; listed: string }>(
      `SELECT (SELECT count(*) FROM sales WHERE period_start BETWEEN '2024-09-24' AND '2025-09-30') AS sales,
              (SELECT count(*) FROM package) AS packages,
              (SELECT count(*) FROM product_list_item) AS listed`,
    );
    const c = counts.rows[0]!;
    log(
      `${DB_NAME}: ${c.packages} packages, ${c.listed} list entries, ${c.sales} sales rows in the basis year`,
    );
    const lv = Number(
      (await client.query<{ id: string }>(`SELECT id FROM organisation WHERE code = 'LV'`)).rows[0]!.id,
    );
    const actor = { organisationId: lv, userId: null, tokenId: null };

    // A clean year: the obligation tables are the bench's own (TRUNCATE passes the append-only triggers).
    await client.query(
      `TRUNCATE obligation_decision_line, obligation_decision, obligation_revision, obligation_line,
                obligation_calculation, obligation_sales_month, supervision_day`,
    );
    const cold = await time(() => computeObligations(store.db, PARAMS, actor));
    log(`engine, cold (computes and keeps the monthly sales): ${seconds(cold.ms)}`);
    const lines = await client.query<{ n: string; companies: string; exempt: string }>(
      `SELECT count(*) AS n, count(DISTINCT company_id) AS companies, count(*) FILTER (WHERE exempt_reason IS NOT NULL) AS exempt
       FROM obligation_line WHERE calculation_id = $1`,
      [cold.result.id],
    );
    log(
      `  ${lines.rows[0]!.n} lines, ${lines.rows[0]!.companies} companies, ${lines.rows[0]!.exempt} exempt`,
    );

    // Item 10's critical path: the server keeps the closed months ahead after each refresh
    // (keepSalesMonthsAfterRefresh), so the first calculation of a year finds them kept. Forget them
    // again, keep them ahead as the server does (timed: the one-off work, off the critical path), then
    // time the first calculation.
    await client.query(`TRUNCATE obligation_sales_month`);
    const ahead = await time(() => keepSalesMonths(store.db, TODAY));
    log(
      `months kept ahead (the server, after a refresh): ${ahead.result.computed} package-months of ` +
        `${ahead.result.packages} listed packages (${ahead.result.from} … ${ahead.result.to}) in ${seconds(ahead.ms)}`,
    );
    const first = await time(() => computeObligations(store.db, PARAMS, actor));
    log(`engine, first calculation of the year with the months kept ahead: ${seconds(first.ms)}`);

    let calcId = first.result.id;
    const computeMs = await median(ROUNDS, async () => {
      calcId = (await computeObligations(store.db, PARAMS, actor)).id;
    });
    const publish = await time(() =>
      publishDecisions(store.db, { calculationId: calcId, reason: 'bench' }, actor),
    );
    log(`published ${publish.result.length} decisions in ${seconds(publish.ms)}`);
    let engineAnswer: Answer = { volumes: new Map(), below: new Set() };
    const superviseMs = await median(ROUNDS, async () => {
      engineAnswer = await engineSupervise(store);
    });
    const engineMs = computeMs + superviseMs;
    log(
      `engine, warm: compute ${seconds(computeMs)} + supervise ${seconds(superviseMs)} = ${seconds(engineMs)}`,
    );

    await client.query(`SET work_mem = '256MB'`);
    let naiveAnswer: Answer = { volumes: new Map(), below: new Set() };
    const naiveRuns: number[] = [];
    for (let i = 0; i < Math.max(1, Math.min(ROUNDS, 2)); i++) {
      const r = await time(() => naive(client));
      naiveRuns.push(r.ms);
      naiveAnswer = r.result;
    }
    const naiveMs = Math.min(...naiveRuns);
    log(`naive SQL over the raw rows: ${seconds(naiveMs)} (best of ${naiveRuns.length})`);
    const diff = compare(engineAnswer, naiveAnswer);
    log(
      `same answer: ${diff.length === 0 ? 'yes' : `NO, ${diff.length} differences, e.g. ${diff.slice(0, 3).join('; ')}`}` +
        ` (${naiveAnswer.volumes.size} obligations, ${naiveAnswer.below.size} below their volume that day)`,
    );
    log(
      `ratio naive ÷ engine (warm): ${(naiveMs / engineMs).toFixed(1)}× (target ≥ 20×); first calculation, months kept ahead: ` +
        `${(naiveMs / (first.ms + superviseMs)).toFixed(1)}×; cold (nothing kept): ${(naiveMs / (cold.ms + superviseMs)).toFixed(1)}×`,
    );

    const whatIfMs = await median(ROUNDS, () =>
      whatIf(store.db, { year: YEAR, cutoff: PARAMS.cutoff, months: [3, 6] }),
    );
    log(`what-if (3 and 6 months side by side): ${seconds(whatIfMs)}`);
  } finally {
    await client.end();
    if (FROM_LAGESBILD) {
      const drop = new pg.Client({ connectionString: url });
      await drop.connect();
      await drop.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
      await drop.end();
    }
    await store.close();
  }
}

await main();
