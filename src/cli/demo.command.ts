import type { Command } from 'commander';
import { DEMO_PERSONAS } from '../../data/generate.js';
import { historyDays } from '../../data/stock.js';
import { loadSweden } from '../../data/load.js';
import { openStore, type Db } from '../store/database.js';
import { migrateToLatest } from '../store/migrate.js';
import { backfillStockHistory, refreshPicture } from '../store/picture/refresh.js';
import { calendarDateInSweden } from '../domain/calendar.js';
import { TREND_DAYS } from '../api/picture/trends.js';
import { phaseProgress } from './progress.js';
import { portFromEnv, startServer } from './serve.js';
import { cliLang, cliTexts } from './messages.js';
import type { MessageLanguage } from '../ingest/messages.js';

/** How many of a persona's location codes the demo prints: enough to write a first report. */
export const PERSONA_LOCATION_CODES = 3;

/**
 * Per demo persona: its token, role and who it is, then its organisation's code and name and a few of
 * its location codes (what a report of that persona names), so a first report can be written at once.
 */
export async function personaLines(db: Db, lang: MessageLanguage = cliLang()): Promise<string[]> {
  const x = cliTexts(lang);
  const codes = [...new Set(DEMO_PERSONAS.map((p) => p.organisationCode))];
  const organisations = await db
    .selectFrom('organisation')
    .select(['id', 'code', 'name'])
    .where('code', 'in', codes)
    .execute();
  const lines: string[] = [];
  const width = Math.max(...DEMO_PERSONAS.map((p) => p.token.length));
  for (const p of DEMO_PERSONAS) {
    lines.push(
      `  ${p.token.padEnd(width)}  ${p.role.padEnd(11)}  ${lang === 'sv' ? p.personaSv : p.personaEn}`,
    );
    const org = organisations.find((o) => o.code === p.organisationCode);
    if (org === undefined) continue;
    const locations = await db
      .selectFrom('location')
      .select('code')
      .where('organisation_id', '=', org.id)
      .where('closed_on', 'is', null)
      .orderBy('code')
      .limit(PERSONA_LOCATION_CODES + 1)
      .execute();
    const shown = locations.slice(0, PERSONA_LOCATION_CODES).map((l) => l.code);
    const more = locations.length > PERSONA_LOCATION_CODES ? ' …' : '';
    lines.push(
      `  ${''.padEnd(width)}  ${x.personaOrganisation(org.code, org.name)}; ` +
        (shown.length === 0 ? x.personaNoLocations : x.personaLocations(`${shown.join(', ')}${more}`)),
    );
  }
  return lines;
}

/**
 * `beredskap demo`: an embedded database in .data/demo (or DATABASE_URL), migrated and loaded with
 * synthetic Sweden on first run, then the API and dashboard. Prints the URL and the demo tokens.
 */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('start the demo: embedded database, synthetic Sweden, API and dashboard')
    .option('--scale <n>', 'size of synthetic Sweden (1 = national pharmacies, 2,000 packages)', '1')
    .option('--seed <n>', 'random seed', '42')
    .option('--fresh', 'delete the demo database first')
    .action(async (opts: { scale: string; seed: string; fresh?: boolean }) => {
      const databaseUrl = process.env.DATABASE_URL;
      const dataDir = process.env.BEREDSKAP_DATA_DIR ?? '.data/demo';
      // --fresh empties the folder under its lock: never while another process uses it.
      const store = await openStore({ databaseUrl, dataDir, fresh: opts.fresh === true });
      await migrateToLatest(store.db);
      const x = cliTexts();
      const region = await store.db.selectFrom('region').select('code').limit(1).executeTakeFirst();
      if (!region) {
        const today = calendarDateInSweden(new Date());
        console.error(x.demoGenerating(opts.scale, opts.seed, today));
        const progress = phaseProgress(x.phases);
        const started = Date.now();
        try {
          await loadSweden(
            store,
            { scale: Number(opts.scale), seed: Number(opts.seed), today },
            progress.update,
          );
          // The situational picture of today, and its stock history back over the generator's earlier
          // counts (a server refreshes it once a day from then on).
          progress.update({ phase: 'picture', done: 0, total: 2 });
          await refreshPicture(store, { today });
          progress.update({ phase: 'picture', done: 1, total: 2 });
          // The days the generated counts change (data/stock.ts: the earliest are 91 days old), over
          // the TREND_DAYS the product page's coverage over time shows.
          await backfillStockHistory(store, historyDays(today, TREND_DAYS));
          progress.update({ phase: 'picture', done: 2, total: 2 });
        } finally {
          progress.stop();
        }
        console.error(x.demoDone(((Date.now() - started) / 1000).toFixed(1)));
      } else {
        console.error(x.demoExisting(databaseUrl ? 'PostgreSQL' : dataDir));
      }
      const { url } = await startServer(store, portFromEnv(), { pictureFirst: true });
      console.log(`\n${x.demoRunning(url)}\n`);
      console.log(x.demoTokens);
      for (const line of await personaLines(store.db)) console.log(line);
      console.log(`\n${x.demoQuit}`);
    });
}
