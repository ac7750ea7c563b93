import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSweden } from '../../data/generate.js';
import { writeNplExport, type NplExportCounts } from '../../data/npl.js';
import { importNpl, type NplImportReceipt } from '../../src/ingest/npl/import.service.js';
import { directorySource } from '../../src/ingest/npl/source.js';
import type { Store } from '../../src/store/database.js';
import { openPgliteForTest } from '../support/databases.js';

/** Synthetic Sweden's catalogue written as an NPL export and read back by the importer. */
describe('the synthetic catalogue as an NPL export', () => {
  const options = { scale: 0.1, seed: 7, today: '2025-02-03' };
  let dir: string;
  let store: Store;
  let written: NplExportCounts;
  let receipt: NplImportReceipt;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'npl-synthetic-'));
    written = await writeNplExport(dir, options);
    store = await openPgliteForTest();
    receipt = await importNpl(store, { source: await directorySource(dir), asOf: options.today });
  });
  afterAll(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('imports without problems or warnings: every code is in the written lexicons', () => {
    expect(receipt.warnings).toEqual([]);
    expect(receipt.summary).toMatchObject({ products: written.products, packages: written.packages });
  });

  it('carries every package with its flags, species, seller and size as the generator made it', async () => {
    const sweden = generateSweden(options);
    const medicines = new Map(sweden.medicines.map((m) => [m.id, m]));
    const orgs = new Map(sweden.organisations.map((o) => [o.id, o]));
    const expected = sweden.packages
      .map((p) => ({
        npl_pack_id: p.npl_pack_id,
        parallel_traded: p.parallel_traded,
        licence: p.licence,
        species: medicines.get(p.medicine_id)!.species,
        atc_code: medicines.get(p.medicine_id)!.atc_code,
        seller: orgs.get(p.company_id)!.name,
        pack_size: p.pack_size,
        description: p.description,
      }))
      .sort((a, b) => a.npl_pack_id.localeCompare(b.npl_pack_id));
    const stored = await store.db
      .selectFrom('package as p')
      .innerJoin('medicine as m', 'm.id', 'p.medicine_id')
      .innerJoin('organisation as o', 'o.id', 'p.company_id')
      .select([
        'p.npl_pack_id',
        'p.parallel_traded',
        'p.licence',
        'm.species',
        'm.atc_code',
        'o.name as seller',
        'p.pack_size',
        'p.description',
      ])
      .orderBy('p.npl_pack_id')
      .execute();
    expect(stored).toEqual(expected);
    expect(stored.filter((p) => p.parallel_traded).length).toBeGreaterThan(0);
    expect(stored.filter((p) => p.licence).length).toBeGreaterThan(0);
    expect(stored.filter((p) => p.species === 'veterinary').length).toBeGreaterThan(0);
  });
});
