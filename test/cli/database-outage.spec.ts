import type { ChildProcess } from 'node:child_process';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { openStore } from '../../src/store/database.js';
import { DB_CONNECT_TIMEOUT_MS } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { exitOf, startServeProcess } from '../support/cli.js';
import { describeEach } from '../support/databases.js';
import { PgCluster, pgClusterUnavailable } from '../support/pg-cluster.js';
import { seedMinimal } from '../support/seed.js';

const CSV_HEADER = 'location,package,quantity,batch,expiry,stock_level,counted_at';
const PACKAGE = '20000000000011';
/** A request without an answer this long counts as hung. */
const HUNG_MS = 30_000;
/** While the database is away, every answer comes within this (a refused connection fails at once). */
const OUTAGE_ANSWER_MS = DB_CONNECT_TIMEOUT_MS + 5_000;

/** The counts are an hour old and later with each report, so the last report is the current count. */
const firstCount = Date.now() - 3_600_000;
let counts = 0;

/** A stock count of SE-APO-0001: three lines of paracetamol, their quantities summing to `total`. */
function stockReport(clientRef: string, total: number): string {
  const countedAt = new Date(firstCount + 1_000 * counts++).toISOString();
  const q = [Math.floor(total / 3), Math.floor(total / 3), total - 2 * Math.floor(total / 3)];
  const lines = q.map(
    (quantity, j) => `SE-APO-0001,${PACKAGE},${quantity},${clientRef}-${j},,1,${countedAt}`,
  );
  return [CSV_HEADER, ...lines].join('\n');
}

interface Answer {
  what: 'read' | 'write';
  clientRef?: string;
  body?: string;
  started: number;
  ms: number;
  /** The HTTP status, or 0 when there was none (the connection failed, or no answer within HUNG_MS). */
  status: number;
  retryAfter: string | null;
  error?: string;
}

async function request(
  what: Answer['what'],
  url: string,
  init: RequestInit,
  extra: Partial<Answer> = {},
): Promise<Answer> {
  const started = Date.now();
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(HUNG_MS) });
    await res.arrayBuffer();
    return {
      what,
      ...extra,
      started,
      ms: Date.now() - started,
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
    };
  } catch (err) {
    return {
      what,
      ...extra,
      started,
      ms: Date.now() - started,
      status: 0,
      retryAfter: null,
      error: String(err),
    };
  }
}

const sendReport = (base: string, clientRef: string, body: string) =>
  request(
    'write',
    `${base}/api/reports/stock-snapshots?clientRef=${clientRef}`,
    {
      method: 'POST',
      headers: { authorization: 'Bearer tok-apo-reporter', 'content-type': 'text/csv' },
      body,
    },
    { clientRef, body },
  );

/** Readers and writers in loops until stopped; every answer is kept. */
class Load {
  readonly answers: Answer[] = [];
  private running = true;
  private readonly loops: Promise<void>[] = [];
  private sent = 0;

  constructor(
    private readonly base: string,
    readers: number,
    writers: number,
  ) {
    const pages = ['/api/picture/overview', '/api/reports?limit=20', '/api/picture/items?limit=20'];
    for (let r = 0; r < readers; r++)
      this.loops.push(
        this.loop(async (n) =>
          request('read', `${base}${pages[(r + n) % pages.length]!}`, {
            headers: { authorization: 'Bearer tok-apo-reporter' },
          }),
        ),
      );
    for (let w = 0; w < writers; w++)
      this.loops.push(
        this.loop(() => {
          const clientRef = `w${w}-${this.sent++}`;
          return sendReport(this.base, clientRef, stockReport(clientRef, 30 + this.sent));
        }),
      );
  }

  private async loop(step: (n: number) => Promise<Answer>): Promise<void> {
    for (let n = 0; this.running; n++) {
      this.answers.push(await step(n));
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  count(filter: (a: Answer) => boolean): number {
    return this.answers.filter(filter).length;
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }
}

async function until(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms in vain: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The picture's national stock of the package, read directly from the database. */
async function pictureStock(url: string): Promise<number | null> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ total: string | null }>(
      `SELECT sum(s.total) AS total FROM picture_stock s JOIN package p ON p.id = s.package_id
       WHERE p.npl_pack_id = $1 AND s.area_code = 'SE'`,
      [PACKAGE],
    );
    return rows[0]?.total === null || rows[0]?.total === undefined ? null : Number(rows[0].total);
  } finally {
    await client.end();
  }
}

const unavailable = pgClusterUnavailable();
const variants = [
  {
    name: 'pglite' as const,
    skipReason: 'PGlite runs inside the server process: it cannot go away while the server runs',
  },
  { name: 'postgres' as const, skipReason: unavailable },
];

/**
 * Issue 11 item 6: the database goes away and comes back. `beredskap serve` runs on a PostgreSQL
 * cluster of the test's own under readers and writers; the cluster is stopped the hard way
 * (`pg_ctl stop -m immediate`) and started again. Meanwhile every request is answered promptly with
 * 503 and Retry-After (never a 500, never a hang, the server does not crash); afterwards it serves
 * again by itself, every report it acknowledged is stored exactly once (and those it refused, sent
 * again, too), and the picture follows the reports again.
 */
describeEach(variants)('the database goes away and comes back, on $name', () => {
  let cluster: PgCluster | null = null;
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await cluster?.destroy();
  });

  it('answers 503 with Retry-After while PostgreSQL is stopped, recovers by itself and loses nothing', async () => {
    cluster = await PgCluster.create();
    const admin = new pg.Client({ connectionString: cluster.url() });
    await admin.connect();
    await admin.query('CREATE DATABASE beredskap');
    await admin.end();
    const url = cluster.url('beredskap');
    const store = await openStore({ databaseUrl: url });
    await migrateToLatest(store.db);
    await seedMinimal(store.db);
    await store.close();

    const server = await startServeProcess({ DATABASE_URL: url });
    children.push(server.child);
    const base = server.url;
    // The first picture (computed at start-up), so that readers read it and reports refresh it.
    await until(
      'the first picture',
      async () =>
        (
          await request('read', `${base}/api/picture/overview`, {
            headers: { authorization: 'Bearer tok-apo-reporter' },
          })
        ).status === 200,
      60_000,
    );

    const load = new Load(base, 4, 3);
    try {
      await until('reports are acknowledged', () => load.count((a) => a.status === 201) >= 6, 60_000);

      await cluster.stopImmediately();
      const stoppedAt = Date.now();
      await until(
        'readers and writers are told 503 while the database is away',
        () =>
          load.count((a) => a.started > stoppedAt && a.what === 'read' && a.status === 503) >= 4 &&
          load.count((a) => a.started > stoppedAt && a.what === 'write' && a.status === 503) >= 3,
        30_000,
      );
      const restartedAt = Date.now();
      await cluster.start();
      await until(
        'the server serves again by itself',
        () =>
          load.count((a) => a.started > restartedAt && a.what === 'read' && a.status === 200) >= 2 &&
          load.count((a) => a.started > restartedAt && a.what === 'write' && a.status === 201) >= 2,
        60_000,
      );
      await load.stop();

      // Never a 500, never a hang, never a dropped connection: 200/201 or 503 with a retry hint.
      const odd = load.answers.filter((a) => ![200, 201, 503].includes(a.status));
      expect(odd, JSON.stringify(odd.slice(0, 5))).toEqual([]);
      for (const a of load.answers.filter((x) => x.status === 503))
        expect(a.retryAfter, `${a.what} ${a.clientRef ?? ''}`).toMatch(/^\d+$/);
      const duringOutage = load.answers.filter(
        (a) => a.started > stoppedAt && a.started + a.ms < restartedAt,
      );
      expect(duringOutage.length).toBeGreaterThan(0);
      for (const a of duringOutage) {
        expect(a.status).toBe(503);
        expect(a.ms).toBeLessThan(OUTAGE_ANSWER_MS);
      }
      expect(server.child.exitCode).toBeNull(); // idle connections that died did not end the process

      // Every report refused with 503, sent again with its clientRef: stored (now, or it had been).
      const acknowledged = load.answers.filter((a) => a.what === 'write' && a.status === 201);
      const refused = load.answers.filter((a) => a.what === 'write' && a.status === 503);
      for (const a of refused) {
        const again = await sendReport(base, a.clientRef!, a.body!);
        expect([200, 201], JSON.stringify(again)).toContain(again.status);
      }

      const check = new pg.Client({ connectionString: url });
      await check.connect();
      try {
        const { rows } = await check.query<{ client_ref: string; n: number; lines: number }>(
          `SELECT r.client_ref, count(*)::int AS n, min(r.line_count)::int AS lines FROM report r
           WHERE r.status = 'accepted' AND r.kind = 'stock_snapshot' GROUP BY r.client_ref`,
        );
        const stored = new Map(rows.map((r) => [r.client_ref, r]));
        for (const a of [...acknowledged, ...refused]) {
          expect(stored.get(a.clientRef!), a.clientRef).toMatchObject({ n: 1, lines: 3 });
        }
        expect(stored.size).toBe(new Set([...acknowledged, ...refused].map((a) => a.clientRef)).size);
        const orphans = await check.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM stock_snapshot ss LEFT JOIN report r ON r.id = ss.report_id
           WHERE r.id IS NULL OR r.status <> 'accepted'`,
        );
        expect(orphans.rows[0]?.n).toBe(0);
      } finally {
        await check.end();
      }

      // The picture follows the reports again: the last count is the national stock.
      const last = await sendReport(base, 'after-the-outage', stockReport('after-the-outage', 600));
      expect(last.status).toBe(201);
      // What the server said, should the picture not follow (its maintainer logs each failed refresh).
      let lastSeen: number | null = null;
      await until(
        'the picture shows the last count',
        async () => (lastSeen = await pictureStock(url)) === 600,
        60_000,
      ).catch((error: unknown) => {
        throw new Error(
          `${String(error)}; picture stock ${String(lastSeen)}; server stderr:\n${server.stderr().slice(-6000)}`,
        );
      });
    } finally {
      await load.stop();
    }

    server.child.kill('SIGTERM');
    expect(await exitOf(server.child, 15_000)).toBe('exited');
  }, 300_000);
});
