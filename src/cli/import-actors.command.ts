import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import type { ActorRegister } from '../domain/actors.js';
import { importLocations, importOrganisations, type RegisterImportResult } from '../ingest/actors.js';
import { openStore, storeOptionsFromEnv, type Store } from '../store/database.js';
import { migrateToLatest } from '../store/migrate.js';
import type { MessageLanguage } from '../ingest/messages.js';
import { cliLang, cliTexts } from './messages.js';
import { reportRefusal } from './import.command.js';

interface ImportOptions {
  json?: boolean;
  complete?: boolean;
}

/** How many problems and changes the terminal shows; the audit entry keeps every change. */
const SHOWN = 50;

/**
 * The `import` command of the program: created by whichever register's commands come first, so
 * that `import organisations`, `import locations` (here) and `import npl`, `import list` (issue 9
 * items 1–2) hang under one command.
 */
export function importCommandOf(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'import') ??
    program
      .command('import')
      .description("master data from its owners: NPL, Socialstyrelsen's list, organisations, locations")
  );
}

/** Imports one register file as the CLI operator (a trusted operator: it has the database). */
export async function importRegisterFile(
  store: Store,
  register: ActorRegister,
  file: string,
  opts: ImportOptions = {},
): Promise<RegisterImportResult> {
  const bytes = await readFile(file);
  const request = {
    bytes,
    fileName: basename(file),
    complete: opts.complete,
    actor: { tokenId: null, organisationId: null },
  };
  return register === 'organisations' ? importOrganisations(store, request) : importLocations(store, request);
}

/** The change report in the run's language, one line per change (the first {@link SHOWN}). */
export function formatImportResult(r: RegisterImportResult, lang: MessageLanguage = cliLang()): string[] {
  const x = cliTexts(lang);
  const lines = [
    x.registerImported(
      r.rows,
      r.register,
      r.fileName ?? null,
      r.register === 'locations'
        ? {
            created: r.created,
            updated: r.updated,
            unchanged: r.unchanged,
            closed: r.closed,
            reopened: r.reopened,
          }
        : { created: r.created, updated: r.updated, unchanged: r.unchanged },
      r.auditId,
    ),
  ];
  for (const c of r.changes.slice(0, SHOWN)) {
    const fields = (c.fields ?? []).map(
      (f) => `${f.field}: ${JSON.stringify(f.from)} → ${JSON.stringify(f.to)}`,
    );
    lines.push(`  ${c.action} ${c.code}${fields.length ? ` (${fields.join('; ')})` : ''}`);
  }
  if (r.changes.length > SHOWN) lines.push(x.registerMoreChanges(r.changes.length - SHOWN));
  return lines;
}

/**
 * `beredskap import organisations FILE` and `beredskap import locations FILE [--complete]`: the
 * registers of actors and places from CSV (docs/master-data.md). All or nothing per file.
 */
export function registerImportActorsCommands(program: Command): void {
  const parent = importCommandOf(program);
  const registers: [ActorRegister, string][] = [
    ['organisations', 'organisations (organisation number, code, name, kind, authority, region) from CSV'],
    [
      'locations',
      'locations (code, GLN, kind, organisation, place, address, coordinates, regions served) from CSV',
    ],
  ];
  for (const [register, description] of registers) {
    const command = parent
      .command(register)
      .description(description)
      .argument('<file>', 'the CSV file')
      .option('--json', 'print the change report as JSON');
    if (register === 'locations')
      command.option('--complete', 'the file is the whole register: locations it does not name are closed');
    command.action(async (file: string, opts: ImportOptions) => {
      const store = await openStore(storeOptionsFromEnv());
      try {
        await migrateToLatest(store.db);
        const result = await importRegisterFile(store, register, file, opts);
        if (opts.json) console.log(JSON.stringify(result, null, 2));
        else for (const line of formatImportResult(result)) console.log(line);
      } catch (err) {
        reportRefusal(err, SHOWN);
      } finally {
        await store.close();
      }
    });
  }
}
