import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { buildApp, type App } from '../../src/api/app.js';
import { groupKey } from '../../src/domain/demand.js';
import type { Store } from '../../src/store/database.js';
import { refreshPicture } from '../../src/store/picture/refresh.js';
import { buildExpectedDelivery, buildLocation, buildStockSnapshot, buildToken } from '../support/builders.js';
import { buildPictureFixture, TODAY, type PictureFixture } from '../support/picture-fixture.js';
import { describeEach, testBackends } from '../support/databases.js';

/**
 * Issue 8 items 1 and 5: nothing hidden leaks through a total, and reserve stock (preparedness
 * stocks, and stock level 3 wherever it is held) is kept apart from everyday coverage.
 *
 * Method: every answer of the picture (every GET route under /api/picture, and the stock read-back
 * routes including FHIR out) is fetched for every persona on the picture fixture; then sentinel
 * quantities are put where only some may see them, the picture is refreshed (as the maintainer
 * would, then fully), and every answer is fetched again. For a persona without the right to the
 * reserve, every answer must be identical (the sentinel changes nothing it can see: not a total,
 * a coverage, a risk class, a count, an expiry, a run-out date), and no sentinel figure appears.
 *
 * Sentinels (all in region 01):
 * - 777,777 packages of P1 at stock level 3 in the state security stock S1 (the authority's), in
 *   municipality 0180 (Stockholm, beside A1, A2 and W1), expiring 2026-12-31: earlier than any
 *   everyday lot of P1 (2027-06-30), so a leak into the lot outlook would change its earliest expiry;
 * - 55,555 packages of P1 at stock level 3 at the wholesaler's warehouse W1 (level 3 is reserve
 *   wherever it is held; the wholesaler sees it at its own location, nobody else does);
 * - 44,444 packages of P2 (level 2) in region 01's own regional preparedness stock R1;
 * - 333,333 packages of P1 expected at S1 on 2026-03-25.
 */

const SENTINELS = [777_777, 55_555, 44_444, 333_333];
/** Totals today's code would show: 900 everyday + 777,777 + 55,555, and 900 + 777,777. */
const DERIVED = [834_232, 778_677, 833_332];
const numberPattern = (n: number) => {
  const digits = String(n);
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, '[\\s,.\\u00a0\\u202f]?');
  return grouped;
};
const SENTINEL_RE = new RegExp(
  `(?<![\\d.,])(${[...SENTINELS, ...DERIVED].map(numberPattern).join('|')})(?![\\d])`,
);

type Persona = 'lv' | 'ct' | 'region01' | 'opA' | 'opB' | 'wholesaler' | 'c1';
const PERSONAS: readonly Persona[] = ['lv', 'ct', 'region01', 'opA', 'opB', 'wholesaler', 'c1'];
/** Those whose scope includes the preparedness tier (access.ts): authorities and the joint function. */
const WITH_RESERVE: ReadonlySet<Persona> = new Set(['lv', 'ct']);

interface Probe {
  /** The route as OpenAPI names it. */
  route: string;
  url: string;
  /** An everyday answer: the same before and after the sentinels, for everyone. */
  everyday: boolean;
}

interface Answer {
  status: number;
  type: string;
  text: string;
}

const EVERYDAY_TIERS = [
  'wholesale',
  'community_pharmacy',
  'dose_pharmacy',
  'hospital_pharmacy',
  'care_unit',
] as const;

describeEach(testBackends())('nothing hidden leaks through the picture on $name', (backend) => {
  let store: Store;
  let app: App;
  let f: PictureFixture;
  let r1: number;
  const tokens = {} as Record<Persona, string>;
  let probes: Probe[] = [];
  const before = new Map<string, Answer>();

  const get = (url: string, token: string) =>
    app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

  async function answer(url: string, persona: Persona): Promise<Answer> {
    const res = await get(url, tokens[persona]);
    const type = String(res.headers['content-type'] ?? '');
    let text: string;
    if (type.includes('spreadsheetml')) {
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
      const cells: string[] = [];
      workbook.eachSheet((sheet) => {
        cells.push(sheet.headerFooter.oddHeader ?? '', sheet.headerFooter.oddFooter ?? '');
        sheet.eachRow((row) => row.eachCell((cell) => cells.push(JSON.stringify(cell.value))));
      });
      cells.push(workbook.keywords, workbook.category);
      text = cells.join('\n');
    } else {
      text = res.body;
    }
    // Times of the refresh and of the request itself are not figures of the picture.
    text = text
      .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})/g, '<time>')
      .replace(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/g, '<time>')
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<correlation id>');
    return { status: res.statusCode, type, text };
  }

  /** Whether the persona's answer may change with the sentinels: its own locations that hold one. */
  function ownSentinel(persona: Persona, probe: Probe): boolean {
    if (WITH_RESERVE.has(persona)) return !probe.everyday;
    const own: Record<Persona, string[]> = {
      lv: [],
      ct: [],
      region01: [
        `/api/picture/locations/${r1}`,
        '/api/stock/SE-RBL-R1',
        '/api/picture/regions/01',
        '/api/picture/export/regions/01',
        // It holds R1, its own preparedness stock, where a sentinel lies.
        '/api/stock/by-owner',
      ],
      wholesaler: [
        `/api/picture/locations/${f.locations.w1}`,
        '/api/stock/SE-PHL-W1',
        // It holds W1, where a level-3 sentinel lies: the lines it holds are its to see.
        '/api/stock/by-owner',
      ],
      opA: [],
      opB: [],
      c1: [],
    };
    return own[persona].some(
      (prefix) =>
        probe.url === prefix || probe.url.startsWith(`${prefix}?`) || probe.url.startsWith(`${prefix}/`),
    );
  }

  let nplIds: string[] = [];

  function buildProbes(): Probe[] {
    const p = f.packages;
    const ids = [p.p1, p.p2, p.p3, p.p4];
    const list: Probe[] = [];
    const add = (route: string, url: string, everyday = false) => list.push({ route, url, everyday });
    for (const q of ['', '?region=01', '?region=12'])
      add('/api/picture/overview', `/api/picture/overview${q}`, true);
    for (const q of [
      '',
      '?level=region',
      '?level=region&region=01',
      '?group=true',
      '?group=true&level=region&region=01',
      '?reasons=true',
      ...EVERYDAY_TIERS.map((t) => `?tier=${t}`),
      ...EVERYDAY_TIERS.map((t) => `?tier=${t}&level=region&region=01`),
    ]) {
      add('/api/picture/items', `/api/picture/items${q}`, true);
    }
    add('/api/picture/items', '/api/picture/items?tier=preparedness');
    add('/api/picture/items', '/api/picture/items?tier=preparedness&level=region&region=01');
    for (const id of ids) add('/api/picture/map', `/api/picture/map?package=${id}`, true);
    const morfin = groupKey({ substance: 'morfin', strength: '10 mg/ml', form: 'injektionsvätska, lösning' });
    add('/api/picture/map', `/api/picture/map?group=${encodeURIComponent(morfin)}`, true);
    for (const id of ids) {
      for (const q of ['', '?region=01', '?region=12', '?lots=true', '?region=01&lots=true']) {
        add('/api/picture/products/{id}', `/api/picture/products/${id}${q}`);
      }
    }
    // Trends and outlook (issue 10 item 7): everyday stock only, the same for everyone before and after.
    for (const id of ids) {
      for (const q of ['', '?region=01', '?region=12']) {
        add('/api/picture/products/{id}/trends', `/api/picture/products/${id}/trends${q}`, true);
      }
    }
    for (const code of ['01', '12']) add('/api/picture/regions/{code}', `/api/picture/regions/${code}`);
    // Where is it? (issue 10 item 1): detail of the locations each persona may see, by distance too.
    for (const id of ids) add('/api/picture/where', `/api/picture/where?package=${id}`);
    add('/api/picture/where', `/api/picture/where?package=${p.p1}&near=0180&sort=distance`);
    add('/api/picture/where', `/api/picture/where?group=${encodeURIComponent(morfin)}`);
    add('/api/picture/export/where', `/api/picture/export/where?format=csv&package=${p.p1}&near=0180`);
    add('/api/picture/export/where', `/api/picture/export/where?format=xlsx&package=${p.p1}`);
    add('/api/picture/export/where', `/api/picture/export/where?format=csv&package=${p.p4}`);
    for (const id of [...Object.values(f.locations), r1]) {
      add('/api/picture/locations/{id}', `/api/picture/locations/${id}`);
    }
    for (const q of ['', '&tier=wholesale', '&level=region&region=01', '&group=true']) {
      add('/api/picture/export/items', `/api/picture/export/items?format=csv${q}`, true);
    }
    add('/api/picture/export/items', '/api/picture/export/items?format=xlsx', true);
    add('/api/picture/export/items', '/api/picture/export/items?format=csv&tier=preparedness');
    for (const id of ids)
      add('/api/picture/export/map', `/api/picture/export/map?format=csv&package=${id}`, true);
    add('/api/picture/export/map', `/api/picture/export/map?format=xlsx&package=${p.p1}`, true);
    // Every table of P1 (the sentinels' package); P2's tiers (region 01's preparedness stock).
    for (const table of [
      'tiers',
      'regions',
      'sales',
      'stock-history',
      'alternatives',
      'deliveries',
      'notices',
    ]) {
      add(
        '/api/picture/export/products/{id}',
        `/api/picture/export/products/${p.p1}?format=csv&table=${table}`,
      );
    }
    for (const id of [p.p1, p.p2]) {
      add(
        '/api/picture/export/products/{id}',
        `/api/picture/export/products/${id}?format=csv&table=tiers&region=01`,
      );
    }
    add('/api/picture/export/products/{id}', `/api/picture/export/products/${p.p1}?format=xlsx&table=tiers`);
    for (const code of ['01', '12']) {
      add('/api/picture/export/regions/{code}', `/api/picture/export/regions/${code}?format=csv`);
    }
    add('/api/picture/export/regions/{code}', '/api/picture/export/regions/01?format=xlsx');
    add('/api/picture/report.html', '/api/picture/report.html', true);
    add('/api/picture/report.html', '/api/picture/report.html?region=01', true);
    // Stock by owner and holder (issue 9 item 4): a holder sees what it holds, an owner what it owns.
    for (const npl of nplIds) add('/api/stock/by-owner', `/api/stock/by-owner?package=${npl}`);
    for (const code of ['SE-APO-A1', 'SE-PHL-W1', 'SE-BER-S1', 'SE-RBL-R1', 'SE-NONE-0000']) {
      add('/api/stock/{location}/inventory-report', `/api/stock/${code}/inventory-report`);
      add('/api/stock/{location}', `/api/stock/${code}`);
    }
    return list;
  }

  beforeAll(async () => {
    store = await backend.open();
    f = await buildPictureFixture(store);
    const db = store.db;
    // Region 01's own regional preparedness stock, and the state security stock placed in Stockholm.
    r1 = await buildLocation(db, f.orgs.region01, {
      code: 'SE-RBL-R1',
      name: 'Regionalt beredskapslager Stockholm',
      kind: 'regional_preparedness_stock',
      regionCode: '01',
      municipalityCode: '0184',
    });
    await db
      .updateTable('location')
      .set({ municipality_code: '0180' })
      .where('id', '=', f.locations.s1)
      .execute();
    // Reporters: they may also read their locations' stock back (report:read), FHIR included.
    for (const persona of PERSONAS) tokens[persona] = await buildToken(db, f.orgs[persona], 'reporter');
    await refreshPicture(store, { today: TODAY, full: true });
    app = await buildApp({ store, webDir: '/nonexistent' });
    const npl = await db
      .selectFrom('package')
      .select(['id', 'npl_pack_id'])
      .where('id', 'in', Object.values(f.packages))
      .execute();
    nplIds = npl.map((r) => r.npl_pack_id);
    probes = buildProbes();
    // What the checks below compare with: the answers a sentinel may not change (not those of a
    // persona's own sentinels, nor the reserve's answers to those who may see it).
    for (const persona of PERSONAS) {
      for (const probe of probes) {
        if (ownSentinel(persona, probe)) continue;
        before.set(`${persona} ${probe.url}`, await answer(probe.url, persona));
      }
    }

    // The sentinels. The preparedness stocks count later than anyone else (when they report is not
    // shown either); W1 at the fixture's time, so that the newest everyday count stays what it was.
    await buildStockSnapshot(
      db,
      f.locations.s1,
      [
        { packageId: f.packages.p4, quantity: 1000, expiry: '2029-01-31' },
        { packageId: f.packages.p1, quantity: 777_777, expiry: '2026-12-31', stockLevel: 3 },
      ],
      '2026-02-28T22:00:00Z',
    );
    await buildStockSnapshot(db, f.locations.w1, [
      { packageId: f.packages.p1, quantity: 600, expiry: '2028-01-31' },
      { packageId: f.packages.p1, quantity: 55_555, expiry: '2026-12-31', stockLevel: 3, batch: 'L3' },
    ]);
    await buildStockSnapshot(
      db,
      r1,
      [{ packageId: f.packages.p2, quantity: 44_444, expiry: '2026-12-31', stockLevel: 2 }],
      '2026-02-28T22:00:00Z',
    );
    await buildExpectedDelivery(db, f.orgs.lv, f.packages.p1, '2026-03-25', 333_333, f.locations.s1);
  }, 600_000);

  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  it('probes every GET route of the picture and the stock read-back, FHIR out included', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/docs/json' })).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    const routes = Object.entries(doc.paths)
      .filter(
        ([path, ops]) => 'get' in ops && (path.startsWith('/api/picture/') || path.startsWith('/api/stock/')),
      )
      .map(([path]) => path)
      .sort();
    expect(routes).toContain('/api/stock/{location}/inventory-report');
    expect([...new Set(probes.map((p) => p.route))].sort()).toEqual(routes);
    for (const probe of probes) {
      const pattern = new RegExp(`^${probe.route.replace(/\{[^}]+\}/g, '[^/?]+')}(\\?|$)`);
      expect(probe.url, probe.route).toMatch(pattern);
    }
  });

  const phases = [
    {
      name: 'after the maintainer’s incremental refresh',
      refresh: () =>
        refreshPicture(store, {
          today: TODAY,
          locationIds: [f.locations.s1, f.locations.w1, r1],
          packageIds: [f.packages.p1],
        }),
    },
    { name: 'after a full refresh', refresh: () => refreshPicture(store, { today: TODAY, full: true }) },
  ];

  describe.each(phases)('$name', (phase) => {
    beforeAll(async () => {
      await phase.refresh();
    }, 600_000);

    it.each(PERSONAS.filter((p) => !WITH_RESERVE.has(p)))(
      'shows %s, who may not see the reserve, exactly what it showed without the sentinels',
      async (persona) => {
        let compared = 0;
        for (const probe of probes) {
          if (ownSentinel(persona, probe)) continue;
          const now = await answer(probe.url, persona);
          const was = before.get(`${persona} ${probe.url}`);
          expect(now.status, probe.url).toBe(was?.status);
          expect(now.text, `${persona} ${probe.url}`).toBe(was?.text);
          expect(now.text, `${persona} ${probe.url}`).not.toMatch(SENTINEL_RE);
          compared += 1;
        }
        // At most its own locations' answers and the stock by owner and holder (four packages) may move.
        expect(compared).toBeGreaterThanOrEqual(probes.length - 12);
      },
      600_000,
    );

    it.each([...WITH_RESERVE])(
      'shows %s, who sees the reserve, the same everyday figures as without it',
      async (persona) => {
        for (const probe of probes.filter((p) => p.everyday)) {
          const now = await answer(probe.url, persona);
          // The sentinels are reports: that W1 and a preparedness stock reported today is theirs to
          // see (who reported, and what was reported today). The stock the day's picture expects is
          // everyday stock only, and stays.
          expect(withoutReporting(now.text), `${persona} ${probe.url}`).toBe(
            withoutReporting(before.get(`${persona} ${probe.url}`)?.text ?? ''),
          );
        }
      },
      600_000,
    );

    it('shows the reserve apart, as the days it would add, to those who may see it, classed Skyddad', async () => {
      // P1: 777,777 at S1 + 55,555 at level 3 at W1 = 833,332 reserve; everyday 900 (A1 100, A2 200,
      // W1 600). Demand 30 a day nationally, 10 in region 01. The reserve expires 2026-12-31, 305
      // days on: drawn first expiry first out at the demand, 305 days' worth can be used before then.
      for (const persona of WITH_RESERVE) {
        const page = (await get(`/api/picture/products/${f.packages.p1}`, tokens[persona])).json();
        expect(page.classification.code).toBe('protected');
        expect(page.item.stock).toEqual({ total: 900, usable: 900 });
        expect(page.reserve).toEqual({
          stock: { total: 833_332, usable: 305 * 30 },
          locations: 2,
          daysAdded: 305,
        });
        expect(page.stockByTier.map((t: { tier: string }) => t.tier)).not.toContain('preparedness');
        const region = (
          await get(`/api/picture/products/${f.packages.p1}?region=01`, tokens[persona])
        ).json();
        expect(region.reserve.daysAdded).toBeCloseTo(305, 6);
        // P2: region 01's preparedness stock (level 2, but a preparedness stock: reserve).
        const p2 = (await get(`/api/picture/products/${f.packages.p2}`, tokens[persona])).json();
        expect(p2.item.stock.total).toBe(30);
        // 44,444 expiring 2026-12-31 at 5 a day: 305 days can be used before then.
        expect(p2.reserve).toMatchObject({ stock: { total: 44_444 }, locations: 1, daysAdded: 305 });
        // The delivery to the state stock is shown to them as reserve, and counts in no run-out date.
        expect(page.deliveries).toContainEqual(
          expect.objectContaining({ expectedOn: '2026-03-25', quantity: 333_333, reserve: true }),
        );
        expect(page.item.incoming).toBe(800);
        const tier = (await get('/api/picture/items?tier=preparedness', tokens[persona])).json();
        expect(tier.classification.code).toBe('protected');
        const p1Tier = tier.items.find((i: { ref: string }) => i.ref === String(f.packages.p1));
        expect(p1Tier).toMatchObject({ stock: { total: 833_332 }, coverageDays: 305 });
      }
    });

    it('keeps the reserve out of the lot outlook, the municipalities and the stock history, for everyone', async () => {
      for (const persona of PERSONAS) {
        const token = tokens[persona];
        const page = (await get(`/api/picture/products/${f.packages.p1}?lots=true`, token)).json();
        expect(page.outlook.lots.earliestExpiry, persona).toBe('2027-06-30');
        expect(page.stockHistory.at(-1), persona).toMatchObject({ date: TODAY, total: 900 });
      }
      // The municipality holding the state stock (and W1, whose stock counts for the region as its
      // share, item 11) shows to an authority, who sees the reserve, everyday stock only: its two
      // pharmacies' and its population share of the region's wholesale share, 320; not S1's 777,777
      // (S1 is not among its locations).
      const page = (await get(`/api/picture/products/${f.packages.p1}?region=01`, tokens.lv)).json();
      const stockholm = (
        page.stockByMunicipality as { municipality: { code: string }; stock: unknown; locations: number }[]
      ).find((m) => m.municipality.code === '0180');
      expect(stockholm).toMatchObject({ stock: { total: 320, usable: 320 }, locations: 2 });
    });

    it('shows a location’s reserve to those who may see the location, apart from its everyday stock', async () => {
      const w1 = (await get(`/api/picture/locations/${f.locations.w1}`, tokens.wholesaler)).json();
      expect(w1.classification.code).toBe('protected');
      expect(w1.items[0]).toMatchObject({
        packageId: f.packages.p1,
        stock: { total: 600, usable: 600 },
        // A warehouse has no demand of its own to measure against (item 11): no days.
        reserve: { total: 55_555, usable: 55_555, daysAdded: null },
        coverageDays: null,
        demandBasis: 'no_basis',
      });
      const own = (await get(`/api/picture/locations/${r1}`, tokens.region01)).json();
      expect(own.items[0]).toMatchObject({ packageId: f.packages.p2, reserve: { total: 44_444 } });
      for (const persona of PERSONAS.filter((p) => !WITH_RESERVE.has(p))) {
        const s1 = await get(`/api/picture/locations/${f.locations.s1}`, tokens[persona]);
        const none = await get('/api/picture/locations/999999', tokens[persona]);
        expect(s1.statusCode, persona).toBe(404);
        const error = (res: typeof s1) => {
          const e = res.json().error as { kind: string; message: string };
          return { kind: e.kind, message: e.message.replace(/\d+/g, 'N') };
        };
        expect(error(s1), persona).toEqual(error(none));
      }
    });
  });

  it('does not tell when a preparedness stock last counted: the newest count shown is of everyday stock', async () => {
    for (const persona of PERSONAS) {
      const overview = (await get('/api/picture/overview', tokens[persona])).json();
      expect(overview.asOf.stockCountedUntil, persona).toBe('2026-01-01T06:00:00.000Z');
    }
  });

  it('gives every persona the same risk, counts and flags: they are computed from everyday stock', async () => {
    const national = new Set<string>();
    const p1 = new Set<string>();
    for (const persona of PERSONAS) {
      if (persona !== 'c1') {
        // A company's counts are of its own packages only (by design, not by the reserve).
        national.add(JSON.stringify((await get('/api/picture/overview', tokens[persona])).json().national));
      }
      const item = (await get(`/api/picture/items?package=${f.packages.p1}`, tokens[persona])).json()
        .items[0];
      p1.add(JSON.stringify([item.stock, item.coverageDays, item.riskClass, item.flags, item.runsOutOn]));
    }
    expect(national.size).toBe(1);
    expect(p1.size).toBe(1);
  });

  it('adds up, for every persona, the parts shown to the total shown', async () => {
    for (const persona of PERSONAS) {
      const token = tokens[persona];
      for (const id of Object.values(f.packages)) {
        for (const q of ['', '?region=01', '?region=12']) {
          const res = await get(`/api/picture/products/${id}${q}`, token);
          if (res.statusCode !== 200) continue;
          const page = res.json();
          // The counted lines: in a region the wholesale stock held there is shown but not counted
          // (its share of the wholesale stock serving it is), item 11.
          const tiers = (
            page.stockByTier as { tier: string; counted: boolean; stock: { total: number; usable: number } }[]
          ).filter((t) => t.counted);
          const total = page.item?.stock.total ?? 0;
          const usable = page.item?.stock.usable ?? 0;
          expect(
            tiers.reduce((s, t) => s + t.stock.total, 0),
            `${persona} ${id}${q}`,
          ).toBeCloseTo(total, 6);
          expect(
            tiers.reduce((s, t) => s + t.stock.usable, 0),
            `${persona} ${id}${q}`,
          ).toBeCloseTo(usable, 6);
          expect(page.reserve === null, `${persona} ${id}${q}`).toBe(!WITH_RESERVE.has(persona));
          expect(page.classification.code).toBe(WITH_RESERVE.has(persona) ? 'protected' : 'restricted');
        }
        const map = await get(`/api/picture/map?package=${id}`, token);
        if (map.statusCode === 200) {
          const body = map.json();
          const regions = body.regions as { stock: { total: number } }[];
          expect(
            regions.reduce((s, r) => s + r.stock.total, 0),
            `${persona} map ${id}`,
          ).toBeCloseTo(body.national.stock.total, 6);
        }
      }
      const items = (await get('/api/picture/items?limit=500', token)).json();
      const byTier = new Map<string, number>();
      for (const tier of EVERYDAY_TIERS) {
        const page = (await get(`/api/picture/items?tier=${tier}&limit=500`, token)).json();
        for (const i of page.items as { ref: string; stock: { total: number } }[]) {
          byTier.set(i.ref, (byTier.get(i.ref) ?? 0) + i.stock.total);
        }
      }
      for (const i of items.items as { ref: string; stock: { total: number } }[]) {
        expect(byTier.get(i.ref) ?? 0, `${persona} items ${i.ref}`).toBeCloseTo(i.stock.total, 6);
      }
    }
  });
});

/** An answer with the counts of who reported when (freshness) blanked; quantities stay. */
function withoutReporting(text: string): string {
  return text
    .replace(
      /"(locations|reportedToday|locationShare|reportedStock|stockShare|staleStock|neverReported)":[\d.]+/g,
      '"$1":"<reporting>"',
    )
    .replace(/(Rapporterat i dag:<\/dt><dd>)[^<]*/g, '$1<reporting>');
}
