import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { groupKey } from '../../src/domain/demand.js';
import { splitStock } from '../../src/domain/reserve.js';
import { supplyTierOf } from '../../src/domain/supply-tier.js';
import type { Store } from '../../src/store/database.js';
import { backfillStockHistory, refreshPicture } from '../../src/store/picture/refresh.js';
import type { LocationKind } from '../../src/store/schema.js';
import {
  buildLocation,
  buildPackage,
  buildSales,
  buildStockDifference,
  buildStockSnapshot,
  dailySales,
} from '../support/builders.js';
import { buildPictureFixture, TODAY, type PictureFixture } from '../support/picture-fixture.js';
import { describeEach, testBackends } from '../support/databases.js';

/**
 * Issue 8 item 5: the picture's aggregates keep everyday stock (levels 1–2 outside the preparedness
 * tier) and reserve (everything at a preparedness stock, level 3 or 4 anywhere) apart, and its items
 * count everyday stock only. On the picture fixture (today 2026-03-01, minimum remaining shelf life 0
 * days: picture_stock.usable is what can still be dispensed today), plus:
 * - W1 (wholesaler, region 01): 500 of P1 at level 3 beside its 600, then a difference: −100 at
 *   level 1 and +50 at level 3 → everyday 500, reserve 550;
 * - H1 (hospital pharmacy, 01): 7 of P2 at level 4 beside its 30 → everyday 30, reserve 7;
 * - R1, region 01's own regional preparedness stock: 40 of P2 at level 2 expiring 2026-03-10 (not
 *   usable) and 60 usable → reserve 100, all of it still dispensable today;
 * - S1 (state security stock, 01) keeps 1,000 of P4 at level 1: reserve all the same.
 */

interface StockRow {
  package_id: number;
  area_code: string;
  tier: string;
  reserve: boolean;
  total: number;
  usable: number;
  locations: number;
}

async function stockRows(store: Store): Promise<StockRow[]> {
  const rows = await sql<StockRow>`
    SELECT package_id::int AS package_id, area_code, tier, reserve, total::float8 AS total,
           usable::float8 AS usable, locations
    FROM picture_stock ORDER BY package_id, area_code, tier, reserve`.execute(store.db);
  return rows.rows;
}

async function dump(store: Store) {
  const [stock, items, counts] = await Promise.all([
    stockRows(store),
    store.db.selectFrom('picture_item').selectAll().orderBy(['kind', 'ref', 'area_code']).execute(),
    store.db.selectFrom('picture_count').selectAll().orderBy(['area_code', 'kind']).execute(),
  ]);
  return { stock, items, counts };
}

/** The domain's split (splitStock) of every location's current stock lines, summed per area and tier. */
async function expectedStock(store: Store, cutOff: string): Promise<StockRow[]> {
  const lines = await sql<{
    location_id: number;
    package_id: number;
    region_code: string;
    kind: LocationKind;
    stock_level: number;
    quantity: number;
    expiry: string | null;
  }>`
    SELECT e.location_id::int AS location_id, e.package_id::int AS package_id,
           l.region_code::text AS region_code, l.kind, e.stock_level, e.quantity::float8 AS quantity,
           e.expiry::text AS expiry
    FROM current_stock_entry e JOIN location l ON l.id = e.location_id`.execute(store.db);
  const byLocation = new Map<string, typeof lines.rows>();
  for (const line of lines.rows) {
    const k = `${line.location_id}:${line.package_id}`;
    byLocation.set(k, [...(byLocation.get(k) ?? []), line]);
  }
  const rows = new Map<string, StockRow>();
  const add = (base: Omit<StockRow, 'total' | 'usable' | 'locations'>, total: number, usable: number) => {
    const k = `${base.package_id}:${base.area_code}:${base.tier}:${base.reserve}`;
    const row = rows.get(k) ?? { ...base, total: 0, usable: 0, locations: 0 };
    row.total += total;
    row.usable += usable;
    if (total > 0) row.locations += 1;
    rows.set(k, row);
  };
  for (const group of byLocation.values()) {
    const first = group[0]!;
    const split = splitStock(
      group.map((l) => ({
        locationKind: l.kind,
        stockLevel: l.stock_level,
        quantity: l.quantity,
        usable: l.expiry === null || l.expiry > cutOff,
      })),
    );
    const tier = supplyTierOf(first.kind);
    for (const area of [first.region_code, 'SE']) {
      for (const reserve of [false, true]) {
        const part = reserve ? split.reserve : split.everyday;
        const hasLines = group.some(
          (l) => reserve === (supplyTierOf(l.kind) === 'preparedness' || l.stock_level >= 3),
        );
        if (hasLines)
          add({ package_id: first.package_id, area_code: area, tier, reserve }, part.total, part.usable);
      }
    }
  }
  return [...rows.values()]
    .filter((r) => r.total !== 0 || r.usable !== 0 || r.locations > 0)
    .sort(
      (a, b) =>
        a.package_id - b.package_id ||
        (a.area_code < b.area_code ? -1 : a.area_code > b.area_code ? 1 : 0) ||
        (a.tier < b.tier ? -1 : a.tier > b.tier ? 1 : 0) ||
        Number(a.reserve) - Number(b.reserve),
    );
}

describeEach(testBackends())('everyday stock and reserve in the picture on $name', (backend) => {
  let store: Store;
  let f: PictureFixture;
  let r1: number;

  beforeAll(async () => {
    store = await backend.open();
    f = await buildPictureFixture(store);
    const db = store.db;
    r1 = await buildLocation(db, f.orgs.region01, {
      code: 'SE-RBL-R1',
      kind: 'regional_preparedness_stock',
      regionCode: '01',
      municipalityCode: '0184',
    });
    await buildStockSnapshot(db, f.locations.w1, [
      { packageId: f.packages.p1, quantity: 600, expiry: '2028-01-31' },
      { packageId: f.packages.p1, quantity: 500, expiry: '2029-06-30', stockLevel: 3, batch: 'S3' },
    ]);
    await buildStockDifference(
      db,
      f.locations.w1,
      [
        { packageId: f.packages.p1, quantity: -100, expiry: '2028-01-31' },
        { packageId: f.packages.p1, quantity: 50, expiry: '2029-06-30', stockLevel: 3, batch: 'S3' },
      ],
      '2026-02-20T08:00:00Z',
    );
    await buildStockSnapshot(db, f.locations.h1, [
      { packageId: f.packages.p2, quantity: 30, expiry: '2027-01-31' },
      { packageId: f.packages.p2, quantity: 7, expiry: '2027-01-31', stockLevel: 4, batch: 'P4' },
    ]);
    await buildStockSnapshot(db, r1, [
      { packageId: f.packages.p2, quantity: 40, expiry: '2026-03-10', stockLevel: 2, batch: 'R-a' },
      { packageId: f.packages.p2, quantity: 60, expiry: '2027-01-31', stockLevel: 2, batch: 'R-b' },
    ]);
    await refreshPicture(store, { today: TODAY, full: true });
  });
  afterAll(async () => {
    await store.close();
  });

  it('keeps everyday stock and reserve apart per area and tier, as the domain splits them', async () => {
    const rows = await stockRows(store);
    expect(rows).toEqual(await expectedStock(store, '2026-03-01'));
    const of = (p: number, area: string, tier: string, reserve: boolean) =>
      rows.find(
        (r) => r.package_id === p && r.area_code === area && r.tier === tier && r.reserve === reserve,
      );
    // W1: everyday 600 − 100 = 500; reserve 500 + 50 = 550 (level 3 at a wholesaler).
    expect(of(f.packages.p1, '01', 'wholesale', false)).toMatchObject({ total: 500, locations: 1 });
    expect(of(f.packages.p1, '01', 'wholesale', true)).toMatchObject({
      total: 550,
      usable: 550,
      locations: 1,
    });
    // H1: everyday 30; reserve 7 (level 4). R1: all reserve, all of its 100 still dispensable today
    // (the 40 expiring 2026-03-10 too: the minimum remaining shelf life is 0 days).
    expect(of(f.packages.p2, '01', 'hospital_pharmacy', true)).toMatchObject({ total: 7 });
    expect(of(f.packages.p2, '01', 'preparedness', true)).toMatchObject({ total: 100, usable: 100 });
    // S1's level-1 stock is reserve too: everything at a preparedness stock is.
    expect(of(f.packages.p4, 'SE', 'preparedness', true)).toMatchObject({ total: 1000 });
    expect(rows.filter((r) => r.tier === 'preparedness' && !r.reserve)).toEqual([]);
  });

  it('counts everyday stock only in the items', async () => {
    const item = (kind: 'package' | 'group', ref: string, area: string) =>
      store.db
        .selectFrom('picture_item')
        .select(['total_stock', 'usable_stock', 'coverage_days', 'risk_class'])
        .where('kind', '=', kind)
        .where('ref', '=', ref)
        .where('area_code', '=', area)
        .executeTakeFirst();
    // P1 nationally: A1 100 + A2 200 + W1 500 = 800 (the 550 reserve is not in it). In 01: A1 and A2
    // plus its share of W1's everyday 500 (W1 serves the country; 01 has a third of the demand,
    // item 11): 300 + 166.67 = 466.67 at 10 a day = 46.7 days.
    expect(await item('package', String(f.packages.p1), 'SE')).toMatchObject({ total_stock: 800 });
    const p1in01 = await item('package', String(f.packages.p1), '01');
    expect(Number(p1in01?.total_stock)).toBeCloseTo(300 + 500 / 3, 4);
    expect(Number(p1in01?.coverage_days)).toBeCloseTo((300 + 500 / 3) / 10, 4);
    // P2 in 01: H1's 30 at 5 a day = 6 days, critical: neither H1's level 4 nor R1's 100 counts.
    expect(await item('package', String(f.packages.p2), '01')).toMatchObject({
      total_stock: 30,
      coverage_days: 6,
      risk_class: 'critical',
    });
    // P4: only in the state security stock and never sold: no item anywhere.
    expect(await item('package', String(f.packages.p4), 'SE')).toBeUndefined();
  });

  it('keeps the reserve out of the stock history, recorded and backfilled', async () => {
    const today = await sql<{ total: number }>`
      SELECT total::float8 AS total FROM picture_stock_history
      WHERE package_id = ${f.packages.p1} AND on_date = ${TODAY}::date`.execute(store.db);
    expect(today.rows).toEqual([{ total: 800 }]);
    await backfillStockHistory(store, ['2026-02-25']);
    const day = await sql<{ package_id: number; total: number }>`
      SELECT package_id::int AS package_id, total::float8 AS total FROM picture_stock_history
      WHERE on_date = '2026-02-25' ORDER BY package_id`.execute(store.db);
    // On 2026-02-25 W1 counted 600 (its difference of the 20th adds −100): 100 + 200 + 500.
    expect(day.rows.find((r) => r.package_id === f.packages.p1)?.total).toBe(800);
    expect(day.rows.find((r) => r.package_id === f.packages.p2)?.total).toBe(30);
    expect(day.rows.find((r) => r.package_id === f.packages.p4)).toBeUndefined();
  });

  it('ends an incremental refresh and a stock rebuild where a full refresh ends, reserve moving too', async () => {
    // S1 now holds P1 at level 3 as well; R1 sells off 30 of P2; W1 moves 20 of P1 from level 1 to 3.
    await buildStockSnapshot(
      store.db,
      f.locations.s1,
      [
        { packageId: f.packages.p4, quantity: 1000, expiry: '2029-01-31' },
        { packageId: f.packages.p1, quantity: 2500, expiry: '2029-01-31', stockLevel: 3 },
      ],
      '2026-02-28T10:00:00Z',
    );
    await buildStockDifference(
      store.db,
      r1,
      [{ packageId: f.packages.p2, quantity: -30, expiry: '2027-01-31', stockLevel: 2, batch: 'R-b' }],
      '2026-02-28T11:00:00Z',
    );
    await buildStockDifference(
      store.db,
      f.locations.w1,
      [
        { packageId: f.packages.p1, quantity: -20, expiry: '2028-01-31' },
        { packageId: f.packages.p1, quantity: 20, expiry: '2028-01-31', stockLevel: 3, batch: 'S3' },
      ],
      '2026-02-28T12:00:00Z',
    );
    const locationIds = [f.locations.s1, r1, f.locations.w1];
    const incremental = await refreshPicture(store, { today: TODAY, locationIds });
    expect(incremental.mode).toBe('incremental');
    const after = await dump(store);
    const p1 = after.items.find(
      (i) => i.kind === 'package' && i.ref === String(f.packages.p1) && i.area_code === '01',
    );
    // 100 + 200 + a third of W1's everyday 480; S1's 2,500 and W1's 570 are reserve.
    expect(Number(p1?.total_stock)).toBeCloseTo(300 + 480 / 3, 4);
    const p1se = after.items.find(
      (i) => i.kind === 'package' && i.ref === String(f.packages.p1) && i.area_code === 'SE',
    );
    expect(p1se).toMatchObject({ total_stock: 780 });
    expect(after.stock).toEqual(await expectedStock(store, '2026-03-01'));

    const wave = await refreshPicture(store, { today: TODAY, locationIds, deltaLimit: 1 });
    expect(wave.mode).toBe('stock');
    expect(await dump(store)).toEqual(after);
    await refreshPicture(store, { today: TODAY, full: true });
    expect(await dump(store)).toEqual(after);
  });
});

describeEach(testBackends())('human and veterinary packages in the picture on $name', (backend) => {
  let store: Store;
  let f: PictureFixture;

  beforeAll(async () => {
    store = await backend.open();
    f = await buildPictureFixture(store);
  });
  afterAll(async () => {
    await store.close();
  });

  it('never puts a veterinary package in a group with human packages', async () => {
    // Amoxicillin 500 mg kapsel, like P4, but for animals: 20 a day in region 12, 400 at B1.
    const vet = await buildPackage(store.db, f.orgs.c2, {
      name: 'Amoxicillin vet.',
      substance: 'Amoxicillin',
      strength: '500 mg',
      form: 'Kapsel',
      atcCode: 'QJ01CA04',
      packSize: 20,
      species: 'veterinary',
    });
    await buildStockSnapshot(store.db, f.locations.b1, [
      { packageId: f.packages.p3, quantity: 500, expiry: '2027-01-31' },
      { packageId: vet, quantity: 400, expiry: '2027-06-30' },
    ]);
    await buildSales(store.db, dailySales(f.packages.p4, '12', '2026-02-01', '2026-02-28', 5));
    await buildSales(store.db, dailySales(vet, '12', '2026-02-01', '2026-02-28', 20));
    await refreshPicture(store, { today: TODAY, full: true });

    const keys = await store.db
      .selectFrom('picture_product')
      .select(['package_id', 'group_key'])
      .where('package_id', 'in', [f.packages.p4, vet])
      .orderBy('package_id')
      .execute();
    expect(keys).toEqual([
      { package_id: f.packages.p4, group_key: 'amoxicillin|500mg|kapsel' },
      { package_id: vet, group_key: 'amoxicillin|500mg|kapsel|vet' },
    ]);
    expect(
      groupKey({ substance: 'Amoxicillin', strength: '500 mg', form: 'Kapsel', species: 'veterinary' }),
    ).toBe('amoxicillin|500mg|kapsel|vet');
    const groups = await store.db
      .selectFrom('picture_item')
      .select(['ref', 'total_stock', 'demand_per_day', 'coverage_days'])
      .where('kind', '=', 'group')
      .where('area_code', '=', '12')
      .where('substance_key', '=', 'amoxicillin')
      .orderBy('ref')
      .execute();
    // Human: no everyday stock (P4 is only in the state stock), 5 packs × 20 = 100 capsules a day.
    // Veterinary: 400 × 20 = 8,000 capsules at 20 × 20 = 400 a day = 20 days. Together they would
    // have read 8,000 / 500 = 16 days for both.
    expect(
      groups.map((g) => [
        g.ref,
        Number(g.total_stock),
        Number(g.demand_per_day),
        g.coverage_days === null ? null : Number(g.coverage_days),
      ]),
    ).toEqual([
      ['amoxicillin|500mg|kapsel', 0, 100, 0],
      ['amoxicillin|500mg|kapsel|vet', 8000, 400, 20],
    ]);
  });
});
