import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Store } from '../../src/store/database.js';
import {
  activeNotices,
  countedSalesOfRegion,
  expectedDeliveries,
  salesOfLocation,
  salesOfRegion,
} from '../../src/store/report-facts.repository.js';
import { describeEach, testBackends } from '../support/databases.js';
import { seedMinimal, type MinimalSeed } from '../support/seed.js';
import { example, ingest, linesOfReport, reporterOf } from './helpers.js';

/** Every example file of docs/reports.md is ingested here, one test per format and kind. */
describeEach(testBackends())('report formats on $name', (backend) => {
  let store: Store;
  let seed: MinimalSeed;

  beforeAll(async () => {
    store = await backend.open();
    seed = await seedMinimal(store.db);
  });
  afterAll(() => store.close());

  it('takes in the CSV stock snapshot example: five lines at two locations, quoted batch, YYYY-MM expiry', async () => {
    const receipt = await ingest(
      store,
      await reporterOf(store, 'APO'),
      'stock_snapshot',
      'csv',
      example('stock-snapshot.csv'),
    );
    expect(receipt).toMatchObject({
      status: 'accepted',
      kind: 'stock_snapshot',
      format: 'csv',
      lineCount: 5,
      replayed: false,
    });
    expect(receipt.summary).toEqual({ locations: 2, lines: 5 });
    expect(receipt.contentSha256).toMatch(/^[0-9a-f]{64}$/);
    const lines = await linesOfReport(store, receipt.id);
    expect(lines).toHaveLength(5);
    expect(lines).toContainEqual(
      expect.objectContaining({
        location: 'SE-APO-0001',
        package: '20000000000011',
        quantity: 40,
        batch: 'B2026-201',
        expiry: '2027-09-30',
      }),
    );
    // package by GTIN and by varunummer; a batch with a comma inside quotes; stock level 2
    expect(lines).toContainEqual(
      expect.objectContaining({ package: '20000000000028', quantity: 35, batch: 'AMX-77' }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({ package: '20000000000035', batch: 'INS-5,A', stock_level: 2 }),
    );
    const apo2 = lines.find((l) => l.location === 'SE-APO-0002');
    expect(new Date(apo2!.counted_at).toISOString()).toBe('2026-03-01T06:30:00.000Z');
  });

  it('takes in an Excel CSV: semicolons, BOM, CRLF, decimal comma, GLN, Swedish local time without offset', async () => {
    const bytes = example('stock-snapshot-excel.csv');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const receipt = await ingest(store, await reporterOf(store, 'APO'), 'stock_snapshot', 'csv', bytes);
    expect(receipt.summary).toEqual({ locations: 1, lines: 3 });
    const lines = await linesOfReport(store, receipt.id);
    expect(lines.map((l) => l.quantity)).toEqual([120.5, 35, 12]);
    // "2026-03-01 06:00" in Stockholm in winter is 05:00 UTC
    expect(new Date(lines[0]!.counted_at).toISOString()).toBe('2026-03-01T05:00:00.000Z');
    expect(lines[2]).toMatchObject({ location: 'SE-APO-0001', package: '20000000000035', stock_level: 2 });
  });

  it('takes in the JSON stock example: clientRef and countedAt from the envelope, "12,5" as a number', async () => {
    const receipt = await ingest(
      store,
      await reporterOf(store, 'APO'),
      undefined,
      'json',
      example('stock-snapshot.json'),
    );
    expect(receipt).toMatchObject({
      kind: 'stock_snapshot',
      format: 'json',
      clientRef: 'APO-2026-03-01-morning',
      lineCount: 4,
    });
    const lines = await linesOfReport(store, receipt.id);
    expect(lines.find((l) => l.package === '20000000000035')).toMatchObject({
      quantity: 12.5,
      stock_level: 2,
    });
    expect(new Date(lines.find((l) => l.location === 'SE-APO-0002')!.counted_at).toISOString()).toBe(
      '2026-03-01T06:30:00.000Z',
    );
  });

  it('takes in the FHIR R5 InventoryReport example: lot and expiry from contained InventoryItems, location by GLN', async () => {
    const receipt = await ingest(
      store,
      await reporterOf(store, 'APO'),
      undefined,
      'fhir',
      example('stock-snapshot.fhir.json'),
    );
    expect(receipt).toMatchObject({
      kind: 'stock_snapshot',
      format: 'fhir',
      clientRef: '6a8c1f0e-2f43-4b8e-9d0a-3c2b1e4f5a60',
      lineCount: 3,
    });
    const lines = await linesOfReport(store, receipt.id);
    expect(lines).toEqual([
      expect.objectContaining({
        location: 'SE-APO-0001',
        package: '20000000000011',
        quantity: 120,
        batch: 'B2026-114',
        expiry: '2027-06-30',
        stock_level: 1,
      }),
      expect.objectContaining({
        location: 'SE-APO-0001',
        package: '20000000000028',
        quantity: 35,
        batch: 'AMX-77',
        expiry: '2026-11-30',
      }),
      expect.objectContaining({
        location: 'SE-APO-0001',
        package: '20000000000035',
        quantity: 12,
        batch: null,
        stock_level: 2,
      }),
    ]);
  });

  it('reads a FHIR document sent as plain application/json by its resourceType', async () => {
    const doc = JSON.parse(example('stock-snapshot.fhir.json').toString('utf8')) as { identifier: unknown };
    doc.identifier = [{ value: 'sent-as-json' }];
    const receipt = await ingest(
      store,
      await reporterOf(store, 'APO'),
      'stock_snapshot',
      'json',
      JSON.stringify(doc),
    );
    expect(receipt).toMatchObject({ format: 'fhir', clientRef: 'sent-as-json', lineCount: 3 });
  });

  it('takes in stock differences as CSV and as FHIR countType difference, with signed quantities', async () => {
    const apo = await reporterOf(store, 'APO');
    const csv = await ingest(store, apo, 'stock_difference', 'csv', example('stock-difference.csv'));
    expect(csv.summary).toEqual({ locations: 1, lines: 3 });
    const fhir = await ingest(store, apo, undefined, 'fhir', example('stock-difference.fhir.json'));
    expect(fhir).toMatchObject({ kind: 'stock_difference', lineCount: 1 });
    const rows = await store.db
      .selectFrom('stock_difference_line')
      .select(['quantity', 'batch'])
      .where('report_id', 'in', [csv.id, fhir.id])
      .orderBy('quantity')
      .execute();
    expect(rows.map((r) => r.quantity)).toEqual([-20, -15, -5, 50]);
  });

  it('takes in sales as CSV and JSON and answers daily sales per location and per region', async () => {
    const apo = await reporterOf(store, 'APO');
    const csv = await ingest(store, apo, 'sales', 'csv', example('sales.csv'));
    expect(csv.summary).toEqual({ lines: 5, locations: 2, regions: 2, days: 2 });
    const json = await ingest(store, apo, undefined, 'json', example('sales.json'));
    expect(json).toMatchObject({ kind: 'sales', clientRef: 'APO-sales-2026-02-27', lineCount: 2 });

    const perDay = await salesOfLocation(store.db, seed.locations.pharmacy1, '2026-02-27', '2026-02-28');
    expect(perDay).toEqual([
      { period_start: '2026-02-27', period_days: 1, package_id: seed.packages.paracetamol, quantity: 17 },
      { period_start: '2026-02-28', period_days: 1, package_id: seed.packages.paracetamol, quantity: 23 },
      { period_start: '2026-02-28', period_days: 1, package_id: seed.packages.amoxicillin, quantity: 3 },
    ]);
    // Skåne (12) has only SE-APO-0002: 11 on the 28th, 8 on the 27th, and a week of insulin from the 22nd
    const skane = await salesOfRegion(store.db, '12', '2026-02-01', '2026-02-28');
    expect(skane).toEqual([
      {
        period_start: '2026-02-22',
        period_days: 7,
        package_id: seed.packages.insulin,
        channel: 'community_dispensing',
        from_locations: 2,
        region_level: null,
      },
      {
        period_start: '2026-02-27',
        period_days: 1,
        package_id: seed.packages.paracetamol,
        channel: 'community_dispensing',
        from_locations: 8,
        region_level: null,
      },
      {
        period_start: '2026-02-28',
        period_days: 1,
        package_id: seed.packages.paracetamol,
        channel: 'community_dispensing',
        from_locations: 11,
        region_level: null,
      },
    ]);
  });

  it('takes in a region’s totals and its hospital pharmacy’s rows with their channels, counting each sale once', async () => {
    const region = await reporterOf(store, 'REG-01');
    const receipt = await ingest(store, region, 'sales', 'csv', example('sales-channels.csv'));
    expect(receipt.summary).toEqual({ lines: 4, locations: 1, regions: 1, days: 3 });
    const stored = await store.db
      .selectFrom('sales')
      .select(['period_start', 'location_id', 'channel', 'quantity'])
      .where('report_id', '=', receipt.id)
      .orderBy('period_start')
      .orderBy('location_id')
      .execute();
    // Named, by its Swedish name ('rekvisition'), and by default: a hospital pharmacy's row is a
    // requisition to care; the week is named dose dispensing.
    expect(stored).toEqual([
      { period_start: '2026-02-22', location_id: null, channel: 'dose_dispensing', quantity: 14 },
      {
        period_start: '2026-02-27',
        location_id: seed.locations.hospital,
        channel: 'care_requisition',
        quantity: 30,
      },
      { period_start: '2026-02-27', location_id: null, channel: 'care_requisition', quantity: 30 },
      {
        period_start: '2026-02-28',
        location_id: seed.locations.hospital,
        channel: 'care_requisition',
        quantity: 26,
      },
    ]);
    // 02-27 was sent twice (the region's total and the hospital's row): it counts once, the region's.
    // SE-APO-0001's 3 dispensed on 02-28 (sales.csv, above) are another channel: not displaced.
    const counted = await countedSalesOfRegion(
      store.db,
      '01',
      '2026-02-27',
      '2026-02-28',
      seed.packages.amoxicillin,
    );
    expect(counted).toEqual([
      {
        day: '2026-02-27',
        packageId: seed.packages.amoxicillin,
        channel: 'care_requisition',
        quantity: 30,
        source: 'region',
      },
      {
        day: '2026-02-28',
        packageId: seed.packages.amoxicillin,
        channel: 'community_dispensing',
        quantity: 3,
        source: 'locations',
      },
      {
        day: '2026-02-28',
        packageId: seed.packages.amoxicillin,
        channel: 'care_requisition',
        quantity: 26,
        source: 'locations',
      },
    ]);
  });

  it('takes in expected deliveries from a company and shows them as incoming quantities', async () => {
    const receipt = await ingest(
      store,
      await reporterOf(store, 'CO-A'),
      'expected_delivery',
      'csv',
      example('expected-deliveries.csv'),
    );
    expect(receipt.summary).toEqual({ lines: 3, packages: 2 });
    const incoming = await expectedDeliveries(store.db, '2026-03-02', seed.packages.paracetamol);
    expect(incoming.map((d) => [d.expected_on, d.quantity, d.organisation_code, d.reference])).toEqual([
      ['2026-03-10', 5000, 'CO-A', 'PO-88121'],
      ['2026-04-07', 5000, 'CO-A', 'PO-88122'],
    ]);
  });

  it('takes in shortage notices, flags a sales stop notified less than two months ahead (R4), and lets a resend correct a notice', async () => {
    const coA = await reporterOf(store, 'CO-A');
    const csv = await ingest(store, coA, 'shortage_notice', 'csv', example('shortage-notices.csv'));
    // notified 2026-03-02: a sales stop from 2026-04-15 is before 2026-05-02, so it is late (flagged, not refused)
    expect(csv).toMatchObject({ status: 'accepted', summary: { notices: 2, late: 1, corrections: 0 } });
    expect(csv.warnings).toEqual([
      expect.objectContaining({
        at: 3,
        field: 'expected_start',
        value: '2026-04-15',
        message: expect.stringContaining('earliest start 2026-05-02'),
      }),
    ]);
    const stored = await store.db
      .selectFrom('shortage_notice')
      .select(['kind', 'late', 'reference'])
      .where('report_id', '=', csv.id)
      .orderBy('id')
      .execute();
    expect(stored).toEqual([
      { kind: 'shortage', late: false, reference: 'RA-2026-014' },
      { kind: 'sales_stop', late: true, reference: 'FU-2026-003' },
    ]);

    // The JSON example resends RA-2026-014 with a later end: it supersedes the first
    const json = await ingest(store, coA, undefined, 'json', example('shortage-notices.json'));
    expect(json.summary).toEqual({ notices: 1, late: 0, corrections: 1 });
    const active = await activeNotices(store.db, '2026-03-10', { packageId: seed.packages.amoxicillin });
    expect(active.map((n) => [n.reference, n.expected_end, n.company_code])).toEqual([
      ['RA-2026-014', '2026-06-30', 'CO-A'],
    ]);
    // the sales stop has not started on 2026-03-10; it is upcoming
    expect(await activeNotices(store.db, '2026-03-10', { packageId: seed.packages.paracetamol })).toEqual([]);
    const upcoming = await activeNotices(store.db, '2026-03-10', {
      packageId: seed.packages.paracetamol,
      upcoming: true,
    });
    expect(upcoming.map((n) => [n.kind, n.late])).toEqual([['sales_stop', true]]);
  });
});
