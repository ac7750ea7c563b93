import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/api/app.js';
import type { Store } from '../../src/store/database.js';
import { describeEach, testBackends } from '../support/databases.js';
import { seedMinimal, type MinimalSeed } from '../support/seed.js';

const example = (name: string) => readFileSync(new URL(`../../docs/examples/${name}`, import.meta.url));
const HEADER = 'location,package,quantity,batch,expiry,stock_level,counted_at';

describeEach(testBackends())('report API on $name', (backend) => {
  let store: Store;
  let app: App;
  let seed: MinimalSeed;

  beforeAll(async () => {
    store = await backend.open();
    seed = await seedMinimal(store.db);
    app = await buildApp({ store, webDir: '/nonexistent' });
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  const post = (
    path: string,
    token: string,
    contentType: string,
    body: string | Buffer,
    headers: Record<string, string> = {},
  ) =>
    app.inject({
      method: 'POST',
      url: `/api/reports/${path}`,
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType, ...headers },
      payload: body,
    });
  const get = (url: string, token: string) =>
    app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

  it('accepts a CSV stock snapshot with 201 and a receipt, and answers a resend with 200 and the same receipt', async () => {
    const first = await post(
      'stock-snapshots',
      seed.tokens.pharmacyReporter,
      'text/csv; charset=utf-8',
      example('stock-snapshot.csv'),
    );
    expect(first.statusCode, first.body).toBe(201);
    const receipt = first.json();
    expect(receipt).toMatchObject({
      kind: 'stock_snapshot',
      format: 'csv',
      status: 'accepted',
      lineCount: 5,
      summary: { locations: 2, lines: 5 },
      replayed: false,
    });
    expect(receipt.contentSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Date.parse(receipt.receivedAt)).toBeGreaterThan(0);
    const again = await post(
      'stock-snapshots',
      seed.tokens.pharmacyReporter,
      'text/csv',
      example('stock-snapshot.csv'),
    );
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ ...receipt, replayed: true });
  });

  it('takes the format from the content type: JSON, and FHIR R5 InventoryReport', async () => {
    const json = await post(
      'stock-snapshots',
      seed.tokens.pharmacyReporter,
      'application/json',
      example('stock-snapshot.json'),
    );
    expect(json.statusCode, json.body).toBe(201);
    expect(json.json()).toMatchObject({ format: 'json', clientRef: 'APO-2026-03-01-morning' });
    const fhir = await post(
      'inventory-reports',
      seed.tokens.pharmacyReporter,
      'application/fhir+json',
      example('stock-snapshot.fhir.json'),
    );
    expect(fhir.statusCode, fhir.body).toBe(201);
    expect(fhir.json()).toMatchObject({ format: 'fhir', kind: 'stock_snapshot', lineCount: 3 });
    const diff = await post(
      'inventory-reports',
      seed.tokens.pharmacyReporter,
      'application/fhir+json',
      example('stock-difference.fhir.json'),
    );
    expect(diff.json()).toMatchObject({ kind: 'stock_difference' });
  });

  it('uses Idempotency-Key as the client reference and answers a different report under the same key with 409', async () => {
    const csv = `${HEADER}\nSE-APO-0002,20000000000028,4,,,1,2026-03-01T10:00:00+01:00\n`;
    const first = await post('stock-snapshots', seed.tokens.pharmacyReporter, 'text/csv', csv, {
      'idempotency-key': 'apo-0002-morning',
    });
    expect(first.statusCode).toBe(201);
    expect(first.json().clientRef).toBe('apo-0002-morning');
    const clash = await post(
      'stock-snapshots',
      seed.tokens.pharmacyReporter,
      'text/csv',
      csv.replace(',4,', ',5,'),
      { 'idempotency-key': 'apo-0002-morning' },
    );
    expect(clash.statusCode).toBe(409);
    expect(clash.json().error).toMatchObject({
      kind: 'conflict',
      message: expect.stringContaining(`report ${first.json().id as number}`),
    });
  });

  it('refuses a bad file with 400, every problem listed with line, field, value and expectation', async () => {
    const csv = `${HEADER}\nSE-WHS-0001,20000000000011,3,,,1,2026-03-01T06:00:00+01:00\nSE-APO-0001,20000000000011,-3,,,1,2026-03-01T06:00:00+01:00\n`;
    const res = await post('stock-snapshots', seed.tokens.pharmacyReporter, 'text/csv', csv);
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.kind).toBe('invalid');
    expect(error.correlationId).toMatch(/[0-9a-f-]{36}/);
    expect(error.problems).toEqual([
      {
        at: 2,
        field: 'location',
        value: 'SE-WHS-0001',
        expected: 'a location owned by APO',
        message: "line 2: location SE-WHS-0001 is not one of APO's locations",
        code: 'not_own_location',
        params: { organisation: 'APO' },
      },
      {
        at: 3,
        field: 'quantity',
        value: '-3',
        expected: 'a quantity of 0 or more',
        message: 'line 3: package 20000000000011 at location SE-APO-0001: quantity -3 is below 0',
        code: 'stock_below_zero',
        params: { package: '20000000000011', location: 'SE-APO-0001' },
      },
    ]);
  });

  it('answers a body over the size limit with 413 too_large', async () => {
    const small = await buildApp({ store, webDir: '/nonexistent', bodyLimit: 1024 });
    try {
      const body = `${HEADER}\n${'SE-APO-0001,20000000000011,1,,,1,2026-03-01T06:00:00+01:00\n'.repeat(40)}`;
      const res = await small.inject({
        method: 'POST',
        url: '/api/reports/stock-snapshots',
        headers: { authorization: `Bearer ${seed.tokens.pharmacyReporter}`, 'content-type': 'text/csv' },
        payload: body,
      });
      expect(res.statusCode).toBe(413);
      expect(res.json().error.kind).toBe('too_large');
    } finally {
      await small.close();
    }
  });

  it('refuses senders without report:write, without a token, and unsupported content types', async () => {
    const csv = example('stock-snapshot.csv');
    expect((await post('stock-snapshots', seed.tokens.pharmacyReader, 'text/csv', csv)).statusCode).toBe(403);
    const anonymous = await app.inject({
      method: 'POST',
      url: '/api/reports/stock-snapshots',
      headers: { 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(anonymous.statusCode).toBe(401);
    const xml = await post('stock-snapshots', seed.tokens.pharmacyReporter, 'application/xml', '<x/>');
    expect(xml.statusCode).toBe(400);
    expect(xml.json().error.kind).toBe('invalid');
    const unknownKind = await post('stock-levels', seed.tokens.pharmacyReporter, 'text/csv', csv);
    expect(unknownKind.statusCode).toBe(400);
  });

  it("lists an organisation's own reports with their status, and only its own", async () => {
    await post(
      'stock-snapshots',
      seed.tokens.pharmacyReporter,
      'text/csv',
      `${HEADER}\nSE-APO-0001,20000000000011,x,,,1,2026-03-01T06:00:00+01:00\n`,
    );
    const res = await get('/api/reports?limit=100', seed.tokens.pharmacyReporter);
    expect(res.statusCode).toBe(200);
    const page = res.json();
    expect(page.total).toBeGreaterThanOrEqual(3);
    const rejected = page.items.find((r: { status: string }) => r.status === 'rejected');
    expect(rejected).toMatchObject({
      kind: 'stock_snapshot',
      problemCount: 1,
      problems: [expect.objectContaining({ at: 2, field: 'quantity' })],
    });
    const rejectedOnly = (await get('/api/reports?status=rejected', seed.tokens.pharmacyReporter)).json();
    expect(rejectedOnly.items.every((r: { status: string }) => r.status === 'rejected')).toBe(true);
    // another organisation sees none of them, and one of them is "not found" to it
    expect((await get('/api/reports', seed.tokens.companyBReporter)).json()).toMatchObject({
      items: [],
      total: 0,
    });
    expect(
      (await get(`/api/reports/${page.items[0].id as number}`, seed.tokens.companyBReporter)).statusCode,
    ).toBe(404);
    expect(
      (await get(`/api/reports/${page.items[0].id as number}`, seed.tokens.pharmacyReporter)).json(),
    ).toEqual(page.items[0]);
  });

  it('reads the current stock of an own location back, as JSON and as a FHIR R5 InventoryReport', async () => {
    await post(
      'stock-snapshots',
      seed.tokens.pharmacyReporter,
      'text/csv',
      `${HEADER}\nSE-APO-0002,20000000000035,9,Q1,2027-01-31,1,2026-03-02T06:00:00+01:00\n`,
    );
    const json = await get('/api/stock/SE-APO-0002', seed.tokens.pharmacyReporter);
    expect(json.statusCode, json.body).toBe(200);
    expect(json.json()).toEqual({
      location: { code: 'SE-APO-0002', name: 'Apoteket Måsen' },
      countedAt: '2026-03-02T05:00:00.000Z',
      items: [
        {
          nplPackId: '20000000000035',
          gtin: '07350000000030',
          name: 'Insulin Beta',
          batch: 'Q1',
          expiry: '2027-01-31',
          stockLevel: 1,
          quantity: 9,
          asOf: '2026-03-02T05:00:00.000Z',
        },
      ],
    });
    const fhir = await get('/api/stock/SE-APO-0002/inventory-report', seed.tokens.pharmacyReporter);
    expect(fhir.headers['content-type']).toMatch(/^application\/fhir\+json/);
    const report = fhir.json();
    expect(report).toMatchObject({
      resourceType: 'InventoryReport',
      status: 'active',
      countType: 'snapshot',
    });
    expect(report.inventoryListing[0]).toMatchObject({
      location: {
        identifier: { system: 'https://beredskap.se/fhir/sid/location-code', value: 'SE-APO-0002' },
      },
      countingDateTime: '2026-03-02T05:00:00.000Z',
      item: [{ quantity: { value: 9 }, item: { reference: { reference: '#item-1' } } }],
    });
    expect(report.contained[0]).toMatchObject({
      resourceType: 'InventoryItem',
      instance: { lotNumber: 'Q1', expiry: '2027-01-31' },
    });
    // not the caller's: not found; an authority sees it
    expect((await get('/api/stock/SE-APO-0002', seed.tokens.wholesalerReporter)).statusCode).toBe(404);
    expect((await get('/api/stock/SE-APO-0002', seed.tokens.lvAnalyst)).statusCode).toBe(200);
    expect((await get('/api/stock/SE-NOPE-1', seed.tokens.lvAnalyst)).statusCode).toBe(404);
  });

  it('documents the report routes in OpenAPI', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/docs/json' });
    const paths = Object.keys(res.json().paths as object);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/reports/{kind}',
        '/api/reports',
        '/api/reports/{id}',
        '/api/stock/{location}',
        '/api/stock/{location}/inventory-report',
      ]),
    );
  });
});
