import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.spec.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2,
    allowOnly: false,
    // expect.poll waits for what a page shows as long as Playwright waits for an element (15 s, set in
    // test/e2e/support.ts): its default 1 s failed browser tests on a loaded 2-core machine.
    expect: { poll: { timeout: 15_000 } },
    reporters: ['default', './test/support/summary-reporter.ts'],
    // A folder for the migrated templates that every fresh test database starts from (databases.ts).
    globalSetup: ['./test/support/templates.ts'],
  },
});
