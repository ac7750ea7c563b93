import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeEach, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors.js';
import { importNpl } from '../../src/ingest/npl/import.service.js';
import { directorySource } from '../../src/ingest/npl/source.js';
import type { Store } from '../../src/store/database.js';
import { masterDb, packageHistory, packageOnDate } from '../../src/store/master-data.repository.js';
import {
  buildLocation,
  buildOrganisation,
  buildPackage,
  buildRegion,
  buildSales,
  buildStockSnapshot,
} from '../support/builders.js';
import { describeEach, testBackends } from '../support/databases.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/npl/', import.meta.url));
const dirs: string[] = [];

/** A copy of the fixture export (real and constructed records, constructed lexicons) to edit. */
async function exportCopy(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'npl-export-'));
  dirs.push(dir);
  await cp(FIXTURES, dir, { recursive: true });
  return dir;
}
async function edit(dir: string, file: string, change: (xml: string) => string): Promise<void> {
  const path = join(dir, file);
  await writeFile(path, change(await readFile(path, 'utf8')));
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const PARACETAMOL_20 = '99100000000011';
const PARALLEL = '99100000000029';
const VET = '99100000000037';
const MORPHINE = '99100000000045';
const CELECTOL = '20131105100082';

describeEach(testBackends())('NPL import on $name', (backend) => {
  let store: Store;
  beforeEach(async () => {
    store = await backend.open();
  });
  afterEach(async () => {
    await store.close();
  });

  const importDir = async (dir: string, asOf: string, mode?: 'total' | 'delta') =>
    importNpl(store, { source: await directorySource(dir), asOf, mode });

  const packageRow = (nplPackId: string) =>
    store.db
      .selectFrom('package as p')
      .innerJoin('medicine as m', 'm.id', 'p.medicine_id')
      .innerJoin('organisation as seller', 'seller.id', 'p.company_id')
      .innerJoin('organisation as holder', 'holder.id', 'm.company_id')
      .select([
        'p.id',
        'm.name',
        'm.species',
        'm.atc_code',
        'm.substance',
        'm.form',
        'p.pack_size',
        'p.pack_unit',
        'p.parallel_traded',
        'p.licence',
        'p.withdrawn_on',
        'seller.name as seller',
        'holder.name as holder',
      ])
      .select((eb) => eb.ref('p.kind').as('kind'))
      .where('p.npl_pack_id', '=', nplPackId)
      .executeTakeFirstOrThrow();
  const status = async (nplPackId: string) =>
    (
      await masterDb(store.db)
        .selectFrom('package')
        .select((eb) => eb.ref('market_status' as never).as('s'))
        .where('npl_pack_id', '=', nplPackId)
        .executeTakeFirstOrThrow()
    ).s as string;

  it('stores every product class with its flags, holder and seller, and logs and audits the import', async () => {
    const receipt = await importDir(FIXTURES, '2025-02-21');
    expect(receipt.summary).toMatchObject({ products: 6, packages: 7, added: 7, changed: 0, withdrawn: 0 });
    expect(await packageRow(CELECTOL)).toMatchObject({
      name: 'Celectol',
      licence: true,
      parallel_traded: false,
      species: 'human',
      form: 'Filmdragerad tablett',
      // The real record's organisation is not in the (constructed) lexicon: named by its NPL id for now.
      holder: 'ID1322285407025599',
      seller: 'ID1322285407025599',
      pack_size: 1,
      pack_unit: 'förp',
    });
    expect(await packageRow(PARALLEL)).toMatchObject({
      parallel_traded: true,
      licence: false,
      holder: 'Testfarma AB',
      seller: 'Parallellimport Test AB',
    });
    expect(await packageRow(VET)).toMatchObject({ species: 'veterinary', atc_code: 'QJ01CA04' });
    expect(await status('99100000000012')).toBe('sales_stopped');
    expect(await status(MORPHINE)).toBe('sales_stopped');
    expect(await status(PARACETAMOL_20)).toBe('marketed');

    const log = await masterDb(store.db).selectFrom('master_data_import').selectAll().execute();
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ register: 'npl', status: 'accepted', as_of: '2025-02-21', mode: 'total' });
    const audit = await store.db.selectFrom('audit_log').selectAll().execute();
    expect(audit).toMatchObject([
      { action: 'master-data.accepted', entity: 'master_data_import:npl', entity_id: String(receipt.id) },
    ]);
  });

  it('updates in place from a newer export, keeps history, and keeps a package with stock that the export drops', async () => {
    await buildRegion(store.db, { code: '01', name: 'Region Stockholm' });
    const pharmacyOperator = await buildOrganisation(store.db, { kind: 'pharmacy_operator' });
    const pharmacy = await buildLocation(store.db, pharmacyOperator, { regionCode: '01' });
    await importDir(FIXTURES, '2025-02-21');
    const morphine = await packageRow(MORPHINE);
    await buildStockSnapshot(store.db, pharmacy, [{ packageId: morphine.id, quantity: 5 }]);

    const newer = await exportCopy();
    await edit(newer, 'constructed/Productdata/99000000000011.xml', (x) =>
      x
        .replace('<mpa:pack-size>20</mpa:pack-size>', '<mpa:pack-size>24</mpa:pack-size>')
        .replace('20 tablett(er) blister', '24 tablett(er) blister'),
    );
    await rm(join(newer, 'constructed/Productdata/99000000000045.xml'));
    await rm(join(newer, 'constructed/Productdata/99000000000037.xml'));
    const receipt = await importDir(newer, '2025-03-01');

    expect(receipt.summary).toMatchObject({
      added: 0,
      changed: 1,
      unchanged: 4,
      withdrawn: 2,
      withdrawnWithStockOrSales: 1,
    });
    expect(receipt.changes.changed).toEqual([
      { nplPackId: PARACETAMOL_20, fields: ['packSize', 'description'] },
    ]);
    expect([...receipt.changes.withdrawn].sort((a, b) => a.nplPackId.localeCompare(b.nplPackId))).toEqual([
      { nplPackId: VET, stockOrSales: false },
      { nplPackId: MORPHINE, stockOrSales: true },
    ]);
    expect(receipt.warnings.map((w) => w.message)).toContainEqual(
      `1 packages no longer in the register still have stock or sales: they are kept and marked withdrawn (${MORPHINE})`,
    );

    // Updated in place: the same package row, its new size now.
    const paracetamol = await packageRow(PARACETAMOL_20);
    expect(paracetamol.pack_size).toBe(24);
    // Never deleted: both dropped packages stay, marked withdrawn on the export's date.
    expect(await status(MORPHINE)).toBe('withdrawn');
    expect((await packageRow(MORPHINE)).withdrawn_on).toBe('2025-03-01');
    expect(await status(VET)).toBe('withdrawn');

    // History: the old size on an old date, the new one from the newer export on.
    expect((await packageOnDate(store.db, PARACETAMOL_20, '2025-02-28'))?.packSize).toBe(20);
    expect((await packageOnDate(store.db, PARACETAMOL_20, '2025-03-01'))?.packSize).toBe(24);
    expect(await packageOnDate(store.db, PARACETAMOL_20, '2025-02-20')).toBeUndefined();
    expect((await packageOnDate(store.db, MORPHINE, '2025-02-28'))?.marketStatus).toBe('sales_stopped');
    expect((await packageOnDate(store.db, MORPHINE, '2025-03-01'))?.marketStatus).toBe('withdrawn');
    expect(
      (await packageHistory(store.db, PARACETAMOL_20)).map((v) => [v.validFrom, v.validTo, v.packSize]),
    ).toEqual([
      ['2025-02-21', '2025-03-01', 20],
      ['2025-03-01', null, 24],
    ]);
  });

  it('keeps what a package was before its first import as its first version', async () => {
    const company = await buildOrganisation(store.db, { kind: 'company', name: 'Gammal Ägare AB' });
    const before = await buildPackage(store.db, company, { nplPackId: PARALLEL, packSize: 50 });
    await importDir(FIXTURES, '2025-02-21');
    expect((await packageRow(PARALLEL)).id).toBe(before);
    const old = await packageOnDate(store.db, PARALLEL, '2024-12-31');
    expect(old).toMatchObject({
      validFrom: null,
      validTo: '2025-02-21',
      packSize: 50,
      parallelTraded: false,
      sellerId: company,
    });
    expect(await packageOnDate(store.db, PARALLEL, '2025-02-21')).toMatchObject({
      packSize: 100,
      parallelTraded: true,
    });
  });

  it('keeps a withdrawn package that has sales, too', async () => {
    await buildRegion(store.db, { code: '01', name: 'Region Stockholm' });
    const company = await buildOrganisation(store.db, { kind: 'company' });
    const sold = await buildPackage(store.db, company, { nplPackId: '99999999999990' });
    await buildSales(store.db, [
      { packageId: sold, regionCode: '01', periodStart: '2025-01-10', quantity: 3 },
    ]);
    const receipt = await importDir(FIXTURES, '2025-02-21');
    expect(receipt.changes.withdrawn).toEqual([{ nplPackId: '99999999999990', stockOrSales: true }]);
    expect(await status('99999999999990')).toBe('withdrawn');
  });

  it('changes nothing on the same export again, and nothing is withdrawn by a delta export', async () => {
    await importDir(FIXTURES, '2025-02-21');
    const versions = async () =>
      Number(
        (
          await masterDb(store.db)
            .selectFrom('package_version')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect(await versions()).toBe(7);
    const again = await importDir(FIXTURES, '2025-02-22');
    expect(again.summary).toMatchObject({ added: 0, changed: 0, unchanged: 7, withdrawn: 0 });
    expect(await versions()).toBe(7);

    const delta = await exportCopy();
    for (const f of ['99000000000029', '99000000000037', '99000000000045'])
      await rm(join(delta, `constructed/Productdata/${f}.xml`));
    await edit(delta, 'constructed/Productdata/99000000000011.xml', (x) =>
      x.replace(
        '<mpa:salesstopped v="N" lexicon="yesno-lx" />',
        '<mpa:salesstopped v="Y" lexicon="yesno-lx" />',
      ),
    );
    const receipt = await importDir(delta, '2025-03-01', 'delta');
    expect(receipt.summary).toMatchObject({ changed: 1, withdrawn: 0 });
    expect(await status(PARACETAMOL_20)).toBe('sales_stopped');
    expect(await status(VET)).toBe('marketed');
  });

  it('refuses a whole export for one bad file, stores nothing of it, and logs and audits the refusal', async () => {
    const bad = await exportCopy();
    await edit(bad, 'real/Productdata/10010101000035.xml', (x) =>
      x.replace('20131219100060', '2013121910006X'),
    );
    const refused = await importDir(bad, '2025-02-21').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    const error = refused as AppError;
    expect(error.kind).toBe('invalid');
    expect(error.message).toMatch(/^the NPL export .* was refused with 1 problem; nothing of it was stored/);
    expect(error.problems).toEqual([
      {
        at: 'real/Productdata/10010101000035.xml:51',
        field: '/npl:medprod/npl:packages/npl:package[1]/mpa:nplpackid',
        value: '2013121910006X',
        expected: '14 digits',
        message:
          "real/Productdata/10010101000035.xml line 51: NPL pack id '2013121910006X' of package 2013121910006X is not 14 digits",
      },
    ]);
    const count = async (table: 'package' | 'medicine') =>
      Number(
        (
          await store.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect(await count('package')).toBe(0);
    expect(await count('medicine')).toBe(0);
    const log = await masterDb(store.db).selectFrom('master_data_import').selectAll().execute();
    expect(log).toMatchObject([{ status: 'rejected', problem_count: 1 }]);
    const audit = await store.db.selectFrom('audit_log').select(['action']).execute();
    expect(audit).toEqual([{ action: 'master-data.rejected' }]);
  });

  it('refuses an export older than the last one imported', async () => {
    await importDir(FIXTURES, '2025-02-21');
    const refused = (await importDir(FIXTURES, '2025-01-31').catch((e: unknown) => e)) as AppError;
    expect(refused.problems[0]).toMatchObject({
      field: 'asOf',
      value: '2025-01-31',
      expected: '2025-02-21 or later',
    });
  });

  it('names an organisation when its lexicon arrives later', async () => {
    const noLexicon = await exportCopy();
    await rm(join(noLexicon, 'constructed/Lexicondata/organization.xml'));
    await importDir(noLexicon, '2025-02-21');
    expect((await packageRow(PARALLEL)).seller).toBe('IDTESTORG0000002');
    const receipt = await importDir(FIXTURES, '2025-02-22');
    // The three constructed organisations, named now; the two real ones are still in no lexicon.
    expect(receipt.summary).toMatchObject({ organisationsRenamed: 3, organisationsCreated: 0, changed: 0 });
    expect((await packageRow(PARALLEL)).seller).toBe('Parallellimport Test AB');
  });

  it('links an NPL organisation to the one company of the lexicon’s name', async () => {
    const djurfarma = await buildOrganisation(store.db, {
      kind: 'company',
      code: 'CO-DJ',
      name: 'Djurfarma Test AB',
    });
    const receipt = await importDir(FIXTURES, '2025-02-21');
    expect(receipt.summary.organisationsCreated).toBe(4);
    const vet = await store.db
      .selectFrom('package')
      .select('company_id')
      .where('npl_pack_id', '=', VET)
      .executeTakeFirstOrThrow();
    expect(vet.company_id).toBe(djurfarma);
  });
});
