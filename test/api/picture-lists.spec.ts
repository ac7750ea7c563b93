import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/api/app.js';
import type { Store } from '../../src/store/database.js';
import { buildPictureFixture, type PictureFixture } from '../support/picture-fixture.js';
import { describeEach, testBackends } from '../support/databases.js';

/**
 * Issue 10 item 2, "Start where the user is": the item list filters by region, prioritised list,
 * risk, ATC, tier and notice and pages through every item; /api/me tells the dashboard what the
 * caller may see of the picture, so menus it cannot use are not shown.
 *
 * Picture fixture (today 2026-03-01): nationally P1 paracetamol N02BE01 (adequate, 30 days), P2
 * morfin N02AA01 (critical, 6 days, prioritised, shortage notice in force), P3 morfin N02AA01 (no
 * demand); in region 01 P1 (90 days) and P2 (critical); in region 12 P1 and P3.
 */
describeEach(testBackends())('the picture’s lists and filters on $name', (backend) => {
  let store: Store;
  let app: App;
  let f: PictureFixture;

  const get = (url: string, token: string) =>
    app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  const refs = async (url: string, token = f.tokens.lv) => {
    const res = await get(url, token);
    expect(res.statusCode, `${url}: ${res.body.slice(0, 300)}`).toBe(200);
    const body = res.json<{ items: { ref: string }[]; total: number }>();
    return { refs: body.items.map((i) => i.ref), total: body.total };
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

  it('filters items by the beginning of their ATC code, in any case', async () => {
    const p = f.packages;
    expect(await refs('/api/picture/items?atc=N02AA&sort=name')).toEqual({
      refs: [String(p.p2), String(p.p3)],
      total: 2,
    });
    expect((await refs('/api/picture/items?atc=n02')).total).toBe(3);
    expect(await refs('/api/picture/items?atc=J01')).toEqual({ refs: [], total: 0 });
  });

  it('pages through every item, not the first page only', async () => {
    const pages = [];
    for (const offset of [0, 1, 2])
      pages.push(await refs(`/api/picture/items?sort=name&limit=1&offset=${offset}`));
    expect(pages.map((page) => page.total)).toEqual([3, 3, 3]);
    expect(pages.flatMap((page) => page.refs).sort()).toEqual(
      [f.packages.p1, f.packages.p2, f.packages.p3].map(String).sort(),
    );
  });

  it('combines region, prioritised list, risk, notice, ATC and tier', async () => {
    const p2 = String(f.packages.p2);
    const region = '/api/picture/items?level=region&region=01';
    expect(await refs(`${region}&prioritised=true&risk=critical&notice=true&atc=N02`)).toEqual({
      refs: [p2],
      total: 1,
    });
    expect((await refs(`${region}&prioritised=true&risk=adequate`)).total).toBe(0);
    // Region 12 holds P1 and P3; P3 (morfin injection, like P2) is on the prioritised list, without demand.
    expect(await refs('/api/picture/items?level=region&region=12&prioritised=true')).toEqual({
      refs: [String(f.packages.p3)],
      total: 1,
    });
    expect(
      (await refs('/api/picture/items?level=region&region=12&prioritised=true&risk=critical')).total,
    ).toBe(0);
    // The hospital pharmacy tier in region 01 holds P2 only (30 of it at H1).
    expect(await refs(`${region}&tier=hospital_pharmacy&atc=N02AA`)).toEqual({ refs: [p2], total: 1 });
  });

  it('answers a malformed ATC filter with the field and what was expected', async () => {
    const res = await get('/api/picture/items?atc=1N', f.tokens.lv);
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(res.json().error)).toContain('atc');
  });

  it('tells each caller what it may see of the picture, for its menus', async () => {
    const me = async (token: string) => (await get('/api/me', token)).json<{ picture: unknown }>().picture;
    expect(await me(f.tokens.lv)).toEqual({ regionalAggregates: true, groups: true, preparednessTier: true });
    expect(await me(f.tokens.region01)).toEqual({
      regionalAggregates: true,
      groups: true,
      preparednessTier: false,
    });
    // A pharmacy operator sees national figures only: no map of the regions.
    expect(await me(f.tokens.opA)).toEqual({
      regionalAggregates: false,
      groups: true,
      preparednessTier: false,
    });
    expect(await me(f.tokens.c1)).toEqual({
      regionalAggregates: true,
      groups: false,
      preparednessTier: false,
    });
  });
});
