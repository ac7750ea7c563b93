import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { describeEach } from '../support/databases.js';
import { serverBackends } from '../support/server-backends.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HEADER = 'location,package,quantity,batch,expiry,stock_level,counted_at';
const REPORTS = 40;
const LINES = 1500;
const KILL_AFTER = 10;

/** Report i: LINES lines at one of APO's two pharmacies, all distinct. */
function report(i: number): string {
  const location = i % 2 === 0 ? 'SE-APO-0001' : 'SE-APO-0002';
  const counted = `2026-03-01T${String(6 + (i % 12)).padStart(2, '0')}:${String(i).padStart(2, '0')}:00+01:00`;
  const lines = Array.from(
    { length: LINES },
    (_, j) => `${location},20000000000011,${j + 1},R${i}-L${j},,1,${counted}`,
  );
  return [HEADER, ...lines].join('\n');
}

interface Server {
  child: ChildProcess;
  url: string;
}

/** `beredskap serve` as a child process; resolves with its URL once it listens. */
function startServer(env: NodeJS.ProcessEnv): Promise<Server> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/beredskap.js'), 'serve'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /(?:serves|kör på) (http:\/\/\S+)/.exec(out);
      if (m) resolve({ child, url: m[1]! });
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code, signal) =>
      reject(new Error(`server exited (${code ?? signal}) before listening: ${err}`)),
    );
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

const send = (url: string, i: number) =>
  fetch(`${url}/api/reports/stock-snapshots?clientRef=crash-${i}`, {
    method: 'POST',
    headers: { authorization: 'Bearer tok-apo-reporter', 'content-type': 'text/csv' },
    body: report(i),
  });

const backends = serverBackends('crash');

/**
 * Crash safety: the server runs as a child process, takes many reports at once, and is killed with
 * SIGKILL while reports are still streaming in. After a restart every report that got a receipt is
 * there exactly once, no report is there in part, and sending everything again counts nothing twice.
 */
describeEach(backends)('crash safety on $name', (backend) => {
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await backend.cleanup();
  });

  it(
    'keeps every receipted report exactly once and none in part after SIGKILL mid-stream',
    { timeout: 180_000 },
    async () => {
      const env = await backend.prepare();
      const first = await startServer(env);
      children.push(first.child);

      const receipts = new Map<number, { id: number; lineCount: number }>();
      let failed = 0;
      await Promise.all(
        Array.from({ length: REPORTS }, (_, i) =>
          send(first.url, i).then(
            async (res) => {
              if (res.status !== 201) throw new Error(`report ${i}: ${res.status} ${await res.text()}`);
              receipts.set(i, (await res.json()) as { id: number; lineCount: number });
              if (receipts.size === KILL_AFTER) first.child.kill('SIGKILL');
            },
            () => failed++, // the connection died with the server
          ),
        ),
      );
      await exited(first.child);
      expect(first.child.signalCode).toBe('SIGKILL');
      expect(receipts.size).toBeGreaterThanOrEqual(KILL_AFTER);
      expect(failed).toBeGreaterThan(0); // the kill did land mid-stream

      // Restart on the same database; send everything again.
      const second = await startServer(env);
      children.push(second.child);
      const resent = await Promise.all(
        Array.from({ length: REPORTS }, async (_, i) => {
          const res = await send(second.url, i);
          return {
            i,
            status: res.status,
            receipt: (await res.json()) as { id: number; replayed: boolean; lineCount: number },
          };
        }),
      );
      for (const { i, status, receipt } of resent) {
        const before = receipts.get(i);
        if (before) {
          // receipted before the crash: the same receipt again, nothing counted twice
          expect(status, `report ${i}`).toBe(200);
          expect(receipt).toMatchObject({ id: before.id, replayed: true, lineCount: LINES });
        } else {
          expect([200, 201], `report ${i}`).toContain(status);
          expect(receipt.lineCount).toBe(LINES);
        }
      }
      second.child.kill('SIGTERM');
      await exited(second.child);

      const store = await backend.open();
      try {
        const reports = await store.db
          .selectFrom('report')
          .leftJoin('stock_snapshot as s', 's.report_id', 'report.id')
          .leftJoin('stock_line as l', 'l.snapshot_id', 's.id')
          .select([
            'report.id',
            'report.client_ref',
            'report.status',
            'report.line_count',
            (eb) => eb.fn.count<number>('l.package_id').as('stored'),
          ])
          .groupBy(['report.id', 'report.client_ref', 'report.status', 'report.line_count'])
          .execute();
        const accepted = reports.filter((r) => r.status === 'accepted');
        // every report exactly once, each whole
        expect(accepted).toHaveLength(REPORTS);
        expect(new Set(accepted.map((r) => r.client_ref)).size).toBe(REPORTS);
        for (const r of accepted) expect(Number(r.stored), `report ${r.id}`).toBe(LINES);
        for (const [i, receipt] of receipts)
          expect(accepted.find((r) => r.client_ref === `crash-${i}`)?.id).toBe(receipt.id);
        // no lines outside a report, no snapshot left open
        const lines = await store.db
          .selectFrom('stock_line')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        expect(Number(lines.n)).toBe(REPORTS * LINES);
        const open = await store.db
          .selectFrom('stock_snapshot')
          .select('id')
          .where('line_count', '=', 0)
          .execute();
        expect(open).toEqual([]);
      } finally {
        await store.close();
      }
    },
  );
});
