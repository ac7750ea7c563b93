import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DATA_FOLDER_LOCK_FILE,
  DataFolderInUseError,
  lockDataFolder,
  startTicksOf,
} from '../../src/store/data-folder-lock.js';
import { openStore } from '../../src/store/database.js';
import { exitOf, runCli, startServeProcess } from '../support/cli.js';
import { migratedDataFolder } from '../support/databases.js';
import { seedMinimal } from '../support/seed.js';

const CSV_HEADER = 'location,package,quantity,batch,expiry,stock_level,counted_at';

/** A stock count of SE-APO-0001 with `n` lines, distinct per `tag`. */
function stockReport(tag: string, n: number): string {
  const lines = Array.from(
    { length: n },
    (_, j) => `SE-APO-0001,20000000000011,${j + 1},${tag}-${j},,1,2026-03-01T06:00:00+01:00`,
  );
  return [CSV_HEADER, ...lines].join('\n');
}

async function postReport(url: string, clientRef: string, body: string): Promise<Response> {
  return fetch(`${url}/api/reports/stock-snapshots?clientRef=${clientRef}`, {
    method: 'POST',
    headers: { authorization: 'Bearer tok-apo-reporter', 'content-type': 'text/csv' },
    body,
    signal: AbortSignal.timeout(30_000),
  });
}

/** Every report with its stored stock lines; and stock that belongs to no accepted report. */
async function storedReports(dir: string) {
  const store = await openStore({ dataDir: dir });
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
      .where('kind', '=', 'stock_snapshot')
      .orderBy('id')
      .execute();
    const orphans = await store.db
      .selectFrom('stock_snapshot')
      .leftJoin('report', 'report.id', 'stock_snapshot.report_id')
      .where((eb) => eb.or([eb('report.id', 'is', null), eb('report.status', '<>', 'accepted')]))
      .select((e) => e.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return { reports, orphanSnapshots: Number(orphans.n) };
  } finally {
    await store.close();
  }
}

/**
 * Issue 11 item 5: never two writers on one embedded database. A second process on a PGlite folder in
 * use is refused at once with a message naming the holder; a lock left by a killed process does not
 * keep the folder locked.
 */
// The embedded database alone (PGlite folders): PostgreSQL takes many processes by design, so this spec
// has no PostgreSQL variant (not a skipped one either, which would read as PostgreSQL not tested).
describe('one process per embedded database folder (PGlite)', () => {
  let dir = '';
  let env: NodeJS.ProcessEnv = {};
  const children: ChildProcess[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'beredskap-lock-'));
    await migratedDataFolder(dir);
    const store = await openStore({ dataDir: dir });
    await seedMinimal(store.db);
    await store.close();
    env = { ...process.env, BEREDSKAP_DATA_DIR: dir, DATABASE_URL: '' };
    return async () => {
      for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    };
  });
  afterAll(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });

  it('refuses an ingest (and a demo --fresh) while serve uses the folder; nothing is lost or half stored', async () => {
    const server = await startServeProcess(env);
    children.push(server.child);
    const first = await postReport(server.url, 'via-server-1', stockReport('S1', 200));
    expect(first.status, await first.clone().text()).toBe(201);

    const ingest = await runCli(
      env,
      'ingest',
      'docs/examples/stock-snapshot.csv',
      '--org',
      'APO',
      '--kind',
      'stock-snapshot',
      '--client-ref',
      'via-cli',
    );
    expect(ingest.code).toBe(1);
    expect(ingest.stdout).not.toMatch(/Mottagen/);
    expect(ingest.stderr).toContain(`the database folder ${dir} is in use by another process`);
    expect(ingest.stderr).toContain(`pid ${server.child.pid}, \`beredskap serve\``);
    expect(ingest.stderr).toContain('send the report to the running server');

    // demo --fresh would have emptied the folder under the running server.
    const demo = await runCli(env, 'demo', '--fresh');
    expect(demo.code).toBe(1);
    expect(demo.stderr).toContain('is in use by another process');

    // The server goes on as before: the report it took is there, and it takes another.
    const second = await postReport(server.url, 'via-server-2', stockReport('S2', 150));
    expect(second.status, await second.clone().text()).toBe(201);
    const listed = await fetch(`${server.url}/api/reports?limit=10`, {
      headers: { authorization: 'Bearer tok-apo-reporter' },
    });
    const page = (await listed.json()) as { items: { clientRef: string | null }[] };
    expect(page.items.map((r) => r.clientRef).sort()).toEqual(['via-server-1', 'via-server-2']);

    server.child.kill('SIGTERM');
    expect(await exitOf(server.child, 15_000)).toBe('exited');
    expect(existsSync(join(dir, DATA_FOLDER_LOCK_FILE))).toBe(false);

    // Once the server has stopped, the same ingest goes through.
    const after = await runCli(
      env,
      'ingest',
      'docs/examples/stock-snapshot.csv',
      '--org',
      'APO',
      '--kind',
      'stock-snapshot',
      '--client-ref',
      'via-cli',
      '--no-picture',
    );
    expect(after.code, after.stderr).toBe(0);

    const { reports, orphanSnapshots } = await storedReports(dir);
    expect(reports).toEqual([
      { client_ref: 'via-server-1', status: 'accepted', line_count: 200, stored_lines: 200 },
      { client_ref: 'via-server-2', status: 'accepted', line_count: 150, stored_lines: 150 },
      { client_ref: 'via-cli', status: 'accepted', line_count: 5, stored_lines: 5 },
    ]);
    expect(orphanSnapshots).toBe(0);
  }, 300_000);

  it('does not stay locked after a server killed with SIGKILL', async () => {
    const killed = await startServeProcess(env);
    children.push(killed.child);
    const lockFile = join(dir, DATA_FOLDER_LOCK_FILE);
    expect(JSON.parse(await readFile(lockFile, 'utf8'))).toMatchObject({ pid: killed.child.pid });
    killed.child.kill('SIGKILL');
    expect(await exitOf(killed.child, 10_000)).toBe('exited');
    expect(existsSync(lockFile)).toBe(true); // left behind: nobody removed it

    const ingest = await runCli(
      env,
      'ingest',
      'docs/examples/stock-snapshot.csv',
      '--org',
      'APO',
      '--kind',
      'stock-snapshot',
      '--no-picture',
    );
    expect(ingest.code, ingest.stderr).toBe(0);
    const next = await startServeProcess(env);
    children.push(next.child);
    const res = await fetch(`${next.url}/api/reports?limit=10`, {
      headers: { authorization: 'Bearer tok-apo-reporter' },
    });
    expect(((await res.json()) as { items: unknown[] }).items).toHaveLength(1);
    next.child.kill('SIGTERM');
    expect(await exitOf(next.child, 15_000)).toBe('exited');
  }, 300_000);

  it('counts a lock whose pid now belongs to another process as stale, and one of a live process as held', async () => {
    const lockFile = join(dir, DATA_FOLDER_LOCK_FILE);
    const left = (pid: number, startTicks: string | null) =>
      writeFile(
        lockFile,
        JSON.stringify({
          pid,
          startTicks,
          hostname: hostname(),
          command: 'beredskap serve',
          since: '2026-01-01T00:00:00.000Z',
          token: 'earlier',
        }),
      );
    // This test's own pid, but another start time: an earlier process that had the same pid.
    const ownTicks = startTicksOf(process.pid);
    await left(process.pid, ownTicks === null ? null : String(Number(ownTicks) - 1000));
    if (ownTicks !== null) {
      const store = await openStore({ dataDir: dir });
      await store.close();
    }
    // A live process (the test's parent, vitest's main process) with its true start time: held.
    const parent = process.ppid;
    await left(parent, startTicksOf(parent));
    await expect(openStore({ dataDir: dir })).rejects.toThrow(DataFolderInUseError);
    await expect(openStore({ dataDir: dir })).rejects.toThrow(`pid ${parent}, \`beredskap serve\``);
    await rm(lockFile);

    // Two opens in one process are refused as well.
    const lock = await lockDataFolder(dir);
    await expect(lockDataFolder(dir)).rejects.toThrow(DataFolderInUseError);
    await lock.release();
    expect(existsSync(lockFile)).toBe(false);
  });
});
