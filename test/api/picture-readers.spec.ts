import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/api/app.js';
import type { Store } from '../../src/store/database.js';
import { refreshPicture, type RefreshPictureResult } from '../../src/store/picture/refresh.js';
import { buildStockSnapshot } from '../support/builders.js';
import { describeEach, testBackends } from '../support/databases.js';
import { buildPictureFixture, TODAY, type PictureFixture } from '../support/picture-fixture.js';

/** More readers than the request pool has connections (10): they can all be waiting at once. */
const READERS = 16;

interface Answer {
  page: 'overview' | 'product' | 'region';
  status: number;
  startedAt: number;
  endedAt: number;
  /** The product page's national stock of P1. */
  p1Total: number | null;
  refreshedAt: string | null;
}

/** READERS loops reading the overview, P1's product page and region 01's page until stopped. */
function startReaders(app: App, f: PictureFixture) {
  const answers: Answer[] = [];
  const pages = [
    { page: 'overview', url: '/api/picture/overview' },
    { page: 'product', url: `/api/picture/products/${f.packages.p1}` },
    { page: 'region', url: '/api/picture/regions/01' },
  ] as const;
  let stopped = false;
  const loops = Array.from({ length: READERS }, async (_, i) => {
    const { page, url } = pages[i % pages.length]!;
    while (!stopped) {
      const startedAt = performance.now();
      const res = await app.inject({
        method: 'GET',
        url,
        headers: { authorization: `Bearer ${f.tokens.lv}` },
      });
      const body =
        res.statusCode === 200
          ? res.json<{ item?: { stock: { total: number } }; asOf?: { refreshedAt: string } }>()
          : {};
      const { item, asOf } = body;
      answers.push({
        page,
        status: res.statusCode,
        startedAt,
        endedAt: performance.now(),
        p1Total: page === 'product' ? (item?.stock.total ?? null) : null,
        refreshedAt: asOf?.refreshedAt ?? null,
      });
    }
  });
  return {
    answers,
    /** Answers to requests that started after `t`, per page. */
    since: (t: number) => answers.filter((a) => a.startedAt >= t),
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

/**
 * How long a wait for readers' answers may take before the test calls them stuck. A liveness bound,
 * not a speed target (bench:readers measures speed): generous, so that a loaded machine (the whole
 * suite in parallel, load average above 10) does not read as a hang; a hang still fails.
 */
const LIVENESS_MS = 40_000;

async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs: number) {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`waited ${timeoutMs} ms in vain: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const answeredEveryPage = (answers: readonly Answer[], n: number) =>
  (['overview', 'product', 'region'] as const).every((p) => answers.filter((a) => a.page === p).length >= n);

/**
 * Readers never wait for a refresh, and a refresh never hangs the server (issue 8 item 8). On
 * PostgreSQL, a full or stock refresh builds the new picture aside and swaps it in at the end, on
 * connections of its own: readers (more of them than the request pool has connections) are answered
 * all along, with the last complete picture until the refresh commits and the new one after.
 *
 * PGlite has one connection: a reader there waits for any refresh (docs/lagesbild.md).
 */
describeEach(testBackends())('readers during a refresh on $name', (backend) => {
  const open: { store: Store; app: App; readers?: ReturnType<typeof startReaders>; lock?: pg.Client }[] = [];
  afterEach(async () => {
    for (const o of open.splice(0)) {
      await o.lock?.end().catch(() => undefined);
      await o.readers?.stop();
      await o.app.close();
      await o.store.close();
    }
  });

  const setUp = async () => {
    const store = await backend.open();
    const f = await buildPictureFixture(store);
    const app = await buildApp({ store, webDir: '/nonexistent' });
    const o: (typeof open)[number] = { store, app };
    open.push(o);
    return { store, app, f, o };
  };

  /**
   * Holds the refresh at the point where its second connection starts on its half of the stock
   * (it waits for `picture_stock_part`, which no reader touches), runs the readers through it and
   * through the end of the refresh, and returns what they saw.
   */
  const throughHeldRefresh = async (
    store: Store,
    app: App,
    f: PictureFixture,
    o: { readers?: ReturnType<typeof startReaders>; lock?: pg.Client },
    refresh: () => Promise<RefreshPictureResult>,
  ) => {
    const readers = startReaders(app, f);
    o.readers = readers;
    await until(
      'every page answered before the refresh',
      () => answeredEveryPage(readers.answers, 2),
      LIVENESS_MS,
    );
    const before = readers.answers.find((a) => a.page === 'product')!;

    const lock = new pg.Client({ connectionString: await databaseUrlOf(store) });
    o.lock = lock;
    await lock.connect();
    await lock.query('BEGIN');
    await lock.query('LOCK TABLE picture_stock_part IN ACCESS EXCLUSIVE MODE');
    const outcome: { done: RefreshPictureResult | Error | null } = { done: null };
    const running = refresh().then(
      (r) => (outcome.done = r),
      (e: unknown) => (outcome.done = e instanceof Error ? e : new Error(String(e))),
    );
    await until(
      'the refresh reaches its second connection (held at picture_stock_part)',
      async () => {
        const waiting = await lock.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_locks WHERE relation = 'picture_stock_part'::regclass AND NOT granted`,
        );
        return (waiting.rows[0]?.n ?? 0) > 0;
      },
      LIVENESS_MS,
    );
    const held = performance.now();
    await until(
      'readers answered while the refresh is under way',
      () => answeredEveryPage(readers.since(held), 3),
      LIVENESS_MS,
    );
    const duringHold = readers.since(held).filter((a) => a.endedAt < performance.now());
    expect(outcome.done, 'the refresh was still under way while they were answered').toBeNull();

    await lock.query('COMMIT');
    await lock.end();
    o.lock = undefined;
    await until('the refresh ends', () => outcome.done !== null, 2 * LIVENESS_MS);
    await running;
    const done = outcome.done;
    if (done === null || done instanceof Error) throw done ?? new Error('no outcome');
    const after = performance.now();
    await until(
      'readers answered after the refresh',
      () => answeredEveryPage(readers.since(after), 3),
      LIVENESS_MS,
    );
    await readers.stop();
    return { answers: readers.answers, duringHold, after, before, result: done };
  };

  it.skipIf(backend.name !== 'postgres')(
    'answers every reader through a full refresh with the last complete picture, and the new one after it',
    { timeout: 300_000 },
    async () => {
      const { store, app, f, o } = await setUp();
      // A1 counts 400 of P1 instead of 100: nationally 100 + 200 + 600 = 900 becomes 1,200.
      await buildStockSnapshot(
        store.db,
        f.locations.a1,
        [{ packageId: f.packages.p1, quantity: 400, expiry: '2027-06-30' }],
        '2026-02-01T06:00:00Z',
      );
      const seen = await throughHeldRefresh(store, app, f, o, () =>
        refreshPicture(store, { today: TODAY, full: true }),
      );
      expect(seen.result.mode).toBe('full');
      expect(seen.before.p1Total).toBe(900);

      expect(seen.answers.filter((a) => a.status !== 200)).toEqual([]);
      // While the refresh was under way: the last complete picture.
      const heldProduct = seen.duringHold.filter((a) => a.page === 'product');
      expect(heldProduct.length).toBeGreaterThanOrEqual(3);
      for (const a of heldProduct) expect(a.p1Total).toBe(900);
      for (const a of seen.duringHold) expect(a.refreshedAt).toBe(seen.before.refreshedAt);
      // After it: the new one.
      const afterProduct = seen.answers.filter((a) => a.page === 'product' && a.startedAt >= seen.after);
      expect(afterProduct.length).toBeGreaterThanOrEqual(3);
      for (const a of afterProduct) expect(a.p1Total).toBe(1200);
      // Never anything else (an empty or half-built picture).
      for (const a of seen.answers.filter((x) => x.page === 'product'))
        expect([900, 1200]).toContain(a.p1Total);
    },
  );

  it.skipIf(backend.name !== 'postgres')(
    'answers every reader through a stock refresh (a wave of snapshots) with the last complete picture, then the new one',
    { timeout: 300_000 },
    async () => {
      const { store, app, f, o } = await setUp();
      // A2 counts 500 instead of 200, W1 700 instead of 600: 900 becomes 1,300.
      await buildStockSnapshot(
        store.db,
        f.locations.a2,
        [{ packageId: f.packages.p1, quantity: 500, expiry: '2027-06-30' }],
        '2026-02-01T06:00:00Z',
      );
      await buildStockSnapshot(
        store.db,
        f.locations.w1,
        [{ packageId: f.packages.p1, quantity: 700, expiry: '2028-01-31' }],
        '2026-02-01T06:00:00Z',
      );
      const seen = await throughHeldRefresh(store, app, f, o, () =>
        refreshPicture(store, {
          today: TODAY,
          locationIds: [f.locations.a2, f.locations.w1, f.locations.b1],
          deltaLimit: 2,
        }),
      );
      expect(seen.result.mode).toBe('stock');
      expect(seen.before.p1Total).toBe(900);

      expect(seen.answers.filter((a) => a.status !== 200)).toEqual([]);
      const heldProduct = seen.duringHold.filter((a) => a.page === 'product');
      expect(heldProduct.length).toBeGreaterThanOrEqual(3);
      for (const a of heldProduct) expect(a.p1Total).toBe(900);
      const afterProduct = seen.answers.filter((a) => a.page === 'product' && a.startedAt >= seen.after);
      expect(afterProduct.length).toBeGreaterThanOrEqual(3);
      for (const a of afterProduct) expect(a.p1Total).toBe(1300);
      for (const a of seen.answers.filter((x) => x.page === 'product'))
        expect([900, 1300]).toContain(a.p1Total);
    },
  );

  it.skipIf(backend.name !== 'postgres')(
    'answers every reader while a full, a stock and an incremental refresh run back to back (the server never hangs)',
    { timeout: 300_000 },
    async () => {
      const { store, app, f, o } = await setUp();
      const readers = startReaders(app, f);
      o.readers = readers;
      await until('every page answered', () => answeredEveryPage(readers.answers, 2), LIVENESS_MS);
      const refreshes = (async () => {
        const full = await refreshPicture(store, { today: TODAY, full: true });
        const stock = await refreshPicture(store, {
          today: TODAY,
          locationIds: Object.values(f.locations),
          deltaLimit: 2,
        });
        const incremental = await refreshPicture(store, { today: TODAY, locationIds: [f.locations.a1] });
        return [full.mode, stock.mode, incremental.mode];
      })();
      let modes: string[] | null = null;
      void refreshes.then((m) => (modes = m)).catch(() => undefined);
      await until('the refreshes end', () => modes !== null, 2 * LIVENESS_MS);
      const after = performance.now();
      await until(
        'readers answered after them',
        () => answeredEveryPage(readers.since(after), 3),
        LIVENESS_MS,
      );
      await readers.stop();
      expect(modes).toEqual(['full', 'stock', 'incremental']);
      expect(readers.answers.filter((a) => a.status !== 200)).toEqual([]);
      for (const a of readers.answers.filter((x) => x.page === 'product')) expect(a.p1Total).toBe(900);
    },
  );
});

/** The PostgreSQL URL of a test store (the database the test opened for it). */
async function databaseUrlOf(store: Store): Promise<string> {
  const rows = await store.db
    .selectNoFrom((eb) => eb.fn<string>('current_database', []).as('name'))
    .execute();
  const url = new URL(process.env.TEST_DATABASE_URL!);
  url.pathname = `/${rows[0]!.name}`;
  return url.toString();
}
