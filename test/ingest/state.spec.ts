import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors.js';
import type { Reporter } from '../../src/domain/report.js';
import { toInventoryReport } from '../../src/ingest/fhir.js';
import { openStore, type Store } from '../../src/store/database.js';
import {
  currentStockBatchesOfLocation,
  currentStockOfLocation,
  currentStockOfPackage,
  expectedDeliveries,
} from '../../src/store/report-facts.repository.js';
import { buildLocation, buildPackage } from '../support/builders.js';
import { describeEach, testBackends } from '../support/databases.js';
import { seedMinimal, type MinimalSeed } from '../support/seed.js';
import { chunked, ingest, refusal, reporterOf } from './helpers.js';

const HEADER = 'location,package,quantity,batch,expiry,stock_level,counted_at';
let serial = 0;

/** All or nothing, receipts and idempotency, and the current state that reports build. */
describeEach(testBackends())('report receipts and current state on $name', (backend) => {
  let store: Store;
  let seed: MinimalSeed;
  let apo: Reporter;

  beforeAll(async () => {
    store = await backend.open();
    seed = await seedMinimal(store.db);
    apo = await reporterOf(store, 'APO');
  });
  afterAll(() => store.close());

  /** A pharmacy of APO of its own, so that each test's stock is its own. */
  const newPharmacy = async () => {
    const code = `SE-APO-9${String(++serial).padStart(3, '0')}`;
    await buildLocation(store.db, seed.orgs.pharmacy, { code, regionCode: '01' });
    const id = (
      await store.db.selectFrom('location').select('id').where('code', '=', code).executeTakeFirstOrThrow()
    ).id;
    return { code, id };
  };
  const count = async (table: 'stock_line' | 'report' | 'stock_snapshot') =>
    Number(
      (
        await store.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('stores nothing of a report with one bad line among 500 good ones (all or nothing)', async () => {
    const { code } = await newPharmacy();
    const good = Array.from(
      { length: 500 },
      (_, i) => `${code},20000000000011,${i},LOT-${i},2027-01-01,1,2026-03-01T06:00:00+01:00`,
    );
    const csv = [HEADER, ...good, `${code},20000000000028,-1,,,1,2026-03-01T06:00:00+01:00`].join('\n');
    const [lines, snapshots] = [await count('stock_line'), await count('stock_snapshot')];
    const err = await refusal(ingest(store, apo, 'stock_snapshot', 'csv', csv));
    expect(err.problems).toEqual([expect.objectContaining({ at: 502, field: 'quantity' })]);
    expect(await count('stock_line')).toBe(lines);
    expect(await count('stock_snapshot')).toBe(snapshots);
    const id = Number(/^report (\d+)/.exec(err.message)![1]);
    const rejected = await store.db
      .selectFrom('report')
      .select(['status', 'line_count', 'problem_count'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(rejected).toEqual({ status: 'rejected', line_count: 501, problem_count: 1 });
  });

  it('answers the same content with the same receipt and counts it once', async () => {
    const { code, id } = await newPharmacy();
    const csv = `${HEADER}\n${code},20000000000011,10,,,1,2026-03-01T06:00:00+01:00\n`;
    const first = await ingest(store, apo, 'stock_snapshot', 'csv', csv);
    const lines = await count('stock_line');
    const again = await ingest(store, apo, 'stock_snapshot', 'csv', csv);
    const streamed = await ingest(store, apo, 'stock_snapshot', 'csv', chunked(csv));
    expect(again).toEqual({ ...first, replayed: true });
    expect(streamed).toEqual({ ...first, replayed: true });
    expect(await count('stock_line')).toBe(lines);
    expect(await currentStockOfLocation(store.db, id)).toEqual([expect.objectContaining({ quantity: 10 })]);
  });

  it('answers the same client reference with the same receipt, and refuses it for different content', async () => {
    const { code } = await newPharmacy();
    const csv = `${HEADER}\n${code},20000000000011,10,,,1,2026-03-01T06:00:00+01:00\n`;
    const first = await ingest(store, apo, 'stock_snapshot', 'csv', csv, { clientRef: `ref-${code}` });
    expect(first.clientRef).toBe(`ref-${code}`);
    expect(
      await ingest(store, apo, 'stock_snapshot', 'csv', csv, { clientRef: `ref-${code}` }),
    ).toMatchObject({ id: first.id, replayed: true });
    const other = csv.replace(',10,', ',11,');
    for (const body of [other, chunked(other)]) {
      const err = await ingest(store, apo, 'stock_snapshot', 'csv', body, { clientRef: `ref-${code}` }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).kind).toBe('conflict');
      expect((err as AppError).message).toMatch(
        new RegExp(`already used for report ${first.id} with different content`),
      );
    }
  });

  it('lets a corrected report reuse the client reference of a refused one', async () => {
    const { code } = await newPharmacy();
    await refusal(
      ingest(
        store,
        apo,
        'stock_snapshot',
        'csv',
        `${HEADER}\n${code},20000000000011,-1,,,1,2026-03-01T06:00:00+01:00\n`,
        { clientRef: `fix-${code}` },
      ),
    );
    const fixed = await ingest(
      store,
      apo,
      'stock_snapshot',
      'csv',
      `${HEADER}\n${code},20000000000011,1,,,1,2026-03-01T06:00:00+01:00\n`,
      { clientRef: `fix-${code}` },
    );
    expect(fixed).toMatchObject({ status: 'accepted', clientRef: `fix-${code}`, replayed: false });
  });

  it('gives two identical reports sent at the same moment one receipt, and counts the lines once', async () => {
    const { code, id } = await newPharmacy();
    const lines = Array.from(
      { length: 300 },
      (_, i) => `${code},20000000000011,${i + 1},L${i},,1,2026-03-01T06:00:00+01:00`,
    );
    const csv = [HEADER, ...lines].join('\n');
    const before = await count('stock_line');
    // Whole bodies (checksum known up front) and streams (checksum known at the end) at once
    const receipts = await Promise.all([
      ingest(store, apo, 'stock_snapshot', 'csv', csv),
      ingest(store, apo, 'stock_snapshot', 'csv', csv),
      ingest(store, apo, 'stock_snapshot', 'csv', chunked(csv, 4096)),
      ingest(store, apo, 'stock_snapshot', 'csv', chunked(csv, 4096)),
    ]);
    expect(new Set(receipts.map((r) => r.id)).size).toBe(1);
    expect(receipts.filter((r) => !r.replayed)).toHaveLength(1);
    expect(await count('stock_line')).toBe(before + 300);
    const total = (await currentStockOfLocation(store.db, id))[0]!.quantity;
    expect(total).toBe((300 * 301) / 2);
    const accepted = await store.db
      .selectFrom('report')
      .select('id')
      .where('content_sha256', '=', receipts[0].contentSha256)
      .where('status', '=', 'accepted')
      .execute();
    expect(accepted).toHaveLength(1);
  });

  it('lets a newer snapshot supersede an older one for current stock and keeps the history', async () => {
    const { code, id } = await newPharmacy();
    const snap = (t: string, rows: string[]) =>
      ingest(
        store,
        apo,
        'stock_snapshot',
        'csv',
        [HEADER, ...rows.map((r) => `${code},${r},${t}`)].join('\n'),
      );
    await snap('2026-02-27T06:00:00+01:00', ['20000000000011,10,,,1']);
    await snap('2026-02-28T06:00:00+01:00', ['20000000000011,7,,,1', '20000000000028,3,A1,2026-12-31,2']);
    // an older count that arrives late does not replace the newer one
    await snap('2026-02-26T06:00:00+01:00', ['20000000000011,99,,,1']);
    expect((await currentStockOfLocation(store.db, id)).map((r) => [r.npl_pack_id, r.quantity])).toEqual([
      ['20000000000011', 7],
      ['20000000000028', 3],
    ]);
    expect(await currentStockBatchesOfLocation(store.db, id)).toEqual([
      expect.objectContaining({ npl_pack_id: '20000000000011', batch: null, stock_level: 1, quantity: 7 }),
      expect.objectContaining({
        npl_pack_id: '20000000000028',
        batch: 'A1',
        expiry: '2026-12-31',
        stock_level: 2,
        quantity: 3,
      }),
    ]);
    const history = await store.db
      .selectFrom('stock_snapshot')
      .select(['line_count'])
      .where('location_id', '=', id)
      .orderBy('counted_at')
      .execute();
    expect(history.map((h) => h.line_count)).toEqual([1, 1, 2]);
  });

  it('adds later differences to the current snapshot and keeps earlier ones as history only, with a warning', async () => {
    const { code, id } = await newPharmacy();
    await ingest(
      store,
      apo,
      'stock_snapshot',
      'csv',
      `${HEADER}\n${code},20000000000011,100,B1,,1,2026-03-01T06:00:00+01:00\n`,
    );
    const later = await ingest(
      store,
      apo,
      'stock_difference',
      'csv',
      `${HEADER}\n${code},20000000000011,-30,B1,,1,2026-03-01T12:00:00+01:00\n${code},20000000000011,20,B2,,1,2026-03-01T12:00:00+01:00\n`,
    );
    expect(later.warnings).toEqual([]);
    const earlier = await ingest(
      store,
      apo,
      'stock_difference',
      'csv',
      `${HEADER}\n${code},20000000000011,-5,B1,,1,2026-03-01T05:00:00+01:00\n`,
    );
    expect(earlier.warnings).toEqual([
      expect.objectContaining({
        message: expect.stringContaining(
          `1 change at location ${code} were counted before its current snapshot`,
        ),
      }),
    ]);
    const batches = await currentStockBatchesOfLocation(store.db, id);
    expect(batches.map((b) => [b.batch, b.quantity])).toEqual([
      ['B1', 70],
      ['B2', 20],
    ]);
    expect((await currentStockOfLocation(store.db, id))[0]!.quantity).toBe(90);
    const national = await currentStockOfPackage(store.db, seed.packages.paracetamol);
    expect(national.find((r) => r.code === code)).toMatchObject({ quantity: 90, region_code: '01' });
  });

  it('reads current stock back as a FHIR InventoryReport that goes in again as the same stock', async () => {
    const { code, id } = await newPharmacy();
    await ingest(
      store,
      apo,
      'stock_snapshot',
      'csv',
      `${HEADER}\n${code},20000000000011,12,B1,2027-05-31,1,2026-03-01T06:00:00+01:00\n${code},20000000000035,4,,,3,2026-03-01T06:00:00+01:00\n`,
    );
    const rows = await currentStockBatchesOfLocation(store.db, id);
    const report = toInventoryReport(
      { code, gln: null, name: 'x' },
      new Date('2026-03-01T08:00:00Z'),
      rows.map((r) => ({
        nplPackId: r.npl_pack_id,
        gtin: r.gtin,
        name: r.name,
        batch: r.batch,
        expiry: r.expiry,
        stockLevel: r.stock_level,
        quantity: r.quantity,
      })),
      new Date('2026-03-01T08:00:00Z'),
    );
    expect(report).toMatchObject({
      resourceType: 'InventoryReport',
      status: 'active',
      countType: 'snapshot',
    });
    expect(report.contained).toEqual([
      expect.objectContaining({
        resourceType: 'InventoryItem',
        instance: { lotNumber: 'B1', expiry: '2027-05-31' },
      }),
    ]);
    const receipt = await ingest(store, apo, undefined, 'fhir', JSON.stringify(report));
    expect(receipt).toMatchObject({ kind: 'stock_snapshot', lineCount: 2 });
    const again = await currentStockBatchesOfLocation(store.db, id);
    expect(again.map(({ as_of: _, ...r }) => r)).toEqual(rows.map(({ as_of: _, ...r }) => r));
    expect(new Date(again[0]!.as_of).toISOString()).toBe('2026-03-01T08:00:00.000Z');
  });

  it('knows a package added after the previous report (the cached catalogue is reloaded)', async () => {
    const { code } = await newPharmacy();
    await ingest(
      store,
      apo,
      'stock_snapshot',
      'csv',
      `${HEADER}\n${code},20000000000011,1,,,1,2026-03-01T06:00:00+01:00\n`,
    );
    await buildPackage(store.db, seed.orgs.companyA, { nplPackId: '20000000009999' });
    const receipt = await ingest(
      store,
      apo,
      'stock_snapshot',
      'csv',
      `${HEADER}\n${code},20000000009999,1,,,1,2026-03-01T07:00:00+01:00\n`,
    );
    expect(receipt.status).toBe('accepted');
  });

  it('refuses a report whose package was deleted after the codes were read, rather than store a dangling line', async () => {
    const { code } = await newPharmacy();
    const doomed = await buildPackage(store.db, seed.orgs.companyA, { nplPackId: '20000000008888' });
    await buildPackage(store.db, seed.orgs.companyA, { nplPackId: '20000000008889' });
    await ingest(
      store,
      apo,
      'stock_snapshot',
      'csv',
      `${HEADER}\n${code},20000000008889,1,,,1,2026-03-01T06:00:00+01:00\n`,
    );
    // the catalogue is cached now; the package goes (the highest id stays, so the cache is not reloaded)
    const medicine = await store.db
      .selectFrom('package')
      .select('medicine_id')
      .where('id', '=', doomed)
      .executeTakeFirstOrThrow();
    await store.db.deleteFrom('package').where('id', '=', doomed).execute();
    await store.db.deleteFrom('medicine').where('id', '=', medicine.medicine_id).execute();
    const err = await ingest(
      store,
      apo,
      'stock_snapshot',
      'csv',
      `${HEADER}\n${code},20000000008888,1,,,1,2026-03-01T07:00:00+01:00\n`,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).kind).toBe('conflict');
    expect(
      await store.db.selectFrom('stock_line').select('package_id').where('package_id', '=', doomed).execute(),
    ).toEqual([]);
  });

  it.runIf(backend.name === 'postgres')(
    'ingests the same way as a role that is not a superuser (per-row foreign-key checks)',
    async () => {
      const role = `beredskap_app_${process.pid}_${++serial}`;
      const database = (await sql<{ db: string }>`SELECT current_database() AS db`.execute(store.db)).rows[0]!
        .db;
      await sql.raw(`CREATE ROLE ${role} LOGIN`).execute(store.db);
      await sql
        .raw(
          `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}; GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ${role}`,
        )
        .execute(store.db);
      const url = new URL(process.env.TEST_DATABASE_URL!);
      url.username = role;
      url.pathname = `/${database}`;
      const app = await openStore({ databaseUrl: url.toString() });
      try {
        const { code, id } = await newPharmacy();
        const receipt = await ingest(
          app,
          apo,
          'stock_snapshot',
          'csv',
          `${HEADER}\n${code},20000000000011,5,L1,,1,2026-03-01T06:00:00+01:00\n${code},20000000000028,6,,,1,2026-03-01T06:00:00+01:00\n`,
        );
        expect(receipt.summary).toEqual({ locations: 1, lines: 2 });
        expect((await currentStockOfLocation(store.db, id)).map((r) => r.quantity)).toEqual([5, 6]);
      } finally {
        await app.close();
        await sql.raw(`DROP OWNED BY ${role}; DROP ROLE ${role}`).execute(store.db);
      }
    },
  );

  it('takes a newer delivery plan as the plan for its packages', async () => {
    const coA = await reporterOf(store, 'CO-A');
    await ingest(
      store,
      coA,
      'expected_delivery',
      'csv',
      'package,quantity,expected_on\n20000000000028,100,2026-05-01\n20000000000028,100,2026-06-01\n',
    );
    await ingest(
      store,
      coA,
      'expected_delivery',
      'csv',
      'package,quantity,expected_on\n20000000000028,250,2026-05-15\n',
    );
    const plan = await expectedDeliveries(store.db, '2026-04-01', seed.packages.amoxicillin);
    expect(plan.map((p) => [p.expected_on, p.quantity])).toEqual([['2026-05-15', 250]]);
    await ingest(
      store,
      coA,
      'expected_delivery',
      'csv',
      'package,quantity,expected_on\n20000000000028,0,2026-05-15\n',
    );
    expect(await expectedDeliveries(store.db, '2026-04-01', seed.packages.amoxicillin)).toEqual([]);
  });
});
