/**
 * The curated substance list behind the synthetic catalogue: real substances and ATC codes, with
 * forms, strengths and pack sizes of the kind sold in Sweden. Product names, companies and all
 * identifiers made from it are fictitious.
 */

/** A pharmaceutical form with its usual pack sizes and how a pack is described. */
export interface FormPreset {
  form: string;
  packSizes: readonly number[];
  packUnit: 'st' | 'ml' | 'g';
  /** Description of a pack of `n`, e.g. '100 tablett(er) blister'. */
  describe: (n: number) => string;
  /** Given to patients through pharmacies (false: administered in care, e.g. infusions). */
  outpatient: boolean;
}

const preset = (
  form: string,
  packSizes: readonly number[],
  packUnit: FormPreset['packUnit'],
  describe: (n: number) => string,
  outpatient = true,
): FormPreset => ({ form, packSizes, packUnit, describe, outpatient });

export const FORMS = {
  tab: preset('tablett', [30, 100], 'st', (n) => `${n} tablett(er) blister`),
  ftab: preset('filmdragerad tablett', [28, 98], 'st', (n) => `${n} tablett(er) blister`),
  etab: preset('enterotablett', [28, 100], 'st', (n) => `${n} tablett(er) burk`),
  dtab: preset('depottablett', [30, 100], 'st', (n) => `${n} tablett(er) blister`),
  ttab: preset('tuggtablett', [28, 90], 'st', (n) => `${n} tablett(er) burk`),
  btab: preset('brustablett', [20, 50], 'st', (n) => `${n} tablett(er) rör`),
  mtab: preset('munsönderfallande tablett', [30, 100], 'st', (n) => `${n} tablett(er) blister`),
  vtab: preset('vaginaltablett', [18, 24], 'st', (n) => `${n} vaginaltablett(er) blister`),
  resor: preset('resoriblett, sublingual', [10, 50], 'st', (n) => `${n} resoriblett(er) burk`),
  kaps: preset('kapsel, hård', [20, 100], 'st', (n) => `${n} kapsel/kapslar blister`),
  dkaps: preset('depotkapsel, hård', [30, 100], 'st', (n) => `${n} kapsel/kapslar blister`),
  susp: preset('pulver till oral suspension', [60, 100], 'ml', (n) => `${n} ml flaska`),
  osusp: preset('oral suspension', [100, 200], 'ml', (n) => `${n} ml flaska`),
  olsn: preset('oral lösning', [100, 200], 'ml', (n) => `${n} ml flaska`),
  odr: preset('orala droppar, lösning', [15, 30], 'ml', (n) => `${n} ml droppflaska`),
  dospulv: preset('pulver till oral lösning i dospåse', [20, 100], 'st', (n) => `${n} dospåse(ar)`),
  munlsn: preset('munhålelösning', [1, 4], 'st', (n) => `${n} förfylld(a) oral(a) spruta/sprutor`),
  inj: preset('injektionsvätska, lösning', [5, 10], 'st', (n) => `${n} ampull(er)`, false),
  konc: preset(
    'koncentrat till infusionsvätska, lösning',
    [1, 10],
    'st',
    (n) => `${n} injektionsflaska(or)`,
    false,
  ),
  injfl: preset(
    'pulver till injektions-/infusionsvätska, lösning',
    [1, 10],
    'st',
    (n) => `${n} injektionsflaska(or)`,
    false,
  ),
  emul: preset(
    'injektions-/infusionsvätska, emulsion',
    [5, 10],
    'st',
    (n) => `${n} injektionsflaska(or)`,
    false,
  ),
  inf: preset('infusionsvätska, lösning', [10, 20], 'st', (n) => `${n} x 1000 ml påse`, false),
  infs: preset('infusionsvätska, lösning', [20, 40], 'st', (n) => `${n} x 100 ml påse`, false),
  penn: preset(
    'injektionsvätska, lösning i förfylld injektionspenna',
    [1, 5],
    'st',
    (n) => `${n} förfylld(a) penna/pennor`,
  ),
  spruta: preset(
    'injektionsvätska, lösning i förfylld spruta',
    [10, 50],
    'st',
    (n) => `${n} förfylld(a) spruta/sprutor`,
  ),
  inhp: preset('inhalationspulver', [1, 3], 'st', (n) => `${n} inhalator(er)`),
  inhs: preset('inhalationsspray, suspension', [1, 3], 'st', (n) => `${n} tryckbehållare`),
  neb: preset('inhalationsvätska till nebulisator, lösning', [20, 60], 'st', (n) => `${n} endosbehållare`),
  supp: preset('suppositorium', [10, 20], 'st', (n) => `${n} suppositorium/suppositorier`),
  rekt: preset('rektallösning', [5, 10], 'st', (n) => `${n} endosbehållare`),
  krm: preset('kräm', [30, 100], 'g', (n) => `${n} g tub`),
  kutan: preset('kutan lösning', [250, 500], 'ml', (n) => `${n} ml flaska`),
  plst: preset('depotplåster', [4, 16], 'st', (n) => `${n} depotplåster`),
  ogon: preset('ögondroppar, lösning', [1, 3], 'st', (n) => `${n} x 10 ml flaska`),
  nas: preset('nässpray, lösning', [1, 3], 'st', (n) => `${n} sprayflaska/sprayflaskor`),
  spr: preset('sublingualspray, lösning', [1, 2], 'st', (n) => `${n} sprayflaska/sprayflaskor`),
  // Veterinary forms.
  vtabl: preset('tablett för djur', [20, 100], 'st', (n) => `${n} tablett(er) blister`),
  vinj: preset('injektionsvätska, suspension', [1, 10], 'st', (n) => `${n} x 100 ml injektionsflaska`, false),
  vpulv: preset('pulver till användning i dricksvatten', [1, 5], 'st', (n) => `${n} x 1 kg påse`),
  vintr: preset('intramammär suspension', [20, 60], 'st', (n) => `${n} injektor(er)`),
  vosusp: preset('oral suspension för djur', [1, 3], 'st', (n) => `${n} x 100 ml flaska`),
} satisfies Record<string, FormPreset>;

export type FormKey = keyof typeof FORMS;

export interface SubstanceSpec {
  atc: string;
  substance: string;
  /** Forms and the strengths each is sold in, as labelled. */
  forms: Partial<Record<FormKey, readonly string[]>>;
  /** 1 (niche) … 5 (among the most sold): sets the typical volume of its packages. */
  popularity: 1 | 2 | 3 | 4 | 5;
  /** Share of its use that goes through hospital pharmacies (inpatient care). */
  inpatient: number;
  /** Share of its outpatient use that is machine dose-dispensed (R5). */
  dose: number;
  /** SEK for the first strength and pack size (pharmacy purchase price, roughly). */
  price: number;
  /** On Socialstyrelsen's prioritised list: the care area, and the form when the entry names one. */
  prioritised?: { careArea: string; form?: FormKey };
  /** Held in the state security stocks (level 3). */
  stateStock?: boolean;
  /** Kept in municipal medicine stores (läkemedelsförråd). */
  municipal?: boolean;
  /** Always part of the catalogue, even at the smallest scale. */
  core?: boolean;
  species: 'human' | 'veterinary';
}

type Options = Partial<Omit<SubstanceSpec, 'atc' | 'substance' | 'forms' | 'popularity' | 'species'>>;

const h = (
  atc: string,
  substance: string,
  popularity: SubstanceSpec['popularity'],
  forms: SubstanceSpec['forms'],
  o: Options = {},
): SubstanceSpec => ({
  atc,
  substance,
  forms,
  popularity,
  inpatient: o.inpatient ?? 0.04,
  dose: o.dose ?? 0,
  price: o.price ?? 80,
  species: 'human',
  ...(o.prioritised ? { prioritised: o.prioritised } : {}),
  ...(o.stateStock ? { stateStock: true } : {}),
  ...(o.municipal ? { municipal: true } : {}),
  ...(o.core ? { core: true } : {}),
});

const vet = (
  atc: string,
  substance: string,
  popularity: SubstanceSpec['popularity'],
  forms: SubstanceSpec['forms'],
  o: Options = {},
): SubstanceSpec => ({
  ...h(atc, substance, popularity, forms, { price: 250, ...o }),
  species: 'veterinary',
  inpatient: 0,
});

const P = (careArea: string, form?: FormKey): NonNullable<SubstanceSpec['prioritised']> =>
  form ? { careArea, form } : { careArea };

const INTENSIVE = 'intensivvård';
const ACUTE = 'akutsjukvård';
const INPATIENT = 'sluten vård';
const INFECTION = 'infektionsvård';
const OBSTETRIC = 'förlossningsvård';
const ANAESTHESIA = 'operation och anestesi';
const CANCER = 'cancervård';
const PSYCH = 'psykiatrisk akutvård';
const CHILDREN = 'barnsjukvård';

/** About 190 real substances across the ATC groups that matter for preparedness. */
export const SUBSTANCES: readonly SubstanceSpec[] = [
  // A Alimentary tract and metabolism
  h('A02BC01', 'omeprazol', 5, { kaps: ['10 mg', '20 mg', '40 mg'] }, { dose: 0.15, price: 45 }),
  h(
    'A02BC02',
    'pantoprazol',
    4,
    { etab: ['20 mg', '40 mg'], injfl: ['40 mg'] },
    { inpatient: 0.15, dose: 0.1, price: 50, prioritised: P(ACUTE, 'injfl') },
  ),
  h('A02BC05', 'esomeprazol', 4, { etab: ['20 mg', '40 mg'] }, { dose: 0.1, price: 60 }),
  h('A03FA01', 'metoklopramid', 3, { tab: ['10 mg'], inj: ['5 mg/ml'] }, { inpatient: 0.3, price: 40 }),
  h(
    'A04AA01',
    'ondansetron',
    3,
    { ftab: ['4 mg', '8 mg'], inj: ['2 mg/ml'] },
    { inpatient: 0.4, price: 120, prioritised: P(CANCER) },
  ),
  h('A06AD11', 'laktulos', 4, { olsn: ['670 mg/ml'] }, { dose: 0.1, price: 55, municipal: true }),
  h('A06AD65', 'makrogol, kombinationer', 4, { dospulv: ['13,7 g'] }, { dose: 0.1, price: 90 }),
  h('A06AB08', 'natriumpikosulfat', 3, { odr: ['7,5 mg/ml'] }, { price: 60 }),
  h('A07DA03', 'loperamid', 3, { kaps: ['2 mg'] }, { price: 40 }),
  h('A07EC02', 'mesalazin', 3, { etab: ['500 mg', '800 mg'] }, { price: 450 }),
  h(
    'A10AB05',
    'insulin aspart',
    4,
    { penn: ['100 E/ml'] },
    { price: 320, prioritised: P(INPATIENT), core: true, municipal: true },
  ),
  h('A10AB04', 'insulin lispro', 3, { penn: ['100 E/ml', '200 E/ml'] }, { price: 320 }),
  h('A10AC01', 'insulin (human), isofan', 3, { penn: ['100 E/ml'] }, { price: 280 }),
  h('A10AE04', 'insulin glargin', 4, { penn: ['100 E/ml', '300 E/ml'] }, { price: 450, core: true }),
  h('A10AE05', 'insulin detemir', 2, { penn: ['100 E/ml'] }, { price: 480 }),
  h(
    'A10AB01',
    'insulin (human), snabbverkande',
    2,
    { inj: ['100 E/ml'] },
    { inpatient: 0.6, price: 200, prioritised: P(INTENSIVE) },
  ),
  h(
    'A10BA02',
    'metformin',
    5,
    { ftab: ['500 mg', '850 mg', '1000 mg'] },
    { dose: 0.2, price: 40, core: true },
  ),
  h('A10BB12', 'glimepirid', 2, { tab: ['1 mg', '2 mg', '3 mg'] }, { dose: 0.2, price: 45 }),
  h('A10BH01', 'sitagliptin', 3, { ftab: ['25 mg', '50 mg', '100 mg'] }, { price: 300 }),
  h('A10BK01', 'dapagliflozin', 4, { ftab: ['5 mg', '10 mg'] }, { price: 420 }),
  h('A10BK03', 'empagliflozin', 4, { ftab: ['10 mg', '25 mg'] }, { price: 430 }),
  h('A10BJ02', 'liraglutid', 3, { penn: ['6 mg/ml'] }, { price: 900 }),
  h('A10BJ06', 'semaglutid', 4, { penn: ['1,34 mg/ml', '2,68 mg/ml'] }, { price: 1100 }),
  h('A11CC05', 'kolekalciferol', 4, { tab: ['800 IE', '1600 IE'] }, { price: 70 }),
  h(
    'A12AX',
    'kalciumkarbonat och kolekalciferol',
    4,
    { ttab: ['500 mg/400 IE', '500 mg/800 IE'] },
    { dose: 0.2, price: 80 },
  ),
  h('A12BA01', 'kaliumklorid', 3, { dtab: ['750 mg', '1 g'] }, { dose: 0.2, price: 60 }),
  h(
    'A12CC02',
    'magnesiumsulfat',
    1,
    { inj: ['246 mg/ml'] },
    { inpatient: 0.95, price: 150, prioritised: P(OBSTETRIC) },
  ),
  h(
    'A12AA03',
    'kalciumglukonat',
    1,
    { inj: ['100 mg/ml'] },
    { inpatient: 0.95, price: 130, prioritised: P(INTENSIVE) },
  ),
  // B Blood and blood forming organs
  h('B01AA03', 'warfarin', 3, { tab: ['2,5 mg'] }, { dose: 0.3, price: 60 }),
  h(
    'B01AB05',
    'enoxaparin',
    4,
    { spruta: ['20 mg', '40 mg', '60 mg', '80 mg', '100 mg'] },
    { inpatient: 0.5, price: 350, prioritised: P(INPATIENT), core: true },
  ),
  h(
    'B01AB04',
    'dalteparin',
    3,
    { spruta: ['2500 IE', '5000 IE', '10000 IE'] },
    { inpatient: 0.5, price: 330, prioritised: P(INPATIENT) },
  ),
  h('B01AC06', 'acetylsalicylsyra', 5, { tab: ['75 mg'] }, { dose: 0.3, price: 30 }),
  h('B01AC04', 'klopidogrel', 3, { ftab: ['75 mg'] }, { dose: 0.2, price: 50 }),
  h('B01AC24', 'tikagrelor', 3, { ftab: ['60 mg', '90 mg'] }, { price: 500 }),
  h('B01AF01', 'rivaroxaban', 4, { ftab: ['10 mg', '15 mg', '20 mg'] }, { dose: 0.2, price: 600 }),
  h('B01AF02', 'apixaban', 5, { ftab: ['2,5 mg', '5 mg'] }, { dose: 0.25, price: 550 }),
  h('B01AE07', 'dabigatranetexilat', 2, { kaps: ['110 mg', '150 mg'] }, { price: 520 }),
  h('B01AD02', 'alteplas', 1, { injfl: ['50 mg'] }, { inpatient: 1, price: 6500, prioritised: P(ACUTE) }),
  h(
    'B02AA02',
    'tranexamsyra',
    3,
    { ftab: ['500 mg'], inj: ['100 mg/ml'] },
    { inpatient: 0.4, price: 110, prioritised: P(ACUTE, 'inj'), stateStock: true },
  ),
  h(
    'B02BA01',
    'fytomenadion',
    1,
    { inj: ['10 mg/ml'] },
    { inpatient: 0.9, price: 140, prioritised: P(ACUTE) },
  ),
  h('B03AA07', 'järn(II)sulfat', 4, { dtab: ['100 mg'] }, { price: 60 }),
  h('B03AC', 'järnkarboximaltos', 2, { inj: ['50 mg/ml'] }, { inpatient: 0.6, price: 900 }),
  h('B03BA01', 'cyanokobalamin', 4, { tab: ['1 mg'] }, { dose: 0.2, price: 70 }),
  h('B03BB01', 'folsyra', 3, { tab: ['1 mg', '5 mg'] }, { dose: 0.1, price: 40 }),
  h(
    'B05AA01',
    'albumin',
    2,
    { inf: ['50 mg/ml'], infs: ['200 mg/ml'] },
    { inpatient: 1, price: 1800, prioritised: P(INTENSIVE), stateStock: true },
  ),
  h(
    'B05BA03',
    'glukos',
    4,
    { inf: ['50 mg/ml', '100 mg/ml'], infs: ['300 mg/ml'] },
    { inpatient: 1, price: 240, prioritised: P(INPATIENT), stateStock: true, core: true },
  ),
  h(
    'B05BB01',
    'natriumklorid',
    5,
    { inf: ['9 mg/ml'], infs: ['9 mg/ml'] },
    { inpatient: 0.97, price: 220, prioritised: P(INPATIENT), stateStock: true, core: true, municipal: true },
  ),
  h(
    'B05BB01',
    'Ringer-acetat',
    4,
    { inf: ['Na 130 mmol/l'] },
    { inpatient: 1, price: 250, prioritised: P(INTENSIVE), stateStock: true },
  ),
  h('B05BB02', 'glukos med elektrolyter', 2, { inf: ['Na 40 mmol/l'] }, { inpatient: 1, price: 260 }),
  h(
    'B05XA01',
    'kaliumklorid',
    2,
    { konc: ['1 mmol/ml'] },
    { inpatient: 1, price: 180, prioritised: P(INTENSIVE) },
  ),
  h(
    'B05XA02',
    'natriumvätekarbonat',
    1,
    { infs: ['50 mg/ml'] },
    { inpatient: 1, price: 300, prioritised: P(INTENSIVE) },
  ),
  h('B05BC01', 'mannitol', 1, { inf: ['150 mg/ml'] }, { inpatient: 1, price: 320 }),
  // C Cardiovascular system
  h('C01AA05', 'digoxin', 2, { tab: ['0,13 mg', '0,25 mg'] }, { dose: 0.3, price: 60 }),
  h(
    'C01BD01',
    'amiodaron',
    2,
    { tab: ['100 mg', '200 mg'], inj: ['50 mg/ml'] },
    { inpatient: 0.3, price: 150, prioritised: P(ACUTE, 'inj') },
  ),
  h(
    'C01CA24',
    'adrenalin',
    3,
    { inj: ['1 mg/ml', '0,1 mg/ml'], penn: ['150 mikrog', '300 mikrog'] },
    { inpatient: 0.4, price: 180, prioritised: P(ACUTE), stateStock: true, municipal: true },
  ),
  h(
    'C01CA03',
    'noradrenalin',
    2,
    { konc: ['1 mg/ml'] },
    { inpatient: 1, price: 400, prioritised: P(INTENSIVE) },
  ),
  h('C01DA02', 'glyceryltrinitrat', 3, { resor: ['0,25 mg', '0,5 mg'], spr: ['0,4 mg/dos'] }, { price: 90 }),
  h('C01DA14', 'isosorbidmononitrat', 2, { dtab: ['30 mg', '60 mg'] }, { dose: 0.3, price: 70 }),
  h(
    'C03CA01',
    'furosemid',
    4,
    { tab: ['20 mg', '40 mg'], inj: ['10 mg/ml'] },
    { inpatient: 0.25, dose: 0.3, price: 50, prioritised: P(INPATIENT, 'inj'), core: true, municipal: true },
  ),
  h('C03AA03', 'hydroklortiazid', 3, { tab: ['12,5 mg', '25 mg'] }, { dose: 0.25, price: 40 }),
  h('C03DA01', 'spironolakton', 3, { tab: ['25 mg', '50 mg', '100 mg'] }, { dose: 0.3, price: 55 }),
  h(
    'C07AB02',
    'metoprolol',
    5,
    { dtab: ['25 mg', '50 mg', '100 mg', '200 mg'], inj: ['1 mg/ml'] },
    { inpatient: 0.05, dose: 0.3, price: 60, core: true },
  ),
  h('C07AB07', 'bisoprolol', 4, { ftab: ['2,5 mg', '5 mg', '10 mg'] }, { dose: 0.3, price: 45 }),
  h('C07AG02', 'karvedilol', 2, { tab: ['6,25 mg', '12,5 mg', '25 mg'] }, { dose: 0.3, price: 55 }),
  h('C08CA01', 'amlodipin', 5, { tab: ['5 mg', '10 mg'] }, { dose: 0.25, price: 35 }),
  h('C08CA02', 'felodipin', 4, { dtab: ['2,5 mg', '5 mg', '10 mg'] }, { dose: 0.25, price: 45 }),
  h('C09AA05', 'ramipril', 4, { kaps: ['1,25 mg', '2,5 mg', '5 mg', '10 mg'] }, { dose: 0.25, price: 40 }),
  h('C09AA02', 'enalapril', 4, { tab: ['5 mg', '10 mg', '20 mg'] }, { dose: 0.25, price: 40 }),
  h('C09CA01', 'losartan', 5, { ftab: ['12,5 mg', '50 mg', '100 mg'] }, { dose: 0.25, price: 40 }),
  h('C09CA06', 'kandesartan', 4, { tab: ['4 mg', '8 mg', '16 mg', '32 mg'] }, { dose: 0.2, price: 45 }),
  h('C09DA01', 'losartan och diuretika', 3, { ftab: ['50 mg/12,5 mg', '100 mg/12,5 mg'] }, { price: 60 }),
  h('C10AA01', 'simvastatin', 4, { ftab: ['20 mg', '40 mg'] }, { dose: 0.25, price: 35 }),
  h(
    'C10AA05',
    'atorvastatin',
    5,
    { ftab: ['10 mg', '20 mg', '40 mg', '80 mg'] },
    { dose: 0.25, price: 40, core: true },
  ),
  h('C10AA07', 'rosuvastatin', 3, { ftab: ['5 mg', '10 mg', '20 mg'] }, { price: 60 }),
  h('C10AX09', 'ezetimib', 3, { tab: ['10 mg'] }, { price: 70 }),
  // D Dermatologicals
  h('D07AC01', 'betametason', 3, { krm: ['0,1 %'] }, { price: 70 }),
  h('D07AB02', 'hydrokortisonbutyrat', 3, { krm: ['0,1 %'] }, { price: 65 }),
  h('D08AC02', 'klorhexidin', 3, { kutan: ['5 mg/ml'] }, { inpatient: 0.5, price: 60 }),
  // G Genito-urinary system and sex hormones
  h('G03AC09', 'desogestrel', 4, { ftab: ['75 mikrog'] }, { price: 90 }),
  h('G03CA03', 'estradiol', 3, { vtab: ['10 mikrog'] }, { price: 130 }),
  h('G04BD08', 'solifenacin', 3, { ftab: ['5 mg', '10 mg'] }, { dose: 0.15, price: 120 }),
  h('G04CA02', 'tamsulosin', 4, { dkaps: ['0,4 mg'] }, { dose: 0.15, price: 60 }),
  h(
    'G02AD06',
    'misoprostol',
    1,
    { tab: ['25 mikrog', '200 mikrog'] },
    { inpatient: 0.6, price: 160, prioritised: P(OBSTETRIC) },
  ),
  // H Systemic hormonal preparations
  h('H01BB02', 'oxytocin', 2, { inj: ['10 IE/ml'] }, { inpatient: 1, price: 120, prioritised: P(OBSTETRIC) }),
  h(
    'H02AB06',
    'prednisolon',
    5,
    { tab: ['2,5 mg', '5 mg', '10 mg'] },
    { dose: 0.15, price: 40, prioritised: P(INPATIENT), core: true },
  ),
  h(
    'H02AB04',
    'metylprednisolon',
    2,
    { injfl: ['40 mg', '125 mg', '500 mg'] },
    { inpatient: 0.9, price: 160, prioritised: P(ACUTE) },
  ),
  h(
    'H02AB02',
    'dexametason',
    3,
    { tab: ['1 mg', '4 mg'], inj: ['4 mg/ml'] },
    { inpatient: 0.5, price: 90, prioritised: P(INTENSIVE) },
  ),
  h(
    'H02AB01',
    'betametason',
    3,
    { tab: ['0,5 mg'], inj: ['4 mg/ml'] },
    { inpatient: 0.2, price: 80, prioritised: P(ACUTE) },
  ),
  h(
    'H02AB09',
    'hydrokortison',
    3,
    { tab: ['10 mg'], injfl: ['100 mg'] },
    { inpatient: 0.3, price: 110, prioritised: P(ACUTE) },
  ),
  h(
    'H03AA01',
    'levotyroxinnatrium',
    5,
    { tab: ['25 mikrog', '50 mikrog', '75 mikrog', '100 mikrog', '125 mikrog'] },
    { dose: 0.2, price: 40 },
  ),
  h('H03BB02', 'tiamazol', 2, { tab: ['5 mg'] }, { price: 60 }),
  // J Anti-infectives for systemic use
  h('J01AA02', 'doxycyklin', 4, { tab: ['100 mg'] }, { price: 60, stateStock: true }),
  h('J01AA04', 'lymecyklin', 3, { kaps: ['300 mg'] }, { price: 110 }),
  h(
    'J01CA04',
    'amoxicillin',
    5,
    { kaps: ['500 mg', '750 mg'], tab: ['500 mg', '750 mg', '1 g'], susp: ['50 mg/ml', '100 mg/ml'] },
    { inpatient: 0.05, price: 60, prioritised: P(INFECTION), core: true, municipal: true },
  ),
  h(
    'J01CE02',
    'fenoximetylpenicillin',
    5,
    { ftab: ['400 mg', '800 mg', '1 g'], susp: ['50 mg/ml', '100 mg/ml'] },
    { inpatient: 0.03, price: 55, prioritised: P(INFECTION), core: true, municipal: true },
  ),
  h(
    'J01CE01',
    'bensylpenicillin',
    3,
    { injfl: ['1 g', '3 g'] },
    { inpatient: 0.95, price: 200, prioritised: P(INFECTION), stateStock: true, core: true },
  ),
  h(
    'J01CF05',
    'flukloxacillin',
    4,
    { kaps: ['500 mg', '750 mg', '1 g'], injfl: ['1 g', '2 g'] },
    { inpatient: 0.3, price: 90, prioritised: P(INFECTION) },
  ),
  h(
    'J01CR02',
    'amoxicillin och betalaktamashämmare',
    3,
    { ftab: ['500 mg/125 mg', '875 mg/125 mg'], susp: ['50 mg/12,5 mg/ml'] },
    { price: 95 },
  ),
  h(
    'J01CR05',
    'piperacillin och betalaktamashämmare',
    2,
    { injfl: ['4 g/0,5 g'] },
    { inpatient: 1, price: 700, prioritised: P(INTENSIVE) },
  ),
  h(
    'J01CA01',
    'ampicillin',
    1,
    { injfl: ['1 g', '2 g'] },
    { inpatient: 1, price: 180, prioritised: P(INFECTION) },
  ),
  h('J01CA08', 'pivmecillinam', 4, { ftab: ['200 mg', '400 mg'] }, { price: 75 }),
  h('J01DB01', 'cefalexin', 3, { kaps: ['250 mg', '500 mg'], susp: ['25 mg/ml'] }, { price: 85 }),
  h(
    'J01DC02',
    'cefuroxim',
    3,
    { injfl: ['750 mg', '1,5 g'] },
    { inpatient: 1, price: 300, prioritised: P(INFECTION) },
  ),
  h(
    'J01DD04',
    'ceftriaxon',
    2,
    { injfl: ['1 g', '2 g'] },
    { inpatient: 0.95, price: 320, prioritised: P(INFECTION) },
  ),
  h(
    'J01DD01',
    'cefotaxim',
    3,
    { injfl: ['1 g', '2 g'] },
    { inpatient: 1, price: 280, prioritised: P(INTENSIVE), stateStock: true, core: true },
  ),
  h('J01DD02', 'ceftazidim', 1, { injfl: ['1 g', '2 g'] }, { inpatient: 1, price: 420 }),
  h(
    'J01DH02',
    'meropenem',
    2,
    { injfl: ['500 mg', '1 g'] },
    { inpatient: 1, price: 800, prioritised: P(INTENSIVE) },
  ),
  h('J01EA01', 'trimetoprim', 3, { tab: ['100 mg', '160 mg'] }, { price: 45, municipal: true }),
  h(
    'J01EE01',
    'sulfametoxazol och trimetoprim',
    3,
    { tab: ['800 mg/160 mg'], osusp: ['40 mg/8 mg/ml'] },
    { price: 70, prioritised: P(INFECTION) },
  ),
  h('J01FA09', 'klaritromycin', 2, { ftab: ['250 mg', '500 mg'] }, { price: 90 }),
  h('J01FA10', 'azitromycin', 3, { tab: ['250 mg', '500 mg'], susp: ['40 mg/ml'] }, { price: 95 }),
  h('J01FA01', 'erytromycin', 2, { ftab: ['250 mg', '500 mg'] }, { price: 90 }),
  h(
    'J01FF01',
    'klindamycin',
    4,
    { kaps: ['150 mg', '300 mg'], inj: ['150 mg/ml'] },
    { inpatient: 0.2, price: 110, prioritised: P(INFECTION) },
  ),
  h(
    'J01GB03',
    'gentamicin',
    2,
    { inj: ['10 mg/ml', '40 mg/ml'] },
    { inpatient: 1, price: 250, prioritised: P(INTENSIVE) },
  ),
  h(
    'J01MA02',
    'ciprofloxacin',
    4,
    { ftab: ['250 mg', '500 mg', '750 mg'], infs: ['2 mg/ml'] },
    { inpatient: 0.1, price: 70, stateStock: true },
  ),
  h('J01MA12', 'levofloxacin', 1, { ftab: ['500 mg'] }, { price: 150 }),
  h(
    'J01XA01',
    'vankomycin',
    2,
    { injfl: ['500 mg', '1 g'] },
    { inpatient: 1, price: 350, prioritised: P(INFECTION) },
  ),
  h('J01XE01', 'nitrofurantoin', 4, { tab: ['50 mg'] }, { price: 60, municipal: true }),
  h('J01XX05', 'metenaminhippurat', 3, { tab: ['1 g'] }, { dose: 0.2, price: 70 }),
  h(
    'J01XD01',
    'metronidazol',
    2,
    { infs: ['5 mg/ml'] },
    { inpatient: 1, price: 200, prioritised: P(INFECTION) },
  ),
  h(
    'J02AC01',
    'flukonazol',
    3,
    { kaps: ['50 mg', '150 mg', '200 mg'], infs: ['2 mg/ml'] },
    { inpatient: 0.2, price: 90 },
  ),
  h('J04AB02', 'rifampicin', 1, { kaps: ['150 mg', '300 mg'] }, { price: 200, prioritised: P(INFECTION) }),
  h(
    'J05AB01',
    'aciklovir',
    3,
    { tab: ['200 mg', '400 mg', '800 mg'], injfl: ['250 mg', '500 mg'] },
    { inpatient: 0.2, price: 100, prioritised: P(INFECTION, 'injfl') },
  ),
  h('J05AB11', 'valaciklovir', 3, { ftab: ['250 mg', '500 mg'] }, { price: 120 }),
  h(
    'J05AH02',
    'oseltamivir',
    2,
    { kaps: ['30 mg', '45 mg', '75 mg'] },
    { price: 250, prioritised: P(INFECTION), stateStock: true },
  ),
  // L Antineoplastic and immunomodulating agents
  h(
    'L01BA01',
    'metotrexat',
    3,
    { tab: ['2,5 mg', '10 mg'], spruta: ['10 mg', '15 mg', '20 mg', '25 mg'] },
    { price: 200 },
  ),
  h(
    'L01BC02',
    'fluorouracil',
    1,
    { inj: ['50 mg/ml'] },
    { inpatient: 1, price: 300, prioritised: P(CANCER) },
  ),
  h(
    'L01XA01',
    'cisplatin',
    1,
    { konc: ['1 mg/ml'] },
    { inpatient: 1, price: 450, prioritised: P(CANCER), core: true },
  ),
  h('L01XA03', 'oxaliplatin', 1, { konc: ['5 mg/ml'] }, { inpatient: 1, price: 900, prioritised: P(CANCER) }),
  h(
    'L01XA02',
    'karboplatin',
    1,
    { konc: ['10 mg/ml'] },
    { inpatient: 1, price: 700, prioritised: P(CANCER) },
  ),
  h('L01CD01', 'paklitaxel', 1, { konc: ['6 mg/ml'] }, { inpatient: 1, price: 1200, prioritised: P(CANCER) }),
  h('L01CD02', 'docetaxel', 1, { konc: ['20 mg/ml'] }, { inpatient: 1, price: 1500 }),
  h('L01DB01', 'doxorubicin', 1, { konc: ['2 mg/ml'] }, { inpatient: 1, price: 800, prioritised: P(CANCER) }),
  h('L01CA02', 'vinkristin', 1, { inj: ['1 mg/ml'] }, { inpatient: 1, price: 600, prioritised: P(CANCER) }),
  h(
    'L01BC01',
    'cytarabin',
    1,
    { inj: ['20 mg/ml', '100 mg/ml'] },
    { inpatient: 1, price: 700, prioritised: P(CANCER) },
  ),
  h(
    'L01AA01',
    'cyklofosfamid',
    1,
    { injfl: ['500 mg', '1 g'] },
    { inpatient: 1, price: 500, prioritised: P(CANCER) },
  ),
  h('L01FA01', 'rituximab', 1, { konc: ['10 mg/ml'] }, { inpatient: 1, price: 9000, prioritised: P(CANCER) }),
  h('L01EA01', 'imatinib', 1, { ftab: ['100 mg', '400 mg'] }, { price: 4000 }),
  h('L01BC06', 'kapecitabin', 1, { ftab: ['150 mg', '500 mg'] }, { price: 1500 }),
  h('L02BA01', 'tamoxifen', 2, { tab: ['10 mg', '20 mg'] }, { price: 120 }),
  h('L02BG04', 'letrozol', 3, { ftab: ['2,5 mg'] }, { price: 110 }),
  h('L02BG03', 'anastrozol', 2, { ftab: ['1 mg'] }, { price: 110 }),
  h('L04AD01', 'ciklosporin', 1, { kaps: ['25 mg', '50 mg', '100 mg'] }, { price: 900 }),
  h('L04AD02', 'takrolimus', 2, { kaps: ['0,5 mg', '1 mg', '5 mg'] }, { price: 1100 }),
  h('L04AB04', 'adalimumab', 2, { penn: ['40 mg'] }, { price: 4500 }),
  // M Musculo-skeletal system
  h('M01AE01', 'ibuprofen', 5, { ftab: ['200 mg', '400 mg', '600 mg'], osusp: ['20 mg/ml'] }, { price: 45 }),
  h('M01AE02', 'naproxen', 4, { tab: ['250 mg', '500 mg'] }, { price: 50 }),
  h('M01AB05', 'diklofenak', 3, { etab: ['25 mg', '50 mg'] }, { price: 45 }),
  h('M01AH01', 'celecoxib', 2, { kaps: ['100 mg', '200 mg'] }, { price: 90 }),
  h(
    'M03AC09',
    'rokuronium',
    1,
    { inj: ['10 mg/ml'] },
    { inpatient: 1, price: 350, prioritised: P(ANAESTHESIA) },
  ),
  h(
    'M03AB01',
    'suxameton',
    1,
    { inj: ['50 mg/ml'] },
    { inpatient: 1, price: 250, prioritised: P(ANAESTHESIA) },
  ),
  h('M04AA01', 'allopurinol', 3, { tab: ['100 mg', '300 mg'] }, { dose: 0.2, price: 45 }),
  h('M05BA04', 'alendronsyra', 3, { tab: ['70 mg'] }, { dose: 0.2, price: 60 }),
  // N Nervous system
  h(
    'N01AX10',
    'propofol',
    2,
    { emul: ['10 mg/ml', '20 mg/ml'] },
    { inpatient: 1, price: 300, prioritised: P(ANAESTHESIA) },
  ),
  h(
    'N01AX03',
    'ketamin',
    1,
    { inj: ['10 mg/ml', '50 mg/ml'] },
    { inpatient: 1, price: 220, prioritised: P(ANAESTHESIA) },
  ),
  h(
    'N01BB01',
    'bupivakain',
    2,
    { inj: ['2,5 mg/ml', '5 mg/ml'] },
    { inpatient: 1, price: 200, prioritised: P(ANAESTHESIA) },
  ),
  h(
    'N01BB02',
    'lidokain',
    2,
    { inj: ['10 mg/ml', '20 mg/ml'] },
    { inpatient: 0.9, price: 150, prioritised: P(ANAESTHESIA) },
  ),
  h(
    'N01AH01',
    'fentanyl',
    3,
    { inj: ['50 mikrog/ml'], plst: ['12 mikrog/timme', '25 mikrog/timme', '50 mikrog/timme'] },
    { inpatient: 0.4, price: 260, prioritised: P(ANAESTHESIA, 'inj') },
  ),
  h(
    'N02AA01',
    'morfin',
    3,
    { dtab: ['10 mg', '30 mg'], inj: ['10 mg/ml', '1 mg/ml'] },
    { inpatient: 0.4, price: 120, prioritised: P(INPATIENT), stateStock: true, core: true, municipal: true },
  ),
  h(
    'N02AA05',
    'oxikodon',
    4,
    { kaps: ['5 mg', '10 mg'], dtab: ['5 mg', '10 mg', '20 mg', '40 mg'], inj: ['10 mg/ml'] },
    { inpatient: 0.15, dose: 0.1, price: 130, municipal: true },
  ),
  h('N02AX02', 'tramadol', 3, { kaps: ['50 mg'], dtab: ['100 mg', '150 mg', '200 mg'] }, { price: 70 }),
  h('N02AJ06', 'kodein och paracetamol', 3, { tab: ['500 mg/30 mg'] }, { price: 70 }),
  h(
    'N02BE01',
    'paracetamol',
    5,
    {
      tab: ['500 mg', '1 g'],
      dtab: ['665 mg'],
      supp: ['125 mg', '250 mg', '500 mg', '1 g'],
      olsn: ['24 mg/ml'],
      infs: ['10 mg/ml'],
    },
    {
      inpatient: 0.15,
      dose: 0.25,
      price: 35,
      prioritised: P(INPATIENT, 'infs'),
      core: true,
      municipal: true,
    },
  ),
  h('N02BA01', 'acetylsalicylsyra', 3, { btab: ['500 mg'] }, { price: 40 }),
  h('N02CC01', 'sumatriptan', 3, { ftab: ['50 mg', '100 mg'] }, { price: 80 }),
  h(
    'N03AX14',
    'levetiracetam',
    3,
    { ftab: ['250 mg', '500 mg', '1000 mg'], konc: ['100 mg/ml'] },
    { inpatient: 0.15, dose: 0.15, price: 150, prioritised: P(ACUTE, 'konc') },
  ),
  h('N03AF01', 'karbamazepin', 2, { dtab: ['200 mg', '400 mg'] }, { dose: 0.2, price: 90 }),
  h('N03AG01', 'valproinsyra', 2, { etab: ['300 mg', '500 mg'] }, { dose: 0.2, price: 110 }),
  h('N03AX09', 'lamotrigin', 3, { tab: ['25 mg', '50 mg', '100 mg', '200 mg'] }, { dose: 0.15, price: 90 }),
  h('N03AX16', 'pregabalin', 4, { kaps: ['25 mg', '75 mg', '150 mg', '300 mg'] }, { dose: 0.1, price: 80 }),
  h('N03AX12', 'gabapentin', 3, { kaps: ['300 mg', '400 mg'] }, { dose: 0.1, price: 90 }),
  h('N03AE01', 'klonazepam', 2, { tab: ['0,5 mg', '2 mg'] }, { price: 60 }),
  h(
    'N05AD01',
    'haloperidol',
    2,
    { tab: ['1 mg', '5 mg'], inj: ['5 mg/ml'] },
    { inpatient: 0.3, dose: 0.2, price: 80, prioritised: P(PSYCH, 'inj'), municipal: true },
  ),
  h(
    'N05AH03',
    'olanzapin',
    3,
    { ftab: ['5 mg', '10 mg', '20 mg'] },
    { dose: 0.2, price: 90, prioritised: P(PSYCH), core: true },
  ),
  h('N05AH04', 'kvetiapin', 4, { ftab: ['25 mg', '100 mg', '200 mg', '300 mg'] }, { dose: 0.2, price: 70 }),
  h('N05AX08', 'risperidon', 3, { ftab: ['0,5 mg', '1 mg', '2 mg'] }, { dose: 0.25, price: 70 }),
  h('N05AN01', 'litium', 2, { dtab: ['6 mmol'] }, { dose: 0.2, price: 80, prioritised: P(PSYCH) }),
  h(
    'N05BA01',
    'diazepam',
    3,
    { tab: ['2 mg', '5 mg', '10 mg'], inj: ['5 mg/ml'], rekt: ['5 mg', '10 mg'] },
    { inpatient: 0.2, price: 60, prioritised: P(ACUTE, 'rekt') },
  ),
  h(
    'N05BA04',
    'oxazepam',
    4,
    { tab: ['5 mg', '10 mg', '15 mg', '25 mg'] },
    { dose: 0.25, price: 45, municipal: true },
  ),
  h('N05BB01', 'hydroxizin', 3, { ftab: ['10 mg', '25 mg'] }, { price: 50 }),
  h(
    'N05CD08',
    'midazolam',
    2,
    { inj: ['1 mg/ml', '5 mg/ml'], munlsn: ['2,5 mg', '5 mg', '7,5 mg', '10 mg'] },
    { inpatient: 0.7, price: 200, prioritised: P(INPATIENT), municipal: true },
  ),
  h('N05CF01', 'zopiklon', 5, { ftab: ['5 mg', '7,5 mg'] }, { dose: 0.2, price: 40 }),
  h('N05CF02', 'zolpidem', 3, { ftab: ['5 mg', '10 mg'] }, { price: 45 }),
  h('N05CH01', 'melatonin', 4, { dtab: ['2 mg'], tab: ['1 mg', '3 mg', '5 mg'] }, { dose: 0.15, price: 90 }),
  h('N06AB06', 'sertralin', 5, { ftab: ['25 mg', '50 mg', '100 mg'] }, { dose: 0.15, price: 40, core: true }),
  h('N06AB10', 'escitalopram', 4, { ftab: ['5 mg', '10 mg', '15 mg', '20 mg'] }, { dose: 0.15, price: 45 }),
  h('N06AB04', 'citalopram', 4, { ftab: ['10 mg', '20 mg', '40 mg'] }, { dose: 0.2, price: 40 }),
  h('N06AB03', 'fluoxetin', 3, { tab: ['20 mg'] }, { price: 45 }),
  h('N06AX11', 'mirtazapin', 4, { mtab: ['15 mg', '30 mg', '45 mg'] }, { dose: 0.25, price: 50 }),
  h('N06AX16', 'venlafaxin', 3, { dkaps: ['37,5 mg', '75 mg', '150 mg'] }, { price: 70 }),
  h('N06AX12', 'bupropion', 2, { dtab: ['150 mg', '300 mg'] }, { price: 150 }),
  h('N06BA04', 'metylfenidat', 4, { dtab: ['18 mg', '27 mg', '36 mg', '54 mg'] }, { price: 400 }),
  h('N06DA02', 'donepezil', 3, { ftab: ['5 mg', '10 mg'] }, { dose: 0.35, price: 60 }),
  h('N06DX01', 'memantin', 2, { ftab: ['10 mg', '20 mg'] }, { dose: 0.35, price: 70 }),
  h('N04BA02', 'levodopa och dekarboxylashämmare', 3, { tab: ['100 mg/25 mg'] }, { dose: 0.3, price: 150 }),
  h('N07BC02', 'metadon', 1, { olsn: ['1 mg/ml'] }, { price: 200 }),
  // P Antiparasitic products
  h('P01AB01', 'metronidazol', 3, { tab: ['400 mg', '500 mg'] }, { price: 70 }),
  h('P01BA02', 'hydroxiklorokin', 2, { ftab: ['200 mg'] }, { price: 110 }),
  h('P02CA01', 'mebendazol', 3, { ttab: ['100 mg'] }, { price: 60 }),
  // R Respiratory system
  h(
    'R03AC02',
    'salbutamol',
    4,
    { inhs: ['0,1 mg/dos'], neb: ['1 mg/ml', '2 mg/ml'] },
    { inpatient: 0.1, price: 90, prioritised: P(ACUTE, 'neb'), core: true },
  ),
  h('R03AC03', 'terbutalin', 4, { inhp: ['0,5 mg/dos'] }, { price: 110 }),
  h(
    'R03AK07',
    'formoterol och budesonid',
    5,
    { inhp: ['80/4,5 mikrog/dos', '160/4,5 mikrog/dos', '320/9 mikrog/dos'] },
    { price: 420, core: true },
  ),
  h(
    'R03AK06',
    'salmeterol och flutikason',
    3,
    { inhp: ['50/250 mikrog/dos', '50/500 mikrog/dos'], inhs: ['25/125 mikrog/dos'] },
    { price: 380 },
  ),
  h(
    'R03BA02',
    'budesonid',
    4,
    { inhp: ['100 mikrog/dos', '200 mikrog/dos', '400 mikrog/dos'], neb: ['0,25 mg/ml', '0,5 mg/ml'] },
    { price: 260, prioritised: P(CHILDREN, 'neb') },
  ),
  h(
    'R03BA05',
    'flutikason',
    3,
    { inhs: ['50 mikrog/dos', '125 mikrog/dos', '250 mikrog/dos'] },
    { price: 240, prioritised: P(CHILDREN) },
  ),
  h('R03BB04', 'tiotropium', 3, { inhp: ['18 mikrog'] }, { price: 450 }),
  h('R03BB01', 'ipratropium', 2, { neb: ['0,25 mg/ml'] }, { inpatient: 0.5, price: 150 }),
  h('R03DC03', 'montelukast', 4, { ttab: ['4 mg', '5 mg'], ftab: ['10 mg'] }, { price: 80 }),
  h('R05CB01', 'acetylcystein', 3, { btab: ['200 mg'] }, { price: 60 }),
  h('R06AE07', 'cetirizin', 5, { ftab: ['10 mg'] }, { price: 40 }),
  h('R06AX27', 'desloratadin', 4, { ftab: ['5 mg'] }, { price: 60 }),
  h('R06AX13', 'loratadin', 4, { tab: ['10 mg'] }, { price: 40 }),
  h('R06AA04', 'klemastin', 1, { inj: ['1 mg/ml'] }, { inpatient: 0.8, price: 160, prioritised: P(ACUTE) }),
  h('R01AD09', 'mometason', 5, { nas: ['50 mikrog/dos'] }, { price: 110 }),
  h('R01AA07', 'xylometazolin', 4, { nas: ['0,5 mg/ml', '1 mg/ml'] }, { price: 40 }),
  // S Sensory organs
  h('S01AA01', 'kloramfenikol', 4, { ogon: ['5 mg/ml'] }, { price: 50 }),
  h('S01EE01', 'latanoprost', 3, { ogon: ['50 mikrog/ml'] }, { dose: 0.1, price: 120 }),
  // V Various: antidotes
  h(
    'V03AB15',
    'naloxon',
    2,
    { inj: ['0,4 mg/ml'], nas: ['1,8 mg'] },
    { inpatient: 0.5, price: 180, prioritised: P(ACUTE), stateStock: true, municipal: true },
  ),
  h(
    'V03AB23',
    'acetylcystein',
    1,
    { konc: ['200 mg/ml'] },
    { inpatient: 1, price: 400, prioritised: P(ACUTE), stateStock: true },
  ),
  h('V03AB21', 'kaliumjodid', 1, { tab: ['65 mg'] }, { inpatient: 0, price: 60, stateStock: true }),
  h(
    'V03AF03',
    'kalciumfolinat',
    1,
    { inj: ['10 mg/ml'] },
    { inpatient: 1, price: 300, prioritised: P(CANCER) },
  ),
  // Q Veterinary medicines (R3: in scope)
  vet('QJ01CE09', 'prokainbensylpenicillin', 2, { vinj: ['300 mg/ml'] }, { core: true }),
  vet('QJ01AA06', 'oxitetracyklin', 1, { vinj: ['100 mg/ml'] }),
  vet('QJ01CR02', 'amoxicillin och klavulansyra', 2, { vtabl: ['50 mg/12,5 mg', '250 mg/62,5 mg'] }),
  vet('QJ01MA90', 'enrofloxacin', 1, { vtabl: ['15 mg', '50 mg', '150 mg'] }),
  vet('QJ01EW10', 'sulfadiazin och trimetoprim', 1, { vpulv: ['250 mg/50 mg per g'] }),
  vet('QJ51CE09', 'prokainbensylpenicillin', 1, { vintr: ['3 g'] }),
  vet('QP54AA01', 'ivermektin', 1, { vinj: ['10 mg/ml'] }),
  vet('QM01AC06', 'meloxikam', 2, { vosusp: ['1,5 mg/ml'] }),
];

/** Parses a labelled strength into a number and unit; combinations (e.g. '500 mg/125 mg') give null. */
export function parseStrength(label: string): { value: number | null; unit: string | null } {
  const m = /^(\d+(?:,\d+)?)\s*(.+)$/.exec(label);
  if (!m?.[1] || !m[2] || /\d/.test(m[2]) || m[2].startsWith('/')) return { value: null, unit: null };
  return { value: Number(m[1].replace(',', '.')), unit: m[2] };
}

/** Human ATC groups whose use peaks in winter: antibiotics (J01) and respiratory medicines (R). */
export function isWinterSeasonal(atc: string): boolean {
  return atc.startsWith('J01') || atc.startsWith('R');
}
