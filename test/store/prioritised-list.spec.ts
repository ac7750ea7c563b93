import ExcelJS from 'exceljs';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors.js';
import { importPrioritisedList, PRIORITISED_LIST } from '../../src/ingest/prioritised-list.js';
import type { Store } from '../../src/store/database.js';
import { listInForce, masterDb } from '../../src/store/master-data.repository.js';
import { prioritisedEntries } from '../../src/store/picture/products.js';
import { buildOrganisation } from '../support/builders.js';
import { describeEach, testBackends } from '../support/databases.js';

/** The list as Socialstyrelsen's spreadsheet reads when saved as CSV from Excel: semicolons, a BOM. */
const V2023 = [
  '\uFEFFSubstans;ATC-kod;Beredningsform;Vårdområde;Kommentar',
  'noradrenalin;C01CA03;infusionskoncentrat;intensivvård;',
  'propofol;N01AX10;injektionsvätska, emulsion;operation och anestesi;',
  'bensylpenicillin;J01CE01;;infektionsvård;',
].join('\r\n');
const V2026 = [
  'Substans;ATC-kod;Beredningsform;Vårdområde',
  'noradrenalin;C01CA03;infusionskoncentrat;intensivvård',
  'adrenalin;C01CA24;injektionsvätska, lösning;akutsjukvård',
].join('\n');

const enc = (s: string) => new TextEncoder().encode(s);
const NOW = new Date('2026-01-10T09:00:00+01:00');

describeEach(testBackends())('prioritised list import on $name', (backend) => {
  let store: Store;
  beforeEach(async () => {
    store = await backend.open();
    await buildOrganisation(store.db, {
      code: 'SOS',
      kind: 'authority',
      authority: 'sos',
      name: 'Socialstyrelsen',
    });
  });
  afterEach(async () => {
    await store.close();
  });

  const load = (
    body: string | Uint8Array,
    validFrom: string,
    over: { version?: string; fileName?: string } = {},
  ) =>
    importPrioritisedList(store, {
      fileName: over.fileName ?? 'lista.csv',
      body: typeof body === 'string' ? enc(body) : body,
      validFrom,
      version: over.version,
      now: NOW,
    });
  const substancesOn = async (date: string) =>
    (await prioritisedEntries(store.db, date)).map((e) => e.substance);

  it('stores a version with its entries, the first one dated back, read by the picture from its valid-from', async () => {
    const receipt = await load(V2023, '2023-05-12');
    expect(receipt).toMatchObject({
      version: '2023-05-12',
      validFrom: '2023-05-12',
      entries: 3,
      replayed: false,
    });
    expect(await substancesOn('2023-05-11')).toEqual([]);
    expect(await substancesOn('2024-01-01')).toEqual(['noradrenalin', 'propofol', 'bensylpenicillin']);
    const inForce = await listInForce(store.db, PRIORITISED_LIST.code, '2024-01-01');
    expect(inForce?.items.map((i) => [i.atc_code, i.form, i.care_area])).toEqual([
      ['C01CA03', 'infusionskoncentrat', 'intensivvård'],
      ['N01AX10', 'injektionsvätska, emulsion', 'operation och anestesi'],
      ['J01CE01', null, 'infektionsvård'],
    ]);
  });

  it('a new version takes over on its date; every past date reads what it read before', async () => {
    await load(V2023, '2023-05-12');
    const before = await substancesOn('2025-12-31');
    const receipt = await load(V2026, '2026-01-10');
    expect(receipt.previous).toEqual({ version: '2023-05-12', validTo: '2026-01-09' });
    expect(await substancesOn('2025-12-31')).toEqual(before);
    expect(await substancesOn('2026-01-09')).toEqual(['noradrenalin', 'propofol', 'bensylpenicillin']);
    expect(await substancesOn('2026-01-10')).toEqual(['noradrenalin', 'adrenalin']);
    expect(await substancesOn('2027-06-01')).toEqual(['noradrenalin', 'adrenalin']);
  });

  it('refuses a version that would change a past date, and changes nothing', async () => {
    await load(V2023, '2023-05-12');
    const refused = (await load(V2026, '2025-06-01').catch((e: unknown) => e)) as AppError;
    expect(refused).toBeInstanceOf(AppError);
    expect(refused.kind).toBe('conflict');
    expect(refused.problems).toEqual([
      expect.objectContaining({ field: 'validFrom', value: '2025-06-01', expected: '2026-01-10 or later' }),
    ]);
    expect(await substancesOn('2025-12-31')).toEqual(['noradrenalin', 'propofol', 'bensylpenicillin']);
    const lists = await store.db.selectFrom('product_list').select(['version', 'valid_to']).execute();
    expect(lists).toEqual([{ version: '2023-05-12', valid_to: null }]);
    const log = await masterDb(store.db)
      .selectFrom('master_data_import')
      .select(['status'])
      .orderBy('id')
      .execute();
    expect(log.map((l) => l.status)).toEqual(['accepted', 'rejected']);
  });

  it('answers the same version again as a replay, and refuses it with other content', async () => {
    await load(V2023, '2023-05-12');
    expect((await load(V2023, '2023-05-12')).replayed).toBe(true);
    const other = (await load(V2026, '2023-05-12', { version: '2023-05-12' }).catch(
      (e: unknown) => e,
    )) as AppError;
    expect(other.kind).toBe('conflict');
    expect(other.problems[0]).toMatchObject({ field: 'version', value: '2023-05-12' });
  });

  it('reads the list from an XLSX workbook', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Lista');
    sheet.addRow(['Substans', 'ATC-kod', 'Beredningsform', 'Vårdområde']);
    sheet.addRow(['oxytocin', 'H01BB02', 'injektionsvätska, lösning', 'förlossningsvård']);
    sheet.addRow(['morfin', 'N02AA01', null, 'akutsjukvård']);
    const body = new Uint8Array(await workbook.xlsx.writeBuffer());
    const receipt = await load(body, '2023-05-12', { fileName: 'lista.xlsx' });
    expect(receipt.entries).toBe(2);
    expect(await substancesOn('2024-01-01')).toEqual(['oxytocin', 'morfin']);
  });

  it('refuses a file with a bad ATC code or without its columns, naming line, column and what was expected', async () => {
    const bad = (await load(
      'Substans;ATC-kod\nnoradrenalin;C01CA03\npropofol;N01-AX10\n',
      '2023-05-12',
    ).catch((e: unknown) => e)) as AppError;
    expect(bad.kind).toBe('invalid');
    expect(bad.problems).toEqual([
      {
        at: 3,
        field: 'ATC-kod',
        value: 'N01-AX10',
        expected: "an ATC code, e.g. 'J01CA04' (or a group such as 'J01')",
        message: "lista.csv line 3: ATC-kod 'N01-AX10' is not an ATC code",
      },
    ]);
    const noColumn = (await load('Namn;Kod\nx;y\n', '2023-05-12').catch((e: unknown) => e)) as AppError;
    expect(noColumn.problems.map((p) => p.message)).toEqual([
      "lista.csv line 1: the header has no 'Substans' column",
      "lista.csv line 1: the header has no 'ATC-kod' column",
    ]);
    expect(await store.db.selectFrom('product_list').selectAll().execute()).toEqual([]);
  });
});
