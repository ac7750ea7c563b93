import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/api/app.js';
import type { ProductTrends } from '../../src/api/picture/trends.js';
import type { Store } from '../../src/store/database.js';
import { backfillStockHistory, refreshPicture } from '../../src/store/picture/refresh.js';
import { buildStockSnapshot } from '../support/builders.js';
import { buildPictureFixture, TODAY, type PictureFixture } from '../support/picture-fixture.js';
import { describeEach, testBackends } from '../support/databases.js';

/**
 * Issue 10 item 7: trends and outlook of a package (GET /api/picture/products/:id/trends), with worked
 * numbers on the picture fixture (today 2026-03-01; P1 sells 10 a day in region 01 and 20 in region 12).
 *
 * Counted on 2026-01-01 (the fixture): pharmacies A1 100 and A2 200 in region 01, warehouse W1 600
 * (serving the whole country: region 01 counts 10/30 = 1/3 of it, region 12 2/3). Counted on
 * 2026-02-10 (here): W1 300 (expiring 2028-01-31); A2 200 again, but 120 of them expire on 2026-03-11.
 *
 *            region 01 stock      / demand   coverage   nation                 region 12
 * 2026-01-15 100 + 200 + 600/3 = 500  / 10   50 days    900 / 30 = 30 days     400 / 20 = 20 days
 * 2026-02-20 100 + 200 + 300/3 = 400  / 10   40 days    600 / 30 = 20 days     200 / 20 = 10 days
 * today      400, usable 380 (below)  / 10   38 days    600 / 30 = 20 days     200 / 20 = 10 days
 *
 * Today in region 01 the 120 expiring on 2026-03-11 can be dispensed on 10 days at 10 a day: 100 are
 * used, 20 expire unused, so 380 of the 400 are usable before expiry.
 */
describeEach(testBackends())('trends and outlook on $name', (backend) => {
  let store: Store;
  let app: App;
  let f: PictureFixture;

  const get = (url: string, token: string) =>
    app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  const trends = async (url: string, token = f.tokens.lv) => {
    const res = await get(url, token);
    expect(res.statusCode, `${url}: ${res.body.slice(0, 300)}`).toBe(200);
    return res.json<ProductTrends>();
  };
  const pointOn = (t: ProductTrends, area: string, date: string) =>
    t.coverage.series.find((s) => s.area.code === area)?.points.find((p) => p.date === date);

  beforeAll(async () => {
    store = await backend.open();
    f = await buildPictureFixture(store);
    await buildStockSnapshot(
      store.db,
      f.locations.w1,
      [{ packageId: f.packages.p1, quantity: 300, expiry: '2028-01-31' }],
      '2026-02-10T06:00:00Z',
    );
    await buildStockSnapshot(
      store.db,
      f.locations.a2,
      [
        { packageId: f.packages.p1, quantity: 120, expiry: '2026-03-11' },
        { packageId: f.packages.p1, quantity: 80, expiry: '2027-06-30' },
      ],
      '2026-02-10T06:00:00Z',
    );
    await refreshPicture(store, { today: TODAY, full: true });
    await backfillStockHistory(store, ['2026-01-15', '2026-02-20']);
    app = await buildApp({ store, webDir: '/nonexistent' });
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  it("draws a region's coverage over time beside the nation's: stock of each past day over that day's demand", async () => {
    const t = await trends(`/api/picture/products/${f.packages.p1}/trends?region=01`);
    expect(t.area).toEqual({ code: '01', name: 'Region Stockholm' });
    expect(t.coverage).toMatchObject({ from: '2025-12-01', days: 90 });
    expect(t.coverage.series.map((s) => s.area.code)).toEqual(['01', 'SE']);
    expect(t.coverage.series[0]?.points.map((p) => p.date)).toEqual(['2026-01-15', '2026-02-20', TODAY]);

    expect(pointOn(t, '01', '2026-01-15')).toEqual({
      date: '2026-01-15',
      total: 500,
      usable: 500,
      demandPerDay: 10,
      coverageDays: 50,
      backfilled: true,
    });
    expect(pointOn(t, '01', '2026-02-20')).toMatchObject({ total: 400, usable: 400, coverageDays: 40 });
    // Today's point is the figure the product page shows.
    expect(pointOn(t, '01', TODAY)).toMatchObject({
      total: 400,
      usable: 380,
      coverageDays: 38,
      backfilled: false,
    });
    const page = (await get(`/api/picture/products/${f.packages.p1}?region=01`, f.tokens.lv)).json<{
      item: { coverageDays: number };
    }>();
    expect(page.item.coverageDays).toBe(38);

    expect(pointOn(t, 'SE', '2026-01-15')).toMatchObject({ total: 900, demandPerDay: 30, coverageDays: 30 });
    expect(pointOn(t, 'SE', '2026-02-20')).toMatchObject({ total: 600, coverageDays: 20 });
    expect(pointOn(t, 'SE', TODAY)).toMatchObject({ total: 600, usable: 600, coverageDays: 20 });

    const skane = await trends(`/api/picture/products/${f.packages.p1}/trends?region=12`);
    expect(pointOn(skane, '12', '2026-01-15')).toMatchObject({ total: 400, coverageDays: 20 });
    expect(pointOn(skane, '12', '2026-02-20')).toMatchObject({ total: 200, coverageDays: 10 });
  });

  it('keeps what the picture said on a day as that day’s point once the next day is refreshed', async () => {
    const s2 = await backend.open();
    try {
      const g = await buildPictureFixture(s2);
      await refreshPicture(s2, { today: '2026-03-02' });
      // Rebuilding that day from the snapshots keeps what the refresh recorded.
      await backfillStockHistory(s2, [TODAY]);
      const a2 = await buildApp({ store: s2, webDir: '/nonexistent' });
      try {
        const res = await a2.inject({
          url: `/api/picture/products/${g.packages.p1}/trends?region=01`,
          headers: { authorization: `Bearer ${g.tokens.lv}` },
        });
        const t = res.json<ProductTrends>();
        // On 2026-03-01 region 01 had 100 + 200 + 600/3 = 500 at 10 a day: 50 days, recorded that day.
        expect(pointOn(t, '01', TODAY)).toEqual({
          date: TODAY,
          total: 500,
          usable: 500,
          demandPerDay: 10,
          coverageDays: 50,
          backfilled: false,
        });
        expect(pointOn(t, 'SE', TODAY)).toMatchObject({ total: 900, coverageDays: 30, backfilled: false });
      } finally {
        await a2.close();
      }
    } finally {
      await s2.close();
    }
  });

  it('shows what expires when: buckets adding up to the stock shown, split into used and expiring unused', async () => {
    const t = await trends(`/api/picture/products/${f.packages.p1}/trends?region=01`);
    const page = (await get(`/api/picture/products/${f.packages.p1}?region=01`, f.tokens.lv)).json<{
      item: { stock: { total: number; usable: number } };
    }>();
    expect(t.expiry).toMatchObject({ stock: 400, usable: 380, demandPerDay: 10 });
    expect(t.expiry.stock).toBeCloseTo(page.item.stock.total, 6);
    expect(t.expiry.usable).toBeCloseTo(page.item.stock.usable, 6);
    // Twelve months from March 2026, then later, then no expiry; the unusable bucket first.
    expect(t.expiry.buckets.map((b) => b.from ?? b.kind)).toEqual([
      'unusable',
      '2026-03-01',
      '2026-04-01',
      '2026-05-01',
      '2026-06-01',
      '2026-07-01',
      '2026-08-01',
      '2026-09-01',
      '2026-10-01',
      '2026-11-01',
      '2026-12-01',
      '2027-01-01',
      '2027-02-01',
      'later',
      'none',
    ]);
    const nonEmpty = t.expiry.buckets.filter((b) => b.quantity > 0);
    expect(nonEmpty).toEqual([
      { kind: 'month', from: '2026-03-01', quantity: 120, usedBeforeExpiry: 100, expiresUnused: 20 },
      // A1 100 and A2 80 (2027-06-30), W1's 300 / 3 (2028-01-31).
      { kind: 'later', from: null, quantity: 280, usedBeforeExpiry: 280, expiresUnused: 0 },
    ]);

    // Nationally 30 a day use the 120 within the 10 days.
    const se = await trends(`/api/picture/products/${f.packages.p1}/trends`);
    expect(se.coverage.series.map((s) => s.area.code)).toEqual(['SE']);
    expect(se.expiry.buckets.find((b) => b.from === '2026-03-01')).toMatchObject({
      quantity: 120,
      usedBeforeExpiry: 120,
      expiresUnused: 0,
    });
    expect(se.expiry.stock).toBe(600);
  });

  it('gives run-out per region without and with the expected deliveries', async () => {
    const t = await trends(`/api/picture/products/${f.packages.p1}/trends?region=01`);
    expect(t.runOut.map((r) => r.area.code)).toEqual(['SE', '01', '12']);
    const [se, r01, r12] = t.runOut;
    // Without deliveries: 20, 38 and 10 days from 2026-03-01.
    expect(se).toMatchObject({ coverageDays: 20, runsOutOn: '2026-03-21' });
    expect(r01).toMatchObject({ coverageDays: 38, runsOutOn: '2026-04-08' });
    expect(r12).toMatchObject({ coverageDays: 10, runsOutOn: '2026-03-11' });
    // 800 arrive at W1 on 2026-03-20. The nation: 600 last to 2026-03-21, the 800 add 26 2/3 days
    // from 2026-03-21 on (30 a day, after the 30 of 03-20 and 03-21 came from the stock): 2026-04-16.
    expect(se?.runsOutWithDeliveriesOn).toBe('2026-04-16');
    expect(se?.incoming).toBe(800);
    // Region 12 runs out on 2026-03-11 and gets 2/3 of the 800 on 2026-03-20: out for nine days.
    expect(r12?.runsOutWithDeliveriesOn).toBe('2026-03-11');
    // Region 01 lasts past 2026-03-20 and gets 800/3: 380 + 266.67 = 646.67 at 10 a day, 64 days.
    expect(r01?.runsOutWithDeliveriesOn).toBe('2026-05-04');
  });

  it('answers only what the caller may see: no regions for a pharmacy operator, no other company’s package', async () => {
    const national = await trends(`/api/picture/products/${f.packages.p1}/trends`, f.tokens.opA);
    expect(national.runOut.map((r) => r.area.code)).toEqual(['SE']);
    expect(
      (await get(`/api/picture/products/${f.packages.p1}/trends?region=01`, f.tokens.opA)).statusCode,
    ).toBe(403);
    // P3 is company C2's: C1 does not learn that it exists.
    const other = await get(`/api/picture/products/${f.packages.p3}/trends`, f.tokens.c1);
    expect(other.statusCode).toBe(404);
    const region = await trends(`/api/picture/products/${f.packages.p1}/trends?region=01`, f.tokens.region01);
    expect(region.runOut.map((r) => r.area.code)).toEqual(['SE', '01', '12']);
  });

  it('refuses a bad region code and an unknown package precisely', async () => {
    const bad = await get(`/api/picture/products/${f.packages.p1}/trends?region=1`, f.tokens.lv);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('region');
    expect((await get('/api/picture/products/999999/trends', f.tokens.lv)).statusCode).toBe(404);
    expect(
      (await get(`/api/picture/products/${f.packages.p1}/trends?region=99`, f.tokens.lv)).statusCode,
    ).toBe(404);
  });
});
