/**
 * The vocabulary of beredskap: kinds of organisation and location, roles, report kinds and the
 * authorities. Domain words, defined here; the store (src/store/schema.ts), the API and the
 * dashboard import them from this module (docs/STYLE "The vocabulary lives in the domain").
 */

/** The actor types of DOMAIN.md. 'joint_function' is the regions' Nationellt CT. */
export const ORGANISATION_KINDS = [
  'authority',
  'joint_function',
  'region',
  'municipality',
  'wholesaler',
  'pharmacy_operator',
  'dose_pharmacy_operator',
  'company',
  'other',
] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

/** Places that hold stock (DOMAIN.md "Products and places"). */
export const LOCATION_KINDS = [
  'wholesaler_warehouse',
  'community_pharmacy',
  'dose_pharmacy',
  'hospital_pharmacy',
  'care_unit_store',
  'municipal_store',
  'state_security_stock',
  'regional_preparedness_stock',
] as const;
export type LocationKind = (typeof LOCATION_KINDS)[number];

/** A token's role (what a caller may do); see src/domain/access.ts for the permissions of each. */
export const ROLES = ['admin', 'coordinator', 'analyst', 'reporter', 'reader'] as const;
export type Role = (typeof ROLES)[number];

/** The kinds of report (batches of facts) the system receives. */
export const REPORT_KINDS = [
  'stock_snapshot',
  'stock_difference',
  'sales',
  'expected_delivery',
  'shortage_notice',
  'catalogue',
  'synthetic',
] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

/**
 * The national actors whose roles later decisions tell apart (DOMAIN.md "Actors"): each is one
 * organisation, marked by this code (organisation.authority, migration 0013).
 * - `lv` Läkemedelsverket: decides obligations, dispensations, distribution and redistribution (R1, R3);
 * - `tlv` TLV: compensation for obligatory stock (R1);
 * - `sos` Socialstyrelsen: the list of medicines for care that cannot wait (R1, R2);
 * - `ehm` E-hälsomyndigheten: national sales statistics, infrastructure for the picture;
 * - `fohm` Folkhälsomyndigheten: medicines for outbreaks;
 * - `nct` Nationellt CT: the regions' joint function for critical shortages (R3 consultation).
 * Nationellt CT is not an authority (its kind is `joint_function`), but it is one named actor.
 */
export const AUTHORITY_CODES = ['lv', 'tlv', 'sos', 'ehm', 'fohm', 'nct'] as const;
export type AuthorityCode = (typeof AUTHORITY_CODES)[number];

/** Swedish names of the national actors. */
export const AUTHORITY_NAMES_SV: Readonly<Record<AuthorityCode, string>> = {
  lv: 'Läkemedelsverket',
  tlv: 'Tandvårds- och läkemedelsförmånsverket',
  sos: 'Socialstyrelsen',
  ehm: 'E-hälsomyndigheten',
  fohm: 'Folkhälsomyndigheten',
  nct: 'Nationellt CT',
};

/** The organisation kind each national actor must have. */
export function kindOfAuthority(code: AuthorityCode): OrganisationKind {
  return code === 'nct' ? 'joint_function' : 'authority';
}

export function isAuthorityCode(s: string): s is AuthorityCode {
  return (AUTHORITY_CODES as readonly string[]).includes(s);
}

export function isOrganisationKind(s: string): s is OrganisationKind {
  return (ORGANISATION_KINDS as readonly string[]).includes(s);
}

export function isLocationKind(s: string): s is LocationKind {
  return (LOCATION_KINDS as readonly string[]).includes(s);
}
