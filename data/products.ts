import { addDays, calendarDateInSweden, dateOfDayNumber, dayNumber } from '../src/domain/calendar.js';
import { isLateSalesStop } from '../src/domain/notice.js';
import type { Company } from './actors.js';
import { withGs1CheckDigit } from './actors.js';
import { EXAMPLE_PACKAGES } from './examples.js';
import {
  FORMS,
  isWinterSeasonal,
  parseStrength,
  SUBSTANCES,
  type FormKey,
  type SubstanceSpec,
} from './catalogue.js';
import type {
  MedicineRow,
  PackageModel,
  PackageRow,
  ProductListItemRow,
  ProductListRow,
  ResolvedOptions,
  ShortageNoticeRow,
  Sizes,
} from './model.js';
import { Rng } from './random.js';

export interface Catalogue {
  medicines: MedicineRow[];
  packages: PackageRow[];
  models: PackageModel[];
  /** The substances in the catalogue, in catalogue order. */
  substances: SubstanceSpec[];
}

/** Median national packages per year of one package, by the substance's popularity. */
const POPULARITY_MEDIAN: Record<SubstanceSpec['popularity'], number> = {
  1: 20,
  2: 100,
  3: 400,
  4: 1_500,
  5: 6_000,
};
/** Log-scale spread of package volumes around the median: a long tail of niche packages. */
const VOLUME_SIGMA = 1.5;
const POPULARITY_WEIGHT: Record<SubstanceSpec['popularity'], number> = {
  1: 1,
  2: 1.6,
  3: 2.4,
  4: 3.4,
  5: 4.6,
};
/** Oral solid forms: the ones dose dispensing packs (R5). */
const DOSE_FORMS: ReadonlySet<FormKey> = new Set([
  'tab',
  'ftab',
  'etab',
  'dtab',
  'ttab',
  'kaps',
  'dkaps',
  'mtab',
]);

const pad = (n: number, width: number): string => String(n).padStart(width, '0');
const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const round2 = (x: number): number => Math.round(x * 100) / 100;

/** Fictitious identifiers, obviously outside the real ranges: NPL ids start '99', GTINs '0735999', vnr '9'. */
export const ids = {
  nplId: (medicineId: number) => `991${pad(medicineId, 11)}`,
  nplPackId: (packageId: number) => `992${pad(packageId, 11)}`,
  nordicArticleNumber: (packageId: number) => (packageId <= 99_999 ? `9${pad(packageId, 5)}` : null),
  gtin: (packageId: number) =>
    packageId <= 999_999 ? withGs1CheckDigit(`0735999${pad(packageId, 6)}`) : null,
};

interface Presentation {
  formKey: FormKey;
  strength: string;
  strengthIndex: number;
}

/**
 * About `sizes.packages` packages over the curated substances: the core substances always, then the
 * others in an order weighted by popularity; popular substances get more products and companies.
 */
export function buildCatalogue(
  o: ResolvedOptions,
  sizes: Sizes,
  manufacturers: readonly Company[],
  parallelImporters: readonly Company[],
): Catalogue {
  const rng = new Rng(o.seed, 'catalogue');
  const today = dayNumber(o.today);
  const target = sizes.packages;

  const core = SUBSTANCES.filter((s) => s.core);
  const others = SUBSTANCES.filter((s) => !s.core)
    .map((s) => ({ s, key: -Math.log(1 - rng.next()) / POPULARITY_WEIGHT[s.popularity] }))
    .sort((a, b) => a.key - b.key)
    .map((x) => x.s);
  const k = Math.min(SUBSTANCES.length, Math.max(core.length, Math.ceil(target / 2)));
  const substances = [...core, ...others].slice(0, k);

  const presentations = substances.map((s) => {
    const list: Presentation[] = [];
    for (const [formKey, strengths] of Object.entries(s.forms) as [FormKey, readonly string[]][]) {
      strengths.forEach((strength, strengthIndex) => list.push({ formKey, strength, strengthIndex }));
    }
    return list;
  });
  const counts = substances.map(
    (s, i) => POPULARITY_WEIGHT[s.popularity] * Math.sqrt(presentations[i]?.length ?? 1),
  );
  const perSubstance = allocateAtLeastOne(target, counts);

  const medicines: MedicineRow[] = [];
  const packages: PackageRow[] = [];
  const models: PackageModel[] = [];

  substances.forEach((spec, si) => {
    const want = perSubstance[si] ?? 1;
    const list = presentations[si] ?? [];
    // The originator first (COMP-001 makes the first substance), then generics in seeded order.
    const originator = manufacturers[si % manufacturers.length] as Company;
    const generics = rng.shuffle(manufacturers.filter((c) => c !== originator));
    const companies = [originator, ...generics];
    let made = 0;
    for (let round = 0; made < want; round++) {
      const company = companies[round % companies.length] as Company;
      for (const p of list) {
        if (made >= want) break;
        const form = FORMS[p.formKey];
        const { value, unit } = parseStrength(p.strength);
        const medicine: MedicineRow = {
          id: medicines.length + 1,
          npl_id: ids.nplId(medicines.length + 1),
          name: `${capitalise(spec.substance)} ${company.short}${spec.species === 'veterinary' ? ' vet.' : ''}`,
          atc_code: spec.atc,
          substance: spec.substance,
          form: form.form,
          strength: p.strength,
          strength_value: value,
          strength_unit: unit,
          species: spec.species,
          company_id: company.row.id,
        };
        medicines.push(medicine);
        form.packSizes.forEach((packSize, packIndex) => {
          if (made >= want) return;
          const id = packages.length + 1;
          const price =
            spec.price *
            (1 + 0.3 * p.strengthIndex) *
            Math.pow(packSize / (form.packSizes[0] ?? packSize), 0.85) *
            (round === 0 ? 1 : 0.6) *
            rng.logNormal(1, 0.1);
          const row: PackageRow = {
            id,
            npl_pack_id: ids.nplPackId(id),
            nordic_article_number: ids.nordicArticleNumber(id),
            gtin: ids.gtin(id),
            medicine_id: medicine.id,
            kind: 'medicine',
            pack_size: packSize,
            pack_unit: form.packUnit,
            description: form.describe(packSize),
            price_sek: Math.max(5, round2(price)),
            company_id: company.row.id,
            parallel_traded: false,
            licence: false,
            marketed_from: dateOfDayNumber(today - rng.int(365 * 2 + 30, 365 * 20)),
            withdrawn_on: null,
          };
          packages.push(row);
          const annual =
            POPULARITY_MEDIAN[spec.popularity] *
            rng.logNormal(1, VOLUME_SIGMA) *
            (packIndex === 0 ? 1 : 0.6) *
            (round === 0 ? 1.3 : 0.7);
          const hospital =
            spec.species === 'veterinary'
              ? 0
              : form.outpatient
                ? spec.inpatient >= 0.9
                  ? spec.inpatient
                  : Math.min(0.1, spec.inpatient)
                : Math.max(0.85, spec.inpatient);
          const dose = DOSE_FORMS.has(p.formKey) ? spec.dose * (1 - hospital) : 0;
          const strong = rng.chance(0.03);
          models.push({
            index: models.length,
            row,
            medicine,
            spec,
            formKey: p.formKey,
            annual,
            trend: strong ? (rng.chance(0.5) ? 0.35 : -0.3) : rng.normal() * 0.06,
            community: 1 - hospital - dose,
            hospital,
            dose,
            seasonal: spec.species === 'human' && isWinterSeasonal(spec.atc),
            scarce: false,
            salesFrom: today - 365 * 5,
            salesUntil: today,
          });
          made++;
        });
      }
    }
  });

  flagPackages(rng, models, parallelImporters, today);
  return { medicines, packages, models, substances };
}

function allocateAtLeastOne(total: number, weights: readonly number[]): number[] {
  const n = weights.length;
  const rest = Math.max(0, total - n);
  const sum = weights.reduce((a, w) => a + w, 0);
  const exact = weights.map((w) => (rest * w) / sum);
  const parts = exact.map((x) => 1 + Math.floor(x));
  let left = Math.max(total, n) - parts.reduce((a, x) => a + x, 0);
  const order = exact
    .map((x, i) => [x - Math.floor(x), i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    parts[i] = (parts[i] ?? 1) + 1;
    left--;
  }
  return parts;
}

/** `count` models drawn without replacement with probability proportional to `weight`. */
function drawWeighted(
  rng: Rng,
  candidates: readonly PackageModel[],
  count: number,
  weight: (m: PackageModel) => number,
) {
  return candidates
    .map((m) => ({ m, key: -Math.log(1 - rng.next()) / Math.max(1e-9, weight(m)) }))
    .sort((a, b) => a.key - b.key)
    .slice(0, count)
    .map((x) => x.m);
}

/** Parallel-traded (~8 %), licence (~2 %), newly marketed (~3 %) and withdrawn (~1 %) packages. */
function flagPackages(rng: Rng, models: PackageModel[], importers: readonly Company[], today: number): void {
  const n = models.length;
  const human = models.filter((m) => m.spec.species === 'human');
  const parallel = drawWeighted(
    rng,
    human.filter((m) => FORMS[m.formKey].outpatient),
    Math.max(1, Math.round(0.08 * n)),
    (m) => m.spec.popularity * Math.sqrt(m.row.price_sek ?? 1),
  );
  for (const m of parallel) {
    const importer = rng.pick(importers);
    m.row.parallel_traded = true;
    m.row.company_id = importer.row.id;
    m.row.description = `${m.row.description} (parallellimport)`;
    m.row.price_sek = round2((m.row.price_sek ?? 0) * 0.93);
    m.annual *= 0.5;
  }
  const licence = drawWeighted(
    rng,
    human.filter((m) => !m.row.parallel_traded),
    Math.max(1, Math.round(0.02 * n)),
    (m) => 6 - m.spec.popularity,
  );
  for (const m of licence) {
    m.row.licence = true;
    m.row.description = `${m.row.description} (licens)`;
    m.row.marketed_from = dateOfDayNumber(today - rng.int(60, 600));
    m.annual *= 0.15;
  }
  const ordinary = models.filter((m) => !m.row.parallel_traded && !m.row.licence && !m.spec.core);
  const withdrawn = drawWeighted(rng, ordinary, Math.round(0.01 * n), () => 1);
  for (const m of withdrawn) m.row.withdrawn_on = dateOfDayNumber(today - rng.int(40, 300));
  const fresh = drawWeighted(
    rng,
    ordinary.filter((m) => !m.row.withdrawn_on),
    Math.round(0.03 * n),
    () => 1,
  );
  for (const m of fresh) m.row.marketed_from = dateOfDayNumber(today - rng.int(30, 330));
  for (const m of models) {
    if (m.row.marketed_from) m.salesFrom = dayNumber(m.row.marketed_from);
    if (m.row.withdrawn_on) m.salesUntil = dayNumber(m.row.withdrawn_on);
  }
}

/** Socialstyrelsen's list of medicines for care that cannot wait, 12 May 2023 (R1, R2). */
export const PRIORITISED_LIST = {
  code: 'sos-prioritised',
  version: '2023-05-12',
  name: 'Läkemedel för vård som inte kan anstå',
} as const;

export function buildProductList(
  substances: readonly SubstanceSpec[],
  issuerId: number,
): { list: ProductListRow; items: ProductListItemRow[] } {
  const list: ProductListRow = {
    id: 1,
    code: PRIORITISED_LIST.code,
    version: PRIORITISED_LIST.version,
    name: PRIORITISED_LIST.name,
    issuer_id: issuerId,
    published_on: PRIORITISED_LIST.version,
    valid_from: PRIORITISED_LIST.version,
    valid_to: null,
  };
  const items: ProductListItemRow[] = [];
  const prioritised = substances
    .filter((s) => s.prioritised)
    .sort((a, b) => a.atc.localeCompare(b.atc) || a.substance.localeCompare(b.substance));
  for (const s of prioritised) {
    const p = s.prioritised;
    if (!p) continue;
    items.push({
      list_id: list.id,
      position: items.length + 1,
      atc_code: s.atc,
      substance: s.substance,
      form: p.form ? FORMS[p.form].form : null,
      care_area: p.careArea,
      note: null,
    });
  }
  return { list, items };
}

interface NoticeSpec {
  kind: ShortageNoticeRow['kind'];
  substance: string;
  form?: FormKey;
  atcPrefix: string;
  /** Days from today. */
  notified: number;
  start: number;
  end: number | null;
  reason: string;
  alternatives: string | null;
}

const NOTICE_SPECS: readonly NoticeSpec[] = [
  {
    kind: 'shortage',
    substance: 'amoxicillin',
    form: 'susp',
    atcPrefix: 'J01',
    notified: -30,
    start: -21,
    end: 42,
    reason: 'Ökad efterfrågan under infektionssäsongen; begränsad produktionskapacitet.',
    alternatives: 'Annan styrka eller beredningsform; fenoximetylpenicillin där det är lämpligt.',
  },
  {
    kind: 'shortage',
    substance: 'flutikason',
    form: 'inhs',
    atcPrefix: 'R03',
    notified: -40,
    start: -35,
    end: null,
    reason: 'Leveransproblem hos tillverkaren.',
    alternatives: 'Budesonid inhalationspulver eller nebulisatorlösning.',
  },
  {
    kind: 'shortage',
    substance: 'natriumklorid',
    form: 'inf',
    atcPrefix: 'B05',
    notified: -12,
    start: -10,
    end: 28,
    reason: 'Kvalitetsavvikelse i en tillverkningsbatch.',
    alternatives: 'Ringer-acetat där kliniskt lämpligt.',
  },
  {
    kind: 'shortage',
    substance: 'salbutamol',
    form: 'neb',
    atcPrefix: 'R03',
    notified: -5,
    start: 10,
    end: 60,
    reason: 'Förseningar i transporten från tillverkaren.',
    alternatives: 'Inhalationsspray med spacer.',
  },
  {
    kind: 'shortage',
    substance: 'fenoximetylpenicillin',
    form: 'susp',
    atcPrefix: 'J01',
    notified: -3,
    start: 21,
    end: 75,
    reason: 'Brist på aktiv substans.',
    alternatives: 'Tabletter där barnet kan svälja dem.',
  },
  {
    kind: 'shortage',
    substance: 'cefotaxim',
    atcPrefix: 'J01D',
    notified: -150,
    start: -120,
    end: -30,
    reason: 'Produktionsstörning (avslutad).',
    alternatives: null,
  },
  {
    kind: 'sales_stop',
    substance: 'metoprolol',
    atcPrefix: 'C07',
    notified: -60,
    start: 35,
    end: null,
    reason: 'Permanent avregistrering av förpackningsstorleken.',
    alternatives: 'Andra förpackningsstorlekar och utbytbara läkemedel finns.',
  },
  {
    kind: 'sales_stop',
    substance: 'propofol',
    atcPrefix: 'N01',
    notified: -20,
    start: 14,
    end: 120,
    reason: 'Tillfälligt försäljningsuppehåll (anmält sent, mindre än två månader i förväg).',
    alternatives: 'Propofol från andra innehavare av godkännande.',
  },
];

/**
 * Restanmälningar and försäljningsuppehåll (R4): some active, some starting soon, one ended, a
 * sales stop notified in time and one notified late, and a correction that supersedes a notice.
 * Marks the packages of current and coming shortages as scarce.
 */
export function buildNotices(
  o: ResolvedOptions,
  models: PackageModel[],
  reportId: number,
): ShortageNoticeRow[] {
  const rng = new Rng(o.seed, 'notices');
  const today = dayNumber(o.today);
  const used = new Set<number>();
  const available = (m: PackageModel) =>
    !used.has(m.index) && m.salesUntil >= today && m.salesFrom < today - 60;
  const notices: ShortageNoticeRow[] = [];
  const at = (days: number, hour: number) =>
    `${dateOfDayNumber(today + days)}T${pad(hour, 2)}:${pad(rng.int(0, 59), 2)}:00Z`;

  for (const spec of NOTICE_SPECS) {
    const m =
      models.find(
        (x) => available(x) && x.spec.substance === spec.substance && (!spec.form || x.formKey === spec.form),
      ) ??
      models.find((x) => available(x) && x.spec.substance === spec.substance) ??
      models.find((x) => available(x) && x.spec.atc.startsWith(spec.atcPrefix)) ??
      models.find((x) => available(x) && !x.row.licence && !x.row.parallel_traded);
    if (!m) continue;
    used.add(m.index);
    const notifiedAt = at(spec.notified, rng.int(7, 15));
    const expectedStart = dateOfDayNumber(today + spec.start);
    notices.push({
      id: notices.length + 1,
      kind: spec.kind,
      package_id: m.row.id,
      company_id: m.row.company_id,
      notified_at: notifiedAt,
      expected_start: expectedStart,
      expected_end: spec.end === null ? null : dateOfDayNumber(today + spec.end),
      reason: spec.reason,
      alternatives: spec.alternatives,
      supersedes_id: null,
      report_id: reportId,
      created_at: notifiedAt,
      reference: `${spec.kind === 'shortage' ? 'RA' : 'FU'}-${o.today.slice(0, 4)}-${pad(notices.length + 1, 4)}`,
      late: isLateSalesStop({
        kind: spec.kind,
        notifiedOn: calendarDateInSweden(new Date(notifiedAt)),
        expectedStart,
      }),
    });
    if (spec.kind === 'shortage' && (spec.end === null || spec.end > 0) && spec.start < 30) m.scarce = true;
  }

  // A correction: the first shortage will last three weeks longer than first notified.
  const first = notices[0];
  if (first?.expected_end) {
    const notifiedAt = at(-2, 9);
    notices.push({
      ...first,
      id: notices.length + 1,
      notified_at: notifiedAt,
      expected_end: addDays(first.expected_end, 21),
      reason: `${first.reason ?? ''} Uppdaterad: beräknat slutdatum senarelagt.`.trim(),
      supersedes_id: first.id,
      created_at: notifiedAt,
    });
  }

  // A few more packages are short nationally without any notice: what the picture must reveal.
  const extra = Math.max(1, Math.round(models.length * 0.02));
  const candidates = rng.shuffle(models.filter((x) => available(x) && !x.scarce && !x.row.licence));
  for (const m of candidates.slice(0, extra)) m.scarce = true;
  return notices;
}

/**
 * The packages docs/examples/ names (data/examples.ts), as catalogue rows after the generated ones,
 * named as the generator names a company's medicine ('Paracetamol Nordfarma'). They have no demand
 * and no model, so no sales, stock or notice is generated for them, and no random draw changes.
 */
export function examplePackageRows(
  catalogue: Catalogue,
  manufacturers: readonly Company[],
  today: string,
): { medicines: MedicineRow[]; packages: PackageRow[] } {
  const medicines: MedicineRow[] = [];
  const packages: PackageRow[] = [];
  EXAMPLE_PACKAGES.forEach((p, i) => {
    const seller = manufacturers.find((c) => c.row.code === p.company);
    if (!seller) throw new Error(`unknown company ${p.company}`);
    const form = FORMS[p.formKey];
    const { value, unit } = parseStrength(p.strength);
    const medicine: MedicineRow = {
      id: catalogue.medicines.length + i + 1,
      npl_id: ids.nplId(catalogue.medicines.length + i + 1),
      name: `${capitalise(p.substance)} ${seller.short}`,
      atc_code: p.atc,
      substance: p.substance,
      form: form.form,
      strength: p.strength,
      strength_value: value,
      strength_unit: unit,
      species: 'human',
      company_id: seller.row.id,
    };
    medicines.push(medicine);
    packages.push({
      id: catalogue.packages.length + i + 1,
      npl_pack_id: p.nplPackId,
      nordic_article_number: p.nordicArticleNumber,
      gtin: p.gtin,
      medicine_id: medicine.id,
      kind: 'medicine',
      pack_size: p.packSize,
      pack_unit: form.packUnit,
      description: form.describe(p.packSize),
      price_sek: p.priceSek,
      company_id: seller.row.id,
      parallel_traded: false,
      licence: false,
      marketed_from: addDays(today, -5 * 365),
      withdrawn_on: null,
    });
  });
  return { medicines, packages };
}
