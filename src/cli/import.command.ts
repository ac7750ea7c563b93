import { importCommandOf } from './import-actors.command.js';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Option, type Command } from 'commander';
import { isAppError } from '../domain/errors.js';
import { importNpl, type NplImportReceipt } from '../ingest/npl/import.service.js';
import { directorySource, zipSource } from '../ingest/npl/source.js';
import { importPrioritisedList, type ListImportReceipt } from '../ingest/prioritised-list.js';
import { openStore, storeOptionsFromEnv } from '../store/database.js';
import { migrateToLatest } from '../store/migrate.js';
import { phaseProgress } from './progress.js';
import { cliLang, cliTexts } from './messages.js';
import { localiseProblem } from '../ingest/messages.js';

/** How many problems and change lines the terminal shows; the import keeps them all (`GET /api/master-data/imports/{id}`). */
const SHOWN = 20;

interface NplOptions {
  asOf?: string;
  delta?: boolean;
  json?: boolean;
}

interface ListOptions {
  validFrom: string;
  version?: string;
  publishedOn?: string;
  name?: string;
  format?: 'csv' | 'xlsx';
  json?: boolean;
}

function printNpl(r: NplImportReceipt): void {
  const x = cliTexts();
  const s = r.summary;
  console.log(x.nplImported(r.id, r.asOf, r.mode === 'total', s.products, s.packages));
  console.log(x.nplCounts(s.added, s.changed, s.unchanged, s.withdrawn, s.withdrawnWithStockOrSales));
  for (const c of r.changes.changed.slice(0, SHOWN))
    console.log(x.nplChanged(c.nplPackId, c.fields.join(', ')));
  if (r.changes.changed.length > SHOWN) console.log(x.nplMoreChanged(r.changes.changed.length - SHOWN));
  for (const w of r.changes.withdrawn.slice(0, SHOWN))
    console.log(x.nplWithdrawn(w.nplPackId, w.stockOrSales));
  for (const w of r.warnings.slice(0, SHOWN)) console.log(`  ${x.warning}: ${w.message}`);
  if (r.warnings.length > SHOWN) console.log(x.moreWarnings(r.warnings.length - SHOWN));
}

function printList(r: ListImportReceipt): void {
  const x = cliTexts();
  if (r.replayed) {
    console.log(x.listReplayed(r.version, r.validFrom));
    return;
  }
  console.log(x.listImported(r.version, r.validFrom, r.entries));
  if (r.previous) console.log(x.listPrevious(r.previous.version, r.previous.validTo));
  for (const w of r.warnings) console.log(`  ${x.warning}: ${w.message}`);
}

/** Prints a refusal with its problems, in the run's language; other errors go on to `main`. */
export function reportRefusal(err: unknown, shown = SHOWN): void {
  if (!isAppError(err) || err.problems.length === 0) throw err;
  const lang = cliLang();
  const x = cliTexts(lang);
  console.error(`beredskap: ${err.message}`);
  for (const p of err.problems.slice(0, shown).map((q) => localiseProblem(q, lang)))
    console.error(`  ${p.message}${p.expected ? ` (${x.expected}: ${p.expected})` : ''}`);
  if (err.problems.length > shown) console.error(`  ${x.more(err.problems.length - shown)}`);
  process.exitCode = 1;
}

/**
 * `beredskap import npl DIR|ZIP` and `beredskap import list FILE`: master data from its owners, as a
 * trusted operator (the CLI has the database; the API limits each register to its owner).
 */
export function registerImportCommand(program: Command): void {
  const command = importCommandOf(program);

  command
    .command('npl')
    .description(
      "Läkemedelsverket's product register: the export directory (Productdata/, Lexicondata/) or its zip file",
    )
    .argument('<path>', 'the unpacked export, or the zip file as published')
    .option('--as-of <date>', 'the export’s date (default: the date in its name, else today)')
    .option('--delta', 'a delta export: only changed products, nothing is withdrawn')
    .option('--json', 'print the receipt as JSON')
    .action(async (path: string, opts: NplOptions) => {
      const source = (await stat(path)).isDirectory()
        ? await directorySource(path)
        : await zipSource(basename(path), await readFile(path));
      const store = await openStore(storeOptionsFromEnv());
      const x = cliTexts();
      const progress = phaseProgress({ read: x.readingNpl, write: x.writingRegister });
      try {
        await migrateToLatest(store.db);
        const receipt = await importNpl(store, {
          source,
          asOf: opts.asOf,
          mode: opts.delta ? 'delta' : 'total',
          onProgress: (p) => progress.update(p),
        });
        progress.stop();
        if (opts.json) console.log(JSON.stringify(receipt, null, 2));
        else printNpl(receipt);
        console.error(x.nplPictureHint);
      } catch (err) {
        progress.stop();
        reportRefusal(err);
      } finally {
        await store.close();
      }
    });

  command
    .command('list')
    .description(
      "Socialstyrelsen's list of medicines for care that cannot wait, as a new version (CSV or XLSX)",
    )
    .argument('<file>', 'the list: columns Substans, ATC-kod, Beredningsform, Vårdområde (Kommentar)')
    .requiredOption('--valid-from <date>', 'the first day the version is in force, YYYY-MM-DD')
    .option('--version <v>', 'the version’s name (default: the valid-from date)')
    .option('--published-on <date>', 'the day Socialstyrelsen published it (default: valid-from)')
    .option('--name <name>', 'the list’s title')
    .addOption(new Option('--format <format>', 'default: by the file’s content').choices(['csv', 'xlsx']))
    .option('--json', 'print the receipt as JSON')
    .action(async (file: string, opts: ListOptions) => {
      const body = await readFile(file);
      const store = await openStore(storeOptionsFromEnv());
      try {
        await migrateToLatest(store.db);
        const receipt = await importPrioritisedList(store, {
          fileName: basename(file),
          body,
          format: opts.format,
          validFrom: opts.validFrom,
          version: opts.version,
          publishedOn: opts.publishedOn,
          name: opts.name,
        });
        if (opts.json) console.log(JSON.stringify(receipt, null, 2));
        else printList(receipt);
      } catch (err) {
        reportRefusal(err);
      } finally {
        await store.close();
      }
    });
}
