import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import JSZip from 'jszip';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/api/app.js';
import type { Store } from '../../src/store/database.js';
import { buildOrganisation, buildToken } from '../support/builders.js';
import { describeEach, testBackends } from '../support/databases.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/npl/', import.meta.url));

/** The fixture export as Läkemedelsverket publishes it: one zip file. */
async function fixtureZip(): Promise<Buffer> {
  const zip = new JSZip();
  for (const name of await readdir(FIXTURES, { recursive: true })) {
    if (name.endsWith('.xml')) zip.file(name, await readFile(join(FIXTURES, name)));
  }
  return zip.generateAsync({ type: 'nodebuffer' });
}

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
    zip = await fixtureZip();
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

    const list = await get('/api/master-data/imports?register=npl', tokens.regionReporter);
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({ total: 1, items: [{ id: body.id, summary: { added: 7 } }] });
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
});
