import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateSweden } from './generate.js';
import type { MedicineRow, OrganisationRow, PackageRow, SwedenOptions } from './model.js';

/**
 * Synthetic Sweden's catalogue as Läkemedelsverket's NPL export: one `npl:medprod` document per
 * product in `Productdata/` and the lexicons in `Lexicondata/`, in the structure of the real records
 * (docs/master-data.md), so that `beredskap import npl` is exercised and benchmarked at national size.
 *
 * In NPL a parallel import and a licence product are products of their own (their own NPL id and
 * product class); the generator flags single packages instead. So the packages of one generated
 * medicine that differ in seller or flags become separate products: the first keeps the medicine's
 * NPL id, the others get one derived from their first package (prefix '993', fictitious like every
 * generated id). Names, codes and ids are all fictitious.
 */

export interface NplExportCounts {
  products: number;
  packages: number;
  organisations: number;
  bytes: number;
}

const NPL_HEADER =
  '<?xml version="1.0" encoding="UTF-8"?>\n' +
  "<!-- SYNTHETIC: written by beredskap's generator (data/npl.ts); not a real NPL record. -->\n" +
  '<npl:medprod xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:mpa="urn:schemas-npl:mpa:12" ' +
  'xsi:schemaLocation="urn:schemas-npl:instance:12 ../schemas/npl-schema_12.1.xsd" ' +
  'xmlns:npl="urn:schemas-npl:instance:12">\n';

const escape = (s: string): string =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/** Stable codes for the texts of one lexicon: 'F1', 'F2' … in order of first use. */
class Codes {
  readonly byText = new Map<string, string>();
  constructor(private readonly prefix: string) {}
  of(text: string): string {
    let code = this.byText.get(text);
    if (code === undefined) {
      code = `${this.prefix}${this.byText.size + 1}`;
      this.byText.set(text, code);
    }
    return code;
  }
}

const orgId = (o: OrganisationRow): string => `IDSYN${o.code.replace(/[^A-Z0-9]/gi, '')}`;

function classOf(p: PackageRow, m: MedicineRow): string {
  if (p.licence) return 'LIC';
  if (p.parallel_traded) return 'PI';
  return m.species === 'veterinary' ? 'VET' : 'HUM';
}

const PRODUCT_CLASSES: readonly [string, string][] = [
  ['HUM', 'Humanläkemedel'],
  ['LIC', 'Licensläkemedel'],
  ['PI', 'Parallellimporterat läkemedel'],
  ['VET', 'Veterinärmedicinskt läkemedel'],
];

function productXml(
  nplId: string,
  m: MedicineRow,
  holder: OrganisationRow,
  seller: OrganisationRow,
  productClass: string,
  formCode: string,
  substanceCode: string,
  packages: readonly PackageRow[],
): string {
  const organisations =
    `    <mpa:organization>\n      <mpa:organization-lx v="${orgId(holder)}" />\n` +
    '      <mpa:organization-role-lx v="MAH" lexicon="organization-role-lx" />\n    </mpa:organization>\n' +
    (seller.id !== holder.id
      ? `    <mpa:organization>\n      <mpa:organization-lx v="${orgId(seller)}" />\n` +
        '      <mpa:organization-role-lx v="PI" lexicon="organization-role-lx" />\n    </mpa:organization>\n'
      : '');
  let packs = '';
  for (const p of packages) {
    packs +=
      '    <npl:package>\n' +
      `      <mpa:nplpackid>${p.npl_pack_id}</mpa:nplpackid>\n` +
      (p.nordic_article_number ? `      <mpa:vnr>${p.nordic_article_number}</mpa:vnr>\n` : '') +
      (p.gtin ? `      <mpa:gtin>${p.gtin}</mpa:gtin>\n` : '') +
      `      <mpa:pack-text>\n        <mpa:v>${escape(p.description)}</mpa:v>\n      </mpa:pack-text>\n` +
      `      <mpa:pack-size>${p.pack_size}</mpa:pack-size>\n` +
      `      <mpa:pack-size-unit-lx v="${escape(p.pack_unit)}" />\n` +
      (p.withdrawn_on
        ? '      <npl:flags>\n        <mpa:salesstopped v="Y" lexicon="yesno-lx" />\n      </npl:flags>\n'
        : '') +
      '    </npl:package>\n';
  }
  return (
    NPL_HEADER +
    `  <mpa:nplid>${nplId}</mpa:nplid>\n` +
    `  <npl:names>\n    <mpa:medprodname v="${escape(m.name)}" />\n    <mpa:medprodnamelegal v="${escape(m.name)}" />\n  </npl:names>\n` +
    `  <mpa:strength-text>\n    <mpa:v>${escape(m.strength)}</mpa:v>\n  </mpa:strength-text>\n` +
    `  <mpa:pharmaceutical-form-lx v="${formCode}" lexicon="pharmaceutical-form-lx" />\n` +
    `  <npl:organizations>\n${organisations}  </npl:organizations>\n` +
    `  <mpa:productclass-lx v="${productClass}" lexicon="productclass-lx" />\n` +
    `  <npl:classifications>\n    <mpa:atc-code-lx v="${m.atc_code}" />\n  </npl:classifications>\n` +
    '  <npl:flags>\n    <mpa:salesstopped v="N" lexicon="yesno-lx" />\n  </npl:flags>\n' +
    '  <npl:pharmaceutical-products>\n    <npl:pharmaceutical-product id="IDSYNPP">\n      <npl:composition>\n' +
    '        <npl:ingredient id="IDSYNIN">\n          <mpa:ingredient-role-lx v="ACTI" lexicon="ingredient-role-lx" />\n' +
    `          <mpa:substance-lx v="${substanceCode}" />\n        </npl:ingredient>\n` +
    '      </npl:composition>\n    </npl:pharmaceutical-product>\n  </npl:pharmaceutical-products>\n' +
    `  <npl:packages>\n${packs}  </npl:packages>\n</npl:medprod>\n`
  );
}

function lexiconXml(name: string, terms: Iterable<readonly [string, string]>): string {
  let body = '';
  for (const [code, text] of terms)
    body += `  <commonTerm><mpaId>${escape(code)}</mpaId><term-name xml:lang="sv" v="${escape(text)}"/></commonTerm>\n`;
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!-- SYNTHETIC: written by beredskap\'s generator (data/npl.ts). -->\n' +
    `<lexicon name="${name}">\n${body}</lexicon>\n`
  );
}

/** Writes `files` (path → text) with a few writes in flight. */
async function writeAll(files: Iterable<readonly [string, string]>): Promise<number> {
  let bytes = 0;
  const queue: Promise<void>[] = [];
  for (const [path, text] of files) {
    bytes += Buffer.byteLength(text);
    queue.push(writeFile(path, text));
    if (queue.length >= 32) await Promise.all(queue.splice(0));
  }
  await Promise.all(queue);
  return bytes;
}

/** Writes synthetic Sweden's catalogue (same options, same catalogue) as an NPL export in `dir`. */
export async function writeNplExport(dir: string, options: SwedenOptions = {}): Promise<NplExportCounts> {
  const sweden = generateSweden(options);
  const orgById = new Map(sweden.organisations.map((o) => [o.id, o]));
  const medicineById = new Map(sweden.medicines.map((m) => [m.id, m]));
  const forms = new Codes('F');
  const substances = new Codes('IDSYNSUB');

  // Packages per medicine, then per (seller, class): one product each.
  const groups = new Map<number, Map<string, PackageRow[]>>();
  for (const p of sweden.packages) {
    const m = medicineById.get(p.medicine_id);
    if (!m || p.kind !== 'medicine') continue;
    const key = `${p.company_id}|${classOf(p, m)}`;
    let byKey = groups.get(m.id);
    if (!byKey) groups.set(m.id, (byKey = new Map<string, PackageRow[]>()));
    byKey.set(key, [...(byKey.get(key) ?? []), p]);
  }

  await mkdir(join(dir, 'Productdata'), { recursive: true });
  await mkdir(join(dir, 'Lexicondata'), { recursive: true });
  const usedOrgs = new Set<OrganisationRow>();
  let products = 0;
  let packages = 0;
  const files: (readonly [string, string])[] = [];
  for (const [medicineId, byKey] of groups) {
    const m = medicineById.get(medicineId)!;
    const holder = orgById.get(m.company_id)!;
    let first = true;
    for (const packs of byKey.values()) {
      const lead = packs[0]!;
      const seller = orgById.get(lead.company_id)!;
      const nplId = first ? m.npl_id : `993${lead.npl_pack_id.slice(3)}`;
      first = false;
      usedOrgs.add(holder).add(seller);
      files.push([
        join(dir, 'Productdata', `${nplId}.xml`),
        productXml(
          nplId,
          m,
          holder,
          seller,
          classOf(lead, m),
          forms.of(m.form),
          substances.of(m.substance),
          packs,
        ),
      ]);
      products++;
      packages += packs.length;
    }
  }
  const organisationXml =
    '<?xml version="1.0" encoding="UTF-8"?>\n<!-- SYNTHETIC: written by beredskap\'s generator (data/npl.ts). -->\n' +
    '<organizations>\n' +
    [...usedOrgs]
      .map((o) => `  <organization id="${orgId(o)}"><orgname>${escape(o.name)}</orgname></organization>\n`)
      .join('') +
    '</organizations>\n';
  files.push(
    [join(dir, 'Lexicondata', 'organization.xml'), organisationXml],
    [
      join(dir, 'Lexicondata', 'pharmaceutical-form-lx.xml'),
      lexiconXml(
        'pharmaceutical-form-lx',
        [...forms.byText].map(([text, code]) => [code, text] as const),
      ),
    ],
    [
      join(dir, 'Lexicondata', 'substance-lx.xml'),
      lexiconXml(
        'substance-lx',
        [...substances.byText].map(([text, code]) => [code, text] as const),
      ),
    ],
    [join(dir, 'Lexicondata', 'productclass-lx.xml'), lexiconXml('productclass-lx', PRODUCT_CLASSES)],
  );
  const bytes = await writeAll(files);
  return { products, packages, organisations: usedOrgs.size, bytes };
}
