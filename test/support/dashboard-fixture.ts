import { hashToken } from '../../src/domain/access.js';
import type { Store } from '../../src/store/database.js';
import type { LocationKind, OrganisationKind, Role } from '../../src/store/schema.js';

/*
 * A small, hand-made national data set for the dashboard's browser test: the 21 real regions with
 * their population (SCB, rounded, as of August 2023), a few municipalities, a dozen stock locations
 * of every kind, a few actors, sixteen packages and Socialstyrelsen's list. Stand-in until the
 * synthetic generator (data/generate.ts, `loadSweden`) is available to the tests.
 */

export const FIXTURE_POPULATION_DATE = '2023-08-31';

/** code, name, population, civil area (civilområde). */
export const FIXTURE_REGIONS: readonly (readonly [string, string, number, string])[] = [
  ['01', 'Region Stockholm', 2_454_821, 'Stockholm'],
  ['03', 'Region Uppsala', 404_589, 'Mitt'],
  ['04', 'Region Sörmland', 301_801, 'Öst'],
  ['05', 'Region Östergötland', 469_693, 'Öst'],
  ['06', 'Region Jönköpings län', 366_479, 'Öst'],
  ['07', 'Region Kronoberg', 203_686, 'Syd'],
  ['08', 'Region Kalmar län', 246_641, 'Syd'],
  ['09', 'Region Gotland', 61_003, 'Stockholm'],
  ['10', 'Region Blekinge', 156_993, 'Syd'],
  ['12', 'Region Skåne', 1_414_659, 'Syd'],
  ['13', 'Region Halland', 340_243, 'Syd'],
  ['14', 'Västra Götalandsregionen', 1_744_859, 'Väst'],
  ['17', 'Region Värmland', 283_196, 'Väst'],
  ['18', 'Region Örebro län', 306_792, 'Mitt'],
  ['19', 'Region Västmanland', 279_334, 'Mitt'],
  ['20', 'Region Dalarna', 287_676, 'Mitt'],
  ['21', 'Region Gävleborg', 287_502, 'Mitt'],
  ['22', 'Region Västernorrland', 242_148, 'Norr'],
  ['23', 'Region Jämtland Härjedalen', 132_054, 'Norr'],
  ['24', 'Region Västerbotten', 275_790, 'Norr'],
  ['25', 'Region Norrbotten', 248_480, 'Norr'],
];

const MUNICIPALITIES: readonly (readonly [string, string, string, number])[] = [
  ['0180', 'Stockholm', '01', 984_748],
  ['0182', 'Nacka', '01', 108_940],
  ['1280', 'Malmö', '12', 357_377],
  ['1281', 'Lund', '12', 128_513],
  ['1283', 'Helsingborg', '12', 151_662],
  ['1480', 'Göteborg', '14', 596_841],
  ['0380', 'Uppsala', '03', 242_140],
];

const ORGANISATIONS: readonly (readonly [
  code: string,
  name: string,
  kind: OrganisationKind,
  region: string | null,
])[] = [
  ['LV', 'Läkemedelsverket', 'authority', null],
  ['SOS', 'Socialstyrelsen', 'authority', null],
  ['REG-12', 'Region Skåne', 'region', '12'],
  ['WHS-1', 'Nordisk Läkemedelsdistribution AB', 'wholesaler', null],
  ['APO-1', 'Apoteksgruppen Syd AB', 'pharmacy_operator', null],
  ['DOS-1', 'Dosapoteket Väst AB', 'dose_pharmacy_operator', null],
  ['MUN-1280', 'Malmö stad', 'municipality', '12'],
  ['CO-ORION', 'Orion Pharma AB', 'company', null],
  ['CO-GSK', 'GlaxoSmithKline Consumer Healthcare AB', 'company', null],
  ['CO-SANDOZ', 'Sandoz A/S', 'company', null],
  ['CO-FRESENIUS', 'Fresenius Kabi AB', 'company', null],
  ['CO-PARAFARM', 'Paranova Läkemedel AB', 'company', null],
  ['CO-BOEHRINGER', 'Boehringer Ingelheim Vetmedica GmbH', 'company', null],
  ['CO-UNIMEDIC', 'Unimedic Pharma AB', 'company', null],
];

const LOCATIONS: readonly (readonly [
  code: string,
  name: string,
  kind: LocationKind,
  org: string,
  region: string,
  municipality: string | null,
])[] = [
  ['SE-WHS-0001', 'Centrallager Stockholm', 'wholesaler_warehouse', 'WHS-1', '01', '0180'],
  ['SE-WHS-0002', 'Centrallager Göteborg', 'wholesaler_warehouse', 'WHS-1', '14', '1480'],
  ['SE-APO-0001', 'Apoteket Kronan Stockholm', 'community_pharmacy', 'APO-1', '01', '0180'],
  ['SE-APO-0002', 'Apoteket Nacka Forum', 'community_pharmacy', 'APO-1', '01', '0182'],
  ['SE-APO-0003', 'Apoteket Triangeln', 'community_pharmacy', 'APO-1', '12', '1280'],
  ['SE-APO-0004', 'Apoteket Lund C', 'community_pharmacy', 'APO-1', '12', '1281'],
  ['SE-APO-0005', 'Apoteket Nordstan', 'community_pharmacy', 'APO-1', '14', '1480'],
  ['SE-APO-0006', 'Apoteket Uppsala Resecentrum', 'community_pharmacy', 'APO-1', '03', '0380'],
  ['SE-DOS-0001', 'Dosapoteket Väst', 'dose_pharmacy', 'DOS-1', '14', '1480'],
  ['SE-SJA-0001', 'Sjukhusapoteket Skånes universitetssjukhus', 'hospital_pharmacy', 'REG-12', '12', '1281'],
  ['SE-VNL-0001', 'Vårdnära lager SUS Malmö', 'care_unit_store', 'REG-12', '12', '1280'],
  ['SE-KLF-0001', 'Läkemedelsförråd Malmö stad', 'municipal_store', 'MUN-1280', '12', '1280'],
  ['SE-RBL-0001', 'Regionalt beredskapslager Skåne', 'regional_preparedness_stock', 'REG-12', '12', null],
  ['SE-SSL-0001', 'Statligt säkerhetslager Mitt', 'state_security_stock', 'SOS', '03', null],
];

interface FixturePackage {
  name: string;
  substance: string;
  atc: string;
  form: string;
  strength: string;
  packSize: number;
  packUnit: string;
  description: string;
  price: number | null;
  company: string;
  vnr: string;
  parallel?: boolean;
  licence?: boolean;
  species?: 'human' | 'veterinary';
  withdrawnOn?: string;
}

export const FIXTURE_PACKAGES: readonly FixturePackage[] = [
  {
    name: 'Alvedon',
    substance: 'paracetamol',
    atc: 'N02BE01',
    form: 'tablett',
    strength: '500 mg',
    packSize: 20,
    packUnit: 'st',
    description: '20 tablett(er) blister',
    price: 18.5,
    company: 'CO-GSK',
    vnr: '012345',
  },
  {
    name: 'Alvedon',
    substance: 'paracetamol',
    atc: 'N02BE01',
    form: 'tablett',
    strength: '500 mg',
    packSize: 100,
    packUnit: 'st',
    description: '100 tablett(er) burk',
    price: 61,
    company: 'CO-GSK',
    vnr: '012346',
  },
  {
    name: 'Alvedon',
    substance: 'paracetamol',
    atc: 'N02BE01',
    form: 'tablett',
    strength: '500 mg',
    packSize: 100,
    packUnit: 'st',
    description: '100 tablett(er) blister',
    price: 55.2,
    company: 'CO-PARAFARM',
    vnr: '412346',
    parallel: true,
  },
  {
    name: 'Alvedon',
    substance: 'paracetamol',
    atc: 'N02BE01',
    form: 'oral suspension',
    strength: '24 mg/ml',
    packSize: 100,
    packUnit: 'ml',
    description: '100 milliliter flaska',
    price: 44.9,
    company: 'CO-GSK',
    vnr: '012350',
  },
  {
    name: 'Paracetamol Fresenius Kabi',
    substance: 'paracetamol',
    atc: 'N02BE01',
    form: 'infusionsvätska, lösning',
    strength: '10 mg/ml',
    packSize: 10,
    packUnit: 'st',
    description: '10 x 100 milliliter flaska',
    price: 312,
    company: 'CO-FRESENIUS',
    vnr: '112233',
  },
  {
    name: 'Amimox',
    substance: 'amoxicillin',
    atc: 'J01CA04',
    form: 'tablett',
    strength: '750 mg',
    packSize: 20,
    packUnit: 'st',
    description: '20 tablett(er) blister',
    price: 89,
    company: 'CO-SANDOZ',
    vnr: '023456',
  },
  {
    name: 'Amoxicillin Sandoz',
    substance: 'amoxicillin',
    atc: 'J01CA04',
    form: 'pulver till oral suspension',
    strength: '100 mg/ml',
    packSize: 60,
    packUnit: 'ml',
    description: '60 milliliter flaska',
    price: 72.5,
    company: 'CO-SANDOZ',
    vnr: '023460',
  },
  {
    name: 'Bensylpenicillin Meda',
    substance: 'bensylpenicillin',
    atc: 'J01CE01',
    form: 'pulver till injektionsvätska',
    strength: '1 g',
    packSize: 10,
    packUnit: 'st',
    description: '10 injektionsflaska(or)',
    price: 420,
    company: 'CO-UNIMEDIC',
    vnr: '034567',
    licence: true,
  },
  {
    name: 'Morfin Orion',
    substance: 'morfin',
    atc: 'N02AA01',
    form: 'injektionsvätska, lösning',
    strength: '10 mg/ml',
    packSize: 10,
    packUnit: 'st',
    description: '10 x 1 milliliter ampull',
    price: 156,
    company: 'CO-ORION',
    vnr: '045678',
  },
  {
    name: 'Natriumklorid Fresenius Kabi',
    substance: 'natriumklorid',
    atc: 'B05BB01',
    form: 'infusionsvätska, lösning',
    strength: '9 mg/ml',
    packSize: 20,
    packUnit: 'st',
    description: '20 x 1000 milliliter påse',
    price: 398,
    company: 'CO-FRESENIUS',
    vnr: '056789',
  },
  {
    name: 'Ventoline',
    substance: 'salbutamol',
    atc: 'R03AC02',
    form: 'inhalationsspray, suspension',
    strength: '0,1 mg/dos',
    packSize: 200,
    packUnit: 'dos',
    description: '200 dos(er) inhalator',
    price: 64,
    company: 'CO-GSK',
    vnr: '067890',
  },
  {
    name: 'Ventoline',
    substance: 'salbutamol',
    atc: 'R03AC02',
    form: 'inhalationsspray, suspension',
    strength: '0,1 mg/dos',
    packSize: 200,
    packUnit: 'dos',
    description: '200 dos(er) inhalator',
    price: 58,
    company: 'CO-PARAFARM',
    vnr: '467890',
    parallel: true,
  },
  {
    name: 'Insulin Orion',
    substance: 'insulin aspart',
    atc: 'A10AB05',
    form: 'injektionsvätska, lösning',
    strength: '100 E/ml',
    packSize: 5,
    packUnit: 'st',
    description: '5 x 3 milliliter förfylld injektionspenna',
    price: 289,
    company: 'CO-ORION',
    vnr: '078901',
  },
  {
    name: 'Metacam vet.',
    substance: 'meloxikam',
    atc: 'QM01AC06',
    form: 'oral suspension',
    strength: '1,5 mg/ml',
    packSize: 32,
    packUnit: 'ml',
    description: '32 milliliter flaska',
    price: 121,
    company: 'CO-BOEHRINGER',
    vnr: '089012',
    species: 'veterinary',
  },
  {
    name: 'Heparin Orion',
    substance: 'heparin',
    atc: 'B01AB01',
    form: 'injektionsvätska, lösning',
    strength: '5000 IE/ml',
    packSize: 10,
    packUnit: 'st',
    description: '10 x 5 milliliter injektionsflaska',
    price: 245,
    company: 'CO-ORION',
    vnr: '090123',
  },
  {
    name: 'Kåvepenin',
    substance: 'fenoximetylpenicillin',
    atc: 'J01CE02',
    form: 'tablett',
    strength: '1 g',
    packSize: 20,
    packUnit: 'st',
    description: '20 tablett(er) blister',
    price: 64.5,
    company: 'CO-ORION',
    vnr: '091234',
    withdrawnOn: '2024-03-01',
  },
];

/** Socialstyrelsen's prioritised list (an excerpt): ATC code, substance, care area. */
const SOS_LIST: readonly (readonly [string, string, string])[] = [
  ['J01CA04', 'amoxicillin', 'sluten vård'],
  ['J01CE01', 'bensylpenicillin', 'sluten vård'],
  ['N02AA01', 'morfin', 'intensivvård'],
  ['B05BB01', 'natriumklorid', 'intensivvård'],
  ['A10AB05', 'insulin aspart', 'sluten vård'],
  ['B01AB01', 'heparin', 'sluten vård'],
];

export interface FixtureToken {
  token: string;
  organisation: string;
  role: Role;
  user: string;
}

/** Demo tokens, named as `npm run demo` names them. */
export const FIXTURE_TOKENS: readonly FixtureToken[] = [
  { token: 'demo-lv', organisation: 'LV', role: 'coordinator', user: 'Anna Lindqvist' },
  { token: 'demo-region-12', organisation: 'REG-12', role: 'reporter', user: 'Erik Nilsson' },
];

/** Loads the fixture into an empty, migrated store. */
export async function loadDashboardFixture(store: Store): Promise<void> {
  const db = store.db;
  await db
    .insertInto('region')
    .values(
      FIXTURE_REGIONS.map(([code, name, population, civilArea]) => ({
        code,
        name,
        population,
        population_date: FIXTURE_POPULATION_DATE,
        civil_area: civilArea,
      })),
    )
    .execute();
  await db
    .insertInto('municipality')
    .values(
      MUNICIPALITIES.map(([code, name, regionCode, population]) => ({
        code,
        name,
        region_code: regionCode,
        population,
      })),
    )
    .execute();

  const orgIds = new Map<string, number>();
  for (const [i, [code, name, kind, region]] of ORGANISATIONS.entries()) {
    const row = await db
      .insertInto('organisation')
      .values({
        code,
        name,
        kind,
        region_code: region,
        org_number: `55${String(i).padStart(4, '0')}-${String(1000 + i)}`,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    orgIds.set(code, row.id);
  }
  const org = (code: string): number => {
    const id = orgIds.get(code);
    if (id === undefined) throw new Error(`fixture: no organisation ${code}`);
    return id;
  };

  await db
    .insertInto('location')
    .values(
      LOCATIONS.map(([code, name, kind, owner, region, municipality]) => ({
        code,
        name,
        kind,
        organisation_id: org(owner),
        region_code: region,
        municipality_code: municipality,
      })),
    )
    .execute();

  for (const [i, p] of FIXTURE_PACKAGES.entries()) {
    const npl = `2019${String(i + 1).padStart(10, '0')}`;
    const medicine = await db
      .insertInto('medicine')
      .values({
        npl_id: npl,
        name: p.name,
        atc_code: p.atc,
        substance: p.substance,
        form: p.form,
        strength: p.strength,
        species: p.species ?? 'human',
        company_id: org(p.company),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('package')
      .values({
        npl_pack_id: `${npl}01`,
        nordic_article_number: p.vnr,
        gtin: `0735${p.vnr}${String(i).padStart(3, '0')}`,
        medicine_id: medicine.id,
        pack_size: p.packSize,
        pack_unit: p.packUnit,
        description: p.description,
        price_sek: p.price,
        company_id: org(p.company),
        parallel_traded: p.parallel ?? false,
        licence: p.licence ?? false,
        withdrawn_on: p.withdrawnOn ?? null,
      })
      .execute();
  }

  const list = await db
    .insertInto('product_list')
    .values({
      code: 'sos-prioritised',
      version: '2023-05-12',
      name: 'Läkemedel för vård som inte kan anstå',
      issuer_id: org('SOS'),
      published_on: '2023-05-12',
      valid_from: '2023-05-12',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('product_list_item')
    .values(
      SOS_LIST.map(([atc, substance, careArea], i) => ({
        list_id: list.id,
        position: i + 1,
        atc_code: atc,
        substance,
        care_area: careArea,
      })),
    )
    .execute();

  for (const [i, t] of FIXTURE_TOKENS.entries()) {
    const user = await db
      .insertInto('app_user')
      .values({ name: t.user, email: `demo${i + 1}@example.test`, organisation_id: org(t.organisation) })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('api_token')
      .values({
        token_sha256: hashToken(t.token),
        label: 'dashboard fixture',
        user_id: user.id,
        organisation_id: org(t.organisation),
        role: t.role,
      })
      .execute();
  }
}
