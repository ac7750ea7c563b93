import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

describe('beredskap plan redistribution', () => {
  it('prints the worked example’s plan and equity, and writes both LP phases for glpsol', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plan-'));
    const lp = join(dir, 'plan.lp');
    const r = await runCli(
      { LANG: 'en_GB.UTF-8' },
      '--lang',
      'en',
      'plan',
      'redistribution',
      'docs/plans/redistribution-example.json',
      '--lp',
      lp,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Lowest coverage: 0 → 22 days (LP optimum 22)');
    expect(r.stdout).toContain('A\tB\t123456\tA-LÅNG\t2027-12-31\t34\t2,720\t10');
    expect(r.stdout).toContain('Spread between regions (max − min): 27.5 → 11 days');
    expect(readFileSync(lp, 'utf8')).toContain('Maximize');
    expect(readFileSync(join(dir, 'plan.phase2.lp'), 'utf8')).toContain('Minimize');
  });

  it('names each problem of a bad file and exits 1', async () => {
    const r = await runCli({}, '--lang', 'en', 'plan', 'redistribution', 'package.json');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('$.subject: subject must be a non-empty string');
  });
});
