import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/api/app.js';
import type { Store } from '../../src/store/database.js';
import {
  buildLocation,
  buildMunicipality,
  buildOrganisation,
  buildPackage,
  buildRegion,
  buildToken,
} from '../support/builders.js';
import { describeEach, testBackends } from '../support/databases.js';

describeEach(testBackends())('catalogue reads on $name', (backend) => {
  let store: Store;
  let app: App;
  const tokens: Record<string, string> = {};
  const get = async (url: string, who: string) => {
    const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tokens[who]}` } });
    expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    return res.json();
  };

  beforeAll(async () => {
    store = await backend.open();
    const db = store.db;
    await buildRegion(db, { code: '01', name: 'Region Stockholm', population: 2_450_000 });
    await buildRegion(db, { code: '12', name: 'Region Skåne', population: 1_420_000 });
    await buildMunicipality(db, '01', '0180', 'Stockholm');
    await buildMunicipality(db, '12', '1280', 'Malmö');
    const lv = await buildOrganisation(db, { code: 'LV', kind: 'authority', name: 'Läkemedelsverket' });
    const sos = await buildOrganisation(db, { code: 'SOS', kind: 'authority', name: 'Socialstyrelsen' });
    const stockholm = await buildOrganisation(db, {
      code: 'REG-01',
      kind: 'region',
      regionCode: '01',
      name: 'Region Stockholm',
    });
    const skane = await buildOrganisation(db, {
      code: 'REG-12',
      kind: 'region',
      regionCode: '12',
      name: 'Region Skåne',
    });
    const chain = await buildOrganisation(db, {
      code: 'APO-1',
      kind: 'pharmacy_operator',
      name: 'Apotek Test AB',
    });
    const company = await buildOrganisation(db, { code: 'COMP-1', kind: 'company', name: 'Pharma Test AB' });
    // Stockholm: 3 pharmacies, 1 hospital pharmacy, 1 regional preparedness stock; Skåne: 1 pharmacy, 1 regional stock.
    for (let i = 0; i < 3; i++)
      await buildLocation(db, chain, {
        regionCode: '01',
        municipalityCode: '0180',
        name: `Apoteket Stjärnan ${i}`,
      });
    await buildLocation(db, stockholm, {
      regionCode: '01',
      kind: 'hospital_pharmacy',
      name: 'Karolinska sjukhusapotek',
    });
    await buildLocation(db, stockholm, {
      regionCode: '01',
      kind: 'regional_preparedness_stock',
      name: 'Beredskapslager Stockholm',
    });
    await buildLocation(db, chain, { regionCode: '12', municipalityCode: '1280', name: 'Apoteket Malmö' });
    await buildLocation(db, skane, {
      regionCode: '12',
      kind: 'regional_preparedness_stock',
      name: 'Beredskapslager Skåne',
    });
    await buildLocation(db, sos, {
      regionCode: '01',
      kind: 'state_security_stock',
      name: 'Statligt säkerhetslager 1',
    });
    await buildPackage(db, company, {
      name: 'Amoxicillin Test',
      substance: 'amoxicillin',
      atcCode: 'J01CA04',
      nplPackId: '99000000000101',
      gtin: '07359990000101',
    });
    await buildPackage(db, company, { name: 'Alvedon Test', substance: 'paracetamol', atcCode: 'N02BE01' });
    await buildPackage(db, company, {
      name: 'Amoxivet',
      substance: 'amoxicillin',
      atcCode: 'QJ01CA04',
      species: 'veterinary',
      parallelTraded: true,
    });
    tokens.lv = await buildToken(db, lv, 'coordinator');
    tokens.stockholm = await buildToken(db, stockholm, 'reader');
    tokens.chain = await buildToken(db, chain, 'reader');
    app = await buildApp({ store, webDir: '/nonexistent' });
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  it('lists regions with population and location counts by kind', async () => {
    const body = await get('/api/regions', 'lv');
    expect(body.total).toBe(2);
    const [sthlm, skane] = body.items;
    expect(sthlm).toMatchObject({
      code: '01',
      name: 'Region Stockholm',
      population: 2_450_000,
      populationDate: '2023-08-31',
    });
    expect(sthlm.locationCounts).toEqual({
      community_pharmacy: 3,
      hospital_pharmacy: 1,
      regional_preparedness_stock: 1,
      state_security_stock: 1,
    });
    expect(sthlm.locationTotal).toBe(6);
    expect(skane.locationTotal).toBe(2);
  });

  it('hides preparedness stocks from a pharmacy, and other regions’ stocks from a region', async () => {
    const chain = await get('/api/regions', 'chain');
    expect(chain.items[0].locationCounts).toEqual({ community_pharmacy: 3, hospital_pharmacy: 1 });
    const stockholm = await get('/api/regions', 'stockholm');
    expect(stockholm.items[0].locationCounts).toEqual({
      community_pharmacy: 3,
      hospital_pharmacy: 1,
      regional_preparedness_stock: 1,
    });
    expect(stockholm.items[1].locationCounts).toEqual({ community_pharmacy: 1 });
    const listed = await get('/api/locations?limit=500', 'stockholm');
    expect(listed.items.map((l: { name: string }) => l.name)).not.toContain('Beredskapslager Skåne');
    expect(listed.items.map((l: { name: string }) => l.name)).not.toContain('Statligt säkerhetslager 1');
    expect(listed.total).toBe(6);
  });

  it('pages and filters locations by region, kind and text', async () => {
    const page = await get('/api/locations?region=01&kind=community_pharmacy&limit=2&offset=0', 'lv');
    expect(page.total).toBe(3);
    expect(page.items).toHaveLength(2);
    const rest = await get('/api/locations?region=01&kind=community_pharmacy&limit=2&offset=2', 'lv');
    expect(rest.items).toHaveLength(1);
    const byText = await get('/api/locations?q=karolinska', 'lv');
    expect(byText.items).toEqual([
      expect.objectContaining({
        name: 'Karolinska sjukhusapotek',
        kind: 'hospital_pharmacy',
        regionCode: '01',
      }),
    ]);
    const withMunicipality = await get('/api/locations?q=Malm%C3%B6', 'lv');
    expect(withMunicipality.items[0]).toMatchObject({ municipalityCode: '1280', municipalityName: 'Malmö' });
  });

  it('finds products by substance, ATC prefix, NPL pack id and GTIN', async () => {
    expect((await get('/api/products?q=amoxi', 'chain')).total).toBe(2);
    expect((await get('/api/products?atc=j01', 'chain')).items.map((p: { name: string }) => p.name)).toEqual([
      'Amoxicillin Test',
    ]);
    expect((await get('/api/products?q=99000000000101', 'chain')).items[0].atcCode).toBe('J01CA04');
    expect((await get('/api/products?q=07359990000101', 'chain')).items[0].substance).toBe('amoxicillin');
    const vet = await get('/api/products?species=veterinary', 'chain');
    expect(vet.items).toEqual([
      expect.objectContaining({ name: 'Amoxivet', parallelTraded: true, species: 'veterinary' }),
    ]);
  });

  it('treats % and _ in a search as plain characters', async () => {
    expect((await get('/api/products?q=%25', 'chain')).total).toBe(0);
  });

  it('filters products to a product list by ATC code', async () => {
    const sos = await store.db
      .selectFrom('organisation')
      .select('id')
      .where('code', '=', 'SOS')
      .executeTakeFirstOrThrow();
    const list = await store.db
      .insertInto('product_list')
      .values({
        code: 'sos-prioritised',
        version: '2023-05-12',
        name: 'Prioriterade',
        issuer_id: sos.id,
        published_on: '2023-05-12',
        valid_from: '2023-05-12',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await store.db
      .insertInto('product_list_item')
      .values({ list_id: list.id, position: 1, atc_code: 'J01CA04', substance: 'amoxicillin' })
      .execute();
    const body = await get('/api/products?list=sos-prioritised', 'chain');
    expect(body.items.map((p: { name: string }) => p.name)).toEqual(['Amoxicillin Test']);
    const lists = await get('/api/product-lists', 'chain');
    expect(lists.items).toEqual([
      expect.objectContaining({
        code: 'sos-prioritised',
        version: '2023-05-12',
        itemCount: 1,
        issuer: { code: 'SOS', name: 'Socialstyrelsen' },
      }),
    ]);
  });

  it('returns one product by id and 404 for an unknown one', async () => {
    const { items } = await get('/api/products?q=alvedon', 'chain');
    const one = await get(`/api/products/${items[0].id}`, 'chain');
    expect(one).toMatchObject({ name: 'Alvedon Test', company: { name: 'Pharma Test AB' } });
    const res = await app.inject({
      method: 'GET',
      url: '/api/products/999999',
      headers: { authorization: `Bearer ${tokens.chain}` },
    });
    expect(res.statusCode).toBe(404);
  });

  it('lists organisations by kind', async () => {
    const body = await get('/api/organisations?kind=authority', 'chain');
    expect(body.items.map((o: { code: string }) => o.code).sort()).toEqual(['LV', 'SOS']);
    const bad = await app.inject({
      method: 'GET',
      url: '/api/organisations?kind=bank',
      headers: { authorization: `Bearer ${tokens.chain}` },
    });
    expect(bad.statusCode).toBe(400);
  });
});
