import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Alerts } from '../../src/api/alert.delivery.js';
import { buildApp, type App } from '../../src/api/app.js';
import { verifyWebhookSignature, WEBHOOK_SIGNATURE_HEADER } from '../../src/domain/webhook-signature.js';
import type { Store } from '../../src/store/database.js';
import { buildToken } from '../support/builders.js';
import { describeEach, testBackends } from '../support/databases.js';
import { buildPictureFixture, type PictureFixture } from '../support/picture-fixture.js';

/*
 * Issue 10 item 5: alerts leave by e-mail through a real SMTP server (smtp-server, listening on this
 * machine; nodemailer sends to it) and by a signed webhook to a real HTTP server that fails the first
 * call of each delivery with 500. The events are Apotek A's two overdue pharmacies of
 * test/support/picture-fixture.ts (last counted 2026-01-01, 59 days before the picture's day).
 */

const BASE = 'http://beredskap.test';

interface Received {
  delivery: string;
  signature: string;
  body: string;
  status: number;
}

describeEach(testBackends())('alert delivery on $name', (backend) => {
  let store: Store;
  let app: App;
  let alerts: Alerts;
  let f: PictureFixture;
  let smtp: SMTPServer;
  let hook: Server;
  const mails: ParsedMail[] = [];
  const calls: Received[] = [];
  let smtpPort = 0;
  let hookUrl = '';

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, _session, callback) {
        simpleParser(stream).then(
          (mail) => {
            mails.push(mail);
            callback();
          },
          (err: Error) => callback(err),
        );
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    smtpPort = (smtp.server.address() as AddressInfo).port;

    const failedOnce = new Set<string>();
    hook = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const delivery = String(req.headers['x-beredskap-delivery']);
        // The first call of each delivery fails, as a receiver that is briefly down would.
        const status = failedOnce.has(delivery) ? 204 : 500;
        failedOnce.add(delivery);
        calls.push({
          delivery,
          signature: String(req.headers[WEBHOOK_SIGNATURE_HEADER]),
          body: Buffer.concat(chunks).toString('utf8'),
          status,
        });
        res.statusCode = status;
        res.end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/beredskap`;

    store = await backend.open();
    f = await buildPictureFixture(store);
    alerts = new Alerts(store, {
      baseUrl: BASE,
      mail: { host: '127.0.0.1', port: smtpPort, secure: false, from: 'beredskap <larm@beredskap.test>' },
      retry: { firstRetryMs: 200, maxRetryMs: 1_000, maxAttempts: 5 },
    });
    app = await buildApp({ store, alerts });
  }, 300_000);

  afterAll(async () => {
    await alerts?.stop();
    await app?.close();
    await store?.close();
    await new Promise<void>((resolve) => smtp?.close(() => resolve()));
    await new Promise((resolve) => hook?.close(resolve));
  });

  it('mails the alert to the user’s own address and posts it signed to the webhook, retrying a 500 once', async () => {
    const mailer = await buildToken(store.db, f.orgs.opA, 'reporter');
    const hooker = await buildToken(store.db, f.orgs.opA, 'reporter');
    const subscribe = async (token: string, body: object) => {
      const res = await app.inject({
        method: 'POST',
        url: '/api/subscriptions',
        headers: { authorization: `Bearer ${token}` },
        payload: body,
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<{ id: number; email: string | null; webhookSecret: string | null }>();
    };
    const bymail = await subscribe(mailer, { kind: 'overdue', scope: 'organisation', channel: 'email' });
    const byhook = await subscribe(hooker, {
      kind: 'overdue',
      scope: 'organisation',
      channel: 'webhook',
      webhookUrl: hookUrl,
    });
    const secret = byhook.webhookSecret ?? '';

    expect((await alerts.evaluate())?.overdue).toBe(4);
    // Deliver until nothing is due: the failed webhooks come due again after 200 ms.
    const deadline = Date.now() + 30_000;
    let delivered = 0;
    while (delivered < 4 && Date.now() < deadline) {
      delivered += await alerts.deliverDue();
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(delivered).toBe(4);

    // E-mail: two messages, to the subscriber's own address, each saying why and linking the page.
    expect(mails).toHaveLength(2);
    for (const mail of mails) {
      expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toBe(bymail.email);
      expect(mail.from?.value[0]?.address).toBe('larm@beredskap.test');
      expect(mail.text).toContain(`Öppna sidan: ${BASE}/reporting`);
    }
    expect(mails.map((m) => m.subject).sort()).toEqual([
      'Apotek A Centrum (SE-APO-A1) har inte rapporterat lager',
      'Apotek A Söder (SE-APO-A2) har inte rapporterat lager',
    ]);
    const centrum = mails.find((m) => m.subject?.includes('SE-APO-A1'));
    expect(centrum?.text).toContain(
      'Apotek A Centrum (SE-APO-A1) har inte rapporterat lager sedan 2026-01-01: 59 dagar, gränsen är 2 dagar.',
    );

    // Webhook: each delivery called twice (500, then 204), every call signed over its raw body.
    const deliveries = [...new Set(calls.map((c) => c.delivery))];
    expect(deliveries).toHaveLength(2);
    for (const id of deliveries) {
      const mine = calls.filter((c) => c.delivery === id);
      expect(mine.map((c) => c.status)).toEqual([500, 204]);
      for (const c of mine) {
        expect(verifyWebhookSignature(secret, c.signature, c.body, Math.floor(Date.now() / 1000))).toBe(true);
        // Another secret, or a body changed by one character, does not verify.
        expect(verifyWebhookSignature(`${secret}x`, c.signature, c.body, Math.floor(Date.now() / 1000))).toBe(
          false,
        );
        expect(
          verifyWebhookSignature(
            secret,
            c.signature,
            c.body.replace('59', '58'),
            Math.floor(Date.now() / 1000),
          ),
        ).toBe(false);
        // Replayed ten minutes later, it is refused.
        expect(verifyWebhookSignature(secret, c.signature, c.body, Math.floor(Date.now() / 1000) + 600)).toBe(
          false,
        );
      }
      const payload = JSON.parse(mine[1]?.body ?? '{}') as Record<string, unknown>;
      expect(payload).toMatchObject({ id: Number(id), subscriptionId: byhook.id, kind: 'overdue' });
      expect(payload.link).toBe(`${BASE}/reporting`);
      expect(String(payload.reason)).toMatch(/har inte rapporterat lager sedan 2026-01-01: 59 dagar/);
    }

    // The attempts and the last error are recorded on each alert; nothing is sent again.
    const list = await app.inject({
      method: 'GET',
      url: '/api/alerts',
      headers: { authorization: `Bearer ${hooker}` },
    });
    const items = list.json<{ items: { delivery: string; attempts: number; lastError: string | null }[] }>()
      .items;
    expect(items.map((a) => [a.delivery, a.attempts, a.lastError])).toEqual([
      ['delivered', 2, 'the receiver answered HTTP 500'],
      ['delivered', 2, 'the receiver answered HTTP 500'],
    ]);
    expect(await alerts.evaluate()).toMatchObject({ overdue: 0 });
    expect(await alerts.deliverDue()).toBe(0);
    expect(calls).toHaveLength(4);
    expect(mails).toHaveLength(2);
  });

  it('gives up after the last attempt and records it as failed, with the error', async () => {
    const token = await buildToken(store.db, f.orgs.opB, 'reporter');
    const res = await app.inject({
      method: 'POST',
      url: '/api/subscriptions',
      headers: { authorization: `Bearer ${token}` },
      // Nothing listens on port 9 of this machine: every attempt is refused.
      payload: {
        kind: 'overdue',
        scope: 'organisation',
        channel: 'webhook',
        webhookUrl: 'http://127.0.0.1:9/x',
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const giveUp = new Alerts(store, {
      baseUrl: BASE,
      retry: { firstRetryMs: 50, maxRetryMs: 50, maxAttempts: 3 },
    });
    expect((await giveUp.evaluate())?.overdue).toBe(1);
    const deadline = Date.now() + 20_000;
    for (;;) {
      await giveUp.deliverDue();
      const items = (
        await app.inject({ method: 'GET', url: '/api/alerts', headers: { authorization: `Bearer ${token}` } })
      ).json<{
        items: {
          delivery: string;
          attempts: number;
          lastError: string | null;
          nextAttemptAt: string | null;
        }[];
      }>().items;
      if (items[0]?.delivery === 'failed' || Date.now() > deadline) {
        expect(items).toHaveLength(1);
        expect(items[0]).toMatchObject({ delivery: 'failed', attempts: 3, nextAttemptAt: null });
        expect(items[0]?.lastError).toMatch(/fetch failed|ECONNREFUSED/);
        break;
      }
      await new Promise((r) => setTimeout(r, 60));
    }
    await giveUp.stop();
  });
});
