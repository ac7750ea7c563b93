import { sql, type RawBuilder } from 'kysely';
import { NATIONAL_AREA, pictureScopeOf, type PictureScope, type Principal } from '../../domain/access.js';
import { addDays } from '../../domain/calendar.js';
import {
  coverage,
  DEFAULT_SIMULATION_DAYS,
  simulateSupply,
  usableBeforeExpiry,
  type StockLot,
} from '../../domain/coverage.js';
import { estimateDemand, type DemandEstimate } from '../../domain/demand.js';
import { isReserveLocationKind, reserveDaysAdded } from '../../domain/reserve.js';
import { isNoticeActive, type NoticeKind } from '../../domain/notice.js';
import {
  assessRisk,
  classifyCoverage,
  COVERAGE_ROUNDING_DAYS,
  type AlternativeCandidate,
  type NoticeRef,
  type RiskAssessment,
  type RiskClass,
  type RiskThresholds,
} from '../../domain/risk.js';
import { supplyTierOf, type SupplyTier } from '../../domain/supply-tier.js';
import {
  locationDemand,
  REGION_SHARE_KINDS,
  type LocationDemandBasis,
} from '../../domain/location-demand.js';
import { stockStatus, type StockStatus } from '../../domain/stock-status.js';
import type { Db } from '../database.js';
import { escapeLike, visibleLocation } from '../location.repository.js';
import { groupLots, OWN_LOTS, packageAreaLots, packageLots, regionShareLots, usableOf } from './expiry.js';
import { prioritisedEntries } from './products.js';
import { reserveKindSql, reserveSql } from './reserve.js';
import { tierCaseSql } from './sql.js';
import type { LocationKind } from '../schema.js';

// State -------------------------------------------------------------------------------------------

/** What the maintained picture describes, and the settings it was computed with. */
export interface PictureState {
  today: string;
  windowEnd: string;
  salesThrough: string | null;
  /** Minimum remaining shelf life at dispensing, days (usableBeforeExpiry). */
  minShelfLifeDays: number;
  thresholds: RiskThresholds;
  stockCountedUntil: Date | null;
  fullRefreshedAt: Date;
  refreshedAt: Date;
}

/** The picture's state, or undefined before the first refresh. */
export async function findPictureState(db: Db): Promise<PictureState | undefined> {
  const row = await db.selectFrom('picture_state').selectAll().executeTakeFirst();
  if (!row) return undefined;
  return {
    today: row.today,
    windowEnd: row.window_end,
    salesThrough: row.sales_through,
    minShelfLifeDays: row.min_shelf_life_days,
    thresholds: {
      criticalBelowDays: Number(row.critical_below_days),
      lowBelowDays: Number(row.low_below_days),
      noticeLeadDays: row.notice_lead_days,
    },
    stockCountedUntil: row.stock_counted_until,
    fullRefreshedAt: row.full_refreshed_at,
    refreshedAt: row.refreshed_at,
  };
}

// Items -------------------------------------------------------------------------------------------

export type ItemKind = 'package' | 'group';

/** One row of the item table (maintained, or computed for one supply tier). */
export interface ItemRow {
  kind: ItemKind;
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
  pack: string | null;
  tier: SupplyTier | null;
  total_stock: number;
  usable_stock: number;
  demand_per_day: number;
  demand_basis: string;
  recent_per_day: number;
  baseline_per_day: number | null;
  seasonal_per_day: number | null;
  coverage_days: number | null;
  runs_out_on: string | null;
  runs_out_with_deliveries_on: string | null;
  incoming: number;
  risk_class: RiskClass;
  risk_rank: number;
  prioritised: boolean;
  active_notice: boolean;
  /** The R4 signal "möjlig kritisk brist" (not the authority's designation). */
  possible_critical_shortage: boolean;
}

/** The sort order of the risk classes (picture_item.risk_rank). */
export const RISK_RANK: Readonly<Record<RiskClass, number>> = {
  critical: 0,
  low: 1,
  adequate: 2,
  no_demand: 3,
};

export interface ItemFilter {
  kind: ItemKind;
  /** 'SE' for the nation, a region code, or null for every region (not the nation). */
  area: string | null;
  tier?: SupplyTier | undefined;
  risk?: readonly RiskClass[] | undefined;
  prioritised?: boolean | undefined;
  activeNotice?: boolean | undefined;
  possibleCriticalShortage?: boolean | undefined;
  q?: string | undefined;
  /** An ATC code or its beginning (N02, N02BE01): items whose ATC code starts with it. */
  atc?: string | undefined;
  packageId?: number | undefined;
  groupKey?: string | undefined;
  /** `risk` (default): critical first, prioritised first, shortest coverage first. */
  sort?: 'risk' | 'coverage' | 'name' | 'demand' | undefined;
}

/**
 * The SQL twin of the picture scope for items: companies see only their own packages (no groups),
 * and callers without regional aggregates see only the nation.
 */
export function scopeCondition(scope: PictureScope, alias = 'i'): RawBuilder<boolean> {
  const conditions: RawBuilder<boolean>[] = [];
  if (scope.companyId !== null) {
    conditions.push(sql<boolean>`${sql.ref(`${alias}.kind`)} = 'package'`);
    conditions.push(sql<boolean>`${sql.ref(`${alias}.company_id`)} = ${scope.companyId}`);
  }
  if (!scope.groups) conditions.push(sql<boolean>`${sql.ref(`${alias}.kind`)} = 'package'`);
  if (!scope.regionalAggregates)
    conditions.push(sql<boolean>`${sql.ref(`${alias}.area_code`)} = ${NATIONAL_AREA}`);
  return conditions.length === 0 ? sql<boolean>`true` : sql<boolean>`(${sql.join(conditions, sql` AND `)})`;
}

/**
 * The item rows as a subquery `x`: maintained, or with stock and coverage of one tier only. The tier
 * `preparedness` stands for the whole reserve (preparedness stocks, and level 3 or 4 wherever held:
 * src/domain/reserve.ts), its coverage the days it would add; the other tiers are their everyday stock.
 */
function itemSource(state: PictureState, tier: SupplyTier | undefined): RawBuilder<unknown> {
  if (tier === undefined) {
    return sql`(SELECT i.*, NULL::text AS tier FROM picture_item i)`;
  }
  const inTier = tier === 'preparedness' ? sql`ps.reserve` : sql`ps.tier = ${tier} AND NOT ps.reserve`;
  // Tier coverage: what the tier's lots supply before expiry at the whole area's demand
  // (stockCoverageBy), against that demand; the reserve's, the days it would add.
  const t = state.thresholds;
  const e = COVERAGE_ROUNDING_DAYS;
  const usable = sql`CASE WHEN i.kind = 'package'
    THEN ${usableOf(state, packageLots(sql`i.package_id`, sql`i.area_code`, OWN_LOTS, tier), sql`i.demand_per_day`)}
    ELSE ${usableOf(state, groupLots(sql`i.group_key`, sql`i.area_code`, OWN_LOTS, tier), sql`i.demand_per_day`)} END`;
  return sql`(
    SELECT y.*,
      CASE WHEN y.demand_per_day > 0 THEN greatest(y.usable_stock, 0) / y.demand_per_day END AS coverage_days,
      CASE WHEN y.demand_per_day > 0 AND greatest(y.usable_stock, 0) / y.demand_per_day < 36500
           THEN ${state.today}::date + floor(greatest(y.usable_stock, 0) / y.demand_per_day + 1e-9)::int END
        AS runs_out_on,
      NULL::date AS runs_out_with_deliveries_on, 0::numeric AS incoming,
      CASE WHEN y.demand_per_day <= 0 THEN 'no_demand'
           WHEN greatest(y.usable_stock, 0) / y.demand_per_day + ${e} < ${t.criticalBelowDays} THEN 'critical'
           WHEN greatest(y.usable_stock, 0) / y.demand_per_day + ${e} < ${t.lowBelowDays} THEN 'low'
           ELSE 'adequate' END AS risk_class,
      CASE WHEN y.demand_per_day <= 0 THEN 3
           WHEN greatest(y.usable_stock, 0) / y.demand_per_day + ${e} < ${t.criticalBelowDays} THEN 0
           WHEN greatest(y.usable_stock, 0) / y.demand_per_day + ${e} < ${t.lowBelowDays} THEN 1
           ELSE 2 END AS risk_rank
    FROM (
      SELECT i.kind, i.ref, i.area_code, i.package_id, i.group_key, i.substance_key, i.atc_key, i.atc4,
        i.company_id, i.name, i.substance, i.strength, i.form, i.atc_code, i.unit,
        ${tier}::text AS tier, ts.total AS total_stock,
        ${usable} AS usable_stock, i.demand_per_day,
        i.demand_basis, i.recent_per_day, i.baseline_per_day, i.seasonal_per_day,
        i.prioritised, i.active_notice, i.possible_critical_shortage
      FROM picture_item i
      CROSS JOIN LATERAL (
        SELECT coalesce(sum(ps.total * CASE WHEN i.kind = 'group' THEN pp.pack_size ELSE 1 END), 0) AS total
        FROM picture_product pp
        JOIN picture_stock ps ON ps.package_id = pp.package_id AND ps.area_code = i.area_code AND ${inTier}
        WHERE (i.kind = 'package' AND pp.package_id = i.package_id)
           OR (i.kind = 'group' AND pp.group_key = i.group_key)
      ) ts
    ) y
  )`;
}

function itemConditions(filter: ItemFilter, scope: PictureScope): RawBuilder<boolean> {
  const c: RawBuilder<boolean>[] = [sql<boolean>`x.kind = ${filter.kind}`, scopeCondition(scope, 'x')];
  if (filter.area === null) c.push(sql<boolean>`x.area_code <> ${NATIONAL_AREA}`);
  else c.push(sql<boolean>`x.area_code = ${filter.area}`);
  // By rank, which the index (area_code, kind, risk_rank) serves.
  if (filter.risk && filter.risk.length > 0) {
    c.push(sql<boolean>`x.risk_rank = ANY(${filter.risk.map((r) => RISK_RANK[r])}::int[])`);
  }
  if (filter.prioritised !== undefined) c.push(sql<boolean>`x.prioritised = ${filter.prioritised}`);
  if (filter.activeNotice !== undefined) c.push(sql<boolean>`x.active_notice = ${filter.activeNotice}`);
  if (filter.possibleCriticalShortage !== undefined)
    c.push(sql<boolean>`x.possible_critical_shortage = ${filter.possibleCriticalShortage}`);
  if (filter.atc) c.push(sql<boolean>`x.atc_code LIKE ${`${escapeLike(filter.atc.toUpperCase())}%`}`);
  if (filter.packageId !== undefined) c.push(sql<boolean>`x.package_id = ${filter.packageId}`);
  if (filter.groupKey !== undefined) c.push(sql<boolean>`x.group_key = ${filter.groupKey}`);
  if (filter.q) {
    const like = `%${escapeLike(filter.q.trim())}%`;
    const prefix = `${escapeLike(filter.q.trim().toUpperCase())}%`;
    c.push(
      sql<boolean>`(x.name ILIKE ${like} OR x.substance ILIKE ${like} OR x.atc_code LIKE ${prefix} OR x.ref = ${filter.q.trim()})`,
    );
  }
  return sql<boolean>`${sql.join(c, sql` AND `)}`;
}

function itemOrder(sort: ItemFilter['sort'], alias: string): RawBuilder<unknown> {
  const c = (column: string) => sql.ref(`${alias}.${column}`);
  switch (sort) {
    case 'coverage':
      return sql`${c('coverage_days')} ASC NULLS LAST, ${c('name')}, ${c('ref')}, ${c('area_code')}`;
    case 'name':
      return sql`${c('name')}, ${c('ref')}, ${c('area_code')}`;
    case 'demand':
      return sql`${c('demand_per_day')} DESC, ${c('name')}, ${c('ref')}, ${c('area_code')}`;
    case 'risk':
    case undefined:
      return sql`${c('risk_rank')}, ${c('possible_critical_shortage')} DESC, ${c('prioritised')} DESC,
        ${c('coverage_days')} ASC NULLS LAST, ${c('demand_per_day')} DESC, ${c('name')}, ${c('ref')}, ${c('area_code')}`;
  }
}

/** A page of the item table, within what `principal` may see. */
export async function listItems(
  db: Db,
  principal: Principal,
  state: PictureState,
  filter: ItemFilter,
  limit: number,
  offset: number,
): Promise<{ rows: ItemRow[]; total: number }> {
  const scope = pictureScopeOf(principal);
  const source = itemSource(state, filter.tier);
  const where = itemConditions(filter, scope);
  const [rows, count] = await Promise.all([
    // The package description is looked up for the page only, after sorting and limiting.
    sql<ItemRow>`
      SELECT page.*, (SELECT p.description FROM package p WHERE p.id = page.package_id) AS pack
      FROM (SELECT x.* FROM ${source} x WHERE ${where} ORDER BY ${itemOrder(filter.sort, 'x')}
            LIMIT ${limit} OFFSET ${offset}) page
      ORDER BY ${itemOrder(filter.sort, 'page')}`.execute(db),
    sql<{ n: number }>`SELECT count(*)::int AS n FROM ${source} x WHERE ${where}`.execute(db),
  ]);
  return { rows: rows.rows, total: count.rows[0]?.n ?? 0 };
}

/** One maintained item (no scope check: callers check the package or group first). */
export async function findItem(db: Db, kind: ItemKind, ref: string, area: string): Promise<ItemRow | null> {
  const rows = await sql<ItemRow>`
    SELECT i.*, NULL AS tier, (SELECT p.description FROM package p WHERE p.id = i.package_id) AS pack
    FROM picture_item i WHERE i.kind = ${kind} AND i.ref = ${ref} AND i.area_code = ${area}`.execute(db);
  return rows.rows[0] ?? null;
}

// Counts ------------------------------------------------------------------------------------------

export interface RiskCounts {
  critical: number;
  low: number;
  adequate: number;
  noDemand: number;
  prioritisedCritical: number;
  possibleCriticalShortage: number;
  activeNotice: number;
  total: number;
}

/**
 * Items by risk class per area (and kind), within the caller's scope: from the maintained counts, or
 * counted live for a company (its own packages only).
 */
export async function countByRisk(
  db: Db,
  principal: Principal,
  kind: ItemKind,
  areas: readonly string[] | null,
): Promise<Map<string, RiskCounts>> {
  const scope = pictureScopeOf(principal);
  const areaFilter = (column: string) =>
    areas === null ? sql<boolean>`true` : sql<boolean>`${sql.ref(column)} = ANY(${[...areas]}::text[])`;
  const rows =
    scope.companyId === null && scope.groups
      ? await sql<CountRow>`
          SELECT area_code, critical, low, adequate, no_demand, prioritised_critical, possible_critical_shortage,
                 active_notice, total
          FROM picture_count c WHERE c.kind = ${kind} AND ${areaFilter('c.area_code')}`.execute(db)
      : await sql<CountRow>`
          SELECT i.area_code,
            count(*) FILTER (WHERE i.risk_rank = 0)::int AS critical,
            count(*) FILTER (WHERE i.risk_rank = 1)::int AS low,
            count(*) FILTER (WHERE i.risk_rank = 2)::int AS adequate,
            count(*) FILTER (WHERE i.risk_rank = 3)::int AS no_demand,
            count(*) FILTER (WHERE i.risk_rank = 0 AND i.prioritised)::int AS prioritised_critical,
            count(*) FILTER (WHERE i.possible_critical_shortage)::int AS possible_critical_shortage,
            count(*) FILTER (WHERE i.active_notice)::int AS active_notice,
            count(*)::int AS total
          FROM picture_item i
          WHERE i.kind = ${kind} AND ${areaFilter('i.area_code')} AND ${scopeCondition(scope)}
          GROUP BY i.area_code`.execute(db);
  const result = new Map<string, RiskCounts>();
  for (const r of rows.rows) {
    result.set(r.area_code, {
      critical: r.critical,
      low: r.low,
      adequate: r.adequate,
      noDemand: r.no_demand,
      prioritisedCritical: r.prioritised_critical,
      possibleCriticalShortage: r.possible_critical_shortage,
      activeNotice: r.active_notice,
      total: r.total,
    });
  }
  return result;
}

interface CountRow {
  area_code: string;
  critical: number;
  low: number;
  adequate: number;
  no_demand: number;
  prioritised_critical: number;
  possible_critical_shortage: number;
  active_notice: number;
  total: number;
}

export const EMPTY_COUNTS: Readonly<RiskCounts> = {
  critical: 0,
  low: 0,
  adequate: 0,
  noDemand: 0,
  prioritisedCritical: 0,
  possibleCriticalShortage: 0,
  activeNotice: 0,
  total: 0,
};

// Notices -----------------------------------------------------------------------------------------

export interface NoticeRow {
  id: number;
  kind: NoticeKind;
  package_id: number;
  package_name: string;
  pack: string;
  substance: string;
  atc_code: string;
  company_id: number;
  company_name: string;
  notified_at: Date;
  expected_start: string;
  expected_end: string | null;
  reason: string | null;
  alternatives: string | null;
  late: boolean;
  prioritised: boolean;
}

/**
 * Notices not superseded: in force on `today` (`active`) or starting within `withinDays`
 * (`upcoming`), or all current notices of some packages. Companies see only their own packages'.
 */
export async function listNotices(
  db: Db,
  principal: Principal,
  today: string,
  filter: { withinDays?: number; packageIds?: readonly number[]; includeEnded?: boolean },
): Promise<NoticeRow[]> {
  const scope = pictureScopeOf(principal);
  const conditions: RawBuilder<boolean>[] = [];
  if (filter.withinDays !== undefined) {
    conditions.push(sql<boolean>`n.expected_start <= ${today}::date + ${filter.withinDays}::int`);
  }
  if (!filter.includeEnded)
    conditions.push(sql<boolean>`(n.expected_end IS NULL OR n.expected_end >= ${today}::date)`);
  if (filter.packageIds)
    conditions.push(sql<boolean>`n.package_id = ANY(${[...filter.packageIds]}::bigint[])`);
  if (scope.companyId !== null) conditions.push(sql<boolean>`p.company_id = ${scope.companyId}`);
  const where = conditions.length === 0 ? sql`true` : sql.join(conditions, sql` AND `);
  const rows = await sql<NoticeRow>`
    SELECT n.id, n.kind, n.package_id, m.name AS package_name, p.description AS pack, m.substance, m.atc_code,
           n.company_id, c.name AS company_name, n.notified_at, n.expected_start, n.expected_end, n.reason,
           n.alternatives, n.late, coalesce(pp.prioritised, false) AS prioritised
    FROM current_shortage_notice n
    JOIN package p ON p.id = n.package_id
    JOIN medicine m ON m.id = p.medicine_id
    JOIN organisation c ON c.id = n.company_id
    LEFT JOIN picture_product pp ON pp.package_id = n.package_id
    WHERE ${where}
    ORDER BY n.expected_start, n.id
    LIMIT 1000`.execute(db);
  return rows.rows;
}

export function isActiveNotice(
  n: Pick<NoticeRow, 'expected_start' | 'expected_end'>,
  today: string,
): boolean {
  return isNoticeActive({ expectedStart: n.expected_start, expectedEnd: n.expected_end }, today);
}

// Reasons (the domain's assessRisk over the maintained rows) --------------------------------------

/**
 * The domain's assessment of each item (maintained rows, not tier rows), with its reasons: the same inputs the refresh used in SQL
 * (coverage, the prioritised list in force, current notices, alternatives in the same area), judged
 * by `assessRisk`. The flags it returns must equal the maintained ones (test: picture.refresh.spec).
 */
export async function assessItems(
  db: Db,
  state: PictureState,
  items: readonly ItemRow[],
): Promise<Map<string, RiskAssessment>> {
  const result = new Map<string, RiskAssessment>();
  if (items.length === 0) return result;
  const listPromise = prioritisedEntries(db, state.today);

  // Notices of the items' packages (a group's: all its members').
  const packageIds = items.filter((i) => i.package_id !== null).map((i) => i.package_id as number);
  const groupKeys = items.filter((i) => i.kind === 'group').map((i) => i.group_key);
  const noticesPromise = sql<{
    id: number;
    kind: NoticeKind;
    package_id: number;
    group_key: string | null;
    expected_start: string;
    expected_end: string | null;
  }>`
    -- The groups' members, and each notice's group, by index (an OR over a join read every product).
    SELECT n.id, n.kind, n.package_id,
           (SELECT pp.group_key FROM picture_product pp WHERE pp.package_id = n.package_id) AS group_key,
           n.expected_start, n.expected_end
    FROM current_shortage_notice n
    WHERE n.package_id = ANY(${packageIds}::bigint[])
       OR n.package_id IN (SELECT m.package_id FROM picture_product m WHERE m.group_key = ANY(${groupKeys}::text[]))`.execute(
    db,
  );

  const noticesOf = (item: ItemRow): NoticeRef[] =>
    notices.rows
      .filter((n) =>
        item.kind === 'package' ? n.package_id === item.package_id : n.group_key === item.group_key,
      )
      .map((n) => ({ id: n.id, kind: n.kind, expectedStart: n.expected_start, expectedEnd: n.expected_end }));

  // Recorded alternatives (recorded_alternative) from the items' packages and their groups' members.
  const recordedPromise = sql<{
    package_id: number;
    alternative_package_id: number;
    units_per_unit: number;
    from_group: string;
    to_group: string;
  }>`
    SELECT r.package_id, r.alternative_package_id, r.units_per_unit, a.group_key AS from_group,
           b.group_key AS to_group
    FROM recorded_alternative r
    JOIN picture_product a ON a.package_id = r.package_id
    JOIN picture_product b ON b.package_id = r.alternative_package_id
    WHERE r.package_id = ANY(${packageIds}::bigint[]) OR a.group_key = ANY(${groupKeys}::text[])`.execute(db);

  // Candidates: items of the same kind in the same area sharing group, substance or ATC level 4, or
  // recorded for the item. One index-backed lookup per relation.
  const candidatesPromise = sql<ItemRow & { pack_size: number | null }>`
    WITH w AS (
      SELECT DISTINCT x.kind, x.area_code, x.package_id, x.group_key, x.substance_key, x.atc4
      FROM json_to_recordset(${JSON.stringify(
        items.map((i) => ({
          kind: i.kind,
          area_code: i.area_code,
          package_id: i.package_id,
          group_key: i.group_key,
          substance_key: i.substance_key,
          atc4: i.atc4,
        })),
      )}::json) AS x(kind text, area_code text, package_id bigint, group_key text, substance_key text, atc4 text)
    ),
    refs AS (
      SELECT c.kind, c.ref, c.area_code FROM w
      JOIN picture_item c ON c.group_key = w.group_key AND c.area_code = w.area_code AND c.kind = w.kind
      UNION
      SELECT c.kind, c.ref, c.area_code FROM w
      JOIN picture_item c ON c.area_code = w.area_code AND c.kind = w.kind AND c.substance_key = w.substance_key
      UNION
      SELECT c.kind, c.ref, c.area_code FROM w
      JOIN picture_item c ON c.area_code = w.area_code AND c.kind = w.kind AND c.atc4 = w.atc4
      WHERE length(w.atc4) = 5
      UNION
      SELECT c.kind, c.ref, c.area_code FROM w
      JOIN recorded_alternative r ON r.package_id = w.package_id
      JOIN picture_item c ON c.kind = 'package' AND c.package_id = r.alternative_package_id AND c.area_code = w.area_code
      WHERE w.kind = 'package'
      UNION
      SELECT c.kind, c.ref, c.area_code FROM w
      JOIN picture_product a ON a.group_key = w.group_key
      JOIN recorded_alternative r ON r.package_id = a.package_id
      JOIN picture_product b ON b.package_id = r.alternative_package_id
      JOIN picture_item c ON c.kind = 'group' AND c.ref = b.group_key AND c.area_code = w.area_code
      WHERE w.kind = 'group'
    )
    SELECT c.*, pp.pack_size FROM refs r
    JOIN picture_item c ON c.kind = r.kind AND c.ref = r.ref AND c.area_code = r.area_code
    LEFT JOIN picture_product pp ON pp.package_id = c.package_id`.execute(db);

  // The items' own packages and their groups' members, with pack size and identity.
  const membersPromise = sql<{
    package_id: number;
    group_key: string;
    pack_size: number;
    atc_code: string;
    substance: string;
    strength: string;
    form: string;
  }>`
    SELECT pp.package_id, pp.group_key, pp.pack_size, m.atc_code, m.substance, m.strength, m.form
    FROM picture_product pp JOIN package p ON p.id = pp.package_id JOIN medicine m ON m.id = p.medicine_id
    WHERE pp.package_id = ANY(${packageIds}::bigint[]) OR pp.group_key = ANY(${groupKeys}::text[])
    ORDER BY pp.package_id`.execute(db);

  // The lots of the candidates that can clear the signal, the interchangeable ones (same group, or
  // recorded by an authority: alternativeRelation, src/domain/risk.ts), as their usable stock counts
  // them: everyday lots only, in a region its share of the warehouses' serving it in place of those
  // standing in it (expiry.ts packageAreaLots). The others are listed with the usable stock the picture
  // shows and clear nothing, so their lots are never drawn (at national scale an ATC level 4 has
  // hundreds of packages: reading all their lots took 1.1 s of a product page). Their packages are
  // found here from the items (a package's group mates and recorded alternatives; a group's recorded
  // groups' members), so the lots are read beside the candidates, not after them.
  const packageItems = items.filter((i) => i.kind === 'package');
  const groupItems = items.filter((i) => i.kind === 'group');
  const lotAreas = [...new Set(items.map((i) => i.area_code))];
  const lotsPromise = sql<{
    package_id: number;
    group_key: string;
    pack_size: number;
    area_code: string;
    expiry: string;
    quantity: number;
  }>`
    WITH ids AS (
      SELECT pp.package_id FROM picture_product pp
      WHERE pp.group_key = ANY(${packageItems.map((i) => i.group_key)}::text[])
      UNION
      SELECT r.alternative_package_id FROM recorded_alternative r
      WHERE r.package_id = ANY(${packageItems.map((i) => i.package_id as number)}::bigint[])
      UNION
      SELECT pc.package_id FROM picture_product pa
      JOIN recorded_alternative r ON r.package_id = pa.package_id
      JOIN picture_product pb ON pb.package_id = r.alternative_package_id
      JOIN picture_product pc ON pc.group_key = pb.group_key
      WHERE pa.group_key = ANY(${groupItems.map((i) => i.group_key)}::text[])
    ),
    ids_array AS (SELECT array_agg(package_id) AS a FROM ids)
    SELECT x.package_id, pp.group_key, pp.pack_size, x.area_code, x.expiry::text AS expiry,
           sum(x.quantity) AS quantity
    FROM (${packageAreaLots(OWN_LOTS, (c) => sql<boolean>`${sql.ref(c)} = ANY((SELECT a FROM ids_array)::bigint[])`, lotAreas)}) x
    -- By the same array (joined on its own, a few hundred lots were hashed against every product).
    JOIN picture_product pp ON pp.package_id = x.package_id
      AND pp.package_id = ANY((SELECT a FROM ids_array)::bigint[])
    GROUP BY x.package_id, pp.group_key, pp.pack_size, x.area_code, x.expiry`.execute(db);

  const [list, notices, candidates, recorded, members, lotRows] = await Promise.all([
    listPromise,
    noticesPromise,
    candidatesPromise,
    recordedPromise,
    membersPromise,
    lotsPromise,
  ]);

  const membersOf = (groupKey: string) => members.rows.filter((m) => m.group_key === groupKey);
  /** Units of `c` replacing one unit of `item`, when an authority recorded it (groups: the most asked). */
  const recordedFor = (item: ItemRow, c: ItemRow): number | null => {
    const rows = recorded.rows.filter((r) =>
      item.kind === 'package'
        ? r.package_id === item.package_id && r.alternative_package_id === c.package_id
        : r.from_group === item.group_key && r.to_group === c.group_key,
    );
    return rows.length === 0 ? null : Math.max(...rows.map((r) => Number(r.units_per_unit)));
  };

  const packSize = new Map<number, number>([
    ...members.rows.map((m) => [m.package_id, Number(m.pack_size)] as const),
    ...candidates.rows.flatMap((c) =>
      c.package_id === null ? [] : [[c.package_id, Number(c.pack_size)] as const],
    ),
  ]);
  const lotsOfPackage = new Map<number, typeof lotRows.rows>();
  const lotsOfGroup = new Map<string, typeof lotRows.rows>();
  for (const r of lotRows.rows) {
    const ofPackage = lotsOfPackage.get(r.package_id);
    if (ofPackage === undefined) lotsOfPackage.set(r.package_id, [r]);
    else ofPackage.push(r);
    const ofGroup = lotsOfGroup.get(r.group_key);
    if (ofGroup === undefined) lotsOfGroup.set(r.group_key, [r]);
    else ofGroup.push(r);
  }
  // Only the interchangeable candidates' lots are drawn (the lots read may hold more: a package read
  // for one item may be another item's therapeutic alternative, which clears nothing).
  const interchangeable = new Set(
    candidates.rows
      .filter((c) =>
        items.some(
          (i) =>
            i.kind === c.kind &&
            i.area_code === c.area_code &&
            i.ref !== c.ref &&
            (c.group_key === i.group_key || recordedFor(i, c) !== null),
        ),
      )
      .map(key),
  );
  /** A candidate's lots in its area (the nation: every region), in its counts (a group's: units). */
  const lotsOf = (i: ItemRow): StockLot[] =>
    !interchangeable.has(key(i))
      ? []
      : (i.kind === 'package'
          ? (lotsOfPackage.get(i.package_id as number) ?? [])
          : (lotsOfGroup.get(i.group_key) ?? [])
        )
          .filter((l) => l.area_code === i.area_code)
          .map((l) => ({
            expiry: l.expiry === 'infinity' ? null : l.expiry,
            quantity: Number(l.quantity) * (i.kind === 'package' ? 1 : Number(l.pack_size)),
          }));
  const unitSizeOf = (i: ItemRow) => (i.kind === 'package' ? (packSize.get(i.package_id as number) ?? 1) : 1);
  for (const item of items) {
    const alternatives: AlternativeCandidate[] = candidates.rows
      .filter((c) => c.kind === item.kind && c.area_code === item.area_code && c.ref !== item.ref)
      .filter((c, i, all) => all.findIndex((d) => d.ref === c.ref) === i)
      .map((c) => ({
        ref: c.ref,
        atcCode: c.atc_code,
        substance: c.substance,
        strength: c.strength,
        form: c.form,
        unitSize: unitSizeOf(c),
        usableStock: Number(c.usable_stock),
        demandPerDay: Number(c.demand_per_day),
        lots: lotsOf(c),
        recordedUnitsPerUnit: recordedFor(item, c),
      }));
    result.set(
      key(item),
      assessRisk({
        today: state.today,
        item: {
          ref: item.ref,
          atcCode: item.atc_code,
          substance: item.substance,
          strength: item.strength,
          form: item.form,
          unitSize: unitSizeOf(item),
          ...(item.kind === 'group'
            ? {
                members: membersOf(item.group_key).map((m) => ({
                  atcCode: m.atc_code,
                  substance: m.substance,
                  strength: m.strength,
                  form: m.form,
                })),
              }
            : {}),
        },
        demandPerDay: Number(item.demand_per_day),
        coverageDays: item.coverage_days === null ? null : Number(item.coverage_days),
        prioritisedList: list,
        notices: noticesOf(item),
        alternatives,
        thresholds: state.thresholds,
        minShelfLifeDays: state.minShelfLifeDays,
      }),
    );
  }
  return result;
}

export function key(item: Pick<ItemRow, 'kind' | 'ref' | 'area_code'>): string {
  return `${item.kind}:${item.ref}:${item.area_code}`;
}

// Map ---------------------------------------------------------------------------------------------

export interface AreaFigure {
  area_code: string;
  name: string;
  total_stock: number;
  usable_stock: number;
  demand_per_day: number;
  coverage_days: number | null;
  runs_out_on: string | null;
  risk_class: RiskClass;
}

/** An item's figures in the nation and in each of the regions (every region, zero when absent). */
export async function areaFigures(db: Db, kind: ItemKind, ref: string): Promise<AreaFigure[]> {
  const rows = await sql<AreaFigure>`
    SELECT a.code AS area_code, a.name, coalesce(i.total_stock, 0) AS total_stock,
           coalesce(i.usable_stock, 0) AS usable_stock, coalesce(i.demand_per_day, 0) AS demand_per_day,
           i.coverage_days, i.runs_out_on, coalesce(i.risk_class, 'no_demand') AS risk_class
    FROM (SELECT ${NATIONAL_AREA}::text AS code, 'Hela landet' AS name, 0 AS o
          UNION ALL SELECT r.code::text, r.name, 1 FROM region r) a
    LEFT JOIN picture_item i ON i.kind = ${kind} AND i.ref = ${ref} AND i.area_code = a.code
    ORDER BY a.o, a.code`.execute(db);
  return rows.rows;
}

// Product page ------------------------------------------------------------------------------------

export interface TierFigure {
  area_code: string;
  tier: SupplyTier;
  /** Reserve of the tier (src/domain/reserve.ts), or its everyday stock. */
  reserve: boolean;
  total: number;
  usable: number;
  locations: number;
}

/** Stock per tier of a package (or of a group, in units) in the given areas, everyday and reserve apart. */
export async function tierFigures(
  db: Db,
  kind: ItemKind,
  ref: string,
  areas: readonly string[],
): Promise<TierFigure[]> {
  const member = kind === 'package' ? sql`pp.package_id = ${Number(ref)}` : sql`pp.group_key = ${ref}`;
  const factor = kind === 'package' ? sql`1` : sql`pp.pack_size`;
  const rows = await sql<TierFigure>`
    SELECT ps.area_code, ps.tier, ps.reserve, sum(ps.total * ${factor}) AS total,
           sum(ps.usable * ${factor}) AS usable, sum(ps.locations)::int AS locations
    FROM picture_stock ps JOIN picture_product pp ON pp.package_id = ps.package_id
    WHERE ${member} AND ps.area_code = ANY(${[...areas]}::text[])
    GROUP BY ps.area_code, ps.tier, ps.reserve`.execute(db);
  return rows.rows;
}

/** A package's lots in an area (the nation: every region), as the product page's stock lines count them. */
export interface TierLots {
  /** Everyday lots held per supply tier (picture_stock_expiry). */
  byTier: Map<SupplyTier, StockLot[]>;
  /** The reserve's lots, of every tier. */
  reserve: StockLot[];
  /** A region's share of the lots of the warehouses serving it (none for the nation). */
  share: StockLot[];
}

export async function tierLots(db: Db, packageId: number, area: string): Promise<TierLots> {
  const [rows, share] = await Promise.all([
    sql<{ tier: SupplyTier; reserve: boolean; expiry: string; quantity: number }>`
      SELECT e.tier, e.reserve, e.expiry::text AS expiry, sum(e.quantity) AS quantity FROM picture_stock_expiry e
      WHERE e.package_id = ${packageId} AND ${area === NATIONAL_AREA ? sql`true` : sql`e.area_code = ${area}`}
      GROUP BY e.tier, e.reserve, e.expiry`.execute(db),
    area === NATIONAL_AREA
      ? Promise.resolve({ rows: [] as { expiry: string; quantity: number }[] })
      : sql<{ expiry: string; quantity: number }>`
          SELECT expiry::text AS expiry, quantity FROM (${regionShareLots(sql`${packageId}::bigint`, sql`${area}::text`)}) x`.execute(
          db,
        ),
  ]);
  const toLot = (r: { expiry: string; quantity: number }): StockLot => ({
    expiry: r.expiry === 'infinity' ? null : r.expiry,
    quantity: Number(r.quantity),
  });
  const byTier = new Map<SupplyTier, StockLot[]>();
  const reserve: StockLot[] = [];
  for (const r of rows.rows) {
    if (r.reserve) {
      reserve.push(toLot(r));
      continue;
    }
    byTier.set(r.tier, [...(byTier.get(r.tier) ?? []), toLot(r)]);
  }
  return { byTier, reserve, share: share.rows.map(toLot) };
}

/** National sales per month of the package (maintained, the current month and twelve before). */
export async function salesByMonth(db: Db, packageIds: readonly number[]) {
  return db
    .selectFrom('picture_sales_month')
    .select(['month', (eb) => eb.fn.sum<number>('quantity').as('quantity')])
    .where('package_id', 'in', packageIds.length > 0 ? [...packageIds] : [-1])
    .groupBy('month')
    .orderBy('month')
    .execute();
}

/**
 * National everyday stock per day (no reserve: src/domain/reserve.ts): the history (written by each day's full refresh, or backfilled from the
 * snapshots) before `today`, and today's figure live from the maintained stock.
 */
export async function stockHistory(
  db: Db,
  packageIds: readonly number[],
  from: string,
  today: string,
): Promise<{ on_date: string; total: number; usable: number }[]> {
  const ids = [...packageIds];
  const rows = await sql<{ on_date: string; total: number; usable: number }>`
    SELECT on_date, sum(total) AS total, sum(usable) AS usable FROM picture_stock_history
    WHERE package_id = ANY(${ids}::bigint[]) AND on_date >= ${from}::date AND on_date < ${today}::date
    GROUP BY on_date
    UNION ALL
    SELECT ${today}::date, coalesce(sum(total), 0), coalesce(sum(usable), 0) FROM picture_stock
    WHERE package_id = ANY(${ids}::bigint[]) AND area_code = ${NATIONAL_AREA} AND NOT reserve
    ORDER BY 1`.execute(db);
  return rows.rows.map((r) => ({ on_date: r.on_date, total: Number(r.total), usable: Number(r.usable) }));
}

export interface DeliveryRow {
  package_id: number;
  /** To a preparedness stock: adds to the reserve, not to everyday supply (src/domain/reserve.ts). */
  reserve: boolean;
  expected_on: string;
  quantity: number;
  organisation_id: number;
  organisation_name: string;
  location_id: number | null;
  region_code: string | null;
}

/** The expected deliveries (current plans) of some packages from `today` on. */
export async function deliveriesOf(
  db: Db,
  packageIds: readonly number[],
  today: string,
): Promise<DeliveryRow[]> {
  const rows = await sql<DeliveryRow>`
    SELECT e.package_id, e.expected_on, e.quantity, e.organisation_id, o.name AS organisation_name,
           e.location_id, l.region_code::text AS region_code,
           coalesce(${reserveKindSql('l.kind')}, false) AS reserve
    FROM current_expected_delivery e
    JOIN organisation o ON o.id = e.organisation_id
    LEFT JOIN location l ON l.id = e.location_id
    WHERE e.package_id = ANY(${[...packageIds]}::bigint[]) AND e.expected_on >= ${today}::date
      AND e.expected_on < ${addDays(today, DEFAULT_SIMULATION_DAYS)}::date
    ORDER BY e.expected_on, e.package_id`.execute(db);
  return rows.rows;
}

/** The actual lots (quantity by expiry) of some packages' everyday stock, in an area, from current stock. */
export async function lotsOf(db: Db, packageIds: readonly number[], area: string): Promise<StockLot[]> {
  const regionFilter = area === NATIONAL_AREA ? sql`true` : sql`l.region_code = ${area}`;
  // Each location's lot netted first; one netted below zero counts as none (as in picture_stock_expiry).
  const rows = await sql<{ expiry: string | null; quantity: number }>`
    SELECT x.expiry, sum(x.quantity) AS quantity
    FROM (
      SELECT e.location_id, e.package_id, e.expiry, greatest(sum(e.quantity), 0) AS quantity
      FROM current_stock_entry e JOIN location l ON l.id = e.location_id
      WHERE e.package_id = ANY(${[...packageIds]}::bigint[]) AND ${regionFilter}
        AND NOT ${reserveSql('l.kind', 'e.stock_level')}
      GROUP BY e.location_id, e.package_id, e.expiry
    ) x
    GROUP BY x.expiry`.execute(db);
  return rows.rows.map((r) => ({ expiry: r.expiry, quantity: Number(r.quantity) }));
}

/**
 * The lot-by-lot outlook of the domain (simulateSupply) over actual lots and deliveries, with the
 * picture's minimum remaining shelf life, and what the lots supply before expiry at the demand.
 */
export function lotOutlook(
  state: Pick<PictureState, 'today' | 'minShelfLifeDays'>,
  demandPerDay: number,
  lots: readonly StockLot[],
  deliveries: readonly { expectedOn: string; quantity: number }[],
) {
  const { today, minShelfLifeDays } = state;
  return {
    ...simulateSupply({ today, demandPerDay, lots, deliveries, minShelfLifeDays }),
    usableBeforeExpiry: usableBeforeExpiry(lots, demandPerDay, today, minShelfLifeDays),
  };
}

export interface ProductRow {
  id: number;
  npl_pack_id: string;
  name: string;
  description: string;
  substance: string;
  strength: string;
  form: string;
  atc_code: string;
  pack_size: number;
  pack_unit: string;
  company_id: number;
  company_name: string;
  parallel_traded: boolean;
  licence: boolean;
  group_key: string | null;
  prioritised: boolean | null;
}

export async function findPictureProduct(db: Db, id: number): Promise<ProductRow | undefined> {
  const rows = await sql<ProductRow>`
    SELECT p.id, p.npl_pack_id, m.name, p.description, m.substance, m.strength, m.form, m.atc_code,
           p.pack_size, p.pack_unit, p.company_id, c.name AS company_name, p.parallel_traded, p.licence,
           pp.group_key, pp.prioritised
    FROM package p JOIN medicine m ON m.id = p.medicine_id JOIN organisation c ON c.id = p.company_id
    LEFT JOIN picture_product pp ON pp.package_id = p.id
    WHERE p.id = ${id}`.execute(db);
  return rows.rows[0];
}

/** Members of a group (package ids), within the caller's scope. */
export async function groupMembers(db: Db, groupKey: string, scope: PictureScope): Promise<number[]> {
  const rows = await sql<{ package_id: number }>`
    SELECT package_id FROM picture_product
    WHERE group_key = ${groupKey} AND (${scope.companyId}::bigint IS NULL OR company_id = ${scope.companyId}::bigint)
    ORDER BY package_id`.execute(db);
  return rows.rows.map((r) => r.package_id);
}

/** How an alternative on the product page relates to the package (src/domain/risk.ts). */
export type AlternativeRelation = 'same_group' | 'recorded' | 'same_substance' | 'same_atc4';

/**
 * Alternatives to a package in an area (R4): other packages of the same group and those an
 * authority recorded for it (interchangeable: they can clear the possible-critical-shortage
 * signal), then the same substance in another strength or form and the same ATC level 4 (possible
 * therapeutic alternatives, for a clinician to judge), with their coverage, closest relation first.
 */
export async function alternativesOf(db: Db, item: ItemRow, scope: PictureScope, limit = 50) {
  const rows = await sql<ItemRow & { relation: AlternativeRelation; pack: string | null }>`
    SELECT c.*, (SELECT p.description FROM package p WHERE p.id = c.package_id) AS pack, NULL AS tier,
      CASE WHEN c.group_key = ${item.group_key} THEN 'same_group'
           WHEN r.package_id IS NOT NULL THEN 'recorded'
           WHEN c.substance_key = ${item.substance_key} THEN 'same_substance'
           ELSE 'same_atc4' END AS relation
    FROM (
      -- One index-backed lookup per relation: an OR of them read every item of the area (0.5 s of a
      -- national product page at national scale).
      SELECT c.ref FROM picture_item c
      WHERE c.group_key = ${item.group_key} AND c.area_code = ${item.area_code} AND c.kind = 'package'
      UNION
      SELECT c.ref FROM picture_item c
      WHERE c.area_code = ${item.area_code} AND c.kind = 'package' AND c.substance_key = ${item.substance_key}
      UNION
      SELECT c.ref FROM picture_item c
      WHERE length(${item.atc4}::text) = 5 AND c.area_code = ${item.area_code} AND c.kind = 'package'
        AND c.atc4 = ${item.atc4}
      UNION
      SELECT c.ref FROM recorded_alternative x
      JOIN picture_item c ON c.kind = 'package' AND c.package_id = x.alternative_package_id
        AND c.area_code = ${item.area_code}
      WHERE x.package_id = ${item.package_id}::bigint
    ) refs
    JOIN picture_item c ON c.kind = 'package' AND c.ref = refs.ref AND c.area_code = ${item.area_code}
    LEFT JOIN recorded_alternative r
      ON r.package_id = ${item.package_id}::bigint AND r.alternative_package_id = c.package_id
    WHERE c.ref <> ${item.ref} AND ${scopeCondition(scope, 'c')}
    ORDER BY CASE WHEN c.group_key = ${item.group_key} THEN 0 WHEN r.package_id IS NOT NULL THEN 1
                  WHEN c.substance_key = ${item.substance_key} THEN 2 ELSE 3 END,
             (c.usable_stock > 0) DESC, c.coverage_days DESC NULLS LAST, c.name, c.ref
    LIMIT ${limit}`.execute(db);
  return rows.rows;
}

// Municipalities (computed on the fly, one region and package at a time) ----------------------------

export interface MunicipalityFigure {
  code: string;
  name: string;
  population: number;
  region_population: number;
  total: number;
  /** What its lots supply before expiry at its demand (usableBeforeExpiry). */
  usable: number;
  /** Its locations' everyday lots (each location's netted, none below zero). */
  lots: StockLot[];
  locations: number;
  region_per_day: number;
  /** Its share of the region's demand, by population. */
  per_day: number;
}

/**
 * A package's current everyday stock per municipality of a region (from the current stock of the
 * region's locations but its wholesaler warehouses; the reserve, and so every preparedness stock, is
 * not in it), with the region's demand and the populations to apportion it and the region's share of
 * the wholesale stock serving it (sales are reported per region or location, not per municipality),
 * and the usable stock of its lots at that demand.
 */
export async function municipalityFigures(
  db: Db,
  state: PictureState,
  packageId: number,
  regionCode: string,
): Promise<MunicipalityFigure[]> {
  const rows = await sql<
    Omit<MunicipalityFigure, 'usable' | 'per_day' | 'lots'> & {
      lots: { expiry: string | null; quantity: number }[] | null;
    }
  >`
    WITH lot AS (
      -- Each location's lot netted first; one netted below zero counts as none.
      SELECT l.municipality_code, e.location_id, e.expiry, sum(e.quantity) AS quantity
      FROM current_stock_entry e JOIN location l ON l.id = e.location_id
      WHERE e.package_id = ${packageId} AND l.region_code = ${regionCode} AND l.municipality_code IS NOT NULL
        AND NOT ${reserveSql('l.kind', 'e.stock_level')}
        -- A warehouse serves an area, not its municipality: the region's share of it is apportioned.
        AND l.kind <> 'wholesaler_warehouse'
      GROUP BY l.municipality_code, e.location_id, e.expiry
    ),
    stock AS (
      SELECT municipality_code, sum(quantity) AS total,
             json_agg(json_build_object('expiry', expiry, 'quantity', greatest(quantity, 0))) AS lots,
             count(DISTINCT location_id) FILTER (WHERE quantity > 0)::int AS locations
      FROM lot GROUP BY municipality_code
    )
    SELECT m.code::text AS code, m.name, m.population, r.population AS region_population,
           coalesce(s.total, 0) AS total, s.lots, coalesce(s.locations, 0) AS locations,
           coalesce(d.per_day, 0) AS region_per_day
    FROM municipality m
    JOIN region r ON r.code = m.region_code
    LEFT JOIN stock s ON s.municipality_code = m.code
    LEFT JOIN picture_demand d ON d.package_id = ${packageId} AND d.region_code = m.region_code
    WHERE m.region_code = ${regionCode}
    ORDER BY m.code`.execute(db);
  return rows.rows.map(({ lots, ...r }) => {
    const population = Number(r.population);
    const regionPopulation = Number(r.region_population);
    const regionPerDay = Number(r.region_per_day);
    const perDay = regionPopulation > 0 ? (regionPerDay * population) / regionPopulation : 0;
    const stockLots = (lots ?? []).map((l) => ({ expiry: l.expiry, quantity: Number(l.quantity) }));
    return {
      ...r,
      population,
      region_population: regionPopulation,
      total: Number(r.total),
      usable: usableBeforeExpiry(stockLots, perDay, state.today, state.minShelfLifeDays),
      lots: stockLots,
      region_per_day: regionPerDay,
      per_day: perDay,
    };
  });
}

// Locations (computed on the fly: one region or a few locations at a time) -------------------------

export interface LocationRow {
  id: number;
  code: string;
  name: string;
  kind: LocationKind;
  organisation_id: number;
  organisation_name: string;
  region_code: string;
  municipality_code: string | null;
  municipality_name: string | null;
}

/** How a location's coverage is measured (docs/lagesbild.md, "Locations"; src/domain/location-demand.ts). */
export type { LocationDemandBasis };

export interface LocationItemCoverage {
  locationId: number;
  packageId: number;
  /**
   * The stock the location's coverage measures: its everyday stock, or at a preparedness stock,
   * where all is reserve, its reserve (the days it alone would add).
   */
  totalStock: number;
  usableStock: number;
  /** The lots of that stock (quantity per expiry, none below zero). */
  lots: StockLot[];
  /** The part of what the location holds that is reserve (src/domain/reserve.ts). */
  reserveTotal: number;
  reserveUsable: number;
  /** The days the reserve would add at the location's demand; null without demand. */
  reserveDaysAdded: number | null;
  /** The location's own estimate (own_sales only). */
  demand: DemandEstimate | null;
  /** Packages a day; null without a basis. */
  demandPerDay: number | null;
  basis: LocationDemandBasis;
  coverageDays: number | null;
  runsOutOn: string | null;
  /** Null without a basis: not "no demand", unknown. */
  riskClass: RiskClass | null;
  stockStatus: StockStatus;
}

type SalesRowOf = { periodStart: string; periodDays: 1 | 7; quantity: number };

/** The locations that report their own sales: any location rows within the year, of any package. */
async function reportingOwnSales(db: Db, state: PictureState, ids: readonly number[]): Promise<Set<number>> {
  const from = addDays(state.windowEnd, -(365 + 6));
  const rows = await sql<{ location_id: number }>`
    SELECT l.id AS location_id FROM unnest(${[...ids]}::bigint[]) AS l(id)
    WHERE EXISTS (SELECT 1 FROM sales s WHERE s.location_id = l.id AND s.period_start >= ${from}::date)`.execute(
    db,
  );
  return new Set(rows.rows.map((r) => r.location_id));
}

/** What each location's coverage is measured against (locationDemand's basis), whatever it holds. */
export async function locationDemandBases(
  db: Db,
  state: PictureState,
  locations: readonly LocationRow[],
): Promise<Map<number, LocationDemandBasis>> {
  const own =
    locations.length === 0
      ? new Set<number>()
      : await reportingOwnSales(
          db,
          state,
          locations.map((l) => l.id),
        );
  return new Map(
    locations.map((l) => [
      l.id,
      own.has(l.id) ? 'own_sales' : REGION_SHARE_KINDS.includes(l.kind) ? 'region_share' : 'no_basis',
    ]),
  );
}

/**
 * Coverage at single locations, computed on the fly, each against its own demand (the domain's
 * locationDemand): a location that reports its own sales (location rows in the sales table within the
 * last year) against its estimate of them (estimateDemand); a community pharmacy that does not, against
 * its equal share of the region's demand left when the own-sales locations' rows (pooled per region)
 * are taken off; any other location has no basis and gets no coverage. Only packages the location
 * holds or sells are returned. The stock measured
 * is the location's everyday stock; its reserve (level 3 or 4) is returned apart, with the days it
 * would add. At a preparedness stock everything is reserve, and is what its stock figures show.
 */
export async function locationCoverage(
  db: Db,
  state: PictureState,
  locations: readonly LocationRow[],
  packageIds: readonly number[] | null,
  options: {
    /**
     * Every location × package of `packageIds`, also where the location holds none and sells none
     * (its demand is then its share of the region's): for allocation and redistribution, where the
     * empty ones are those that need it most. Default: only what a location holds or sells.
     */
    includeEmpty?: boolean;
  } = {},
): Promise<LocationItemCoverage[]> {
  if (locations.length === 0) return [];
  const everyPair = options.includeEmpty === true && packageIds !== null;
  const ids = locations.map((l) => l.id);
  const packageFilter =
    packageIds === null ? sql`true` : sql`e.package_id = ANY(${[...packageIds]}::bigint[])`;
  const reserve = reserveSql('l.kind', 'e.stock_level');
  // Lots by expiry (netted per expiry, everyday and reserve apart, none below zero): the usable stock
  // depends on the location's demand (usableBeforeExpiry, below).
  const stock = await sql<{
    location_id: number;
    package_id: number;
    total: number;
    reserve_total: number;
    lots: { expiry: string | null; quantity: number }[] | null;
    reserve_lots: { expiry: string | null; quantity: number }[] | null;
  }>`
    SELECT x.location_id, x.package_id,
           coalesce(sum(x.quantity) FILTER (WHERE NOT x.reserve), 0) AS total,
           coalesce(sum(x.quantity) FILTER (WHERE x.reserve), 0) AS reserve_total,
           json_agg(json_build_object('expiry', x.expiry, 'quantity', greatest(x.quantity, 0)))
             FILTER (WHERE NOT x.reserve) AS lots,
           json_agg(json_build_object('expiry', x.expiry, 'quantity', greatest(x.quantity, 0)))
             FILTER (WHERE x.reserve) AS reserve_lots
    FROM (
      SELECT e.location_id, e.package_id, ${reserve} AS reserve, e.expiry, sum(e.quantity) AS quantity
      FROM current_stock_entry e JOIN location l ON l.id = e.location_id
      WHERE e.location_id = ANY(${ids}::bigint[]) AND ${packageFilter}
      GROUP BY e.location_id, e.package_id, 3, e.expiry
    ) x
    GROUP BY x.location_id, x.package_id`.execute(db);

  const from = addDays(state.windowEnd, -(365 + 6));
  const salesFilter = packageIds === null ? sql`true` : sql`s.package_id = ANY(${[...packageIds]}::bigint[])`;
  const sales = await sql<{
    location_id: number;
    package_id: number;
    period_start: string;
    period_days: 1 | 7;
    quantity: number;
  }>`
    SELECT s.location_id, s.package_id, s.period_start, s.period_days, s.quantity
    FROM sales s
    WHERE s.location_id = ANY(${ids}::bigint[]) AND s.period_start >= ${from}::date AND ${salesFilter}`.execute(
    db,
  );
  const ownSales = await reportingOwnSales(db, state, ids);
  // Each location's own sales are estimated to its own last reported day (any package): one that
  // reports late is not read as selling nothing since (docs/lagesbild.md, "Freshness").
  const lastDays = await sql<{ id: number; last_day: string | null }>`
    SELECT l.id, x.last_day FROM unnest(${[...ownSales]}::bigint[]) AS l(id)
    CROSS JOIN LATERAL (
      SELECT s.period_start + s.period_days - 1 AS last_day FROM sales s
      WHERE s.location_id = l.id ORDER BY s.period_start DESC LIMIT 1
    ) x`.execute(db);
  const lastDayOf = new Map(lastDays.rows.map((r) => [r.id, r.last_day]));
  const rowsBy = new Map<string, SalesRowOf[]>();
  for (const r of sales.rows) {
    const k = `${r.location_id}:${r.package_id}`;
    const list = rowsBy.get(k) ?? [];
    list.push({ periodStart: r.period_start, periodDays: r.period_days, quantity: Number(r.quantity) });
    rowsBy.set(k, list);
  }
  const estimate = (rows: readonly SalesRowOf[]) =>
    estimateDemand(rows, state.today, {
      ...(state.salesThrough !== null ? { salesThrough: state.salesThrough } : {}),
    });

  // What the locations that share their region's demand need: the region's demand, the part the
  // own-sales locations' rows supply, and how many share the rest.
  const sharing = locations.filter((l) => !ownSales.has(l.id) && REGION_SHARE_KINDS.includes(l.kind));
  const sharingIds = new Set(sharing.map((l) => l.id));
  const sharePackages = everyPair
    ? [...packageIds]
    : [...new Set(stock.rows.filter((r) => sharingIds.has(r.location_id)).map((r) => r.package_id))];
  const shareRegions = [...new Set(sharing.map((l) => l.region_code))];
  const regionDemand = new Map<string, number>();
  const reported = new Map<string, SalesRowOf[]>();
  const sharers = new Map<string, number>();
  if (sharePackages.length > 0) {
    const [d, rows, counts] = await Promise.all([
      sql<{ package_id: number; region_code: string; per_day: number }>`
        SELECT package_id, region_code::text AS region_code, per_day FROM picture_demand
        WHERE package_id = ANY(${sharePackages}::bigint[]) AND region_code = ANY(${shareRegions}::text[])`.execute(
        db,
      ),
      sql<{
        region_code: string;
        package_id: number;
        period_start: string;
        period_days: 1 | 7;
        quantity: number;
      }>`
        SELECT s.region_code::text AS region_code, s.package_id, s.period_start, s.period_days, s.quantity
        FROM sales s
        WHERE s.location_id IS NOT NULL AND s.region_code = ANY(${shareRegions}::text[])
          AND s.package_id = ANY(${sharePackages}::bigint[]) AND s.period_start >= ${from}::date`.execute(db),
      sql<{ region_code: string; kind: string; n: number }>`
        SELECT l.region_code::text AS region_code, l.kind, count(*)::int AS n FROM location l
        WHERE l.region_code = ANY(${shareRegions}::text[]) AND l.kind = ANY(${[...REGION_SHARE_KINDS]}::text[])
          AND l.closed_on IS NULL
          AND NOT EXISTS (SELECT 1 FROM sales s WHERE s.location_id = l.id AND s.period_start >= ${from}::date)
        GROUP BY l.region_code, l.kind`.execute(db),
    ]);
    for (const r of d.rows) regionDemand.set(`${r.region_code}:${r.package_id}`, Number(r.per_day));
    for (const r of rows.rows) {
      const k = `${r.region_code}:${r.package_id}`;
      const list = reported.get(k) ?? [];
      list.push({ periodStart: r.period_start, periodDays: r.period_days, quantity: Number(r.quantity) });
      reported.set(k, list);
    }
    for (const r of counts.rows) sharers.set(`${r.region_code}:${r.kind}`, r.n);
  }

  const locationOf = new Map(locations.map((l) => [l.id, l]));
  const reserveLocations = new Set(locations.filter((l) => isReserveLocationKind(l.kind)).map((l) => l.id));
  interface Pair {
    locationId: number;
    packageId: number;
    total: number;
    lots: StockLot[];
    reserveTotal: number;
    reserveLots: StockLot[];
  }
  const pairs = new Map<string, Pair>();
  const toLots = (lots: { expiry: string | null; quantity: number }[] | null): StockLot[] =>
    (lots ?? []).map((l) => ({ expiry: l.expiry, quantity: Number(l.quantity) }));
  for (const r of stock.rows) {
    const reserveTotal = Number(r.reserve_total);
    const reserveLots = toLots(r.reserve_lots);
    // At a preparedness stock all is reserve, and its coverage is the days the reserve would add.
    const all = reserveLocations.has(r.location_id);
    pairs.set(`${r.location_id}:${r.package_id}`, {
      locationId: r.location_id,
      packageId: r.package_id,
      total: all ? reserveTotal : Number(r.total),
      lots: all ? reserveLots : toLots(r.lots),
      reserveTotal,
      reserveLots,
    });
  }
  for (const k of rowsBy.keys()) {
    if (pairs.has(k)) continue;
    const [l, p] = k.split(':').map(Number) as [number, number];
    pairs.set(k, { locationId: l, packageId: p, total: 0, lots: [], reserveTotal: 0, reserveLots: [] });
  }
  if (everyPair)
    for (const l of locations)
      for (const p of packageIds) {
        const k = `${l.id}:${p}`;
        if (!pairs.has(k))
          pairs.set(k, {
            locationId: l.id,
            packageId: p,
            total: 0,
            lots: [],
            reserveTotal: 0,
            reserveLots: [],
          });
      }

  const result: LocationItemCoverage[] = [];
  for (const [k, pair] of pairs) {
    const location = locationOf.get(pair.locationId);
    if (!location) continue;
    const own = ownSales.has(pair.locationId);
    const through = own ? (lastDayOf.get(pair.locationId) ?? null) : null;
    const ownEstimate = own
      ? estimateDemand(rowsBy.get(k) ?? [], state.today, through !== null ? { salesThrough: through } : {})
      : null;
    const regionKey = `${location.region_code}:${pair.packageId}`;
    const reportedRows = reported.get(regionKey);
    const measured = locationDemand({
      kind: location.kind,
      reportsOwnSales: own,
      ownPerDay: ownEstimate?.perDay ?? 0,
      regionPerDay: regionDemand.get(regionKey) ?? 0,
      reportedPerDay: reportedRows === undefined ? 0 : estimate(reportedRows).perDay,
      // This location is one of them (counted above unless it closed since).
      sharingLocations: Math.max(1, sharers.get(`${location.region_code}:${location.kind}`) ?? 0),
    });
    // What its lots supply before expiry at its own demand (without a basis: what can still be
    // dispensed today); the reserve's likewise, for the days it would add.
    const perDay = measured.perDay ?? 0;
    const usable = usableBeforeExpiry(pair.lots, perDay, state.today, state.minShelfLifeDays);
    const reserveUsable = usableBeforeExpiry(pair.reserveLots, perDay, state.today, state.minShelfLifeDays);
    const cov =
      measured.perDay === null
        ? { days: null, runsOutOn: null }
        : coverage(Math.max(0, usable), measured.perDay, state.today);
    result.push({
      locationId: pair.locationId,
      packageId: pair.packageId,
      totalStock: pair.total,
      usableStock: usable,
      lots: pair.lots,
      reserveTotal: pair.reserveTotal,
      reserveUsable,
      reserveDaysAdded: reserveDaysAdded(reserveUsable, perDay),
      demand: ownEstimate,
      demandPerDay: measured.perDay,
      basis: measured.basis,
      coverageDays: cov.days,
      runsOutOn: cov.runsOutOn,
      riskClass: measured.perDay === null ? null : classifyCoverage(cov.days, state.thresholds),
      stockStatus: stockStatus(usable),
    });
  }
  return result;
}

/** Locations of a region (master data), those the caller may list (`visibleLocation`). */
export async function regionLocations(
  db: Db,
  principal: Principal,
  regionCode: string,
): Promise<LocationRow[]> {
  return db
    .selectFrom('location')
    .innerJoin('organisation as o', 'o.id', 'location.organisation_id')
    .leftJoin('municipality as mu', 'mu.code', 'location.municipality_code')
    .where((eb) => visibleLocation(eb, principal))
    .where('location.region_code', '=', regionCode)
    .where('location.closed_on', 'is', null)
    .select([
      'location.id',
      'location.code',
      'location.name',
      'location.kind',
      'location.organisation_id',
      'o.name as organisation_name',
      'location.region_code',
      'location.municipality_code',
      'mu.name as municipality_name',
    ])
    .orderBy('location.kind')
    .orderBy('location.name')
    .orderBy('location.id')
    .execute();
}

/** Packages on the prioritised list (as matched at the last refresh). */
export async function prioritisedPackageIds(db: Db): Promise<number[]> {
  const rows = await db
    .selectFrom('picture_product')
    .select('package_id')
    .where('prioritised', '=', true)
    .execute();
  return rows.map((r) => r.package_id);
}

/** The supply tier of a location kind, for DTOs. */
export function tierOfKind(kind: LocationKind): SupplyTier {
  return supplyTierOf(kind);
}

export { tierCaseSql };
