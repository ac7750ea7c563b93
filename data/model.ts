import { dayNumber } from '../src/domain/calendar.js';
import { AppError } from '../src/domain/errors.js';
import type {
  AuthorityCode,
  LocationKind,
  OrganisationKind,
  ReportKind,
  Role,
} from '../src/domain/vocabulary.js';
import type { SalesChannel } from '../src/domain/sales-channel.js';
import type { FormKey, SubstanceSpec } from './catalogue.js';

/** What to generate. All optional; the defaults give the same data set every time. */
export interface SwedenOptions {
  /** 1 ≈ 1,400 pharmacies and 2,000 packages; < 1 shrinks (tests), > 1 grows toward national size. */
  scale?: number;
  seed?: number;
  /** 'YYYY-MM-DD': sales end the day before, stock is counted in the two days before. */
  today?: string;
}

export interface ResolvedOptions {
  scale: number;
  seed: number;
  today: string;
}

export const DEFAULT_SCALE = 1;
export const DEFAULT_SEED = 42;
/** A fixed default so that output is deterministic; the CLI passes the real date. */
export const DEFAULT_TODAY = '2025-02-03';
export const MAX_SCALE = 100;

export function resolveOptions(options: SwedenOptions = {}): ResolvedOptions {
  const scale = options.scale ?? DEFAULT_SCALE;
  const seed = options.seed ?? DEFAULT_SEED;
  const today = options.today ?? DEFAULT_TODAY;
  if (!Number.isFinite(scale) || scale <= 0 || scale > MAX_SCALE) {
    throw AppError.invalid(`scale ${scale} is out of range`, [
      {
        field: 'scale',
        value: scale,
        expected: `a number above 0 and at most ${MAX_SCALE}`,
        message: 'bad scale',
      },
    ]);
  }
  if (!Number.isSafeInteger(seed)) {
    throw AppError.invalid(`seed ${seed} is not a whole number`, [
      { field: 'seed', value: seed, expected: 'a whole number', message: 'bad seed' },
    ]);
  }
  dayNumber(today); // throws AppError('invalid') for anything but a real 'YYYY-MM-DD' date
  return { scale, seed, today };
}

/** How many of each thing a scale gives. Locations grow sub-linearly (capped near 2,000), packages linearly. */
export interface Sizes {
  /** Multiplier for location counts: the scale itself below 1, at most 1.2 above. */
  locationScale: number;
  packages: number;
  companies: number;
  parallelImporters: number;
  communityPharmacies: number;
  municipalStores: number;
}

export function sizesFor(scale: number): Sizes {
  const locationScale = scale <= 1 ? scale : Math.min(1.2, 1 + (0.2 * Math.log(scale)) / Math.log(15));
  const companies = Math.min(300, Math.max(10, Math.round(60 * Math.sqrt(scale))));
  return {
    locationScale,
    packages: Math.max(30, Math.round(2000 * scale)),
    companies,
    parallelImporters: Math.max(2, Math.round(companies * 0.08)),
    communityPharmacies: Math.max(21, Math.round(1400 * locationScale)),
    municipalStores: Math.max(21, Math.round(100 * locationScale)),
  };
}

// Rows, one interface per table, with the table's own (snake_case) column names. Ids are assigned
// by the generator (1, 2, 3 …) so that facts can refer to them before anything is stored.

export interface RegionRow {
  code: string;
  name: string;
  population: number;
  population_date: string;
  civil_area: string;
}

export interface MunicipalityRow {
  code: string;
  name: string;
  region_code: string;
  population: number;
}

export interface OrganisationRow {
  id: number;
  code: string;
  org_number: string;
  name: string;
  kind: OrganisationKind;
  region_code: string | null;
  municipality_code: string | null;
  /** Which national actor, for the authorities and Nationellt CT (migration 0013). */
  authority: AuthorityCode | null;
}

export interface LocationRow {
  id: number;
  code: string;
  gln: string | null;
  name: string;
  kind: LocationKind;
  organisation_id: number;
  region_code: string;
  municipality_code: string | null;
  latitude: number | null;
  longitude: number | null;
  opened_on: string | null;
  closed_on: string | null;
}

export interface MedicineRow {
  id: number;
  npl_id: string;
  name: string;
  atc_code: string;
  substance: string;
  form: string;
  strength: string;
  strength_value: number | null;
  strength_unit: string | null;
  species: 'human' | 'veterinary';
  company_id: number;
}

export interface PackageRow {
  id: number;
  npl_pack_id: string;
  nordic_article_number: string | null;
  gtin: string | null;
  medicine_id: number;
  kind: 'medicine' | 'device';
  pack_size: number;
  pack_unit: string;
  description: string;
  price_sek: number | null;
  company_id: number;
  parallel_traded: boolean;
  licence: boolean;
  marketed_from: string | null;
  withdrawn_on: string | null;
}

export interface ProductListRow {
  id: number;
  code: string;
  version: string;
  name: string;
  issuer_id: number;
  published_on: string;
  valid_from: string;
  valid_to: string | null;
}

export interface ProductListItemRow {
  list_id: number;
  position: number;
  atc_code: string;
  substance: string;
  form: string | null;
  care_area: string | null;
  note: string | null;
}

export interface AppUserRow {
  id: number;
  name: string;
  email: string;
  organisation_id: number;
  created_at: string;
}

export interface ApiTokenRow {
  id: number;
  token_sha256: string;
  label: string;
  user_id: number;
  organisation_id: number;
  role: Role;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

export interface ReportRow {
  id: number;
  kind: ReportKind;
  organisation_id: number;
  client_ref: string | null;
  content_sha256: string;
  format: string;
  /** Sales and stock lines of the load; filled in once they have been streamed. */
  line_count: number;
  status: 'accepted' | 'rejected';
  received_at: string;
}

export interface StockSnapshotRow {
  id: number;
  location_id: number;
  counted_at: string;
  report_id: number;
  line_count: number;
}

export interface StockLineRow {
  snapshot_id: number;
  package_id: number;
  batch: string | null;
  expiry: string | null;
  quantity: number;
  stock_level: number;
  /** Whose stock it is when not the holder's: the company, for a warehouse's stock (DOMAIN.md). */
  owner_id: number | null;
}

export interface SalesRow {
  period_start: string;
  period_days: 1 | 7;
  region_code: string;
  location_id: number | null;
  package_id: number;
  quantity: number;
  age_band: string | null;
  sex: 'F' | 'M' | 'X' | null;
  report_id: number;
  /** src/domain/sales-channel.ts: see salesChunks for which rows carry which. */
  channel: SalesChannel;
}

export interface ShortageNoticeRow {
  id: number;
  kind: 'shortage' | 'sales_stop';
  package_id: number;
  company_id: number;
  notified_at: string;
  expected_start: string;
  expected_end: string | null;
  reason: string | null;
  alternatives: string | null;
  supersedes_id: number | null;
  report_id: number | null;
  created_at: string;
  /** The company's own notice id; a correction keeps it (migration 0002). */
  reference: string | null;
  /** R4: a sales stop notified less than two months ahead (migration 0002). */
  late: boolean;
}

// Models: what the sales and stock generators need to know beyond the rows.

/** A place that holds stock, with its share of its region's demand in its channel. */
export interface LocationModel {
  row: LocationRow;
  /** Index in `regionIndex` order (REGIONS order). */
  regionIndex: number;
  /**
   * Community pharmacies: share of the region's community demand. Hospital pharmacies: share of the
   * region's inpatient demand. Wholesaler warehouses: share of national demand. Others: 0.
   */
  share: number;
  /** Relative size (community pharmacies: how many packages they carry). */
  size: number;
}

/** A package with its demand: the basis of both sales and stock. */
export interface PackageModel {
  index: number;
  row: PackageRow;
  medicine: MedicineRow;
  spec: SubstanceSpec;
  formKey: FormKey;
  /** National sales in packages per year at today's level (before seasonality). */
  annual: number;
  /** Relative change per year (0.1 = sales grow 10 % a year toward today). */
  trend: number;
  /** Channel shares, summing to 1: community pharmacies, hospital pharmacies, dose dispensing. */
  community: number;
  hospital: number;
  dose: number;
  seasonal: boolean;
  /** Deliberately short nationally, so that shortage views have something to show. */
  scarce: boolean;
  /** First and last (exclusive) day number with sales. */
  salesFrom: number;
  salesUntil: number;
}
