import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { REPORT_FILE_ORGANISATIONS } from '../../data/files.js';
import { loadSweden } from '../../data/load.js';
import { registerGenerateCommand } from '../../src/cli/generate.command.js';
import { addDays, calendarDateInSweden } from '../../src/domain/calendar.js';
import { ingestReport } from '../../src/ingest/ingest.service.js';
import type { Store } from '../../src/store/database.js';
import { describeEach, testBackends } from '../support/databases.js';
import { reporterOf } from '../ingest/helpers.js';

/**
 * Issue 10 item 6: `beredskap generate --out DIR` writes report files (DIR/reports) that `ingest`
 * accepts: a round trip through the report formats into the same synthetic Sweden.
 */
describeEach(testBackends())('generate --out report files on $name', (backend) => {
  let store: Store;
  let dir: string;
  const printed: string[] = [];
  // Yesterday: the newest generated counts are then all in the past.
  const today = addDays(calendarDateInSweden(new Date()), -1);
  const options = { scale: 0.02, seed: 7, today };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'beredskap-reports-'));
    const program = new Command().exitOverride();
    registerGenerateCommand(program, { print: (l) => printed.push(l), progress: false, lang: 'en' });
    await program.parseAsync(['generate', '--scale', '0.02', '--seed', '7', '--today', today, '--out', dir], {
      from: 'user',
    });
    store = await backend.open();
    await loadSweden(store, options);
  }, 300_000);

  afterAll(async () => {
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes stock, sales and notice files in the report formats that ingest accepts, each line', async () => {
    const listed = printed.filter((l) => l.includes('beredskap ingest '));
    const files = listed.map((l) => {
      const m = /beredskap ingest (\S+) --org (\S+) --kind (\S+) +\((\d+) lines\)/.exec(l);
      expect(m, l).not.toBeNull();
      return { path: m![1]!, org: m![2]!, kind: m![3]!, lines: Number(m![4]) };
    });
    // Every kind is there, and every organisation that holds stock has a snapshot.
    expect(new Set(files.map((f) => f.kind))).toEqual(
      new Set(['stock_snapshot', 'sales', 'shortage_notice']),
    );
    expect(files.filter((f) => f.kind === 'stock_snapshot').map((f) => f.org)).toEqual(
      REPORT_FILE_ORGANISATIONS.filter((o) => o !== 'COMP-001'),
    );
    for (const f of files) {
      const body = await readFile(f.path);
      expect(body.toString('utf8').trimEnd().split('\n')).toHaveLength(f.lines + 1);
      const receipt = await ingestReport(store, {
        reporter: await reporterOf(store, f.org),
        kind: f.kind as 'stock_snapshot' | 'sales' | 'shortage_notice',
        format: 'csv',
        body,
        now: new Date(),
      });
      expect(receipt.status, `${f.path}: ${JSON.stringify(receipt.problems.slice(0, 3))}`).toBe('accepted');
      expect(receipt.lineCount).toBe(f.lines);
    }
  });
});
