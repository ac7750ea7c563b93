import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerGenerateCommand } from '../../src/cli/generate.command.js';
import { openStore } from '../../src/store/database.js';
import { runCli, type CliResult } from '../support/cli.js';
import { seedMinimal } from '../support/seed.js';
import { migratedDataFolder } from '../support/databases.js';

/**
 * Issue 10 item 6: the CLI speaks one language per run (src/cli/messages.ts): `--lang sv|en`, else
 * English under an en_* LANG and Swedish otherwise. Each run below prints only in its language:
 * headings, receipts, report problems and the command's own errors.
 */
describe('beredskap speaks one language per run', () => {
  let dir: string;
  let base: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'beredskap-lang-'));
    await migratedDataFolder(dir);
    const store = await openStore({ dataDir: dir });
    await seedMinimal(store.db);
    await store.close();
    base = { ...process.env, BEREDSKAP_DATA_DIR: dir, DATABASE_URL: '', LC_ALL: '' };
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const all = (r: CliResult) => `${r.stdout}\n${r.stderr}`;
  /** APO's example stock difference, accepted the first time and a duplicate after. */
  const INGEST_DIFFERENCE = [
    'ingest',
    'docs/examples/stock-difference.csv',
    '--org',
    'APO',
    '--kind',
    'stock_difference',
    '--no-picture',
  ];
  /** The example sales file sent by `org` (whose locations it does not name). */
  const ingestSales = (org: string) => ['ingest', 'docs/examples/sales.csv', '--org', org, '--kind', 'sales'];
  /** Words only the English texts use, and words only the Swedish ones use. */
  const ENGLISH =
    /\b(Accepted|lines|received|refused|expected|is unknown|refresh for|locations|audit chain)\b/i;
  const SWEDISH =
    /\b(Mottagen|rader|mottagen|avvisades|väntat|är okänd|uppdaterad|platser|Granskningskedjan)\b/;

  it('in Swedish (LANG=sv_SE.UTF-8, or C.UTF-8 on a server): receipt, problems, errors, picture, audit', async () => {
    const env = { ...base, LANG: 'C.UTF-8' };
    const accepted = await runCli(env, ...INGEST_DIFFERENCE);
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(accepted.stdout).toMatch(
      /^Mottagen: rapport \d+ \(stock_difference, csv\) — rader 3, platser 1\n {2}rader 3,/,
    );
    const refused = await runCli({ ...base, LANG: 'sv_SE.UTF-8' }, ...ingestSales('WHS'));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('beredskap: rapporten avvisades; inget av den sparades. Fel:');
    expect(refused.stderr).toContain(
      'rad 2: platsen SE-APO-0001 tillhör inte WHS (väntat: en plats som WHS äger)',
    );
    const unknown = await runCli(env, ...ingestSales('NOPE'));
    expect(unknown.stderr).toBe('beredskap: organisationen NOPE är okänd\n');
    const picture = await runCli(env, 'picture', 'refresh');
    expect(picture.stdout).toMatch(
      /^lägesbilden helt uppdaterad för \d{4}-\d\d-\d\d \(första uppdateringen\): \d+ förpackningar på/,
    );
    const audit = await runCli(env, 'audit', 'verify');
    expect(audit.stdout).toMatch(/^Granskningskedjan håller: \d+ poster, huvud [0-9a-f]{64}\n$/);
    for (const r of [accepted, refused, unknown, picture, audit]) expect(all(r)).not.toMatch(ENGLISH);
  }, 120_000);

  it('in English (LANG=en_GB.UTF-8, or --lang en anywhere on the line): the same runs', async () => {
    const env = { ...base, LANG: 'en_GB.UTF-8' };
    const accepted = await runCli(env, ...INGEST_DIFFERENCE);
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(accepted.stdout).toMatch(
      /^Already received: report \d+ \(stock_difference, csv\) — lines 3, locations 1\n {2}lines 3,/,
    );
    expect(accepted.stdout).toContain('The same report was received before; nothing was counted twice.');
    // --lang wins over LANG, before or after the command's name.
    const refused = await runCli({ ...base, LANG: 'sv_SE.UTF-8' }, ...ingestSales('WHS'), '--lang', 'en');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'beredskap: the report was refused; nothing of it was stored. Problems:',
    );
    expect(refused.stderr).toContain(
      "line 2: location SE-APO-0001 is not one of WHS's locations (expected: a location owned by WHS)",
    );
    const unknown = await runCli({ ...base, LANG: 'C.UTF-8' }, '--lang', 'en', ...ingestSales('NOPE'));
    expect(unknown.stderr).toBe('beredskap: organisation NOPE is unknown\n');
    const picture = await runCli(env, 'picture', 'refresh', '--full');
    expect(picture.stdout).toMatch(
      /^picture full refresh for \d{4}-\d\d-\d\d \(asked for\): \d+ packages in/,
    );
    // The test seed already holds LV, …: the register refuses the file, and says so in English.
    const imported = await runCli(env, 'import', 'organisations', 'docs/examples/organisations.csv');
    expect(imported.code).toBe(1);
    expect(imported.stderr).toMatch(
      /^beredskap: the organisations file organisations\.csv was refused with \d+ problems; nothing of it was stored/,
    );
    expect(imported.stderr).toContain('line 2: code LV belongs to organisation');
    const audit = await runCli(env, 'audit', 'verify');
    expect(audit.stdout).toMatch(/^Audit chain intact: \d+ entries, head [0-9a-f]{64}\n$/);
    for (const r of [accepted, refused, unknown, picture, imported, audit])
      expect(all(r)).not.toMatch(SWEDISH);
  }, 120_000);

  it('generate says what is wrong with its flags in the run language', async () => {
    for (const [lang, text] of [
      ['sv', "--scale måste vara ett tal, fick 'many'"],
      ['en', "--scale must be a number, got 'many'"],
    ] as const) {
      const program = new Command().exitOverride();
      registerGenerateCommand(program, { print: () => undefined, progress: false, lang });
      await expect(program.parseAsync(['generate', '--scale', 'many'], { from: 'user' })).rejects.toThrow(
        text,
      );
    }
  });

  it('refuses a language it does not speak, before doing anything', async () => {
    const res = await runCli({ ...base, LANG: 'C.UTF-8' }, '--lang', 'de', 'audit', 'verify');
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/--lang must be sv or en, got 'de'/);
    expect(res.stdout).toBe('');
  });
});
