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
  const s = r.summary;
  console.log(
    `Importerad: NPL-export ${r.id} per ${r.asOf} (${r.mode === 'total' ? 'totalfil' : 'deltafil'}) — ` +
      `${s.products} produkter, ${s.packages} förpackningar`,
  );
  console.log(
    `  tillagda ${s.added}, ändrade ${s.changed}, oförändrade ${s.unchanged}, avregistrerade ${s.withdrawn}` +
      ` (varav ${s.withdrawnWithStockOrSales} med lager eller försäljning, behållna)`,
  );
  for (const c of r.changes.changed.slice(0, SHOWN))
    console.log(`  ändrad ${c.nplPackId}: ${c.fields.join(', ')}`);
  if (r.changes.changed.length > SHOWN) console.log(`  … ${r.changes.changed.length - SHOWN} ändrade till`);
  for (const w of r.changes.withdrawn.slice(0, SHOWN))
    console.log(
      `  avregistrerad ${w.nplPackId}${w.stockOrSales ? ' (har lager eller försäljning: behålls)' : ''}`,
    );
  for (const w of r.warnings.slice(0, SHOWN)) console.log(`  varning: ${w.message}`);
  if (r.warnings.length > SHOWN) console.log(`  … ${r.warnings.length - SHOWN} varningar till`);
}

function printList(r: ListImportReceipt): void {
  if (r.replayed) {
    console.log(
      `Redan importerad: listan version ${r.version} (gäller från ${r.validFrom}); inget ändrades.`,
    );
    return;
  }
  console.log(
    `Importerad: prioriteringslistan version ${r.version}, gäller från ${r.validFrom} — ${r.entries} poster`,
  );
  if (r.previous) console.log(`  version ${r.previous.version} gäller till och med ${r.previous.validTo}`);
  for (const w of r.warnings) console.log(`  varning: ${w.message}`);
}

/** Prints a refusal with its problems; other errors go on to `main`. */
function reportRefusal(err: unknown): void {
  if (!isAppError(err) || err.problems.length === 0) throw err;
  console.error(`beredskap: ${err.message}`);
  for (const p of err.problems.slice(0, SHOWN))
    console.error(`  ${p.message}${p.expected ? ` (väntat: ${p.expected})` : ''}`);
  if (err.problems.length > SHOWN) console.error(`  … ${err.problems.length - SHOWN} till`);
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
      const progress = phaseProgress({ read: 'Läser NPL-filer', write: 'Skriver registret' });
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
        console.error(
          'Lägesbilden tar in registrets ändringar vid nästa fullständiga uppdatering (`beredskap picture refresh --full`).',
        );
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
