import { afterAll, beforeAll, expect, it } from 'vitest';
import { obligationParameters } from '../../src/domain/obligation.js';
import type { Store } from '../../src/store/database.js';
import {
  calculationLines,
  computeObligations,
  listDecisions,
  publishDecisions,
  publishedObligations,
  reviseObligations,
  type Actor,
} from '../../src/store/obligation.repository.js';
import {
  buildLocation,
  buildOrganisation,
  buildPackage,
  buildPrioritisedList,
  buildRegion,
  buildSales,
  dailySales,
} from '../support/builders.js';
import { describeEach, testBackends } from '../support/databases.js';

/*
 * R1 on a database (issue 12 items 1 and 3). Year 2027, cut-off 2026-10-01 (the default): the basis is
 * 2025-10-01 … 2026-09-30, 365 days.
 *
 * Noradrenalin (company A, on the list):
 *   region-level community dispensing 4 a day all year            1,460
 *   the pharmacy's own rows, 3 a day in September, same channel       0  (the region's figure counts)
 *   the hospital pharmacy's requisitions 1 a day Jul–Sep (92 days)   92  (another channel: counts)
 *   a weekly region row of 70 from 2025-09-28: 4 of its 7 days       40
 *   basis                                                         1,592 → 3 months: 1,592 × 3 ÷ 12 = 398
 * Noradrenalin, parallel-traded (company B): sales 2 a day → basis 730, exempt, volume 0.
 * Propofol (on the list) sold by A until 2026-03-31 and by B from 2026-04-01 (the register's history),
 *   10 a day: A 182 days = 1,820 → 455; B 183 days = 1,830 → 457.5, held as 458.
 * Paracetamol (not on the list): no line.
 */
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
    const db = store.db;
    await buildRegion(db, { code: '01' });
    lv = await buildOrganisation(db, { code: 'LV', kind: 'authority', authority: 'lv' });
    const ehm = await buildOrganisation(db, { code: 'EHM', kind: 'authority', authority: 'ehm' });
    const sos = await buildOrganisation(db, { code: 'SOS', kind: 'authority', authority: 'sos' });
    const region = await buildOrganisation(db, { code: 'REG-01', kind: 'region', regionCode: '01' });
    const pharmacyOrg = await buildOrganisation(db, { code: 'APO' });
    companyA = await buildOrganisation(db, { code: 'COMP-A', kind: 'company', name: 'Alfa Pharma AB' });
    companyB = await buildOrganisation(db, { code: 'COMP-B', kind: 'company', name: 'Beta Import AB' });
    const pharmacy = await buildLocation(db, pharmacyOrg, { kind: 'community_pharmacy' });
    const hospital = await buildLocation(db, region, { kind: 'hospital_pharmacy' });
    await buildPrioritisedList(db, sos, [
      { atcCode: 'C01CA03', substance: 'noradrenalin' },
      { atcCode: 'N01AX10', substance: 'propofol' },
    ]);
    noradrenalin = await buildPackage(db, companyA, { substance: 'noradrenalin', atcCode: 'C01CA03' });
    parallel = await buildPackage(db, companyB, {
      substance: 'noradrenalin',
      atcCode: 'C01CA03',
      parallelTraded: true,
    });
    propofol = await buildPackage(db, companyB, { substance: 'propofol', atcCode: 'N01AX10' });
    paracetamol = await buildPackage(db, companyA);
    // The register's history of propofol: A sold it until 2026-03-31, B from 2026-04-01.
    const version = {
      package_id: propofol,
      import_id: null,
      npl_id: 'NPL-PROPOFOL',
      name: 'Propofol',
      atc_code: 'N01AX10',
      substance: 'propofol',
      form: 'tablett',
      strength: '10 mg/ml',
      species: 'human' as const,
      product_class: null,
      nordic_article_number: null,
      gtin: null,
      pack_size: 100,
      pack_unit: 'st',
      description: '100 st',
      parallel_traded: false,
      licence: false,
      market_status: 'marketed' as const,
    };
    await db
      .withTables<{ package_version: Record<string, unknown> }>()
      .insertInto('package_version')
      .values([
        { ...version, valid_from: null, valid_to: '2026-04-01', holder_id: companyA, seller_id: companyA },
        { ...version, valid_from: '2026-04-01', valid_to: null, holder_id: companyB, seller_id: companyB },
      ])
      .execute();

    await buildSales(db, dailySales(noradrenalin, '01', '2025-10-01', '2026-09-30', 4), ehm);
    await buildSales(
      db,
      dailySales(noradrenalin, '01', '2026-09-01', '2026-09-30', 3, pharmacy),
      pharmacyOrg,
    );
    await buildSales(db, dailySales(noradrenalin, '01', '2026-07-01', '2026-09-30', 1, hospital), region);
    await buildSales(
      db,
      [{ packageId: noradrenalin, regionCode: '01', periodStart: '2025-09-28', periodDays: 7, quantity: 70 }],
      ehm,
    );
    await buildSales(db, dailySales(parallel, '01', '2025-10-01', '2026-09-30', 2), ehm);
    await buildSales(db, dailySales(propofol, '01', '2025-10-01', '2027-03-31', 10), ehm);
    await buildSales(db, dailySales(paracetamol, '01', '2025-10-01', '2026-09-30', 50), ehm);
    // During the year noradrenalin sells 8 a day (Oct–Mar, 182 days).
    await buildSales(db, dailySales(noradrenalin, '01', '2026-10-01', '2027-03-31', 8), ehm);
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
