import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/api/app.js';
import { straightLineKm } from '../../src/domain/distance.js';
import type { Store } from '../../src/store/database.js';
import { refreshPicture } from '../../src/store/picture/refresh.js';
import { groupKey } from '../../src/domain/demand.js';
import { buildLocation, buildStockSnapshot } from '../support/builders.js';
import { buildPictureFixture, TODAY, type PictureFixture } from '../support/picture-fixture.js';
import { describeEach, testBackends } from '../support/databases.js';

/**
 * Issue 10 item 1, "Where is it?": every location holding a package or group that the caller may see
 * in detail, with quantity, lots, owner, days covered there and distance, sortable and exported.
 *
 * On the picture fixture (today 2026-03-01), with for this spec:
 * - A1 holds P1 100 expiring 2027-06-30 and 20 expiring 2026-03-03; A1 and A2 are region 01's two
 *   community pharmacies without sales of their own, each measured against half of region 01's 10 a
 *   day = 5 a day. A1's 20 expiring on 3 March are used 10 before they expire (first expiry first
 *   out, 1 and 2 March), so 110 of its 120 are usable: 22 days; A2 200 / 5 = 40 days.
 * - W1 (the wholesaler's warehouse, 600 P1) stands at 59.34 N 18.00 E: 2.2 km from Solna's seat
 *   (59.36 N 18.00 E); A1 and A2 have no coordinates and are placed at Stockholm's seat
 *   (59.33 N 18.07 E): 5.2 km from Solna.
 * - Region 01's own preparedness stock R1 holds 44,444 P1: reserve, shown to nobody without the
 *   preparedness tier; the state security stock S1 holds 1,000 P4 (the authority's).
 */
describeEach(testBackends())('where is it? on $name', (backend) => {
  let store: Store;
  let app: App;
  let f: PictureFixture;
  let r1: number;

  const get = (url: string, token: string) =>
    app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  const json = async (url: string, token: string) => {
    const res = await get(url, token);
    expect(res.statusCode, `${url}: ${res.body.slice(0, 300)}`).toBe(200);
    return res.json();
  };
  type Row = {
    location: { code: string; organisation: { name: string } };
    stock: { total: number; usable: number };
    lots: { expiry: string; quantity: number }[];
    coverageDays: number | null;
    demandPerDay: number | null;
    distanceKm: number | null;
    reserve: unknown;
  };
  const codes = (body: { items: Row[] }) => body.items.map((r) => r.location.code);

  beforeAll(async () => {
    store = await backend.open();
    f = await buildPictureFixture(store);
    await buildStockSnapshot(
      store.db,
      f.locations.a1,
      [
        { packageId: f.packages.p1, quantity: 100, expiry: '2027-06-30' },
        { packageId: f.packages.p1, quantity: 20, expiry: '2026-03-03' },
      ],
      '2026-02-01T06:00:00Z',
    );
    r1 = await buildLocation(store.db, f.orgs.region01, {
      code: 'SE-RBL-R1',
      name: 'Regionens beredskapslager',
      kind: 'regional_preparedness_stock',
      regionCode: '01',
      municipalityCode: '0180',
    });
    await buildStockSnapshot(store.db, r1, [
      { packageId: f.packages.p1, quantity: 44_444, expiry: '2027-01-31' },
    ]);
    await store.db
      .updateTable('location')
      .set({ latitude: 59.34, longitude: 18.0 })
      .where('id', '=', f.locations.w1)
      .execute();
    await refreshPicture(store, { today: TODAY, full: true });
    app = await buildApp({ store, webDir: '/nonexistent' });
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  it('lists every location holding a package with quantity, lots, owner and the days it covers there', async () => {
    const body = await json(`/api/picture/where?package=${f.packages.p1}&sort=coverage`, f.tokens.lv);
    expect(body.classification.code).toBe('protected');
    expect(body.item).toMatchObject({ kind: 'package', ref: String(f.packages.p1) });
    // The authority sees everything, the preparedness stock R1 too (its whole stock is reserve).
    expect(body.total).toBe(4);
    const byCode = new Map<string, Row>(body.items.map((r: Row) => [r.location.code, r]));
    expect(byCode.get('SE-APO-A1')).toMatchObject({
      location: { organisation: { name: 'Apotek A' } },
      // Of the 20 expiring on 3 March, 5 a day use 10 before then (1 and 2 March): 110 usable.
      stock: { total: 120, usable: 110 },
      lots: [
        { expiry: '2026-03-03', quantity: 20 },
        { expiry: '2027-06-30', quantity: 100 },
      ],
      demandPerDay: 5,
      demandBasis: 'region_share',
      coverageDays: 22,
      riskClass: 'low',
      distanceKm: null,
    });
    expect(byCode.get('SE-APO-A2')).toMatchObject({ stock: { total: 200 }, coverageDays: 40 });
    // A warehouse has no demand of its own to measure against: no coverage, listed after those with one.
    expect(byCode.get('SE-PHL-W1')).toMatchObject({
      stock: { total: 600 },
      coverageDays: null,
      demandBasis: 'no_basis',
    });
    expect(byCode.get('SE-RBL-R1')).toMatchObject({ stock: { total: 44_444 } });
    // Most days first, unknown last (ties: the most usable first).
    expect(codes(body)).toEqual(['SE-APO-A2', 'SE-APO-A1', 'SE-RBL-R1', 'SE-PHL-W1']);
  });

  it('orders by straight-line distance from a municipality, placing a location without coordinates at its municipality’s seat', async () => {
    const body = await json(`/api/picture/where?package=${f.packages.p1}&near=0184`, f.tokens.lv);
    expect(body.origin).toEqual({ kind: 'municipality', code: '0184', name: 'Solna', located: true });
    expect(body.sort).toBe('distance');
    const solna = { latitude: 59.36, longitude: 18.0 };
    const w1 = straightLineKm(solna, { latitude: 59.34, longitude: 18.0 });
    const stockholm = straightLineKm(solna, { latitude: 59.33, longitude: 18.07 });
    expect(w1).toBeCloseTo(2.224, 3);
    expect(stockholm).toBeCloseTo(5.184, 3);
    expect(body.items.map((r: Row) => [r.location.code, r.distanceKm])).toEqual([
      ['SE-PHL-W1', 2.2],
      // Same seat, same distance: the most usable stock first.
      ['SE-RBL-R1', 5.2],
      ['SE-APO-A2', 5.2],
      ['SE-APO-A1', 5.2],
    ]);
    // From a location: W1 itself is 0 km away.
    const fromW1 = await json(
      `/api/picture/where?package=${f.packages.p1}&nearLocation=${f.locations.w1}`,
      f.tokens.lv,
    );
    expect(fromW1.items[0]).toMatchObject({ location: { code: 'SE-PHL-W1' }, distanceKm: 0 });
    expect(fromW1.origin).toMatchObject({ kind: 'location', code: 'SE-PHL-W1' });
  });

  it('pages through every row and exports the same rows, in the same order', async () => {
    const first = await json(`/api/picture/where?package=${f.packages.p1}&near=0184&limit=2`, f.tokens.lv);
    const second = await json(
      `/api/picture/where?package=${f.packages.p1}&near=0184&limit=2&offset=2`,
      f.tokens.lv,
    );
    expect(first.total).toBe(4);
    expect([...codes(first), ...codes(second)]).toEqual(['SE-PHL-W1', 'SE-RBL-R1', 'SE-APO-A2', 'SE-APO-A1']);
    const csv = await get(
      `/api/picture/export/where?package=${f.packages.p1}&near=0184&format=csv`,
      f.tokens.lv,
    );
    expect(csv.statusCode).toBe(200);
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toContain('SKYDDAD');
    expect(lines[1]).toContain('Avstånd (km, fågelvägen)');
    expect(lines.slice(2).map((l) => l.split(';')[0])).toEqual([
      'SE-PHL-W1',
      'SE-RBL-R1',
      'SE-APO-A2',
      'SE-APO-A1',
    ]);
    expect(lines.find((l) => l.startsWith('SE-APO-A1'))).toContain('2026-03-03: 20, 2027-06-30: 100');
  });

  it('shows others only their own locations, and no preparedness stock to anyone without the right', async () => {
    const opA = await json(`/api/picture/where?package=${f.packages.p1}`, f.tokens.opA);
    expect(codes(opA).sort()).toEqual(['SE-APO-A1', 'SE-APO-A2']);
    const wholesaler = await json(`/api/picture/where?package=${f.packages.p1}`, f.tokens.wholesaler);
    expect(codes(wholesaler)).toEqual(['SE-PHL-W1']);
    // Region 01 owns R1, but a region's picture has no preparedness tier: R1 is on its location page only.
    const region = await json(`/api/picture/where?package=${f.packages.p1}`, f.tokens.region01);
    expect(region.total).toBe(0);
    expect(region.items).toEqual([]);
    expect(JSON.stringify(region)).not.toContain('44444');
    // P4 is held only in the state security stock: the authority sees it, a pharmacy operator nothing.
    const lv = await json(`/api/picture/where?package=${f.packages.p4}`, f.tokens.lv);
    expect(lv.items.map((r: Row) => [r.location.code, r.stock.total])).toEqual([['SE-BER-S1', 1000]]);
    const opP4 = await json(`/api/picture/where?package=${f.packages.p4}`, f.tokens.opA);
    expect(opP4).toMatchObject({ total: 0, items: [] });
  });

  it('lists a group’s packages at each location, within the region asked for', async () => {
    const morfin = groupKey({ substance: 'morfin', strength: '10 mg/ml', form: 'injektionsvätska, lösning' });
    const all = await json(`/api/picture/where?group=${encodeURIComponent(morfin)}&sort=name`, f.tokens.ct);
    expect(all.item.kind).toBe('group');
    expect(
      all.items.map((r: Row & { package: { id: number } }) => [r.location.code, r.package.id, r.stock.total]),
    ).toEqual([
      ['SE-APO-B1', f.packages.p3, 500],
      ['SE-SJH-H1', f.packages.p2, 30],
    ]);
    // H1 sells 2 a day of its own: 30 packages cover 15 days there.
    expect(all.items[1]).toMatchObject({ demandBasis: 'own_sales', demandPerDay: 2, coverageDays: 15 });
    const r12 = await json(`/api/picture/where?group=${encodeURIComponent(morfin)}&region=12`, f.tokens.ct);
    expect(codes(r12)).toEqual(['SE-APO-B1']);
    // The region sees its own hospital pharmacy only.
    const region = await json(`/api/picture/where?group=${encodeURIComponent(morfin)}`, f.tokens.region01);
    expect(codes(region)).toEqual(['SE-SJH-H1']);
  });

  it('lists the municipalities to measure from, by name, for the whole country or one region', async () => {
    const all = await json('/api/municipalities?limit=500', f.tokens.opA);
    expect(all.items).toEqual([
      { code: '0184', name: 'Solna', regionCode: '01', population: 10_000 },
      { code: '0180', name: 'Stockholm', regionCode: '01', population: 10_000 },
    ]);
    expect((await json('/api/municipalities?region=12', f.tokens.opA)).total).toBe(0);
    expect((await get('/api/municipalities?region=1', f.tokens.opA)).statusCode).toBe(400);
  });

  it('answers bad input with the field and what was expected, and another company’s package as not found', async () => {
    const none = await get('/api/picture/where', f.tokens.lv);
    expect(none.statusCode).toBe(400);
    expect(none.json().error.problems[0]).toMatchObject({ field: 'package' });
    const unknown = await get(`/api/picture/where?package=${f.packages.p1}&near=9999`, f.tokens.lv);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error).toMatchObject({ message: 'near: municipality 9999 is not known' });
    const both = await get(
      `/api/picture/where?package=${f.packages.p1}&near=0184&nearLocation=${f.locations.w1}`,
      f.tokens.lv,
    );
    expect(both.statusCode).toBe(400);
    expect(both.json().error.problems[0]).toMatchObject({ field: 'nearLocation' });
    // Another organisation's preparedness stock is not a place one may know.
    const hidden = await get(
      `/api/picture/where?package=${f.packages.p1}&nearLocation=${f.locations.s1}`,
      f.tokens.opA,
    );
    expect(hidden.statusCode).toBe(400);
    expect((await get(`/api/picture/where?package=${f.packages.p3}`, f.tokens.c1)).statusCode).toBe(404);
    const badSort = await get(`/api/picture/where?package=${f.packages.p1}&sort=price`, f.tokens.lv);
    expect(badSort.statusCode).toBe(400);
  });
});
