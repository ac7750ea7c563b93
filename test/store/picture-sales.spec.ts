import { afterAll, beforeAll, expect, it } from 'vitest';
import { addDays } from '../../src/domain/calendar.js';
import {
  estimateDemand,
  regionalDemand,
  salesThatCount,
  type SourcedSales,
} from '../../src/domain/demand.js';
import type { Store } from '../../src/store/database.js';
import { refreshPicture } from '../../src/store/picture/refresh.js';
import { countedSalesOfRegion } from '../../src/store/report-facts.repository.js';
import {
  buildLocation,
  buildOrganisation,
  buildPackage,
  buildRegion,
  buildSales,
  dailySales,
  type SalesInput,
} from '../support/builders.js';
import { describeEach, testBackends } from '../support/databases.js';

const TODAY = '2026-03-01';

async function demandRow(store: Store, packageId: number, region: string) {
  return store.db
    .selectFrom('picture_demand')
    .selectAll()
    .where('package_id', '=', packageId)
    .where('region_code', '=', region)
    .executeTakeFirst();
}

async function itemRow(store: Store, kind: 'package' | 'group', ref: string, area: string) {
  return store.db
    .selectFrom('picture_item')
    .selectAll()
    .where('kind', '=', kind)
    .where('ref', '=', ref)
    .where('area_code', '=', area)
    .executeTakeFirst();
}

/** Every picture table the refresh writes, in a comparable order. */
async function snapshotOf(store: Store) {
  const demand = await store.db
    .selectFrom('picture_demand')
    .selectAll()
    .orderBy('package_id')
    .orderBy('region_code')
    .execute();
  const months = await store.db
    .selectFrom('picture_sales_month')
    .selectAll()
    .orderBy('package_id')
    .orderBy('month')
    .execute();
  const items = await store.db
    .selectFrom('picture_item')
    .select(['kind', 'ref', 'area_code', 'demand_per_day', 'demand_basis', 'coverage_days', 'risk_class'])
    .orderBy('kind')
    .orderBy('ref')
    .orderBy('area_code')
    .execute();
  return { demand, months, items };
}

/*
 * One source per sale (issue 8 item 2). Package P, today 2026-03-01, sold from 2026-02-01 (28 days of
 * history: recent = the sum of February / 28):
 * - region 01, care requisitions: Region Stockholm reports its total, 10 a day, for 02-01 .. 02-20;
 *   its hospital pharmacies H1 (6 a day) and H2 (4 a day) report the same sales for all of February.
 *   Counted: 20 days of the region's 10 + 8 days of H1 + H2 = 200 + 80 = 280.
 * - region 01, community dispensing: the authority's total, 20 a day all month = 560 (not displaced
 *   by the care rows: another channel).
 * - region 12, care requisitions: Region Skåne reports one weekly total, 70 for 02-16 .. 02-22; its
 *   hospital pharmacy H3 reports 12 a day for 02-16 .. 02-28. Counted: 70 + 6 days x 12 = 142.
 * Region 01: (280 + 560) / 28 = 30 a day (added together: (200 + 280 + 560) / 28 = 37.14).
 * Region 12: 142 / 28 = 5.07 a day (added together: (70 + 156) / 28 = 8.07).
 */
describeEach(testBackends())('one source per sale on $name', (backend) => {
  let store: Store;
  let p: number;
  const rows: SourcedSales[] = [];

  beforeAll(async () => {
    store = await backend.open();
    const db = store.db;
    await buildRegion(db, { code: '01', name: 'Region Stockholm' });
    await buildRegion(db, { code: '12', name: 'Region Skåne' });
    const ehm = await buildOrganisation(db, { kind: 'authority', code: 'EHM' });
    const region01 = await buildOrganisation(db, { kind: 'region', code: 'REG-01', regionCode: '01' });
    const region12 = await buildOrganisation(db, { kind: 'region', code: 'REG-12', regionCode: '12' });
    const company = await buildOrganisation(db, { kind: 'company' });
    p = await buildPackage(db, company, { substance: 'morfin', strength: '10 mg/ml', packSize: 10 });
    const hospital = (org: number, region: string) =>
      buildLocation(db, org, { kind: 'hospital_pharmacy', regionCode: region });
    const [h1, h2, h3] = [
      await hospital(region01, '01'),
      await hospital(region01, '01'),
      await hospital(region12, '12'),
    ];

    const region01Care = dailySales(p, '01', '2026-02-01', '2026-02-20', 10);
    const h1Rows = dailySales(p, '01', '2026-02-01', '2026-02-28', 6, h1);
    const h2Rows = dailySales(p, '01', '2026-02-01', '2026-02-28', 4, h2);
    const community = dailySales(p, '01', '2026-02-01', '2026-02-28', 20);
    const region12Week: SalesInput[] = [
      { packageId: p, regionCode: '12', periodStart: '2026-02-16', periodDays: 7, quantity: 70 },
    ];
    const h3Rows = dailySales(p, '12', '2026-02-16', '2026-02-28', 12, h3);
    // Each reporter sends its own; no row names a channel (the defaults apply).
    await buildSales(db, region01Care, region01);
    await buildSales(db, [...h1Rows, ...h2Rows], region01);
    await buildSales(db, community, ehm);
    await buildSales(db, region12Week, region12);
    await buildSales(db, h3Rows, region12);

    const sourced = (list: SalesInput[], channel: SourcedSales['channel']) =>
      list.map((r) => ({
        periodStart: r.periodStart,
        periodDays: r.periodDays ?? 1,
        quantity: r.quantity,
        regionCode: r.regionCode,
        channel,
        locationId: r.locationId ?? null,
      }));
    rows.push(
      ...sourced([...region01Care, ...h1Rows, ...h2Rows, ...region12Week, ...h3Rows], 'care_requisition'),
      ...sourced(community, 'community_dispensing'),
    );
    await refreshPicture(store, { today: TODAY });
  });
  afterAll(async () => {
    await store.close();
  });

  it('gives every sales row a channel: the location’s kind, or the reporter’s for a region total', async () => {
    const channels = await store.db
      .selectFrom('sales')
      .select(['channel', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('channel')
      .orderBy('channel')
      .execute();
    // Care: 20 + 28 + 28 (region 01) + 1 + 13 (region 12) = 90 rows; community: 28.
    expect(channels.map((c) => [c.channel, Number(c.n)])).toEqual([
      ['care_requisition', 90],
      ['community_dispensing', 28],
    ]);
  });

  it('counts a region that reports both its total and its hospital pharmacies’ rows once', async () => {
    const d01 = await demandRow(store, p, '01');
    // (280 + 560) / 28 = 30 a day.
    expect(Number(d01?.recent_sum)).toBe(840);
    expect(Number(d01?.per_day)).toBe(30);
    const d12 = await demandRow(store, p, '12');
    expect(Number(d12?.recent_sum)).toBe(142);
    expect(Number(d12?.per_day)).toBeCloseTo(142 / 28, 10);
  });

  it('agrees with the domain: estimateDemand over salesThatCount, per region', async () => {
    for (const region of ['01', '12']) {
      const own = salesThatCount(rows.filter((r) => r.regionCode === region));
      const expected = estimateDemand(own, TODAY, { historyStart: '2026-02-01' });
      const row = await demandRow(store, p, region);
      expect(Number(row?.per_day)).toBeCloseTo(expected.perDay, 9);
      expect(Number(row?.recent_per_day)).toBeCloseTo(expected.recentPerDay, 9);
    }
  });

  it('carries the counted demand into the items: nationally 30 + 5.07, the group in units', async () => {
    const national = await itemRow(store, 'package', String(p), 'SE');
    expect(Number(national?.demand_per_day)).toBeCloseTo(30 + 142 / 28, 9);
    const group = await itemRow(store, 'group', 'morfin|10mg/ml|tablett', '01');
    expect(Number(group?.demand_per_day)).toBe(300);
  });

  it('counts each sale once in the monthly sales: February 840 + 142 = 982', async () => {
    const months = await store.db
      .selectFrom('picture_sales_month')
      .select(['month', 'quantity'])
      .where('package_id', '=', p)
      .execute();
    expect(months.map((m) => [m.month, Number(m.quantity)])).toEqual([['2026-02-01', 982]]);
  });

  it('answers the figure that counts per region, package, channel and day, and its source', async () => {
    const counted = await countedSalesOfRegion(store.db, '01', '2026-02-20', '2026-02-21', p);
    expect(counted).toEqual([
      { day: '2026-02-20', packageId: p, channel: 'community_dispensing', quantity: 20, source: 'region' },
      { day: '2026-02-20', packageId: p, channel: 'care_requisition', quantity: 10, source: 'region' },
      { day: '2026-02-21', packageId: p, channel: 'community_dispensing', quantity: 20, source: 'region' },
      { day: '2026-02-21', packageId: p, channel: 'care_requisition', quantity: 10, source: 'locations' },
    ]);
    const week = await countedSalesOfRegion(store.db, '12', '2026-02-22', '2026-02-23', p);
    expect(week).toEqual([
      { day: '2026-02-22', packageId: p, channel: 'care_requisition', quantity: 10, source: 'region' },
      { day: '2026-02-23', packageId: p, channel: 'care_requisition', quantity: 12, source: 'locations' },
    ]);
  });

  it('ends an incremental refresh where a full refresh ends when the region total arrives for more days', async () => {
    // Region Stockholm sends its totals for 02-21 .. 02-28 too: 9 a day (the hospitals said 10).
    // Care now counts 28 x region figures: 200 + 72 = 272; region 01: (272 + 560) / 28 = 29.71.
    const region01 = await store.db
      .selectFrom('organisation')
      .select('id')
      .where('code', '=', 'REG-01')
      .executeTakeFirstOrThrow();
    await buildSales(store.db, dailySales(p, '01', '2026-02-21', '2026-02-28', 9), region01.id);
    const incremental = await refreshPicture(store, { today: TODAY, packageIds: [p] });
    expect(incremental.mode).toBe('incremental');
    expect(Number((await demandRow(store, p, '01'))?.per_day)).toBeCloseTo(832 / 28, 10);
    const after = await snapshotOf(store);
    await refreshPicture(store, { today: TODAY, full: true });
    expect(await snapshotOf(store)).toEqual(after);
  });
});

/*
 * A lagging reporter (issue 8 item 3). Package Q, 10 a day in both regions from 2026-01-01 (short
 * history: recent decides). Region 12's figures arrive a week late: they end on 2026-02-21.
 */
describeEach(testBackends())('a region whose sales arrive late on $name', (backend) => {
  let store: Store;
  let q: number;
  let region12: number;

  beforeAll(async () => {
    store = await backend.open();
    const db = store.db;
    await buildRegion(db, { code: '01', name: 'Region Stockholm' });
    await buildRegion(db, { code: '12', name: 'Region Skåne' });
    const ehm = await buildOrganisation(db, { kind: 'authority', code: 'EHM' });
    region12 = await buildOrganisation(db, { kind: 'region', code: 'REG-12', regionCode: '12' });
    const company = await buildOrganisation(db, { kind: 'company' });
    q = await buildPackage(db, company, { substance: 'insulin', strength: '100 E/ml', packSize: 5 });
    await buildSales(db, dailySales(q, '01', '2026-01-01', '2026-02-28', 10), ehm);
    await buildSales(db, dailySales(q, '12', '2026-01-01', '2026-02-21', 10), region12);
    await refreshPicture(store, { today: TODAY });
  });
  afterAll(async () => {
    await store.close();
  });

  it('keeps the lagging region’s demand: 10 a day from its own last reported day, not 7.5', async () => {
    // Region 12's window: 2026-01-25 .. 02-21, 28 days of 10. One date for all would give 210 / 28.
    const d12 = await demandRow(store, q, '12');
    expect(Number(d12?.per_day)).toBe(10);
    expect(Number(d12?.recent_sum)).toBe(280);
    expect(Number((await itemRow(store, 'package', String(q), 'SE'))?.demand_per_day)).toBe(20);
    // The group too (units: 5 per pack).
    expect(Number((await itemRow(store, 'group', 'insulin|100e/ml|tablett', '12'))?.demand_per_day)).toBe(50);
  });

  it('records each region’s last reported day and window end', async () => {
    const windows = await store.db
      .selectFrom('picture_region_window')
      .select(['region_code', 'sales_through', 'window_end'])
      .orderBy('region_code')
      .execute();
    expect(windows).toEqual([
      { region_code: '01', sales_through: '2026-02-28', window_end: '2026-02-28' },
      { region_code: '12', sales_through: '2026-02-21', window_end: '2026-02-21' },
    ]);
    const state = await store.db.selectFrom('picture_state').selectAll().executeTakeFirstOrThrow();
    expect(state).toMatchObject({ window_end: '2026-02-28', sales_through: '2026-02-28' });
  });

  it('moves the region’s window when its late week arrives: a full refresh, 10 a day still', async () => {
    await buildSales(store.db, dailySales(q, '12', '2026-02-22', '2026-02-28', 10), region12);
    const result = await refreshPicture(store, { today: TODAY, packageIds: [q] });
    expect(result).toMatchObject({ mode: 'full', reason: 'sales of region 12 now reach 2026-02-28' });
    expect(Number((await demandRow(store, q, '12'))?.per_day)).toBe(10);
    const windows = await store.db
      .selectFrom('picture_region_window')
      .select(['region_code', 'window_end'])
      .where('region_code', '=', '12')
      .executeTakeFirstOrThrow();
    expect(windows.window_end).toBe('2026-02-28');
    // A refresh with nothing new stays incremental.
    expect((await refreshPicture(store, { today: TODAY, packageIds: [q] })).mode).toBe('incremental');
  });

  it('starts the window of a region without any sales on yesterday', async () => {
    await buildRegion(store.db, { code: '25', name: 'Region Norrbotten' });
    await refreshPicture(store, { today: TODAY, full: true });
    const w = await store.db
      .selectFrom('picture_region_window')
      .selectAll()
      .where('region_code', '=', '25')
      .executeTakeFirstOrThrow();
    expect(w).toMatchObject({ sales_through: null, window_end: addDays(TODAY, -1) });
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

/*
 * The SQL and the domain on varied data: three packages, four regions whose sales end on four
 * different days (so every region's windows differ, and the scan joins rows to their windows), two
 * channels, region-level totals and two hospitals' own rows, daily and weekly, overlapping at random.
 * Every region's demand equals regionalDemand over salesThatCount; the months hold what counts.
 */
describeEach(testBackends())('one source per sale on varied data on $name', (backend) => {
  const SEED = 20260301;
  let store: Store;
  const rowsOf = new Map<number, (SourcedSales & { periodDays: 1 | 7 })[]>();
  const through = new Map([
    ['01', '2026-02-28'],
    ['03', '2026-02-26'],
    ['12', '2026-02-21'],
    ['14', '2026-02-17'],
  ]);

  beforeAll(async () => {
    console.log(`one source per sale on varied data: seed ${SEED}`);
    const random = lcg(SEED);
    store = await backend.open();
    const db = store.db;
    for (const code of through.keys()) await buildRegion(db, { code, name: `Region ${code}` });
    const ehm = await buildOrganisation(db, { kind: 'authority', code: 'EHM' });
    const company = await buildOrganisation(db, { kind: 'company' });
    const regionOrg = new Map<string, number>();
    const hospitals = new Map<string, number[]>();
    for (const code of through.keys()) {
      const org = await buildOrganisation(db, { kind: 'region', code: `REG-${code}`, regionCode: code });
      regionOrg.set(code, org);
      hospitals.set(code, [
        await buildLocation(db, org, { kind: 'hospital_pharmacy', regionCode: code }),
        await buildLocation(db, org, { kind: 'hospital_pharmacy', regionCode: code }),
      ]);
    }
    for (let k = 0; k < 3; k++) {
      const pkg = await buildPackage(db, company, { substance: `substans ${k}`, packSize: 10 });
      const rows: (SourcedSales & { periodDays: 1 | 7 })[] = [];
      for (const [region, last] of through) {
        // Community dispensing: the authority's region totals, weekly for the first months, then daily.
        const community: SalesInput[] = [];
        for (let day = '2025-02-03'; day <= last;) {
          const weekly = day < '2025-09-01';
          const days = weekly ? 7 : 1;
          if (addDays(day, days - 1) > last) break;
          if (random() < 0.8)
            community.push({
              packageId: pkg,
              regionCode: region,
              periodStart: day,
              periodDays: days,
              quantity: Math.floor(random() * 30 * days),
            });
          day = addDays(day, days);
        }
        await buildSales(db, community, ehm);
        // Care requisitions: the region's totals on some stretches (daily, sometimes a week), and each
        // hospital's own rows on others, overlapping them in part.
        const regional: SalesInput[] = [];
        const own: SalesInput[] = [];
        for (let day = '2025-02-03'; day <= last; day = addDays(day, 1)) {
          const r = random();
          if (r < 0.25)
            regional.push({
              packageId: pkg,
              regionCode: region,
              periodStart: day,
              quantity: Math.floor(random() * 20),
            });
          else if (r < 0.28 && addDays(day, 6) <= last)
            regional.push({
              packageId: pkg,
              regionCode: region,
              periodStart: day,
              periodDays: 7,
              quantity: Math.floor(random() * 140),
            });
          for (const h of hospitals.get(region)!) {
            const q = random();
            if (q < 0.35)
              own.push({
                packageId: pkg,
                regionCode: region,
                periodStart: day,
                quantity: Math.floor(random() * 12),
                locationId: h,
              });
            else if (q < 0.37 && addDays(day, 6) <= last)
              own.push({
                packageId: pkg,
                regionCode: region,
                periodStart: day,
                periodDays: 7,
                quantity: Math.floor(random() * 70),
                locationId: h,
              });
          }
        }
        await buildSales(db, regional, regionOrg.get(region));
        await buildSales(db, own, regionOrg.get(region));
        const sourced = (list: SalesInput[], channel: SourcedSales['channel']) =>
          list.map((r) => ({
            periodStart: r.periodStart,
            periodDays: r.periodDays ?? 1,
            quantity: r.quantity,
            regionCode: r.regionCode,
            channel,
            locationId: r.locationId ?? null,
          }));
        rows.push(
          ...sourced(community, 'community_dispensing'),
          ...sourced([...regional, ...own], 'care_requisition'),
        );
      }
      rowsOf.set(pkg, rows);
    }
    await refreshPicture(store, { today: TODAY });
  });
  afterAll(async () => {
    await store.close();
  });

  it('computes every region’s demand as regionalDemand over salesThatCount, to its own last day', async () => {
    let compared = 0;
    for (const [pkg, rows] of rowsOf) {
      const first = rows.reduce((a, r) => (r.periodStart < a ? r.periodStart : a), '9999-12-31');
      const expected = regionalDemand(salesThatCount(rows), TODAY, through, { historyStart: first });
      for (const [region, estimate] of expected.regions) {
        const row = await demandRow(store, pkg, region);
        expect(Number(row?.per_day), `package ${pkg} region ${region}`).toBeCloseTo(estimate.perDay, 9);
        expect(Number(row?.recent_per_day)).toBeCloseTo(estimate.recentPerDay, 9);
        expect(Number(row?.baseline_per_day)).toBeCloseTo(estimate.baselinePerDay!, 9);
        expect(Number(row?.seasonal_per_day)).toBeCloseTo(estimate.seasonalPerDay!, 9);
        expect(row?.basis).toBe(estimate.basis);
        compared++;
      }
      expect(Number((await itemRow(store, 'package', String(pkg), 'SE'))?.demand_per_day)).toBeCloseTo(
        expected.nationalPerDay,
        9,
      );
    }
    expect(compared).toBe(12);
  });

  it('holds in the months what counts, and less than all rows added together', async () => {
    for (const [pkg, rows] of rowsOf) {
      const months = await store.db
        .selectFrom('picture_sales_month')
        .select((eb) => eb.fn.sum<number>('quantity').as('q'))
        .where('package_id', '=', pkg)
        .executeTakeFirstOrThrow();
      // The thirteen months from 2025-02-01 hold every row (all start on or after 2025-02-03).
      const counted = salesThatCount(rows).reduce((a, r) => a + r.quantity, 0);
      const all = rows.reduce((a, r) => a + r.quantity, 0);
      expect(Number(months.q)).toBeCloseTo(counted, 6);
      expect(counted).toBeLessThan(all);
    }
  });
});
