import net from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/api/app.js';
import type { Store } from '../../src/store/database.js';
import { describeEach, testBackends } from '../support/databases.js';
import { FuzzLedger, fuzzCases, sendCase, storeMismatches } from '../support/fuzz-reports.js';
import { seedMinimal, type MinimalSeed } from '../support/seed.js';

/** Cases per backend in the test command (bench/fuzz.ts runs 100,000). FUZZ_RUNS overrides. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const HEADER = 'location,package,quantity,batch,expiry,stock_level,counted_at';
const T = '2026-03-01T06:00:00+01:00';

/** One GET over a real socket, the path sent as written (inject would normalise `..`). */
async function rawGet(app: App, path: string): Promise<{ status: number; body: string }> {
  const address = app.server.address() as net.AddressInfo;
  const text = await new Promise<string>((resolve, reject) => {
    const socket = net.connect(address.port, '127.0.0.1', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
    });
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
  return { status, body: text.slice(text.indexOf('\r\n\r\n') + 4) };
}

describeEach(testBackends())('hostile input on $name', (backend) => {
  let store: Store;
  let app: App;
  let seed: MinimalSeed;

  beforeAll(async () => {
    store = await backend.open();
    seed = await seedMinimal(store.db);
    app = await buildApp({ store, webDir: '/nonexistent' });
    await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  const post = (url: string, contentType: string, body: string) =>
    app.inject({
      method: 'POST',
      url: `/api/reports/${url}`,
      headers: { authorization: `Bearer ${seed.tokens.pharmacyReporter}`, 'content-type': contentType },
      payload: body,
    });

  it('answers each input that gave a 500 with a 400 naming the line or path and the reason', async () => {
    const line = (batch: string) => `${HEADER}\nSE-APO-0001,20000000000011,3,${batch},,1,${T}\n`;
    const json = (batch: string) =>
      `{"lines":[{"location":"SE-APO-0001","package":"20000000000011","quantity":3,"batch":${batch},"countedAt":"${T}"}]}`;
    const cases: [string, string, string, string | RegExp][] = [
      [
        'stock-snapshots',
        'text/csv',
        line('B\u0000X'),
        'line 2: batch contains a NUL character (U+0000) at position 2',
      ],
      [
        'stock-snapshots',
        'application/json',
        json('"a\\u0000"'),
        '$.lines[0].batch: batch contains a NUL character (U+0000) at position 2',
      ],
      [
        'stock-snapshots',
        'application/json',
        json('"\\ud800"'),
        '$.lines[0].batch: batch contains a lone surrogate (U+D800) at position 1, which is not valid Unicode',
      ],
      [
        'stock-snapshots',
        'application/json',
        json(`${'['.repeat(5000)}${']'.repeat(5000)}`),
        '$.lines[0].batch: not a text or a number',
      ],
      [
        'stock-snapshots?fileName=%00',
        'text/csv',
        line('B1'),
        'fileName contains a NUL character (U+0000) at position 1',
      ],
      [
        'stock-snapshots?clientRef=a%00',
        'text/csv',
        line('B2'),
        'clientRef contains a NUL character (U+0000) at position 2',
      ],
    ];
    for (const [url, type, body, message] of cases) {
      const res = await post(url, type, body);
      expect(res.statusCode, `${url} ${body.slice(0, 80)}: ${res.body.slice(0, 300)}`).toBe(400);
      const { error } = res.json();
      expect(error.kind).toBe('invalid');
      expect(error.problems[0].message).toEqual(message);
    }
    // Nothing of them was stored.
    const stored = await store.db
      .selectFrom('report')
      .select('id')
      .where('status', '=', 'accepted')
      .execute();
    expect(stored).toEqual([]);
  });

  it('answers a documentation path that climbs out of its folder with a 400 naming the path', async () => {
    for (const path of ['/api/docs/static/../x', '/api/docs/static/%2e%2e/x', '/api/docs/static/x%00']) {
      const res = await rawGet(app, path);
      expect(res.status, `${path}: ${res.body}`).toBe(400);
      const { error } = JSON.parse(res.body) as { error: { kind: string; message: string } };
      expect(error).toMatchObject({
        kind: 'invalid',
        message: `path '${path}' is not a file that is served`,
      });
    }
  });

  it(`answers ${RUNS} mutated reports of every kind and format without a 5xx, and stores exactly what it receipted`, async () => {
    const ledger = new FuzzLedger();
    await fc.assert(
      fc.asyncProperty(fuzzCases(seed), async (c) => {
        const status = await sendCase(app, ledger, c);
        return status < 500;
      }),
      { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 20261203), endOnFailure: true },
    );
    expect(ledger.serverErrors).toEqual([]);
    expect(await storeMismatches(store.db, ledger)).toEqual([]);
    // The run is not vacuous: reports were accepted and refused, of every kind.
    expect(ledger.statuses.get(201) ?? 0).toBeGreaterThan(RUNS / 20);
    expect(ledger.statuses.get(400) ?? 0).toBeGreaterThan(RUNS / 4);
    expect(new Set([...ledger.receipts.values()].map((r) => r.kind)).size).toBe(5);
  });
});
