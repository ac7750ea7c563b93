import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/domain/access.js';
import { isAppError } from '../../src/domain/errors.js';
import type { Store } from '../../src/store/database.js';
import { findPrincipalByTokenHash } from '../../src/store/token.repository.js';
import { registerGenerateCommand } from '../../src/cli/generate.command.js';
import { writeSwedenFiles } from '../../data/files.js';
import { DEMO_PERSONAS, generateSweden } from '../../data/generate.js';
import { loadSweden, type LoadCounts, type LoadProgress } from '../../data/load.js';
import { describeEach, testBackends } from '../support/databases.js';

const OPTIONS = { scale: 0.02, seed: 3, today: '2025-02-03' };

async function countRows(store: Store, tables: readonly string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of tables) {
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(t)}`.execute(
      store.db,
    );
    out[t] = rows[0]?.n ?? -1;
  }
  return out;
}

describeEach(testBackends())('loadSweden on $name', (backend) => {
  let store: Store;
  let counts: LoadCounts;
  const phases = new Set<string>();

  beforeAll(async () => {
    store = await backend.open();
    counts = await loadSweden(store, OPTIONS, (p: LoadProgress) => phases.add(p.phase));
  }, 120_000);

  afterAll(async () => {
    await store.close();
  });

  it('loads a small Sweden with as many rows as were generated, reporting each phase', async () => {
    const data = generateSweden(OPTIONS);
    let sales = 0;
    for (const c of data.sales()) sales += c.rows.length;
    let lines = 0;
    for (const c of data.stockLines()) lines += c.rows.length;
    const expected = {
      region: 21,
      municipality: 290,
      organisation: data.organisations.length,
      location: data.locations.length,
      medicine: data.medicines.length,
      package: data.packages.length,
      product_list: 1,
      product_list_item: data.productListItems.length,
      app_user: DEMO_PERSONAS.length,
      api_token: DEMO_PERSONAS.length,
      report: 1,
      stock_snapshot: data.stockSnapshots.length,
      shortage_notice: data.shortageNotices.length,
      stock_line: lines,
      sales,
    };
    expect(counts).toEqual(expected);
    expect(await countRows(store, Object.keys(expected))).toEqual(expected);
    expect([...phases]).toEqual(['reference', 'stock', 'sales', 'indexes', 'checks']);
    const report = await store.db.selectFrom('report').selectAll().executeTakeFirstOrThrow();
    expect(report).toMatchObject({ kind: 'synthetic', format: 'generator', line_count: sales + lines });
    const snapshots = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM stock_snapshot s
      WHERE s.line_count <> (SELECT count(*) FROM stock_line l WHERE l.snapshot_id = s.id)`.execute(store.db);
    expect(snapshots.rows[0]?.n).toBe(0);
  });

  it('keeps the indexes of sales and stock lines after rebuilding them', async () => {
    const { rows } = await sql<{ indexname: string }>`
      SELECT indexname FROM pg_indexes WHERE tablename IN ('sales', 'stock_line') ORDER BY indexname`.execute(
      store.db,
    );
    expect(rows.map((r) => r.indexname)).toEqual(
      expect.arrayContaining([
        'sales_package_period_idx',
        'sales_region_period_idx',
        'stock_line_snapshot_package_idx',
      ]),
    );
  });

  it('moves the id sequences past the generated ids, so the next insert gets a fresh id', async () => {
    const max = await store.db
      .selectFrom('organisation')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirstOrThrow();
    const row = await store.db
      .insertInto('organisation')
      .values({ code: 'TEST-NEW', org_number: '000000-0001', name: 'Test', kind: 'other' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await store.db.deleteFrom('organisation').where('id', '=', row.id).execute();
    expect(row.id).toBe(Number(max.id) + 1);
  });

  it('refuses a second load with a conflict and changes nothing', async () => {
    const before = await countRows(store, [
      'region',
      'organisation',
      'package',
      'sales',
      'stock_line',
      'report',
    ]);
    const second = await loadSweden(store, { ...OPTIONS, seed: 4 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isAppError(second) && second.kind).toBe('conflict');
    expect(second instanceof Error && second.message).toMatch(/already has regions/);
    expect(await countRows(store, Object.keys(before))).toEqual(before);
  });

  it("stores the demo token 'demo-lv' as a coordinator at Läkemedelsverket", async () => {
    const principal = await findPrincipalByTokenHash(store.db, hashToken('demo-lv'), new Date());
    expect(principal).toMatchObject({
      organisationCode: 'LV',
      organisationKind: 'authority',
      role: 'coordinator',
    });
    const region = await findPrincipalByTokenHash(store.db, hashToken('demo-region-12'), new Date());
    expect(region).toMatchObject({ organisationCode: 'REG-12', regionCode: '12', role: 'reporter' });
  });

  it('keeps every sale and stock line pointing at rows that exist', async () => {
    const { rows } = await sql<{ orphans: number }>`
      SELECT (SELECT count(*) FROM sales s LEFT JOIN package p ON p.id = s.package_id WHERE p.id IS NULL)
           + (SELECT count(*) FROM sales s LEFT JOIN location l ON l.id = s.location_id
              WHERE s.location_id IS NOT NULL AND l.id IS NULL)
           + (SELECT count(*) FROM stock_line x LEFT JOIN stock_snapshot s ON s.id = x.snapshot_id WHERE s.id IS NULL)
           AS orphans`.execute(store.db);
    expect(Number(rows[0]?.orphans)).toBe(0);
  });
});

describe('loading next to the database’s own insert triggers', () => {
  it('keeps them firing, and the per-row foreign-key checks, when a trigger watches inserts into sales', async () => {
    const [backend] = testBackends();
    if (!backend) throw new Error('no backend');
    const store = await backend.open();
    try {
      await sql`
        CREATE TABLE sales_seen (n integer NOT NULL);
        CREATE FUNCTION note_sale() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN INSERT INTO sales_seen VALUES (1); RETURN NULL; END; $$;
        CREATE TRIGGER sales_noted AFTER INSERT ON sales FOR EACH STATEMENT EXECUTE FUNCTION note_sale();`.execute(
        store.db,
      );
      const counts = await loadSweden(store, OPTIONS);
      // One COPY statement per 200,000 rows: at this scale, one.
      const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM sales_seen`.execute(store.db);
      expect(rows[0]?.n).toBe(Math.ceil(counts.sales / 200_000));
    } finally {
      await store.close();
    }
  }, 60_000);
});

describe('refusing a database that is not empty', () => {
  it('refuses when another table already holds rows, naming it', async () => {
    const [backend] = testBackends();
    if (!backend) throw new Error('no backend');
    const store = await backend.open();
    try {
      await store.db
        .insertInto('organisation')
        .values({ code: 'X', org_number: '000000-0000', name: 'X', kind: 'other' })
        .execute();
      const error = await loadSweden(store, OPTIONS).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isAppError(error) && error.kind).toBe('conflict');
      expect(error instanceof Error && error.message).toMatch(/rows in organisation/);
      const regions = await store.db.selectFrom('region').select('code').execute();
      expect(regions).toEqual([]);
    } finally {
      await store.close();
    }
  });
});

describe('synthetic Sweden as CSV files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'beredskap-sweden-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes one file per table with a header, the same rows as the load', async () => {
    const counts = await writeSwedenFiles(dir, OPTIONS);
    const region = await readFile(join(dir, 'region.csv'), 'utf8');
    expect(region.split('\n')[0]).toBe('code,name,population,population_date,civil_area');
    expect(region).toContain('01,Region Stockholm,');
    const sales = (await readFile(join(dir, 'sales.csv'), 'utf8')).trimEnd().split('\n');
    expect(sales[0]).toBe(
      'period_start,period_days,region_code,location_id,package_id,quantity,age_band,sex,report_id,channel',
    );
    expect(sales.length - 1).toBe(counts.sales);
    const report = (await readFile(join(dir, 'report.csv'), 'utf8')).trimEnd().split('\n');
    expect(report[1]).toContain(`,${counts.sales + counts.stock_line},accepted,`);
  });

  it('runs as `generate --out DIR` and prints the counts', async () => {
    const lines: string[] = [];
    const program = new Command().exitOverride();
    registerGenerateCommand(program, { print: (l) => lines.push(l), progress: false, lang: 'en' });
    const out = join(dir, 'cli');
    await program.parseAsync(
      ['generate', '--scale', '0.02', '--seed', '3', '--today', '2025-02-03', '--out', out],
      {
        from: 'user',
      },
    );
    expect(lines[0]).toMatch(/^Synthetic Sweden \(scale 0\.02, seed 3, today 2025-02-03\) → CSV files in /);
    expect(lines.some((l) => /^\s+region\s+21$/.test(l))).toBe(true);
    expect((await readFile(join(out, 'municipality.csv'), 'utf8')).trimEnd().split('\n')).toHaveLength(291);
  });

  it('runs as `generate` into a database and refuses a bad scale', async () => {
    const lines: string[] = [];
    const program = new Command().exitOverride();
    registerGenerateCommand(program, {
      print: (l) => lines.push(l),
      progress: false,
      lang: 'en',
      storeOptions: () => ({ dataDir: 'memory://' }),
    });
    await program.parseAsync(['generate', '--scale', '0.02', '--today', '2025-02-03'], { from: 'user' });
    expect(lines[0]).toMatch(/→ PGlite in memory:\/\/ in /);
    expect(lines.at(-1)).toMatch(/demo-lv/);
    await expect(program.parseAsync(['generate', '--scale', 'many'], { from: 'user' })).rejects.toThrow(
      "--scale must be a number, got 'many'",
    );
  });
});
