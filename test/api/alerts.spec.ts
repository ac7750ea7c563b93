import { SaxesParser } from 'saxes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Alerts } from '../../src/api/alert.delivery.js';
import { buildApp, type App } from '../../src/api/app.js';
import { evaluateAlerts } from '../../src/store/alert.evaluator.js';
import type { Store } from '../../src/store/database.js';
import { refreshPicture } from '../../src/store/picture/refresh.js';
import {
  buildNotice,
  buildReport,
  buildSales,
  buildStockSnapshot,
  buildToken,
  dailySales,
} from '../support/builders.js';
import { PictureMaintainer } from '../../src/store/picture/maintainer.js';
import { describeEach, testBackends } from '../support/databases.js';
import { buildPictureFixture, TODAY, type PictureFixture } from '../support/picture-fixture.js';

/*
 * Issue 10 item 5, "Tell me when it changes": subscriptions produce alerts once, say why, and never
 * tell a receiver what its organisation may not see. The country is test/support/picture-fixture.ts
 * (today 2026-03-01; critical below 14 days):
 *
 * - Morfin Ett (P2, company C1, prioritised) is critical in region 01 and nationally from the start.
 * - Morfin Två (P3, company C2, prioritised, 500 packages at pharmacy B1 in region 12) has no sales:
 *   no demand. Sales of 100 a day in region 12 make it critical there and nationally: 500 / 100 =
 *   5 days, and no interchangeable package covers (P2's 30 packages cannot carry 105 a day), so the
 *   R4 signal "möjlig kritisk brist" is on in both.
 * - Every location counted last on 2026-01-01: on 2026-03-01 that is 59 days, above the 2 days after
 *   which a count is overdue.
 */

interface AlertJson {
  id: number;
  kind: string;
  channel: string;
  title: string;
  reason: string;
  link: string;
  delivery: string;
}

describeEach(testBackends())('alerts on $name', (backend) => {
  let store: Store;
  let app: App;
  let f: PictureFixture;

  const call = async (token: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload ? { payload } : {}),
    });
  const subscribe = async (token: string, body: object) => {
    const res = await call(token, 'POST', '/api/subscriptions', body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ id: number; feedUrl: string | null; webhookSecret: string | null }>();
  };
  const alertsOf = async (token: string) => {
    const res = await call(token, 'GET', '/api/alerts?limit=100');
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ items: AlertJson[] }>().items;
  };

  beforeAll(async () => {
    store = await backend.open();
    f = await buildPictureFixture(store);
    // Not started: the tests evaluate by hand; it gives the links their address, and has no SMTP server.
    app = await buildApp({ store, alerts: new Alerts(store, { baseUrl: 'http://beredskap.test' }) });
  }, 300_000);

  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  describe('a prioritised package becoming critical', () => {
    it('alerts each subscriber of the area once, a second refresh none, and a company nothing of another’s package', async () => {
      // What is critical before anyone subscribes is not news to them.
      await evaluateAlerts(store.db);
      const region12 = await buildToken(store.db, f.orgs.region12, 'reader');
      await subscribe(f.tokens.lv, { kind: 'critical', scope: 'national', channel: 'atom' });
      await subscribe(region12, { kind: 'critical', scope: 'region', channel: 'atom' });
      await subscribe(f.tokens.region01, { kind: 'critical', scope: 'region', channel: 'atom' });
      await subscribe(f.tokens.c1, { kind: 'critical', scope: 'national', channel: 'atom' });
      expect((await evaluateAlerts(store.db)).critical).toBe(0);

      await buildSales(store.db, dailySales(f.packages.p3, '12', '2025-01-01', '2026-02-28', 100));
      await refreshPicture(store, { today: TODAY, full: true });
      expect((await evaluateAlerts(store.db)).critical).toBe(2);

      const lv = (await alertsOf(f.tokens.lv)).filter((a) => a.kind === 'critical');
      expect(lv.map((a) => a.reason)).toEqual([
        'Morfin Två 10 mg/ml, 10 tablett(er) är nu möjlig kritisk brist i hela landet: täcker 5 dagar, ' +
          'under 14 dagar, och inget utbytbart alternativ täcker (R4).',
      ]);
      expect(lv[0]?.link).toBe(`/products/${f.packages.p3}`);
      expect(lv[0]?.delivery).toBe('delivered'); // an Atom alert is delivered by the feed
      const skane = (await alertsOf(region12)).filter((a) => a.kind === 'critical');
      expect(skane.map((a) => a.reason)).toEqual([
        'Morfin Två 10 mg/ml, 10 tablett(er) är nu möjlig kritisk brist i Region Skåne: täcker 5 dagar, ' +
          'under 14 dagar, och inget utbytbart alternativ täcker (R4).',
      ]);
      // Region Stockholm watches its own region: nothing changed there.
      expect((await alertsOf(f.tokens.region01)).filter((a) => a.kind === 'critical')).toEqual([]);
      // C1 watches the nation, but Morfin Två is C2's: a company sees only its own packages.
      expect((await alertsOf(f.tokens.c1)).filter((a) => a.kind === 'critical')).toEqual([]);

      // The same state again: no second alert.
      await refreshPicture(store, { today: TODAY, full: true });
      expect((await evaluateAlerts(store.db)).critical).toBe(0);
      expect((await alertsOf(f.tokens.lv)).filter((a) => a.kind === 'critical')).toHaveLength(1);
    });
  });

  describe('a notice about a followed product', () => {
    it('alerts on the notice and again on its correction, each with its reason', async () => {
      const opA = await buildToken(store.db, f.orgs.opA, 'reader');
      const feed = await subscribe(opA, {
        kind: 'notice',
        scope: 'product',
        packageId: f.packages.p1,
        channel: 'atom',
      });
      const first = await buildNotice(store.db, f.packages.p1, {
        kind: 'shortage',
        expectedStart: '2026-03-10',
        expectedEnd: '2026-04-30',
        reason: 'Produktionsstörning',
      });
      expect((await evaluateAlerts(store.db)).notice).toBe(1);
      await buildNotice(store.db, f.packages.p1, {
        kind: 'shortage',
        expectedStart: '2026-03-10',
        expectedEnd: '2026-05-31',
        reason: 'Produktionsstörning, längre',
        supersedesId: first,
      });
      expect((await evaluateAlerts(store.db)).notice).toBe(1);
      expect((await evaluateAlerts(store.db)).notice).toBe(0);

      const alerts = await alertsOf(opA);
      expect(alerts.map((a) => a.reason)).toEqual([
        'Rättad restanmälan för Alvedon 500 mg, 100 tablett(er) (Företag Ett): 2026-03-10 – 2026-05-31. Orsak: Produktionsstörning, längre.',
        'Ny restanmälan för Alvedon 500 mg, 100 tablett(er) (Företag Ett): 2026-03-10 – 2026-04-30. Orsak: Produktionsstörning.',
      ]);
      expect(alerts.every((a) => a.link === `/products/${f.packages.p1}`)).toBe(true);

      // The Atom feed: parsed by a strict XML parser, two entries, newest first, with reason and link.
      const path = new URL(feed.feedUrl ?? '', 'http://localhost').pathname;
      const res = await app.inject({ method: 'GET', url: path });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/atom\+xml/);
      const parsed = parseAtom(res.body);
      expect(parsed.namespace).toBe('http://www.w3.org/2005/Atom');
      expect(parsed.entries.map((e) => [e.title, e.summary, e.link])).toEqual(
        alerts.map((a) => [a.title, a.reason, a.link]),
      );
      expect(
        parsed.entries.every(
          (e) => /^tag:beredskap,2026:alert:\d+$/.test(e.id) && !isNaN(Date.parse(e.updated)),
        ),
      ).toBe(true);
      // A wrong token is no feed; an API token is not a feed token.
      expect((await app.inject({ method: 'GET', url: `${path.slice(0, -4)}AAAA` })).statusCode).toBe(404);
    });

    it('does not let a company follow another company’s product (it answers as if none existed)', async () => {
      const c2 = await buildToken(store.db, f.orgs.c2, 'reader');
      const res = await call(c2, 'POST', '/api/subscriptions', {
        kind: 'notice',
        scope: 'product',
        packageId: f.packages.p1,
        channel: 'atom',
      });
      expect(res.statusCode).toBe(404);
      const none = await call(c2, 'POST', '/api/subscriptions', {
        kind: 'notice',
        scope: 'product',
        packageId: 987_654,
        channel: 'atom',
      });
      expect(none.json()).toMatchObject({
        error: { kind: res.json<{ error: { kind: string } }>().error.kind },
      });
    });
  });

  describe('an overdue report of my organisation', () => {
    it('alerts once per location and missed count, and not once the location has counted', async () => {
      const reporter = await buildToken(store.db, f.orgs.opA, 'reporter');
      await subscribe(reporter, { kind: 'overdue', scope: 'organisation', channel: 'atom' });
      // Both of Apotek A's pharmacies, and nobody else's locations.
      expect((await evaluateAlerts(store.db)).overdue).toBe(2);
      expect((await alertsOf(reporter)).map((a) => a.reason).sort()).toEqual([
        'Apotek A Centrum (SE-APO-A1) har inte rapporterat lager sedan 2026-01-01: 59 dagar, gränsen är 2 dagar.',
        'Apotek A Söder (SE-APO-A2) har inte rapporterat lager sedan 2026-01-01: 59 dagar, gränsen är 2 dagar.',
      ]);
      expect((await evaluateAlerts(store.db)).overdue).toBe(0);
      await buildStockSnapshot(
        store.db,
        f.locations.a1,
        [{ packageId: f.packages.p1, quantity: 90 }],
        '2026-02-28T07:00:00Z',
      );
      expect((await evaluateAlerts(store.db)).overdue).toBe(0);
      // A reader may not see reporting: no overdue subscription for it.
      const reader = await call(f.tokens.opA, 'POST', '/api/subscriptions', {
        kind: 'overdue',
        scope: 'organisation',
        channel: 'atom',
      });
      expect(reader.statusCode).toBe(403);
    });
  });

  describe('the server’s wiring', () => {
    it('evaluates once the picture maintainer has refreshed after an accepted notice report', async () => {
      const token = await buildToken(store.db, f.orgs.wholesaler, 'reader');
      await subscribe(token, { kind: 'notice', scope: 'product', packageId: f.packages.p1, channel: 'atom' });
      const alerts = new Alerts(store, { baseUrl: 'http://beredskap.test' });
      const evaluations: Promise<unknown>[] = [];
      const maintainer = new PictureMaintainer(store, {
        today: () => TODAY,
        debounceMs: 0,
        onRefreshed: () => evaluations.push(alerts.evaluate()),
      });
      // A notice report as ingest stores it: the notice row carries its report.
      const reportId = await buildReport(store.db, f.orgs.c1, 'shortage_notice');
      await store.db
        .insertInto('shortage_notice')
        .values({
          kind: 'shortage',
          package_id: f.packages.p1,
          company_id: f.orgs.c1,
          notified_at: '2026-03-01T08:00:00Z',
          expected_start: '2026-04-01',
          expected_end: null,
          reason: 'Brist på råvara',
          report_id: reportId,
        })
        .execute();
      await maintainer.afterReport(reportId);
      await maintainer.idle();
      expect(evaluations).toHaveLength(1);
      await Promise.all(evaluations);
      expect((await alertsOf(token)).map((a) => a.reason)).toEqual([
        'Ny restanmälan för Alvedon 500 mg, 100 tablett(er) (Företag Ett): från 2026-04-01, tills vidare. Orsak: Brist på råvara.',
      ]);
      await maintainer.stop();
      await alerts.stop();
    });
  });

  describe('managing subscriptions', () => {
    it('answers bad input with the field, lists only the user’s own and removes them', async () => {
      const token = await buildToken(store.db, f.orgs.opB, 'reader');
      const wrongScope = await call(token, 'POST', '/api/subscriptions', {
        kind: 'critical',
        scope: 'product',
        channel: 'atom',
      });
      expect(wrongScope.statusCode).toBe(400);
      expect(wrongScope.json()).toMatchObject({
        error: { problems: [{ field: 'scope', expected: 'region or national' }] },
      });
      // A pharmacy operator sees no regional figures: no region of its own to watch.
      const region = await call(token, 'POST', '/api/subscriptions', {
        kind: 'critical',
        scope: 'region',
        channel: 'atom',
      });
      expect(region.statusCode).toBe(400);
      const noUrl = await call(token, 'POST', '/api/subscriptions', {
        kind: 'critical',
        scope: 'national',
        channel: 'webhook',
      });
      expect(noUrl.json()).toMatchObject({ error: { problems: [{ field: 'webhookUrl' }] } });
      const ftp = await call(token, 'POST', '/api/subscriptions', {
        kind: 'critical',
        scope: 'national',
        channel: 'webhook',
        webhookUrl: 'ftp://example.test/x',
      });
      expect(ftp.statusCode).toBe(400);
      // No SMTP server configured in this app: e-mail is refused, saying why.
      const email = await call(token, 'POST', '/api/subscriptions', {
        kind: 'critical',
        scope: 'national',
        channel: 'email',
      });
      expect(email.statusCode).toBe(409);
      expect(email.json<{ error: { message: string } }>().error.message).toMatch(/SMTP_HOST/);

      const made = await subscribe(token, {
        kind: 'critical',
        scope: 'national',
        channel: 'webhook',
        webhookUrl: 'https://example.test/hook',
      });
      expect(made.webhookSecret).toMatch(/^whsec_/);
      const mine = await call(token, 'GET', '/api/subscriptions');
      expect(mine.json<{ items: { id: number }[] }>().items.map((s) => s.id)).toEqual([made.id]);
      // Another user cannot remove it: not found, as if it did not exist.
      expect((await call(f.tokens.opB, 'DELETE', `/api/subscriptions/${made.id}`)).statusCode).toBe(404);
      expect((await call(token, 'DELETE', `/api/subscriptions/${made.id}`)).statusCode).toBe(204);
      expect((await call(token, 'GET', '/api/subscriptions')).json<{ items: unknown[] }>().items).toEqual([]);
      expect((await call(token, 'DELETE', `/api/subscriptions/${made.id}`)).statusCode).toBe(404);
    });
  });
});

interface AtomEntry {
  id: string;
  title: string;
  updated: string;
  summary: string;
  link: string;
}

/** Reads an Atom document with saxes (namespace-aware, throws on malformed XML). */
function parseAtom(xml: string): { namespace: string; entries: AtomEntry[] } {
  const parser = new SaxesParser({ xmlns: true });
  let namespace = '';
  const entries: AtomEntry[] = [];
  let entry: AtomEntry | null = null;
  let field: keyof AtomEntry | null = null;
  parser.on('opentag', (tag) => {
    if (tag.local === 'feed') namespace = tag.uri;
    if (tag.local === 'entry') entry = { id: '', title: '', updated: '', summary: '', link: '' };
    else if (
      entry &&
      (tag.local === 'id' || tag.local === 'title' || tag.local === 'updated' || tag.local === 'summary')
    )
      field = tag.local;
    else if (entry && tag.local === 'link')
      entry.link = new URL(String(tag.attributes.href?.value ?? '')).pathname;
  });
  parser.on('text', (text) => {
    if (entry && field) entry[field] += text;
  });
  parser.on('closetag', (tag) => {
    if (tag.local === 'entry' && entry) {
      entries.push(entry);
      entry = null;
    }
    field = null;
  });
  parser.write(xml).close();
  return { namespace, entries };
}
