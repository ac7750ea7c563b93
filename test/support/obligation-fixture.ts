import type { Db } from '../../src/store/database.js';
import {
  buildLocation,
  buildOrganisation,
  buildPackage,
  buildPrioritisedList,
  buildRegion,
  buildSales,
  dailySales,
} from './builders.js';

/**
 * A small year of R1 (issue 12): year 2027, cut-off 2026-10-01 (the default), basis 2025-10-01 …
 * 2026-09-30 (365 days).
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
 * During the year noradrenalin sells 8 a day (2026-10-01 … 2027-03-31) and propofol 10 a day.
 */
export interface ObligationFixture {
  lv: number;
  tlv: number;
  companyA: number;
  companyB: number;
  noradrenalin: number;
  parallel: number;
  propofol: number;
  paracetamol: number;
}

export async function buildObligationFixture(db: Db): Promise<ObligationFixture> {
  await buildRegion(db, { code: '01' });
  const lv = await buildOrganisation(db, {
    code: 'LV',
    kind: 'authority',
    authority: 'lv',
    name: 'Läkemedelsverket',
  });
  const tlv = await buildOrganisation(db, { code: 'TLV', kind: 'authority', authority: 'tlv', name: 'TLV' });
  const ehm = await buildOrganisation(db, { code: 'EHM', kind: 'authority', authority: 'ehm' });
  const sos = await buildOrganisation(db, { code: 'SOS', kind: 'authority', authority: 'sos' });
  const region = await buildOrganisation(db, { code: 'REG-01', kind: 'region', regionCode: '01' });
  const pharmacyOrg = await buildOrganisation(db, { code: 'APO' });
  const companyA = await buildOrganisation(db, { code: 'COMP-A', kind: 'company', name: 'Alfa Pharma AB' });
  const companyB = await buildOrganisation(db, { code: 'COMP-B', kind: 'company', name: 'Beta Import AB' });
  const pharmacy = await buildLocation(db, pharmacyOrg, { kind: 'community_pharmacy' });
  const hospital = await buildLocation(db, region, { kind: 'hospital_pharmacy' });
  await buildPrioritisedList(db, sos, [
    { atcCode: 'C01CA03', substance: 'noradrenalin' },
    { atcCode: 'N01AX10', substance: 'propofol' },
  ]);
  const noradrenalin = await buildPackage(db, companyA, {
    substance: 'noradrenalin',
    atcCode: 'C01CA03',
    name: 'Noradrenalin Alfa',
  });
  const parallel = await buildPackage(db, companyB, {
    substance: 'noradrenalin',
    atcCode: 'C01CA03',
    name: 'Noradrenalin Beta (parallellimport)',
    parallelTraded: true,
  });
  const propofol = await buildPackage(db, companyB, {
    substance: 'propofol',
    atcCode: 'N01AX10',
    name: 'Propofol',
  });
  const paracetamol = await buildPackage(db, companyA);
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
    species: 'human',
    product_class: null,
    nordic_article_number: null,
    gtin: null,
    pack_size: 100,
    pack_unit: 'st',
    description: '100 st',
    parallel_traded: false,
    licence: false,
    market_status: 'marketed',
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
  await buildSales(db, dailySales(noradrenalin, '01', '2026-09-01', '2026-09-30', 3, pharmacy), pharmacyOrg);
  await buildSales(db, dailySales(noradrenalin, '01', '2026-07-01', '2026-09-30', 1, hospital), region);
  await buildSales(
    db,
    [{ packageId: noradrenalin, regionCode: '01', periodStart: '2025-09-28', periodDays: 7, quantity: 70 }],
    ehm,
  );
  await buildSales(db, dailySales(parallel, '01', '2025-10-01', '2026-09-30', 2), ehm);
  await buildSales(db, dailySales(propofol, '01', '2025-10-01', '2027-03-31', 10), ehm);
  await buildSales(db, dailySales(paracetamol, '01', '2025-10-01', '2026-09-30', 50), ehm);
  await buildSales(db, dailySales(noradrenalin, '01', '2026-10-01', '2027-03-31', 8), ehm);
  return { lv, tlv, companyA, companyB, noradrenalin, parallel, propofol, paracetamol };
}
