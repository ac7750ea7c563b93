import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { postgresLine, postgresShortfall, tallyTests } from './backend-meta.js';
import { testBackends } from './databases.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const VITEST = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));

/** Runs the fixture (two tests per backend) in a child vitest with exactly `env` for the databases. */
function runFixture(env: { TEST_DATABASE_URL?: string; BEREDSKAP_EXPECT_POSTGRES?: string }) {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };
  delete childEnv.TEST_DATABASE_URL;
  delete childEnv.BEREDSKAP_EXPECT_POSTGRES;
  delete childEnv.VITEST;
  delete childEnv.VITEST_WORKER_ID;
  delete childEnv.VITEST_POOL_ID;
  delete childEnv.NODE_ENV;
  const result = spawnSync(
    process.execPath,
    [VITEST, 'run', '--config', 'test/support/fixture/vitest.config.ts'],
    { cwd: ROOT, env: { ...childEnv, ...env }, encoding: 'utf8', timeout: 60_000 },
  );
  return { status: result.status, out: result.stdout, err: result.stderr };
}

describe('the PostgreSQL variants without TEST_DATABASE_URL', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('are listed, marked skipped with the reason, instead of left out', () => {
    vi.stubEnv('TEST_DATABASE_URL', undefined);
    expect(testBackends().map((b) => [b.name, b.skipReason])).toEqual([
      ['pglite', null],
      ['postgres', 'TEST_DATABASE_URL not set'],
    ]);
  });

  it('run when TEST_DATABASE_URL is set', () => {
    vi.stubEnv('TEST_DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/postgres');
    expect(testBackends().map((b) => [b.name, b.skipReason])).toEqual([
      ['pglite', null],
      ['postgres', null],
    ]);
  });

  it('show in the test output as skipped, test by test, and in the summary', { timeout: 60_000 }, () => {
    const run = runFixture({});
    expect(run.status, run.out + run.err).toBe(0);
    expect(run.out).toContain('fixture on postgres (TEST_DATABASE_URL not set) > knows its backend');
    expect(run.out).toContain(
      'fixture on postgres (TEST_DATABASE_URL not set) > runs only where its database is',
    );
    expect(run.out).toContain('PostgreSQL variants: 0 ran, 2 skipped (TEST_DATABASE_URL not set)');
    expect(run.out).toContain('2 passed, 0 failed, 2 skipped');
  });

  it('fail the run when PostgreSQL was expected (BEREDSKAP_EXPECT_POSTGRES=1)', { timeout: 60_000 }, () => {
    const run = runFixture({ BEREDSKAP_EXPECT_POSTGRES: '1' });
    expect(run.status).toBe(1);
    expect(run.err).toContain(
      'PostgreSQL was expected (BEREDSKAP_EXPECT_POSTGRES=1) but 2 PostgreSQL-variant tests were skipped (TEST_DATABASE_URL not set)',
    );
    expect(run.out).toContain('2 passed, 1 failed, 2 skipped');
  });

  it('let the run pass when PostgreSQL was expected and its variants ran', { timeout: 60_000 }, () => {
    // The fixture opens no database, so any URL will do.
    const run = runFixture({
      TEST_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
      BEREDSKAP_EXPECT_POSTGRES: '1',
    });
    expect(run.status, run.out + run.err).toBe(0);
    expect(run.out).toContain('PostgreSQL variants: 2 ran, 0 skipped');
    expect(run.out).toContain('4 passed, 0 failed, 0 skipped');
  });
});

describe('the summary reporter’s count of PostgreSQL variants', () => {
  it('counts the variants that ran and those skipped for want of the database, apart from others', () => {
    const tally = tallyTests([
      { state: 'passed', backend: 'pglite' },
      { state: 'passed', backend: 'postgres' },
      { state: 'failed', backend: 'postgres' },
      // skipped inside a running suite (it.runIf): not for want of the database
      { state: 'skipped', backend: 'postgres' },
      { state: 'skipped', backend: 'postgres', unavailable: 'TEST_DATABASE_URL not set' },
      { state: 'passed' },
    ]);
    expect(tally).toEqual({
      passed: 3,
      failed: 1,
      skipped: 2,
      postgres: { ran: 2, unavailable: 1, reasons: ['TEST_DATABASE_URL not set'] },
    });
    expect(postgresLine(tally)).toBe('PostgreSQL variants: 2 ran, 1 skipped (TEST_DATABASE_URL not set)');
  });

  it('finds nothing wrong unless PostgreSQL is expected', () => {
    const none = tallyTests([{ state: 'passed', backend: 'pglite' }]);
    expect(postgresShortfall(none, false)).toBeNull();
    expect(postgresShortfall(none, true)).toBe(
      'PostgreSQL was expected (BEREDSKAP_EXPECT_POSTGRES=1) but no PostgreSQL-variant test ran',
    );
    const ran = tallyTests([{ state: 'passed', backend: 'postgres' }]);
    expect(postgresShortfall(ran, true)).toBeNull();
  });
});
