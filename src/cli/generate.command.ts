import { join } from 'node:path';
import type { Command } from 'commander';
import { DEMO_PERSONAS } from '../../data/generate.js';
import { writeReportFiles, writeSwedenFiles, type ReportFile } from '../../data/files.js';
import { loadSweden, type LoadCounts } from '../../data/load.js';
import { writeNplExport } from '../../data/npl.js';
import { resolveOptions } from '../../data/model.js';
import { calendarDateInSweden } from '../domain/calendar.js';
import { openStore, storeOptionsFromEnv, type StoreOptions } from '../store/database.js';
import { migrateToLatest } from '../store/migrate.js';
import { phaseProgress } from './progress.js';
import { cliLang, cliTexts } from './messages.js';
import type { MessageLanguage } from '../ingest/messages.js';

/** What the command needs from outside; tests replace them. */
export interface GenerateCommandDeps {
  /** Where the database is (default: DATABASE_URL, or PGlite in BEREDSKAP_DATA_DIR / .data/pglite). */
  storeOptions?: () => StoreOptions;
  /** The day the data ends (default: today in Sweden). */
  today?: () => string;
  /** Where lines go (default: stdout). */
  print?: (line: string) => void;
  /** Show progress bars (default: true). */
  progress?: boolean;
  /** The language of what it prints (default: the run's, see src/cli/messages.ts). */
  lang?: MessageLanguage;
}

interface GenerateOptions {
  scale: string;
  seed: string;
  today?: string;
  out?: string;
  nplOut?: string;
}

function parseNumber(flag: string, raw: string, lang: MessageLanguage): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) throw new Error(cliTexts(lang).notANumber(flag, raw));
  return n;
}

/**
 * `beredskap generate --scale S --seed N [--today YYYY-MM-DD] [--out DIR]`: synthetic Sweden into the
 * database (migrated first; refused when it already holds data), or as CSV files in DIR.
 */
export function registerGenerateCommand(program: Command, deps: GenerateCommandDeps = {}): void {
  const print = deps.print ?? ((line: string) => console.log(line));
  program
    .command('generate')
    .description('generate synthetic Sweden into the database, or as CSV files with --out')
    .option(
      '--scale <s>',
      'size: 1 = 1,400 pharmacies and 2,000 packages; 0.02 for tests; 15 toward national size',
      '1',
    )
    .option('--seed <n>', 'random seed: the same seed gives the same data', '42')
    .option('--today <date>', 'the day the data ends, YYYY-MM-DD (default: today in Sweden)')
    .option(
      '--out <dir>',
      'write one CSV file per table to DIR, and report files for `beredskap ingest` to DIR/reports, instead of loading the database',
    )
    .option(
      '--npl-out <dir>',
      'write the catalogue as an NPL export (for `beredskap import npl`) to DIR instead',
    )
    .action(async (opts: GenerateOptions) => {
      const lang = deps.lang ?? cliLang();
      const x = cliTexts(lang);
      const options = resolveOptions({
        scale: parseNumber('--scale', opts.scale, lang),
        seed: parseNumber('--seed', opts.seed, lang),
        today: opts.today ?? deps.today?.() ?? calendarDateInSweden(new Date()),
      });
      if (opts.nplOut) {
        const written = await writeNplExport(opts.nplOut, options);
        print(
          x.nplWritten(
            options.scale,
            options.seed,
            opts.nplOut,
            written.products,
            written.packages,
            written.organisations,
            (written.bytes / 1e6).toFixed(1),
          ),
        );
        return;
      }
      const progress = deps.progress === false ? undefined : phaseProgress(x.phases);
      const started = Date.now();
      let counts: LoadCounts;
      let reports: ReportFile[] = [];
      let where: string;
      try {
        if (opts.out) {
          counts = await writeSwedenFiles(opts.out, options, progress?.update);
          reports = await writeReportFiles(join(opts.out, 'reports'), options);
          where = x.whereCsv(opts.out);
        } else {
          const storeOptions = deps.storeOptions?.() ?? storeOptionsFromEnv();
          const store = await openStore(storeOptions);
          try {
            await migrateToLatest(store.db);
            counts = await loadSweden(store, options, progress?.update);
          } finally {
            await store.close();
          }
          where = storeOptions.databaseUrl
            ? x.wherePostgres
            : x.wherePglite(storeOptions.dataDir ?? 'memory');
        }
      } finally {
        progress?.stop();
      }
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      print(x.generated(options.scale, options.seed, options.today, where, seconds));
      const width = Math.max(...Object.keys(counts).map((t) => t.length));
      for (const [table, n] of Object.entries(counts))
        print(`  ${table.padEnd(width)}  ${n.toLocaleString('en-US').padStart(12)}`);
      if (reports.length > 0) {
        print(x.reportFilesHeading(join(opts.out ?? '', 'reports')));
        for (const r of reports)
          print(
            `  beredskap ingest ${r.path} --org ${r.organisation} --kind ${r.kind}   (${x.lineCount(r.lines)})`,
          );
      }
      if (!opts.out) {
        print(x.demoTokenList(DEMO_PERSONAS.map((p) => p.token).join(', ')));
      }
    });
}
