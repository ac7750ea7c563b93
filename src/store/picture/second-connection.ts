import { sql } from 'kysely';
import type { Db, Store } from '../database.js';
import { type LocationFacts } from './stock.js';

/**
 * A second connection for the work a refresh can split (PostgreSQL; PGlite has one connection): the
 * refresh's own (Store.refresh), never one of the pool that serves requests, which readers can hold.
 */
export function helperOf(store: Store): Db | null {
  return store.refresh.helper;
}

/**
 * The locations in `parts` lists of about equal work, whole regions each (so that each part can
 * write its regions' items), largest first onto the lightest part. A region weighs its locations'
 * lines (and one per location) plus `perRegion`, the work of its items in lines.
 */
export function splitByLines(
  facts: readonly LocationFacts[],
  parts: number,
  perRegion = 0,
  /** Work the first part has besides its regions, in lines. */
  firstExtra = 0,
): LocationFacts[][] {
  const regions = new Map<string, { lines: number; facts: LocationFacts[] }>();
  for (const f of facts) {
    const region = regions.get(f.region_code) ?? { lines: perRegion, facts: [] };
    region.lines += f.lines + 1;
    region.facts.push(f);
    regions.set(f.region_code, region);
  }
  const out = Array.from({ length: parts }, (_, i) => ({
    lines: i === 0 ? firstExtra : 0,
    facts: [] as LocationFacts[],
  }));
  for (const region of [...regions.values()].sort((a, b) => b.lines - a.lines)) {
    const lightest = out.reduce((min, p) => (p.lines < min.lines ? p : min));
    lightest.lines += region.lines;
    lightest.facts.push(...region.facts);
  }
  return out.map((p) => p.facts);
}

/**
 * Runs `fn` on a connection of its own, in a transaction that reads in the snapshot `snapshotId`
 * exported by the refresh's transaction (or its own, when null), and commits it.
 */
export async function inHelperTransaction(
  helper: Db,
  snapshotId: string | null,
  fn: (conn: Db) => Promise<void>,
): Promise<void> {
  if (snapshotId !== null && !/^[0-9A-F-]+$/i.test(snapshotId)) {
    throw new Error(`unexpected snapshot id ${snapshotId}`);
  }
  await helper.connection().execute(async (conn) => {
    await sql`BEGIN ISOLATION LEVEL REPEATABLE READ`.execute(conn);
    try {
      if (snapshotId !== null) await sql.raw(`SET TRANSACTION SNAPSHOT '${snapshotId}'`).execute(conn);
      await sql`SET LOCAL work_mem = '256MB'`.execute(conn);
      await sql`SET LOCAL jit = off`.execute(conn);
      await fn(conn);
      await sql`COMMIT`.execute(conn);
    } catch (e) {
      await sql`ROLLBACK`.execute(conn).catch(() => undefined);
      throw e;
    }
  });
}
