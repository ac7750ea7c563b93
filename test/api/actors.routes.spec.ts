import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/api/app.js';
import type { Store } from '../../src/store/database.js';
import { buildToken } from '../support/builders.js';
import { describeEach, testBackends } from '../support/databases.js';
import { seedMinimal, type MinimalSeed } from '../support/seed.js';

const AT = '2026-03-01T06:00:00+01:00';

describeEach(testBackends())('registers and stock by owner API on $name', (backend) => {
  let store: Store;
  let app: App;
  let seed: MinimalSeed;
  let lvCoordinator: string;
  let tlvCoordinator: string;

  beforeAll(async () => {
    store = await backend.open();
    seed = await seedMinimal(store.db);
    lvCoordinator = await buildToken(store.db, seed.orgs.lv, 'coordinator', 'tok-lv-coordinator');
    const tlv = await store.db
      .insertInto('organisation')
      .values({ code: 'TLV', org_number: '202100-5489', name: 'TLV', kind: 'authority', authority: 'tlv' })
      .returning('id')
      .executeTakeFirstOrThrow();
    tlvCoordinator = await buildToken(store.db, tlv.id, 'coordinator', 'tok-tlv-coordinator');
    app = await buildApp({ store, webDir: '/nonexistent' });
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  const postCsv = (url: string, token: string, body: string) =>
    app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      payload: body,
    });
  const get = (url: string, token: string) =>
    app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

  const LOCATIONS = `code,name,kind,organisation,region,serves
SE-WHS-0002,Lager Malmö,wholesaler_warehouse,WHS,12,12 01
`;

  it('lets Läkemedelsverket import locations, and refuses TLV, a pharmacy and LV’s analysts', async () => {
    for (const token of [tlvCoordinator, seed.tokens.pharmacyReporter, seed.tokens.lvAnalyst]) {
      const r = await postCsv('/api/registers/locations', token, LOCATIONS);
      expect(r.statusCode, r.body).toBe(403);
    }
    const ok = await postCsv('/api/registers/locations?fileName=lager.csv', lvCoordinator, LOCATIONS);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({
      register: 'locations',
      fileName: 'lager.csv',
      rows: 1,
      created: 1,
      changes: [{ code: 'SE-WHS-0002', action: 'created' }],
    });
    const audit = await store.db
      .selectFrom('audit_log')
      .select(['action', 'organisation_id'])
      .where('id', '=', ok.json<{ auditId: number }>().auditId)
      .executeTakeFirstOrThrow();
    expect(audit).toEqual({ action: 'locations.imported', organisation_id: seed.orgs.lv });
  });

  it('answers a bad organisations file with 400 and every problem, for an administrator too', async () => {
    const r = await postCsv(
      '/api/registers/organisations',
      seed.tokens.lvAdmin,
      'org_number,code,name,kind\n556000-0001,NEW,Ny AB,företag\n',
    );
    expect(r.statusCode).toBe(400);
    expect(r.json().error.problems).toEqual([
      {
        at: 2,
        field: 'kind',
        value: 'företag',
        expected:
          'one of authority, joint_function, region, municipality, wholesaler, pharmacy_operator, dose_pharmacy_operator, company, other',
        message: "line 2: kind 'företag' is not an organisation kind",
      },
    ]);
  });

  it('sums a package by owner and by holder, each caller seeing only its own part', async () => {
    const csv = [
      'location,package,quantity,counted_at,owner',
      `SE-WHS-0001,20000000000011,100,${AT},CO-A`,
      `SE-WHS-0001,20000000000011,30,${AT},`,
      `SE-WHS-0001,20000000000011,20,${AT},REG-01`,
    ].join('\n');
    const sent = await app.inject({
      method: 'POST',
      url: '/api/reports/stock-snapshots',
      headers: { authorization: `Bearer ${seed.tokens.wholesalerReporter}`, 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(sent.statusCode, sent.body).toBe(201);
    const hospital = await app.inject({
      method: 'POST',
      url: '/api/reports/stock-snapshots',
      headers: { authorization: `Bearer ${seed.tokens.region01Reporter}`, 'content-type': 'text/csv' },
      payload: `location,package,quantity,counted_at\nSE-SJH-0001,20000000000011,50,${AT}\n`,
    });
    expect(hospital.statusCode, hospital.body).toBe(201);

    const url = '/api/stock/by-owner?package=20000000000011';
    const all = await get(url, seed.tokens.lvAnalyst);
    expect(all.statusCode, all.body).toBe(200);
    const body = all.json<{
      total: number;
      byOwner: { organisation: { code: string }; quantity: number; heldByOthers: number }[];
      byHolder: { organisation: { code: string }; quantity: number; ownedByOthers: number }[];
    }>();
    expect(body.total).toBe(200);
    expect(body.byOwner.map((o) => [o.organisation.code, o.quantity, o.heldByOthers])).toEqual([
      ['CO-A', 100, 100],
      ['REG-01', 70, 20],
      ['WHS', 30, 0],
    ]);
    expect(body.byHolder.map((h) => [h.organisation.code, h.quantity, h.ownedByOthers])).toEqual([
      ['WHS', 150, 120],
      ['REG-01', 50, 0],
    ]);

    const company = (await get(url, seed.tokens.companyAReporter)).json<typeof body>();
    expect(company.total).toBe(100);
    expect(company.byOwner.map((o) => o.organisation.code)).toEqual(['CO-A']);

    const region = (await get(url, seed.tokens.region01Reporter)).json<typeof body>();
    expect(region.total).toBe(70); // its hospital's 50 and the 20 WHS holds for it; not WHS's or CO-A's
    const wholesaler = (await get(url, seed.tokens.wholesalerReporter)).json<typeof body>();
    expect(wholesaler.total).toBe(150);
    const pharmacy = (await get(url, seed.tokens.pharmacyReader)).json<typeof body>();
    expect(pharmacy).toMatchObject({ total: 0, byOwner: [], byHolder: [] });
  });

  it('reads stock held for others back with its owner, as JSON and FHIR, and takes the FHIR document back in', async () => {
    const readJson = await get('/api/stock/SE-WHS-0001', seed.tokens.wholesalerReporter);
    expect(readJson.statusCode, readJson.body).toBe(200);
    const items = readJson.json<{ items: { nplPackId: string; quantity: number; owner?: string }[] }>().items;
    expect(
      items.filter((i) => i.nplPackId === '20000000000011').map((i) => [i.owner ?? null, i.quantity]),
    ).toEqual([
      [null, 30],
      ['CO-A', 100],
      ['REG-01', 20],
    ]);
    const fhir = await get('/api/stock/SE-WHS-0001/inventory-report', seed.tokens.wholesalerReporter);
    expect(fhir.statusCode, fhir.body).toBe(200);
    const doc = fhir.json<{ contained?: { responsibleOrganization?: unknown[] }[] }>();
    expect(doc.contained?.filter((c) => c.responsibleOrganization !== undefined)).toHaveLength(2);
    const back = await app.inject({
      method: 'POST',
      url: '/api/reports/inventory-reports',
      headers: {
        authorization: `Bearer ${seed.tokens.wholesalerReporter}`,
        'content-type': 'application/fhir+json',
      },
      payload: fhir.body,
    });
    expect(back.statusCode, back.body).toBe(201);
    const after = await get('/api/stock/by-owner?package=20000000000011', seed.tokens.lvAnalyst);
    expect(
      after
        .json<{ byOwner: { organisation: { code: string }; quantity: number }[] }>()
        .byOwner.map((o) => [o.organisation.code, o.quantity]),
    ).toEqual([
      ['CO-A', 100],
      ['REG-01', 70],
      ['WHS', 30],
    ]);
  });
});
