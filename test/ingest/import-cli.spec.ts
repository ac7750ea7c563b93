import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/database.js';
import { buildOrganisation } from '../support/builders.js';
import { runCli } from '../support/cli.js';
import { migratedDataFolder } from '../support/databases.js';

/** `beredskap import npl DIR` and `beredskap import list FILE` against an embedded database. */
describe('beredskap import', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'beredskap-import-'));
    await migratedDataFolder(join(dir, 'db'));
    const store = await openStore({ dataDir: join(dir, 'db') });
    await buildOrganisation(store.db, {
      code: 'SOS',
      kind: 'authority',
      authority: 'sos',
      name: 'Socialstyrelsen',
    });
    await store.close();
    env = { ...process.env, BEREDSKAP_DATA_DIR: join(dir, 'db'), DATABASE_URL: '' };
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const cli = (...args: string[]) => runCli(env, ...args);

  it('imports an NPL export directory in one command, with progress and the change summary', async () => {
    const res = await cli('import', 'npl', 'test/fixtures/npl', '--as-of', '2025-02-21');
    expect(res.code, res.stderr).toBe(0);
    // On a pipe the progress is one line per finished phase.
    expect(res.stderr).toMatch(/Läser NPL-filer\s+10\/10 \(/);
    expect(res.stderr).toMatch(/Skriver registret\s+4\/4 \(/);
    expect(res.stdout).toMatch(
      /^Importerad: NPL-export 1 per 2025-02-21 \(totalfil\) — 6 produkter, 7 förpackningar/,
    );
    expect(res.stdout).toMatch(/tillagda 7, ändrade 0, oförändrade 0, avregistrerade 0/);
    expect(res.stdout).toMatch(/varning: lexicon organization .* has no entry ID1322285407025599/);

    const again = await cli('import', 'npl', 'test/fixtures/npl', '--as-of', '2025-02-22', '--json');
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ summary: { added: 0, changed: 0, unchanged: 7 } });
  });

  it('imports a version of the prioritised list, and refuses a bad file with line and column', async () => {
    const good = join(dir, 'lista.csv');
    await writeFile(
      good,
      'Substans;ATC-kod;Beredningsform;Vårdområde\nnoradrenalin;C01CA03;infusionskoncentrat;intensivvård\n',
    );
    const res = await cli('import', 'list', good, '--valid-from', '2023-05-12');
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(
      /^Importerad: prioriteringslistan version 2023-05-12, gäller från 2023-05-12 — 1 poster/,
    );

    const bad = join(dir, 'fel.csv');
    await writeFile(bad, 'Substans;ATC-kod\nnoradrenalin;C01-CA03\n');
    const refused = await cli('import', 'list', bad, '--valid-from', '2030-01-01');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/the list fel\.csv was refused with 1 problem; nothing of it was stored/);
    expect(refused.stderr).toMatch(
      /fel\.csv line 2: ATC-kod 'C01-CA03' is not an ATC code \(väntat: an ATC code/,
    );
  });
});
