import { afterAll, beforeAll, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { buildApp, type App } from '../../src/api/app.js';
import { swedishTime } from '../../src/api/picture/report.js';
import type { Store } from '../../src/store/database.js';
import { buildPictureFixture, TODAY, type PictureFixture } from '../support/picture-fixture.js';
import { describeEach, testBackends } from '../support/databases.js';

describeEach(testBackends())('picture API on $name', (backend) => {
  let store: Store;
  let app: App;
  let f: PictureFixture;

  const get = async (url: string, token: string) => {
    const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    return res;
  };
  const json = async (url: string, token: string) => {
    const res = await get(url, token);
    expect(res.statusCode, `${url}: ${res.body.slice(0, 300)}`).toBe(200);
    return res.json();
  };

  beforeAll(async () => {
    store = await backend.open();
    f = await buildPictureFixture(store);
    app = await buildApp({ store, webDir: '/nonexistent' });
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  it('answers the overview with counts by risk, the most critical items and notices, classed Begränsad', async () => {
    const body = await json('/api/picture/overview', f.tokens.lv);
    expect(body.classification).toEqual({ code: 'restricted', label: 'Begränsad' });
    expect(body.asOf).toMatchObject({ today: TODAY, windowEnd: '2026-02-28', minShelfLifeDays: 0 });
    // Nationally: P1 30 days (adequate), P2 6 days (critical), P3 no demand. P4 is held only in the
    // state security stock, which is reserve, not everyday stock, and nobody buys it: no item.
    expect(body.counts.packages).toMatchObject({ critical: 1, low: 0, adequate: 1, noDemand: 1, total: 3 });
    expect(body.counts.packages.prioritisedCritical).toBe(1);
    expect(body.critical.map((i: { ref: string }) => i.ref)).toEqual([String(f.packages.p2)]);
    expect(body.byRegion.map((r: { region: { code: string } }) => r.region.code)).toEqual(['01', '12']);
    const r01 = body.byRegion[0];
    expect(r01.packages).toMatchObject({ critical: 1, possibleCriticalShortage: 1 });
    expect(body.notices.active.map((n: { packageId: number }) => n.packageId)).toEqual([f.packages.p2]);
    expect(
      body.notices.upcoming.map((n: { packageId: number; kind: string }) => [n.packageId, n.kind]),
    ).toEqual([[f.packages.p1, 'sales_stop']]);
  });

  it('lists the national item table with stock, demand, coverage, run-out dates with and without deliveries', async () => {
    const body = await json('/api/picture/items?level=national&sort=name', f.tokens.lv);
    expect(body.total).toBe(3);
    const p1 = body.items.find((i: { ref: string }) => i.ref === String(f.packages.p1));
    expect(p1).toMatchObject({
      kind: 'package',
      area: { code: 'SE', name: 'Hela landet' },
      stock: { total: 900, usable: 900 },
      demand: { perDay: 30, basis: 'sum_of_regions' },
      coverageDays: 30,
      runsOutOn: '2026-03-31',
      // 900 + 800 arriving 2026-03-20 at 30 a day: 1,700 / 30 = 56.7 days.
      runsOutWithDeliveriesOn: '2026-04-26',
      incoming: 800,
      riskClass: 'adequate',
      flags: { prioritised: false, activeNotice: true, possibleCriticalShortage: false },
    });
  });

  it('shows region 01: P1 lasts 50 days, 76 with its share of the delivery to the warehouse; P2 is signalled a possible critical shortage', async () => {
    const body = await json('/api/picture/items?level=region&region=01&reasons=true', f.tokens.lv);
    const p1 = body.items.find((i: { ref: string }) => i.ref === String(f.packages.p1));
    // A1 100 + A2 200 + region 01's share of W1's 600 (10 of the 30 a day W1 serves) = 500 at 10 a
    // day; of the 800 arriving at W1 on 2026-03-20 its share is 266.67: 766.67 / 10 = 76.7 days.
    expect(p1).toMatchObject({
      stock: { total: 500, usable: 500 },
      coverageDays: 50,
      runsOutOn: '2026-04-20',
      runsOutWithDeliveriesOn: '2026-05-16',
    });
    const p2 = body.items.find((i: { ref: string }) => i.ref === String(f.packages.p2));
    expect(p2).toMatchObject({
      demand: { perDay: 5, basis: 'recent' },
      coverageDays: 6,
      riskClass: 'critical',
      flags: { prioritised: true, activeNotice: true, possibleCriticalShortage: true },
    });
    expect(p2.reasons.map((r: { code: string }) => r.code)).toEqual([
      'coverage',
      'prioritised',
      'notice_active',
      'no_interchangeable_alternative',
    ]);
    expect(body.items[0].ref).toBe(String(f.packages.p2));
  });

  it('does not signal P2 nationally: P3 of the same group in region 12 covers both for 14 days', async () => {
    const body = await json(`/api/picture/items?package=${f.packages.p2}&reasons=true`, f.tokens.lv);
    expect(body.items[0].flags).toMatchObject({ prioritised: true, possibleCriticalShortage: false });
    expect(body.items[0].reasons).toContainEqual(
      expect.objectContaining({
        code: 'alternative_available',
        ref: String(f.packages.p3),
        relation: 'same_group',
      }),
    );
  });

  it('measures a tier against the whole area: the wholesale tier of region 01 covers 600 / 10 = 60 days', async () => {
    const body = await json(
      `/api/picture/items?level=region&region=01&tier=wholesale&package=${f.packages.p1}`,
      f.tokens.lv,
    );
    expect(body.items[0]).toMatchObject({ tier: 'wholesale', stock: { usable: 600 }, coverageDays: 60 });
    const community = await json(
      `/api/picture/items?level=region&region=01&tier=community_pharmacy&package=${f.packages.p1}`,
      f.tokens.lv,
    );
    expect(community.items[0]).toMatchObject({ stock: { usable: 300 }, coverageDays: 30 });
  });

  it('filters by risk, prioritised, text and lists groups in units', async () => {
    const critical = await json('/api/picture/items?level=region&risk=critical', f.tokens.lv);
    expect(
      critical.items.map((i: { ref: string; area: { code: string } }) => `${i.ref}@${i.area.code}`).sort(),
    ).toEqual([`${f.packages.p2}@01`]);
    const text = await json('/api/picture/items?q=morfin', f.tokens.lv);
    expect(text.total).toBe(2);
    const groups = await json('/api/picture/items?group=1&q=morfin', f.tokens.lv);
    expect(groups.items).toHaveLength(1);
    expect(groups.items[0]).toMatchObject({
      kind: 'group',
      ref: 'morfin|10mg/ml|injektionsvätska, lösning',
      unit: 'st',
      // (30 + 500) packs x 10 = 5,300 units; 5 packs x 10 = 50 units a day → 106 days.
      stock: { usable: 5300 },
      demand: { perDay: 50 },
      coverageDays: 106,
    });
  });

  it('gives the map one row per region, with the region’s coverage and risk', async () => {
    const body = await json(`/api/picture/map?package=${f.packages.p1}`, f.tokens.lv);
    expect(body.national).toMatchObject({ area: { code: 'SE' }, coverageDays: 30, riskClass: 'adequate' });
    expect(body.regions).toEqual([
      expect.objectContaining({
        area: { code: '01', name: 'Region Stockholm' },
        coverageDays: 50,
        riskClass: 'adequate',
      }),
      // Region 12 holds none itself; its share of W1 is 400 (20 of 30 a day): 20 days.
      expect.objectContaining({
        area: { code: '12', name: 'Region Skåne' },
        coverageDays: 20,
        riskClass: 'low',
      }),
    ]);
    const group = await json(
      `/api/picture/map?group=${encodeURIComponent('morfin|10mg/ml|injektionsvätska, lösning')}`,
      f.tokens.lv,
    );
    expect(group.item.kind).toBe('group');
    expect(group.regions[1]).toMatchObject({
      area: { code: '12' },
      stock: { usable: 5000 },
      riskClass: 'no_demand',
    });
  });

  it('builds the product page: tiers, regions, 13 months of sales, stock history, notices, alternatives, deliveries', async () => {
    const body = await json(`/api/picture/products/${f.packages.p2}?lots=true`, f.tokens.lv);
    expect(body.product).toMatchObject({
      id: f.packages.p2,
      prioritised: true,
      company: { name: 'Företag Ett' },
    });
    // The signal is the picture's; the designation kritisk brist is the authority's, none recorded.
    expect(body.item).toMatchObject({
      coverageDays: 6,
      riskClass: 'critical',
      designatedCriticalShortage: null,
    });
    expect(body.group).toMatchObject({ kind: 'group', coverageDays: 106 });
    expect(body.stockByTier.find((t: { tier: string }) => t.tier === 'hospital_pharmacy')).toMatchObject({
      tierName: 'Sjukhusapotek',
      stock: { usable: 30 },
      locations: 1,
      coverageDays: 6,
    });
    // The tiers are everyday stock; the reserve (none of P2) is shown apart, to an authority.
    expect(body.stockByTier.map((t: { tier: string }) => t.tier)).not.toContain('preparedness');
    expect(body.reserve).toEqual({ stock: { total: 0, usable: 0 }, locations: 0, daysAdded: 0 });
    expect(body.classification.code).toBe('protected');
    expect(body.stockByRegion.map((r: { area: { code: string } }) => r.area.code)).toEqual(['01', '12']);
    expect(body.salesByMonth).toHaveLength(13);
    // February 2026: 3 a day in the region rows + 2 a day at the hospital, 28 days.
    expect(body.salesByMonth.at(-1)).toEqual({ month: '2026-02', quantity: 140 });
    expect(body.stockHistory).toEqual([{ date: TODAY, total: 30, usable: 30 }]);
    expect(body.notices).toEqual([expect.objectContaining({ kind: 'shortage', active: true })]);
    expect(body.alternatives).toEqual([
      expect.objectContaining({
        relation: 'same_group',
        interchangeable: true,
        item: expect.objectContaining({ ref: String(f.packages.p3) }),
      }),
    ]);
    expect(body.outlook.lots).toMatchObject({
      runsOutOn: '2026-03-07',
      earliestExpiry: '2027-01-31',
      usableBeforeExpiry: 30,
    });

    const p1 = await json(`/api/picture/products/${f.packages.p1}`, f.tokens.lv);
    expect(p1.deliveries).toEqual([
      {
        expectedOn: '2026-03-20',
        quantity: 800,
        regionCode: '01',
        reserve: false,
        organisation: { id: f.orgs.c1, name: 'Företag Ett' },
      },
    ]);
    expect(p1.outlook).toMatchObject({
      runsOutOn: '2026-03-31',
      runsOutWithDeliveriesOn: '2026-04-26',
      lots: null,
    });
  });

  it('gives a region’s municipalities their stock against the region’s demand shared by population', async () => {
    const body = await json(`/api/picture/products/${f.packages.p1}?region=01`, f.tokens.lv);
    expect(body.area).toEqual({ code: '01', name: 'Region Stockholm' });
    // Stockholm: A1 100 + A2 200 expiring 2027-06-30, and 10 % of the region's share of W1 (200, expiring
    // 2028-01-31): 320; 10 % of the region's 10 a day → 1 a day. First expiry first out, all of it is
    // used before it expires: 320 days. W1 itself, standing there, serves the whole country.
    expect(body.stockByMunicipality).toEqual([
      {
        municipality: { code: '0180', name: 'Stockholm' },
        suppressed: false,
        stock: { total: 320, usable: 320 },
        locations: 2,
        demandPerDay: 1,
        coverageDays: 320,
        riskClass: 'adequate',
      },
      // Solna holds none itself: its 10 % of the region's share of W1, 20, at 1 a day.
      expect.objectContaining({
        municipality: { code: '0184', name: 'Solna' },
        stock: { total: 20, usable: 20 },
        locations: 0,
        coverageDays: 20,
      }),
    ]);
    const national = await json(`/api/picture/products/${f.packages.p1}`, f.tokens.lv);
    expect(national.stockByMunicipality).toBeNull();
  });

  it('builds the region page: each location’s coverage of the prioritised list', async () => {
    const body = await json('/api/picture/regions/01', f.tokens.lv);
    expect(body.classification.code).toBe('protected');
    expect(body.counts.packages).toMatchObject({ critical: 1, possibleCriticalShortage: 1 });
    const h1 = body.locations.find((l: { location: { id: number } }) => l.location.id === f.locations.h1);
    // H1 measured against its own sales: 30 / 2 a day = 15 days: under 30, not under 14.
    expect(h1).toMatchObject({
      detail: true,
      location: { tier: 'hospital_pharmacy', organisation: { name: 'Region Stockholm' } },
      prioritised: { held: 1, belowCritical: 0, belowLow: 1, demandBasis: 'own_sales' },
    });
    expect(body.locations.map((l: { location: { code: string } }) => l.location.code)).toContain('SE-BER-S1');
  });

  it('gives one location’s coverage per package, classed Skyddad', async () => {
    const body = await json(`/api/picture/locations/${f.locations.a1}`, f.tokens.lv);
    expect(body.classification).toEqual({ code: 'protected', label: 'Skyddad' });
    // A1 shares region 01's 10 a day with A2: 5 a day, 100 / 5 = 20 days.
    expect(body.items).toEqual([
      expect.objectContaining({
        packageId: f.packages.p1,
        demandBasis: 'region_share',
        demandPerDay: 5,
        coverageDays: 20,
      }),
    ]);
  });

  it('exports the item table as CSV with the marking, Swedish headers and decimal commas', async () => {
    const res = await get(
      `/api/picture/export/items?format=csv&level=region&region=01&package=${f.packages.p1}`,
      f.tokens.lv,
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    expect(res.headers['content-disposition']).toContain('lagesbild-artiklar-2026-03-01.csv');
    const lines = res.body.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toContain('Informationsklass: Begränsad');
    expect(lines[0]).toContain('2026-03-01');
    // Issue 10 item 8: a package row says how it is known elsewhere: nplpackid, varunummer, GTIN, company.
    expect(lines[1]?.split(';').slice(0, 7)).toEqual([
      'Typ',
      'Id',
      'NPL-förpacknings-id (nplpackid)',
      'Varunummer',
      'GTIN',
      'Företag',
      'Namn',
    ]);
    expect(lines[1]).toContain('Täckning (dagar)');
    const row = lines[2]?.split(';') ?? [];
    const npl = await store.db
      .selectFrom('package')
      .select('npl_pack_id')
      .where('id', '=', f.packages.p1)
      .executeTakeFirstOrThrow();
    expect(row.slice(0, 7)).toEqual([
      'Förpackning',
      String(f.packages.p1),
      npl.npl_pack_id,
      '123456',
      '07046261234567',
      'Företag Ett',
      'Alvedon',
    ]);
    expect(row).toContain('50,0');
    expect(row).toContain('Tillräcklig');
  });

  it('exports XLSX that opens with exceljs and carries the classification', async () => {
    const res = await get(`/api/picture/export/map?format=xlsx&package=${f.packages.p1}`, f.tokens.lv);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    expect(sheet?.getCell('A1').value).toBe('Informationsklass: Begränsad');
    expect(String(sheet?.headerFooter.oddHeader)).toContain('BEGRÄNSAD');
    expect(workbook.keywords).toBe('Informationsklass: Begränsad');
    expect(sheet?.getRow(3).values).toEqual(
      expect.arrayContaining(['Område', 'Täckning (dagar)', 'Riskklass']),
    );
    expect(sheet?.getRow(5).values).toEqual(expect.arrayContaining(['Region Stockholm', 50, 'Tillräcklig']));
  });

  it('exports XLSX with real Excel dates, number formats, column widths and an autofilter', async () => {
    const res = await get(
      `/api/picture/export/items?format=xlsx&level=national&sort=name&package=${f.packages.p1}`,
      f.tokens.lv,
    );
    expect(res.statusCode).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    const headers = (sheet.getRow(3).values as unknown[]).slice(1);
    const column = (name: string) => headers.indexOf(name) + 1;
    // Row 4 is P1 nationally: 900 usable, 30 a day, runs out 30 days after 2026-03-01.
    const runsOut = sheet.getRow(4).getCell(column('Tar slut')).value;
    expect(runsOut).toBeInstanceOf(Date);
    expect((runsOut as Date).toISOString()).toBe('2026-03-31T00:00:00.000Z');
    expect(sheet.getColumn(column('Tar slut')).numFmt).toBe('yyyy-mm-dd');
    // Stock: whole packages with a separator, below one package its fraction (stockFigure).
    expect(sheet.getRow(4).getCell(column('Användbart lager')).value).toBe(900);
    expect(sheet.getColumn(column('Användbart lager')).numFmt).toBe('[=0]0;[<1]0.0###;#,##0');
    expect(sheet.getRow(4).getCell(column('GTIN')).value).toBe('07046261234567');
    expect(sheet.getRow(4).getCell(column('Företag')).value).toBe('Företag Ett');
    // Widths follow the widest text: 'NPL-förpacknings-id (nplpackid)' is 31 characters, + 2.
    expect(sheet.getColumn(column('NPL-förpacknings-id (nplpackid)')).width).toBe(33);
    expect(sheet.getColumn(column('Typ')).width).toBe('Förpackning'.length + 2);
    // The header row (3) through the last row (4), every column: 27 columns, A to AA.
    expect(headers).toHaveLength(27);
    expect(sheet.autoFilter).toBe('A3:AA4');
    // The delivery export's day is an Excel date too: P1, 800 packages on 2026-03-20.
    const deliveries = await get(
      `/api/picture/export/products/${f.packages.p1}?format=xlsx&table=deliveries`,
      f.tokens.lv,
    );
    const book2 = new ExcelJS.Workbook();
    await book2.xlsx.load(deliveries.rawPayload as unknown as ArrayBuffer);
    const day = book2.worksheets[0]!.getCell('A4').value;
    expect(day).toBeInstanceOf(Date);
    expect((day as Date).toISOString().slice(0, 10)).toBe('2026-03-20');
  });

  it('exports the product page’s tables and the region page’s locations', async () => {
    const sales = await get(
      `/api/picture/export/products/${f.packages.p2}?format=csv&table=sales`,
      f.tokens.lv,
    );
    expect(sales.statusCode).toBe(200);
    expect(sales.body).toContain('Månad;Förpackningar');
    expect(sales.body).toContain('2026-02;140');
    const region = await get('/api/picture/export/regions/01?format=csv', f.tokens.lv);
    expect(region.body).toContain('Informationsklass: Skyddad');
    expect(region.body).toContain('SE-SJH-H1;Sjukhusapoteket Solna;Sjukhusapotek');
  });

  it('prints a self-contained situational report marked on every page with date and scope', async () => {
    const res = await get('/api/picture/report.html', f.tokens.lv);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    const html = res.body;
    expect(html).toContain('BEGRÄNSAD – Lägesbild läkemedelsförsörjning 2026-03-01 – Hela landet');
    expect(html).toMatch(/@media print[\s\S]*\.marking \{ position: fixed/);
    expect(html).toContain('@top-center');
    expect(html).toContain('Morfin Ett');
    expect(html).toContain('Försäljningsuppehåll');
    // Works with the network down: nothing loaded from elsewhere.
    expect(html).not.toMatch(/<script|<link|<img|src=|url\(|@import|https?:\/\//i);
    // Every time in Swedish time, saying so (issue 10 item 8): none in UTC.
    expect(html).not.toContain('UTC');
    for (const label of ['Utskriven', 'Beräknad', 'Lager räknat t.o.m.'])
      expect(html).toMatch(new RegExp(`${label}:</dt><dd>\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} CES?T`));
  });

  it('writes times in Swedish time with the zone, winter and summer', () => {
    expect(swedishTime(new Date('2026-03-01T06:00:00Z'))).toBe('2026-03-01 07:00 CET');
    expect(swedishTime(new Date('2026-07-01T06:00:00Z'))).toBe('2026-07-01 08:00 CEST');
    // 23:30 UTC on the last day of February is already 1 March in Sweden.
    expect(swedishTime(new Date('2026-02-28T23:30:00Z'))).toBe('2026-03-01 00:30 CET');
  });

  it('answers 503 before the first refresh and refreshes on an admin’s request', async () => {
    const empty = await backend.open();
    const { buildOrganisation, buildToken } = await import('../support/builders.js');
    const org = await buildOrganisation(empty.db, { kind: 'authority' });
    const token = await buildToken(empty.db, org, 'admin');
    const emptyApp = await buildApp({ store: empty, webDir: '/nonexistent' });
    try {
      const before = await emptyApp.inject({
        method: 'GET',
        url: '/api/picture/overview',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(before.statusCode).toBe(503);
      expect(before.json().error.kind).toBe('unavailable');
      const refresh = await emptyApp.inject({
        method: 'POST',
        url: '/api/picture/refresh',
        headers: { authorization: `Bearer ${token}` },
        payload: { today: TODAY },
      });
      expect(refresh.statusCode).toBe(200);
      expect(refresh.json()).toMatchObject({ mode: 'full', reason: 'first refresh', today: TODAY });
    } finally {
      await emptyApp.close();
      await empty.close();
    }
  });

  it('refuses a refresh without the admin permission', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/picture/refresh',
      headers: { authorization: `Bearer ${f.tokens.lv}` },
      payload: { today: TODAY },
    });
    expect(res.statusCode).toBe(403);
  });

  it('documents every picture route in the OpenAPI document', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/docs/json' })).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/picture/overview',
        '/api/picture/items',
        '/api/picture/map',
        '/api/picture/products/{id}',
        '/api/picture/regions/{code}',
        '/api/picture/locations/{id}',
        '/api/picture/export/items',
        '/api/picture/export/map',
        '/api/picture/export/products/{id}',
        '/api/picture/export/regions/{code}',
        '/api/picture/report.html',
        '/api/picture/refresh',
      ]),
    );
  });
});
