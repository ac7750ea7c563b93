import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/database.js';
import { seedMinimal } from '../support/seed.js';
import { runCli } from '../support/cli.js';
import { migratedDataFolder } from '../support/databases.js';

/** `beredskap ingest FILE --org CODE` against an embedded database in a temporary directory. */
describe('beredskap ingest', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'beredskap-cli-'));
    await migratedDataFolder(dir);
    const store = await openStore({ dataDir: dir });
    await seedMinimal(store.db);
    await store.close();
    // Swedish, the CLI's language when LANG is not English (src/cli/messages.ts).
    env = { ...process.env, BEREDSKAP_DATA_DIR: dir, DATABASE_URL: '', LANG: 'C.UTF-8', LC_ALL: '' };
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const cli = (...args: string[]) => runCli(env, ...args);

  it('sends a file as an organisation, shows progress and prints the receipt; a resend gets the same receipt', async () => {
    const first = await cli(
      'ingest',
      'docs/examples/stock-snapshot.csv',
      '--org',
      'APO',
      '--kind',
      'stock-snapshot',
    );
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^Mottagen: rapport 1 \(stock_snapshot, csv\) — /);
    expect(first.stdout).toMatch(/platser 2/);
    expect(first.stdout).toMatch(/rader 5, sha256 [0-9a-f]{64}/);
    expect(first.stderr).toMatch(/Läser stock-snapshot\.csv \(kB\)\s+1\/1/);
    const again = await cli(
      'ingest',
      'docs/examples/stock-snapshot.csv',
      '--org',
      'APO',
      '--kind',
      'stock_snapshot',
      '--json',
    );
    expect(JSON.parse(again.stdout)).toMatchObject({ id: 1, replayed: true, lineCount: 5 });
  });

  it('takes the kind from a FHIR document and the format from its content', async () => {
    const res = await cli('ingest', 'docs/examples/stock-snapshot.fhir.json', '--org', 'APO', '--json');
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({
      kind: 'stock_snapshot',
      format: 'fhir',
      fileName: 'stock-snapshot.fhir.json',
    });
  });

  it('applies the same rules as the API: another organisation may not report for these locations', async () => {
    const res = await cli(
      'ingest',
      'docs/examples/stock-snapshot.csv',
      '--org',
      'WHS',
      '--kind',
      'stock_snapshot',
    );
    expect(res.code).toBe(1);
    // One language (issue 10 item 6): Swedish by default under LANG=C.UTF-8, problems from the catalogue.
    expect(res.stderr).toContain('rapporten avvisades; inget av den sparades. Fel:');
    expect(res.stderr).toContain(
      'rad 2: platsen SE-APO-0001 tillhör inte WHS (väntat: en plats som WHS äger)',
    );
    expect(res.stderr).not.toMatch(/line 2|location owned/);
    const english = await runCli(
      { ...env, LANG: 'C.UTF-8' },
      'ingest',
      'docs/examples/stock-snapshot.csv',
      '--org',
      'WHS',
      '--kind',
      'stock_snapshot',
      '--lang',
      'en',
    );
    expect(english.stderr).toContain('the report was refused; nothing of it was stored. Problems:');
    expect(english.stderr).toContain(
      "line 2: location SE-APO-0001 is not one of WHS's locations (expected: a location owned by WHS)",
    );
    expect(english.stderr).not.toMatch(/väntat|rad 2/);
  });

  it('says what is wrong with the command itself', async () => {
    expect(
      (await cli('ingest', 'docs/examples/stock-snapshot.csv', '--org', 'NOPE', '--kind', 'stock_snapshot'))
        .stderr,
    ).toMatch(/organisationen NOPE är okänd/);
    expect(
      (await cli('ingest', 'docs/examples/stock-snapshot.csv', '--org', 'APO', '--kind', 'stock')).stderr,
    ).toMatch(/--kind 'stock' är inte någon av/);
    expect((await cli('ingest', 'docs/examples/stock-snapshot.csv', '--org', 'APO')).stderr).toMatch(
      /rapportens slag är inte angivet \(och innehållet säger det inte\) \(väntat: någon av stock_snapshot/,
    );
  });

  it('brings the situational picture up to date after a report, once a picture exists', async () => {
    const refreshed = await cli('picture', 'refresh');
    expect(refreshed.code, refreshed.stderr).toBe(0);
    expect(refreshed.stdout).toMatch(
      /^lägesbilden helt uppdaterad för \d{4}-\d\d-\d\d \(första uppdateringen\)/,
    );
    const before = await pictureStock();

    const sent = await cli(
      'ingest',
      'docs/examples/stock-difference.csv',
      '--org',
      'APO',
      '--kind',
      'stock-difference',
    );
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stderr).toMatch(/lägesbild: incremental refresh for \d{4}-\d\d-\d\d, \d+ packages/);
    // The example moves SE-APO-0001's paracetamol by -15 and +50.
    expect(await pictureStock()).toBe(before + 35);

    const quiet = await cli(
      'ingest',
      'docs/examples/sales.csv',
      '--org',
      'APO',
      '--kind',
      'sales',
      '--no-picture',
    );
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).not.toMatch(/lägesbild/);
  });

  it('rebuilds the stock history of the last days from the snapshots, and refuses a day count that is none', async () => {
    // The example snapshot was counted on 2026-03-01: the two days before the 4th hold its stock.
    const rebuilt = await cli('picture', 'history', '--days', '2', '--today', '2026-03-04');
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect(rebuilt.stdout).toMatch(/lagerhistoriken återskapad för de 2 dagarna före 2026-03-04/);
    const store = await openStore({ dataDir: dir });
    try {
      const days = await store.db
        .selectFrom('picture_stock_history')
        .select('on_date')
        .distinct()
        .where('on_date', '>=', '2026-03-01')
        .where('on_date', '<', '2026-03-04')
        .orderBy('on_date')
        .execute();
      expect(days.map((d) => d.on_date)).toEqual(['2026-03-02', '2026-03-03']);
    } finally {
      await store.close();
    }
    expect((await cli('picture', 'history', '--days', '0')).stderr).toMatch(
      /--days 0: väntat ett heltal dagar från 1 till 3660/,
    );
  });

  /** National stock of paracetamol (seed package 20000000000011) in the picture's aggregates. */
  async function pictureStock(): Promise<number> {
    const store = await openStore({ dataDir: dir });
    try {
      const row = await store.db
        .selectFrom('picture_stock as s')
        .innerJoin('package as p', 'p.id', 's.package_id')
        .select((eb) => eb.fn.sum<number>('s.total').as('total'))
        .where('p.npl_pack_id', '=', '20000000000011')
        .where('s.area_code', '=', 'SE')
        .executeTakeFirstOrThrow();
      return Number(row.total ?? 0);
    } finally {
      await store.close();
    }
  }
});
