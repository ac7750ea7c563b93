import type { ColumnType, Generated } from 'kysely';
import type {
  AuthorityCode,
  LocationKind,
  OrganisationKind,
  ReportKind,
  Role,
} from '../domain/vocabulary.js';

import type { AllocationReason, AllocationRounding, RecipientKind } from '../domain/allocation.js';
/** Kysely's view of the tables in `migrations/`. snake_case, as in SQL. */

type Numeric = ColumnType<number, string | number, string | number>;
/** 'YYYY-MM-DD': dates are parsed as strings on both backends, never shifted by a time zone. */
type DateCol = string;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** int8 ids are parsed as numbers on both backends. */
type Id = ColumnType<number, never, never>;

// The vocabulary is the domain's (src/domain/vocabulary.ts); re-exported for the store's own users.
export {
  AUTHORITY_CODES,
  LOCATION_KINDS,
  ORGANISATION_KINDS,
  REPORT_KINDS,
  ROLES,
  type AuthorityCode,
  type LocationKind,
  type OrganisationKind,
  type ReportKind,
  type Role,
} from '../domain/vocabulary.js';

export interface RegionTable {
  code: string;
  name: string;
  population: number;
  population_date: DateCol;
  civil_area: string;
}

export interface MunicipalityTable {
  code: string;
  name: string;
  region_code: string;
  population: number;
}

export interface OrganisationTable {
  id: Id;
  code: string;
  /** Null for a foreign company known only by its NPL organisation id (migration 0010). */
  org_number: string | null;
  name: string;
  kind: OrganisationKind;
  region_code: string | null;
  municipality_code: string | null;
  created_at: DefaultTimestamp;
  /** Which national actor this is, when one (0013). */
  authority: ColumnType<AuthorityCode | null, AuthorityCode | null | undefined, AuthorityCode | null>;
  updated_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface LocationTable {
  id: Id;
  code: string;
  gln: string | null;
  name: string;
  kind: LocationKind;
  organisation_id: number;
  region_code: string;
  municipality_code: string | null;
  latitude: number | null;
  longitude: number | null;
  opened_on: DateCol | null;
  /** Inactive from this day: an import closes a location, never deletes it (0013). */
  closed_on: DateCol | null;
  street_address: ColumnType<string | null, string | null | undefined, string | null>;
  postal_code: ColumnType<string | null, string | null | undefined, string | null>;
  postal_town: ColumnType<string | null, string | null | undefined, string | null>;
  updated_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** The regions a wholesaler warehouse delivers to; no rows: the whole country (0006 / 0013). */
export interface LocationServiceAreaTable {
  location_id: number;
  region_code: string;
}

export interface MedicineTable {
  id: Id;
  npl_id: string;
  name: string;
  atc_code: string;
  substance: string;
  form: string;
  strength: string;
  strength_value: Numeric | null;
  strength_unit: string | null;
  species: Generated<'human' | 'veterinary'>;
  company_id: number;
}

export interface PackageTable {
  id: Id;
  npl_pack_id: string;
  nordic_article_number: string | null;
  gtin: string | null;
  medicine_id: number;
  kind: Generated<'medicine' | 'device'>;
  pack_size: Numeric;
  pack_unit: string;
  description: string;
  price_sek: Numeric | null;
  company_id: number;
  parallel_traded: Generated<boolean>;
  licence: Generated<boolean>;
  marketed_from: DateCol | null;
  withdrawn_on: DateCol | null;
}

export interface ProductListTable {
  id: Id;
  code: string;
  version: string;
  name: string;
  issuer_id: number;
  published_on: DateCol;
  valid_from: DateCol;
  valid_to: DateCol | null;
}

export interface ProductListItemTable {
  list_id: number;
  position: number;
  atc_code: string;
  substance: string;
  form: string | null;
  care_area: string | null;
  note: string | null;
}

export interface AppUserTable {
  id: Id;
  name: string;
  email: string;
  organisation_id: number;
  created_at: DefaultTimestamp;
}

export interface ApiTokenTable {
  id: Id;
  token_sha256: string;
  label: string;
  user_id: number;
  organisation_id: number;
  role: Role;
  created_at: DefaultTimestamp;
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface ReportTable {
  id: Id;
  kind: ReportKind;
  organisation_id: number;
  client_ref: string | null;
  content_sha256: string;
  format: string;
  line_count: Generated<number>;
  status: Generated<'accepted' | 'rejected'>;
  received_at: DefaultTimestamp;
  /** Counts per kind, e.g. `{ locations: 3, lines: 120 }` (0002). */
  summary: ColumnType<Record<string, number>, string | undefined, string>;
  /** Accepted but flagged, e.g. a late sales stop (R4) (0002). */
  warnings: ColumnType<ReportProblemRow[], string | undefined, string>;
  /** Why a rejected report was refused, capped (0002). */
  problems: ColumnType<ReportProblemRow[], string | undefined, string>;
  problem_count: Generated<number>;
  byte_count: number | null;
  file_name: string | null;
  token_id: number | null;
}

/** One stored warning or problem of a report (jsonb, 0002). */
export interface ReportProblemRow {
  at?: string | number;
  field?: string;
  value?: unknown;
  valueLength?: number;
  expected?: string;
  message: string;
}

export interface StockSnapshotTable {
  id: Id;
  location_id: number;
  counted_at: Timestamp;
  report_id: number;
  line_count: Generated<number>;
}

export interface StockLineTable {
  snapshot_id: number;
  package_id: number;
  batch: string | null;
  expiry: DateCol | null;
  quantity: Numeric;
  stock_level: Generated<number>;
  /** Whose stock: null = the holder's own (0013). */
  owner_id: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface SalesTable {
  period_start: DateCol;
  period_days: number;
  region_code: string;
  location_id: number | null;
  package_id: number;
  quantity: Numeric;
  age_band: string | null;
  sex: 'F' | 'M' | 'X' | null;
  report_id: number;
  /** The channel of the sale (0014; src/domain/sales-channel.ts). */
  channel: 'community_dispensing' | 'care_requisition' | 'dose_dispensing';
}

/** Where each source's sales lie, per package, region, channel and source (0014). */
export interface SalesExtentTable {
  package_id: number;
  region_code: string;
  channel: string;
  regional: boolean;
  first_day: DateCol;
  last_day: DateCol;
}

export interface ShortageNoticeTable {
  id: Id;
  kind: 'shortage' | 'sales_stop';
  package_id: number;
  company_id: number;
  notified_at: Timestamp;
  expected_start: DateCol;
  expected_end: DateCol | null;
  reason: string | null;
  alternatives: string | null;
  supersedes_id: number | null;
  report_id: number | null;
  created_at: DefaultTimestamp;
  /** The company's own notice id; a resend with the same reference supersedes (0002). */
  reference: string | null;
  /** R4: a sales stop notified less than two months ahead (0002). */
  late: Generated<boolean>;
}

/** Movements since the last count; quantity is the signed change (0002). */
export interface StockDifferenceLineTable {
  report_id: number;
  location_id: number;
  counted_at: Timestamp;
  package_id: number;
  batch: string | null;
  expiry: DateCol | null;
  quantity: Numeric;
  stock_level: number;
  /** Whose stock: null = the holder's own (0013). */
  owner_id: ColumnType<number | null, number | null | undefined, number | null>;
}

/** Expected deliveries: the newest report per organisation and package is the plan (0002). */
export interface ExpectedDeliveryTable {
  report_id: number;
  organisation_id: number;
  package_id: number;
  location_id: number | null;
  quantity: Numeric;
  expected_on: DateCol;
  reference: string | null;
}

/** A column of a view: read only. */
type ViewCol<T> = ColumnType<T, never, never>;

/** View: the newest snapshot of each location (0002). */
export interface CurrentSnapshotView {
  location_id: ViewCol<number>;
  snapshot_id: ViewCol<number>;
  counted_at: ViewCol<Date>;
}

/** View: current stock per location x package x batch x stock level (0002). */
export interface CurrentStockBatchView {
  location_id: ViewCol<number>;
  package_id: ViewCol<number>;
  batch: ViewCol<string | null>;
  stock_level: ViewCol<number>;
  expiry: ViewCol<DateCol | null>;
  quantity: ViewCol<number>;
  as_of: ViewCol<Date>;
}

/** View: current stock per location x package x owner; owner = holder when a line names none (0013). */
export interface CurrentStockByOwnerView {
  location_id: ViewCol<number>;
  package_id: ViewCol<number>;
  owner_id: ViewCol<number>;
  holder_id: ViewCol<number>;
  quantity: ViewCol<number>;
  as_of: ViewCol<Date>;
}

/** View: current stock per location x package x batch x stock level x owner; null owner = holder's own (0013). */
export interface CurrentStockBatchOwnerView {
  location_id: ViewCol<number>;
  package_id: ViewCol<number>;
  batch: ViewCol<string | null>;
  stock_level: ViewCol<number>;
  owner_id: ViewCol<number | null>;
  expiry: ViewCol<DateCol | null>;
  quantity: ViewCol<number>;
  as_of: ViewCol<Date>;
}

/** View: current stock per location x package (0002). */
export interface CurrentStockView {
  location_id: ViewCol<number>;
  package_id: ViewCol<number>;
  quantity: ViewCol<number>;
  earliest_expiry: ViewCol<DateCol | null>;
  as_of: ViewCol<Date>;
}

/** View: the expected deliveries of the newest plan per organisation and package, quantity > 0 (0002). */
export interface CurrentExpectedDeliveryView {
  report_id: ViewCol<number>;
  organisation_id: ViewCol<number>;
  package_id: ViewCol<number>;
  location_id: ViewCol<number | null>;
  quantity: ViewCol<number>;
  expected_on: ViewCol<DateCol>;
  reference: ViewCol<string | null>;
}

/** View: shortage notices not superseded by a correction (0002). */
export interface CurrentShortageNoticeView {
  id: ViewCol<number>;
  kind: ViewCol<'shortage' | 'sales_stop'>;
  package_id: ViewCol<number>;
  company_id: ViewCol<number>;
  notified_at: ViewCol<Date>;
  expected_start: ViewCol<DateCol>;
  expected_end: ViewCol<DateCol | null>;
  reason: ViewCol<string | null>;
  alternatives: ViewCol<string | null>;
  supersedes_id: ViewCol<number | null>;
  report_id: ViewCol<number | null>;
  created_at: ViewCol<Date>;
  reference: ViewCol<string | null>;
  late: ViewCol<boolean>;
}

/** What the picture was computed for: one row (0003). */
export interface PictureStateTable {
  id: ColumnType<number, number | undefined, never>;
  today: DateCol;
  window_end: DateCol;
  sales_through: DateCol | null;
  /** Minimum remaining shelf life at dispensing, days (0015; was horizon_days). */
  min_shelf_life_days: number;
  critical_below_days: Numeric;
  low_below_days: Numeric;
  notice_lead_days: number;
  stock_counted_until: Timestamp | null;
  full_refreshed_at: Timestamp;
  refreshed_at: Timestamp;
}

/** The facts of each location that the stock aggregates include (0003). */
export interface PictureLocationStateTable {
  location_id: number;
  snapshot_id: number | null;
  counted_at: Timestamp | null;
  difference_report_id: number;
}

/** Each package's identity for the picture, computed by the domain's functions (0003). */
export interface PictureProductTable {
  package_id: number;
  group_key: string;
  substance_key: string;
  atc_key: string;
  atc4: string;
  pack_size: Numeric;
  company_id: number;
  prioritised: boolean;
  first_sale_day: DateCol | null;
}

/** Stock per package x area ('SE' or a region) x supply tier (0003). */
export interface PictureStockTable {
  package_id: number;
  area_code: string;
  tier: string;
  /** Reserve (0008): at a preparedness stock, or stock level 3 or 4 (src/domain/reserve.ts). */
  reserve: Generated<boolean>;
  total: Numeric;
  usable: Numeric;
  locations: number;
}

/**
 * Stock per package x region x supply tier x everyday/reserve x expiry ('infinity': none), in
 * packages (0015).
 */
export interface PictureStockExpiryTable {
  package_id: number;
  area_code: string;
  tier: string;
  reserve: boolean;
  expiry: DateCol;
  quantity: Numeric;
}

/** The warehouses' everyday lots per package x service area x expiry, in packages (0015). */
export interface PictureWholesaleExpiryTable {
  package_id: number;
  area_key: string;
  expiry: DateCol;
  quantity: Numeric;
}

/** Alternatives an authority recorded for a product (0015): interchangeable for the R4 signal. */
export interface RecordedAlternativeTable {
  id: Id;
  package_id: number;
  alternative_package_id: number;
  units_per_unit: ColumnType<number, string | number | undefined, string | number>;
  organisation_id: number;
  decided_on: DateCol;
  note: string | null;
  /** The shortage case whose assessment named it (0029); null: recorded otherwise. */
  case_id: number | null;
}

/** Sales window sums and expected demand per package x region (0003). */
export interface PictureDemandTable {
  package_id: number;
  region_code: string;
  recent_sum: Numeric;
  baseline_sum: Numeric;
  seasonal_sum: Numeric;
  per_day: Numeric;
  basis: string;
  recent_per_day: Numeric;
  baseline_per_day: Numeric | null;
  seasonal_per_day: Numeric | null;
}

/** Each region's sales window: its last reported day and the window end of its demand (0014). */
export interface PictureRegionWindowTable {
  region_code: string;
  sales_through: DateCol | null;
  window_end: DateCol;
}

/** Each location's newest stock count and expected stock, for the picture's freshness (0014). */
export interface PictureLocationFreshnessTable {
  location_id: number;
  region_code: string;
  stock_counted_at: Timestamp | null;
  previous_snapshot_id: number | null;
  expected_stock: Generated<Numeric>;
}

/** National sales per package and month (0003). */
export interface PictureSalesMonthTable {
  package_id: number;
  month: DateCol;
  quantity: Numeric;
}

/** National stock per package per day the picture was refreshed or backfilled (0003). */
export interface PictureStockHistoryTable {
  package_id: number;
  on_date: DateCol;
  total: Numeric;
  usable: Numeric;
}

/** Each area's everyday stock and demand per package and day (0020): coverage over time. */
export interface PictureAreaHistoryTable {
  package_id: number;
  area_code: string;
  on_date: DateCol;
  total: Numeric;
  usable: Numeric;
  demand_per_day: Numeric;
  coverage_days: Numeric | null;
  backfilled: Generated<boolean>;
}

/** Items per area and kind by risk class and flag (0003). */
export interface PictureCountTable {
  area_code: string;
  kind: 'package' | 'group';
  critical: number;
  low: number;
  adequate: number;
  no_demand: number;
  prioritised_critical: number;
  /** Items with the possible-critical-shortage signal (0015; was critical_shortage). */
  possible_critical_shortage: number;
  active_notice: number;
  total: number;
}

/** The item table: package or group, per area (0003). */
export interface PictureItemTable {
  kind: 'package' | 'group';
  ref: string;
  area_code: string;
  package_id: number | null;
  group_key: string;
  substance_key: string;
  atc_key: string;
  atc4: string;
  company_id: number | null;
  name: string;
  substance: string;
  strength: string;
  form: string;
  atc_code: string;
  unit: string;
  total_stock: Numeric;
  usable_stock: Numeric;
  demand_per_day: Numeric;
  demand_basis: string;
  recent_per_day: Numeric;
  baseline_per_day: Numeric | null;
  seasonal_per_day: Numeric | null;
  coverage_days: Numeric | null;
  runs_out_on: DateCol | null;
  runs_out_with_deliveries_on: DateCol | null;
  incoming: Numeric;
  risk_class: 'critical' | 'low' | 'adequate' | 'no_demand';
  risk_rank: number;
  prioritised: boolean;
  active_notice: boolean;
  /** R4 signal "möjlig kritisk brist" (0015; was critical_shortage): not the authority's designation. */
  possible_critical_shortage: Generated<boolean>;
}

/** Each warehouse's service area as a key: 'SE' or the sorted region codes, comma separated (0006). */
export interface WarehouseServiceAreaView {
  location_id: ViewCol<number>;
  area_key: ViewCol<string>;
}

/** Wholesale stock per package x service area (0006). */
export interface PictureWholesaleStockTable {
  package_id: number;
  area_key: string;
  total: Numeric;
  usable: Numeric;
  locations: number;
}

export interface AuditLogTable {
  id: Id;
  at: DefaultTimestamp;
  token_id: number | null;
  organisation_id: number | null;
  action: string;
  entity: string;
  entity_id: string | null;
  detail: ColumnType<unknown, string | undefined, never>;
  /** Position in the audit hash chain (migration 0016): set by the insert trigger, 1, 2, 3 …. */
  chain_seq: ColumnType<number, never, never>;
  /** The hash of the entry before (64 zeros for the first); set by the insert trigger. */
  prev_hash: ColumnType<string, never, never>;
  /** SHA-256 (hex) of this entry's canonical serialisation, prev_hash included; set by the trigger. */
  hash: ColumnType<string, never, never>;
}

/** The single row naming the audit chain's last entry (migration 0016); moved only by the trigger. */
export interface AuditChainHeadTable {
  singleton: ColumnType<boolean, never, never>;
  seq: ColumnType<number, never, never>;
  hash: ColumnType<string, never, never>;
}

/** A state–SKR agreement on medicine supply preparedness funds (0025, R2). Amounts in whole kronor. */
export interface FundAgreementTable {
  code: string;
  name: string;
  total_sek: Numeric;
  regions_sek: Numeric;
  skr_sek: Numeric | null;
  population_date: DateCol;
  requisition_by: DateCol | null;
  usable_from: DateCol;
  usable_to: DateCol;
  repay_by: DateCol;
  source: string;
}

/** A region's share of an agreement, fixed once with the population it follows (0025). */
export interface FundAllocationTable {
  agreement_code: string;
  region_code: string;
  population: number;
  population_date: DateCol;
  amount_sek: Numeric;
  allocated_at: DefaultTimestamp;
}

/** Funds a region recorded as used (0025). */
export interface FundUseTable {
  id: Id;
  agreement_code: string;
  region_code: string;
  amount_sek: Numeric;
  used_on: DateCol;
  purpose: string;
  organisation_id: number;
  token_id: number | null;
  recorded_at: DefaultTimestamp;
}

/** A shortage case (0029, issue 13 item 1). */
export interface ShortageCaseTable {
  id: Id;
  subject_kind: 'package' | 'group';
  package_id: number | null;
  group_key: string | null;
  title: string;
  notice_id: number | null;
  state: Generated<string>;
  life_threatening: boolean | null;
  irreversible_progressive: boolean | null;
  serious_public_health_harm: boolean | null;
  serious_animal_health_harm: boolean | null;
  no_relevant_alternative: boolean | null;
  checklist_note: string | null;
  confidential_note: string | null;
  designated_on: DateCol | null;
  designated_by_organisation_id: number | null;
  opened_at: DefaultTimestamp;
  opened_by_organisation_id: number;
  opened_by_user_id: number;
}

/** The append-only history of a shortage case (0029). */
export interface ShortageCaseEventTable {
  id: Id;
  case_id: number;
  kind: string;
  from_state: string | null;
  to_state: string | null;
  outcome: string | null;
  reason: string | null;
  at: DefaultTimestamp;
  organisation_id: number;
  user_id: number;
}

/** An R4 remedy chosen for a case (0029). */
export interface ShortageCaseRemedyTable {
  id: Id;
  case_id: number;
  kind: string;
  note: string;
  recorded_at: DefaultTimestamp;
  organisation_id: number;
  user_id: number;
}

/** R3: a consultation recorded for a case (0029). */
export interface ShortageCaseConsultationTable {
  id: Id;
  case_id: number;
  party: string;
  party_name: string;
  consulted_on: DateCol;
  summary: string;
  recorded_at: DefaultTimestamp;
  organisation_id: number;
  user_id: number;
}

/** A redistribution plan (issue 13 items 3, 4; 0026). Frozen once decided (trigger). */
export interface RedistributionPlanTable {
  id: Id;
  subject: string;
  unit: string;
  source: 'picture' | 'instance';
  package_ids: number[] | null;
  transfer_date: DateCol;
  parameters: ColumnType<unknown, string, string>;
  status: Generated<'draft' | 'decided' | 'withdrawn'>;
  case_id: number | null;
  lowest_coverage_before: number | null;
  lowest_coverage_after: number | null;
  lowest_coverage_optimum: number | null;
  transport_optimum: number;
  equity: ColumnType<unknown, string, string>;
  outcome: ColumnType<unknown, string, string>;
  total_quantity: Numeric;
  total_value_sek: Numeric;
  created_by_organisation: number;
  created_by: string;
  created_at: Generated<Date>;
}

/** One batch transfer of a plan (0026); only the confirmations change after the decision. */
export interface RedistributionTransferTable {
  plan_id: number;
  line: number;
  from_code: string;
  to_code: string;
  from_location_id: number | null;
  to_location_id: number | null;
  package: string;
  batch: string;
  expiry: DateCol;
  quantity: Numeric;
  value_sek: Numeric;
  distance_km: number;
  sent_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  sent_by: ColumnType<string | null, string | null | undefined, string | null>;
  received_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  received_by: ColumnType<string | null, string | null | undefined, string | null>;
}

/** Läkemedelsverket's decision on a plan (0027), append-only. */
export interface RedistributionDecisionTable {
  plan_id: number;
  mode: 'voluntary' | 'mandatory';
  legal_basis: string;
  valid_from: DateCol;
  valid_to: DateCol;
  conditions: ColumnType<unknown, string, never>;
  reason: string;
  decided_by_organisation: number;
  decided_by: string;
  decided_at: Generated<Date>;
}

/** The append-only decision log of redistribution plans (0027). */
export interface RedistributionDecisionLogTable {
  id: Id;
  plan_id: number;
  event: 'decided' | 'withdrawn' | 'sent' | 'received';
  line: number | null;
  organisation_id: number;
  actor: string;
  reason: string | null;
  at: Generated<Date>;
}

/** An allocation of scarce supply (0028; src/domain/allocation.ts). */
export interface AllocationTable {
  id: Id;
  item_kind: 'package' | 'group';
  item_ref: string;
  item_name: string;
  unit: string;
  horizon_days: number;
  picture_today: DateCol;
  wholesale_stock: Numeric;
  deliveries: Numeric;
  available: Numeric;
  allocated: Numeric;
  parameters: ColumnType<unknown, string, string>;
  status: ColumnType<'draft' | 'decided' | 'withdrawn', 'draft' | undefined, 'decided' | 'withdrawn'>;
  case_id: number | null;
  note: string | null;
  organisation_id: number;
  token_id: number | null;
  created_at: DefaultTimestamp;
}

/** One recipient's line of an allocation (0028, append-only). */
export interface AllocationLineTable {
  allocation_id: number;
  line_no: number;
  recipient_kind: RecipientKind;
  recipient_key: string;
  recipient_name: string;
  region_code: string;
  location_id: number | null;
  tier: number;
  demand_per_day: Numeric;
  stock: Numeric;
  upper_bound: Numeric;
  minimum: Numeric;
  allocated: Numeric;
  exact_share: string;
  rounding: AllocationRounding;
  reason: AllocationReason;
  level_days: Numeric | null;
  coverage_before: Numeric | null;
  coverage_after: Numeric | null;
}

/** A holder of the supply an allocation shares (0028, append-only). */
export interface AllocationSupplierTable {
  allocation_id: number;
  organisation_id: number;
  stock: Numeric;
  deliveries: Numeric;
}

/** A decision on an allocation (0028, append-only). */
export interface AllocationDecisionTable {
  id: Id;
  allocation_id: number;
  outcome: 'decided' | 'withdrawn';
  mode: 'voluntary' | 'mandatory' | null;
  legal_basis: string | null;
  valid_from: DateCol | null;
  valid_to: DateCol | null;
  conditions: ColumnType<unknown, string, string>;
  reason: string;
  organisation_id: number;
  token_id: number | null;
  decided_by: string;
  decided_at: DefaultTimestamp;
}

/** A wholesaler's delivery under an allocation's quota (0030, append-only). */
export interface AllocationDeliveryTable {
  id: Id;
  allocation_id: number;
  organisation_id: number;
  delivery_id: string;
  recipient_key: string;
  quantity: Numeric;
  delivered_on: DateCol;
  token_id: number | null;
  recorded_by: string;
  recorded_at: DefaultTimestamp;
}

export interface Database {
  region: RegionTable;
  municipality: MunicipalityTable;
  organisation: OrganisationTable;
  location: LocationTable;
  medicine: MedicineTable;
  package: PackageTable;
  product_list: ProductListTable;
  product_list_item: ProductListItemTable;
  app_user: AppUserTable;
  api_token: ApiTokenTable;
  report: ReportTable;
  stock_snapshot: StockSnapshotTable;
  stock_line: StockLineTable;
  sales: SalesTable;
  sales_extent: SalesExtentTable;
  shortage_notice: ShortageNoticeTable;
  audit_log: AuditLogTable;
  audit_chain_head: AuditChainHeadTable;
  stock_difference_line: StockDifferenceLineTable;
  expected_delivery: ExpectedDeliveryTable;
  current_snapshot: CurrentSnapshotView;
  current_stock_batch: CurrentStockBatchView;
  current_stock: CurrentStockView;
  current_stock_by_owner: CurrentStockByOwnerView;
  current_stock_batch_owner: CurrentStockBatchOwnerView;
  current_expected_delivery: CurrentExpectedDeliveryView;
  current_shortage_notice: CurrentShortageNoticeView;
  picture_state: PictureStateTable;
  picture_location_state: PictureLocationStateTable;
  picture_product: PictureProductTable;
  picture_stock: PictureStockTable;
  picture_stock_expiry: PictureStockExpiryTable;
  picture_stock_expiry_part: PictureStockExpiryTable;
  picture_wholesale_expiry: PictureWholesaleExpiryTable;
  picture_wholesale_expiry_part: PictureWholesaleExpiryTable;
  recorded_alternative: RecordedAlternativeTable;
  picture_demand: PictureDemandTable;
  picture_sales_month: PictureSalesMonthTable;
  picture_stock_history: PictureStockHistoryTable;
  picture_area_history: PictureAreaHistoryTable;
  picture_item: PictureItemTable;
  picture_count: PictureCountTable;
  location_service_area: LocationServiceAreaTable;
  warehouse_service_area: WarehouseServiceAreaView;
  picture_wholesale_stock: PictureWholesaleStockTable;
  picture_region_window: PictureRegionWindowTable;
  picture_location_freshness: PictureLocationFreshnessTable;
  fund_agreement: FundAgreementTable;
  fund_allocation: FundAllocationTable;
  fund_use: FundUseTable;
  shortage_case: ShortageCaseTable;
  shortage_case_event: ShortageCaseEventTable;
  shortage_case_remedy: ShortageCaseRemedyTable;
  shortage_case_consultation: ShortageCaseConsultationTable;
  redistribution_plan: RedistributionPlanTable;
  redistribution_transfer: RedistributionTransferTable;
  redistribution_decision: RedistributionDecisionTable;
  redistribution_decision_log: RedistributionDecisionLogTable;
  allocation: AllocationTable;
  allocation_line: AllocationLineTable;
  allocation_supplier: AllocationSupplierTable;
  allocation_decision: AllocationDecisionTable;
  allocation_delivery: AllocationDeliveryTable;
}
