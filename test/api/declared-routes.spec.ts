import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/api/app.js';
import { groupKey } from '../../src/domain/demand.js';
import type { Store } from '../../src/store/database.js';
import { refreshPicture } from '../../src/store/picture/refresh.js';
import { buildToken } from '../support/builders.js';
import { describeEach, testBackends } from '../support/databases.js';
import { buildPictureFixture, TODAY, type PictureFixture } from '../support/picture-fixture.js';

/*
 * Issue 11 item 9: only what is declared answers.
 *
 * 1. A method other than GET or HEAD on a path outside /api is 405 with `Allow: GET, HEAD`, never the
 *    dashboard's index.html.
 * 2. Every export route of the OpenAPI document (a file: CSV, XLSX, HTML; or FHIR out) answers, for
 *    every persona, exactly as its JSON twin: the same status and error, and when both answer, the
 *    same number of rows. A table the JSON twin withholds (null: the product page's stockByRegion for
 *    those who do not see figures per region) is not exported as an empty file: the export answers
 *    the refusal that the per-region route (/api/picture/map) gives that persona.
 */

type Persona = 'lv' | 'ct' | 'region01' | 'region12' | 'opA' | 'opB' | 'wholesaler' | 'c1' | 'c2';
const PERSONAS: readonly Persona[] = [
  'lv',
  'ct',
  'region01',
  'region12',
  'opA',
  'opB',
  'wholesaler',
  'c1',
  'c2',
];

/** A case of an export route: its URL, its JSON twin's URL, and how many rows the twin's answer holds. */
interface Case {
  url: string;
  twin: string;
  /** Rows the export must carry, read from the twin's JSON; null: the twin withholds this table. */
  rows: (json: Record<string, unknown>) => number | null;
  /** For a withheld table: the JSON route whose refusal the export must give. */
  withheldLike?: string;
}

const length = (v: unknown): number | null => (Array.isArray(v) ? v.length : null);

/** The product page's field behind each table of /picture/export/products/{id}. */
const PRODUCT_TABLE_ROWS: Record<string, (json: Record<string, unknown>) => number | null> = {
  tiers: (j) => (length(j.stockByTier) ?? 0) + (j.reserve === null ? 0 : 1),
  regions: (j) => length(j.stockByRegion),
  sales: (j) => length(j.salesByMonth),
  'stock-history': (j) => length(j.stockHistory),
  alternatives: (j) => length(j.alternatives),
  deliveries: (j) => length(j.deliveries),
  notices: (j) => length(j.notices),
};

interface Answer {
  status: number;
  error?: { kind: string; message: string };
  /** Data rows of a CSV or XLSX export. */
  rows?: number;
  json?: Record<string, unknown>;
}

async function read(res: LightMyRequestResponse): Promise<Answer> {
  const type = String(res.headers['content-type'] ?? '');
  if (res.statusCode >= 400) {
    const body = res.json<{ error: { kind: string; message: string } }>();
    return { status: res.statusCode, error: { kind: body.error.kind, message: body.error.message } };
  }
  if (type.startsWith('text/csv')) {
    // The marking line and the header line, then one line per row, each ended by CRLF.
    return { status: res.statusCode, rows: res.body.split('\r\n').length - 3 };
  }
  if (type.includes('spreadsheetml')) {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    return { status: res.statusCode, rows: workbook.worksheets[0]!.rowCount - 3 };
  }
  if (type.includes('json')) return { status: res.statusCode, json: res.json<Record<string, unknown>>() };
  return { status: res.statusCode };
}

/**
 * PGlite only: what answers, and whether an export agrees with its JSON twin, is the HTTP layer's; both
 * read the same rows through the same SQL, which each route's own spec runs on PostgreSQL as well.
 */
const backends = testBackends().filter((b) => b.name === 'pglite');

describeEach(backends)('only what is declared answers on $name', (backend) => {
  let store: Store;
  let app: App;
  let f: PictureFixture;
  let webDir: string;
  const tokens = {} as Record<Persona, string>;

  beforeAll(async () => {
    store = await backend.open();
    f = await buildPictureFixture(store);
    for (const persona of PERSONAS) tokens[persona] = await buildToken(store.db, f.orgs[persona], 'reporter');
    await refreshPicture(store, { today: TODAY, full: true });
    webDir = await mkdtemp(join(tmpdir(), 'beredskap-web-'));
    await writeFile(join(webDir, 'index.html'), '<!doctype html><title>beredskap</title>');
    await mkdir(join(webDir, 'assets'));
    await writeFile(join(webDir, 'assets', 'app.js'), 'console.log(1)');
    app = await buildApp({ store, webDir });
  }, 600_000);

  afterAll(async () => {
    await app?.close();
    await store?.close();
    if (webDir) await rm(webDir, { recursive: true, force: true });
  });

  it('answers 405 with Allow: GET, HEAD to other methods outside /api, and still serves GET and HEAD', async () => {
    for (const url of ['/', '/lagesbild', '/produkter/12?x=1', '/index.html', '/assets/app.js']) {
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const) {
        const res = await app.inject({ method, url, payload: method === 'OPTIONS' ? undefined : 'x=1' });
        expect(res.statusCode, `${method} ${url}`).toBe(405);
        expect(res.headers.allow, `${method} ${url}`).toBe('GET, HEAD');
        expect(res.body).not.toMatch(/<title>beredskap/);
        expect(res.json<{ error: { kind: string } }>().error.kind).toBe('method_not_allowed');
      }
    }
    const page = await app.inject({ method: 'GET', url: '/lagesbild' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/<title>beredskap/);
    expect((await app.inject({ method: 'HEAD', url: '/lagesbild' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/assets/app.js' })).statusCode).toBe(200);
    // Under /api an unknown route stays "not found", whatever the method.
    expect((await app.inject({ method: 'POST', url: '/api/nothing' })).statusCode).toBe(404);
  });

  it('answers every export route of the OpenAPI document as its JSON twin, for every persona', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/docs/json' })).json<{
      paths: Record<string, Record<string, { responses?: Record<string, { content?: object }> }>>;
    }>();
    // An export: a GET whose answer is a file (not JSON), one under /export/, or FHIR out.
    const exportRoutes = Object.entries(doc.paths)
      .filter(([path, ops]) => {
        const get = ops.get;
        if (get === undefined) return false;
        // The Atom feed of alerts answers to its token, not to a persona; test/api/alerts.spec.ts checks it.
        if (path.startsWith('/api/alerts/feed/')) return false;
        const types = Object.values(get.responses ?? {}).flatMap((r) => Object.keys(r.content ?? {}));
        return (
          types.some((t) => t !== 'application/json') ||
          path.includes('/export/') ||
          path.endsWith('/inventory-report')
        );
      })
      .map(([path]) => path)
      .sort();

    const p = f.packages;
    const ids = [p.p1, p.p2, p.p3, p.p4, 999_999];
    const morfin = groupKey({ substance: 'morfin', strength: '10 mg/ml', form: 'injektionsvätska, lösning' });
    const cases: Record<string, Case[]> = {
      // Issue 12 (obligations): lines of a calculation, the what-if, the list in force.
      '/api/obligations/export/lines': [1, 999_999].map((id) => ({
        url: `/api/obligations/export/lines?calculation=${id}&format=csv`,
        twin: `/api/obligations/calculations/${id}/lines`,
        rows: (j) => j.total as number,
      })),
      '/api/obligations/export/what-if': (['csv', 'xlsx'] as const).map((format) => ({
        url: `/api/obligations/export/what-if?year=2026&months=3&months=6&format=${format}`,
        twin: '/api/obligations/what-if?year=2026&months=3&months=6',
        rows: (j) => (length(j.companies) ?? 0) + 1,
      })),
      '/api/obligations/export/in-force': (['csv', 'xlsx'] as const).map((format) => ({
        url: `/api/obligations/export/in-force?year=2026&on=2026-02-01&format=${format}`,
        twin: '/api/obligations/in-force?year=2026&on=2026-02-01',
        rows: (j) => length(j.items),
      })),
      '/api/picture/export/items': [
        '',
        'tier=preparedness',
        'tier=wholesale',
        'level=region',
        'level=region&region=01',
        'group=true',
      ].flatMap((q) =>
        (q === '' || q === 'tier=preparedness' ? (['csv', 'xlsx'] as const) : (['csv'] as const)).map(
          (format) => ({
            url: `/api/picture/export/items?format=${format}${q ? `&${q}` : ''}`,
            twin: `/api/picture/items${q ? `?${q}` : ''}`,
            rows: (j) => j.total as number,
          }),
        ),
      ),
      '/api/picture/export/map': [
        ...ids.map((id) => `package=${id}`),
        `group=${encodeURIComponent(morfin)}`,
        '',
      ].map((q) => ({
        url: `/api/picture/export/map?format=csv${q ? `&${q}` : ''}`,
        twin: `/api/picture/map${q ? `?${q}` : ''}`,
        rows: (j) => 1 + (length(j.regions) ?? 0),
      })),
      '/api/picture/export/products/{id}': [p.p1, p.p3, p.p4, 999_999].flatMap((id) =>
        ['', '01'].flatMap((region) =>
          // Every table nationally; in a region the two whose content depends on the area's access.
          Object.entries(PRODUCT_TABLE_ROWS)
            .filter(([table]) => region === '' || table === 'tiers' || table === 'regions')
            .map(([table, rows]) => ({
              url: `/api/picture/export/products/${id}?format=${table === 'regions' ? 'xlsx' : 'csv'}&table=${table}${region ? `&region=${region}` : ''}`,
              twin: `/api/picture/products/${id}${region ? `?region=${region}` : ''}`,
              rows,
              withheldLike: `/api/picture/map?package=${id}`,
            })),
        ),
      ),
      '/api/picture/export/regions/{code}': ['01', '12', '03'].map((code) => ({
        url: `/api/picture/export/regions/${code}?format=csv`,
        twin: `/api/picture/regions/${code}`,
        rows: (j) => length(j.locations),
      })),
      '/api/picture/export/where': [
        ...ids.map((id) => `package=${id}`),
        `package=${p.p1}&near=0180`,
        `group=${encodeURIComponent(morfin)}`,
        '',
      ].flatMap((q) =>
        (['csv', 'xlsx'] as const).map((format) => ({
          url: `/api/picture/export/where?format=${format}${q ? `&${q}` : ''}`,
          twin: `/api/picture/where${q ? `?${q}` : ''}`,
          rows: (j) => j.total as number,
        })),
      ),
      '/api/picture/report.html': ['', '?region=01', '?region=12'].map((q) => ({
        url: `/api/picture/report.html${q}`,
        twin: `/api/picture/overview${q}`,
        rows: () => null,
      })),
      // Supervision of the stockpiling obligations (issue 12 item 4): the deviations, and every status.
      '/api/supervision/export': ['status=below', ''].flatMap((q) =>
        (['csv', 'xlsx'] as const).map((format) => ({
          url: `/api/supervision/export?format=${format}${q ? `&${q}` : ''}`,
          twin: `/api/supervision?limit=500${q ? `&${q}` : ''}`,
          rows: (j) => j.total as number,
        })),
      ),
      // A template holds the caller's own codes: it answers whom the caller's own report list answers.
      '/api/reports/templates/{kind}': ['stock-snapshots', 'sales', 'shortage-notices'].map((kind) => ({
        url: `/api/reports/templates/${kind}?columns=sv`,
        twin: '/api/reports?limit=1',
        rows: () => null,
      })),
      '/api/stock/{location}/inventory-report': [
        'SE-APO-A1',
        'SE-APO-B1',
        'SE-SJH-H1',
        'SE-PHL-W1',
        'SE-BER-S1',
        'SE-NONE-0000',
      ].map((code) => ({
        url: `/api/stock/${code}/inventory-report`,
        twin: `/api/stock/${code}`,
        rows: () => null,
      })),
      // R2 (issue 12 items 6, 7): the regional target and the funds, as their JSON twins show them.
      '/api/preparedness/regional-target/export': ['csv', 'xlsx'].map((format) => ({
        url: `/api/preparedness/regional-target/export?format=${format}`,
        twin: '/api/preparedness/regional-target',
        rows: (j) => length(j.regions),
      })),
      '/api/preparedness/regional-target/{region}/export': ['01', '12', '03'].map((region) => ({
        url: `/api/preparedness/regional-target/${region}/export?format=csv`,
        twin: `/api/preparedness/regional-target/${region}`,
        rows: (j) => length(j.items),
      })),
      '/api/preparedness/funds/export': ['csv', 'xlsx'].map((format) => ({
        url: `/api/preparedness/funds/export?format=${format}&on=2025-06-01`,
        twin: '/api/preparedness/funds?on=2025-06-01',
        rows: (j) => (j.agreements as { regions: unknown[] }[]).reduce((n, a) => n + a.regions.length, 0),
      })),
    };
    // Every export the API declares has its twin here (a new export fails this test until it has one).
    expect(exportRoutes).toEqual(Object.keys(cases).sort());

    const mismatches: string[] = [];
    let withheld = 0;
    for (const persona of [...PERSONAS, null]) {
      const headers = persona === null ? {} : { authorization: `Bearer ${tokens[persona]}` };
      const cache = new Map<string, Answer>();
      const get = async (url: string): Promise<Answer> => {
        let a = cache.get(url);
        if (a === undefined) {
          a = await read(await app.inject({ method: 'GET', url, headers }));
          cache.set(url, a);
        }
        return a;
      };
      for (const [route, list] of Object.entries(cases)) {
        for (const c of list) {
          const exp = await get(c.url);
          const twin = await get(c.twin);
          const who = `${persona ?? 'anonymous'} ${c.url}`;
          if (twin.status !== 200) {
            if (exp.status !== twin.status || JSON.stringify(exp.error) !== JSON.stringify(twin.error))
              mismatches.push(
                `${who}: ${exp.status} ${exp.error?.message ?? ''}; twin ${twin.status} ${twin.error?.message ?? ''}`,
              );
            continue;
          }
          const rows = c.rows(twin.json ?? {});
          if (rows === null && c.withheldLike !== undefined) {
            // The twin withholds this table: the export refuses as the per-region route does.
            withheld++;
            const like = await get(c.withheldLike);
            if (
              like.status === 200 ||
              exp.status !== like.status ||
              JSON.stringify(exp.error) !== JSON.stringify(like.error)
            )
              mismatches.push(
                `${who}: ${exp.status} (${exp.rows ?? ''} rows); withheld by the twin, refused with ${like.status} there`,
              );
            continue;
          }
          if (exp.status !== 200) {
            mismatches.push(`${who}: ${exp.status} ${exp.error?.message ?? ''}; twin 200 (${route})`);
            continue;
          }
          if (rows !== null && exp.rows !== rows) mismatches.push(`${who}: ${exp.rows} rows; twin ${rows}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
    // The fixture has personas who do not see figures per region: the withheld case was exercised.
    expect(withheld).toBeGreaterThan(0);
  }, 300_000);
});
