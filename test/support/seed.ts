import type { Db } from '../../src/store/database.js';
import {
  buildLocation,
  buildMunicipality,
  buildOrganisation,
  buildPackage,
  buildRegion,
  buildToken,
} from './builders.js';

/**
 * A small country that ingest, store and API tests share: two regions, seven organisations, five
 * locations, three packages and a token per role that matters. Codes are stable, so fixtures and the
 * examples in docs/examples/ can name them.
 */
export interface MinimalSeed {
  orgs: {
    /** LV, authority (Läkemedelsverket). */
    lv: number;
    /** REG-01, Region Stockholm. */
    region01: number;
    /** REG-12, Region Skåne. */
    region12: number;
    /** APO, pharmacy operator with two pharmacies. */
    pharmacy: number;
    /** WHS, wholesaler with one warehouse. */
    wholesaler: number;
    /** CO-A, company selling paracetamol and amoxicillin. */
    companyA: number;
    /** CO-B, company selling insulin. */
    companyB: number;
  };
  locations: {
    /** SE-APO-0001 (GLN 7350000001006), Stockholm, owned by APO. */
    pharmacy1: number;
    /** SE-APO-0002, Skåne, owned by APO. */
    pharmacy2: number;
    /** SE-WHS-0001, owned by WHS. */
    warehouse: number;
    /** SE-SJH-0001, hospital pharmacy of REG-01. */
    hospital: number;
    /** SE-BER-0001, regional preparedness stock of REG-01 (classified). */
    regionalStock: number;
  };
  packages: {
    /** NPL pack id 20000000000011, GTIN 07350000000016, varunummer 100001; CO-A. */
    paracetamol: number;
    /** NPL pack id 20000000000028, GTIN 07350000000023, varunummer 100002; CO-A. */
    amoxicillin: number;
    /** NPL pack id 20000000000035, GTIN 07350000000030, varunummer 100003; CO-B. */
    insulin: number;
  };
  /** Raw bearer tokens (the value is also the token, e.g. 'tok-apo-reporter'). */
  tokens: {
    lvAdmin: string;
    lvAnalyst: string;
    region01Reporter: string;
    pharmacyReporter: string;
    pharmacyReader: string;
    wholesalerReporter: string;
    companyAReporter: string;
    companyBReporter: string;
  };
}

export const SEED_CODES = {
  pharmacy1: 'SE-APO-0001',
  pharmacy1Gln: '7350000001006',
  pharmacy2: 'SE-APO-0002',
  warehouse: 'SE-WHS-0001',
  hospital: 'SE-SJH-0001',
  regionalStock: 'SE-BER-0001',
  paracetamol: '20000000000011',
  paracetamolGtin: '07350000000016',
  paracetamolVnr: '100001',
  amoxicillin: '20000000000028',
  amoxicillinGtin: '07350000000023',
  insulin: '20000000000035',
  insulinGtin: '07350000000030',
} as const;

export async function seedMinimal(db: Db): Promise<MinimalSeed> {
  await buildRegion(db, { code: '01', name: 'Region Stockholm', population: 2_454_821 });
  await buildRegion(db, { code: '12', name: 'Region Skåne', population: 1_421_781 });
  await buildMunicipality(db, '01', '0180', 'Stockholm');
  await buildMunicipality(db, '12', '1280', 'Malmö');

  const lv = await buildOrganisation(db, {
    code: 'LV',
    kind: 'authority',
    name: 'Läkemedelsverket',
    authority: 'lv',
  });
  const region01 = await buildOrganisation(db, {
    code: 'REG-01',
    kind: 'region',
    name: 'Region Stockholm',
    regionCode: '01',
  });
  const region12 = await buildOrganisation(db, {
    code: 'REG-12',
    kind: 'region',
    name: 'Region Skåne',
    regionCode: '12',
  });
  const pharmacy = await buildOrganisation(db, {
    code: 'APO',
    kind: 'pharmacy_operator',
    name: 'Testapoteket AB',
  });
  const wholesaler = await buildOrganisation(db, { code: 'WHS', kind: 'wholesaler', name: 'Partihandel AB' });
  const companyA = await buildOrganisation(db, { code: 'CO-A', kind: 'company', name: 'Alfa Pharma AB' });
  const companyB = await buildOrganisation(db, { code: 'CO-B', kind: 'company', name: 'Beta Pharma AB' });

  const locations = {
    pharmacy1: await buildLocation(db, pharmacy, {
      code: SEED_CODES.pharmacy1,
      gln: SEED_CODES.pharmacy1Gln,
      regionCode: '01',
      municipalityCode: '0180',
      name: 'Apoteket Stjärnan',
    }),
    pharmacy2: await buildLocation(db, pharmacy, {
      code: SEED_CODES.pharmacy2,
      regionCode: '12',
      municipalityCode: '1280',
      name: 'Apoteket Måsen',
    }),
    warehouse: await buildLocation(db, wholesaler, {
      code: SEED_CODES.warehouse,
      regionCode: '01',
      kind: 'wholesaler_warehouse',
      name: 'Centrallager Stockholm',
    }),
    hospital: await buildLocation(db, region01, {
      code: SEED_CODES.hospital,
      regionCode: '01',
      kind: 'hospital_pharmacy',
      name: 'Sjukhusapoteket Solna',
    }),
    regionalStock: await buildLocation(db, region01, {
      code: SEED_CODES.regionalStock,
      regionCode: '01',
      kind: 'regional_preparedness_stock',
      name: 'Beredskapslager Stockholm',
    }),
  };

  const packages = {
    paracetamol: await buildPackage(db, companyA, {
      nplPackId: SEED_CODES.paracetamol,
      gtin: SEED_CODES.paracetamolGtin,
      nordicArticleNumber: SEED_CODES.paracetamolVnr,
      name: 'Alvedon',
    }),
    amoxicillin: await buildPackage(db, companyA, {
      nplPackId: SEED_CODES.amoxicillin,
      gtin: SEED_CODES.amoxicillinGtin,
      nordicArticleNumber: '100002',
      name: 'Amoxicillin Alfa',
      substance: 'amoxicillin',
      atcCode: 'J01CA04',
    }),
    insulin: await buildPackage(db, companyB, {
      nplPackId: SEED_CODES.insulin,
      gtin: SEED_CODES.insulinGtin,
      nordicArticleNumber: '100003',
      name: 'Insulin Beta',
      substance: 'insulin glargin',
      atcCode: 'A10AE04',
    }),
  };

  const tokens = {
    lvAdmin: await buildToken(db, lv, 'admin', 'tok-lv-admin'),
    lvAnalyst: await buildToken(db, lv, 'analyst', 'tok-lv-analyst'),
    region01Reporter: await buildToken(db, region01, 'reporter', 'tok-reg01-reporter'),
    pharmacyReporter: await buildToken(db, pharmacy, 'reporter', 'tok-apo-reporter'),
    pharmacyReader: await buildToken(db, pharmacy, 'reader', 'tok-apo-reader'),
    wholesalerReporter: await buildToken(db, wholesaler, 'reporter', 'tok-whs-reporter'),
    companyAReporter: await buildToken(db, companyA, 'reporter', 'tok-coa-reporter'),
    companyBReporter: await buildToken(db, companyB, 'reporter', 'tok-cob-reporter'),
  };

  return {
    orgs: { lv, region01, region12, pharmacy, wholesaler, companyA, companyB },
    locations,
    packages,
    tokens,
  };
}
