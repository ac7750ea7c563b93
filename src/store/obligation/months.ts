import { sql } from 'kysely';
import { addCalendarMonths } from '../../domain/calendar.js';
import type { Db } from '../database.js';
import { supervisionToday } from '../supervision.repository.js';
import { obligationSalesMonths, packagesOnList } from './basis.js';
import { scheduledRevision } from './revisions.js';

/*
 * Issue 12 item 10: the monthly sales an obligation's basis reads (obligation_sales_month, 0022) are
 * kept ahead, so that the first calculation of a year, a revision or a what-if does not read a year of
 * daily sales rows first. The server does this after each refresh of the picture (src/cli/serve.ts), a
 * few packages per transaction so that writers of sales wait seconds at most (they take the shared
 * side of SALES_MONTHS_LOCK); a month is forgotten only where new sales land (recordSalesExtent), which
 * for daily reports is the current month, never a closed basis month.
 */

/**
 * How many closed calendar months before today's month are kept: 24 covers the basis of this year's
 * and next year's obligations (12 months before a cut-off in the autumn) and the rolling 12 months a
 * revision compares with. Ours, a named parameter.
 */
export const SALES_MONTHS_KEPT = 24;

/** Packages computed per transaction (ours: a few seconds of work at national scale). */
export const KEEP_CHUNK_PACKAGES = 250;

export interface KeptMonths {
  /** Packages on the prioritised list in force today. */
  packages: number;
  /** The closed months kept, first to last. */
  from: string;
  to: string;
  /** Package-months that were missing and are now kept. */
  computed: number;
}

/**
 * Computes and keeps every missing month of the last SALES_MONTHS_KEPT closed months for the packages
 * on the list in force on `today`. Months already kept are not read again; returns what was done.
 */
export async function keepSalesMonths(
  db: Db,
  today: string,
  onProgress?: (done: number, total: number) => void,
): Promise<KeptMonths> {
  const { packageIds } = await packagesOnList(db, today);
  const thisMonth = `${today.slice(0, 7)}-01`;
  const months = Array.from({ length: SALES_MONTHS_KEPT }, (_, i) =>
    addCalendarMonths(thisMonth, i - SALES_MONTHS_KEPT),
  );
  const from = months[0]!;
  const to = months[months.length - 1]!;
  if (packageIds.length === 0) return { packages: 0, from, to, computed: 0 };
  // The packages with a month missing, read once (the kept rows are one index range per package).
  const { rows } = await sql<{ package_id: string; kept: string }>`
    SELECT p.id AS package_id, count(m.month) AS kept
    FROM unnest(${packageIds}::bigint[]) AS p(id)
    LEFT JOIN obligation_sales_month m ON m.package_id = p.id AND m.month >= ${from}::date AND m.month <= ${to}::date
    GROUP BY p.id`.execute(db);
  const incomplete = rows
    .filter((r) => Number(r.kept) < months.length)
    .map((r) => Number(r.package_id))
    .sort((a, b) => a - b);
  const keptOf = new Map(rows.map((r) => [Number(r.package_id), Number(r.kept)]));
  let computed = 0;
  for (let i = 0; i < incomplete.length; i += KEEP_CHUNK_PACKAGES) {
    const chunk = incomplete.slice(i, i + KEEP_CHUNK_PACKAGES);
    const before = chunk.reduce((n, id) => n + (keptOf.get(id) ?? 0), 0);
    await db.transaction().execute((trx) => obligationSalesMonths(trx, chunk, months));
    computed += chunk.length * months.length - before;
    onProgress?.(Math.min(i + KEEP_CHUNK_PACKAGES, incomplete.length), incomplete.length);
  }
  return { packages: packageIds.length, from, to, computed };
}

let keeping: Promise<void> | null = null;

/**
 * After a refresh of the picture (src/cli/serve.ts), in the background: keeps the months for the
 * picture's day, then runs the month's revision test (scheduledRevision) on them. One run at a time (a
 * refresh during a run is covered by the next one's check).
 */
export function keepSalesMonthsAfterRefresh(db: Db, log: (message: string) => void): void {
  if (keeping !== null) return;
  keeping = (async () => {
    const day = await supervisionToday(db);
    const kept = await keepSalesMonths(db, day);
    if (kept.computed > 0)
      log(`skyldighet: ${kept.computed} package-months of sales kept (${kept.from} … ${kept.to})`);
    const revised = await scheduledRevision(db, day);
    if (revised !== null && revised.length > 0)
      log(`skyldighet: ${revised.length} obligations due for revision (±25 %), awaiting Läkemedelsverket`);
  })()
    .catch((err: unknown) => log(`skyldighet: monthly sales or revision not done: ${String(err)}`))
    .finally(() => {
      keeping = null;
    });
}
