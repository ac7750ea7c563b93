import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/api/app.js';
import type { Store } from '../../src/store/database.js';
import { refreshPicture } from '../../src/store/picture/refresh.js';
import { buildLocation, buildStockSnapshot } from '../support/builders.js';
import { describeEach, testBackends } from '../support/databases.js';
import { buildPictureFixture, TODAY, type PictureFixture } from '../support/picture-fixture.js';

/**
 * Issue 8 item 11 on the picture fixture (test/support/picture-fixture.ts): warehouse W1 stands in
 * region 01 and serves the whole country; P1 sells 10 a day in 01 and 20 in 12, so of W1's 600 region
 * 01's share is 200 and region 12's 400. Added here: pharmacy A1 holds 12 of P2 and a care unit in 01
 * 30 of P2.
 */
describeEach(testBackends())('picture API on $name: who serves whom', (backend) => {
  let store: Store;
  let app: App;
  let f: PictureFixture;
  let careUnit: number;

  const json = async (url: string, token: string) => {
    const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode, `${url}: ${res.body.slice(0, 300)}`).toBe(200);
    return res.json();
  };

  beforeAll(async () => {
    store = await backend.open();
    f = await buildPictureFixture(store);
    careUnit = await buildLocation(store.db, f.orgs.region01, {
      code: 'SE-VNL-V1',
      name: 'Vårdnära lager Solna',
      kind: 'care_unit_store',
      regionCode: '01',
      municipalityCode: '0184',
    });
    await buildStockSnapshot(
      store.db,
      f.locations.a1,
      [
        { packageId: f.packages.p1, quantity: 100, expiry: '2027-06-30' },
        { packageId: f.packages.p2, quantity: 12, expiry: '2027-06-30' },
      ],
      '2026-02-28T08:00:00Z',
    );
    await buildStockSnapshot(store.db, careUnit, [
      { packageId: f.packages.p2, quantity: 30, expiry: '2027-06-30' },
    ]);
    await refreshPicture(store, { today: TODAY, full: true });
    app = await buildApp({ store, webDir: '/nonexistent' });
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  type TierRow = { tier: string; line: string; counted: boolean; stock: { total: number; usable: number } };

  it('shows a region’s share of the wholesale stock serving it as its own tier line, beside the stock held in the region', async () => {
    const r01 = await json(`/api/picture/products/${f.packages.p1}?region=01`, f.tokens.lv);
    const wholesale = r01.stockByTier.filter((t: TierRow) => t.tier === 'wholesale');
    expect(wholesale).toEqual([
      expect.objectContaining({
        line: 'held',
        tierName: 'Partihandel: lager i regionen',
        counted: false,
        stock: { total: 600, usable: 600 },
        locations: 1,
      }),
      expect.objectContaining({
        line: 'serving_share',
        tierName: 'Partihandel: regionens andel av lager som försörjer regionen',
        counted: true,
        stock: { total: 200, usable: 200 },
        locations: 1,
        // 200 at region 01's 10 a day.
        coverageDays: 20,
      }),
    ]);
    // The counted lines add up to the region's stock: A1 100 + A2 200 + 200.
    const counted = r01.stockByTier
      .filter((t: TierRow) => t.counted)
      .reduce((sum: number, t: TierRow) => sum + t.stock.total, 0);
    expect(counted).toBe(500);
    expect(r01.item.stock).toEqual({ total: 500, usable: 500 });

    // Region 12 holds no wholesale stock and counts 400 of W1's.
    const r12 = await json(`/api/picture/products/${f.packages.p1}?region=12`, f.tokens.lv);
    expect(r12.stockByTier.filter((t: TierRow) => t.tier === 'wholesale')).toEqual([
      expect.objectContaining({ line: 'held', counted: false, stock: { total: 0, usable: 0 } }),
      expect.objectContaining({ line: 'serving_share', counted: true, stock: { total: 400, usable: 400 } }),
    ]);
    expect(r12.item).toMatchObject({
      stock: { total: 400, usable: 400 },
      coverageDays: 20,
      riskClass: 'low',
    });

    // Nationally the wholesale tier is one line, counted as held: the nation's stock is the nation's.
    const national = await json(`/api/picture/products/${f.packages.p1}`, f.tokens.lv);
    expect(national.stockByTier.filter((t: TierRow) => t.tier === 'wholesale')).toEqual([
      expect.objectContaining({ line: 'held', counted: true, stock: { total: 600, usable: 600 } }),
    ]);
    expect(national.item).toMatchObject({ stock: { total: 900, usable: 900 }, coverageDays: 30 });
  });

  it('simulates a region’s lots and deliveries as its coverage counts them: its share of the serving warehouses’', async () => {
    // Region 12: 400 of W1's lot expiring 2028-01-31 at 20 a day, and 20/30 of the 800 expected at W1
    // on 2026-03-20 (533.33): 933.33 / 20 = 46.7 days, runs out 2026-04-16; the item table agrees.
    const r12 = await json(`/api/picture/products/${f.packages.p1}?region=12&lots=true`, f.tokens.lv);
    expect(r12.deliveries).toEqual([
      expect.objectContaining({
        expectedOn: '2026-03-20',
        quantity: expect.closeTo(1600 / 3, 6),
        regionCode: '01',
      }),
    ]);
    expect(r12.outlook.lots).toMatchObject({ runsOutOn: '2026-04-16', earliestExpiry: '2028-01-31' });
    expect(r12.item.runsOutWithDeliveriesOn).toBe('2026-04-16');
    // Region 01: 100 + 200 at the pharmacies, 200 of W1's lot and 266.67 of the delivery, at 10 a day.
    const r01 = await json(`/api/picture/products/${f.packages.p1}?region=01&lots=true`, f.tokens.lv);
    expect(r01.outlook.lots).toMatchObject({ runsOutOn: '2026-05-16', earliestExpiry: '2027-06-30' });
    expect(r01.item.runsOutWithDeliveriesOn).toBe('2026-05-16');
  });

  it('gives every region figure the wholesale stock held there and its share of the stock serving it', async () => {
    const map = await json(`/api/picture/map?package=${f.packages.p1}`, f.tokens.lv);
    expect(map.national.wholesale).toEqual({
      held: { total: 600, usable: 600 },
      share: { total: 600, usable: 600 },
      serving: 1,
    });
    expect(
      map.regions.map((r: { area: { code: string }; wholesale: unknown }) => [r.area.code, r.wholesale]),
    ).toEqual([
      ['01', { held: { total: 600, usable: 600 }, share: { total: 200, usable: 200 }, serving: 1 }],
      ['12', { held: { total: 0, usable: 0 }, share: { total: 400, usable: 400 }, serving: 1 }],
    ]);
    const product = await json(`/api/picture/products/${f.packages.p1}`, f.tokens.lv);
    expect(product.stockByRegion[1]).toMatchObject({
      area: { code: '12' },
      stock: { usable: 400 },
      wholesale: { held: { usable: 0 }, share: { usable: 400 } },
    });
  });

  it('measures each location against its own demand, and says so when it has no basis', async () => {
    // A1 (no sales of its own) shares what is left of region 01's P2 demand once H1's own rows are
    // taken off, with A2: (5 − 2) / 2 = 1.5 a day; 12 packs last 8 days. Before: the region's 5 a day.
    const a1 = await json(`/api/picture/locations/${f.locations.a1}`, f.tokens.lv);
    expect(a1.items.find((i: { packageId: number }) => i.packageId === f.packages.p2)).toMatchObject({
      demandBasis: 'region_share',
      demandPerDay: 1.5,
      coverageDays: 8,
      riskClass: 'critical',
    });
    // A warehouse serves an area: it has no demand of its own to measure against, and no coverage.
    const w1 = await json(`/api/picture/locations/${f.locations.w1}`, f.tokens.lv);
    expect(w1.items).toEqual([
      expect.objectContaining({
        packageId: f.packages.p1,
        stock: { total: 600, usable: 600 },
        demandBasis: 'no_basis',
        demandPerDay: null,
        coverageDays: null,
        runsOutOn: null,
        riskClass: null,
      }),
    ]);
    // H1 reports its own sales: 2 a day, 30 packs, 15 days.
    const h1 = await json(`/api/picture/locations/${f.locations.h1}`, f.tokens.lv);
    expect(h1.items[0]).toMatchObject({ demandBasis: 'own_sales', demandPerDay: 2, coverageDays: 15 });

    const region = await json('/api/picture/regions/01', f.tokens.lv);
    const row = (id: number) =>
      region.locations.find((l: { location: { id: number } }) => l.location.id === id)?.prioritised;
    expect(row(f.locations.a1)).toEqual({
      held: 1,
      belowCritical: 1,
      belowLow: 1,
      demandBasis: 'region_share',
    });
    // The care unit holds 30 of P2 and is not measured against the region's 5 a day (6 days, "below
    // critical"): it has no basis.
    expect(row(careUnit)).toEqual({ held: 1, belowCritical: 0, belowLow: 0, demandBasis: 'no_basis' });
    expect(row(f.locations.w1)).toEqual({ held: 0, belowCritical: 0, belowLow: 0, demandBasis: 'no_basis' });
    expect(row(f.locations.h1)).toMatchObject({ demandBasis: 'own_sales' });

    const csv = await app.inject({
      method: 'GET',
      url: '/api/picture/export/regions/01?format=csv',
      headers: { authorization: `Bearer ${f.tokens.lv}` },
    });
    expect(csv.body).toContain(
      'SE-VNL-V1;Vårdnära lager Solna;Vårdnära lager och kommunala förråd;Solna;Region Stockholm;1;0;0;inget underlag',
    );
  });

  it('says "out of stock" for a package at zero, not that it runs out today', async () => {
    // H1, the only holder of P2 in the country, counts 0 of it; A1's 12 and the care unit's 30 still
    // hold some, so the snapshot at A1 and the care unit go to 0 too.
    for (const [location, at] of [
      [f.locations.h1, '2026-02-28T18:00:00Z'],
      [f.locations.a1, '2026-02-28T18:00:00Z'],
      [careUnit, '2026-02-28T18:00:00Z'],
    ] as const) {
      await buildStockSnapshot(
        store.db,
        location,
        [{ packageId: f.packages.p2, quantity: 0, expiry: '2027-06-30' }],
        at,
      );
    }
    await refreshPicture(store, { today: TODAY, locationIds: [f.locations.h1, f.locations.a1, careUnit] });

    const overview = await json('/api/picture/overview', f.tokens.lv);
    const p2 = overview.critical.find((i: { ref: string }) => i.ref === String(f.packages.p2));
    expect(p2).toMatchObject({ stock: { usable: 0 }, coverageDays: 0, stockStatus: 'out_of_stock' });
    const p1 = await json(`/api/picture/products/${f.packages.p1}`, f.tokens.lv);
    expect(p1.item.stockStatus).toBe('in_stock');

    const product = await json(`/api/picture/products/${f.packages.p2}?region=01`, f.tokens.lv);
    expect(product.item).toMatchObject({ stockStatus: 'out_of_stock', riskClass: 'critical' });
    const map = await json(`/api/picture/map?package=${f.packages.p2}`, f.tokens.lv);
    expect(map.regions[0]).toMatchObject({ area: { code: '01' }, stockStatus: 'out_of_stock' });
    const h1 = await json(`/api/picture/locations/${f.locations.h1}`, f.tokens.lv);
    expect(h1.items[0]).toMatchObject({ stock: { usable: 0 }, stockStatus: 'out_of_stock' });

    const csv = await app.inject({
      method: 'GET',
      url: `/api/picture/export/items?format=csv&level=region&region=01&package=${f.packages.p2}`,
      headers: { authorization: `Bearer ${f.tokens.lv}` },
    });
    expect(csv.body).toContain(';Slut i lager;');
    expect(csv.body).not.toContain(`;${TODAY};`);
    const report = await app.inject({
      method: 'GET',
      url: '/api/picture/report.html',
      headers: { authorization: `Bearer ${f.tokens.lv}` },
    });
    expect(report.body).toContain('<strong>Slut i lager</strong>');
  });

  it('does not call a region out of stock while it counts part of a package of the warehouse stock serving it', async () => {
    // Of P1 only W1 holds any, 1 package (A1 and A2 count none): region 01 counts 10/30 of it,
    // 0.333333 at 10 a day, region 12 20/30 at 20 a day.
    for (const location of [f.locations.a1, f.locations.a2]) {
      await buildStockSnapshot(
        store.db,
        location,
        [{ packageId: f.packages.p1, quantity: 0 }],
        '2026-02-28T19:00:00Z',
      );
    }
    await buildStockSnapshot(
      store.db,
      f.locations.w1,
      [{ packageId: f.packages.p1, quantity: 1, expiry: '2028-01-31' }],
      '2026-02-28T19:00:00Z',
    );
    await refreshPicture(store, {
      today: TODAY,
      locationIds: [f.locations.a1, f.locations.a2, f.locations.w1],
    });

    // Less than a package, but stock: it runs out today, as its coverage says, and is not "slut i lager".
    const r01 = await json(`/api/picture/products/${f.packages.p1}?region=01`, f.tokens.lv);
    expect(r01.item).toMatchObject({
      stockStatus: 'in_stock',
      runsOutOn: TODAY,
      riskClass: 'critical',
    });
    expect(r01.item.stock.total).toBe(0.333333);
    expect(r01.item.stock.usable).toBeCloseTo(1 / 3, 6);
    expect(r01.item.coverageDays).toBeCloseTo(1 / 30, 6);
    const map = await json(`/api/picture/map?package=${f.packages.p1}`, f.tokens.lv);
    expect(
      map.regions.map((r: { area: { code: string }; stockStatus: string }) => [r.area.code, r.stockStatus]),
    ).toEqual([
      ['01', 'in_stock'],
      ['12', 'in_stock'],
    ]);

    // The export shows the share as what is there (0,33), beside its date, not 0 and "Slut i lager".
    const csv = await app.inject({
      method: 'GET',
      url: `/api/picture/export/items?format=csv&level=region&region=01&package=${f.packages.p1}`,
      headers: { authorization: `Bearer ${f.tokens.lv}` },
    });
    const row = csv.body.split('\r\n').find((l) => l.startsWith('Förpackning;'));
    expect(row, csv.body).toContain(';0,33;0,33;10,00;');
    expect(row).toContain(`;${TODAY};`);
    expect(row).not.toContain('Slut i lager');
    // So does the printed report of the region.
    const report = await app.inject({
      method: 'GET',
      url: '/api/picture/report.html?region=01',
      headers: { authorization: `Bearer ${f.tokens.lv}` },
    });
    const line = report.body.split('<tr').find((l) => l.includes('Alvedon'));
    expect(line, report.body).toContain('<td class="num">0,33</td>');
    expect(line).not.toContain('Slut i lager');
  });
});
