import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import type { Store } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { activeNotices } from '../../src/store/report-facts.repository.js';
import { buildOrganisation, buildPackage, buildRegion } from '../support/builders.js';
import { describeEach, testBackends } from '../support/databases.js';
import { buildPictureFixture } from '../support/picture-fixture.js';
import { seedMinimal, type MinimalSeed } from '../support/seed.js';
import { ingest, reporterOf } from './helpers.js';

const HEADER = 'type,package,expected_start,expected_end,reason,alternatives,reference';
/** Paracetamol of CO-A (seedMinimal). */
const PARACETAMOL = '20000000000011';
/** Amoxicillin of CO-A (seedMinimal). */
const AMOXICILLIN = '20000000000028';

/**
 * R4 for corrections: a resend with the company's reference corrects a notice, and the two-month
 * rule counts from the first notification of the chain, not from the correction's own receipt.
 */
describeEach(testBackends())('corrections of shortage notices on $name', (backend) => {
  let store: Store;
  let seed: MinimalSeed;

  beforeAll(async () => {
    store = await backend.open();
    seed = await seedMinimal(store.db);
  });
  afterAll(() => store.close());

  const send = async (at: string, line: string) =>
    ingest(store, await reporterOf(store, 'CO-A'), 'shortage_notice', 'csv', `${HEADER}\n${line}\n`, {
      now: new Date(at),
    });
  const stored = async (reference: string) =>
    store.db
      .selectFrom('shortage_notice')
      .select(['id', 'kind', 'expected_start', 'expected_end', 'supersedes_id', 'late'])
      .where('reference', '=', reference)
      .orderBy('id')
      .execute();

  it('keeps an on-time sales stop on time through corrections sent after the deadline, back to the first notification', async () => {
    // Notified 2026-03-02 (Swedish date of 09:00Z): the earliest compliant start is 2026-05-02.
    const first = await send(
      '2026-03-02T09:00:00Z',
      `sales_stop,${PARACETAMOL},2026-05-04,,Avregistrering,,FU-77`,
    );
    expect(first).toMatchObject({ status: 'accepted', summary: { notices: 1, late: 0, corrections: 0 } });
    expect(first.warnings).toEqual([]);

    // Corrected on 2026-04-10 with an end date. From its own receipt the earliest start would be
    // 2026-06-10; from the first notification it is 2026-05-02, so 2026-05-04 is still on time.
    const second = await send(
      '2026-04-10T09:00:00Z',
      `sales_stop,${PARACETAMOL},2026-05-04,2026-06-30,Avregistrering,,FU-77`,
    );
    expect(second.summary).toEqual({ notices: 1, late: 0, corrections: 1 });
    expect(second.warnings).toEqual([]);

    // A correction of the correction on 2026-04-20, starting exactly two months after 2026-03-02.
    const third = await send(
      '2026-04-20T09:00:00Z',
      `sales_stop,${PARACETAMOL},2026-05-02,2026-06-30,Avregistrering,,FU-77`,
    );
    expect(third.summary).toEqual({ notices: 1, late: 0, corrections: 1 });
    expect(third.warnings).toEqual([]);

    const chain = await stored('FU-77');
    expect(chain.map((n) => [n.expected_start, n.late])).toEqual([
      ['2026-05-04', false],
      ['2026-05-04', false],
      ['2026-05-02', false],
    ]);
    expect(chain.map((n) => n.supersedes_id)).toEqual([null, chain[0]!.id, chain[1]!.id]);
    // What the picture and the report API read: the notice in force, not late.
    const upcoming = await activeNotices(store.db, '2026-04-20', {
      packageId: seed.packages.paracetamol,
      upcoming: true,
    });
    expect(upcoming.map((n) => [n.reference, n.expected_start, n.late])).toEqual([
      ['FU-77', '2026-05-02', false],
    ]);
  });

  it('flags a correction that moves the start to less than two months after the first notification', async () => {
    // Corrected again on 2026-04-25: a start on 2026-05-01 is one day before 2026-05-02.
    const fourth = await send(
      '2026-04-25T09:00:00Z',
      `sales_stop,${PARACETAMOL},2026-05-01,2026-06-30,Avregistrering,,FU-77`,
    );
    expect(fourth.summary).toEqual({ notices: 1, late: 1, corrections: 1 });
    expect(fourth.warnings).toEqual([
      {
        at: 2,
        field: 'expected_start',
        value: '2026-05-01',
        message:
          `line 2: sales stop of package ${PARACETAMOL} starts 2026-05-01, less than two months after it was ` +
          'first notified on 2026-03-02 (this report corrects notice FU-77; R4: earliest start 2026-05-02); ' +
          'flagged as late',
      },
    ]);
    expect((await stored('FU-77')).map((n) => n.late)).toEqual([false, false, false, true]);
  });

  it('counts a restanmälan corrected into a sales stop from the correction, which first announced the stop', async () => {
    // Restanmälan RA-5 of 2026-03-02; on 2026-04-10 the company corrects it into a sales stop from
    // 2026-05-04. From 2026-03-02 that would be on time; the stop itself was announced on 2026-04-10,
    // so its earliest start is 2026-06-10 and it is late.
    await send('2026-03-02T09:00:00Z', `shortage,${AMOXICILLIN},2026-03-05,,Produktionsstörning,,RA-5`);
    const stop = await send(
      '2026-04-10T09:00:00Z',
      `sales_stop,${AMOXICILLIN},2026-05-04,,Avregistrering,,RA-5`,
    );
    expect(stop.summary).toEqual({ notices: 1, late: 1, corrections: 1 });
    expect(stop.warnings).toEqual([
      expect.objectContaining({
        message: expect.stringContaining(
          'less than two months after it was notified on 2026-04-10 (R4: earliest start 2026-06-10)',
        ),
      }),
    ]);
    expect((await stored('RA-5')).map((n) => [n.kind, n.late])).toEqual([
      ['shortage', false],
      ['sales_stop', true],
    ]);
  });
});

/**
 * The picture's overview (today 2026-03-01, notices starting within 30 days) shows a corrected sales
 * stop with the flag judged from its first notification.
 */
describeEach(testBackends())('a corrected notice in the picture on $name', (backend) => {
  let store: Store;

  beforeAll(async () => {
    store = await backend.open();
  });
  afterAll(() => store.close());

  it('shows an on-time sales stop corrected after its deadline as not late', async () => {
    const f = await buildPictureFixture(store);
    const code = (
      await store.db
        .selectFrom('package')
        .select('npl_pack_id')
        .where('id', '=', f.packages.p3)
        .executeTakeFirstOrThrow()
    ).npl_pack_id;
    const c2 = await reporterOf(store, 'C2');
    const send = (at: string, line: string) =>
      ingest(store, c2, 'shortage_notice', 'csv', `${HEADER}\n${line}\n`, { now: new Date(at) });
    // Notified 2026-01-05: earliest start 2026-03-05, so 2026-03-20 is on time. Corrected on
    // 2026-02-20 (from which the earliest start would be 2026-04-20).
    await send('2026-01-05T09:00:00Z', `sales_stop,${code},2026-03-20,,Avregistrering,,FU-C2-1`);
    await send('2026-02-20T09:00:00Z', `sales_stop,${code},2026-03-20,2026-04-30,Avregistrering,,FU-C2-1`);

    const app = await buildApp({ store, webDir: '/nonexistent' });
    try {
      const res = await app.inject({
        method: 'GET',
        url: '/api/picture/overview',
        headers: { authorization: `Bearer ${f.tokens.lv}` },
      });
      expect(res.statusCode, res.body).toBe(200);
      type Notice = { packageId: number; expectedEnd: string | null; late: boolean };
      const { notices } = res.json<{ notices: { active: Notice[]; upcoming: Notice[] } }>();
      expect(notices.upcoming.filter((n) => n.packageId === f.packages.p3)).toEqual([
        expect.objectContaining({ expectedEnd: '2026-04-30', late: false }),
      ]);
    } finally {
      await app.close();
    }
  });
});

/**
 * Migration 0009 judges again the corrections stored before it, which were judged from their own
 * receipt: an on-time sales stop that a correction had made "late" is on time again.
 */
describeEach(testBackends())('migration 0009 on notices corrected before it, on $name', (backend) => {
  let store: Store;

  beforeAll(async () => {
    store = await backend.open({ upTo: '0004_picture_unlogged' });
  });
  afterAll(() => store.close());

  it('clears the late flag of a correction that is on time from the first notification, and keeps the others', async () => {
    await buildRegion(store.db);
    const company = await buildOrganisation(store.db, { kind: 'company' });
    const pkg = await buildPackage(store.db, company);
    // As ingest stored them before 0009: `late` judged from each notice's own receipt.
    const notice = async (n: {
      kind?: 'shortage' | 'sales_stop';
      notifiedAt: string;
      expectedStart: string;
      supersedesId?: number;
      late?: boolean;
    }) =>
      (
        await store.db
          .insertInto('shortage_notice')
          .values({
            kind: n.kind ?? 'sales_stop',
            package_id: pkg,
            company_id: company,
            notified_at: n.notifiedAt,
            expected_start: n.expectedStart,
            supersedes_id: n.supersedesId ?? null,
            late: n.late ?? false,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;

    // A sales stop of 2026-05-04 notified 2026-03-02 (on time), corrected 2026-04-10 and 2026-04-20:
    // stored late by the old rule (from the corrections' receipts, earliest 2026-06-10 and 2026-06-20).
    const first = await notice({ notifiedAt: '2026-03-02T09:00:00Z', expectedStart: '2026-05-04' });
    const second = await notice({
      notifiedAt: '2026-04-10T09:00:00Z',
      expectedStart: '2026-05-04',
      supersedesId: first,
      late: true,
    });
    const third = await notice({
      notifiedAt: '2026-04-20T09:00:00Z',
      expectedStart: '2026-05-04',
      supersedesId: second,
      late: true,
    });
    // A correction late even from the first notification (start 2026-05-01 < 2026-05-02).
    const early = await notice({ notifiedAt: '2026-03-02T09:00:00Z', expectedStart: '2026-06-01' });
    const earlier = await notice({
      notifiedAt: '2026-04-10T09:00:00Z',
      expectedStart: '2026-05-01',
      supersedesId: early,
      late: true,
    });
    // A restanmälan corrected into a sales stop: judged from the correction (2026-04-10 → 2026-06-10).
    const shortage = await notice({
      kind: 'shortage',
      notifiedAt: '2026-03-02T09:00:00Z',
      expectedStart: '2026-03-05',
    });
    const turned = await notice({
      notifiedAt: '2026-04-10T09:00:00Z',
      expectedStart: '2026-05-04',
      supersedesId: shortage,
      late: true,
    });
    // Notified 23:30Z on 2026-02-28 = 2026-03-01 in Stockholm: earliest start 2026-05-01, so a start
    // on 2026-04-30 is late (from the UTC date, 2026-02-28, it would look on time).
    const night = await notice({
      notifiedAt: '2026-02-28T23:30:00Z',
      expectedStart: '2026-04-30',
      late: true,
    });
    const nightFix = await notice({
      notifiedAt: '2026-03-15T09:00:00Z',
      expectedStart: '2026-04-30',
      supersedesId: night,
      late: true,
    });
    // A first notice flagged late stays so (0009 judges corrections only).
    const lateFirst = await notice({
      notifiedAt: '2026-03-02T09:00:00Z',
      expectedStart: '2026-04-15',
      late: true,
    });

    await migrateToLatest(store.db);

    const rows = await store.db.selectFrom('shortage_notice').select(['id', 'late']).orderBy('id').execute();
    const late = new Map(rows.map((r) => [r.id, r.late]));
    expect([first, second, third].map((id) => late.get(id))).toEqual([false, false, false]);
    expect([early, earlier].map((id) => late.get(id))).toEqual([false, true]);
    expect([shortage, turned].map((id) => late.get(id))).toEqual([false, true]);
    expect([night, nightFix].map((id) => late.get(id))).toEqual([true, true]);
    expect(late.get(lateFirst)).toBe(true);
    // The facts stay append-only after the migration.
    await expect(
      store.db.updateTable('shortage_notice').set({ late: false }).where('id', '=', lateFirst).execute(),
    ).rejects.toThrow('append-only');
    const { rows: applied } = await sql<{ name: string }>`
      SELECT name FROM kysely_migration WHERE name LIKE '0009%'`.execute(store.db);
    expect(applied).toHaveLength(1);
  });
});
