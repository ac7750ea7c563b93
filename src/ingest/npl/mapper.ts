import type { Problem } from '../../domain/errors.js';
import {
  ATC_PATTERN,
  EXPECTED_ATC,
  flagsOfProductClass,
  HOLDER_ROLE,
  packSizeOfText,
  SELLER_ROLES,
  speciesOf,
  UNKNOWN_PACK,
  type MarketStatus,
} from '../../domain/master-data.js';
import type { ProblemList } from '../problems.js';
import type { Located, Lexicon, NplPackageRecord, NplProductRecord } from './reader.js';

/**
 * NPL records to beredskap's products: one medicine per `npl:medprod`, one package per `npl:package`,
 * with R1's flags, the holder and the seller, and the marketing status. Pure: the records and the
 * lexicons in, rows and problems out. The rules are in docs/master-data.md.
 */

/** The lexicons the mapper looks codes up in (file name without `.xml`). */
export const LEXICONS = {
  organisations: 'organization',
  forms: 'pharmaceutical-form-lx',
  productClasses: 'productclass-lx',
  substances: 'substance-lx',
  atc: 'atc-code-lx',
} as const;

export interface MappedPackage {
  nplPackId: string;
  nordicArticleNumber: string | null;
  gtin: string | null;
  packSize: number;
  packUnit: string;
  description: string;
  parallelTraded: boolean;
  licence: boolean;
  marketStatus: MarketStatus;
}

export interface MappedProduct {
  file: string;
  nplId: string;
  name: string;
  atcCode: string;
  substance: string;
  substanceCodes: string | null;
  form: string;
  formCode: string | null;
  strength: string;
  species: 'human' | 'veterinary';
  productClass: string | null;
  /** NPL organisation ids: the marketing authorisation holder, and who sells the packages. */
  holder: string;
  seller: string;
  packages: MappedPackage[];
}

export interface MappedExport {
  products: MappedProduct[];
  /** Every NPL organisation the products name, with its name from the lexicon when it has one. */
  organisations: Map<string, string | undefined>;
  /** Packages whose size came from no field and no pack text (counted as one package each). */
  unknownPackSizes: number;
}

const NPL_ID = /^\d{14}$/;
const VNR = /^\d{6}$/;
const GTIN = /^\d{8,14}$/;
const YES_NO = new Set(['Y', 'N']);

const problemAt = (file: string, at: Located | { line: number; path: string }) => ({
  at: `${file}:${at.line}`,
  field: at.path,
});

/**
 * Warnings of one kind gathered over the whole export: one line per lexicon and code, with the
 * number of products and the first place it stands, instead of thousands of lines.
 */
class WarningTally {
  private readonly byKey = new Map<string, { problem: Problem; count: number }>();

  add(key: string, make: () => Problem): void {
    const hit = this.byKey.get(key);
    if (hit) hit.count++;
    else this.byKey.set(key, { problem: make(), count: 1 });
  }

  list(): Problem[] {
    return [...this.byKey.values()].map(({ problem, count }) =>
      count === 1 ? problem : { ...problem, message: `${problem.message} (${count} products)` },
    );
  }
}

/**
 * A code looked up in a lexicon. The rule when the lexicon or its entry is missing (docs/master-data.md):
 * the code is kept in place of the name, the import goes on, and a warning says which lexicon, which
 * code and what was done; the next import that brings the lexicon names it.
 */
function lookUp(
  lexicons: ReadonlyMap<string, Lexicon>,
  lexicon: string,
  code: Located,
  file: string,
  what: string,
  tally: WarningTally,
): { name: string; found: boolean } {
  const lx = lexicons.get(lexicon);
  const name = lx?.terms.get(code.value);
  if (name !== undefined) return { name, found: true };
  tally.add(`${lexicon}|${code.value}`, () => ({
    ...problemAt(file, code),
    value: code.value,
    expected: `an entry of lexicon ${lexicon}`,
    message: lx
      ? `lexicon ${lexicon} (${lx.file}) has no entry ${code.value}: the ${what} is kept as the code ${code.value} until the lexicon names it (first in ${file} line ${code.line})`
      : `lexicon ${lexicon} was not given: the ${what} is kept as the code ${code.value} until the lexicon arrives (first in ${file} line ${code.line})`,
  }));
  return { name: code.value, found: false };
}

export function mapExport(
  records: readonly NplProductRecord[],
  lexicons: ReadonlyMap<string, Lexicon>,
  problems: ProblemList,
): { mapped: MappedExport; warnings: Problem[] } {
  const tally = new WarningTally();
  const products: MappedProduct[] = [];
  const organisations = new Map<string, string | undefined>();
  const productOfId = new Map<string, string>();
  const fileOfPack = new Map<string, string>();
  const packOfVnr = new Map<string, string>();
  const packOfGtin = new Map<string, string>();
  let unknownPackSizes = 0;

  for (const r of records) {
    if (!r.complete) continue;
    const file = r.file;
    const required = (value: Located | undefined, field: string, expected: string): value is Located => {
      if (value !== undefined && value.value !== '') return true;
      problems.add({
        at: file,
        field,
        expected,
        message: `${file}: ${field} is missing (expected ${expected})`,
      });
      return false;
    };

    const nplIdOk = required(r.nplId, '/npl:medprod/mpa:nplid', 'the product’s NPL id, 14 digits');
    const nameOk = required(
      r.name,
      '/npl:medprod/npl:names/mpa:medprodname@v',
      'the product’s name in mpa:medprodname v="…"',
    );
    if (!nplIdOk || !nameOk) continue;
    const nplId = r.nplId!;
    if (!NPL_ID.test(nplId.value)) {
      problems.add({
        ...problemAt(file, nplId),
        value: nplId.value,
        expected: '14 digits',
        message: `${file} line ${nplId.line}: NPL id '${nplId.value}' is not 14 digits`,
      });
      continue;
    }
    const earlier = productOfId.get(nplId.value);
    if (earlier !== undefined) {
      problems.add({
        ...problemAt(file, nplId),
        value: nplId.value,
        expected: 'each product once in an export',
        message: `${file} line ${nplId.line}: NPL id ${nplId.value} is also the product of ${earlier}`,
      });
      continue;
    }
    productOfId.set(nplId.value, file);

    // Organisations: the holder (role MAH) and the seller (a parallel importer, else the holder).
    let holder: string | undefined;
    let seller: string | undefined;
    for (const o of r.organisations) {
      if (!o.orgId) continue;
      const role = o.role?.value;
      if (role === HOLDER_ROLE) holder ??= o.orgId.value;
      else if (role !== undefined && SELLER_ROLES.includes(role)) seller ??= o.orgId.value;
      if (!organisations.has(o.orgId.value)) {
        const name = lookUp(lexicons, LEXICONS.organisations, o.orgId, file, 'organisation name', tally);
        organisations.set(o.orgId.value, name.found ? name.name : undefined);
      } else if (organisations.get(o.orgId.value) === undefined) {
        lookUp(lexicons, LEXICONS.organisations, o.orgId, file, 'organisation name', tally);
      }
    }
    holder ??= r.organisations.find((o) => o.orgId)?.orgId?.value;
    if (holder === undefined) {
      problems.add({
        at: `${file}:${nplId.line}`,
        field: '/npl:medprod/npl:organizations/mpa:organization/mpa:organization-lx@v',
        expected: `an organisation with role ${HOLDER_ROLE} (the marketing authorisation holder)`,
        message: `${file}: product ${nplId.value} names no organisation (expected one with role ${HOLDER_ROLE})`,
      });
      continue;
    }

    // ATC code: checked when given; a product without one is kept, with a warning.
    let atcCode = '';
    if (r.atcCode && r.atcCode.value !== '') {
      if (!ATC_PATTERN.test(r.atcCode.value)) {
        problems.add({
          ...problemAt(file, r.atcCode),
          value: r.atcCode.value,
          expected: EXPECTED_ATC,
          message: `${file} line ${r.atcCode.line}: ATC code '${r.atcCode.value}' is not an ATC code`,
        });
        continue;
      }
      atcCode = r.atcCode.value;
      if (lexicons.has(LEXICONS.atc)) lookUp(lexicons, LEXICONS.atc, r.atcCode, file, 'ATC code', tally);
    } else {
      tally.add('no-atc', () => ({
        at: file,
        field: '/npl:medprod/npl:classifications/mpa:atc-code-lx@v',
        expected: 'an ATC code',
        message: `${file}: product ${nplId.value} has no ATC code; stored without one (it joins no ATC group)`,
      }));
    }

    const form = r.formCode
      ? lookUp(lexicons, LEXICONS.forms, r.formCode, file, 'pharmaceutical form', tally).name
      : '';
    const substanceNames = r.activeSubstances.map(
      (s) => lookUp(lexicons, LEXICONS.substances, s, file, 'substance', tally).name,
    );
    const productClass = r.productClass?.value ?? null;
    let className: string | undefined;
    if (r.productClass) {
      const found = lookUp(lexicons, LEXICONS.productClasses, r.productClass, file, 'product class', tally);
      className = found.found ? found.name : undefined;
    }
    const flags = flagsOfProductClass(productClass, className);
    if (!flags.known && r.productClass) {
      tally.add(`class|${productClass}`, () => ({
        ...problemAt(file, r.productClass!),
        value: productClass,
        expected: 'a product class that the productclass-lx lexicon or docs/master-data.md names',
        message: `product class ${productClass} is unknown: its packages are stored as neither licence nor parallel-traded (first in ${file} line ${r.productClass!.line})`,
      }));
    }

    const productStop = yesNo(r.salesStopped, file, problems);
    if (productStop === undefined) continue;

    const packages: MappedPackage[] = [];
    let bad = false;
    for (const p of r.packages) {
      const mapped = mapPackage(p, file, problems, productStop, flags);
      if (!mapped) {
        bad = true;
        continue;
      }
      if (mapped.unknownSize) unknownPackSizes++;
      const pkg = mapped.pkg;
      const other = fileOfPack.get(pkg.nplPackId);
      if (other !== undefined) {
        problems.add({
          ...problemAt(file, p.nplPackId!),
          value: pkg.nplPackId,
          expected: 'each package once in an export',
          message: `${file} line ${p.nplPackId!.line}: NPL pack id ${pkg.nplPackId} is also a package of ${other}`,
        });
        bad = true;
        continue;
      }
      fileOfPack.set(pkg.nplPackId, file);
      for (const [value, seen, what, located] of [
        [pkg.nordicArticleNumber, packOfVnr, 'Nordic article number', p.nordicArticleNumber],
        [pkg.gtin, packOfGtin, 'GTIN', p.gtin],
      ] as const) {
        if (value === null || located === undefined) continue;
        const owner = seen.get(value);
        if (owner !== undefined) {
          problems.add({
            ...problemAt(file, located),
            value,
            expected: `a ${what} of one package`,
            message: `${file} line ${located.line}: ${what} ${value} of package ${pkg.nplPackId} is also that of package ${owner}`,
          });
          bad = true;
        } else seen.set(value, pkg.nplPackId);
      }
      packages.push(pkg);
    }
    if (bad) continue;

    products.push({
      file,
      nplId: nplId.value,
      name: r.name!.value,
      atcCode,
      substance: substanceNames.join(' + '),
      substanceCodes: r.activeSubstances.length ? r.activeSubstances.map((s) => s.value).join(' + ') : null,
      form,
      formCode: r.formCode?.value ?? null,
      strength: r.strength?.value ?? '',
      species: speciesOf(atcCode, className),
      productClass,
      holder,
      seller: seller ?? holder,
      packages,
    });
  }
  if (unknownPackSizes > 0) {
    tally.add('pack-size', () => ({
      field: 'mpa:pack-size',
      expected: 'a pack size, or a pack text that begins with one',
      message: `${unknownPackSizes} packages state no pack size (e.g. a licence record's "Licensförpackning"): each is counted as 1 package (unit '${UNKNOWN_PACK.unit}')`,
    }));
  }
  return { mapped: { products, organisations, unknownPackSizes }, warnings: tally.list() };
}

/** 'Y' or 'N' (lexicon yesno-lx); absent is 'N'. Undefined (and a problem) for anything else. */
function yesNo(flag: Located | undefined, file: string, problems: ProblemList): boolean | undefined {
  if (flag === undefined) return false;
  if (YES_NO.has(flag.value)) return flag.value === 'Y';
  problems.add({
    ...problemAt(file, flag),
    value: flag.value,
    expected: "'Y' or 'N' (lexicon yesno-lx)",
    message: `${file} line ${flag.line}: ${flag.path} is '${flag.value}', expected Y or N`,
  });
  return undefined;
}

function mapPackage(
  p: NplPackageRecord,
  file: string,
  problems: ProblemList,
  productStop: boolean,
  flags: { licence: boolean; parallelTraded: boolean },
): { pkg: MappedPackage; unknownSize: boolean } | undefined {
  if (!p.nplPackId || p.nplPackId.value === '') {
    problems.add({
      at: `${file}:${p.line}`,
      field: `${p.path}/mpa:nplpackid`,
      expected: 'the package’s NPL pack id, 14 digits',
      message: `${file} line ${p.line}: a package has no mpa:nplpackid`,
    });
    return undefined;
  }
  const id = p.nplPackId;
  let ok = true;
  const fail = (at: Located, expected: string, what: string) => {
    problems.add({
      ...problemAt(file, at),
      value: at.value,
      expected,
      message: `${file} line ${at.line}: ${what} '${at.value}' of package ${id.value} is not ${expected}`,
    });
    ok = false;
  };
  if (!NPL_ID.test(id.value)) fail(id, '14 digits', 'NPL pack id');
  if (p.nordicArticleNumber && !VNR.test(p.nordicArticleNumber.value))
    fail(p.nordicArticleNumber, '6 digits', 'Nordic article number');
  if (p.gtin && !GTIN.test(p.gtin.value)) fail(p.gtin, '8 to 14 digits', 'GTIN');
  let size: { size: number; unit: string } | undefined;
  if (p.packSize) {
    const n = Number(p.packSize.value.replace(',', '.'));
    if (!(n > 0) || !Number.isFinite(n)) fail(p.packSize, 'a number above 0', 'pack size');
    else size = { size: n, unit: p.packUnit?.value ?? 'st' };
  }
  const packStop = yesNo(p.salesStopped, file, problems);
  if (packStop === undefined) ok = false;
  if (!ok) return undefined;
  const text = p.packText?.value ?? '';
  const fromText = size ?? packSizeOfText(text);
  return {
    pkg: {
      nplPackId: id.value,
      nordicArticleNumber: p.nordicArticleNumber?.value ?? null,
      gtin: p.gtin?.value ?? null,
      packSize: fromText?.size ?? UNKNOWN_PACK.size,
      packUnit: fromText?.unit ?? UNKNOWN_PACK.unit,
      description: text,
      parallelTraded: flags.parallelTraded,
      licence: flags.licence,
      marketStatus: productStop || packStop ? 'sales_stopped' : 'marketed',
    },
    unknownSize: fromText === undefined,
  };
}
