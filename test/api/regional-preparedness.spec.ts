import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/api/app.js';
import type { FundsDto } from '../../src/api/funds.routes.js';
import type { RegionalScorecardDto, RegionalTargetSummaryDto } from '../../src/api/regional-target.routes.js';
import type { Store } from '../../src/store/database.js';
import { refreshPicture } from '../../src/store/picture/refresh.js';
import {
  buildLocation,
  buildSales,
  buildStockSnapshot,
  buildToken,
  dailySales,
} from '../support/builders.js';
import { describeEach, testBackends } from '../support/databases.js';
import { buildPictureFixture, TODAY, type PictureFixture } from '../support/picture-fixture.js';

/**
 * Issue 12 items 6, 7 and 9 (R2) over the picture fixture (today 2026-03-01; list: morfin
 * injektionsvätska, N02AA), plus:
 * - region 01's preparedness stock RBL holds 130 packs of P2 (morfin 10 ml), and region 01 owns 10
 *   packs of P2 held at the wholesaler's W1 (contracted); with H1's 30: 170 packs = 1,700 ml;
 * - region 01's consumption of P2 in the care (care requisitions; the fixture's 3 packs a day of
 *   region rows are the authority's community dispensing): H1's 2 packs a day in February, the only
 *   days region 01 has reported care requisitions at all → 2 packs = 20 ml a day = 608.33 ml a month
 *   → 1,700 / 608.33 = 2.7945 months: met (against all channels, 5 a day, it read 1.1178);
 * - region 12 (item 6 follow-up: the care's consumption, not the prescriptions): its community
 *   pharmacies dispense 30 packs of P3 a day (the authority's figures) over the year 2025-03-01 to
 *   2026-02-28; its care requisitioned 365 packs in that year by its own region-level figures (a weekly
 *   row from 2025-02-26, 4 of whose 7 days are in the year, then 1 a day) and its hospital pharmacy
 *   H12's own rows of 4 a day for the last fortnight repeat what the region-level figure already counts
 *   (one source per sale: they do not count). 365 / 365 = 1 pack = 10 ml a day = 304.17 ml a month;
 *   H12 holds 40 packs = 400 ml → 1.3151 months: met. Against every channel (31 packs a day, the
 *   picture's demand) it would read 400 / 9,429.2 = 0.0424 months: not met;
 * - populations 01 2,452,000 and 12 1,421,800 (of 2023-08-31): 2024's 100,000,000 kr → 01
 *   63,297,021.01 → 63,297,021; 12 36,702,978.99 → 36,702,979 (the krona left goes to the larger
 *   remainder).
 */
describeEach(testBackends())('regional target and funds (R2) on $name', (backend) => {
  let store: Store;
  let app: App;
  let f: PictureFixture;
  let t: { region01Reporter: string; region12: string; lvCoordinator: string };

  const call = (method: 'GET' | 'POST', url: string, token: string, payload?: object) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload ? { payload } : {}),
    });
  const json = async <T>(url: string, token: string): Promise<T> => {
    const res = await call('GET', url, token);
    expect(res.statusCode, `${url}: ${res.body.slice(0, 300)}`).toBe(200);
    return res.json<T>();
  };

  beforeAll(async () => {
    store = await backend.open();
    f = await buildPictureFixture(store);
    const db = store.db;
    const rbl = await buildLocation(db, f.orgs.region01, {
      code: 'SE-RBL-01',
      name: 'Regionalt beredskapslager Stockholm',
      kind: 'regional_preparedness_stock',
      regionCode: '01',
    });
    await buildStockSnapshot(db, rbl, [
      { packageId: f.packages.p2, quantity: 130, expiry: '2028-01-31', stockLevel: 2 },
    ]);
    // Region 01's contracted stock at the wholesaler: a line of W1's current count owned by the region.
    const w1 = await db
      .selectFrom('stock_snapshot')
      .select('id')
      .where('location_id', '=', f.locations.w1)
      .executeTakeFirstOrThrow();
    await db
      .insertInto('stock_line')
      .values({ snapshot_id: w1.id, package_id: f.packages.p2, quantity: 10, owner_id: f.orgs.region01 })
      .execute();
    // Region 12: large community dispensing, small care requisitions, and a hospital pharmacy.
    const h12 = await buildLocation(db, f.orgs.region12, {
      code: 'SE-SJH-12',
      name: 'Sjukhusapoteket Lund',
      kind: 'hospital_pharmacy',
      regionCode: '12',
    });
    await buildStockSnapshot(db, h12, [{ packageId: f.packages.p3, quantity: 40, expiry: '2028-01-31' }]);
    await buildSales(
      db,
      dailySales(f.packages.p3, '12', '2025-03-01', '2026-02-28', 30).map((r) => ({
        ...r,
        channel: 'community_dispensing' as const,
      })),
      f.orgs.lv,
    );
    await buildSales(
      db,
      [
        { packageId: f.packages.p3, regionCode: '12', periodStart: '2025-02-26', periodDays: 7, quantity: 7 },
        ...dailySales(f.packages.p3, '12', '2025-03-05', '2026-02-28', 1),
      ],
      f.orgs.region12,
    );
    await buildSales(
      db,
      dailySales(f.packages.p3, '12', '2026-02-15', '2026-02-28', 4, h12),
      f.orgs.region12,
    );
    await refreshPicture(store, { today: TODAY });
    await sql`UPDATE region SET population = CASE code WHEN '01' THEN 2452000 ELSE 1421800 END`.execute(db);
    t = {
      region01Reporter: await buildToken(db, f.orgs.region01, 'reporter'),
      region12: await buildToken(db, f.orgs.region12, 'coordinator'),
      lvCoordinator: await buildToken(db, f.orgs.lv, 'coordinator'),
    };
    app = await buildApp({ store, webDir: '/nonexistent' });
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  it('shows a region’s months of consumption held against one month, with its own and contracted stock', async () => {
    const card = await json<RegionalScorecardDto>('/api/preparedness/regional-target/01', f.tokens.region01);
    expect(card).toMatchObject({
      classification: { code: 'protected', label: 'Skyddad' },
      day: '2026-03-01',
      list: { code: 'sos-prioritised', version: '2023-05-12' },
      targetMonths: 1,
      countedKinds: ['hospital_pharmacy', 'care_unit_store', 'regional_preparedness_stock'],
      region: { code: '01', name: 'Region Stockholm' },
      summary: { medicines: 1, met: 1, notMet: 0, noConsumption: 0, shareMet: 1 },
    });
    const [morfin] = card.items;
    // P2 and P3 are covered; P3 is company C2's at a pharmacy in region 12, not region 01's.
    expect(morfin).toMatchObject({
      atcCode: 'N02AA',
      substance: 'Morfin',
      packages: 2,
      stockUnits: 1_700,
      preparednessUnits: 1_300,
      contractedUnits: 100,
      status: 'met',
    });
    expect(morfin!.monthlyUnits).toBeCloseTo(608.333, 3);
    expect(morfin!.monthsHeld).toBeCloseTo(2.7945, 4);
  });

  it('measures months held against the care’s requisitions, not the prescriptions the pharmacies dispense', async () => {
    const card = await json<RegionalScorecardDto>('/api/preparedness/regional-target/12', t.region12);
    const [morfin] = card.items;
    // 365 packs of care requisitions in 365 days (H12's repeated rows not counted again): 10 ml a day.
    expect(morfin!.monthlyUnits).toBeCloseTo(304.167, 3);
    expect(morfin!.monthsHeld).toBeCloseTo(1.3151, 4);
    // 40 packs of 10 ml at H12; P3's 500 packs at community pharmacy B1 are not the region's.
    expect(morfin).toMatchObject({
      stockUnits: 400,
      preparednessUnits: 0,
      contractedUnits: 0,
      status: 'met',
    });
    expect(card).toMatchObject({
      channels: ['care_requisition'],
      consumptionWindowDays: 365,
      summary: { medicines: 1, met: 1, notMet: 0, noConsumption: 0, shareMet: 1 },
    });
  });

  it('gives authorities and Nationellt CT every region, a region only its own, others none', async () => {
    const national = await json<RegionalTargetSummaryDto>('/api/preparedness/regional-target', f.tokens.lv);
    expect(national.regions.map((r) => [r.code, r.met, r.notMet, r.noConsumption])).toEqual([
      ['01', 1, 0, 0],
      ['12', 1, 0, 0],
    ]);
    expect(national.totals).toEqual({ medicines: 2, met: 2, notMet: 0, noConsumption: 0, shareMet: 1 });
    expect(
      (await json<RegionalTargetSummaryDto>('/api/preparedness/regional-target', f.tokens.ct)).regions,
    ).toHaveLength(2);
    expect(
      (await json<RegionalScorecardDto>('/api/preparedness/regional-target/01', f.tokens.ct)).items[0]!
        .stockUnits,
    ).toBe(1_700);

    const own = await json<RegionalTargetSummaryDto>('/api/preparedness/regional-target', t.region12);
    expect(own.regions.map((r) => r.code)).toEqual(['12']);
    // Region 01's figures hold its classified preparedness stock: another region gets "not found",
    // exactly as for a region that does not exist.
    const other = await call('GET', '/api/preparedness/regional-target/01', t.region12);
    const none = await call('GET', '/api/preparedness/regional-target/77', t.region12);
    expect([other.statusCode, none.statusCode]).toEqual([404, 404]);
    expect(other.json().error.message).toBe("region 01's scorecard was not found");

    for (const token of [f.tokens.c1, f.tokens.opA, f.tokens.wholesaler]) {
      expect(
        (await json<RegionalTargetSummaryDto>('/api/preparedness/regional-target', token)).regions,
      ).toEqual([]);
      expect((await call('GET', '/api/preparedness/regional-target/01', token)).statusCode).toBe(404);
    }
  });

  it('exports the scorecard as CSV and XLSX marked with its class', async () => {
    const csv = await call(
      'GET',
      '/api/preparedness/regional-target/01/export?format=csv',
      f.tokens.region01,
    );
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['x-information-class']).toBe('protected');
    const lines = csv.body.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toMatch(/^Informationsklass: Skyddad\. SKYDDAD – Region Stockholm/);
    expect(lines[2]).toBe('1;N02AA;Morfin;injektionsvätska;2;1700;1300;100;608,3;2,79;Uppfyllt');
    const xlsx = await call('GET', '/api/preparedness/regional-target/export?format=xlsx', f.tokens.lv);
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers['content-disposition']).toBe(
      'attachment; filename="regionalt-malet-2026-03-01.xlsx"',
    );
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');
  });

  it('allocates each agreement to the regions by population share in whole kronor that add up exactly', async () => {
    const funds = await json<FundsDto>('/api/preparedness/funds?on=2025-06-01', f.tokens.lv);
    expect(
      funds.agreements.map((a) => [a.code, a.totalSek, a.regionsSek, a.skrSek, a.requisitionBy, a.repayBy]),
    ).toEqual([
      ['2022', 500_000_000, 500_000_000, null, null, '2025-03-31'],
      ['2023', 400_000_000, 400_000_000, null, null, '2026-03-31'],
      ['2024', 102_000_000, 100_000_000, 2_000_000, '2024-12-01', '2026-03-31'],
    ]);
    const a2024 = funds.agreements[2]!;
    expect(a2024.regions.map((r) => [r.regionCode, r.population, r.populationDate, r.allocatedSek])).toEqual([
      ['01', 2_452_000, '2023-08-31', 63_297_021],
      ['12', 1_421_800, '2023-08-31', 36_702_979],
    ]);
    for (const a of funds.agreements) expect(a.totals.allocatedSek).toBe(a.regionsSek);
    // A later population does not move a fixed allocation.
    await sql`UPDATE region SET population = population + 50000`.execute(store.db);
    const again = await json<FundsDto>('/api/preparedness/funds', f.tokens.lv);
    expect(again.agreements[2]!.regions.map((r) => r.allocatedSek)).toEqual([63_297_021, 36_702_979]);
  });

  it('lets a region record its funds used, audited, and shows what is due to be repaid and when', async () => {
    const res = await call('POST', '/api/preparedness/funds/uses', t.region01Reporter, {
      agreement: '2024',
      amountSek: 10_000_000,
      usedOn: '2025-03-01',
      purpose: 'Utökat lager av infusionsvätskor vid sjukhusapoteken',
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ agreementCode: '2024', regionCode: '01', amountSek: 10_000_000 });
    const audit = await store.db
      .selectFrom('audit_log')
      .select(['action', 'organisation_id', 'entity_id', 'detail'])
      .where('action', '=', 'fund_use.record')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ organisation_id: f.orgs.region01, entity_id: String(res.json().id) });
    expect(audit[0]!.detail).toMatchObject({
      agreement: '2024',
      amountSek: 10_000_000,
      unusedBefore: 63_297_021,
    });

    // 63,297,021 − 10,000,000 = 53,297,021 unused: to be repaid by 31 March 2026 once the period is over.
    const state = async (on: string) =>
      (await json<FundsDto>(`/api/preparedness/funds?on=${on}`, f.tokens.region01)).agreements[2]!.regions;
    expect(await state('2025-06-01')).toMatchObject([
      {
        regionCode: '01',
        usedSek: 10_000_000,
        dueToRepaySek: 53_297_021,
        repayBy: '2026-03-31',
        state: 'open',
      },
    ]);
    expect((await state('2026-02-01'))[0]!.state).toBe('to_repay');
    expect((await state('2026-04-01'))[0]!.state).toBe('overdue');

    // Region 12 sees its own row and none of region 01's uses; a company sees the agreements only.
    const twelve = await json<FundsDto>('/api/preparedness/funds', t.region12);
    expect(twelve.agreements[2]!.regions.map((r) => r.regionCode)).toEqual(['12']);
    expect(twelve.uses).toEqual([]);
    const company = await json<FundsDto>('/api/preparedness/funds', f.tokens.c1);
    expect(company.agreements.map((a) => a.regions.length)).toEqual([0, 0, 0]);
    expect(company.classification.code).toBe('open');
  });

  it('refuses a use by anyone but the region, or beyond what is unused or the period, and changes nothing', async () => {
    const before = await store.db
      .selectFrom('fund_use')
      .select(sql<string>`count(*)`.as('n'))
      .executeTakeFirstOrThrow();
    const body = { agreement: '2024', amountSek: 1_000, usedOn: '2025-03-01', purpose: 'Lager' };
    // A reader of the region may not apply; LV is not a region; region 01 is the only one that records its own.
    expect((await call('POST', '/api/preparedness/funds/uses', f.tokens.region01, body)).statusCode).toBe(
      403,
    );
    const lv = await call('POST', '/api/preparedness/funds/uses', t.lvCoordinator, body);
    expect([lv.statusCode, lv.json().error.message]).toEqual([
      403,
      'only a region records its own funds used',
    ]);

    const tooMuch = await call('POST', '/api/preparedness/funds/uses', t.region01Reporter, {
      ...body,
      amountSek: 500_000_001,
      agreement: '2022',
      usedOn: '2025-01-15',
    });
    expect(tooMuch.statusCode).toBe(400);
    expect(tooMuch.json().error.problems.map((p: { field: string }) => p.field)).toEqual([
      'amountSek',
      'usedOn',
    ]);
    expect(tooMuch.json().error.problems[1].expected).toBe('a day from 2022-01-01 to 2024-12-31');
    const unknown = await call('POST', '/api/preparedness/funds/uses', t.region01Reporter, {
      ...body,
      agreement: '2019',
    });
    expect(unknown.statusCode).toBe(404);
    const badShape = await call('POST', '/api/preparedness/funds/uses', t.region01Reporter, {
      ...body,
      amountSek: 1.5,
    });
    expect(badShape.statusCode).toBe(400);
    const after = await store.db
      .selectFrom('fund_use')
      .select(sql<string>`count(*)`.as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('exports the funds as CSV: allocation, used and due per agreement and region', async () => {
    const csv = await call('GET', '/api/preparedness/funds/export?format=csv&on=2026-02-01', t.region12);
    expect(csv.statusCode).toBe(200);
    const lines = csv.body.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toMatch(/^Informationsklass: Begränsad\. BEGRÄNSAD – Medel för försörjningsberedskap/);
    expect(lines[0]).toContain('Region Skåne');
    // Nothing used: all of 2024's share is due by 31 March 2026 (the period ended 2025-12-31).
    expect(lines).toContain(
      '2024;12;Region Skåne;1421800;2023-08-31;36702979;0;36702979;2026-03-31;Ska återbetalas',
    );
    expect(lines.filter((l) => l.includes(';01;'))).toEqual([]);
  });
});
