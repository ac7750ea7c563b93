import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/api/app.js';
import type { Store } from '../../src/store/database.js';
import { buildPictureFixture, type PictureFixture } from '../support/picture-fixture.js';
import { describeEach, testBackends } from '../support/databases.js';

interface RegionLocation {
  location: { id: number; code: string; organisation: { id: number } };
  detail: boolean;
  prioritised: unknown;
}

describeEach(testBackends())('who sees what in the picture on $name', (backend) => {
  let store: Store;
  let app: App;
  let f: PictureFixture;

  const get = (url: string, token: string) =>
    app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  const json = async (url: string, token: string) => {
    const res = await get(url, token);
    expect(res.statusCode, `${url}: ${res.body.slice(0, 300)}`).toBe(200);
    return res.json();
  };
  const regionLocations = async (code: string, token: string): Promise<RegionLocation[]> =>
    (await json(`/api/picture/regions/${code}`, token)).locations;

  /** Every location shown in detail belongs to `organisationId`. */
  const expectOnlyOwnDetail = async (token: string, organisationId: number) => {
    for (const code of ['01', '12']) {
      for (const l of await regionLocations(code, token)) {
        if (l.location.organisation.id !== organisationId) {
          expect(l.detail, l.location.code).toBe(false);
          expect(l.prioritised, l.location.code).toBeNull();
        }
      }
    }
    for (const id of Object.values(f.locations)) {
      const res = await get(`/api/picture/locations/${id}`, token);
      const owner = (
        await store.db
          .selectFrom('location')
          .select('organisation_id')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).organisation_id;
      expect(res.statusCode, `location ${id}`).toBe(owner === organisationId ? 200 : 404);
    }
  };

  beforeAll(async () => {
    store = await backend.open();
    f = await buildPictureFixture(store);
    app = await buildApp({ store, webDir: '/nonexistent' });
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  describe('authorities and the joint function', () => {
    it('see every location in detail, the preparedness tier and every region', async () => {
      for (const token of [f.tokens.lv, f.tokens.ct]) {
        const r01 = await regionLocations('01', token);
        expect(r01.map((l) => l.location.code).sort()).toEqual(
          ['SE-APO-A1', 'SE-APO-A2', 'SE-BER-S1', 'SE-PHL-W1', 'SE-SJH-H1'].sort(),
        );
        expect(r01.every((l) => l.detail)).toBe(true);
        expect((await get(`/api/picture/locations/${f.locations.b1}`, token)).statusCode).toBe(200);
        const overview = await json('/api/picture/overview', token);
        expect(overview.scope).toMatchObject({ everything: true, preparednessTier: true });
        expect(overview.byRegion).toHaveLength(2);
      }
    });
  });

  describe('a region', () => {
    it('sees national and regional aggregates', async () => {
      const overview = await json('/api/picture/overview?region=12', f.tokens.region01);
      expect(overview.area.code).toBe('12');
      expect(overview.byRegion).toHaveLength(2);
      expect((await get(`/api/picture/map?package=${f.packages.p1}`, f.tokens.region01)).statusCode).toBe(
        200,
      );
      const items = await json('/api/picture/items?level=region&region=12', f.tokens.region01);
      expect(items.total).toBeGreaterThan(0);
    });

    it('sees its own hospital pharmacy in detail and no other organisation’s location', async () => {
      const r01 = await regionLocations('01', f.tokens.region01);
      expect(r01.find((l) => l.location.id === f.locations.h1)).toMatchObject({ detail: true });
      // The state security stock is not even listed to a region.
      expect(r01.map((l) => l.location.code)).not.toContain('SE-BER-S1');
      await expectOnlyOwnDetail(f.tokens.region01, f.orgs.region01);
    });

    it('sees no municipality figure that would reveal fewer than three locations', async () => {
      // Solna holds P2 only at H1: one location, suppressed even for its owner region's analysts.
      const page = await json(`/api/picture/products/${f.packages.p2}?region=01`, f.tokens.region01);
      expect(
        page.stockByMunicipality.find(
          (m: { municipality: { code: string } }) => m.municipality.code === '0184',
        ),
      ).toMatchObject({ suppressed: true, stock: null, locations: null, coverageDays: null });
      const lv = await json(`/api/picture/products/${f.packages.p2}?region=01`, f.tokens.lv);
      expect(
        lv.stockByMunicipality.find(
          (m: { municipality: { code: string } }) => m.municipality.code === '0184',
        ),
      ).toMatchObject({ suppressed: false, stock: { usable: 30 }, locations: 1 });
    });

    it('does not see the preparedness tier', async () => {
      const page = await json(`/api/picture/products/${f.packages.p4}`, f.tokens.region01);
      expect(page.stockByTier.map((t: { tier: string }) => t.tier)).not.toContain('preparedness');
      expect((await get('/api/picture/items?tier=preparedness', f.tokens.region01)).statusCode).toBe(403);
    });
  });

  describe('a pharmacy operator', () => {
    it('sees national aggregates but no figures per region', async () => {
      const overview = await json('/api/picture/overview', f.tokens.opA);
      expect(overview.byRegion).toBeNull();
      expect(overview.scope).toMatchObject({ regionalAggregates: false, locationDetail: 'own' });
      expect((await get('/api/picture/overview?region=01', f.tokens.opA)).statusCode).toBe(403);
      expect((await get('/api/picture/items?level=region', f.tokens.opA)).statusCode).toBe(403);
      expect((await get(`/api/picture/map?package=${f.packages.p1}`, f.tokens.opA)).statusCode).toBe(403);
      const product = await json(`/api/picture/products/${f.packages.p1}`, f.tokens.opA);
      expect(product.stockByRegion).toBeNull();
      expect(product.deliveries[0].organisation).toBeNull();
      const region = await json('/api/picture/regions/01', f.tokens.opA);
      expect(region.counts).toBeNull();
      expect(region.critical).toBeNull();
    });

    it('sees its own pharmacies in detail and not the other operator’s', async () => {
      const r01 = await regionLocations('01', f.tokens.opA);
      expect(
        r01
          .filter((l) => l.detail)
          .map((l) => l.location.code)
          .sort(),
      ).toEqual(['SE-APO-A1', 'SE-APO-A2']);
      await expectOnlyOwnDetail(f.tokens.opA, f.orgs.opA);
      await expectOnlyOwnDetail(f.tokens.opB, f.orgs.opB);
      const own = await json(`/api/picture/locations/${f.locations.a1}`, f.tokens.opA);
      expect(own.classification.code).toBe('protected');
    });

    it('gets a region page without any detail classed Öppen, and an export without other locations’ figures', async () => {
      const page = await json('/api/picture/regions/01', f.tokens.opB);
      expect(page.classification).toEqual({ code: 'open', label: 'Öppen' });
      const csv = (await get('/api/picture/export/regions/01?format=csv', f.tokens.opB)).body;
      const a1 = csv.split('\r\n').find((line) => line.startsWith('SE-APO-A1'));
      expect(a1?.split(';').slice(5)).toEqual(['', '', '', '']);
    });
  });

  describe('a wholesaler', () => {
    it('sees its own warehouse in detail, nothing else', async () => {
      const own = await json(`/api/picture/locations/${f.locations.w1}`, f.tokens.wholesaler);
      expect(own.items[0]).toMatchObject({ packageId: f.packages.p1, stock: { usable: 600 } });
      await expectOnlyOwnDetail(f.tokens.wholesaler, f.orgs.wholesaler);
      expect((await get('/api/picture/items?level=region', f.tokens.wholesaler)).statusCode).toBe(403);
    });
  });

  describe('a company', () => {
    it('sees its own packages only, nationally and per region, and no groups', async () => {
      const items = await json('/api/picture/items', f.tokens.c1);
      expect(items.items.map((i: { ref: string }) => Number(i.ref)).sort()).toEqual(
        [f.packages.p1, f.packages.p2].sort(),
      );
      const regional = await json('/api/picture/items?level=region', f.tokens.c1);
      expect(regional.items.every((i: { companyId: number }) => i.companyId === f.orgs.c1)).toBe(true);
      expect((await get('/api/picture/items?group=true', f.tokens.c1)).statusCode).toBe(403);
      expect((await get(`/api/picture/products/${f.packages.p3}`, f.tokens.c1)).statusCode).toBe(404);
      expect((await get(`/api/picture/map?package=${f.packages.p3}`, f.tokens.c1)).statusCode).toBe(404);
      expect((await get(`/api/picture/map?package=${f.packages.p1}`, f.tokens.c1)).statusCode).toBe(200);
      const overview = await json('/api/picture/overview', f.tokens.c1);
      expect(overview.counts.packages.total).toBe(2);
      expect(overview.counts.groups).toBeNull();
    });

    it('sees alternatives only among its own packages and no location in detail', async () => {
      const page = await json(`/api/picture/products/${f.packages.p2}`, f.tokens.c1);
      expect(page.group).toBeNull();
      expect(page.alternatives).toEqual([]);
      await expectOnlyOwnDetail(f.tokens.c1, f.orgs.c1);
    });
  });
});
