import type { Principal } from './access.js';
import type { Problem } from './errors.js';
import { isAuthority } from './actors.js';
import type { AuthorityCode } from './vocabulary.js';

/**
 * Master data from its owners (issue 9): which register exists, who owns it, and the rules that turn
 * a register's records into beredskap's products. Pure: no I/O.
 */

/** The registers beredskap imports from their owners. */
export const REGISTERS = ['npl', 'prioritised_list'] as const;
export type Register = (typeof REGISTERS)[number];

/**
 * The authority that owns each register: Läkemedelsverket publishes the product register (NPL);
 * Socialstyrelsen the list of medicines for care that cannot wait (DOMAIN.md, actors). Recognised by
 * the organisation's authority mark (src/domain/actors.ts), not by its code.
 */
export const REGISTER_OWNER: Readonly<Record<Register, AuthorityCode>> = {
  npl: 'lv',
  prioritised_list: 'sos',
};

export const REGISTER_OWNER_NAMES: Readonly<Record<Register, string>> = {
  npl: 'Läkemedelsverket',
  prioritised_list: 'Socialstyrelsen',
};

/** Roles of the owning authority that may import its register: those that write. */
const IMPORTING_ROLES: readonly Principal['role'][] = ['admin', 'coordinator', 'reporter'];

/**
 * Whether the caller may import `register`: the owning authority (with a role that writes), or an
 * administrator (role `admin`, the platform's administrators, who also manage tokens and users).
 * A region, a company or another authority may not.
 */
export function mayImportRegister(
  p: Pick<Principal, 'organisationKind' | 'role'> & { authority?: AuthorityCode | null },
  register: Register,
): boolean {
  if (p.role === 'admin') return true;
  return (
    isAuthority({ kind: p.organisationKind, authority: p.authority ?? null }, REGISTER_OWNER[register]) &&
    IMPORTING_ROLES.includes(p.role)
  );
}

/**
 * The registers the caller may import, and so whose imports it sees (the import log, the dashboard's
 * Registerimporter): its own register as owner, every register as administrator, else none.
 */
export function importableRegisters(
  p: Pick<Principal, 'organisationKind' | 'role'> & { authority?: AuthorityCode | null },
): Register[] {
  return REGISTERS.filter((r) => mayImportRegister(p, r));
}

// NPL: product classes, species, organisation roles -------------------------------------------------

/** What a product class means for R1's flags. */
export interface ProductClassFlags {
  licence: boolean;
  parallelTraded: boolean;
}

/**
 * NPL product classes (lexicon productclass-lx) that set R1's exemption flags, by code: 'LIC'
 * (licence) is in the real records we test on (test/fixtures/npl, docs/master-data.md). The
 * parallel-import code 'PI' is ours: no real parallel-imported record was found to confirm it
 * (docs/master-data.md). When the import is given the productclass-lx lexicon, the class's Swedish
 * name decides as well (see {@link flagsOfProductClass}), so a code we guessed wrong is still caught.
 */
export const PRODUCT_CLASS_FLAGS: Readonly<Record<string, ProductClassFlags>> = {
  LIC: { licence: true, parallelTraded: false },
  PI: { licence: false, parallelTraded: true },
};

/**
 * The flags of a product class: by its code ({@link PRODUCT_CLASS_FLAGS}), or by its Swedish name in
 * the lexicon ('licens…' marks licence, 'parallell…' parallel import or distribution). `known` is
 * false when neither the table nor the lexicon knows the code (the import warns and sets no flag).
 */
export function flagsOfProductClass(
  code: string | null,
  lexiconName: string | undefined,
): ProductClassFlags & { known: boolean } {
  if (code === null) return { licence: false, parallelTraded: false, known: true };
  const byCode = PRODUCT_CLASS_FLAGS[code];
  const name = lexiconName?.toLowerCase() ?? '';
  return {
    licence: (byCode?.licence ?? false) || name.includes('licens'),
    parallelTraded: (byCode?.parallelTraded ?? false) || name.includes('parallell'),
    known: byCode !== undefined || lexiconName !== undefined,
  };
}

/**
 * Human or veterinary: a veterinary medicine carries an ATCvet code, which always begins with 'Q'
 * (WHO Collaborating Centre, ATCvet); a product class whose Swedish name says 'veterinär' marks one
 * too (a record without an ATC code).
 */
export function speciesOf(atcCode: string, productClassName: string | undefined): 'human' | 'veterinary' {
  if (atcCode.startsWith('Q')) return 'veterinary';
  return productClassName?.toLowerCase().includes('veterinär') ? 'veterinary' : 'human';
}

/** The NPL organisation role of the marketing authorisation holder (real records: 'MAH'). */
export const HOLDER_ROLE = 'MAH';
/**
 * Roles that make an organisation the seller of the product's packages instead of the holder. Ours:
 * 'PI' (parallel importer) is not in any real record we found. Without one, the holder sells.
 */
export const SELLER_ROLES: readonly string[] = ['PI'];

// Pack size from the pack text ---------------------------------------------------------------------

const UNIT_WORDS: Readonly<Record<string, string>> = {
  ml: 'ml',
  l: 'l',
  g: 'g',
  kg: 'kg',
  dos: 'dos',
  doser: 'dos',
  st: 'st',
};

/**
 * The pack size a pack text states, for records that give no size of their own: "100 tablett(er)
 * blister" is 100 st, "10 x 100 ml injektionsflaska" 10 st (packages of a container each), "500 ml
 * flaska" 500 ml, "30 doser" 30 dos. Undefined when the text begins with no number (a licence
 * record's "Licensförpackning").
 */
export function packSizeOfText(text: string): { size: number; unit: string } | undefined {
  const m = /^\s*(\d+(?:[.,]\d+)?)\s*(x\b|×)?\s*([a-zåäöA-ZÅÄÖ]+)?/.exec(text);
  if (!m?.[1]) return undefined;
  const size = Number(m[1].replace(',', '.'));
  if (!(size > 0)) return undefined;
  if (m[2]) return { size, unit: 'st' };
  const word = (m[3] ?? '').toLowerCase();
  return { size, unit: UNIT_WORDS[word] ?? 'st' };
}

/** The pack a record with no usable size is counted as: one package. */
export const UNKNOWN_PACK = { size: 1, unit: 'förp' } as const;

// What changed between two versions of a package ----------------------------------------------------

/** Everything an import sets on a package, flattened with its medicine; what history keeps. */
export interface PackageSnapshot {
  nplPackId: string;
  nplId: string;
  name: string;
  atcCode: string;
  substance: string;
  form: string;
  strength: string;
  species: 'human' | 'veterinary';
  productClass: string | null;
  holderId: number;
  sellerId: number;
  nordicArticleNumber: string | null;
  gtin: string | null;
  packSize: number;
  packUnit: string;
  description: string;
  parallelTraded: boolean;
  licence: boolean;
  marketStatus: MarketStatus;
}

export const MARKET_STATUSES = ['marketed', 'sales_stopped', 'withdrawn'] as const;
export type MarketStatus = (typeof MARKET_STATUSES)[number];

const COMPARED: readonly (keyof PackageSnapshot)[] = [
  'nplId',
  'name',
  'atcCode',
  'substance',
  'form',
  'strength',
  'species',
  'productClass',
  'holderId',
  'sellerId',
  'nordicArticleNumber',
  'gtin',
  'packSize',
  'packUnit',
  'description',
  'parallelTraded',
  'licence',
  'marketStatus',
];

/** The fields that differ between two versions of a package, in a fixed order; empty when none. */
export function changedFields(before: PackageSnapshot, after: PackageSnapshot): (keyof PackageSnapshot)[] {
  return COMPARED.filter((f) => before[f] !== after[f]);
}

/** One field of a package that differs between two versions: what it was and what it became. */
export interface FieldChange {
  field: keyof PackageSnapshot;
  from: PackageSnapshot[keyof PackageSnapshot];
  to: PackageSnapshot[keyof PackageSnapshot];
}

/**
 * What changed from one version of a package to the next, field by field in {@link changedFields}'
 * order, with the values before and after (the product page's history shows them).
 */
export function versionChanges(before: PackageSnapshot, after: PackageSnapshot): FieldChange[] {
  return changedFields(before, after).map((field) => ({ field, from: before[field], to: after[field] }));
}

/** What an import did to the packages it touched (and to those a total export no longer names). */
export interface RegisterChanges {
  added: string[];
  changed: { nplPackId: string; fields: string[] }[];
  withdrawn: { nplPackId: string; stockOrSales: boolean }[];
  unchanged: number;
}

/** A package as stored: its snapshot, and whether any import has written its history yet. */
export interface StoredSnapshot {
  snapshot: PackageSnapshot;
  hasHistory: boolean;
}

/**
 * A package version an import writes, and why: added, changed or withdrawn (the new version), or
 * 'baseline': the state a package had before the register's first change to it (its first version,
 * from the beginning of its history to the import's date).
 */
export interface StagedPackage {
  op: 'added' | 'changed' | 'withdrawn' | 'baseline';
  snapshot: PackageSnapshot;
}

/**
 * What an import changes, from the stored packages and the export's: added, changed (with the
 * fields), unchanged. A total export is the whole register, so a stored package it no longer names is
 * withdrawn (never deleted); a delta export names only what changed, so it withdraws nothing.
 */
export function diffRegister<T extends StoredSnapshot>(
  stored: ReadonlyMap<string, T>,
  incoming: readonly PackageSnapshot[],
  mode: 'total' | 'delta',
): {
  staged: StagedPackage[];
  added: string[];
  changed: { nplPackId: string; fields: string[] }[];
  unchanged: number;
  withdrawn: T[];
} {
  const staged: StagedPackage[] = [];
  const added: string[] = [];
  const changed: { nplPackId: string; fields: string[] }[] = [];
  let unchanged = 0;
  const seen = new Set<string>();
  for (const s of incoming) {
    seen.add(s.nplPackId);
    const old = stored.get(s.nplPackId);
    if (!old) {
      added.push(s.nplPackId);
      staged.push({ op: 'added', snapshot: s });
      continue;
    }
    const fields = changedFields(old.snapshot, s);
    if (fields.length === 0) {
      unchanged++;
      continue;
    }
    changed.push({ nplPackId: s.nplPackId, fields });
    if (!old.hasHistory) staged.push({ op: 'baseline', snapshot: old.snapshot });
    staged.push({ op: 'changed', snapshot: s });
  }
  const withdrawn: T[] = [];
  if (mode === 'total') {
    for (const [nplPackId, old] of stored) {
      if (seen.has(nplPackId) || old.snapshot.marketStatus === 'withdrawn') continue;
      withdrawn.push(old);
      if (!old.hasHistory) staged.push({ op: 'baseline', snapshot: old.snapshot });
      staged.push({ op: 'withdrawn', snapshot: { ...old.snapshot, marketStatus: 'withdrawn' } });
    }
  }
  return { staged, added, changed, unchanged, withdrawn };
}

// Socialstyrelsen's prioritised list -----------------------------------------------------------------

/** An ATC code of any level: 'J', 'J01', 'J01C', 'J01CA' or 'J01CA04' (and ATCvet 'QJ01CA04'). */
export const ATC_PATTERN = /^Q?[A-Z](\d{2}([A-Z]([A-Z](\d{2})?)?)?)?$/;
export const EXPECTED_ATC = "an ATC code, e.g. 'J01CA04' (or a group such as 'J01')";

/** A version of the list as stored. */
export interface ListVersion {
  version: string;
  validFrom: string;
  contentSha256: string;
}

/**
 * Whether a new version of a list may be stored, and what happens. A version once stored is never
 * changed, so that every past date keeps reading what was in force then:
 * - the same version again with the same content is a replay (nothing changes);
 * - the same version with other content is refused (publish it as a new version);
 * - a new version must start after every stored version, and — once any version exists — not before
 *   `today`, since starting earlier would change what days already past read.
 * The first version of a list may be dated back: before it, no day read any list.
 */
export function checkNewListVersion(
  existing: readonly ListVersion[],
  candidate: ListVersion,
  today: string,
): { kind: 'new' } | { kind: 'replay' } | { kind: 'refused'; problem: Problem } {
  const same = existing.find((v) => v.version === candidate.version);
  if (same) {
    if (same.contentSha256 === candidate.contentSha256) return { kind: 'replay' };
    return {
      kind: 'refused',
      problem: {
        field: 'version',
        value: candidate.version,
        expected: 'a version not stored before',
        message: `version ${candidate.version} is stored already with other content; a stored version is never changed: import this one as a new version`,
      },
    };
  }
  const latest = existing.reduce<string | undefined>(
    (max, v) => (max === undefined || v.validFrom > max ? v.validFrom : max),
    undefined,
  );
  if (latest !== undefined && candidate.validFrom <= latest) {
    return {
      kind: 'refused',
      problem: {
        field: 'validFrom',
        value: candidate.validFrom,
        expected: `a date after ${latest}`,
        message: `valid-from ${candidate.validFrom} is not after the latest stored version's (${latest}); a new version starts after every stored one`,
      },
    };
  }
  if (latest !== undefined && candidate.validFrom < today) {
    return {
      kind: 'refused',
      problem: {
        field: 'validFrom',
        value: candidate.validFrom,
        expected: `${today} or later`,
        message: `valid-from ${candidate.validFrom} is in the past: it would change what the days from ${candidate.validFrom} to ${today} already read`,
      },
    };
  }
  return { kind: 'new' };
}
