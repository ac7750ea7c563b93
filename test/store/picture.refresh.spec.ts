import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { estimateDemand, estimateGroupDemand, type SalesPeriod } from '../../src/domain/demand.js';
import {
  backfillStockHistory,
  refreshPicture,
  splitByLines,
  type LocationFacts,
} from '../../src/store/picture/refresh.js';
import { assessItems, findPictureState, key, type ItemRow } from '../../src/store/picture/repository.js';
import type { Store } from '../../src/store/database.js';
import { buildPictureFixture, type PictureFixture } from '../support/picture-fixture.js';
import {
  buildExpectedDelivery,
  buildNotice,
  buildStockDifference,
  type SalesInput,
  buildLocation,
  buildOrganisation,
  buildPackage,
  buildRegion,
  buildSales,
  buildStockSnapshot,
  dailySales,
} from '../support/builders.js';
import { describeEach, testBackends } from '../support/databases.js';

const TODAY = '2026-03-01';

async function item(store: Store, kind: 'package' | 'group', ref: string, area: string) {
  return store.db
    .selectFrom('picture_item')
    .selectAll()
    .where('kind', '=', kind)
    .where('ref', '=', ref)
    .where('area_code', '=', area)
    .executeTakeFirst();
}

describeEach(testBackends())('picture refresh on $name: worked numbers', (backend) => {
  let store: Store;
  let pkg: number;

  beforeAll(async () => {
    store = await backend.open();
    await buildRegion(store.db, { code: '01', name: 'Region Stockholm' });
    await buildRegion(store.db, { code: '12', name: 'Region Skåne' });
    const company = await buildOrganisation(store.db, { kind: 'company' });
    const apoteket = await buildOrganisation(store.db, { kind: 'pharmacy_operator' });
    pkg = await buildPackage(store.db, company, {
      substance: 'paracetamol',
      strength: '500 mg',
      packSize: 100,
    });
    const a = await buildLocation(store.db, apoteket, { regionCode: '01' });
    const b = await buildLocation(store.db, apoteket, { regionCode: '01' });
    await buildStockSnapshot(store.db, a, [
      { packageId: pkg, quantity: 100, expiry: '2027-01-01' },
      // Expires on 2026-03-20, in 19 days: usable only as far as demand reaches it before then.
      { packageId: pkg, quantity: 250, expiry: '2026-03-20' },
    ]);
    await buildStockSnapshot(store.db, b, [{ packageId: pkg, quantity: 200, expiry: null }]);
    await buildSales(store.db, [
      ...dailySales(pkg, '01', '2025-01-01', '2026-02-28', 10),
      ...dailySales(pkg, '12', '2025-01-01', '2026-02-28', 20),
    ]);
    await refreshPicture(store, { today: TODAY });
  });
  afterAll(async () => {
    await store.close();
  });

  it('uses 190 of the 250 packs expiring in 19 days at 10 a day in region 01: 490 usable, 49 days', async () => {
    // First expiry first out: the 250 are drawn on days 0-18 (190), the rest expire; then the 100
    // expiring 2027-01-01 and the 200 without expiry are used whole. 190 + 100 + 200 = 490.
    const row = await item(store, 'package', String(pkg), '01');
    expect(row).toMatchObject({
      total_stock: 550,
      usable_stock: 490,
      demand_per_day: 10,
      coverage_days: 49,
      runs_out_on: '2026-04-19',
      risk_class: 'adequate',
    });
  });

  it('uses all 250 nationally, where 30 a day draw 570 before they expire: 550 / 30 = 18.3 days, low', async () => {
    const row = await item(store, 'package', String(pkg), 'SE');
    expect(row).toMatchObject({
      usable_stock: 550,
      demand_per_day: 30,
      demand_basis: 'sum_of_regions',
      runs_out_on: '2026-03-19',
      risk_class: 'low',
    });
    expect(Number(row?.coverage_days)).toBeCloseTo(550 / 30, 9);
    const skane = await item(store, 'package', String(pkg), '12');
    expect(skane).toMatchObject({
      usable_stock: 0,
      demand_per_day: 20,
      coverage_days: 0,
      risk_class: 'critical',
    });
  });

  it('counts the group in units: 490 packs of 100 tablets at 1,000 tablets a day in region 01', async () => {
    const row = await item(store, 'group', 'paracetamol|500mg|tablett', '01');
    expect(row).toMatchObject({ usable_stock: 49_000, demand_per_day: 1000, coverage_days: 49 });
  });

  it('stops dispensing a lot the minimum remaining shelf life before its expiry', async () => {
    // 5 days required at dispensing: the 250 are dispensed on days 0-13 (140) in region 01.
    const result = await refreshPicture(store, { today: TODAY, minShelfLifeDays: 5 });
    expect(result).toMatchObject({ mode: 'full', reason: 'settings changed' });
    expect(await item(store, 'package', String(pkg), '01')).toMatchObject({ usable_stock: 440 });
    const state = await store.db.selectFrom('picture_state').selectAll().executeTakeFirstOrThrow();
    expect(state.min_shelf_life_days).toBe(5);
    await expect(refreshPicture(store, { today: TODAY, minShelfLifeDays: -1 })).rejects.toThrow(
      'minimum remaining shelf life of -1 days is not a whole number >= 0',
    );
    await refreshPicture(store, { today: TODAY });
    expect(await item(store, 'package', String(pkg), '01')).toMatchObject({ usable_stock: 490 });
  });
});

/** A small deterministic generator (LCG), so that the varied data is the same on every run. */
function lcg(seed: number) {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1_664_525) + 1_013_904_223) >>> 0;
    return x / 2 ** 32;
  };
}

describeEach(testBackends())('picture refresh on $name: SQL agrees with the domain', (backend) => {
  let store: Store;
  const rows = new Map<number, SalesPeriod[]>(); // by package, all regions
  const regionRows = new Map<string, SalesPeriod[]>(); // by package:region
  const packs = new Map<number, number>();
  const SALES_THROUGH = '2026-02-25'; // the data lags: windows end here, not on 2026-02-28

  beforeAll(async () => {
    store = await backend.open();
    await buildRegion(store.db, { code: '01' });
    await buildRegion(store.db, { code: '12' });
    const company = await buildOrganisation(store.db, { kind: 'company' });
    const random = lcg(42);
    const specs = [
      {
        substance: 'amoxicillin',
        strength: '500 mg',
        form: 'kapsel',
        packSize: 20,
        from: '2024-01-01',
        weekly: true,
      },
      {
        substance: 'Amoxicillin',
        strength: '500,0 mg',
        form: 'Kapsel',
        packSize: 100,
        from: '2025-09-01',
        weekly: false,
      },
      {
        substance: 'amoxicillin',
        strength: '750 mg',
        form: 'tablett',
        packSize: 30,
        from: '2024-03-10',
        weekly: false,
      },
      // Short history: first sale 14 days before the window ends.
      {
        substance: 'oseltamivir',
        strength: '75 mg',
        form: 'kapsel',
        packSize: 10,
        from: '2026-02-12',
        weekly: false,
      },
      // Surge in the last 28 days.
      {
        substance: 'salbutamol',
        strength: '0,1 mg/dos',
        form: 'inhalationsspray',
        packSize: 1,
        from: '2024-06-01',
        weekly: true,
        surge: true,
      },
    ];
    const sales: SalesInput[] = [];
    for (const spec of specs) {
      const id = await buildPackage(store.db, company, { ...spec, atcCode: 'J01CA04' });
      packs.set(id, spec.packSize);
      for (const region of ['01', '12']) {
        const base = 2 + Math.floor(random() * 20);
        // Weekly rows start on an odd day, so that weeks straddle every window edge.
        let day = Date.parse(`${spec.from}T00:00:00Z`) + (spec.weekly ? 3 * 86_400_000 : 0);
        const end = Date.parse(`${SALES_THROUGH}T00:00:00Z`);
        while (day <= end) {
          const date = new Date(day).toISOString().slice(0, 10);
          const weekly = spec.weekly && day < end - 120 * 86_400_000;
          const days: 1 | 7 = weekly ? 7 : 1;
          const surge = spec.surge === true && day > end - 28 * 86_400_000 ? 4 : 1;
          const winter = [0, 1, 11].includes(new Date(day).getUTCMonth()) ? 1.6 : 1;
          const quantity = Math.round(base * days * surge * winter * (0.5 + random()));
          if (quantity > 0) {
            const row = { packageId: id, regionCode: region, periodStart: date, periodDays: days, quantity };
            sales.push(row);
            const period = { periodStart: date, periodDays: days, quantity };
            rows.set(id, [...(rows.get(id) ?? []), period]);
            regionRows.set(`${id}:${region}`, [...(regionRows.get(`${id}:${region}`) ?? []), period]);
          }
          day += days * 86_400_000;
        }
      }
    }
    await buildSales(store.db, sales);
    await refreshPicture(store, { today: TODAY });
  });
  afterAll(async () => {
    await store.close();
  });

  const firstDay = (list: readonly SalesPeriod[]) => list.map((r) => r.periodStart).sort()[0] as string;

  it('computes each package’s demand per region as estimateDemand does', async () => {
    const demand = await store.db.selectFrom('picture_demand').selectAll().execute();
    expect(demand).toHaveLength(10);
    const state = await store.db.selectFrom('picture_state').selectAll().executeTakeFirstOrThrow();
    expect(state).toMatchObject({ window_end: SALES_THROUGH, sales_through: SALES_THROUGH });
    for (const d of demand) {
      const expected = estimateDemand(regionRows.get(`${d.package_id}:${d.region_code}`) ?? [], TODAY, {
        salesThrough: SALES_THROUGH,
        historyStart: firstDay(rows.get(d.package_id) ?? []),
      });
      const at = `package ${d.package_id} region ${d.region_code}`;
      expect(Number(d.per_day), at).toBeCloseTo(expected.perDay, 9);
      expect(d.basis, at).toBe(expected.basis);
      expect(Number(d.recent_per_day), at).toBeCloseTo(expected.recentPerDay, 9);
      closeOrNull(d.baseline_per_day, expected.baselinePerDay, `${at} baseline`);
      closeOrNull(d.seasonal_per_day, expected.seasonalPerDay, `${at} seasonal`);
    }
    // The cases are all there: a surge (recent), short history (no baseline), weekly history.
    expect(new Set(demand.map((d) => d.basis))).toContain('recent');
    expect(demand.some((d) => d.baseline_per_day === null)).toBe(true);
  });

  it('computes group demand per region as estimateGroupDemand does, and sums the regions nationally', async () => {
    const items = await store.db.selectFrom('picture_item').selectAll().where('kind', '=', 'group').execute();
    const products = await store.db.selectFrom('picture_product').selectAll().execute();
    const groups = new Map<string, number[]>();
    for (const p of products) groups.set(p.group_key, [...(groups.get(p.group_key) ?? []), p.package_id]);
    // Labelling differences do not split a group: 500 mg / 500,0 mg, Kapsel / kapsel.
    expect(groups.get('amoxicillin|500mg|kapsel')).toHaveLength(2);
    for (const item of items) {
      const members = groups.get(item.group_key) ?? [];
      const history = members.flatMap((m) => rows.get(m) ?? []);
      const estimate = (region: string) =>
        estimateGroupDemand(
          members.map((m) => ({ packSize: packs.get(m) ?? 1, rows: regionRows.get(`${m}:${region}`) ?? [] })),
          TODAY,
          { salesThrough: SALES_THROUGH, historyStart: firstDay(history) },
        ).perDay;
      const expected = item.area_code === 'SE' ? estimate('01') + estimate('12') : estimate(item.area_code);
      expect(Number(item.demand_per_day), `${item.group_key} ${item.area_code}`).toBeCloseTo(expected, 6);
    }
  });
});

describeEach(testBackends())(
  'picture refresh on $name: flags, history and incremental refresh',
  (backend) => {
    let store: Store;
    let f: PictureFixture;

    beforeAll(async () => {
      store = await backend.open();
      f = await buildPictureFixture(store);
    });
    afterAll(async () => {
      await store.close();
    });

    it('keeps the maintained flags equal to the domain’s assessRisk for every item', async () => {
      const state = await findPictureState(store.db);
      if (!state) throw new Error('no picture');
      const items = (
        await sql<ItemRow>`SELECT i.*, NULL AS tier, NULL AS pack FROM picture_item i`.execute(store.db)
      ).rows;
      expect(items.length).toBeGreaterThan(10);
      const assessed = await assessItems(store.db, state, items);
      for (const item of items) {
        const a = assessed.get(key(item));
        expect(a?.riskClass, key(item)).toBe(item.risk_class);
        expect(a?.flags, key(item)).toEqual({
          prioritised: item.prioritised,
          activeNotice: item.active_notice,
          possibleCriticalShortage: item.possible_critical_shortage,
        });
      }
      // In region 01 neither P2 nor its group has an alternative: the group holds only H1's 30 packs.
      expect(
        items
          .filter((i) => i.possible_critical_shortage)
          .map(key)
          .sort(),
      ).toEqual([`package:${f.packages.p2}:01`, 'group:morfin|10mg/ml|injektionsvätska, lösning:01'].sort());
    });

    it('ends an incremental refresh where a full refresh ends', async () => {
      const db = store.db;
      // A new snapshot at A1 (P1 down to 40, and P3 now held), differences at W1 after its count, new
      // sales of P3, a new notice on P4 and a delivery of P2.
      await buildStockSnapshot(
        db,
        f.locations.a1,
        [
          { packageId: f.packages.p1, quantity: 40, expiry: '2027-06-30' },
          { packageId: f.packages.p3, quantity: 25, expiry: '2026-03-15' },
        ],
        '2026-02-28T20:00:00Z',
      );
      await buildStockDifference(
        db,
        f.locations.w1,
        [{ packageId: f.packages.p1, quantity: -150, expiry: '2028-01-31' }],
        '2026-02-28T12:00:00Z',
      );
      await buildSales(db, dailySales(f.packages.p3, '12', '2026-02-01', '2026-02-28', 4));
      await buildNotice(db, f.packages.p4, { expectedStart: '2026-03-10' });
      await buildExpectedDelivery(db, f.orgs.c1, f.packages.p2, '2026-03-04', 20, f.locations.h1);

      const incremental = await refreshPicture(store, {
        today: TODAY,
        locationIds: [f.locations.a1, f.locations.w1],
        packageIds: [f.packages.p3, f.packages.p4, f.packages.p2],
      });
      expect(incremental).toMatchObject({ mode: 'incremental', reason: null });
      const after = await dump(store);
      const p1 = after.items.find(
        (i) => i.kind === 'package' && i.ref === String(f.packages.p1) && i.area_code === '01',
      );
      // 40 + 200 at the pharmacies, and region 01's share of warehouse W1 (serving the country) by its
      // share of the demand: (600 − 150) × 10 / (10 + 20) = 150. 390 at 10 a day.
      expect(p1).toMatchObject({ usable_stock: 390, coverage_days: 39 });

      const full = await refreshPicture(store, { today: TODAY, full: true });
      expect(full.mode).toBe('full');
      expect(await dump(store)).toEqual(after);
    });

    it('ends where a full refresh ends when stock changes in the group of a package named for sales', async () => {
      // P3's stock at B1 changes (500 → 420) while P2, of the same group, gets new sales: the group is
      // rebuilt for P2, and must not also be moved by P3's delta (that counted -80 x 10 twice).
      await buildStockSnapshot(
        store.db,
        f.locations.b1,
        [{ packageId: f.packages.p3, quantity: 420, expiry: '2027-01-31' }],
        '2026-02-28T19:00:00Z',
      );
      await buildSales(store.db, dailySales(f.packages.p2, '12', '2026-02-20', '2026-02-28', 1));
      const incremental = await refreshPicture(store, {
        today: TODAY,
        locationIds: [f.locations.b1],
        packageIds: [f.packages.p2],
      });
      expect(incremental.mode).toBe('incremental');
      const after = await dump(store);
      const group = after.items.find(
        (i) =>
          i.kind === 'group' && i.ref === 'morfin|10mg/ml|injektionsvätska, lösning' && i.area_code === '12',
      );
      expect(group).toMatchObject({ total_stock: 4200 });
      await refreshPicture(store, { today: TODAY, full: true });
      expect(await dump(store)).toEqual(after);
    });

    it('rebuilds stock and items when many locations report at once, ending where a full refresh ends', async () => {
      await buildStockSnapshot(
        store.db,
        f.locations.a2,
        [{ packageId: f.packages.p1, quantity: 150, expiry: '2027-06-30' }],
        '2026-02-28T21:00:00Z',
      );
      await buildStockSnapshot(
        store.db,
        f.locations.b1,
        [{ packageId: f.packages.p3, quantity: 480, expiry: '2027-01-31' }],
        '2026-02-28T21:00:00Z',
      );
      const wave = await refreshPicture(store, {
        today: TODAY,
        locationIds: [f.locations.a2, f.locations.b1],
        deltaLimit: 1,
      });
      expect(wave).toMatchObject({ mode: 'stock', reason: null });
      expect(wave.steps).not.toHaveProperty('sales');
      const after = await dump(store);
      await refreshPicture(store, { today: TODAY, full: true });
      expect(await dump(store)).toEqual(after);
    });

    it('rebuilds many locations with new sales and a new package in the same refresh, ending where a full refresh ends', async () => {
      // A package the picture has not seen, stocked at A2 (region 01) and B1 (region 12): its items
      // in both regions come from the refresh itself, not from the products it started with. P3's
      // sales in region 01 change its demand and its group's.
      const fresh = await buildPackage(store.db, f.orgs.c1, {
        nplPackId: 'NEW-WAVE-1',
        substance: 'Nyasubstans',
        strength: '5 mg',
        form: 'tablett',
      });
      await buildStockSnapshot(
        store.db,
        f.locations.a2,
        [
          { packageId: f.packages.p1, quantity: 140, expiry: '2027-06-30' },
          { packageId: fresh, quantity: 60, expiry: '2027-06-30' },
        ],
        '2026-02-28T22:00:00Z',
      );
      await buildStockSnapshot(
        store.db,
        f.locations.b1,
        [
          { packageId: f.packages.p3, quantity: 470, expiry: '2027-01-31' },
          { packageId: fresh, quantity: 30, expiry: '2027-06-30' },
        ],
        '2026-02-28T22:00:00Z',
      );
      await buildSales(store.db, dailySales(f.packages.p3, '01', '2026-02-01', '2026-02-28', 3));
      const wave = await refreshPicture(store, {
        today: TODAY,
        locationIds: [f.locations.a2, f.locations.b1],
        packageIds: [f.packages.p3],
        deltaLimit: 1,
      });
      expect(wave).toMatchObject({ mode: 'stock', reason: null });
      const after = await dump(store);
      // The new package: 60 in region 01, 30 in region 12, 90 in the nation.
      const freshItems = after.items
        .filter((i) => i.kind === 'package' && i.ref === String(fresh))
        .map((i) => [i.area_code, i.total_stock]);
      expect(freshItems).toEqual([
        ['01', 60],
        ['12', 30],
        ['SE', 90],
      ]);
      await refreshPicture(store, { today: TODAY, full: true });
      expect(await dump(store)).toEqual(after);
    });

    it('refreshes everything when the day changes', async () => {
      const result = await refreshPicture(store, { today: '2026-03-02', locationIds: [f.locations.a1] });
      expect(result).toMatchObject({ mode: 'full', reason: 'new day (2026-03-01 → 2026-03-02)' });
      await refreshPicture(store, { today: TODAY });
    });

    it('backfills the stock history from the snapshots', async () => {
      // An older count at H1 than the fixture's (2026-01-01): 12 packs on 2025-12-20.
      await buildStockSnapshot(
        store.db,
        f.locations.h1,
        [{ packageId: f.packages.p2, quantity: 12, expiry: '2027-01-31' }],
        '2025-12-20T08:00:00Z',
      );
      await backfillStockHistory(store, ['2025-12-19', '2025-12-20', '2026-01-05']);
      const history = await store.db
        .selectFrom('picture_stock_history')
        .select(['on_date', 'total'])
        .where('package_id', '=', f.packages.p2)
        .where('on_date', '<', '2026-02-01')
        .orderBy('on_date')
        .execute();
      // On 2025-12-19 nothing had been counted at H1 yet; then the count of 12; after 2026-01-01 the 30.
      expect(history).toEqual([
        { on_date: '2025-12-20', total: 12 },
        { on_date: '2026-01-05', total: 30 },
      ]);
    });

    it('lists a package that only has a notice nationally, with nothing in stock and no demand, and its group', async () => {
      const p5 = await buildPackage(store.db, f.orgs.c2, {
        name: 'Ketamin Två',
        substance: 'ketamin',
        strength: '10 mg/ml',
        form: 'injektionsvätska, lösning',
        atcCode: 'N01AX03',
        packSize: 5,
      });
      await buildNotice(store.db, p5, { kind: 'shortage', expectedStart: '2026-02-20', expectedEnd: null });
      await refreshPicture(store, { today: TODAY, full: true });
      const items = await store.db
        .selectFrom('picture_item')
        .select([
          'kind',
          'area_code',
          'total_stock',
          'demand_per_day',
          'demand_basis',
          'risk_class',
          'active_notice',
        ])
        .where((eb) =>
          eb.or([
            eb('package_id', '=', p5),
            eb('group_key', '=', 'ketamin|10mg/ml|injektionsvätska, lösning'),
          ]),
        )
        .orderBy('kind')
        .execute();
      const expected = {
        area_code: 'SE',
        total_stock: 0,
        demand_per_day: 0,
        demand_basis: 'no_sales',
        risk_class: 'no_demand',
        active_notice: true,
      };
      expect(items).toEqual([
        { kind: 'group', ...expected },
        { kind: 'package', ...expected },
      ]);
    });
  },
);

function closeOrNull(actual: number | null, expected: number | null, at: string): void {
  if (expected === null) expect(actual, at).toBeNull();
  else expect(Number(actual), at).toBeCloseTo(expected, 9);
}

async function dump(store: Store) {
  const [stock, items, demand, counts] = await Promise.all([
    store.db
      .selectFrom('picture_stock')
      .selectAll()
      .orderBy(['package_id', 'area_code', 'tier', 'reserve'])
      .execute(),
    store.db.selectFrom('picture_item').selectAll().orderBy(['kind', 'ref', 'area_code']).execute(),
    store.db.selectFrom('picture_demand').selectAll().orderBy(['package_id', 'region_code']).execute(),
    store.db.selectFrom('picture_count').selectAll().orderBy(['area_code', 'kind']).execute(),
  ]);
  return { stock, items, demand, counts };
}

describe('splitting the stock rebuild between two connections', () => {
  const at = (location_id: number, region_code: string, lines: number): LocationFacts => ({
    location_id,
    snapshot_id: location_id,
    counted_at: null,
    difference_report_id: 0,
    region_code,
    tier: 'community_pharmacy',
    lines,
  });

  it('gives each half whole regions of about equal lines, every location once', () => {
    // Region 01: 1,000 + 999 lines; 12: 1,200; 13: 500 + 300 (each location counts one more).
    const facts = [
      at(1, '01', 1000),
      at(2, '12', 1200),
      at(3, '01', 999),
      at(4, '13', 500),
      at(5, '13', 300),
    ];
    const [first, second] = splitByLines(facts, 2);
    const regions = (half: LocationFacts[]) => [...new Set(half.map((f) => f.region_code))].sort();
    // 01 (2,001) goes first; 12 (1,201) and 13 (802) then fill the other half: 2,001 against 2,003.
    expect(regions(first!)).toEqual(['01']);
    expect(regions(second!)).toEqual(['12', '13']);
    expect([...first!, ...second!].map((f) => f.location_id).sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('weighs the work of each region’s items as well as its lines', () => {
    const facts = [at(1, '01', 3000), at(2, '12', 1000), at(3, '13', 1000), at(4, '14', 1000)];
    const regions = (half: LocationFacts[]) => [...new Set(half.map((f) => f.region_code))].sort();
    // By lines: 01 (3,001) against 12, 13 and 14 (3,003).
    const [byLines, rest] = splitByLines(facts, 2);
    expect([regions(byLines!), regions(rest!)]).toEqual([['01'], ['12', '13', '14']]);
    // With items worth 2,000 lines a region: 01 and 14 (8,002) against 12 and 13 (6,002).
    const [first, second] = splitByLines(facts, 2, 2000);
    expect([regions(first!), regions(second!)]).toEqual([
      ['01', '14'],
      ['12', '13'],
    ]);
  });

  it('keeps everything in one part when there is one connection', () => {
    const facts = [at(1, '01', 10), at(2, '12', 20)];
    const parts = splitByLines(facts, 1);
    expect(parts).toHaveLength(1);
    expect(parts[0]!.map((f) => f.location_id).sort()).toEqual([1, 2]);
  });
});
