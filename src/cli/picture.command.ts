import type { Command } from 'commander';
import { calendarDateInSweden } from '../domain/calendar.js';
import { openStore, storeOptionsFromEnv } from '../store/database.js';
import { migrateToLatest } from '../store/migrate.js';
import { refreshPicture } from '../store/picture/refresh.js';

/**
 * `beredskap picture refresh [--today YYYY-MM-DD] [--full]`: recompute the situational picture's
 * maintained aggregates (docs/lagesbild.md). Run after loading data, and when the day changes.
 */
export function registerPictureCommand(program: Command): void {
  const picture = program.command('picture').description('the national situational picture');
  picture
    .command('refresh')
    .description('recompute the maintained aggregates (full on a new day or with --full)')
    .option('--today <date>', 'the day the picture describes (default: today in Sweden)')
    .option('--full', 'rebuild everything')
    .action(async (options: { today?: string; full?: boolean }) => {
      const store = await openStore(storeOptionsFromEnv());
      try {
        await migrateToLatest(store.db);
        const result = await refreshPicture(store, {
          today: options.today ?? calendarDateInSweden(new Date()),
          ...(options.full === true ? { full: true } : {}),
        });
        console.log(
          `picture ${result.mode} refresh for ${result.today} (${result.reason ?? 'incremental'}): ` +
            `${result.packages} packages in ${(result.milliseconds / 1000).toFixed(1)} s`,
        );
      } finally {
        await store.close();
      }
    });
}
