import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/api/app.js';
import type { Store } from '../../src/store/database.js';
import { refreshPicture } from '../../src/store/picture/refresh.js';
import {
  buildLocation,
  buildOrganisation,
  buildPackage,
  buildRegion,
  buildSales,
  buildStockSnapshot,
  buildToken,
  dailySales,
} from '../support/builders.js';
import { describeEach, testBackends } from '../support/databases.js';

const TODAY = '2026-03-01';

/*
 * Freshness and completeness (issue 8 item 3), today 2026-03-01 (Swedish time; counts in UTC below):
 *
 * region 01: A1 (pharmacy) counted yesterday 100 and again today 120: reported today, expected 100.
 *            A2 (pharmacy) counted yesterday 300.            W1 (warehouse) counted 2026-02-25, 6,000: stale.
 *            H1 (hospital pharmacy) counted today for the first time, 50: expected 50 (today's count).
 *            S1 (state security stock) counted yesterday 1,000 (classified).
 *            C1 (care-unit store) never reported.
 * region 12: B1 (pharmacy) counted yesterday 500.
 * Sales: the authority's totals of package P, 10 a day from 2026-01-01, in region 01 through 02-28 and
 * in region 12 through 02-21 (a week late: stale, lag 7). H1's own rows of package Q, 2 a day
 * 2026-02-01 .. 02-20 (its own sales 8 days behind: stale).
 *
 * Nationally, for an authority: 6 locations expected (C1 never reported), 2 counted today (A1, H1);
 * expected stock 100 + 300 + 6,000 + 50 + 500 = 6,950, of it 150 reported today (2.2 %): S1's 1,000
 * is reserve, not part of the day's picture, and weighs nothing (a share weighed by it would tell
 * those who may not see it that it exists). For a region (no preparedness stocks): 5 locations,
 * the same 6,950 expected.
 */
describeEach(testBackends())('freshness of the picture on $name', (backend) => {
  let store: Store;
  let app: App;
  let tokens: { lv: string; region01: string; company: string };
  let ids: Record<'a1' | 'a2' | 'w1' | 'h1' | 's1' | 'c1' | 'b1' | 'p' | 'q', number>;

  const json = async (url: string, token: string) => {
    const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode, `${url}: ${res.body.slice(0, 300)}`).toBe(200);
    return res.json();
  };

  beforeAll(async () => {
    store = await backend.open();
    const db = store.db;
    await buildRegion(db, { code: '01', name: 'Region Stockholm' });
    await buildRegion(db, { code: '12', name: 'Region Skåne' });
    const lv = await buildOrganisation(db, { kind: 'authority', code: 'LV' });
    const ehm = await buildOrganisation(db, { kind: 'authority', code: 'EHM' });
    const region01 = await buildOrganisation(db, { kind: 'region', code: 'REG-01', regionCode: '01' });
    const apo = await buildOrganisation(db, { kind: 'pharmacy_operator', code: 'APO' });
    const whs = await buildOrganisation(db, { kind: 'wholesaler', code: 'WHS' });
    const company = await buildOrganisation(db, { kind: 'company', code: 'CO' });
    const p = await buildPackage(db, company, { substance: 'paracetamol' });
    const q = await buildPackage(db, company, { substance: 'morfin', strength: '10 mg/ml' });
    const a1 = await buildLocation(db, apo, { regionCode: '01', name: 'Apotek A1' });
    const a2 = await buildLocation(db, apo, { regionCode: '01', name: 'Apotek A2' });
    const w1 = await buildLocation(db, whs, {
      regionCode: '01',
      kind: 'wholesaler_warehouse',
      name: 'Lager W1',
    });
    const h1 = await buildLocation(db, region01, {
      regionCode: '01',
      kind: 'hospital_pharmacy',
      name: 'Sjukhusapotek H1',
    });
    const s1 = await buildLocation(db, lv, {
      regionCode: '01',
      kind: 'state_security_stock',
      name: 'Säkerhetslager S1',
    });
    const c1 = await buildLocation(db, region01, {
      regionCode: '01',
      kind: 'care_unit_store',
      name: 'Förråd C1',
    });
    const b1 = await buildLocation(db, apo, { regionCode: '12', name: 'Apotek B1' });
    ids = { a1, a2, w1, h1, s1, c1, b1, p, q };
    const stock = (quantity: number, packageId = p) => [{ packageId, quantity, expiry: '2027-12-31' }];
    await buildStockSnapshot(db, a1, stock(100), '2026-02-28T07:00:00Z');
    await buildStockSnapshot(db, a1, stock(120), '2026-03-01T06:00:00Z');
    await buildStockSnapshot(db, a2, stock(300), '2026-02-28T08:00:00Z');
    await buildStockSnapshot(db, w1, stock(6000), '2026-02-25T05:00:00Z');
    await buildStockSnapshot(db, h1, stock(50, q), '2026-03-01T05:30:00Z');
    await buildStockSnapshot(db, s1, stock(1000), '2026-02-28T09:00:00Z');
    await buildStockSnapshot(db, b1, stock(500), '2026-02-28T10:00:00Z');
    await buildSales(db, dailySales(p, '01', '2026-01-01', '2026-02-28', 10), ehm);
    await buildSales(db, dailySales(p, '12', '2026-01-01', '2026-02-21', 10), ehm);
    await buildSales(db, dailySales(q, '01', '2026-02-01', '2026-02-20', 2, h1), region01);
    tokens = {
      lv: await buildToken(db, lv, 'analyst'),
      region01: await buildToken(db, region01, 'reader'),
      company: await buildToken(db, company, 'reader'),
    };
    await refreshPicture(store, { today: TODAY });
    app = await buildApp({ store, webDir: '/nonexistent' });
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  it('says on the overview how complete today’s picture is: 2 of 6 locations, 150 of 6,950 packs (the reserve weighs nothing)', async () => {
    const body = await json('/api/picture/overview', tokens.lv);
    expect(body.freshness.thresholds).toEqual({ staleSalesAfterDays: 3, staleStockAfterDays: 2 });
    expect(body.freshness.completeness).toEqual({
      locations: 6,
      reportedToday: 2,
      locationShare: 2 / 6,
      expectedStock: 6950,
      reportedStock: 150,
      stockShare: 150 / 6950,
      staleStock: 1,
      neverReported: 1,
    });
    expect(body.freshness.staleSalesRegions).toEqual(['12']);
  });

  it('leaves the preparedness stocks out of the completeness for those who may not know of them', async () => {
    const body = await json('/api/picture/overview', tokens.region01);
    expect(body.freshness.completeness).toMatchObject({
      locations: 5,
      reportedToday: 2,
      expectedStock: 6950,
      reportedStock: 150,
    });
    // A company sees the shares, not every reporter's stock in packages.
    const company = await json('/api/picture/overview', tokens.company);
    expect(company.freshness.completeness).toMatchObject({
      locationShare: 2 / 5,
      expectedStock: null,
      reportedStock: null,
      stockShare: 150 / 6950,
    });
  });

  it('gives a region’s overview its own completeness, and every region’s sales window', async () => {
    const body = await json('/api/picture/overview?region=12', tokens.lv);
    expect(body.freshness.completeness).toMatchObject({ locations: 1, reportedToday: 0, expectedStock: 500 });
    expect(
      body.byRegion.map((r: { freshness: { salesThrough: string } }) => r.freshness.salesThrough),
    ).toEqual(['2026-02-28', '2026-02-21']);
  });

  it('gives each region its last reported day of sales, flagging the one a week late', async () => {
    const body = await json('/api/picture/overview', tokens.lv);
    const [r01, r12] = body.byRegion;
    expect(r01.freshness).toMatchObject({
      salesThrough: '2026-02-28',
      windowEnd: '2026-02-28',
      salesLagDays: 0,
      salesStale: false,
      stockCountedUntil: '2026-03-01T06:00:00.000Z',
      completeness: { locations: 5, reportedToday: 2, expectedStock: 6450, reportedStock: 150 },
    });
    expect(r12.freshness).toMatchObject({
      salesThrough: '2026-02-21',
      windowEnd: '2026-02-21',
      salesLagDays: 7,
      salesStale: true,
      completeness: { locations: 1, reportedToday: 0, expectedStock: 500 },
    });
  });

  it('keeps the lagging region’s demand: 10 a day in region 12, 20 nationally', async () => {
    const r12 = await json(`/api/picture/items?level=region&region=12&package=${ids.p}`, tokens.lv);
    expect(r12.items[0].demand.perDay).toBe(10);
    const national = await json(`/api/picture/items?package=${ids.p}`, tokens.lv);
    expect(national.items[0].demand.perDay).toBe(20);
  });

  it('shows on the region page when each location last reported stock and its own sales', async () => {
    const body = await json('/api/picture/regions/01', tokens.lv);
    expect(body.freshnessThresholds).toEqual({ staleSalesAfterDays: 3, staleStockAfterDays: 2 });
    expect(body.freshness).toMatchObject({ salesThrough: '2026-02-28', salesStale: false });
    const of = (id: number) =>
      body.locations.find((l: { location: { id: number } }) => l.location.id === id).freshness;
    expect(of(ids.a1)).toEqual({
      stockCountedAt: '2026-03-01T06:00:00.000Z',
      stockStale: false,
      salesThrough: null,
      salesStale: null,
    });
    expect(of(ids.w1)).toEqual({
      stockCountedAt: '2026-02-25T05:00:00.000Z',
      stockStale: true,
      salesThrough: null,
      salesStale: null,
    });
    expect(of(ids.h1)).toEqual({
      stockCountedAt: '2026-03-01T05:30:00.000Z',
      stockStale: false,
      salesThrough: '2026-02-20',
      salesStale: true,
    });
    expect(of(ids.c1)).toEqual({
      stockCountedAt: null,
      stockStale: true,
      salesThrough: null,
      salesStale: null,
    });
  });

  it('shows another organisation’s locations without their freshness to a region', async () => {
    const body = await json('/api/picture/regions/01', tokens.region01);
    const a1 = body.locations.find((l: { location: { id: number } }) => l.location.id === ids.a1);
    expect(a1).toMatchObject({ detail: false, freshness: null });
    const h1 = body.locations.find((l: { location: { id: number } }) => l.location.id === ids.h1);
    expect(h1.freshness.salesThrough).toBe('2026-02-20');
  });

  it('estimates a location’s own demand to its own last reported day: 40 / 20 days = 2 a day', async () => {
    const body = await json(`/api/picture/locations/${ids.h1}`, tokens.lv);
    expect(body.freshness).toMatchObject({ salesThrough: '2026-02-20', salesStale: true });
    const item = body.items.find((i: { packageId: number }) => i.packageId === ids.q);
    // To 2026-02-28 it would read 40 / 28 = 1.43 a day: eight days of no sales that were not reported.
    expect(item).toMatchObject({ demandPerDay: 2, demandBasis: 'own_sales', coverageDays: 25 });
  });

  it('moves the completeness as reports come in: A2 counted today 310', async () => {
    await buildStockSnapshot(
      store.db,
      ids.a2,
      [{ packageId: ids.p, quantity: 310, expiry: '2027-12-31' }],
      '2026-03-01T07:00:00Z',
    );
    const result = await refreshPicture(store, { today: TODAY, locationIds: [ids.a2] });
    expect(result.mode).toBe('incremental');
    const body = await json('/api/picture/overview', tokens.lv);
    // Its expected stock is still what it held yesterday (300): 150 + 300 = 450 of 6,950.
    expect(body.freshness.completeness).toMatchObject({
      reportedToday: 3,
      expectedStock: 6950,
      reportedStock: 450,
    });
  });
});
