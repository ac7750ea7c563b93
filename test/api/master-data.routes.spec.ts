import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/api/app.js';
import type { Store } from '../../src/store/database.js';
import { buildOrganisation, buildToken } from '../support/builders.js';
import { describeEach, testBackends } from '../support/databases.js';
import { changedNplZip, fixtureNplZip } from '../support/npl-fixture.js';

const LIST =
  'Substans;ATC-kod;Beredningsform;Vårdområde\nnoradrenalin;C01CA03;infusionskoncentrat;intensivvård\n';

describeEach(testBackends())('master data API on $name', (backend) => {
  let store: Store;
  let app: App;
  let zip: Buffer;
  const tokens = {
    lvCoordinator: '',
    lvReader: '',
    sosCoordinator: '',
    regionReporter: '',
    companyReporter: '',
    admin: '',
  };

  beforeAll(async () => {
    store = await backend.open();
    const lv = await buildOrganisation(store.db, {
      code: 'LV',
      kind: 'authority',
      authority: 'lv',
      name: 'Läkemedelsverket',
    });
    const sos = await buildOrganisation(store.db, {
      code: 'SOS',
      kind: 'authority',
      authority: 'sos',
      name: 'Socialstyrelsen',
    });
    const region = await buildOrganisation(store.db, {
      code: 'REG-01',
      kind: 'region',
      name: 'Region Stockholm',
    });
    const company = await buildOrganisation(store.db, {
      code: 'CO-A',
      kind: 'company',
      name: 'Alfa Pharma AB',
    });
    tokens.lvCoordinator = await buildToken(store.db, lv, 'coordinator');
    tokens.lvReader = await buildToken(store.db, lv, 'reader');
    tokens.sosCoordinator = await buildToken(store.db, sos, 'coordinator');
    tokens.regionReporter = await buildToken(store.db, region, 'reporter');
    tokens.companyReporter = await buildToken(store.db, company, 'reporter');
    tokens.admin = await buildToken(store.db, region, 'admin');
    app = await buildApp({ store, webDir: '/nonexistent' });
    zip = await fixtureNplZip();
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  const postNpl = (token: string | undefined, query = 'asOf=2025-02-21&fileName=2025-02-21_Total_NPL.zip') =>
    app.inject({
      method: 'POST',
      url: `/api/master-data/npl?${query}`,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/zip' },
      payload: zip,
    });
  const postList = (token: string, validFrom = '2023-05-12') =>
    app.inject({
      method: 'POST',
      url: `/api/master-data/prioritised-list?validFrom=${validFrom}&fileName=lista.csv`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv; charset=utf-8' },
      payload: LIST,
    });
  const get = (url: string, token: string) =>
    app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  const packages = async () =>
    Number(
      (
        await store.db
          .selectFrom('package')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('refuses the NPL import to a region, a company, Socialstyrelsen and Läkemedelsverket’s readers', async () => {
    for (const who of ['regionReporter', 'companyReporter', 'sosCoordinator'] as const) {
      const res = await postNpl(tokens[who]);
      expect(res.statusCode, who).toBe(403);
      expect(res.json().error.message).toBe(
        'only Läkemedelsverket (or an administrator) imports the NPL product register',
      );
    }
    // A reader's role lacks the permission altogether.
    expect((await postNpl(tokens.lvReader)).statusCode).toBe(403);
    expect((await postNpl(undefined)).statusCode).toBe(401);
    expect(await packages()).toBe(0);
  });

  it('accepts the NPL export from Läkemedelsverket as its zip file, with the change summary', async () => {
    const res = await postNpl(tokens.lvCoordinator);
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      register: 'npl',
      status: 'accepted',
      source: '2025-02-21_Total_NPL.zip',
      asOf: '2025-02-21',
      mode: 'total',
      summary: { products: 6, packages: 7, added: 7, changed: 0, withdrawn: 0 },
      changes: { changed: [], withdrawn: [] },
    });
    expect(body.changes.added).toHaveLength(7);
    expect(await packages()).toBe(7);

    const list = await get('/api/master-data/imports?register=npl', tokens.lvCoordinator);
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({ total: 1, items: [{ id: body.id, summary: { added: 7 } }] });
    // The register is public: any signed-in caller reads a package's history.
    const history = await get(
      '/api/master-data/npl/packages/99100000000011/history?date=2025-02-21',
      tokens.regionReporter,
    );
    expect(history.json()).toMatchObject({
      versions: [{ validFrom: '2025-02-21', validTo: null, packSize: 20 }],
      onDate: { packSize: 20, marketStatus: 'marketed' },
    });
  });

  it('lets an administrator import the register too, and refuses a broken zip with a precise error', async () => {
    const res = await postNpl(tokens.admin, 'asOf=2025-02-22');
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().summary).toMatchObject({ unchanged: 7, changed: 0 });
    const broken = await app.inject({
      method: 'POST',
      url: '/api/master-data/npl?fileName=npl.zip',
      headers: { authorization: `Bearer ${tokens.lvCoordinator}`, 'content-type': 'application/zip' },
      payload: Buffer.from('not a zip'),
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.problems[0]).toMatchObject({
      at: 'npl.zip',
      expected: 'the NPL export as a zip file',
    });
  });

  it('gives the prioritised list to Socialstyrelsen only (and administrators)', async () => {
    expect((await postList(tokens.lvCoordinator)).statusCode).toBe(403);
    expect((await postList(tokens.regionReporter)).statusCode).toBe(403);
    const res = await postList(tokens.sosCoordinator);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      register: 'prioritised_list',
      asOf: '2023-05-12',
      summary: { entries: 1 },
    });
    const again = await postList(tokens.sosCoordinator);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ replayed: true, version: '2023-05-12' });
  });

  it('shows the imports only to who may import: the owner its own register, an administrator all', async () => {
    const registers = async (token: string) =>
      (await get('/api/master-data/imports', token))
        .json<{ items: { register: string }[] }>()
        .items.map((i) => i.register);
    expect(new Set(await registers(tokens.lvCoordinator))).toEqual(new Set(['npl']));
    expect(new Set(await registers(tokens.sosCoordinator))).toEqual(new Set(['prioritised_list']));
    expect(new Set(await registers(tokens.admin))).toEqual(new Set(['npl', 'prioritised_list']));

    // A region, a company and Läkemedelsverket's reader may import nothing: 403.
    for (const who of ['regionReporter', 'companyReporter', 'lvReader'] as const) {
      const res = await get('/api/master-data/imports', tokens[who]);
      expect(res.statusCode, who).toBe(403);
    }
    expect(
      (await get('/api/master-data/imports?register=prioritised_list', tokens.lvCoordinator)).statusCode,
    ).toBe(403);

    // One import: the other register's answers as one that does not exist.
    const listImport = (await get('/api/master-data/imports', tokens.sosCoordinator)).json().items[0];
    const asLv = await get(`/api/master-data/imports/${listImport.id}`, tokens.lvCoordinator);
    expect(asLv.statusCode).toBe(404);
    expect((await get('/api/master-data/imports/999999', tokens.lvCoordinator)).statusCode).toBe(404);
    const asSos = await get(`/api/master-data/imports/${listImport.id}`, tokens.sosCoordinator);
    expect(asSos.json()).toMatchObject({
      organisationName: 'Socialstyrelsen',
      changes: { version: '2023-05-12' },
    });

    // /api/me says which registers the caller may import (the dashboard's menu).
    const me = async (token: string) => (await get('/api/me', token)).json().registers;
    expect(await me(tokens.lvCoordinator)).toEqual(['npl']);
    expect(await me(tokens.admin)).toEqual(['npl', 'prioritised_list']);
    expect(await me(tokens.regionReporter)).toEqual([]);
    expect(await me(tokens.lvReader)).toEqual([]);
  });

  it("gives every caller a package's register record and its history, with what changed, by package id", async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/master-data/npl?asOf=2025-03-01&mode=delta&fileName=2025-03-01_Delta_NPL.zip',
      headers: { authorization: `Bearer ${tokens.lvCoordinator}`, 'content-type': 'application/zip' },
      payload: await changedNplZip(),
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().changes.changed).toEqual([
      { nplPackId: '99100000000011', fields: ['packSize', 'description', 'marketStatus'] },
    ]);
    const id = async (nplPackId: string) =>
      (
        await store.db
          .selectFrom('package')
          .select('id')
          .where('npl_pack_id', '=', nplPackId)
          .executeTakeFirstOrThrow()
      ).id;

    const record = await get(`/api/products/${await id('99100000000011')}/register`, tokens.regionReporter);
    expect(record.statusCode, record.body).toBe(200);
    const body = record.json();
    expect(body).toMatchObject({
      fromRegister: true,
      current: {
        nplPackId: '99100000000011',
        nplId: '99000000000011',
        nordicArticleNumber: '900011',
        description: '30 tablett(er) blister',
        packSize: 30,
        name: 'Paracetamol Testfarma',
        strength: '500 mg',
        atcCode: 'N02BE01',
        holder: { name: 'Testfarma AB' },
        seller: { name: 'Testfarma AB' },
        licence: false,
        parallelTraded: false,
        species: 'human',
        marketStatus: 'sales_stopped',
      },
    });
    expect(
      body.versions.map((v: { validFrom: string; validTo: string | null; changes: unknown[] }) => [
        v.validFrom,
        v.validTo,
        v.changes,
      ]),
    ).toEqual([
      ['2025-02-21', '2025-03-01', []],
      [
        '2025-03-01',
        null,
        [
          { field: 'packSize', from: 20, to: 30 },
          { field: 'description', from: '20 tablett(er) blister', to: '30 tablett(er) blister' },
          { field: 'marketStatus', from: 'marketed', to: 'sales_stopped' },
        ],
      ],
    ]);

    // The real licence record: a foreign holder known by its NPL id only, product class LIC.
    const licence = (
      await get(`/api/products/${await id('20131105100082')}/register`, tokens.companyReporter)
    ).json();
    expect(licence).toMatchObject({
      fromRegister: true,
      current: { name: 'Celectol', licence: true, productClass: 'LIC', packUnit: 'förp' },
    });
  });

  it('says plainly when a package has no register record, and 404 for no package', async () => {
    const holder = await buildOrganisation(store.db, {
      code: 'CO-SYN',
      kind: 'company',
      name: 'Syntetisk AB',
    });
    const medicine = await store.db
      .insertInto('medicine')
      .values({
        npl_id: '20190000000001',
        name: 'Syntetol',
        atc_code: 'N02BE01',
        substance: 'paracetamol',
        form: 'tablett',
        strength: '500 mg',
        species: 'human',
        company_id: holder,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const pkg = await store.db
      .insertInto('package')
      .values({
        npl_pack_id: '20190000000001',
        medicine_id: medicine.id,
        pack_size: 10,
        pack_unit: 'st',
        description: '10 tabletter',
        company_id: holder,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const res = await get(`/api/products/${pkg.id}/register`, tokens.regionReporter);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ fromRegister: false, versions: [], current: { name: 'Syntetol' } });
    expect((await get('/api/products/99999999/register', tokens.regionReporter)).statusCode).toBe(404);
  });
});
