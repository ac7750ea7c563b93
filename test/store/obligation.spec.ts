import { afterAll, beforeAll, expect, it } from 'vitest';
import { obligationParameters } from '../../src/domain/obligation.js';
import type { Store } from '../../src/store/database.js';
import {
  calculationLines,
  companySales,
  companySalesByMonth,
  computeObligations,
  listDecisions,
  publishDecisions,
  publishedObligations,
  reviseObligations,
  type Actor,
} from '../../src/store/obligation.repository.js';
import { buildSales } from '../support/builders.js';
import { buildObligationFixture } from '../support/obligation-fixture.js';
import { describeEach, testBackends } from '../support/databases.js';

/* R1 on a database (issue 12 items 1 and 3): the worked year of test/support/obligation-fixture.ts. */
describeEach(testBackends())('obligations on $name', (backend) => {
  let store: Store;
  let lv: number;
  let companyA: number;
  let companyB: number;
  let noradrenalin: number;
  let parallel: number;
  let propofol: number;
  let paracetamol: number;
  let lvActor: Actor;

  beforeAll(async () => {
    store = await backend.open();
    ({ lv, companyA, companyB, noradrenalin, parallel, propofol, paracetamol } = await buildObligationFixture(
      store.db,
    ));
    lvActor = { organisationId: lv, userId: null, tokenId: null };
  });
  afterAll(async () => {
    await store.close();
  });

  const volumesOf = (rows: { companyId: number; packageId: number; volume: number }[]) =>
    Object.fromEntries(rows.map((r) => [`${r.companyId}:${r.packageId}`, r.volume]));

  it('computes each company’s volume from its own sales, counted once, exempting parallel trade, following the seller’s history', async () => {
    const calc = await computeObligations(store.db, obligationParameters({ year: 2027 }), lvActor);
    expect(calc).toMatchObject({
      year: 2027,
      months: 3,
      cutoff: '2026-10-01',
      basisFrom: '2025-10-01',
      basisTo: '2026-09-30',
    });
    const lines = await calculationLines(store.db, calc.id);
    const byKey = Object.fromEntries(lines.map((l) => [`${l.companyId}:${l.packageId}`, l]));
    expect(lines).toHaveLength(4);
    expect(byKey[`${companyA}:${noradrenalin}`]).toMatchObject({
      basisUnits: 1592,
      volume: 398,
      exemptReason: null,
      sellerOnCutoff: true,
    });
    expect(byKey[`${companyB}:${parallel}`]).toMatchObject({
      basisUnits: 730,
      volume: 0,
      exemptReason: 'parallel_traded',
    });
    expect(byKey[`${companyA}:${propofol}`]).toMatchObject({
      basisUnits: 1820,
      volume: 455,
      sellerOnCutoff: false,
    });
    expect(byKey[`${companyB}:${propofol}`]).toMatchObject({
      basisUnits: 1830,
      volume: 458,
      sellerOnCutoff: true,
    });
    expect(lines.some((l) => l.packageId === paracetamol)).toBe(false);

    const six = await computeObligations(store.db, obligationParameters({ year: 2027, months: 6 }), lvActor);
    const sixLines = await calculationLines(store.db, six.id, { companyId: companyA });
    expect(volumesOf(sixLines)).toEqual({
      [`${companyA}:${noradrenalin}`]: 796,
      [`${companyA}:${propofol}`]: 910,
    });
  });

  it('publishes a versioned decision per company, in force from 1 January; a revision publishes version 2 from its day', async () => {
    const calc = await computeObligations(store.db, obligationParameters({ year: 2028 - 1 }), lvActor);
    const first = await publishDecisions(
      store.db,
      { calculationId: calc.id, reason: 'Beslut om lagerhållning 2027' },
      lvActor,
    );
    expect(first.map((d) => [d.companyId, d.version, d.validFrom])).toEqual(
      expect.arrayContaining([
        [companyA, 1, '2027-01-01'],
        [companyB, 1, '2027-01-01'],
      ]),
    );
    expect(await publishedObligations(store.db, { year: 2027, on: '2026-12-31' })).toEqual([]);
    const inJanuary = await publishedObligations(store.db, { year: 2027, on: '2027-01-15' });
    expect(volumesOf(inJanuary)).toEqual({
      [`${companyA}:${noradrenalin}`]: 398,
      [`${companyA}:${propofol}`]: 455,
      [`${companyB}:${parallel}`]: 0,
      [`${companyB}:${propofol}`]: 458,
    });
    expect(inJanuary.find((o) => o.packageId === parallel)?.exemptReason).toBe('parallel_traded');
    // Publishing the same again changes nothing: no new version.
    expect(await publishDecisions(store.db, { calculationId: calc.id, reason: 'igen' }, lvActor)).toEqual([]);

    // 2027-04-01: rolling 2026-04-01 … 2027-03-31.
    // Noradrenalin A: 4 × 183 + 92 + 8 × 182 = 2,280 against 1,592: +43 % → 2,280 × 3 ÷ 12 = 570.
    // Propofol A: sold nothing since April: −100 % → 0. Propofol B: 10 × 365 = 3,650: +99 % → 912.5, 913.
    const revisions = await reviseObligations(store.db, { calculationId: calc.id, on: '2027-04-01' });
    expect(
      revisions
        .map((r) => [r.companyId, r.packageId, r.rollingBasis, r.newVolume])
        .sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!),
    ).toEqual(
      [
        [companyA, noradrenalin, 2280, 570],
        [companyA, propofol, 0, 0],
        [companyB, propofol, 3650, 913],
      ].sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!),
    );
    expect(revisions.find((r) => r.packageId === noradrenalin)?.change).toBeCloseTo(688 / 1592, 6);
    // The same day again: nothing new.
    expect(await reviseObligations(store.db, { calculationId: calc.id, on: '2027-04-01' })).toEqual([]);

    const second = await publishDecisions(
      store.db,
      {
        calculationId: calc.id,
        reason: 'Omprövning: försäljningen har ändrats med minst 25 %',
        validFrom: '2027-04-01',
      },
      lvActor,
    );
    expect(second.map((d) => d.version)).toEqual([2, 2]);
    expect(volumesOf(await publishedObligations(store.db, { year: 2027, on: '2027-03-31' }))).toMatchObject({
      [`${companyA}:${noradrenalin}`]: 398,
    });
    const april = await publishedObligations(store.db, { year: 2027, companyId: companyA, on: '2027-04-01' });
    expect(volumesOf(april)).toEqual({
      [`${companyA}:${noradrenalin}`]: 570,
      [`${companyA}:${propofol}`]: 0,
    });
    expect(april[0]).toMatchObject({
      version: 2,
      basisUnits: 2280,
      basisFrom: '2026-04-01',
      basisTo: '2027-03-31',
    });
    expect(await publishedObligations(store.db, { year: 2027, on: '2028-01-01' })).toEqual([]);

    const decisions = await listDecisions(store.db, { year: 2027, companyId: companyA });
    expect(decisions.map((d) => [d.version, d.volume])).toEqual([
      [2, 570],
      [1, 853],
    ]);
    const audit = await store.db
      .selectFrom('audit_log')
      .select(['action', 'organisation_id', 'detail'])
      .where('action', '=', 'obligation.published')
      .execute();
    expect(audit).toHaveLength(4);
    expect(audit[2]).toMatchObject({
      organisation_id: lv,
      detail: expect.objectContaining({
        reason: 'Omprövning: försäljningen har ändrats med minst 25 %',
        version: 2,
      }),
    });
  });

  it('reads the basis from monthly sales equal to the daily rows, and forgets a month when a report touches it', async () => {
    const period = { from: '2025-10-01', to: '2026-09-30' };
    const ids = [noradrenalin, parallel, propofol, paracetamol];
    const read = () =>
      store.db.transaction().execute(async (trx) => ({
        daily: await companySales(trx, period, ids),
        monthly: await companySalesByMonth(trx, period, ids),
      }));
    const before = await read();
    expect(before.monthly).toEqual(before.daily);
    // The weekly row of 2025-09-28 counts 4 of its 7 days in October: 4 × 31 + 40 = 164.
    const months = store.db.withTables<{
      obligation_sales_month: { package_id: number; month: string; units: number };
    }>();
    const october = await months
      .selectFrom('obligation_sales_month')
      .select('units')
      .where('package_id', '=', noradrenalin)
      .where('month', '=', '2025-10-01')
      .executeTakeFirstOrThrow();
    expect(Number(october.units)).toBe(164);
    // Paracetamol (read by no other test): 50 a day; a late report of 100 on 2026-03-15 forgets March.
    expect(before.daily.find((x) => x.packageId === paracetamol)?.units).toBe(50 * 365);
    await buildSales(store.db, [
      { packageId: paracetamol, regionCode: '01', periodStart: '2026-03-15', quantity: 100 },
    ]);
    const march = await months
      .selectFrom('obligation_sales_month')
      .select('units')
      .where('package_id', '=', paracetamol)
      .where('month', '=', '2026-03-01')
      .executeTakeFirst();
    expect(march).toBeUndefined();
    const after = await read();
    expect(after.monthly.find((x) => x.packageId === paracetamol)?.units).toBe(50 * 365 + 100);
    expect(after.monthly).toEqual(after.daily);
  });

  it('refuses bad parameters with the field and what was expected, storing nothing', async () => {
    const before = await store.db
      .withTables<{ obligation_calculation: { id: number } }>()
      .selectFrom('obligation_calculation')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    await expect(
      computeObligations(
        store.db,
        obligationParameters({ year: 2027, months: 0, cutoff: '2027-02-01' }),
        lvActor,
      ),
    ).rejects.toMatchObject({
      kind: 'invalid',
      problems: [
        expect.objectContaining({ field: 'months', expected: 'more than 0 and at most 24 months' }),
        expect.objectContaining({ field: 'cutoff' }),
      ],
    });
    const after = await store.db
      .withTables<{ obligation_calculation: { id: number } }>()
      .selectFrom('obligation_calculation')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });
});
