import type { Static } from '@sinclair/typebox';
import { designationsInForce } from '../../store/shortage-case.repository.js';
import {
  classOfAnswer,
  maySeeArea,
  maySeeLocationDetail,
  maySeePackage,
  mayShowSmallAggregate,
  NATIONAL_AREA,
  pictureScopeOf,
  type InformationClass,
  type Principal,
} from '../../domain/access.js';
import { addCalendarMonths, addDays } from '../../domain/calendar.js';
import { coverage, usableBeforeExpiry, type StockLot } from '../../domain/coverage.js';
import { reserveDaysAdded } from '../../domain/reserve.js';
import { AppError } from '../../domain/errors.js';
import { classifyCoverage, type RiskClass } from '../../domain/risk.js';
import { DEFAULT_FRESHNESS_THRESHOLDS } from '../../domain/freshness.js';
import { SUPPLY_TIERS, type SupplyTier } from '../../domain/supply-tier.js';
import type { Db } from '../../store/database.js';
import { locationFreshness, pictureFreshness } from '../../store/picture/freshness.js';
import {
  alternativesOf,
  areaFigures,
  assessItems,
  countByRisk,
  deliveriesOf,
  EMPTY_COUNTS,
  findPictureProduct,
  findItem,
  findPictureState,
  groupMembers,
  isActiveNotice,
  key,
  listItems,
  listNotices,
  locationCoverage,
  locationDemandBases,
  lotOutlook,
  lotsOf,
  municipalityFigures,
  prioritisedPackageIds,
  regionLocations,
  salesByMonth,
  stockHistory,
  tierFigures,
  tierLots,
  tierOfKind,
  type ItemFilter,
  type ItemKind,
  type ItemRow,
  type LocationDemandBasis,
  type LocationRow,
  type PictureState,
  type TierFigure,
} from '../../store/picture/repository.js';
import { regionDeliveries, regionLots, wholesaleFigures } from '../../store/picture/wholesale.js';
import {
  areaName,
  classification,
  toAreaFigureDto,
  toAsOf,
  toCompletenessDto,
  toCountsDto,
  toItemDto,
  toLocationFreshnessDto,
  toRegionFreshnessDto,
  toNoticeDto,
  toScopeDto,
  tierName,
  WHOLESALE_LINE_NAMES_SV,
  LotOutlook,
  type ItemDto,
  type NoticeDto,
} from './dto.js';

/** Assembles the answers of the picture API from the maintained aggregates (one function per page). */

export async function requireState(db: Db): Promise<PictureState> {
  const state = await findPictureState(db);
  if (!state) {
    throw new AppError(
      'unavailable',
      'the situational picture has not been computed yet: run a refresh (POST /api/picture/refresh)',
    );
  }
  return state;
}

export async function regionNames(db: Db): Promise<Map<string, string>> {
  const rows = await db.selectFrom('region').select(['code', 'name']).orderBy('code').execute();
  return new Map(rows.map((r) => [r.code, r.name]));
}

/** The refusal of figures per region to an organisation that may not see them (one text everywhere). */
export function regionFiguresForbidden(principal: Principal): AppError {
  return AppError.forbidden(
    `figures per region are not shared with a ${principal.organisationKind.replaceAll('_', ' ')}: ` +
      'national figures and your own locations are',
  );
}

function requireArea(principal: Principal, area: string): void {
  if (!maySeeArea(principal, area)) throw regionFiguresForbidden(principal);
}

function requireGroups(principal: Principal): void {
  if (!pictureScopeOf(principal).groups) {
    throw AppError.forbidden('groups mix several companies’ packages: a company sees its own packages');
  }
}

// Overview ----------------------------------------------------------------------------------------

export interface OverviewOptions {
  region?: string | undefined;
  criticalLimit?: number;
}

export async function overviewPage(db: Db, principal: Principal, options: OverviewOptions = {}) {
  const state = await requireState(db);
  const scope = pictureScopeOf(principal);
  const area = options.region ?? NATIONAL_AREA;
  requireArea(principal, area);
  const [names, designations] = await Promise.all([regionNames(db), designationsInForce(db)]);
  if (area !== NATIONAL_AREA && !names.has(area)) throw AppError.notFound(`region ${area}`);

  const areas = scope.regionalAggregates ? null : [NATIONAL_AREA];
  const [packages, groups, critical, notices, freshness] = await Promise.all([
    countByRisk(db, principal, 'package', areas),
    scope.groups ? countByRisk(db, principal, 'group', areas) : Promise.resolve(null),
    listItems(
      db,
      principal,
      state,
      { kind: 'package', area, risk: ['critical'], sort: 'risk' },
      options.criticalLimit ?? 20,
      0,
    ),
    listNotices(db, principal, state.today, { withinDays: 30 }),
    pictureFreshness(db, state.today, scope.preparednessTier),
  ]);
  // Stock totals of every reporter are not a company's to see (it sees its own packages only).
  const showStock = scope.companyId === null;
  const freshnessOf = new Map(freshness.regions.map((f) => [f.regionCode, f]));
  const countsOf = (code: string) => ({
    packages: toCountsDto(packages.get(code) ?? EMPTY_COUNTS),
    groups: groups === null ? null : toCountsDto(groups.get(code) ?? EMPTY_COUNTS),
  });
  const noticeDtos = notices.map((n) => toNoticeDto(n, isActiveNotice(n, state.today)));
  return {
    classification: classification(classOfAnswer({ aggregates: true, locationDetail: false })),
    asOf: toAsOf(state),
    scope: toScopeDto(scope),
    area: { code: area, name: areaName(area, names) },
    counts: countsOf(area),
    national: countsOf(NATIONAL_AREA),
    byRegion: scope.regionalAggregates
      ? [...names].map(([code, name]) => {
          const f = freshnessOf.get(code);
          return {
            region: { code, name },
            ...countsOf(code),
            freshness: f === undefined ? null : toRegionFreshnessDto(f, showStock),
          };
        })
      : null,
    freshness: {
      thresholds: { ...DEFAULT_FRESHNESS_THRESHOLDS },
      completeness: toCompletenessDto(
        area === NATIONAL_AREA
          ? freshness.national
          : (freshnessOf.get(area)?.completeness ?? freshness.national),
        showStock,
      ),
      staleSalesRegions: scope.regionalAggregates
        ? freshness.regions.filter((f) => f.salesStale).map((f) => f.regionCode)
        : null,
    },
    critical: critical.rows.map((r) => toItemDto(r, names, undefined, designations)),
    criticalTotal: critical.total,
    notices: {
      active: noticeDtos.filter((n) => n.active),
      upcoming: noticeDtos.filter((n) => !n.active),
    },
  };
}

// Items -------------------------------------------------------------------------------------------

export interface ItemsQuery {
  level: 'national' | 'region';
  region?: string | undefined;
  tier?: SupplyTier | undefined;
  risk?: RiskClass[] | undefined;
  prioritised?: boolean | undefined;
  notice?: boolean | undefined;
  possibleCriticalShortage?: boolean | undefined;
  q?: string | undefined;
  atc?: string | undefined;
  group?: boolean | undefined;
  package?: number | undefined;
  groupKey?: string | undefined;
  sort?: ItemFilter['sort'];
  reasons?: boolean | undefined;
  limit: number;
  offset: number;
}

export async function itemsPage(db: Db, principal: Principal, query: ItemsQuery) {
  const state = await requireState(db);
  const scope = pictureScopeOf(principal);
  const kind: ItemKind = query.group === true ? 'group' : 'package';
  if (kind === 'group') requireGroups(principal);
  let area: string | null = NATIONAL_AREA;
  if (query.level === 'region') {
    area = query.region ?? null;
    requireArea(principal, area ?? '*');
  } else if (query.region !== undefined) {
    throw AppError.invalid('region= needs level=region', [
      { field: 'level', value: query.level, expected: 'region', message: 'region given with level national' },
    ]);
  }
  if (query.tier === 'preparedness' && !scope.preparednessTier) {
    throw AppError.forbidden('the preparedness tier is shown only to authorities and the joint function');
  }
  // The tier `preparedness` is the reserve (src/domain/reserve.ts): need to know only.
  const reserve = query.tier === 'preparedness';
  const [names, designations] = await Promise.all([regionNames(db), designationsInForce(db)]);
  const filter: ItemFilter = {
    kind,
    area,
    tier: query.tier,
    risk: query.risk,
    prioritised: query.prioritised,
    activeNotice: query.notice,
    possibleCriticalShortage: query.possibleCriticalShortage,
    q: query.q,
    atc: query.atc,
    packageId: query.package,
    groupKey: query.groupKey,
    sort: query.sort,
  };
  const { rows, total } = await listItems(db, principal, state, filter, query.limit, query.offset);
  const assessments =
    query.reasons === true && query.tier === undefined ? await assessItems(db, state, rows) : null;
  return {
    classification: classification(classOfAnswer({ aggregates: true, locationDetail: false, reserve })),
    asOf: toAsOf(state),
    items: rows.map((r) => toItemDto(r, names, assessments?.get(key(r)), designations)),
    total,
    limit: query.limit,
    offset: query.offset,
  };
}

// Map ---------------------------------------------------------------------------------------------

export async function mapPage(
  db: Db,
  principal: Principal,
  item: { package?: number | undefined; group?: string | undefined },
) {
  const state = await requireState(db);
  requireArea(principal, '*');
  let kind: ItemKind;
  let ref: string;
  let name: string;
  if (item.package !== undefined) {
    const product = await findPictureProduct(db, item.package);
    if (!product || !maySeePackage(principal, { companyId: product.company_id }))
      throw AppError.notFound(`package ${item.package}`);
    kind = 'package';
    ref = String(product.id);
    name = `${product.name} ${product.description}`;
  } else if (item.group !== undefined) {
    requireGroups(principal);
    const members = await groupMembers(db, item.group, pictureScopeOf(principal));
    if (members.length === 0) throw AppError.notFound(`group ${item.group}`);
    const first = await findPictureProduct(db, members[0] as number);
    kind = 'group';
    ref = item.group;
    name = first ? `${first.substance} ${first.strength} ${first.form}` : item.group;
  } else {
    throw AppError.invalid('name a package (package=ID) or a group (group=KEY)', [
      { field: 'package', expected: 'package=ID or group=KEY', message: 'no item named' },
    ]);
  }
  const [figures, wholesale] = await Promise.all([
    areaFigures(db, kind, ref),
    wholesaleFigures(db, kind, ref),
  ]);
  const [national, ...regions] = figures.map((f) => toAreaFigureDto(f, wholesale.get(f.area_code)));
  return {
    classification: classification(classOfAnswer({ aggregates: true, locationDetail: false })),
    asOf: toAsOf(state),
    item: { kind, ref, name },
    national: national as NonNullable<typeof national>,
    regions,
  };
}

// Product page ------------------------------------------------------------------------------------

export interface ProductOptions {
  region?: string | undefined;
  /** Also simulate the actual lots of current stock (reads the raw current stock of this package). */
  lots?: boolean | undefined;
}

export async function productPage(db: Db, principal: Principal, id: number, options: ProductOptions = {}) {
  const scope = pictureScopeOf(principal);
  const [state, product, names, designations] = await Promise.all([
    requireState(db),
    findPictureProduct(db, id),
    regionNames(db),
    designationsInForce(db),
  ]);
  if (!product || !maySeePackage(principal, { companyId: product.company_id })) {
    throw AppError.notFound(`package ${id}`);
  }
  const area = options.region ?? NATIONAL_AREA;
  requireArea(principal, area);
  if (area !== NATIONAL_AREA && !names.has(area)) throw AppError.notFound(`region ${area}`);

  const ref = String(id);
  // The assessment and the alternatives need only the item and its group: they start as soon as those
  // are read, beside the other figures (they are the page's longest reads at national scale).
  const itemRead = findItem(db, 'package', ref, area);
  const groupRead =
    scope.groups && product.group_key !== null ? findItem(db, 'group', product.group_key, area) : null;
  const assessment = Promise.all([itemRead, groupRead]).then(([item, group]) =>
    Promise.all([
      assessItems(
        db,
        state,
        [item, group].filter((r): r is ItemRow => r !== null),
      ),
      item === null ? [] : alternativesOf(db, item, scope),
    ]),
  );
  const [
    item,
    group,
    [assessed, alternativeRows],
    tiers,
    lotsByTier,
    regionFigures,
    wholesale,
    months,
    history,
    notices,
    deliveries,
    municipalities,
  ] = await Promise.all([
    itemRead,
    groupRead,
    assessment,
    tierFigures(db, 'package', ref, [area]),
    tierLots(db, id, area),
    scope.regionalAggregates ? areaFigures(db, 'package', ref) : null,
    wholesaleFigures(db, 'package', ref),
    salesByMonth(db, [id]),
    stockHistory(db, [id], addDays(state.today, -365), state.today),
    listNotices(db, principal, state.today, { packageIds: [id], includeEnded: false }),
    deliveriesOf(db, [id], state.today),
    area === NATIONAL_AREA ? null : municipalityFigures(db, state, id, area),
  ]);
  const demandPerDay = item === null ? 0 : Number(item.demand_per_day);

  // A region's wholesale stock is two lines: what stands in the region (not counted in its stock) and
  // its share of the stock serving it (counted). The nation's wholesale stock is counted as it is held.
  const regional = area !== NATIONAL_AREA;
  /** What lots supply before expiry at the area's demand (stockCoverageBy). */
  const usableOf = (lots: readonly StockLot[]) =>
    usableBeforeExpiry(lots, demandPerDay, state.today, state.minShelfLifeDays);
  const tierLine = (
    tier: SupplyTier,
    line: 'held' | 'serving_share',
    name: string,
    total: number,
    lots: readonly StockLot[],
    locations: number,
    counted: boolean,
  ) => {
    const usable = usableOf(lots);
    const cov = coverage(usable, demandPerDay, state.today);
    return {
      tier,
      tierName: name,
      line,
      counted,
      stock: { total, usable },
      locations,
      coverageDays: cov.days,
      riskClass: classifyCoverage(cov.days, state.thresholds),
    };
  };
  // The item's stock is everyday stock, and so are its parts: the tiers add up to it. The reserve
  // (preparedness stocks, level 3 or 4 anywhere) is shown apart, only to those who may see it.
  const stockByTier = SUPPLY_TIERS.filter((t) => t !== 'preparedness').flatMap((tier) => {
    const f = tiers.find((x) => x.tier === tier && !x.reserve);
    const total = f === undefined ? 0 : Number(f.total);
    const lots = lotsByTier.byTier.get(tier) ?? [];
    if (tier !== 'wholesale' || !regional) {
      return [tierLine(tier, 'held', tierName(tier), total, lots, f?.locations ?? 0, true)];
    }
    const w = wholesale.get(area);
    return [
      tierLine(tier, 'held', WHOLESALE_LINE_NAMES_SV.held, total, lots, f?.locations ?? 0, false),
      tierLine(
        tier,
        'serving_share',
        WHOLESALE_LINE_NAMES_SV.serving_share,
        w?.share.total ?? 0,
        lotsByTier.share,
        w?.serving ?? 0,
        true,
      ),
    ];
  });

  const reserve = scope.preparednessTier
    ? reserveOf(tiers, usableOf(lotsByTier.reserve), demandPerDay)
    : null;

  const alternatives = alternativeRows.map((a) => ({
    relation: a.relation,
    interchangeable: a.relation === 'same_group' || a.relation === 'recorded',
    item: toItemDto(a, names, undefined, designations),
  }));

  // A region counts its share of the deliveries to the warehouses serving it (as the item table does).
  // Deliveries to a preparedness stock add to the reserve: shown only with it, and in no outlook.
  const inArea = (
    area === NATIONAL_AREA ? deliveries : await regionDeliveries(db, [id], area, state.today)
  ).filter((d) => !d.reserve || reserve !== null);
  let lots: Static<typeof LotOutlook> | null = null;
  if (options.lots === true) {
    const lotRows = area === NATIONAL_AREA ? await lotsOf(db, [id], area) : await regionLots(db, [id], area);
    const outlook = lotOutlook(
      state,
      demandPerDay,
      lotRows,
      inArea
        .filter((d) => !d.reserve)
        .map((d) => ({ expectedOn: d.expected_on, quantity: Number(d.quantity) })),
    );
    const expiries = lotRows
      .filter((l) => l.quantity > 0 && l.expiry !== null)
      .map((l) => l.expiry as string);
    lots = { ...outlook, earliestExpiry: expiries.length === 0 ? null : (expiries.sort()[0] ?? null) };
  }

  return {
    classification: classification(
      classOfAnswer({ aggregates: true, locationDetail: false, reserve: reserve !== null }),
    ),
    asOf: toAsOf(state),
    product: {
      id: product.id,
      nplPackId: product.npl_pack_id,
      name: product.name,
      pack: product.description,
      substance: product.substance,
      strength: product.strength,
      form: product.form,
      atcCode: product.atc_code,
      packSize: Number(product.pack_size),
      packUnit: product.pack_unit,
      company: { id: product.company_id, name: product.company_name },
      parallelTraded: product.parallel_traded,
      licence: product.licence,
      groupKey: product.group_key,
      prioritised: product.prioritised ?? false,
    },
    area: { code: area, name: areaName(area, names) },
    item: item === null ? null : toItemDto(item, names, assessed.get(key(item)), designations),
    group: group === null ? null : toItemDto(group, names, assessed.get(key(group)), designations),
    stockByTier,
    reserve,
    stockByRegion:
      regionFigures === null
        ? null
        : regionFigures.slice(1).map((f) => toAreaFigureDto(f, wholesale.get(f.area_code))),
    stockByMunicipality:
      municipalities === null
        ? null
        : municipalities.map((m) => {
            // Sales are reported per region: a municipality's demand is its population share of it,
            // and so is its part of the region's share of the wholesale stock serving the region
            // (the municipality's own lots and that part of the share's, at its demand).
            const part = m.region_population > 0 ? m.population / m.region_population : 0;
            const demand = m.per_day;
            const total = m.total + (wholesale.get(area)?.share.total ?? 0) * part;
            const usable = usableBeforeExpiry(
              [
                ...m.lots,
                ...lotsByTier.share.map((l) => ({ expiry: l.expiry, quantity: l.quantity * part })),
              ],
              demand,
              state.today,
              state.minShelfLifeDays,
            );
            const shown = mayShowSmallAggregate(principal, m.locations);
            const cov = coverage(Math.max(0, usable), demand, state.today);
            return {
              municipality: { code: m.code, name: m.name },
              suppressed: !shown,
              stock: shown ? { total, usable } : null,
              locations: shown ? m.locations : null,
              demandPerDay: demand,
              coverageDays: shown ? cov.days : null,
              riskClass: shown ? classifyCoverage(cov.days, state.thresholds) : null,
            };
          }),
    salesByMonth: monthSeries(state.windowEnd, months),
    stockHistory: history.map((h) => ({ date: h.on_date, total: Number(h.total), usable: Number(h.usable) })),
    notices: notices.map((n) => toNoticeDto(n, isActiveNotice(n, state.today))),
    alternatives,
    deliveries: inArea.map((d) => ({
      expectedOn: d.expected_on,
      quantity: Number(d.quantity),
      regionCode: d.region_code,
      reserve: d.reserve,
      organisation:
        scope.everything || d.organisation_id === principal.organisationId
          ? { id: d.organisation_id, name: d.organisation_name }
          : null,
    })),
    outlook: {
      runsOutOn: item?.runs_out_on ?? null,
      runsOutWithDeliveriesOn: item?.runs_out_with_deliveries_on ?? null,
      lots,
    },
  };
}

/** The reserve of an item in an area (its reserve rows of every tier), and the days it would add. */
function reserveOf(tiers: readonly TierFigure[], usable: number, demandPerDay: number) {
  const rows = tiers.filter((t) => t.reserve);
  const total = rows.reduce((sum, t) => sum + Number(t.total), 0);
  return {
    stock: { total, usable },
    locations: rows.reduce((sum, t) => sum + t.locations, 0),
    daysAdded: reserveDaysAdded(usable, demandPerDay),
  };
}

/** The thirteen months ending with the window's month, zero where nothing was sold. */
function monthSeries(windowEnd: string, rows: readonly { month: string; quantity: number | string }[]) {
  const first = addCalendarMonths(`${windowEnd.slice(0, 7)}-01`, -12);
  const byMonth = new Map(rows.map((r) => [r.month.slice(0, 7), Number(r.quantity)]));
  const result: { month: string; quantity: number }[] = [];
  for (let i = 0; i <= 12; i++) {
    const month = addCalendarMonths(first, i).slice(0, 7);
    result.push({ month, quantity: byMonth.get(month) ?? 0 });
  }
  return result;
}

// Region page -------------------------------------------------------------------------------------

/** What a region page shows of the prioritised list at one location. */
interface PrioritisedAtLocation {
  held: number;
  belowCritical: number;
  belowLow: number;
  basis: LocationDemandBasis;
}

/**
 * The region page's prioritised-list figures per location, computed once per picture refresh and set
 * of locations: they are computed in the server (each location's demand and lots), and hundreds of
 * readers of one region in a minute would otherwise compute the same figures again each
 * (`bench:readers`). Keyed by the database, the refresh's time and the locations shown; readers that
 * ask while it is computed share the computation. The figures are those of the picture as of its last
 * refresh, which every report is followed by.
 */
const PRIORITISED_CACHE = new WeakMap<
  Db,
  { refreshedAt: number; byKey: Map<string, Promise<Map<number, PrioritisedAtLocation>>> }
>();
/** At most this many sets of locations per refresh (21 regions × a few scopes), ours. */
const PRIORITISED_CACHE_ENTRIES = 256;

function prioritisedAtLocations(
  db: Db,
  state: PictureState,
  detailed: readonly LocationRow[],
  prioritised: readonly number[],
): Promise<Map<number, PrioritisedAtLocation>> {
  const refreshedAt = state.refreshedAt.getTime();
  let cache = PRIORITISED_CACHE.get(db);
  if (cache === undefined || cache.refreshedAt !== refreshedAt) {
    cache = { refreshedAt, byKey: new Map() };
    PRIORITISED_CACHE.set(db, cache);
  }
  const key = `${detailed.map((l) => l.id).join(',')}|${prioritised.join(',')}`;
  const hit = cache.byKey.get(key);
  if (hit !== undefined) return hit;
  if (cache.byKey.size >= PRIORITISED_CACHE_ENTRIES) cache.byKey.clear();
  const computed = computePrioritisedAtLocations(db, state, detailed, prioritised);
  cache.byKey.set(key, computed);
  // A failure is not kept: the next reader tries again.
  const entries = cache.byKey;
  computed.catch(() => entries.delete(key));
  return computed;
}

async function computePrioritisedAtLocations(
  db: Db,
  state: PictureState,
  detailed: readonly LocationRow[],
  prioritised: readonly number[],
): Promise<Map<number, PrioritisedAtLocation>> {
  const [coverages, bases] = await Promise.all([
    locationCoverage(db, state, detailed, prioritised),
    locationDemandBases(db, state, detailed),
  ]);
  const t = state.thresholds;
  const byLocation = new Map<number, PrioritisedAtLocation>();
  for (const l of detailed) {
    byLocation.set(l.id, { held: 0, belowCritical: 0, belowLow: 0, basis: bases.get(l.id) ?? 'no_basis' });
  }
  for (const c of coverages) {
    const s = byLocation.get(c.locationId);
    if (!s) continue;
    // Held: in stock, whatever the basis. Below a level: only where there is a basis to measure
    // against (coverage is null without one, and without demand).
    if (c.totalStock > 0) s.held += 1;
    if (c.coverageDays !== null && c.coverageDays < t.criticalBelowDays) s.belowCritical += 1;
    if (c.coverageDays !== null && c.coverageDays < t.lowBelowDays) s.belowLow += 1;
  }
  return byLocation;
}

export async function regionPage(db: Db, principal: Principal, code: string) {
  const state = await requireState(db);
  const scope = pictureScopeOf(principal);
  const names = await regionNames(db);
  const name = names.get(code);
  if (name === undefined) throw AppError.notFound(`region ${code}`);

  const locations = await regionLocations(db, principal, code);
  const detailed = locations.filter((l) =>
    maySeeLocationDetail(principal, { organisationId: l.organisation_id }),
  );
  const prioritised = await prioritisedPackageIds(db);
  const [byLocation, fresh, regionFresh] = await Promise.all([
    prioritisedAtLocations(db, state, detailed, prioritised),
    locationFreshness(
      db,
      state.today,
      detailed.map((l) => l.id),
    ),
    scope.regionalAggregates ? pictureFreshness(db, state.today, scope.preparednessTier, code) : null,
  ]);

  let counts = null;
  let critical: ItemDto[] | null = null;
  if (scope.regionalAggregates) {
    const [packages, groups, items] = await Promise.all([
      countByRisk(db, principal, 'package', [code]),
      scope.groups ? countByRisk(db, principal, 'group', [code]) : Promise.resolve(null),
      listItems(
        db,
        principal,
        state,
        { kind: 'package', area: code, risk: ['critical'], sort: 'risk' },
        20,
        0,
      ),
    ]);
    counts = {
      packages: toCountsDto(packages.get(code) ?? EMPTY_COUNTS),
      groups: groups === null ? null : toCountsDto(groups.get(code) ?? EMPTY_COUNTS),
    };
    const designations = await designationsInForce(db);
    critical = items.rows.map((r) => toItemDto(r, names, undefined, designations));
  }
  const cls: InformationClass = classOfAnswer({
    aggregates: scope.regionalAggregates,
    locationDetail: detailed.length > 0,
  });
  return {
    classification: classification(cls),
    asOf: toAsOf(state),
    scope: toScopeDto(scope),
    region: { code, name },
    counts,
    critical,
    prioritisedPackages: prioritised.length,
    freshness:
      regionFresh?.regions[0] === undefined
        ? null
        : toRegionFreshnessDto(regionFresh.regions[0], scope.companyId === null),
    freshnessThresholds: { ...DEFAULT_FRESHNESS_THRESHOLDS },
    locations: locations.map((l) => {
      const s = byLocation.get(l.id);
      return {
        location: toLocationRef(l),
        detail: s !== undefined,
        freshness: s === undefined ? null : toLocationFreshnessDto(fresh.get(l.id)),
        prioritised:
          s === undefined
            ? null
            : {
                held: s.held,
                belowCritical: s.belowCritical,
                belowLow: s.belowLow,
                demandBasis: s.basis,
              },
      };
    }),
  };
}

export function toLocationRef(l: LocationRow) {
  return {
    id: l.id,
    code: l.code,
    name: l.name,
    kind: l.kind,
    tier: tierOfKind(l.kind),
    regionCode: l.region_code,
    municipality:
      l.municipality_code === null ? null : { code: l.municipality_code, name: l.municipality_name ?? '' },
    organisation: { id: l.organisation_id, name: l.organisation_name },
  };
}

// Location page -----------------------------------------------------------------------------------

export async function locationPage(
  db: Db,
  principal: Principal,
  id: number,
  query: { prioritised?: boolean | undefined; risk?: RiskClass[] | undefined; limit: number; offset: number },
) {
  const state = await requireState(db);
  const row = await db
    .selectFrom('location')
    .select(['region_code', 'organisation_id'])
    .where('id', '=', id)
    .executeTakeFirst();
  // "Not found" and "not yours" answer the same.
  if (!row || !maySeeLocationDetail(principal, { organisationId: row.organisation_id }))
    throw AppError.notFound(`location ${id}`);
  const location = (await regionLocations(db, principal, row.region_code)).find((l) => l.id === id);
  if (!location) throw AppError.notFound(`location ${id}`);

  const packages = query.prioritised === true ? await prioritisedPackageIds(db) : null;
  const fresh = await locationFreshness(db, state.today, [id]);
  let coverages = await locationCoverage(db, state, [location], packages);
  if (query.risk && query.risk.length > 0) {
    const wanted = new Set(query.risk);
    // A location without a basis has no risk class: a filter on risk leaves its items out.
    coverages = coverages.filter((c) => c.riskClass !== null && wanted.has(c.riskClass));
  }
  coverages.sort(
    (a, b) =>
      riskRank(a.riskClass) - riskRank(b.riskClass) ||
      (a.stockStatus === 'out_of_stock' ? 0 : 1) - (b.stockStatus === 'out_of_stock' ? 0 : 1) ||
      (a.coverageDays ?? Infinity) - (b.coverageDays ?? Infinity) ||
      a.packageId - b.packageId,
  );
  const page = coverages.slice(query.offset, query.offset + query.limit);
  const products = await db
    .selectFrom('package as p')
    .innerJoin('medicine as m', 'm.id', 'p.medicine_id')
    .leftJoin('picture_product as pp', 'pp.package_id', 'p.id')
    .select(['p.id', 'm.name', 'p.description', 'm.substance', 'm.atc_code', 'pp.prioritised'])
    .where('p.id', 'in', page.length > 0 ? page.map((c) => c.packageId) : [-1])
    .execute();
  const productOf = new Map(products.map((p) => [p.id, p]));
  return {
    classification: classification(classOfAnswer({ aggregates: false, locationDetail: true })),
    asOf: toAsOf(state),
    location: toLocationRef(location),
    freshness: toLocationFreshnessDto(fresh.get(id)),
    items: page.map((c) => {
      const p = productOf.get(c.packageId);
      return {
        packageId: c.packageId,
        name: p?.name ?? '',
        pack: p?.description ?? '',
        substance: p?.substance ?? '',
        atcCode: p?.atc_code ?? '',
        prioritised: p?.prioritised ?? false,
        stock: { total: c.totalStock, usable: c.usableStock },
        reserve:
          c.reserveTotal === 0 && c.reserveUsable === 0
            ? null
            : { total: c.reserveTotal, usable: c.reserveUsable, daysAdded: c.reserveDaysAdded },
        demandPerDay: c.demandPerDay,
        demandBasis: c.basis,
        coverageDays: c.coverageDays,
        runsOutOn: c.runsOutOn,
        stockStatus: c.stockStatus,
        riskClass: c.riskClass,
      };
    }),
    total: coverages.length,
    limit: query.limit,
    offset: query.offset,
  };
}

/** Critical first; a location's items without a basis (null) last. */
function riskRank(r: RiskClass | null): number {
  return r === null ? 4 : { critical: 0, low: 1, adequate: 2, no_demand: 3 }[r];
}

export type { NoticeDto };
