import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/api/app.js';
import type { Store } from '../../src/store/database.js';
import { PictureMaintainer } from '../../src/store/picture/maintainer.js';
import { buildToken } from '../support/builders.js';
import { describeEach, testBackends } from '../support/databases.js';
import { buildPictureFixture, TODAY, type PictureFixture } from '../support/picture-fixture.js';

/**
 * The picture follows the reports while the server runs: an accepted report's locations or packages
 * are refreshed in the background (worked numbers of test/support/picture-fixture.ts), a resend
 * refreshes nothing, a failed refresh keeps its work for the next try, and a new day rebuilds it all.
 */
describeEach(testBackends())('the picture after reports on $name', (backend) => {
  let store: Store;
  let app: App;
  let f: PictureFixture;
  let maintainer: PictureMaintainer;
  const refreshes: string[] = [];
  let regionReporter: string;
  let companyReporter: string;
  const code = async (packageId: number) =>
    (
      await store.db
        .selectFrom('package')
        .select('npl_pack_id')
        .where('id', '=', packageId)
        .executeTakeFirstOrThrow()
    ).npl_pack_id;

  beforeAll(async () => {
    store = await backend.open();
    f = await buildPictureFixture(store);
    regionReporter = await buildToken(store.db, f.orgs.region01, 'reporter');
    companyReporter = await buildToken(store.db, f.orgs.c2, 'reporter');
    maintainer = new PictureMaintainer(store, {
      today: () => TODAY,
      debounceMs: 10,
      log: (m) => refreshes.push(m),
    });
    app = await buildApp({ store, webDir: '/nonexistent', picture: maintainer });
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  const post = (kind: string, token: string, body: string) =>
    app.inject({
      method: 'POST',
      url: `/api/reports/${kind}`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      payload: body,
    });
  const item = async (query: string) => {
    const res = await app.inject({
      method: 'GET',
      url: `/api/picture/items?${query}`,
      headers: { authorization: `Bearer ${f.tokens.lv}` },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items[0];
  };

  it('moves region 01 from critical to low once H1 counts 130 of P2: 130 / 5 a day = 26 days', async () => {
    expect(await item(`level=region&region=01&package=${f.packages.p2}`)).toMatchObject({
      coverageDays: 6,
      riskClass: 'critical',
    });
    const csv =
      'location,package,quantity,batch,expiry,stock_level,counted_at\n' +
      `SE-SJH-H1,${await code(f.packages.p2)},130,M-7,2027-01-31,1,2026-03-01T07:00:00+01:00\n`;
    const res = await post('stock-snapshots', regionReporter, csv);
    expect(res.statusCode, res.body).toBe(201);
    await maintainer.idle();

    expect(await item(`level=region&region=01&package=${f.packages.p2}`)).toMatchObject({
      stock: { usable: 130 },
      coverageDays: 26,
      riskClass: 'low',
    });
    // Nationally the same 130 against the same 5 a day (P3's 500 at B1 is another package of the group).
    expect(await item(`package=${f.packages.p2}`)).toMatchObject({
      stock: { usable: 130 },
      coverageDays: 26,
    });
    expect(maintainer.status()).toMatchObject({
      state: 'idle',
      pendingLocations: 0,
      lastRefresh: { mode: 'incremental', reason: null, today: TODAY },
    });

    // The same report again: the same receipt, nothing counted again, nothing refreshed.
    const before = refreshes.length;
    const again = await post('stock-snapshots', regionReporter, csv);
    expect(again.statusCode).toBe(200);
    await maintainer.idle();
    expect(refreshes).toHaveLength(before);
  });

  it('flags P4 under an active notice after company C2 reports a restanmälan for it', async () => {
    // P4 is held only in the state security stock (reserve, not an item) and nobody buys it: it has no
    // item until a notice puts it on the national list.
    expect(await item(`package=${f.packages.p4}`)).toBeUndefined();
    const res = await post(
      'shortage-notices',
      companyReporter,
      'type,package,expected_start,expected_end,reason,alternatives,reference\n' +
        `shortage,${await code(f.packages.p4)},2026-02-20,,Produktionsstörning,,RA-1\n`,
    );
    expect(res.statusCode, res.body).toBe(201);
    await maintainer.idle();
    expect((await item(`package=${f.packages.p4}`)).flags.activeNotice).toBe(true);
  });

  it('keeps the work of a failed refresh and does it on the next try', async () => {
    let day = 'the 1st of March';
    const messages: string[] = [];
    const flaky = new PictureMaintainer(store, {
      today: () => day,
      debounceMs: 0,
      retryMs: 20,
      log: (m) => messages.push(m),
    });
    const csv =
      'location,package,quantity,batch,expiry,stock_level,counted_at\n' +
      `SE-SJH-H1,${await code(f.packages.p2)},40,M-8,2027-01-31,1,2026-03-01T08:00:00+01:00\n`;
    const res = await app.inject({
      method: 'POST',
      url: '/api/reports/stock-snapshots',
      headers: { authorization: `Bearer ${regionReporter}`, 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(res.statusCode, res.body).toBe(201);
    await maintainer.idle();
    // The server's maintainer has done it; a second one, whose first try fails, must end in the same place.
    await flaky.afterReport(res.json().id);
    await flaky.idle();
    expect(flaky.status()).toMatchObject({ state: 'failed', pendingLocations: 1 });
    expect(flaky.status().lastError).toMatch(/1st of March/);
    day = TODAY;
    await expect.poll(() => flaky.status().state, { timeout: 10_000 }).toBe('idle');
    expect(flaky.status()).toMatchObject({ pendingLocations: 0, lastRefresh: { mode: 'incremental' } });
    await flaky.stop();
    expect(await item(`level=region&region=01&package=${f.packages.p2}`)).toMatchObject({
      stock: { usable: 40 },
      coverageDays: 8,
      riskClass: 'critical',
    });
  });

  it('refreshes as soon as a report is accepted after the database came back, not after its back-off', async () => {
    // The refresh's connection is lost (as when PostgreSQL stops) until `away` is false.
    let away = true;
    const lost = Object.assign(new Error('Connection terminated unexpectedly'), {});
    const outage: Store = Object.assign(Object.create(store) as Store, {
      refresh: {
        helper: store.refresh.helper,
        interrupt: () => store.refresh.interrupt(),
        transaction: <T>(fn: Parameters<Store['refresh']['transaction']>[0]) =>
          away ? Promise.reject(lost) : (store.refresh.transaction(fn) as Promise<T>),
      },
    });
    const messages: string[] = [];
    // A back-off of a minute: longer than this test waits.
    const waiting = new PictureMaintainer(outage, {
      today: () => TODAY,
      debounceMs: 0,
      firstRetryMs: 60_000,
      retryMs: 60_000,
      log: (m) => messages.push(m),
    });
    const report = async (quantity: number, at: string) => {
      const res = await post(
        'stock-snapshots',
        regionReporter,
        'location,package,quantity,batch,expiry,stock_level,counted_at\n' +
          `SE-SJH-H1,${await code(f.packages.p2)},${quantity},M-9,2027-01-31,1,${at}\n`,
      );
      expect(res.statusCode, res.body).toBe(201);
      await maintainer.idle();
      return res.json().id as number;
    };
    await waiting.afterReport(await report(50, '2026-03-01T09:00:00+01:00'));
    await waiting.idle();
    expect(waiting.status()).toMatchObject({ state: 'failed', pendingLocations: 1 });
    expect(messages.at(-1)).toMatch(/trying again in 60 s/);

    // The database is back: the next accepted report is followed now, with the one kept from before.
    away = false;
    await waiting.afterReport(await report(60, '2026-03-01T10:00:00+01:00'));
    await expect.poll(() => waiting.status().state, { timeout: 10_000 }).toBe('idle');
    expect(waiting.status()).toMatchObject({ pendingLocations: 0, lastRefresh: { mode: 'incremental' } });
    await waiting.stop();
  });

  it('rebuilds a picture the database lost (a crash empties its unlogged tables) with the next report, and by itself', async () => {
    // What PostgreSQL does to the unlogged picture tables when it recovers from a crash.
    const crash = () =>
      sql`TRUNCATE picture_state, picture_stock, picture_location_state, picture_item`.execute(store.db);
    const nationalP2 = async () => {
      const { rows } = await sql<{ total: string | null }>`
        SELECT sum(total) AS total FROM picture_stock
        WHERE package_id = ${f.packages.p2} AND area_code = 'SE' AND NOT reserve`.execute(store.db);
      return rows[0]?.total === null || rows[0]?.total === undefined ? null : Number(rows[0].total);
    };
    await maintainer.idle();
    await crash();
    // A report accepted while the picture is gone (or while its rebuild runs) is not dropped: the
    // maintainer, which kept a picture, rebuilds it in full, this report with it. H1 alone holds P2.
    const res = await post(
      'stock-snapshots',
      regionReporter,
      'location,package,quantity,batch,expiry,stock_level,counted_at\n' +
        `SE-SJH-H1,${await code(f.packages.p2)},70,M-9,2027-01-31,1,2026-03-01T11:00:00+01:00\n`,
    );
    expect(res.statusCode, res.body).toBe(201);
    await maintainer.idle();
    expect(maintainer.status().lastRefresh).toMatchObject({ mode: 'full', reason: 'first refresh' });
    expect(await nationalP2()).toBe(70);

    // Lost with no report to follow: the maintainer notices by itself (its periodic day check). The
    // server's maintainer is stopped first, so that it is this one that does (no test after posts).
    await maintainer.stop();
    const watcher = new PictureMaintainer(store, { today: () => TODAY, debounceMs: 0, dayCheckMs: 20 });
    await watcher.ensureCurrent();
    watcher.start();
    await crash();
    await expect.poll(() => watcher.status().lastRefresh?.reason, { timeout: 20_000 }).toBe('first refresh');
    expect(watcher.status().lastRefresh?.mode).toBe('full');
    expect(await nationalP2()).toBe(70);
    await watcher.stop();
  });

  it('rebuilds the picture in full for a new day at start-up, and only then', async () => {
    const nextDay = new PictureMaintainer(store, { today: () => '2026-03-02' });
    await nextDay.ensureCurrent();
    expect(nextDay.status().lastRefresh).toMatchObject({
      mode: 'full',
      reason: 'new day (2026-03-01 → 2026-03-02)',
      today: '2026-03-02',
    });
    const state = await store.db.selectFrom('picture_state').select('today').executeTakeFirstOrThrow();
    expect(state.today).toBe('2026-03-02');
    const sameDay = new PictureMaintainer(store, { today: () => '2026-03-02' });
    await sameDay.ensureCurrent();
    expect(sameDay.status().lastRefresh).toBeNull();
    await nextDay.stop();
    await sameDay.stop();
  });
});
