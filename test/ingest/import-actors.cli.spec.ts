import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { openStore } from '../../src/store/database.js';
import { buildMunicipality, buildRegion } from '../support/builders.js';
import { runCli } from '../support/cli.js';
import { migratedDataFolder } from '../support/databases.js';

/** `beredskap import organisations|locations FILE` against an embedded database in a temporary directory. */
describe('beredskap import organisations / locations', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'beredskap-import-'));
    await migratedDataFolder(join(dir, 'db'));
    const store = await openStore({ dataDir: join(dir, 'db') });
    for (const [code, name] of [
      ['01', 'Region Stockholm'],
      ['03', 'Region Uppsala'],
      ['04', 'Region Södermanland'],
      ['05', 'Region Östergötland'],
      ['12', 'Region Skåne'],
    ] as const)
      await buildRegion(store.db, { code, name });
    await buildMunicipality(store.db, '01', '0180', 'Stockholm');
    await buildMunicipality(store.db, '12', '1280', 'Malmö');
    await store.close();
    env = { ...process.env, BEREDSKAP_DATA_DIR: join(dir, 'db'), DATABASE_URL: '' };
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const cli = (...args: string[]) => runCli(env, ...args);

  it('has both registers under one import command', () => {
    const program = buildProgram();
    const imports = program.commands.filter((c) => c.name() === 'import');
    expect(imports).toHaveLength(1);
    expect(imports[0]!.commands.map((c) => c.name())).toEqual(
      expect.arrayContaining(['organisations', 'locations']),
    );
  });

  it('imports the example registers, prints the change report, and refuses a bad file with exit code 1', async () => {
    const orgs = await cli('import', 'organisations', 'docs/examples/organisations.csv');
    expect(orgs.code, orgs.stderr).toBe(0);
    expect(orgs.stdout).toMatch(
      /^Importerad: 10 organisationer ur organisations\.csv — ny 10, ändrad 0, oförändrad 0 \(granskningspost \d+\)/,
    );
    const locs = await cli('import', 'locations', 'docs/examples/locations.csv');
    expect(locs.code, locs.stderr).toBe(0);
    expect(locs.stdout).toMatch(/ny 3, ändrad 0, oförändrad 0, stängd 0, återöppnad 0/);

    const bad = join(dir, 'bad.csv');
    await writeFile(bad, 'code,name,kind,organisation,region\nSE-X,X,apotek,WHS-1,01\n');
    const refused = await cli('import', 'locations', bad);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("line 2: kind 'apotek' is not a location kind");
  }, 240_000);
});
