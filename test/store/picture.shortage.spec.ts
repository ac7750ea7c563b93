import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { refreshPicture } from '../../src/store/picture/refresh.js';
import { assessItems, findPictureState, key, type ItemRow } from '../../src/store/picture/repository.js';
import type { Store } from '../../src/store/database.js';
import {
  buildLocation,
  buildOrganisation,
  buildPackage,
  buildPrioritisedList,
  buildRegion,
  buildSales,
  buildStockSnapshot,
  dailySales,
} from '../support/builders.js';
import { describeEach, testBackends } from '../support/databases.js';

const TODAY = '2026-03-01';
const MORPHINE = { substance: 'morfin', form: 'injektionsvätska, lösning', atcCode: 'N02AA01', packSize: 10 };

/**
 * The R4 signal "möjlig kritisk brist" in SQL, one scenario per region. In every region P2 (morfin
 * 10 mg/ml, packs of 10 ml, prioritised) is used at 5 packs a day and holds 30: 6 days, critical.
 * The critical threshold is 14 days, so an alternative clears the signal when its usable stock
 * covers (5 converted to its packs + its own demand) x 14.
 */
describeEach(testBackends())('possible critical shortage on $name: worked numbers', (backend) => {
  let store: Store;
  const p: Record<string, number> = {};

  beforeAll(async () => {
    store = await backend.open();
    const regions = ['01', '03', '04', '06', '07'];
    for (const code of regions) await buildRegion(store.db, { code });
    const lv = await buildOrganisation(store.db, { kind: 'authority', code: 'LV' });
    const c1 = await buildOrganisation(store.db, { kind: 'company' });
    const c2 = await buildOrganisation(store.db, { kind: 'company' });
    const pharmacies = await buildOrganisation(store.db, { kind: 'pharmacy_operator' });
    await buildPrioritisedList(store.db, lv, [
      { atcCode: 'N02AA', substance: 'Morfin', form: 'injektionsvätska' },
    ]);
    p.p2 = await buildPackage(store.db, c1, { ...MORPHINE, name: 'Morfin Ett', strength: '10 mg/ml' });
    // P3: the same group from another company.
    p.p3 = await buildPackage(store.db, c2, { ...MORPHINE, name: 'Morfin Två', strength: '10 mg/ml' });
    // P5: another substance of the same ATC level 4 (N02AA).
    p.p5 = await buildPackage(store.db, c2, {
      ...MORPHINE,
      name: 'Oxikodon',
      substance: 'oxikodon',
      strength: '10 mg/ml',
      atcCode: 'N02AA05',
    });
    // P6: morfin 20 mg/ml, recorded by the authority as an alternative to P2: half a ml replaces one.
    p.p6 = await buildPackage(store.db, c2, { ...MORPHINE, name: 'Morfin Stark', strength: '20 mg/ml' });
    // P7: morfin in another form, not recorded.
    p.p7 = await buildPackage(store.db, c2, {
      ...MORPHINE,
      name: 'Morfin Tablett',
      form: 'tablett',
      strength: '10 mg',
      atcCode: 'N02AA01',
    });
    // A group whose members carry different ATC codes: the first (N02AG01) is not on the list, the
    // second (N02AA01) is, so the group is prioritised. 20 packs of the first in region 03, 5 a day of
    // the second.
    p.p8a = await buildPackage(store.db, c1, { ...MORPHINE, strength: '5 mg/ml', atcCode: 'N02AG01' });
    p.p8b = await buildPackage(store.db, c2, { ...MORPHINE, strength: '5 mg/ml' });
    await store.db
      .insertInto('recorded_alternative')
      .values({
        package_id: p.p2,
        alternative_package_id: p.p6,
        units_per_unit: 0.5,
        organisation_id: lv,
        decided_on: '2026-02-01',
        note: 'test',
      })
      .execute();

    const stock: Record<string, { packageId: number; quantity: number }[]> = {
      // 01: P3 has 90 packs and uses 2 a day itself: 45 days on its own, but 7 a day x 14 = 98 > 90.
      '01': [{ packageId: p.p3, quantity: 90 }],
      // 03: P3 has 200 and nobody else uses it: 5 x 14 = 70 <= 200.
      '03': [
        { packageId: p.p3, quantity: 200 },
        { packageId: p.p8a, quantity: 20 },
      ],
      // 04: only oxikodon, 5,000 packs: a therapeutic alternative for a clinician, clears nothing.
      '04': [{ packageId: p.p5, quantity: 5000 }],
      // 06: P6, 100 packs of 20 mg/ml: 50 ml a day x 0.5 = 2.5 packs a day, 35 for 14 days <= 100.
      '06': [{ packageId: p.p6, quantity: 100 }],
      // 07: morfin tablets, 5,000 packs: another form, not recorded: clears nothing.
      '07': [{ packageId: p.p7, quantity: 5000 }],
    };
    const sales = [];
    for (const code of regions) {
      const hospital = await buildLocation(store.db, pharmacies, {
        regionCode: code,
        kind: 'hospital_pharmacy',
      });
      await buildStockSnapshot(store.db, hospital, [
        { packageId: p.p2, quantity: 30, expiry: null },
        ...(stock[code] ?? []).map((l) => ({ ...l, expiry: null })),
      ]);
      sales.push(...dailySales(p.p2, code, '2025-01-01', '2026-02-28', 5));
    }
    sales.push(...dailySales(p.p3, '01', '2025-01-01', '2026-02-28', 2));
    sales.push(...dailySales(p.p8b, '03', '2025-01-01', '2026-02-28', 5));
    await buildSales(store.db, sales);
    await refreshPicture(store, { today: TODAY });
  });
  afterAll(async () => {
    await store.close();
  });

  const signalled = async () =>
    (
      await store.db
        .selectFrom('picture_item')
        .select(['kind', 'ref', 'area_code'])
        .where('possible_critical_shortage', '=', true)
        .execute()
    )
      .map(key)
      .sort();

  it('signals P2 where no interchangeable alternative covers both demands for 14 days', async () => {
    const group = 'morfin|10mg/ml|injektionsvätska, lösning';
    expect(await signalled()).toEqual(
      [
        // P3 covers itself for 45 days but not both (98 > 90).
        `package:${p.p2}:01`,
        // Oxikodon (same ATC level 4) and morfin tablets (another form) clear nothing.
        `package:${p.p2}:04`,
        `package:${p.p2}:07`,
        // Nationally 25 a day: P3 (290 packs, 27 a day with its own) and P6 (100 packs, 12.5 a day)
        // each last less than 14 days.
        `package:${p.p2}:SE`,
        // Morfin 5 mg/ml: P8b has nothing (P8a's 20 packs cover 4 of its 14 days), and the group,
        // prioritised through P8b although P8a comes first, holds 200 ml at 50 ml a day: 4 days.
        `package:${p.p8b}:03`,
        `package:${p.p8b}:SE`,
        'group:morfin|5mg/ml|injektionsvätska, lösning:03',
        'group:morfin|5mg/ml|injektionsvätska, lösning:SE',
        // The group of P2 and P3: the same in 04 and 07. In 01 it holds 1,200 ml at 70 ml a day: 17
        // days, low, not critical; in 06 the group of P6 (recorded for a member) covers it.
        `group:${group}:04`,
        `group:${group}:07`,
      ].sort(),
    );
  });

  it('clears it with a recorded alternative covering both, converted by its units per unit', async () => {
    const p2 = await store.db
      .selectFrom('picture_item')
      .select(['risk_class', 'prioritised', 'possible_critical_shortage'])
      .where('kind', '=', 'package')
      .where('ref', '=', String(p.p2))
      .where('area_code', '=', '06')
      .executeTakeFirstOrThrow();
    expect(p2).toEqual({ risk_class: 'critical', prioritised: true, possible_critical_shortage: false });
  });

  it('keeps the flags and the signal equal to the domain’s assessRisk for every item, with the reasons', async () => {
    const state = await findPictureState(store.db);
    if (!state) throw new Error('no picture');
    const items = (
      await sql<ItemRow>`SELECT i.*, NULL AS tier, NULL AS pack FROM picture_item i`.execute(store.db)
    ).rows;
    const assessed = await assessItems(store.db, state, items);
    for (const item of items) {
      expect(assessed.get(key(item))?.flags, key(item)).toEqual({
        prioritised: item.prioritised,
        activeNotice: item.active_notice,
        possibleCriticalShortage: item.possible_critical_shortage,
      });
    }
    // The group of mixed ATC codes: prioritised in SQL (any member) and in the domain (its members).
    expect(assessed.get('group:morfin|5mg/ml|injektionsvätska, lösning:03')?.flags.prioritised).toBe(true);
    const in01 = assessed.get(`package:${p.p2}:01`);
    expect(in01?.reasons).toContainEqual({
      code: 'alternative_insufficient',
      ref: String(p.p3),
      relation: 'same_group',
      usableStock: 90,
      combinedDemandPerDay: 7,
      coverageDays: 90 / 7,
    });
    expect(assessed.get(`package:${p.p2}:04`)?.reasons).toContainEqual({
      code: 'therapeutic_alternative',
      ref: String(p.p5),
      relation: 'same_atc4',
      usableStock: 5000,
      coverageDays: null,
    });
    expect(assessed.get(`package:${p.p2}:06`)?.reasons).toContainEqual({
      code: 'alternative_available',
      ref: String(p.p6),
      relation: 'recorded',
      usableStock: 100,
      combinedDemandPerDay: 2.5,
      coverageDays: 40,
    });
  });
});
