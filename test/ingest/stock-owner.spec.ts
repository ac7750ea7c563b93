import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Store } from '../../src/store/database.js';
import { describeEach, testBackends } from '../support/databases.js';
import { seedMinimal } from '../support/seed.js';
import { ingest, refusal, reporterOf } from './helpers.js';

/*
 * Issue 9 item 4: whose stock a line is. The wholesaler WHS holds, at SE-WHS-0001, stock that belongs
 * to the company CO-A and stock a region (REG-01) contracted; a line without an owner is WHS's own.
 */

const HEADER = 'location,package,quantity,batch,expiry,stock_level,counted_at,owner';
const AT = '2026-03-01T06:00:00+01:00';

async function ownersOfReport(store: Store, reportId: number) {
  return store.db
    .selectFrom('stock_line as l')
    .innerJoin('stock_snapshot as s', 's.id', 'l.snapshot_id')
    .innerJoin('package as p', 'p.id', 'l.package_id')
    .leftJoin('organisation as o', 'o.id', 'l.owner_id')
    .select(['p.npl_pack_id as package', 'l.batch', 'l.quantity', 'o.code as owner'])
    .where('s.report_id', '=', reportId)
    .orderBy('p.npl_pack_id')
    .orderBy('l.batch')
    .orderBy('l.quantity')
    .execute();
}

describeEach(testBackends())('stock owners on $name', (backend) => {
  let store: Store;

  beforeAll(async () => {
    store = await backend.open();
    await seedMinimal(store.db);
  });
  afterAll(() => store.close());

  it('stores the owner a CSV line names (by code or organisation number); no owner is the holder’s own', async () => {
    const orgNumberOfRegion = (
      await store.db
        .selectFrom('organisation')
        .select('org_number')
        .where('code', '=', 'REG-01')
        .executeTakeFirstOrThrow()
    ).org_number;
    const csv = [
      HEADER,
      `SE-WHS-0001,20000000000011,100,B1,,1,${AT},CO-A`,
      `SE-WHS-0001,20000000000011,30,B1,,1,${AT},`,
      `SE-WHS-0001,20000000000028,20,A7,,1,${AT},${orgNumberOfRegion}`,
      `SE-WHS-0001,20000000000035,5,I1,,1,${AT},WHS`,
    ].join('\n');
    const receipt = await ingest(store, await reporterOf(store, 'WHS'), 'stock_snapshot', 'csv', csv);
    expect(receipt.summary).toEqual({ locations: 1, lines: 4 });
    expect(await ownersOfReport(store, receipt.id)).toEqual([
      { package: '20000000000011', batch: 'B1', quantity: 30, owner: null },
      { package: '20000000000011', batch: 'B1', quantity: 100, owner: 'CO-A' },
      { package: '20000000000028', batch: 'A7', quantity: 20, owner: 'REG-01' },
      // Naming the holder itself is the holder's own: stored as no owner.
      { package: '20000000000035', batch: 'I1', quantity: 5, owner: null },
    ]);
  });

  it('refuses a report whose owner is unknown, naming line and field, and stores nothing', async () => {
    const csv = [
      HEADER,
      `SE-WHS-0001,20000000000011,100,B1,,1,${AT},CO-A`,
      `SE-WHS-0001,20000000000028,20,A7,,1,${AT},NOPE`,
    ].join('\n');
    const before = await store.db
      .selectFrom('stock_line')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const e = await refusal(ingest(store, await reporterOf(store, 'WHS'), 'stock_snapshot', 'csv', csv));
    expect(e.problems).toEqual([
      {
        at: 3,
        field: 'owner',
        value: 'NOPE',
        expected: 'the code or organisation number of the organisation whose stock it is (empty: your own)',
        message: 'line 3: owner NOPE is unknown',
      },
    ]);
    const after = await store.db
      .selectFrom('stock_line')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('keeps the same batch for two owners apart, but refuses it twice for one owner', async () => {
    const ok = [
      HEADER,
      `SE-WHS-0001,20000000000011,7,B9,,1,${AT},CO-A`,
      `SE-WHS-0001,20000000000011,3,B9,,1,${AT},REG-01`,
    ].join('\n');
    const receipt = await ingest(store, await reporterOf(store, 'WHS'), 'stock_snapshot', 'csv', ok, {
      clientRef: 'two-owners',
    });
    expect(receipt.summary).toEqual({ locations: 1, lines: 2 });
    const twice = [
      HEADER,
      `SE-WHS-0001,20000000000011,7,B9,,1,${AT},CO-A`,
      `SE-WHS-0001,20000000000011,3,B9,,1,${AT},CO-A`,
    ].join('\n');
    const e = await refusal(ingest(store, await reporterOf(store, 'WHS'), 'stock_snapshot', 'csv', twice));
    expect(e.problems[0]).toMatchObject({ at: 3, field: 'package' });
  });

  it('reads the owner of a JSON line', async () => {
    const json = JSON.stringify({
      kind: 'stock_snapshot',
      countedAt: AT,
      lines: [
        { location: 'SE-WHS-0001', package: '20000000000011', quantity: 11, batch: 'J1', owner: 'CO-A' },
        { location: 'SE-WHS-0001', package: '20000000000028', quantity: 4, batch: 'J2' },
      ],
    });
    const receipt = await ingest(store, await reporterOf(store, 'WHS'), undefined, 'json', json);
    expect(await ownersOfReport(store, receipt.id)).toEqual([
      { package: '20000000000011', batch: 'J1', quantity: 11, owner: 'CO-A' },
      { package: '20000000000028', batch: 'J2', quantity: 4, owner: null },
    ]);
  });

  it('reads the owner of a FHIR item from its InventoryItem.responsibleOrganization (role owner)', async () => {
    const fhir = {
      resourceType: 'InventoryReport',
      contained: [
        {
          resourceType: 'InventoryItem',
          id: 'a',
          status: 'active',
          code: [
            { coding: [{ system: 'https://beredskap.se/fhir/sid/npl-pack-id', code: '20000000000011' }] },
          ],
          responsibleOrganization: [
            {
              role: {
                coding: [{ system: 'https://beredskap.se/fhir/CodeSystem/organisation-role', code: 'owner' }],
              },
              organization: {
                identifier: { system: 'https://beredskap.se/fhir/sid/organisation-code', value: 'CO-A' },
              },
            },
          ],
          instance: { lotNumber: 'F1' },
        },
      ],
      status: 'active',
      countType: 'snapshot',
      reportedDateTime: '2026-03-01T06:05:00+01:00',
      inventoryListing: [
        {
          location: {
            identifier: { system: 'https://beredskap.se/fhir/sid/location-code', value: 'SE-WHS-0001' },
          },
          countingDateTime: AT,
          item: [
            { quantity: { value: 12 }, item: { reference: { reference: '#a' } } },
            {
              quantity: { value: 2 },
              item: {
                concept: {
                  coding: [{ system: 'https://beredskap.se/fhir/sid/npl-pack-id', code: '20000000000028' }],
                },
              },
            },
          ],
        },
      ],
    };
    const receipt = await ingest(
      store,
      await reporterOf(store, 'WHS'),
      undefined,
      'fhir',
      JSON.stringify(fhir),
    );
    expect(await ownersOfReport(store, receipt.id)).toEqual([
      { package: '20000000000011', batch: 'F1', quantity: 12, owner: 'CO-A' },
      { package: '20000000000028', batch: null, quantity: 2, owner: null },
    ]);
    const unknown = JSON.parse(JSON.stringify(fhir)) as typeof fhir;
    unknown.contained[0]!.responsibleOrganization[0]!.organization.identifier.value = 'NOPE';
    const e = await refusal(
      ingest(store, await reporterOf(store, 'WHS'), undefined, 'fhir', JSON.stringify(unknown)),
    );
    expect(e.problems[0]).toMatchObject({
      at: '$.contained[0].responsibleOrganization[0].organization.identifier',
      message: '$.contained[0].responsibleOrganization[0].organization.identifier: owner NOPE is unknown',
    });
  });

  it('stores the owner of a stock difference line', async () => {
    const csv = [HEADER, `SE-WHS-0001,20000000000011,-4,B1,,1,2026-03-01T12:00:00+01:00,CO-A`].join('\n');
    const receipt = await ingest(store, await reporterOf(store, 'WHS'), 'stock_difference', 'csv', csv);
    const rows = await store.db
      .selectFrom('stock_difference_line as d')
      .innerJoin('organisation as o', 'o.id', 'd.owner_id')
      .select(['o.code', 'd.quantity'])
      .where('d.report_id', '=', receipt.id)
      .execute();
    expect(rows).toEqual([{ code: 'CO-A', quantity: -4 }]);
  });
});
