import type { FormKey } from './catalogue.js';

/**
 * The codes the examples in docs/examples/ name, which the generator reserves so that every example is
 * accepted by the demo as one of its personas (issue 10 item 6; test/ingest/examples-demo.spec.ts).
 * They are the codes of the test seed (test/support/seed.ts) too, so the same files serve both.
 * Reserving them changes no random draw: the rows are the same, with these codes and owners.
 */
export const EXAMPLE_CODES = {
  /**
   * The first two community pharmacies (SE-APO-0001, SE-APO-0002) belong to this chain whatever the
   * draw said (demo-apotek's organisation).
   */
  pharmacyChain: 'APO-1',
  pharmacies: ['SE-APO-0001', 'SE-APO-0002'],
  /** SE-APO-0001's GLN (`gln:` in stock-snapshot-excel.csv and stock-snapshot.fhir.json). */
  pharmacyGln: '7350000001006',
  /** Hospital pharmacies are SE-SJH-…; the first is Region Stockholm's (sales-channels.csv). */
  hospital: 'SE-SJH-0001',
  /**
   * Organisation numbers of organisations.csv, so that its rows are the demo's organisations (the
   * register matches by number); CO-A in it is new to the demo and is created.
   */
  organisationNumbers: {
    LV: '999001-0002',
    TLV: '999002-0001',
    SOS: '999003-0000',
    EHM: '999004-0009',
    FOHM: '999005-0008',
    NCT: '999006-0007',
    'REG-01': '999010-0001',
    'REG-12': '999011-0000',
    'WHS-1': '999020-0009',
  } as Readonly<Record<string, string>>,
} as const;

/** One of the examples' packages, added to the catalogue with no demand: no sales, no stock, no notice. */
export interface ExamplePackage {
  nplPackId: string;
  gtin: string;
  nordicArticleNumber: string;
  /** The selling company: demo-foretag's COMP-001 for the packages of its notices and deliveries. */
  company: string;
  atc: string;
  substance: string;
  formKey: FormKey;
  strength: string;
  packSize: number;
  priceSek: number;
}

export const EXAMPLE_PACKAGES: readonly ExamplePackage[] = [
  {
    nplPackId: '20000000000011',
    gtin: '07350000000016',
    nordicArticleNumber: '100001',
    company: 'COMP-001',
    atc: 'N02BE01',
    substance: 'paracetamol',
    formKey: 'tab',
    strength: '500 mg',
    packSize: 20,
    priceSek: 29,
  },
  {
    nplPackId: '20000000000028',
    gtin: '07350000000023',
    nordicArticleNumber: '100002',
    company: 'COMP-001',
    atc: 'J01CA04',
    substance: 'amoxicillin',
    formKey: 'kaps',
    strength: '500 mg',
    packSize: 20,
    priceSek: 62,
  },
  {
    nplPackId: '20000000000035',
    gtin: '07350000000030',
    nordicArticleNumber: '100003',
    company: 'COMP-002',
    atc: 'A10AE04',
    substance: 'insulin glargin',
    formKey: 'penn',
    strength: '100 E/ml',
    packSize: 5,
    priceSek: 450,
  },
];
