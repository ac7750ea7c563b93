import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import type { Store } from '../../src/store/database.js';
import { refreshPicture, type RefreshPictureResult } from '../../src/store/picture/refresh.js';
import { SWAP_LOCK_TIMEOUTS_MS } from '../../src/store/picture/swap.js';
import { describeEach, testBackends } from '../support/databases.js';
import { buildPictureFixture, TODAY } from '../support/picture-fixture.js';

/** What the catalogue says of every picture table: what a swap must leave as the migrations made it. */
async function pictureCatalogue(store: Store) {
  const tables = await sql<{
    name: string;
    persistence: string;
    reloptions: string[] | null;
    acl: string | null;
  }>`
    SELECT c.relname AS name, c.relpersistence AS persistence, c.reloptions, c.relacl::text AS acl
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname LIKE 'picture\\_%'
    ORDER BY c.relname`.execute(store.db);
  const columns = await sql<{
    table: string;
    column: string;
    type: string;
    notnull: boolean;
    def: string | null;
  }>`
    SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
           a.attnotnull AS notnull, pg_get_expr(d.adbin, d.adrelid) AS def
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname LIKE 'picture\\_%' AND a.attnum > 0
      AND NOT a.attisdropped
    ORDER BY c.relname, a.attnum`.execute(store.db);
  const constraints = await sql<{ table: string; name: string; def: string }>`
    SELECT c.relname AS table, k.conname AS name, pg_get_constraintdef(k.oid) AS def
    FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relname LIKE 'picture\\_%'
    ORDER BY c.relname, k.conname`.execute(store.db);
  const indexes = await sql<{ table: string; name: string; def: string }>`
    SELECT tablename AS table, indexname AS name, indexdef AS def FROM pg_indexes
    WHERE schemaname = 'public' AND tablename LIKE 'picture\\_%' ORDER BY tablename, indexname`.execute(
    store.db,
  );
  const schemas = await sql<{ name: string }>`
    SELECT nspname AS name FROM pg_namespace WHERE nspname LIKE 'picture%'`.execute(store.db);
  return {
    tables: tables.rows,
    columns: columns.rows,
    constraints: constraints.rows,
    indexes: indexes.rows,
    schemas: schemas.rows,
  };
}

describeEach(testBackends())('building the picture aside on $name', (backend) => {
  const stores: Store[] = [];
  const clients: pg.Client[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.end().catch(() => undefined);
    for (const s of stores.splice(0)) await s.close();
  });

  it('leaves every picture table as the migrations made it after a full and a stock refresh, grants kept', async () => {
    const store = await backend.open();
    stores.push(store);
    // A grant an operator might give a reporting role (PUBLIC here: roles are the cluster's).
    await sql`GRANT SELECT ON picture_item, picture_stock TO PUBLIC`.execute(store.db);
    const before = await pictureCatalogue(store);
    expect(before.indexes.map((i) => i.name)).toContain('picture_item_area_idx');
    expect(before.tables.find((t) => t.name === 'picture_item')).toMatchObject({
      persistence: 'u',
      reloptions: ['fillfactor=80'],
    });

    const f = await buildPictureFixture(store); // a full refresh
    expect(await pictureCatalogue(store)).toEqual(before);

    const stock = await refreshPicture(store, {
      today: TODAY,
      locationIds: Object.values(f.locations),
      deltaLimit: 2,
    });
    expect(stock.mode).toBe('stock');
    expect(await pictureCatalogue(store)).toEqual(before);
    expect(before.schemas).toEqual([]);
  });

  it.skipIf(backend.name !== 'postgres')(
    'gives way to a reader that holds the old tables: other readers wait at most one attempt, and the swap ends when it lets go',
    { timeout: 60_000 },
    async () => {
      const store = await backend.open();
      stores.push(store);
      await buildPictureFixture(store);
      const name = (await sql<{ name: string }>`SELECT current_database() AS name`.execute(store.db)).rows[0]!
        .name;
      const url = new URL(process.env.TEST_DATABASE_URL!);
      url.pathname = `/${name}`;
      const connect = async () => {
        const c = new pg.Client({ connectionString: url.toString() });
        clients.push(c);
        await c.connect();
        return c;
      };
      // A long reading transaction holds picture_item (ACCESS SHARE) until it ends.
      const slow = await connect();
      await slow.query('BEGIN');
      await slow.query('SELECT count(*) FROM picture_item');

      const outcome: { done: RefreshPictureResult | Error | null } = { done: null };
      void refreshPicture(store, { today: TODAY, full: true }).then(
        (r) => (outcome.done = r),
        (e: unknown) => (outcome.done = e instanceof Error ? e : new Error(String(e))),
      );
      // The refresh reaches its swap and waits for picture_item.
      const watcher = await connect();
      const deadline = Date.now() + 20_000;
      for (;;) {
        const waiting = await watcher.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_locks WHERE relation = 'public.picture_item'::regclass AND NOT granted`,
        );
        if ((waiting.rows[0]?.n ?? 0) > 0) break;
        if (Date.now() > deadline) throw new Error('the refresh never waited to swap picture_item');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }

      // Meanwhile other readers are answered, each within one attempt's lock timeout (800 ms at most).
      const reader = await connect();
      const longest = SWAP_LOCK_TIMEOUTS_MS[SWAP_LOCK_TIMEOUTS_MS.length - 1]!;
      for (let i = 0; i < 20; i++) {
        const t0 = performance.now();
        const r = await reader.query<{ n: number }>(`SELECT count(*)::int AS n FROM picture_item`);
        expect(r.rows[0]!.n).toBeGreaterThan(0);
        expect(performance.now() - t0).toBeLessThan(longest + 500);
      }
      expect(outcome.done, 'the swap waits while the slow reader holds the old table').toBeNull();

      await slow.query('COMMIT');
      const end = Date.now() + 20_000;
      while (outcome.done === null && Date.now() < end)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(outcome.done).not.toBeInstanceOf(Error);
      expect(outcome.done).toMatchObject({ mode: 'full' });
      const after = await reader.query<{ n: number }>(`SELECT count(*)::int AS n FROM picture_item`);
      expect(after.rows[0]!.n).toBeGreaterThan(0);
    },
  );
});
