import { dateOfDayNumber, dayNumber } from '../src/domain/calendar.js';
import type { AuthorityCode, LocationKind } from '../src/domain/vocabulary.js';
import { EXAMPLE_CODES } from './examples.js';
import type { LocationModel, LocationRow, OrganisationRow, ResolvedOptions, Sizes } from './model.js';
import { hash32, Rng } from './random.js';
import {
  MUNICIPALITIES,
  municipalitiesOf,
  municipalityByCode,
  REGIONS,
  type MunicipalityInfo,
} from './sweden.js';

/** Organisation codes that other parts of the generator rely on. */
export const ORG = {
  lv: 'LV',
  tlv: 'TLV',
  sos: 'SOS',
  ehm: 'EHM',
  fohm: 'FOHM',
  nct: 'NCT',
  region: (code: string) => `REG-${code}`,
  municipality: (code: string) => `KOM-${code}`,
  company: (n: number) => `COMP-${String(n).padStart(3, '0')}`,
} as const;

export interface Company {
  row: OrganisationRow;
  /** The short name used in product names, e.g. 'Nordfarma'. */
  short: string;
  parallelImporter: boolean;
}

export interface Actors {
  organisations: OrganisationRow[];
  byCode: Map<string, OrganisationRow>;
  /** Marketing authorisation holders, in code order. */
  manufacturers: Company[];
  parallelImporters: Company[];
  locations: LocationModel[];
  /** For each region (REGIONS order): the dose pharmacy that packs for its patients (R5). */
  doseLocationOfRegion: LocationModel[];
}

const AUTHORITIES: readonly [string, string, AuthorityCode][] = [
  [ORG.lv, 'Läkemedelsverket', 'lv'],
  [ORG.tlv, 'Tandvårds- och läkemedelsförmånsverket', 'tlv'],
  [ORG.sos, 'Socialstyrelsen', 'sos'],
  [ORG.ehm, 'E-hälsomyndigheten', 'ehm'],
  [ORG.fohm, 'Folkhälsomyndigheten', 'fohm'],
];

// Fictitious firms. [code, name, market share]
const WHOLESALERS: readonly [string, string, number][] = [
  ['WHS-1', 'Nordisk Läkemedelsdistribution AB', 0.55],
  ['WHS-2', 'Svea Farmalogistik AB', 0.45],
];
const PHARMACY_CHAINS: readonly [string, string, string, number][] = [
  ['APO-1', 'Apotek Blåklint AB', 'Apotek Blåklint', 0.32],
  ['APO-2', 'Apotek Vitsippan AB', 'Apotek Vitsippan', 0.24],
  ['APO-3', 'Apotek Lingonet AB', 'Apotek Lingonet', 0.18],
  ['APO-4', 'Apotek Nordstjärnan AB', 'Apotek Nordstjärnan', 0.12],
  ['APO-5', 'Apotek Fjällsippan AB', 'Apotek Fjällsippan', 0.09],
  ['APO-6', 'Apotek Strandkålen AB', 'Apotek Strandkålen', 0.05],
];
const DOSE_OPERATORS: readonly [string, string][] = [
  ['DOS-1', 'Dospack Sverige AB'],
  ['DOS-2', 'Nordisk Dosdispensering AB'],
  ['DOS-3', 'Dosgruppen Syd AB'],
];
/** Warehouses: [wholesaler code, municipality, share of the wholesaler's volume]. */
const WAREHOUSES: readonly [string, string, number][] = [
  ['WHS-1', '1480', 0.5],
  ['WHS-1', '0139', 0.35],
  ['WHS-1', '2480', 0.15],
  ['WHS-2', '0381', 0.6],
  ['WHS-2', '0680', 0.4],
];
/** Dose pharmacies: [operator code, municipality]. */
const DOSE_PHARMACIES: readonly [string, string][] = [
  ['DOS-1', '1481'],
  ['DOS-1', '2281'],
  ['DOS-2', '0163'],
  ['DOS-2', '0680'],
  ['DOS-3', '1281'],
];
/** State security stocks (level 3), owned by Socialstyrelsen, in four civil areas. */
const STATE_STOCKS: readonly string[] = ['1980', '0680', '2281', '0780'];

const NAME_PREFIXES = [
  'Nord',
  'Fjäll',
  'Kust',
  'Skog',
  'Ljus',
  'Norr',
  'Sol',
  'Berg',
  'Sjö',
  'Vinter',
  'Ek',
  'Lind',
  'Björk',
  'Gran',
  'Ask',
  'Rönn',
  'Älv',
  'Hav',
  'Dal',
  'Vid',
  'Sten',
  'Tall',
  'Lärk',
  'Myr',
  'Ström',
];
const NAME_STEMS = [
  'farma',
  'medica',
  'pharm',
  'lab',
  'cura',
  'vita',
  'gen',
  'terapi',
  'kem',
  'bio',
  'med',
  'lakt',
];
const NAME_FORMS = ['Pharma AB', 'Läkemedel AB', 'Nordic AB', 'Generics AB', 'AB', 'Life Science AB'];
const IMPORTER_NAMES = [
  'Paraxport',
  'Europharm Handel',
  'Importfarma',
  'Gränsfarma',
  'Transmedica',
  'Kontinentfarma',
];

const PHARMACY_PLACES = [
  'Centrum',
  'Torget',
  'Galleria',
  'Vårdcentralen',
  'Stationen',
  'Köpcentrum',
  'Sjukhuset',
  'Hamnen',
  'Norr',
  'Söder',
  'Öster',
  'Väster',
  'Kronan',
  'Ugglan',
  'Svanen',
  'Hjorten',
  'Örnen',
  'Lejonet',
  'Stjärnan',
  'Tranan',
];
const HOSPITAL_KINDS = ['universitetssjukhus', 'sjukhus', 'lasarett', 'länssjukhus', 'närsjukhus'];

/** A fictitious organisation number, NNNNNN-NNNN, unique by id. */
function orgNumber(id: number): string {
  return `99${String(id).padStart(4, '0')}-${String(hash32(id, 7) % 10000).padStart(4, '0')}`;
}

/** A fictitious GS1 location number with prefix 7359998 and a valid check digit (13 digits). */
export function fictitiousGln(n: number): string {
  return withGs1CheckDigit(`7359998${String(n).padStart(5, '0')}`);
}

/** Appends the GS1 mod-10 check digit. */
export function withGs1CheckDigit(digits: string): string {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const d = Number(digits[digits.length - 1 - i]);
    sum += i % 2 === 0 ? d * 3 : d;
  }
  return digits + String((10 - (sum % 10)) % 10);
}

/** 'Uppsala kommun', 'Salems kommun', 'Stockholms stad' … (genitive where Swedish takes one). */
function municipalityOrgName(m: MunicipalityInfo): string {
  const cities: Record<string, string> = {
    '0180': 'Stockholms stad',
    '1480': 'Göteborgs Stad',
    '1280': 'Malmö stad',
    '0980': 'Region Gotland (kommunal verksamhet)',
    '0880': 'Kalmar kommun',
    '2514': 'Kalix kommun',
  };
  const special = cities[m.code];
  if (special) return special;
  return /[aeiouyåäösx]$/i.test(m.name) ? `${m.name} kommun` : `${m.name}s kommun`;
}

/**
 * Largest-remainder allocation of `total` over `weights`, each at least `min` (when total allows),
 * so that the parts add up exactly.
 */
export function allocate(total: number, weights: readonly number[], min = 0): number[] {
  const n = weights.length;
  const base = total >= min * n ? min : 0;
  const rest = total - base * n;
  const sum = weights.reduce((a, w) => a + w, 0);
  const exact = weights.map((w) => (sum > 0 ? (rest * w) / sum : rest / n));
  const parts = exact.map((x) => Math.floor(x));
  let left = rest - parts.reduce((a, x) => a + x, 0);
  const order = exact
    .map((x, i) => [x - Math.floor(x), i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    parts[i] = (parts[i] ?? 0) + 1;
    left--;
  }
  return parts.map((p) => p + base);
}

const round4 = (x: number): number => Math.round(x * 10_000) / 10_000;

export function buildActors(o: ResolvedOptions, sizes: Sizes): Actors {
  const organisations: OrganisationRow[] = [];
  const byCode = new Map<string, OrganisationRow>();
  const add = (
    code: string,
    name: string,
    kind: OrganisationRow['kind'],
    regionCode: string | null = null,
    municipalityCode: string | null = null,
    authority: AuthorityCode | null = null,
  ): OrganisationRow => {
    const id = organisations.length + 1;
    const row: OrganisationRow = {
      id,
      code,
      // The organisations of docs/examples/organisations.csv carry its numbers (issue 10 item 6).
      org_number: EXAMPLE_CODES.organisationNumbers[code] ?? orgNumber(id),
      name,
      kind,
      region_code: regionCode,
      municipality_code: municipalityCode,
      authority,
    };
    organisations.push(row);
    byCode.set(code, row);
    return row;
  };

  for (const [code, name, authority] of AUTHORITIES) add(code, name, 'authority', null, null, authority);
  add(ORG.nct, 'Nationellt CT', 'joint_function', null, null, 'nct');
  for (const r of REGIONS) add(ORG.region(r.code), r.name, 'region', r.code);
  for (const m of MUNICIPALITIES)
    add(ORG.municipality(m.code), municipalityOrgName(m), 'municipality', m.regionCode, m.code);
  for (const [code, name] of WHOLESALERS) add(code, name, 'wholesaler');
  for (const [code, name] of PHARMACY_CHAINS) add(code, name, 'pharmacy_operator');
  for (const [code, name] of DOSE_OPERATORS) add(code, name, 'dose_pharmacy_operator');

  // Companies: names depend only on the index, so 'COMP-001' is the same firm for every seed.
  const manufacturers: Company[] = [];
  const parallelImporters: Company[] = [];
  const nMah = sizes.companies - sizes.parallelImporters;
  for (let i = 0; i < sizes.companies; i++) {
    const code = ORG.company(i + 1);
    if (i < nMah) {
      const prefix = NAME_PREFIXES[i % NAME_PREFIXES.length] ?? 'Nord';
      const stem = NAME_STEMS[Math.floor(i / NAME_PREFIXES.length) % NAME_STEMS.length] ?? 'farma';
      const round = Math.floor(i / (NAME_PREFIXES.length * NAME_STEMS.length));
      const short = `${prefix}${stem}${round > 0 ? ` ${round + 1}` : ''}`;
      const form = NAME_FORMS[hash32(i, 11) % NAME_FORMS.length] ?? 'AB';
      manufacturers.push({ row: add(code, `${short} ${form}`, 'company'), short, parallelImporter: false });
    } else {
      const j = i - nMah;
      const base = IMPORTER_NAMES[j % IMPORTER_NAMES.length] ?? 'Importfarma';
      const round = Math.floor(j / IMPORTER_NAMES.length);
      const short = `${base}${round > 0 ? ` ${round + 1}` : ''}`;
      parallelImporters.push({
        row: add(code, `${short} Parallellimport AB`, 'company'),
        short,
        parallelImporter: true,
      });
    }
  }

  const { locations, doseLocationOfRegion } = buildLocations(o, sizes, byCode);
  return { organisations, byCode, manufacturers, parallelImporters, locations, doseLocationOfRegion };
}

function buildLocations(
  o: ResolvedOptions,
  sizes: Sizes,
  byCode: Map<string, OrganisationRow>,
): { locations: LocationModel[]; doseLocationOfRegion: LocationModel[] } {
  const rng = new Rng(o.seed, 'locations');
  const today = dayNumber(o.today);
  const locations: LocationModel[] = [];
  const counters = new Map<string, number>();
  const regionIndex = new Map(REGIONS.map((r, i) => [r.code, i]));
  const org = (code: string): OrganisationRow => {
    const row = byCode.get(code);
    if (!row) throw new Error(`unknown organisation ${code}`);
    return row;
  };

  const add = (
    prefix: string,
    kind: LocationKind,
    name: string,
    owner: OrganisationRow,
    m: MunicipalityInfo,
    spread: number,
    share = 0,
    size = 1,
  ): LocationModel => {
    const n = (counters.get(prefix) ?? 0) + 1;
    counters.set(prefix, n);
    const id = locations.length + 1;
    const row: LocationRow = {
      id,
      code: `SE-${prefix}-${String(n).padStart(4, '0')}`,
      gln: fictitiousGln(id),
      name,
      kind,
      organisation_id: owner.id,
      region_code: m.regionCode,
      municipality_code: m.code,
      latitude: round4(m.latitude + rng.normal() * 0.02 * spread),
      longitude: round4(m.longitude + rng.normal() * 0.04 * spread),
      opened_on: dateOfDayNumber(today - rng.int(365 * 2, 365 * 35)),
      closed_on: null,
    };
    const model: LocationModel = { row, regionIndex: regionIndex.get(m.regionCode) ?? 0, share, size };
    locations.push(model);
    return model;
  };

  // Wholesaler warehouses: each holds its share of its wholesaler's national volume.
  for (const [whs, muni, share] of WAREHOUSES) {
    const owner = org(whs);
    const wholesalerShare = WHOLESALERS.find((w) => w[0] === whs)?.[2] ?? 0.5;
    const m = municipalityByCode(muni);
    add(
      'WHS',
      'wholesaler_warehouse',
      `${owner.name.replace(/ AB$/, '')}, lager ${m.name}`,
      owner,
      m,
      0.3,
      wholesalerShare * share,
    );
  }

  // Dose pharmacies (R5); every region's dose patients are packed by the nearest one.
  const dose: LocationModel[] = [];
  for (const [op, muni] of DOSE_PHARMACIES) {
    const owner = org(op);
    const m = municipalityByCode(muni);
    dose.push(
      add('DOS', 'dose_pharmacy', `${owner.name.replace(/ AB$/, '')} dosapotek ${m.name}`, owner, m, 0.3),
    );
  }
  const doseLocationOfRegion = REGIONS.map((r) => {
    const seat = municipalitiesOf(r.code)[0] as MunicipalityInfo;
    let best = dose[0] as LocationModel;
    let bestDistance = Infinity;
    for (const d of dose) {
      const dLat = (d.row.latitude ?? 0) - seat.latitude;
      const dLon = ((d.row.longitude ?? 0) - seat.longitude) * Math.cos((seat.latitude * Math.PI) / 180);
      const distance = dLat * dLat + dLon * dLon;
      if (distance < bestDistance) [best, bestDistance] = [d, distance];
    }
    return best;
  });

  // Hospital pharmacies: 2–5 per region by size (1 at the smallest scales), largest towns first.
  const hospitalWeights = [1, 0.6, 0.45, 0.35, 0.3];
  for (const r of REGIONS) {
    const munis = municipalitiesOf(r.code);
    const n = o.scale < 0.5 ? 1 : Math.min(5, Math.max(2, 2 + Math.floor(r.population / 450_000)));
    const weights = hospitalWeights.slice(0, n);
    const total = weights.reduce((a, w) => a + w, 0);
    for (let i = 0; i < n; i++) {
      const m = munis[i % munis.length] as MunicipalityInfo;
      const kind = HOSPITAL_KINDS[i === 0 ? 0 : 1 + (hash32(o.seed, i, Number(m.code)) % 4)] ?? 'sjukhus';
      const suffix = i >= munis.length ? ` ${Math.floor(i / munis.length) + 1}` : '';
      add(
        'SJH',
        'hospital_pharmacy',
        `Sjukhusapoteket ${m.name} ${kind}${suffix}`,
        org(ORG.region(r.code)),
        m,
        0.3,
        (weights[i] ?? 0) / total,
      );
    }
  }

  // Community pharmacies, spread over regions and municipalities in proportion to population.
  const chainWeights = PHARMACY_CHAINS.map((c) => c[3]);
  const perRegion = allocate(
    sizes.communityPharmacies,
    REGIONS.map((r) => r.population),
    1,
  );
  REGIONS.forEach((r, ri) => {
    const munis = municipalitiesOf(r.code);
    const count = perRegion[ri] ?? 1;
    const perMuni =
      count >= munis.length
        ? allocate(
            count,
            munis.map((m) => m.population),
            1,
          )
        : munis.map((_, i) => (i < count ? 1 : 0));
    const inRegion: LocationModel[] = [];
    munis.forEach((m, mi) => {
      const k = perMuni[mi] ?? 0;
      for (let j = 0; j < k; j++) {
        const drawn = PHARMACY_CHAINS[rng.weighted(chainWeights)] ?? PHARMACY_CHAINS[0];
        if (!drawn) continue;
        // The examples' pharmacies (SE-APO-0001, SE-APO-0002) are demo-apotek's, whatever was drawn.
        const example = (counters.get('APO') ?? 0) < EXAMPLE_CODES.pharmacies.length;
        const chain = example
          ? (PHARMACY_CHAINS.find((c) => c[0] === EXAMPLE_CODES.pharmacyChain) ?? drawn)
          : drawn;
        const place =
          k > 1
            ? ` ${PHARMACY_PLACES[j % PHARMACY_PLACES.length] ?? ''}${j >= PHARMACY_PLACES.length ? ` ${Math.floor(j / PHARMACY_PLACES.length) + 1}` : ''}`
            : '';
        const size = Math.min(3, Math.max(0.35, rng.logNormal(1, 0.45)));
        const pharmacy = add(
          'APO',
          'community_pharmacy',
          `${chain[2]} ${m.name}${place}`,
          org(chain[0]),
          m,
          Math.min(2, Math.sqrt(k) / 3 + 0.3),
          0,
          size,
        );
        if (pharmacy.row.code === EXAMPLE_CODES.pharmacies[0]) pharmacy.row.gln = EXAMPLE_CODES.pharmacyGln;
        inRegion.push(pharmacy);
      }
    });
    const total = inRegion.reduce((a, l) => a + l.size, 0);
    for (const l of inRegion) l.share = l.size / total;
  });

  // Care-unit stores (vårdnära lager), owned by the region.
  for (const r of REGIONS) {
    const munis = municipalitiesOf(r.code);
    const n = Math.max(1, Math.round((r.population / 150_000) * sizes.locationScale));
    for (let i = 0; i < n; i++) {
      const m = munis[i % munis.length] as MunicipalityInfo;
      const round = Math.floor(i / munis.length);
      add(
        'VNL',
        'care_unit_store',
        `Vårdnära lager ${m.name}${round > 0 ? ` ${round + 1}` : ''}`,
        org(ORG.region(r.code)),
        m,
        0.5,
      );
    }
  }

  // Municipal medicine stores (läkemedelsförråd), in the larger municipalities of each region.
  const storesPerRegion = allocate(
    sizes.municipalStores,
    REGIONS.map((r) => r.population),
    1,
  );
  REGIONS.forEach((r, ri) => {
    const munis = municipalitiesOf(r.code);
    const n = storesPerRegion[ri] ?? 1;
    for (let i = 0; i < n; i++) {
      const m = munis[i % munis.length] as MunicipalityInfo;
      const round = Math.floor(i / munis.length);
      add(
        'KOM',
        'municipal_store',
        `Läkemedelsförråd ${m.name}${round > 0 ? ` ${round + 1}` : ''}`,
        org(ORG.municipality(m.code)),
        m,
        0.5,
      );
    }
  });

  // State security stocks (level 3) and one regional preparedness stock (level 2) per region.
  STATE_STOCKS.forEach((muni, i) => {
    const m = municipalityByCode(muni);
    add('SSL', 'state_security_stock', `Statligt säkerhetslager ${i + 1}`, org(ORG.sos), m, 1);
  });
  for (const r of REGIONS) {
    const m = municipalitiesOf(r.code)[0] as MunicipalityInfo;
    add(
      'RBL',
      'regional_preparedness_stock',
      `Regionalt beredskapslager, ${r.name}`,
      org(ORG.region(r.code)),
      m,
      0.5,
    );
  }

  return { locations, doseLocationOfRegion };
}
