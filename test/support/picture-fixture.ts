import type { Store } from '../../src/store/database.js';
import { refreshPicture } from '../../src/store/picture/refresh.js';
import {
  buildExpectedDelivery,
  buildLocation,
  buildMunicipality,
  buildNotice,
  buildOrganisation,
  buildPackage,
  buildPrioritisedList,
  buildRegion,
  buildSales,
  buildStockSnapshot,
  buildToken,
  dailySales,
} from './builders.js';

/**
 * A small country for the picture's API tests, with worked numbers (today 2026-03-01):
 *
 * - P1 paracetamol 500 mg tablett (company C1): 10 a day in region 01, 20 a day in region 12.
 *   Stock in 01: pharmacies A1 100 and A2 200 (operator A), warehouse W1 600 (wholesaler W) → 900,
 *   90 days in 01; nationally 900 / 30 = 30 days. 800 expected at W1 on 2026-03-20. Sales stop
 *   notified to start 2026-03-20 (upcoming).
 * - P2 morfin 10 mg/ml injektionsvätska, lösning (C1, prioritised): 3 a day in 01 (region rows) plus
 *   2 a day in February at hospital pharmacy H1 (region 01's own) → 5 a day; H1 holds 30 → 6 days,
 *   critical; shortage notice in force since 2026-02-15.
 * - P3 the same morfin from company C2 (same group): 500 at pharmacy B1 (operator B, region 12), no
 *   sales: an alternative nationally, none in region 01 → P2 has the possible-critical-shortage signal
 *   in 01 only.
 * - P4 amoxicillin (C2): 1,000 in the state security stock S1 (owned by the authority LV): reserve, not
 *   everyday stock (src/domain/reserve.ts), and no sales: no item, its reserve shown only to LV and CT.
 */
export interface PictureFixture {
  packages: { p1: number; p2: number; p3: number; p4: number };
  locations: { a1: number; a2: number; b1: number; h1: number; w1: number; s1: number };
  orgs: Record<'lv' | 'ct' | 'region01' | 'region12' | 'opA' | 'opB' | 'wholesaler' | 'c1' | 'c2', number>;
  tokens: Record<'lv' | 'ct' | 'region01' | 'opA' | 'opB' | 'wholesaler' | 'c1' | 'lvAdmin', string>;
}

export const TODAY = '2026-03-01';

export async function buildPictureFixture(store: Store): Promise<PictureFixture> {
  const db = store.db;
  await buildRegion(db, { code: '01', name: 'Region Stockholm' });
  await buildRegion(db, { code: '12', name: 'Region Skåne' });
  // Region 01 has 100,000 inhabitants; Stockholm 10,000 of them, Solna 10,000.
  await buildMunicipality(db, '01', '0180', 'Stockholm');
  await buildMunicipality(db, '01', '0184', 'Solna');
  const orgs = {
    lv: await buildOrganisation(db, { kind: 'authority', code: 'LV', name: 'Läkemedelsverket' }),
    ct: await buildOrganisation(db, { kind: 'joint_function', code: 'NCT', name: 'Nationellt CT' }),
    region01: await buildOrganisation(db, {
      kind: 'region',
      code: 'REG-01',
      name: 'Region Stockholm',
      regionCode: '01',
    }),
    region12: await buildOrganisation(db, {
      kind: 'region',
      code: 'REG-12',
      name: 'Region Skåne',
      regionCode: '12',
    }),
    opA: await buildOrganisation(db, { kind: 'pharmacy_operator', code: 'APO-A', name: 'Apotek A' }),
    opB: await buildOrganisation(db, { kind: 'pharmacy_operator', code: 'APO-B', name: 'Apotek B' }),
    wholesaler: await buildOrganisation(db, { kind: 'wholesaler', code: 'WHS-1', name: 'Grossist Ett' }),
    c1: await buildOrganisation(db, { kind: 'company', code: 'C1', name: 'Företag Ett' }),
    c2: await buildOrganisation(db, { kind: 'company', code: 'C2', name: 'Företag Två' }),
  };
  const packages = {
    p1: await buildPackage(db, orgs.c1, {
      gtin: '07046261234567',
      nordicArticleNumber: '123456',
      name: 'Alvedon',
      substance: 'paracetamol',
      strength: '500 mg',
      form: 'tablett',
      atcCode: 'N02BE01',
      packSize: 100,
    }),
    p2: await buildPackage(db, orgs.c1, {
      name: 'Morfin Ett',
      substance: 'morfin',
      strength: '10 mg/ml',
      form: 'injektionsvätska, lösning',
      atcCode: 'N02AA01',
      packSize: 10,
    }),
    p3: await buildPackage(db, orgs.c2, {
      name: 'Morfin Två',
      substance: 'morfin',
      strength: '10 mg/ml',
      form: 'injektionsvätska, lösning',
      atcCode: 'N02AA01',
      packSize: 10,
    }),
    p4: await buildPackage(db, orgs.c2, {
      name: 'Amoxicillin Två',
      substance: 'amoxicillin',
      strength: '500 mg',
      form: 'kapsel',
      atcCode: 'J01CA04',
      packSize: 20,
    }),
  };
  const locations = {
    a1: await buildLocation(db, orgs.opA, {
      code: 'SE-APO-A1',
      name: 'Apotek A Centrum',
      regionCode: '01',
      municipalityCode: '0180',
    }),
    a2: await buildLocation(db, orgs.opA, {
      code: 'SE-APO-A2',
      name: 'Apotek A Söder',
      regionCode: '01',
      municipalityCode: '0180',
    }),
    b1: await buildLocation(db, orgs.opB, { code: 'SE-APO-B1', name: 'Apotek B Malmö', regionCode: '12' }),
    h1: await buildLocation(db, orgs.region01, {
      code: 'SE-SJH-H1',
      name: 'Sjukhusapoteket Solna',
      kind: 'hospital_pharmacy',
      regionCode: '01',
      municipalityCode: '0184',
    }),
    w1: await buildLocation(db, orgs.wholesaler, {
      code: 'SE-PHL-W1',
      name: 'Grossistlager Stockholm',
      kind: 'wholesaler_warehouse',
      regionCode: '01',
      municipalityCode: '0180',
    }),
    s1: await buildLocation(db, orgs.lv, {
      code: 'SE-BER-S1',
      name: 'Statligt säkerhetslager',
      kind: 'state_security_stock',
      regionCode: '01',
    }),
  };

  await buildPrioritisedList(db, orgs.lv, [
    { atcCode: 'N02AA', substance: 'Morfin', form: 'injektionsvätska' },
  ]);

  await buildStockSnapshot(db, locations.a1, [
    { packageId: packages.p1, quantity: 100, expiry: '2027-06-30' },
  ]);
  await buildStockSnapshot(db, locations.a2, [
    { packageId: packages.p1, quantity: 200, expiry: '2027-06-30' },
  ]);
  await buildStockSnapshot(db, locations.w1, [
    { packageId: packages.p1, quantity: 600, expiry: '2028-01-31' },
  ]);
  await buildStockSnapshot(db, locations.h1, [
    { packageId: packages.p2, quantity: 30, expiry: '2027-01-31' },
  ]);
  await buildStockSnapshot(db, locations.b1, [
    { packageId: packages.p3, quantity: 500, expiry: '2027-01-31' },
  ]);
  await buildStockSnapshot(db, locations.s1, [
    { packageId: packages.p4, quantity: 1000, expiry: '2029-01-31' },
  ]);

  await buildSales(db, [
    ...dailySales(packages.p1, '01', '2025-01-01', '2026-02-28', 10),
    ...dailySales(packages.p1, '12', '2025-01-01', '2026-02-28', 20),
    ...dailySales(packages.p2, '01', '2025-01-01', '2026-02-28', 3),
    ...dailySales(packages.p2, '01', '2026-02-01', '2026-02-28', 2, locations.h1),
  ]);

  await buildNotice(db, packages.p2, { kind: 'shortage', expectedStart: '2026-02-15', expectedEnd: null });
  await buildNotice(db, packages.p1, {
    kind: 'sales_stop',
    expectedStart: '2026-03-20',
    expectedEnd: '2026-06-30',
    notifiedAt: '2026-01-10T09:00:00Z',
  });
  await buildExpectedDelivery(db, orgs.c1, packages.p1, '2026-03-20', 800, locations.w1);

  const tokens = {
    lv: await buildToken(db, orgs.lv, 'analyst'),
    lvAdmin: await buildToken(db, orgs.lv, 'admin'),
    ct: await buildToken(db, orgs.ct, 'coordinator'),
    region01: await buildToken(db, orgs.region01, 'reader'),
    opA: await buildToken(db, orgs.opA, 'reader'),
    opB: await buildToken(db, orgs.opB, 'reader'),
    wholesaler: await buildToken(db, orgs.wholesaler, 'reader'),
    c1: await buildToken(db, orgs.c1, 'reader'),
  };
  await refreshPicture(store, { today: TODAY });
  return { packages, locations, orgs, tokens };
}
