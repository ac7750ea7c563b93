/*
 * Which database a test ran on, as the summary reporter counts it. `describeEach` (databases.ts)
 * puts `backend` in the meta of every test of a backend's suite, and `unavailable` when the suite is
 * declared skipped because its database is not there (PostgreSQL without TEST_DATABASE_URL).
 */

export type BackendName = 'pglite' | 'postgres';

declare module 'vitest' {
  interface TaskMeta {
    /** The database the test's suite runs on. */
    backend?: BackendName;
    /** Why the suite was declared skipped: its database is not there (e.g. 'TEST_DATABASE_URL not set'). */
    unavailable?: string;
  }
}

/** The environment variable that says the PostgreSQL variants must run (`.ci/run` sets it when the server answers). */
export const EXPECT_POSTGRES = 'BEREDSKAP_EXPECT_POSTGRES';

/** One finished test as the reporter sees it. */
export interface FinishedTest {
  state: 'passed' | 'failed' | 'skipped' | 'pending';
  backend?: BackendName | undefined;
  unavailable?: string | undefined;
}

/** The counts of a run: all tests, and the PostgreSQL variants apart. */
export interface RunTally {
  passed: number;
  failed: number;
  skipped: number;
  postgres: {
    /** PostgreSQL-variant tests that ran (passed or failed). */
    ran: number;
    /** PostgreSQL-variant tests skipped because the database was not there. */
    unavailable: number;
    /** The reasons given for those, e.g. 'TEST_DATABASE_URL not set'. */
    reasons: string[];
  };
}

export function tallyTests(tests: Iterable<FinishedTest>): RunTally {
  const t: RunTally = { passed: 0, failed: 0, skipped: 0, postgres: { ran: 0, unavailable: 0, reasons: [] } };
  for (const test of tests) {
    if (test.state === 'passed') t.passed++;
    else if (test.state === 'failed') t.failed++;
    else t.skipped++;
    if (test.backend !== 'postgres') continue;
    if (test.state === 'passed' || test.state === 'failed') t.postgres.ran++;
    else if (test.unavailable !== undefined) {
      t.postgres.unavailable++;
      if (!t.postgres.reasons.includes(test.unavailable)) t.postgres.reasons.push(test.unavailable);
    }
  }
  return t;
}

/** The line that says how much of the suite ran on PostgreSQL. */
export function postgresLine(t: RunTally): string {
  const why = t.postgres.reasons.length > 0 ? ` (${t.postgres.reasons.join('; ')})` : '';
  return `PostgreSQL variants: ${t.postgres.ran} ran, ${t.postgres.unavailable} skipped${why}`;
}

/**
 * When PostgreSQL is expected (`BEREDSKAP_EXPECT_POSTGRES=1`), what is wrong with the run, or null:
 * no PostgreSQL variant ran, or some were skipped because the database was not there.
 */
export function postgresShortfall(t: RunTally, expectPostgres: boolean): string | null {
  if (!expectPostgres) return null;
  if (t.postgres.unavailable > 0) {
    return (
      `PostgreSQL was expected (${EXPECT_POSTGRES}=1) but ${t.postgres.unavailable} PostgreSQL-variant tests ` +
      `were skipped (${t.postgres.reasons.join('; ')})`
    );
  }
  if (t.postgres.ran === 0) {
    return `PostgreSQL was expected (${EXPECT_POSTGRES}=1) but no PostgreSQL-variant test ran`;
  }
  return null;
}
