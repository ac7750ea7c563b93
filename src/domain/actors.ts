import { seesEverything, type Principal } from './access.js';
import { kindOfAuthority, type AuthorityCode, type OrganisationKind, type Role } from './vocabulary.js';

/*
 * Actors and places (issue 9 item 3): which organisation is which national actor, who owns the
 * registers of actors and places, and the checks an imported organisation or location must pass.
 * Pure functions: no I/O.
 */

/** The part of an organisation that says which national actor it is. */
export interface AuthorityMark {
  kind: OrganisationKind;
  /** organisation.authority (0013): null for every organisation that is not a named national actor. */
  authority: AuthorityCode | null;
}

/**
 * Whether the organisation is the named national actor, e.g. `isAuthority(org, 'lv')` for
 * "only Läkemedelsverket decides" (R1, R3) or `isAuthority(org, 'tlv')` for "only TLV decides
 * compensation" (R1). Both the code and the kind must agree: an organisation of kind `company`
 * can never be Läkemedelsverket, whatever its mark says.
 */
export function isAuthority(org: AuthorityMark, code: AuthorityCode): boolean {
  return org.authority === code && org.kind === kindOfAuthority(code);
}

/** The decisions the domain names and the one national actor that makes each (DOMAIN.md). */
export const DECIDED_BY = {
  /** R1: LV decides obligations (with TLV's support) and dispensations. */
  obligation: 'lv',
  dispensation: 'lv',
  /** R3: LV decides distribution and redistribution in an individual case. */
  distribution: 'lv',
  redistribution: 'lv',
  /** R4 (seed 004): whether a shortage is "kritisk brist" is Läkemedelsverket's assessment. */
  criticalShortage: 'lv',
  /** R1: companies apply to TLV for compensation. */
  compensation: 'tlv',
  /** R1, R2: Socialstyrelsen's list of medicines for care that cannot wait. */
  prioritisedList: 'sos',
} as const satisfies Record<string, AuthorityCode>;
export type Decision = keyof typeof DECIDED_BY;

/** Whether the organisation may make this decision. */
export function mayDecide(org: AuthorityMark, decision: Decision): boolean {
  return isAuthority(org, DECIDED_BY[decision]);
}

/** The master-data registers of issue 9 item 3. */
export type ActorRegister = 'organisations' | 'locations';

/**
 * Who keeps each register. Ours: Läkemedelsverket, which grants the permits to run pharmacies and
 * wholesale trade in medicines, keeps the register of actors and places; DOMAIN.md does not say who.
 * A named parameter so that it can be changed in one place.
 */
export const REGISTER_OWNER: Readonly<Record<ActorRegister, AuthorityCode>> = {
  organisations: 'lv',
  locations: 'lv',
};

/**
 * Whether the caller may import a register: a token of the owning authority (any role that may
 * write, i.e. not a reader), or an administrator (issue 9 item 5).
 */
export function mayImportRegister(
  p: Pick<Principal, 'organisationKind' | 'role'> & { authority?: AuthorityCode | null },
  register: ActorRegister,
): boolean {
  if (p.role === 'admin') return true;
  const writes: readonly Role[] = ['coordinator', 'reporter'];
  return (
    writes.includes(p.role) &&
    isAuthority({ kind: p.organisationKind, authority: p.authority ?? null }, REGISTER_OWNER[register])
  );
}

/**
 * A Swedish organisation number (organisationsnummer) in the form NNNNNN-NNNN, or undefined when
 * `s` is not one: ten digits (a dash before the last four is optional; a 12-digit form with the
 * century '16' is accepted) whose last digit is the Luhn check digit over the other nine, as
 * Bolagsverket and Skatteverket assign them.
 */
export function parseOrganisationNumber(s: string): string | undefined {
  const compact = s.trim().replace(/^(16)?(\d{6})-?(\d{4})$/, '$2$3');
  if (!/^\d{10}$/.test(compact)) return undefined;
  if (!luhnValid(compact)) return undefined;
  return `${compact.slice(0, 6)}-${compact.slice(6)}`;
}

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(i) - 48;
    if ((digits.length - i) % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Whether `s` is a GS1 global location number: 13 digits, the last the GS1 mod-10 check digit. */
export function isGln(s: string): boolean {
  if (!/^\d{13}$/.test(s)) return false;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += (s.charCodeAt(i) - 48) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10 === s.charCodeAt(12) - 48;
}

/** Sweden's extent, for a sanity check of imported coordinates (WGS 84). */
export const SWEDEN_BOUNDS = { minLat: 55.0, maxLat: 69.1, minLon: 10.9, maxLon: 24.2 } as const;

export function isInSweden(latitude: number, longitude: number): boolean {
  return (
    latitude >= SWEDEN_BOUNDS.minLat &&
    latitude <= SWEDEN_BOUNDS.maxLat &&
    longitude >= SWEDEN_BOUNDS.minLon &&
    longitude <= SWEDEN_BOUNDS.maxLon
  );
}

/**
 * The fields whose values differ between the stored record and the imported one (for the import's
 * change report and the audit). Values are compared as given: the caller normalises first.
 */
export function changedFields<T extends object>(
  before: T,
  after: T,
  fields: readonly (keyof T & string)[],
): { field: string; from: unknown; to: unknown }[] {
  const out: { field: string; from: unknown; to: unknown }[] = [];
  for (const f of fields) {
    const a = before[f];
    const b = after[f];
    const same = Array.isArray(a) && Array.isArray(b) ? a.join(',') === b.join(',') : a === b;
    if (!same) out.push({ field: f, from: a ?? null, to: b ?? null });
  }
  return out;
}

/**
 * Whether a line of stock held for someone else may be shown (issue 9 item 4): to authorities and
 * the joint function (they see everything), to the owner (its own stock, wherever it is held), and
 * to the holder (the stock lies in its warehouse). Nobody else learns whose stock lies where.
 */
export function maySeeOwnedStock(
  p: Pick<Principal, 'organisationKind' | 'organisationId'>,
  line: { ownerId: number; holderId: number },
): boolean {
  return seesEverything(p) || p.organisationId === line.ownerId || p.organisationId === line.holderId;
}

/** One organisation's share of a package's stock, as owner or as holder. */
export interface OwnerShare {
  organisationId: number;
  quantity: number;
  /** As owner: the part held by others. As holder: the part owned by others. */
  apart: number;
}

/**
 * Sums stock lines by owner and by holder (R2: "who holds it" and "whose it is" differ). Worked
 * example: a wholesaler W holds 100 packages for company C and 30 of its own; region R holds 50 of
 * its own. By owner: C 100 (100 held by others), W 30, R 50. By holder: W 130 (100 owned by others), R 50.
 */
export function sumByOwnerAndHolder(
  lines: readonly { ownerId: number; holderId: number; quantity: number }[],
): { byOwner: OwnerShare[]; byHolder: OwnerShare[]; total: number } {
  const byOwner = new Map<number, OwnerShare>();
  const byHolder = new Map<number, OwnerShare>();
  let total = 0;
  for (const l of lines) {
    total += l.quantity;
    const o = byOwner.get(l.ownerId) ?? { organisationId: l.ownerId, quantity: 0, apart: 0 };
    o.quantity += l.quantity;
    if (l.holderId !== l.ownerId) o.apart += l.quantity;
    byOwner.set(l.ownerId, o);
    const h = byHolder.get(l.holderId) ?? { organisationId: l.holderId, quantity: 0, apart: 0 };
    h.quantity += l.quantity;
    if (l.holderId !== l.ownerId) h.apart += l.quantity;
    byHolder.set(l.holderId, h);
  }
  const order = (a: OwnerShare, b: OwnerShare) =>
    b.quantity - a.quantity || a.organisationId - b.organisationId;
  return { byOwner: [...byOwner.values()].sort(order), byHolder: [...byHolder.values()].sort(order), total };
}
