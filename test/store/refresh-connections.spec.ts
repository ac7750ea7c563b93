import { sql } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { REFRESH_INTERRUPTED, type Store } from '../../src/store/database.js';
import { describeEach, testBackends } from '../support/databases.js';

const timeout = <T>(what: string, p: Promise<T>, ms: number): Promise<T> =>
  Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)),
  ]);

/** The refresh's own connections (Store.refresh; issue 8 item 8). */
describeEach(testBackends())('the refresh’s connections on $name', (backend) => {
  const stores: Store[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
  });
  const open = async () => {
    const store = await backend.open();
    stores.push(store);
    await sql`CREATE TABLE scratch (n integer)`.execute(store.db);
    return store;
  };

  it.skipIf(backend.name !== 'postgres')(
    'runs a refresh and its second connection while every connection of the request pool is held',
    { timeout: 30_000 },
    async () => {
      const store = await open();
      // Ten readers hold the request pool's ten connections.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let holding = 0;
      const readers = Array.from({ length: 10 }, () =>
        store.db.connection().execute(async (conn) => {
          await sql`SELECT 1`.execute(conn);
          holding++;
          await held;
        }),
      );
      while (holding < 10) await new Promise((resolve) => setTimeout(resolve, 10));

      try {
        const result = await timeout(
          'the refresh',
          store.refresh.transaction(async (trx) => {
            await sql`INSERT INTO scratch VALUES (1)`.execute(trx);
            const other = await sql<{ n: number }>`SELECT 2 AS n`.execute(store.refresh.helper!);
            return other.rows[0]!.n;
          }),
          5_000,
        );
        expect(result).toBe(2);
      } finally {
        release();
        await Promise.all(readers);
      }
      const rows = await sql<{ n: number }>`SELECT n FROM scratch`.execute(store.db);
      expect(rows.rows).toEqual([{ n: 1 }]);
    },
  );

  it('interrupts a refresh under way: it fails at once, changes nothing, and no new one starts; readers go on', async () => {
    const store = await open();
    let started!: () => void;
    const inside = new Promise<void>((resolve) => (started = resolve));
    const refresh = store.refresh.transaction(async (trx) => {
      await sql`INSERT INTO scratch VALUES (1)`.execute(trx);
      started();
      // PostgreSQL: a statement that would run for a minute; PGlite: work between two statements.
      if (store.backend === 'postgres') await sql`SELECT pg_sleep(60)`.execute(trx);
      else await new Promise((resolve) => setTimeout(resolve, 200));
      await sql`INSERT INTO scratch VALUES (2)`.execute(trx);
    });
    const outcome = refresh.then(
      () => 'committed',
      () => 'failed',
    );
    await inside;
    const t0 = performance.now();
    await store.refresh.interrupt();
    expect(await timeout('the interrupted refresh', outcome, 5_000)).toBe('failed');
    expect(performance.now() - t0).toBeLessThan(5_000);

    await expect(store.refresh.transaction(() => Promise.resolve('again'))).rejects.toThrow(
      REFRESH_INTERRUPTED,
    );
    const rows = await sql<{ n: number }>`SELECT count(*)::int AS n FROM scratch`.execute(store.db);
    expect(rows.rows[0]!.n).toBe(0);
  });
});
