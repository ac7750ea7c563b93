import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Store } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { buildOrganisation, buildPackage, buildRegion } from '../support/builders.js';
import { describeEach, testBackends } from '../support/databases.js';

describeEach(testBackends())('store on $name', (backend) => {
  let store: Store;
  let companyId: number;
  let packageId: number;

  beforeAll(async () => {
    store = await backend.open();
    await buildRegion(store.db, { code: '01' });
    companyId = await buildOrganisation(store.db, { kind: 'company' });
    packageId = await buildPackage(store.db, companyId, { packSize: 28 });
  });
  afterAll(() => store.close());

  it('migrates idempotently: a second run applies nothing', async () => {
    expect(await migrateToLatest(store.db)).toEqual([]);
  });

  it('logs every fact and leaves only the derived picture tables unlogged (rebuilt after a crash)', async () => {
    const tables = await sql<{ relname: string; relpersistence: string }>`
      SELECT c.relname, c.relpersistence FROM pg_class c
      WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace
        AND c.relname NOT LIKE 'kysely_%'
      ORDER BY c.relname`.execute(store.db);
    const unlogged = tables.rows.filter((t) => t.relpersistence === 'u').map((t) => t.relname);
    expect(unlogged).toEqual([
      'picture_count',
      'picture_demand',
      'picture_item',
      'picture_item_part',
      'picture_location_freshness',
      'picture_location_state',
      'picture_product',
      'picture_region_window',
      'picture_sales_month',
      'picture_state',
      'picture_stock',
      'picture_stock_expiry',
      'picture_stock_expiry_part',
      'picture_stock_part',
      'picture_wholesale_expiry',
      'picture_wholesale_expiry_part',
      'picture_wholesale_stock',
      'picture_wholesale_stock_part',
    ]);
    const logged = tables.rows.filter((t) => t.relpersistence === 'p').map((t) => t.relname);
    expect(logged).toEqual(
      expect.arrayContaining([
        'stock_line',
        'sales',
        'report',
        'picture_stock_history',
        'location_service_area',
      ]),
    );
  });

  it('returns ids and numerics as numbers and dates as YYYY-MM-DD strings', async () => {
    const row = await store.db
      .selectFrom('package')
      .select(['id', 'pack_size'])
      .where('id', '=', packageId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ id: packageId, pack_size: 28 });
    const region = await store.db.selectFrom('region').select('population_date').executeTakeFirstOrThrow();
    expect(region.population_date).toBe('2023-08-31');
  });

  it('keeps the audit log append-only', async () => {
    await store.db
      .insertInto('audit_log')
      .values({ action: 'test.write', entity: 'test', detail: '{"a":1}' })
      .execute();
    await expect(sql`update audit_log set action = 'changed'`.execute(store.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`delete from audit_log`.execute(store.db)).rejects.toThrow(/append-only/);
    const rows = await store.db.selectFrom('audit_log').select(['action', 'detail']).execute();
    expect(rows).toEqual([{ action: 'test.write', detail: { a: 1 } }]);
  });

  it('bulk-loads with COPY inside a transaction and counts the rows', async () => {
    const report = await store.db
      .insertInto('report')
      .values({ kind: 'synthetic', organisation_id: companyId, content_sha256: 'a', format: 'generator' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const rows = Array.from(
      { length: 1000 },
      (_, i) =>
        `2026-11-${String((i % 20) + 1).padStart(2, '0')},1,01,,${packageId},${i + 0.5},,,community_dispensing,${report.id}\n`,
    );
    const copied = await store.bulkTransaction((_trx, copy) =>
      copy(
        'sales',
        [
          'period_start',
          'period_days',
          'region_code',
          'location_id',
          'package_id',
          'quantity',
          'age_band',
          'sex',
          'channel',
          'report_id',
        ],
        rows,
      ),
    );
    expect(copied).toBe(1000);
    const sum = await store.db
      .selectFrom('sales')
      .select((eb) => eb.fn.sum<number>('quantity').as('q'))
      .executeTakeFirstOrThrow();
    // sum of (i + 0.5) for i = 0..999 = 999*1000/2 + 500 = 500000
    expect(Number(sum.q)).toBe(500_000);
  });

  it('rolls back everything, COPY included, when the transaction fails', async () => {
    const before = await store.db
      .selectFrom('sales')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const report = await store.db
      .insertInto('report')
      .values({ kind: 'synthetic', organisation_id: companyId, content_sha256: 'b', format: 'generator' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await expect(
      store.bulkTransaction(async (trx, copy) => {
        await trx
          .insertInto('audit_log')
          .values({ action: 'doomed', entity: 'test', detail: '{}' })
          .execute();
        await copy(
          'sales',
          ['period_start', 'period_days', 'region_code', 'package_id', 'quantity', 'channel', 'report_id'],
          [`2026-11-01,1,01,${packageId},5,community_dispensing,${report.id}\n`],
        );
        // A negative quantity violates the CHECK: the whole transaction must go.
        await copy(
          'sales',
          ['period_start', 'period_days', 'region_code', 'package_id', 'quantity', 'channel', 'report_id'],
          [`2026-11-02,1,01,${packageId},-1,community_dispensing,${report.id}\n`],
        );
      }),
    ).rejects.toThrow();
    const after = await store.db
      .selectFrom('sales')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    const doomed = await store.db
      .selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'doomed')
      .execute();
    expect(doomed).toEqual([]);
    // The store is usable after the failure.
    const ok = await sql<{ one: number }>`select 1 as one`.execute(store.db);
    expect(ok.rows[0]?.one).toBe(1);
  });

  it('serialises concurrent transactions so one request never sees another’s uncommitted rows', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const writer = store.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('audit_log')
        .values({ action: 'uncommitted', entity: 'test', detail: '{}' })
        .execute();
      await gate;
      throw new Error('abort on purpose');
    });
    const reader = store.db
      .selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'uncommitted')
      .execute();
    release();
    await expect(writer).rejects.toThrow('abort on purpose');
    expect(await reader).toEqual([]);
  });
});
