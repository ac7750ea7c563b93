import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { registerAuditCommand } from './audit.command.js';
import { openStore, REQUEST_STATEMENT_TIMEOUT_MS, storeOptionsFromEnv } from '../store/database.js';
import { migrateToLatest } from '../store/migrate.js';
import { registerDemoCommand } from './demo.command.js';
import { registerGenerateCommand } from './generate.command.js';
import { registerImportActorsCommands } from './import-actors.command.js';
import { registerImportCommand } from './import.command.js';
import { registerIngestCommand } from './ingest.command.js';
import { registerPictureCommand } from './picture.command.js';
import { registerPlanCommand } from './plan.command.js';
import { portFromEnv, startServer } from './serve.js';
import { chooseCliLanguage, cliTexts } from './messages.js';

/** The version in package.json, which `beredskap --version` prints. */
export function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  const { version } = JSON.parse(text) as { version?: unknown };
  return typeof version === 'string' ? version : 'unknown';
}

/**
 * `beredskap`: the command line. Reads DATABASE_URL (PostgreSQL) or uses the embedded PGlite
 * database in BEREDSKAP_DATA_DIR (default .data/pglite).
 */
export function buildProgram(): Command {
  const program = new Command()
    .name('beredskap')
    .description("Sweden's national platform for medicine supply preparedness")
    .version(packageVersion(), '-V, --version', 'print the version')
    .showHelpAfterError()
    .option(
      '--lang <sv|en>',
      'the language of what it prints: sv or en (default: English when LANG is en_*, else Swedish)',
    )
    .configureHelp({ showGlobalOptions: true })
    // One language per run, chosen before any command prints (src/cli/messages.ts).
    .hook('preAction', (_program, command) => {
      chooseCliLanguage(command.optsWithGlobals<{ lang?: string }>().lang);
    });

  program
    .command('serve')
    .description('serve the API and dashboard (PORT, default 8080)')
    .action(async () => {
      const options = storeOptionsFromEnv();
      if (options.databaseUrl) {
        // Migrations may run for long on a national database: not under the requests' time limit.
        const migrating = await openStore(options);
        try {
          await migrateToLatest(migrating.db);
        } finally {
          await migrating.close();
        }
      }
      const store = await openStore({ ...options, statementTimeoutMs: REQUEST_STATEMENT_TIMEOUT_MS });
      await migrateToLatest(store.db);
      const { url } = await startServer(store, portFromEnv());
      console.log(cliTexts().serving(url, store.backend));
    });

  registerAuditCommand(program);
  registerDemoCommand(program);
  registerGenerateCommand(program);
  registerIngestCommand(program);
  registerImportActorsCommands(program);
  registerImportCommand(program);
  registerPictureCommand(program);
  registerPlanCommand(program);

  const db = program.command('db').description('database administration');
  db.command('migrate')
    .description('apply pending migrations')
    .action(async () => {
      const store = await openStore(storeOptionsFromEnv());
      try {
        const applied = await migrateToLatest(store.db);
        const x = cliTexts();
        console.log(applied.length ? x.migrationsApplied(applied) : x.schemaUpToDate);
      } finally {
        await store.close();
      }
    });

  program.addOption(new Option('--verbose', 'print stack traces on error').hideHelp());
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    console.error(`beredskap: ${message}`);
    if (argv.includes('--verbose') && err instanceof Error) console.error(err.stack);
    process.exitCode = 1;
  }
}
