import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/api/app.js';
import type { Store } from '../../src/store/database.js';
import { instanceFromPicture } from '../../src/store/redistribution.repository.js';
import { describeEach, testBackends } from '../support/databases.js';
import { buildPictureFixture, type PictureFixture } from '../support/picture-fixture.js';

/**
 * Issue 13 item 3 from the picture: the morfin group (P2 + P3) of the picture fixture. H1 (hospital
 * pharmacy, region 01) holds 30 P2 and needs its own 2 a day; A1 and A2 (community, 01) hold none and
 * share what region 01's demand leaves; B1 (community, region 12, Malmö) holds 500 P3 and sells none.
 * With coordinates (01: Stockholm, 12: Malmö, ~515 km) and a 1,000 km radius, the plan moves P3 from
 * B1 to region 01, batch by batch at P3's AIP.
 */
describeEach(testBackends().filter((b) => b.name === 'pglite'))(
  'redistribution from the picture on $name',
  (backend) => {
    let store: Store;
    let app: App;
    let f: PictureFixture;

    beforeAll(async () => {
      store = await backend.open();
      f = await buildPictureFixture(store);
      const db = store.db;
      for (const [id, latitude, longitude] of [
        [f.locations.a1, 59.33, 18.06],
        [f.locations.a2, 59.34, 18.0],
        [f.locations.h1, 59.35, 18.03],
        [f.locations.b1, 55.6, 13.0],
      ] as const) {
        await db.updateTable('location').set({ latitude, longitude }).where('id', '=', id).execute();
      }
      app = await buildApp({ store });
    });

    afterAll(async () => {
      await app?.close();
      await store?.close();
    });

    it('builds the instance from stock lots, own demand and AIP, and plans B1 → region 01', async () => {
      const instance = await instanceFromPicture(store.db, [f.packages.p2, f.packages.p3], {
        subject: 'morfin',
        parameters: { radiusKm: 1000 },
      });
      const codes = await store.db.selectFrom('location').select(['id', 'code']).execute();
      const code = (id: number) => codes.find((c) => c.id === id)!.code;
      const byId = new Map(instance.locations.map((l) => [l.id, l]));
      expect(byId.get(code(f.locations.b1))!.stock.reduce((s, b) => s + b.quantity, 0)).toBe(500);
      expect(byId.get(code(f.locations.b1))!.demandPerDay).toBe(0);
      expect(byId.get(code(f.locations.h1))!.stock.reduce((s, b) => s + b.quantity, 0)).toBe(30);
      expect(byId.get(code(f.locations.h1))!.demandPerDay).toBeGreaterThan(0);
      expect(byId.has(code(f.locations.w1))).toBe(false); // a warehouse is not in R3's table

      const res = await app.inject({
        method: 'POST',
        url: '/api/redistributions',
        headers: { authorization: `Bearer ${f.tokens.ct}` },
        payload: {
          packageIds: [f.packages.p2, f.packages.p3],
          subject: 'morfin',
          parameters: { radiusKm: 1000 },
        },
      });
      expect(res.statusCode, res.body).toBe(201);
      const plan = res.json();
      expect(plan.source).toBe('picture');
      expect(plan.transfers.length).toBeGreaterThan(0);
      expect(new Set(plan.transfers.map((t: { fromCode: string }) => t.fromCode))).toEqual(
        new Set([code(f.locations.b1)]),
      );
      expect(plan.lowestCoverageAfter).toBeGreaterThan(plan.lowestCoverageBefore);
      expect(plan.equity.regions.map((r: { region: string }) => r.region)).toEqual(['01', '12']);
    });

    it('refuses packages of different pack sizes, naming the field, and stores no plan', async () => {
      const post = (packageIds: number[]) =>
        app.inject({
          method: 'POST',
          url: '/api/redistributions',
          headers: { authorization: `Bearer ${f.tokens.ct}` },
          payload: { packageIds, subject: 'olika storlekar', parameters: { radiusKm: 1000 } },
        });
      const list = async () =>
        (
          await app.inject({
            url: '/api/redistributions',
            headers: { authorization: `Bearer ${f.tokens.ct}` },
          })
        ).body;
      const before = await list();
      // P2 comes in packs of 10, P4 in packs of 20: a plan in packs would add unlike packs.
      const res = await post([f.packages.p2, f.packages.p4]);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.problems[0]).toMatchObject({ field: 'packageIds' });
      expect(res.json().error.message).toContain('different pack sizes');
      expect(await list()).toBe(before);
    });
  },
);
