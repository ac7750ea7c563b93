import type { ChildProcess } from 'node:child_process';
import http from 'node:http';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { SHUTDOWN_DEADLINE_MS } from '../../src/cli/serve.js';
import { exitOf, startServeProcess } from '../support/cli.js';
import { describeEach } from '../support/databases.js';
import { serverBackends } from '../support/server-backends.js';

const CSV_HEADER = 'location,package,quantity,batch,expiry,stock_level,counted_at';

/** A stock count of SE-APO-0001 with `n` lines, distinct per `tag`. */
function stockReport(tag: string, n: number): string {
  const lines = Array.from(
    { length: n },
    (_, j) => `SE-APO-0001,20000000000011,${j + 1},${tag}-${j},,1,2026-03-01T06:00:00+01:00`,
  );
  return [CSV_HEADER, ...lines].join('\n');
}

type Answer = { status: number; retryAfter: string | undefined; body: string } | { error: string };

/**
 * An upload that never finishes: it announces a 1 MB body, sends the start of a report, then nothing.
 * Resolves with the server's answer, or how the connection ended.
 */
function hangingUpload(url: string, clientRef: string): Promise<Answer> {
  const req = http.request(`${url}/api/reports/stock-snapshots?clientRef=${clientRef}`, {
    method: 'POST',
    headers: {
      authorization: 'Bearer tok-apo-reporter',
      'content-type': 'text/csv',
      'content-length': String(1_000_000),
    },
  });
  const answer = new Promise<Answer>((resolve) => {
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'], body }),
      );
      res.on('error', (err) => resolve({ error: err.message }));
    });
    req.on('error', (err) => resolve({ error: err.message }));
  });
  req.write(`${stockReport(clientRef, 50)}\n`);
  return answer;
}

async function post(url: string, clientRef: string, body: string): Promise<Answer> {
  try {
    const res = await fetch(`${url}/api/reports/stock-snapshots?clientRef=${clientRef}`, {
      method: 'POST',
      headers: { authorization: 'Bearer tok-apo-reporter', 'content-type': 'text/csv' },
      body,
      signal: AbortSignal.timeout(30_000),
    });
    return {
      status: res.status,
      retryAfter: res.headers.get('retry-after') ?? undefined,
      body: await res.text(),
    };
  } catch (err) {
    return { error: String(err) };
  }
}

async function until(what: string, condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms in vain: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const backends = serverBackends('stop');

/**
 * Issue 11 item 7: stopping is bounded. `beredskap serve` gets SIGTERM while an upload hangs halfway
 * (and, on PostgreSQL, while a report waits on a lock in the database): it exits cleanly within
 * SHUTDOWN_DEADLINE_MS, tells the stuck clients 503 (nothing stored, send again), and the database
 * holds the report that had finished, whole, and nothing of the others.
 */
describeEach(backends)('bounded stop of serve on $name', (backend) => {
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await backend.cleanup();
  });

  it('exits within the deadline with requests stuck, refuses them with 503 and leaves no half-written report', async () => {
    const env = await backend.prepare();
    const server = await startServeProcess(env);
    children.push(server.child);

    const hung = hangingUpload(server.url, 'hung');
    // Answered while the hung upload is under way: a report that arrives whole is taken.
    const whole = await post(server.url, 'whole', stockReport('W', 100));
    expect(whole).toMatchObject({ status: 201 });

    // PostgreSQL: a report whose transaction waits on a lock the test holds on the report table.
    let lock: pg.Client | null = null;
    let blocked: Promise<Answer> | null = null;
    const url = backend.url();
    if (url !== null) {
      lock = new pg.Client({ connectionString: url });
      await lock.connect();
      await lock.query('BEGIN');
      await lock.query('LOCK TABLE report IN EXCLUSIVE MODE');
      blocked = post(server.url, 'blocked', stockReport('B', 100));
      const waiter = lock;
      await until(
        'the report waits on the lock',
        async () => {
          const r = await waiter.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_locks WHERE relation = 'report'::regclass AND NOT granted`,
          );
          return (r.rows[0]?.n ?? 0) > 0;
        },
        15_000,
      );
    }

    try {
      const t0 = Date.now();
      server.child.kill('SIGTERM');
      expect(await exitOf(server.child, SHUTDOWN_DEADLINE_MS + 5_000), server.stderr()).toBe('exited');
      const took = Date.now() - t0;
      // A clean stop, not the deadline's forced exit.
      expect(server.child.exitCode, server.stderr()).toBe(0);
      expect(took).toBeLessThan(SHUTDOWN_DEADLINE_MS);
      expect(server.stderr()).not.toMatch(/not stopped within/);

      for (const answer of [await hung, ...(blocked ? [await blocked] : [])]) {
        expect(answer).toMatchObject({ status: 503, retryAfter: expect.stringMatching(/^\d+$/) });
        if ('body' in answer) {
          const body = JSON.parse(answer.body) as { error: { kind: string; message: string } };
          expect(body.error.kind).toBe('unavailable');
          expect(body.error.message).toMatch(/send it again/);
        }
      }
    } finally {
      if (lock !== null) {
        await lock.query('ROLLBACK').catch(() => undefined);
        await lock.end();
      }
    }

    const store = await backend.open();
    try {
      const reports = await store.db
        .selectFrom('report')
        .select((eb) => [
          'client_ref',
          'status',
          'line_count',
          eb
            .selectFrom('stock_line')
            .innerJoin('stock_snapshot', 'stock_snapshot.id', 'stock_line.snapshot_id')
            .whereRef('stock_snapshot.report_id', '=', 'report.id')
            .select((e) => e.fn.countAll<number>().as('n'))
            .as('stored_lines'),
        ])
        .orderBy('id')
        .execute();
      expect(reports.map((r) => ({ ...r, stored_lines: Number(r.stored_lines) }))).toEqual([
        { client_ref: 'whole', status: 'accepted', line_count: 100, stored_lines: 100 },
      ]);
      const snapshots = await store.db
        .selectFrom('stock_snapshot')
        .select((e) => e.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(snapshots.n)).toBe(1);
    } finally {
      await store.close();
    }
  }, 300_000);
});
