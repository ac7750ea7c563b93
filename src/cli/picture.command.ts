import type { Command } from 'commander';
import { calendarDateInSweden } from '../domain/calendar.js';
import { openStore, storeOptionsFromEnv } from '../store/database.js';
import { migrateToLatest } from '../store/migrate.js';
import { addDays } from '../domain/calendar.js';
import { AppError } from '../domain/errors.js';
import { backfillStockHistory, refreshPicture } from '../store/picture/refresh.js';
import { cliTexts } from './messages.js';

/**
 * `beredskap picture refresh [--today YYYY-MM-DD] [--full]`: recompute the situational picture's
 * maintained aggregates (docs/lagesbild.md). Run after loading data, and when the day changes.
 * `beredskap picture history --days N`: rebuild the stock history's last N days from the snapshots.
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
          cliTexts().pictureRefreshed(
            result.mode,
            result.today,
            result.reason,
            result.packages,
            (result.milliseconds / 1000).toFixed(1),
          ),
        );
      } finally {
        await store.close();
      }
    });
  picture
    .command('history')
    .description(
      'rebuild the stock history of the last N days from the snapshots, and the coverage history per ' +
        'area where no refresh recorded it (everyday stock only; migration 0008 emptied a history ' +
        'that counted the reserve)',
    )
    .requiredOption('--days <n>', 'how many days before today')
    .option('--today <date>', 'the day the picture describes (default: today in Sweden)')
    .action(async (options: { days: string; today?: string }) => {
      const days = Number(options.days);
      if (!Number.isInteger(days) || days < 1 || days > 3660) {
        throw AppError.invalid(cliTexts().daysInvalid(options.days));
      }
      const today = options.today ?? calendarDateInSweden(new Date());
      const store = await openStore(storeOptionsFromEnv());
      try {
        await migrateToLatest(store.db);
        await backfillStockHistory(
          store,
          Array.from({ length: days }, (_, i) => addDays(today, i - days)),
        );
        console.log(cliTexts().historyRebuilt(days, today));
      } finally {
        await store.close();
      }
    });
}
