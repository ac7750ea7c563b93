import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { usableBeforeExpiry } from '../../src/domain/coverage.js';
import { regionalStock, wholesaleShareByRegion, type TierStock } from '../../src/domain/service-area.js';
import type { SupplyTier } from '../../src/domain/supply-tier.js';
import type { Store } from '../../src/store/database.js';
import { refreshPicture } from '../../src/store/picture/refresh.js';
import {
  findServiceArea,
  listServiceAreas,
  setServiceArea,
} from '../../src/store/service-area.repository.js';
import {
  buildExpectedDelivery,
  buildLocation,
  buildOrganisation,
  buildPackage,
  buildRegion,
  buildSales,
  buildStockDifference,
  buildStockSnapshot,
  dailySales,
} from '../support/builders.js';
import { describeEach, testBackends } from '../support/databases.js';

const TODAY = '2026-03-01';
const GROUP = 'paracetamol|500mg|tablett';

/**
 * Three regions: 01 (2.4 M inhabitants), 12 (1.4 M), 25 (0.25 M). Warehouse W stands in 01 and serves
 * the whole country (no master data); warehouse N stands in 25 and serves 12 and 25.
 * - P paracetamol 500 mg, packs of 100: 10 a day in 01, 20 in 12, none in 25. W holds 600, N 90,
 *   pharmacy A (01) 100. Shares of W: 01 10/30 → 200, 12 20/30 → 400; of N: 12 gets all 90 (25 has no
 *   demand). Region 01 counts 100 + 200 = 300 (30 days), 12 counts 400 + 90 = 490 (24.5 days); the
 *   nation 790 at 30 a day. Before: 01 counted 700 (70 days), 12 nothing (0 days, critical).
 * - Q the same paracetamol in packs of 50 (same group): 4 a day in 12 only; W holds 200 (all of it
 *   serves 12), pharmacy B (12) 40: region 12 counts 240 (60 days); region 01 has no Q item.
 * - R amoxicillin: sold nowhere; W holds 405, split by population: 240, 140 and 25.
 */
interface World {
  p: number;
  q: number;
  r: number;
  w: number;
  n: number;
  a: number;
  b: number;
  wholesaler: number;
}

async function buildWorld(store: Store): Promise<World> {
  const db = store.db;
  await buildRegion(db, { code: '01', name: 'Region Stockholm', population: 2_400_000 });
  await buildRegion(db, { code: '12', name: 'Region Skåne', population: 1_400_000 });
  await buildRegion(db, { code: '25', name: 'Region Norrbotten', population: 250_000 });
  const company = await buildOrganisation(db, { kind: 'company' });
  const wholesaler = await buildOrganisation(db, { kind: 'wholesaler' });
  const pharmacies = await buildOrganisation(db, { kind: 'pharmacy_operator' });
  const p = await buildPackage(db, company, { substance: 'paracetamol', strength: '500 mg', packSize: 100 });
  const q = await buildPackage(db, company, { substance: 'paracetamol', strength: '500 mg', packSize: 50 });
  const r = await buildPackage(db, company, {
    substance: 'amoxicillin',
    strength: '500 mg',
    form: 'kapsel',
    atcCode: 'J01CA04',
  });
  const w = await buildLocation(db, wholesaler, { kind: 'wholesaler_warehouse', regionCode: '01' });
  const n = await buildLocation(db, wholesaler, { kind: 'wholesaler_warehouse', regionCode: '25' });
  const a = await buildLocation(db, pharmacies, { regionCode: '01' });
  const b = await buildLocation(db, pharmacies, { regionCode: '12' });
  await setServiceArea(db, n, ['25', '12']);
  await buildStockSnapshot(db, w, [
    { packageId: p, quantity: 600, expiry: '2028-01-31' },
    { packageId: q, quantity: 200, expiry: '2028-01-31' },
    { packageId: r, quantity: 405, expiry: '2028-01-31' },
  ]);
  await buildStockSnapshot(db, n, [{ packageId: p, quantity: 90, expiry: '2028-01-31' }]);
  await buildStockSnapshot(db, a, [{ packageId: p, quantity: 100, expiry: '2028-01-31' }]);
  await buildStockSnapshot(db, b, [{ packageId: q, quantity: 40, expiry: '2028-01-31' }]);
  await buildSales(db, [
    ...dailySales(p, '01', '2025-01-01', '2026-02-28', 10),
    ...dailySales(p, '12', '2025-01-01', '2026-02-28', 20),
    ...dailySales(q, '12', '2025-01-01', '2026-02-28', 4),
  ]);
  await refreshPicture(store, { today: TODAY });
  return { p, q, r, w, n, a, b, wholesaler };
}

async function items(store: Store, kind: 'package' | 'group', ref: string | number) {
  const rows = await store.db
    .selectFrom('picture_item')
    .select([
      'area_code',
      'total_stock',
      'usable_stock',
      'demand_per_day',
      'coverage_days',
      'risk_class',
      'incoming',
    ])
    .where('kind', '=', kind)
    .where('ref', '=', String(ref))
    .orderBy('area_code')
    .execute();
  return Object.fromEntries(rows.map(({ area_code, ...rest }) => [area_code, rest]));
}

async function dump(store: Store) {
  const [stock, wholesale, items, demand, counts] = await Promise.all([
    store.db
      .selectFrom('picture_stock')
      .selectAll()
      .orderBy('package_id')
      .orderBy('area_code')
      .orderBy('tier')
      .execute(),
    store.db
      .selectFrom('picture_wholesale_stock')
      .selectAll()
      .orderBy('package_id')
      .orderBy('area_key')
      .execute(),
    store.db
      .selectFrom('picture_item')
      .selectAll()
      .orderBy('kind')
      .orderBy('ref')
      .orderBy('area_code')
      .execute(),
    store.db.selectFrom('picture_demand').selectAll().orderBy('package_id').orderBy('region_code').execute(),
    store.db.selectFrom('picture_count').selectAll().orderBy('area_code').orderBy('kind').execute(),
  ]);
  return { stock, wholesale, items, demand, counts };
}

/**
 * The domain's answer for every region item of a package, from the facts the picture holds: the
 * tiers held in each region, each warehouse's stock with its service area, the regions' demand.
 */
async function domainRegionalStock(store: Store, packageId: number) {
  const regions = await sql<{ code: string; population: number; per_day: number | null }>`
    SELECT r.code::text AS code, r.population, d.per_day FROM region r
    LEFT JOIN picture_demand d ON d.region_code = r.code AND d.package_id = ${packageId}
    ORDER BY r.code`.execute(store.db);
  const served = regions.rows.map((r) => ({
    code: r.code,
    population: Number(r.population),
    demandPerDay: Number(r.per_day ?? 0),
  }));
  const warehouses = await sql<{ location_id: number; quantity: number }>`
    SELECT e.location_id, sum(e.quantity) AS quantity FROM current_stock_entry e
    JOIN location l ON l.id = e.location_id
    WHERE l.kind = 'wholesaler_warehouse' AND e.package_id = ${packageId}
    GROUP BY e.location_id`.execute(store.db);
  const holdings = await Promise.all(
    warehouses.rows.map(async (h) => ({
      serves: (await findServiceArea(store.db, h.location_id)).regions,
      total: Number(h.quantity),
      usable: Number(h.quantity),
    })),
  );
  const shares = wholesaleShareByRegion(holdings, served);
  const held = await store.db
    .selectFrom('picture_stock')
    .select(['area_code', 'tier', 'total', 'usable'])
    .where('package_id', '=', packageId)
    .execute();
  const result: Record<string, number> = {};
  for (const r of served) {
    const tiers: TierStock[] = held
      .filter((h) => h.area_code === r.code)
      .map((h) => ({ tier: h.tier as SupplyTier, total: Number(h.total), usable: Number(h.usable) }));
    const stock = regionalStock(tiers, shares.get(r.code) ?? { total: 0, usable: 0 });
    if (stock.total !== 0) result[r.code] = stock.usable;
  }
  return result;
}

describeEach(testBackends())('picture on $name: wholesale stock serves an area', (backend) => {
  let store: Store;
  let x: World;

  beforeAll(async () => {
    store = await backend.open();
    x = await buildWorld(store);
  });
  afterAll(async () => {
    await store.close();
  });

  it('counts in each region its share of the warehouses serving it, by its share of their demand', async () => {
    const p = await items(store, 'package', x.p);
    expect(p['01']).toMatchObject({
      usable_stock: 300,
      demand_per_day: 10,
      coverage_days: 30,
      risk_class: 'adequate',
    });
    expect(p['12']).toMatchObject({
      usable_stock: 490,
      demand_per_day: 20,
      coverage_days: 24.5,
      risk_class: 'low',
    });
    // Region 25 holds N's 90 but neither needs P nor gets a share: no item.
    expect(p['25']).toBeUndefined();
    // The nation's stock is the nation's: 600 + 90 + 100.
    expect(p.SE).toMatchObject({ usable_stock: 790, demand_per_day: 30 });
    // Q's warehouse stock all serves 12, the only region buying it; 01, where it stands, has no item.
    const q = await items(store, 'package', x.q);
    expect(Object.keys(q)).toEqual(['12', 'SE']);
    expect(q['12']).toMatchObject({ usable_stock: 240, demand_per_day: 4, coverage_days: 60 });
  });

  it('splits the stock of a package nobody buys by population, and the regions add up to the nation', async () => {
    const r = await items(store, 'package', x.r);
    expect(Number(r['01']?.usable_stock)).toBeCloseTo(240, 6);
    expect(Number(r['12']?.usable_stock)).toBeCloseTo(140, 6);
    expect(Number(r['25']?.usable_stock)).toBeCloseTo(25, 6);
    expect(r['01']?.risk_class).toBe('no_demand');
    for (const id of [x.p, x.q, x.r]) {
      const all = await items(store, 'package', id);
      const regions = Object.entries(all)
        .filter(([area]) => area !== 'SE')
        .reduce((sum, [, i]) => sum + Number(i.total_stock), 0);
      expect(regions, `package ${id}`).toBeCloseTo(Number(all.SE?.total_stock), 5);
    }
  });

  it('counts a group’s regional stock in units from its members’ shares', async () => {
    const g = await items(store, 'group', GROUP);
    // 01: P 300 × 100; 12: P 490 × 100 + Q 240 × 50 = 61,000 at 20 × 100 + 4 × 50 = 2,200 a day.
    expect(g['01']).toMatchObject({ usable_stock: 30_000, demand_per_day: 1000, coverage_days: 30 });
    expect(g['12']).toMatchObject({ usable_stock: 61_000, demand_per_day: 2200 });
    expect(Number(g['12']?.coverage_days)).toBeCloseTo(61_000 / 2200, 9);
  });

  it('agrees with the domain’s wholesaleShareByRegion and regionalStock for every region item', async () => {
    for (const id of [x.p, x.q, x.r]) {
      const all = await items(store, 'package', id);
      const sqlStock = Object.fromEntries(
        Object.entries(all)
          .filter(([area]) => area !== 'SE')
          .map(([area, i]) => [area, Number(i.usable_stock)]),
      );
      const domain = await domainRegionalStock(store, id);
      expect(Object.keys(sqlStock).sort(), `package ${id}`).toEqual(Object.keys(domain).sort());
      for (const [area, usable] of Object.entries(domain)) {
        expect(sqlStock[area], `package ${id} in ${area}`).toBeCloseTo(usable, 6);
      }
    }
  });

  it('counts a delivery to a warehouse in the regions it serves, by their shares', async () => {
    await buildExpectedDelivery(store.db, x.wholesaler, x.p, '2026-03-20', 300, x.w);
    await refreshPicture(store, { today: TODAY, packageIds: [x.p] });
    const p = await items(store, 'package', x.p);
    // 01: 10/30 of 300, 12: 20/30; the nation all of it.
    expect(Number(p['01']?.incoming)).toBeCloseTo(100, 9);
    expect(Number(p['12']?.incoming)).toBeCloseTo(200, 9);
    expect(Number(p.SE?.incoming)).toBe(300);
  });

  it('moves every served region’s share when a warehouse reports, ending where a full refresh ends', async () => {
    // W counts P at 300 (was 600): 01 gets 100, 12 200 + N's 90.
    await buildStockSnapshot(
      store.db,
      x.w,
      [
        { packageId: x.p, quantity: 300, expiry: '2028-01-31' },
        { packageId: x.q, quantity: 200, expiry: '2028-01-31' },
        { packageId: x.r, quantity: 405, expiry: '2028-01-31' },
      ],
      '2026-02-28T20:00:00Z',
    );
    const incremental = await refreshPicture(store, { today: TODAY, locationIds: [x.w] });
    expect(incremental.mode).toBe('incremental');
    const p = await items(store, 'package', x.p);
    expect(p['01']).toMatchObject({ usable_stock: 200, coverage_days: 20 });
    expect(p['12']).toMatchObject({ usable_stock: 290, coverage_days: 14.5 });
    const after = await dump(store);
    await refreshPicture(store, { today: TODAY, full: true });
    expect(await dump(store)).toEqual(after);
  });

  it('moves the shares when demand changes, with a member’s stock moving in the same refresh, ending where a full refresh ends', async () => {
    // P starts selling in 25 (5 a day in February): P's fractions change in both areas, and its items
    // and group are rebuilt; at the same time pharmacy B's Q (same group) moves by +10 and N reports.
    await buildSales(store.db, dailySales(x.p, '25', '2026-02-01', '2026-02-28', 5));
    await buildStockDifference(
      store.db,
      x.b,
      [{ packageId: x.q, quantity: 10, expiry: '2028-01-31' }],
      '2026-02-28T21:00:00Z',
    );
    await buildStockDifference(
      store.db,
      x.n,
      [{ packageId: x.p, quantity: -30, expiry: '2028-01-31' }],
      '2026-02-28T21:00:00Z',
    );
    const incremental = await refreshPicture(store, {
      today: TODAY,
      locationIds: [x.b, x.n],
      packageIds: [x.p],
    });
    expect(incremental.mode).toBe('incremental');
    const p = await items(store, 'package', x.p);
    // W 300 split 10 : 20 : 5 of 35; N 60 split 20 : 5 of 25 between 12 and 25; A's 100 in 01.
    expect(Number(p['01']?.usable_stock)).toBeCloseTo(100 + 300 * (10 / 35), 5);
    expect(Number(p['12']?.usable_stock)).toBeCloseTo(300 * (20 / 35) + 60 * (20 / 25), 5);
    expect(Number(p['25']?.usable_stock)).toBeCloseTo(300 * (5 / 35) + 60 * (5 / 25), 5);
    const after = await dump(store);
    await refreshPicture(store, { today: TODAY, full: true });
    expect(await dump(store)).toEqual(after);
  });

  /** W counts 450 of P and 150 of Q, all expiring in 2028. */
  const warehouseCounts450 = (w: number) =>
    buildStockSnapshot(
      store.db,
      w,
      [
        { packageId: x.p, quantity: 450, expiry: '2028-01-31' },
        { packageId: x.q, quantity: 150, expiry: '2028-01-31' },
      ],
      '2026-02-28T22:00:00Z',
    );
  /** A counts 80 of P, expiring in 2028. */
  const pharmacyCounts80 = (a: number, at: string) =>
    buildStockSnapshot(store.db, a, [{ packageId: x.p, quantity: 80, expiry: '2028-01-31' }], at);

  it('rebuilds a wave of reports with a warehouse among them, ending where a full refresh ends', async () => {
    await warehouseCounts450(x.w);
    await pharmacyCounts80(x.a, '2026-02-28T22:00:00Z');
    const wave = await refreshPicture(store, { today: TODAY, locationIds: [x.w, x.a], deltaLimit: 1 });
    expect(wave.mode).toBe('stock');
    const after = await dump(store);
    await refreshPicture(store, { today: TODAY, full: true });
    expect(await dump(store)).toEqual(after);
  });

  it('rebuilds instead of moving a report that would move more item rows than deltaItemLimit (a warehouse feeds every region), ending where a full refresh ends', async () => {
    // W's two lines feed every region and the nation: 2 × (regions + 1) item rows, above 3.
    await warehouseCounts450(x.w);
    const warehouse = await refreshPicture(store, { today: TODAY, locationIds: [x.w], deltaItemLimit: 3 });
    expect(warehouse.mode).toBe('stock');
    const after = await dump(store);
    await refreshPicture(store, { today: TODAY, full: true });
    expect(await dump(store)).toEqual(after);
    // A's one line feeds its region and the nation: 2 item rows, moved.
    await pharmacyCounts80(x.a, '2026-02-28T23:00:00Z');
    const pharmacy = await refreshPicture(store, { today: TODAY, locationIds: [x.a], deltaItemLimit: 3 });
    expect(pharmacy.mode).toBe('incremental');
  });

  it('draws a region’s usable stock from its share of each lot of the warehouses serving it, first expiry first out', async () => {
    // W's 450 of P again, but 300 of them now expire in 5 days: its total, and so every region's
    // share of it, is unchanged; what the regions can use before expiry is not.
    await buildStockSnapshot(
      store.db,
      x.w,
      [
        { packageId: x.p, quantity: 300, expiry: '2026-03-06' },
        { packageId: x.p, quantity: 150, expiry: '2028-01-31' },
        { packageId: x.q, quantity: 150, expiry: '2028-01-31' },
      ],
      '2026-02-28T23:00:00Z',
    );
    const incremental = await refreshPicture(store, { today: TODAY, locationIds: [x.w] });
    expect(incremental.mode).toBe('incremental');
    const demand = await store.db
      .selectFrom('picture_demand')
      .select(['region_code', 'per_day'])
      .where('package_id', '=', x.p)
      .execute();
    const perDay = new Map(demand.map((d) => [d.region_code, Number(d.per_day)]));
    const all = [...perDay.values()].reduce((sum, d) => sum + d, 0);
    const p = await items(store, 'package', x.p);
    // Region 01: A's 80 (2028) and its share of each of W's lots, at its own demand (W serves all).
    const d01 = perDay.get('01') ?? 0;
    const f01 = d01 / all;
    const lots01 = [
      { expiry: '2028-01-31', quantity: 80 },
      { expiry: '2026-03-06', quantity: 300 * f01 },
      { expiry: '2028-01-31', quantity: 150 * f01 },
    ];
    const usable01 = usableBeforeExpiry(lots01, d01, TODAY, 0);
    expect(usable01).toBeLessThan(80 + 450 * f01 - 1);
    expect(Number(p['01']?.total_stock)).toBeCloseTo(80 + 450 * f01, 5);
    expect(Number(p['01']?.usable_stock)).toBeCloseTo(usable01, 5);
    // Region 25 holds nothing itself: its share of W's lots and of N's 60 (2028).
    const d25 = perDay.get('25') ?? 0;
    const f25 = d25 / all;
    const n25 = d25 / (d25 + (perDay.get('12') ?? 0));
    const usable25 = usableBeforeExpiry(
      [
        { expiry: '2026-03-06', quantity: 300 * f25 },
        { expiry: '2028-01-31', quantity: 150 * f25 + 60 * n25 },
      ],
      d25,
      TODAY,
      0,
    );
    expect(Number(p['25']?.usable_stock)).toBeCloseTo(usable25, 5);
    const after = await dump(store);
    await refreshPicture(store, { today: TODAY, full: true });
    expect(await dump(store)).toEqual(after);
  });
});

describeEach(testBackends())('service areas on $name (master data)', (backend) => {
  let store: Store;
  let w: number;
  let pharmacy: number;

  beforeAll(async () => {
    store = await backend.open();
    for (const code of ['01', '12', '25']) await buildRegion(store.db, { code, name: `Region ${code}` });
    const wholesaler = await buildOrganisation(store.db, { kind: 'wholesaler' });
    w = await buildLocation(store.db, wholesaler, { code: 'SE-WHS-0001', kind: 'wholesaler_warehouse' });
    pharmacy = await buildLocation(store.db, wholesaler, { code: 'SE-APO-0001' });
  });
  afterAll(async () => {
    await store.close();
  });

  it('serves the whole country until the master data says otherwise', async () => {
    expect(await findServiceArea(store.db, w)).toEqual({
      locationId: w,
      locationCode: 'SE-WHS-0001',
      regions: null,
    });
  });

  it('sets and reads the regions a warehouse serves, and every region is the whole country again', async () => {
    expect((await setServiceArea(store.db, w, ['25', '12', '25'])).regions).toEqual(['12', '25']);
    expect((await findServiceArea(store.db, w)).regions).toEqual(['12', '25']);
    expect(await listServiceAreas(store.db)).toEqual([
      { locationId: w, locationCode: 'SE-WHS-0001', regions: ['12', '25'] },
    ]);
    expect((await setServiceArea(store.db, w, ['01', '12', '25'])).regions).toBeNull();
    expect((await findServiceArea(store.db, w)).regions).toBeNull();
    await setServiceArea(store.db, w, ['12']);
    expect((await setServiceArea(store.db, w, null)).regions).toBeNull();
  });

  it('refuses an unknown region, an empty list and a location that is not a warehouse, changing nothing', async () => {
    await setServiceArea(store.db, w, ['12']);
    await expect(setServiceArea(store.db, w, ['12', '99', 'x'])).rejects.toMatchObject({
      kind: 'invalid',
      message: 'warehouse SE-WHS-0001: 99 is not a region; x is not a region',
      problems: [
        {
          at: 'regions[1]',
          field: 'regions',
          value: '99',
          expected: 'a region code, e.g. 01 or 25',
          message: '99 is not a region',
        },
        {
          at: 'regions[2]',
          field: 'regions',
          value: 'x',
          expected: 'a region code, e.g. 01 or 25',
          message: 'x is not a region',
        },
      ],
    });
    await expect(setServiceArea(store.db, w, [])).rejects.toMatchObject({ kind: 'invalid' });
    await expect(setServiceArea(store.db, pharmacy, ['12'])).rejects.toMatchObject({ kind: 'not_found' });
    await expect(setServiceArea(store.db, 999_999, ['12'])).rejects.toMatchObject({ kind: 'not_found' });
    expect((await findServiceArea(store.db, w)).regions).toEqual(['12']);
  });
});
