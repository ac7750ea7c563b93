import type { Reporter, TestModule } from 'vitest/node';
import {
  EXPECT_POSTGRES,
  postgresLine,
  postgresShortfall,
  tallyTests,
  type FinishedTest,
} from './backend-meta.js';

/**
 * Prints how many PostgreSQL-variant tests ran and were skipped, then one plain closing line,
 * "N passed, N failed, N skipped", that CI tooling reads whatever the test runner. The default reporter
 * still prints everything else. With BEREDSKAP_EXPECT_POSTGRES=1 (`.ci/run` sets it when the PostgreSQL
 * server answers) a run in which no PostgreSQL variant ran, or some were skipped for want of the
 * database, fails: it is counted as one failure and the exit code is 1.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const tests: FinishedTest[] = [];
    let brokenModules = 0;
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const meta = test.meta();
        tests.push({ state: test.result().state, backend: meta.backend, unavailable: meta.unavailable });
      }
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) brokenModules++;
    }
    const tally = tallyTests(tests);
    const shortfall = postgresShortfall(tally, process.env[EXPECT_POSTGRES] === '1');
    process.stdout.write(`\n${postgresLine(tally)}\n`);
    if (shortfall !== null) {
      process.stderr.write(`\n${shortfall}\n`);
      process.exitCode = 1;
    }
    const failed = tally.failed + brokenModules + (shortfall === null ? 0 : 1);
    process.stdout.write(`${tally.passed} passed, ${failed} failed, ${tally.skipped} skipped\n`);
  }
}
