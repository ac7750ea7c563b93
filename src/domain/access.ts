import { createHash } from 'node:crypto';
import type { AuthorityCode, LocationKind, OrganisationKind, Role } from './vocabulary.js';

/**
 * What a route may require. Every API route names exactly one; `public` is the only one that
 * needs no token. A route without a permission is refused at start-up (default deny).
 */
export type Permission =
  | 'public'
  | 'catalogue:read' // regions, organisations, locations, products, product lists
  | 'report:write' // send stock, sales, delivery and notice reports for own locations/packages
  | 'report:read' // list own reports and receipts
  | 'picture:read' // the national situational picture, within what the organisation may see
  | 'master-data:import' // import a register; only its owner or an administrator (mayImportRegister)
  | 'preparedness:read' // obligations, dispensations, compensation, regional targets and funds: own, or all for authorities
  | 'preparedness:apply' // a company applies (dispensation, compensation); a region records its funds used
  | 'preparedness:decide' // publish obligations, decide an application; only the deciding authority (actors.ts mayDecide)
  | 'shortage:read' // shortage cases, allocation and redistribution plans and decisions: own instructions, or all for authorities
  | 'shortage:manage' // open and move a shortage case, record consultations, compute plans (authorities and the joint function)
  | 'shortage:decide' // designate a critical shortage, decide a plan; only the deciding authority (actors.ts mayDecide)
  | 'shortage:confirm' // an organisation confirms sending and receiving what a decided plan instructs it
  | 'admin'; // tokens and users

const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: [
    'catalogue:read',
    'report:write',
    'report:read',
    'picture:read',
    'master-data:import',
    'preparedness:read',
    'preparedness:apply',
    'preparedness:decide',
    'admin',
    'shortage:read',
    'shortage:manage',
    'shortage:decide',
    'shortage:confirm',
  ],
  coordinator: [
    'catalogue:read',
    'report:read',
    'picture:read',
    'master-data:import',
    'preparedness:read',
    'preparedness:apply',
    'preparedness:decide',
    'shortage:read',
    'shortage:manage',
    'shortage:decide',
    'shortage:confirm',
  ],
  analyst: ['catalogue:read', 'report:read', 'picture:read', 'preparedness:read', 'shortage:read'],
  reporter: [
    'catalogue:read',
    'report:write',
    'report:read',
    'picture:read',
    'master-data:import',
    'preparedness:read',
    'preparedness:apply',
    'shortage:read',
    'shortage:confirm',
  ],
  reader: ['catalogue:read', 'picture:read', 'preparedness:read', 'shortage:read'],
};

export function permissionsOf(role: Role): readonly Permission[] {
  return ROLE_PERMISSIONS[role];
}

export function roleAllows(role: Role, permission: Permission): boolean {
  return permission === 'public' || ROLE_PERMISSIONS[role].includes(permission);
}

/** Who is calling: resolved from a bearer token. */
export interface Principal {
  tokenId: number;
  userId: number;
  userName: string;
  organisationId: number;
  organisationCode: string;
  organisationName: string;
  organisationKind: OrganisationKind;
  /** Set for regions and municipalities (and organisations tied to one region). */
  regionCode: string | null;
  role: Role;
  /** Which national actor the organisation is (src/domain/actors.ts `isAuthority`); absent or null: none. */
  authority?: AuthorityCode | null;
}

/** Authorities and the regions' joint shortage function (Nationellt CT) see the whole country in detail. */
export function seesEverything(p: Pick<Principal, 'organisationKind'>): boolean {
  return p.organisationKind === 'authority' || p.organisationKind === 'joint_function';
}

/** Locations whose very existence is classified: only their owner and authorities see them. */
const CLASSIFIED_LOCATION_KINDS: readonly LocationKind[] = [
  'state_security_stock',
  'regional_preparedness_stock',
];

/**
 * Whether a location's master data (name, place) may be shown. Pharmacies, wholesalers and
 * hospital pharmacies are public facts; preparedness stocks are shown only to their owner,
 * to authorities and the joint function, and (regional stocks) to their own region.
 */
export function mayListLocation(
  p: Pick<Principal, 'organisationKind' | 'organisationId' | 'regionCode'>,
  location: { kind: LocationKind; organisationId: number; regionCode: string },
): boolean {
  if (!CLASSIFIED_LOCATION_KINDS.includes(location.kind)) return true;
  if (seesEverything(p) || p.organisationId === location.organisationId) return true;
  return (
    location.kind === 'regional_preparedness_stock' &&
    p.organisationKind === 'region' &&
    p.regionCode === location.regionCode
  );
}

export function isClassifiedLocationKind(kind: LocationKind): boolean {
  return CLASSIFIED_LOCATION_KINDS.includes(kind);
}

// The situational picture (issue 4, R6 2.2.4) ------------------------------------------------------

/**
 * The information class of an answer (informationsklass, R6 1.4.5 and 2.2.4), lowest first:
 * - `open` (Öppen): public facts: the catalogue, published shortage notices;
 * - `restricted` (Begränsad): national and regional aggregates, shared within the preparedness
 *   community but not published (national stock levels in a crisis invite hoarding);
 * - `protected` (Skyddad): stock at named locations, one organisation's business and, for
 *   preparedness stocks, the country's security: need to know only.
 * These are information-security levels for sharing between actors, not security classifications
 * under säkerhetsskyddslagen (Begränsat hemlig …), which this system is not approved to hold.
 */
export type InformationClass = 'open' | 'restricted' | 'protected';

export const INFORMATION_CLASSES: readonly InformationClass[] = ['open', 'restricted', 'protected'];

/** Swedish names, as marked on screens, exports and print. */
export const INFORMATION_CLASS_NAMES_SV: Readonly<Record<InformationClass, string>> = {
  open: 'Öppen',
  restricted: 'Begränsad',
  protected: 'Skyddad',
};

/** The highest of the classes (an answer is classed by its most sensitive part); `open` for none. */
export function highestClass(...classes: readonly InformationClass[]): InformationClass {
  let highest: InformationClass = 'open';
  for (const c of classes)
    if (INFORMATION_CLASSES.indexOf(c) > INFORMATION_CLASSES.indexOf(highest)) highest = c;
  return highest;
}

/** What an answer of the picture contains, for {@link classOfAnswer}. */
export interface AnswerContents {
  /** National or regional aggregates (stock, demand, coverage of an area). */
  aggregates: boolean;
  /** Stock or coverage at named locations. */
  locationDetail: boolean;
  /**
   * Reserve stock (preparedness stocks, stock level 3 or 4: src/domain/reserve.ts), even as a zero:
   * where the country's security stocks are, and that a product has none, is need to know only.
   */
  reserve?: boolean;
}

/**
 * The class an answer carries: location detail and reserve are protected, aggregates restricted,
 * the rest open.
 */
export function classOfAnswer(contents: AnswerContents): InformationClass {
  if (contents.locationDetail || contents.reserve === true) return 'protected';
  if (contents.aggregates) return 'restricted';
  return 'open';
}

/**
 * Small areas would reveal one organisation's stock through an aggregate (a municipality with one
 * pharmacy): below this many locations holding stock, figures are suppressed for callers who do not
 * see every location.
 */
export const MIN_LOCATIONS_FOR_AGGREGATE = 3;

/** Whether an aggregate over `locations` locations may be shown to the caller (small-cell rule). */
export function mayShowSmallAggregate(
  p: Pick<Principal, 'organisationKind' | 'organisationId'>,
  locations: number,
): boolean {
  return pictureScopeOf(p).everything || locations === 0 || locations >= MIN_LOCATIONS_FOR_AGGREGATE;
}

/** The area code of the whole country in the picture (regions use their SCB codes '01' … '25'). */
export const NATIONAL_AREA = 'SE';

/** What a caller may see of the picture (issue 4 item 5). */
export interface PictureScope {
  /** Authorities and the joint function: every area, item and location in detail. */
  everything: boolean;
  /** Aggregates per region (the map, region rows). The national aggregates are seen by all. */
  regionalAggregates: boolean;
  /** Companies see only their own packages; null: every package. */
  companyId: number | null;
  /** Groups of interchangeable packages mix companies' packages: not shown to companies. */
  groups: boolean;
  /** Location detail: every location, or only the organisation's own. */
  locationDetail: 'all' | 'own';
  /**
   * The reserve (src/domain/reserve.ts: the preparedness tier, i.e. state and regional preparedness
   * stocks, and stock level 3 or 4 wherever it is held) in the picture's aggregates: only for those
   * who see everything. Nobody else sees it in any total, coverage or count: the picture's items count
   * everyday stock only. A region, a wholesaler or any owner sees the reserve at its own locations on
   * their location pages (location detail), and no other reserve.
   */
  preparednessTier: boolean;
}

/**
 * The picture a caller may see:
 * - authorities and the regions' joint function (Nationellt CT): everything;
 * - a region: national and regional aggregates (every region's, so that equity between regions can
 *   be seen, R3) and its own locations in detail;
 * - a company: national and regional figures for its own packages only, no groups;
 * - a pharmacy or dose-pharmacy operator, wholesaler, municipality or other: national aggregates and
 *   its own locations in detail.
 */
export function pictureScopeOf(p: Pick<Principal, 'organisationKind' | 'organisationId'>): PictureScope {
  const base = { everything: false, locationDetail: 'own', preparednessTier: false } as const;
  switch (p.organisationKind) {
    case 'authority':
    case 'joint_function':
      return {
        everything: true,
        regionalAggregates: true,
        companyId: null,
        groups: true,
        locationDetail: 'all',
        preparednessTier: true,
      };
    case 'region':
      return { ...base, regionalAggregates: true, companyId: null, groups: true };
    case 'company':
      return { ...base, regionalAggregates: true, companyId: p.organisationId, groups: false };
    case 'municipality':
    case 'wholesaler':
    case 'pharmacy_operator':
    case 'dose_pharmacy_operator':
    case 'other':
      return { ...base, regionalAggregates: false, companyId: null, groups: true };
  }
}

/** Whether stock and coverage at this location may be shown (its master data: see `mayListLocation`). */
export function maySeeLocationDetail(
  p: Pick<Principal, 'organisationKind' | 'organisationId'>,
  location: { organisationId: number },
): boolean {
  return pictureScopeOf(p).locationDetail === 'all' || location.organisationId === p.organisationId;
}

/** Whether the figures of an area ('SE' = the whole country, or a region code) may be shown. */
export function maySeeArea(
  p: Pick<Principal, 'organisationKind' | 'organisationId'>,
  areaCode: string,
): boolean {
  return areaCode === NATIONAL_AREA || pictureScopeOf(p).regionalAggregates;
}

/** Whether the picture of a package may be shown: companies see only their own. */
export function maySeePackage(
  p: Pick<Principal, 'organisationKind' | 'organisationId'>,
  pkg: { companyId: number },
): boolean {
  const { companyId } = pictureScopeOf(p);
  return companyId === null || companyId === pkg.companyId;
}

/** Tokens are stored only as their SHA-256, hex. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
