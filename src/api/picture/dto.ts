import { Type, type Static, type TSchema } from '@sinclair/typebox';
import {
  INFORMATION_CLASS_NAMES_SV,
  INFORMATION_CLASSES,
  NATIONAL_AREA,
  type InformationClass,
  type PictureScope,
} from '../../domain/access.js';
import type { Completeness } from '../../domain/freshness.js';
import type { RiskAssessment } from '../../domain/risk.js';
import { designationOf, type Designation } from '../../domain/shortage-case.js';
import { STOCK_STATUSES, stockStatus } from '../../domain/stock-status.js';
import { SUPPLY_TIER_NAMES_SV, SUPPLY_TIERS, type SupplyTier } from '../../domain/supply-tier.js';
import type {
  AreaFigure,
  ItemRow,
  NoticeRow,
  PictureState,
  RiskCounts,
} from '../../store/picture/repository.js';
import type { WholesaleFigure } from '../../store/picture/wholesale.js';
import type { LocationFreshness, RegionFreshness } from '../../store/picture/freshness.js';
import { StringEnum } from '../common.js';

/** Schemas and mappers of the picture API (docs/lagesbild.md, "API"). */

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const DateString = Type.String({ format: 'date', description: 'YYYY-MM-DD' });

export const RISK_CLASSES = ['critical', 'low', 'adequate', 'no_demand'] as const;
export const RiskClassSchema = StringEnum(RISK_CLASSES, {
  description: 'critical < 14 days, low < 30 days, adequate, no_demand (thresholds in asOf.thresholds)',
});
export const TierSchema = StringEnum(SUPPLY_TIERS);
export const StockStatusSchema = StringEnum(STOCK_STATUSES, {
  description:
    'out_of_stock: no usable stock, "slut i lager" (runsOutOn is then today or null: it has run out, not "runs out today"); in_stock otherwise',
});

export const Classification = Type.Object(
  {
    code: StringEnum(INFORMATION_CLASSES),
    label: Type.String({ description: 'Swedish name: Öppen, Begränsad or Skyddad' }),
  },
  { description: 'The information class of the whole answer (its most sensitive part)' },
);
export type Classification = Static<typeof Classification>;

export function classification(code: InformationClass): Classification {
  return { code, label: INFORMATION_CLASS_NAMES_SV[code] };
}

export const AsOf = Type.Object(
  {
    today: DateString,
    windowEnd: Type.String({
      format: 'date',
      description: 'last day of sales counted in demand, in the latest region (each region: its freshness)',
    }),
    salesThrough: Nullable(DateString),
    stockCountedUntil: Nullable(
      Type.String({ format: 'date-time', description: 'newest stock count included' }),
    ),
    refreshedAt: Type.String({ format: 'date-time' }),
    fullRefreshedAt: Type.String({ format: 'date-time' }),
    minShelfLifeDays: Type.Integer({
      description:
        'minimum remaining shelf life at dispensing, days: a lot is usable until this many days before its expiry',
    }),
    thresholds: Type.Object({
      criticalBelowDays: Type.Number(),
      lowBelowDays: Type.Number(),
      noticeLeadDays: Type.Number(),
    }),
  },
  { description: 'What the picture describes and when it was computed' },
);

export function toAsOf(s: PictureState): Static<typeof AsOf> {
  return {
    today: s.today,
    windowEnd: s.windowEnd,
    salesThrough: s.salesThrough,
    stockCountedUntil: s.stockCountedUntil === null ? null : new Date(s.stockCountedUntil).toISOString(),
    refreshedAt: new Date(s.refreshedAt).toISOString(),
    fullRefreshedAt: new Date(s.fullRefreshedAt).toISOString(),
    minShelfLifeDays: s.minShelfLifeDays,
    thresholds: s.thresholds,
  };
}

export const ScopeDto = Type.Object(
  {
    everything: Type.Boolean(),
    regionalAggregates: Type.Boolean({ description: 'may see figures per region (map, region rows)' }),
    companyId: Nullable(Type.Integer({ description: 'companies: only this company’s packages' })),
    groups: Type.Boolean({ description: 'may see groups of interchangeable packages' }),
    locationDetail: StringEnum(['all', 'own'] as const),
    preparednessTier: Type.Boolean({ description: 'sees the preparedness tier in tier breakdowns' }),
  },
  { description: 'What the caller may see of the picture' },
);
export const toScopeDto = (s: PictureScope): Static<typeof ScopeDto> => ({ ...s });

export const Area = Type.Object({
  code: Type.String({ description: "'SE' for the whole country, or a region code" }),
  name: Type.String(),
});

export function areaName(code: string, regionNames: ReadonlyMap<string, string>): string {
  return code === NATIONAL_AREA ? 'Hela landet' : (regionNames.get(code) ?? `Region ${code}`);
}

export const Reason = Type.Union(
  [
    Type.Object({
      code: Type.Literal('coverage'),
      riskClass: RiskClassSchema,
      coverageDays: Nullable(Type.Number()),
      criticalBelowDays: Type.Number(),
      lowBelowDays: Type.Number(),
    }),
    Type.Object({
      code: Type.Literal('prioritised'),
      listCode: Nullable(Type.String()),
      position: Type.Integer(),
      atcCode: Type.String(),
      substance: Type.String(),
      form: Nullable(Type.String()),
    }),
    Type.Object({
      code: Type.Literal('notice_active'),
      noticeId: Type.Integer(),
      kind: StringEnum(['shortage', 'sales_stop'] as const),
      expectedStart: DateString,
      expectedEnd: Nullable(DateString),
    }),
    Type.Object({
      code: Type.Literal('notice_upcoming'),
      noticeId: Type.Integer(),
      kind: StringEnum(['shortage', 'sales_stop'] as const),
      expectedStart: DateString,
      startsInDays: Type.Integer(),
    }),
    Type.Object({
      code: StringEnum(['alternative_available', 'alternative_insufficient'] as const, {
        description:
          'an interchangeable alternative (same group, or recorded by an authority) whose usable stock does or does not cover both demands for the critical threshold',
      }),
      ref: Type.String(),
      relation: StringEnum(['same_group', 'recorded'] as const),
      usableStock: Type.Number({ description: 'usable before expiry at the combined demand' }),
      combinedDemandPerDay: Type.Number({
        description: 'the item’s demand in the alternative’s counts plus its own',
      }),
      coverageDays: Nullable(Type.Number()),
    }),
    Type.Object({
      code: Type.Literal('therapeutic_alternative'),
      ref: Type.String(),
      relation: StringEnum(['same_substance', 'same_atc4'] as const, {
        description: 'a possible therapeutic alternative for a clinician to judge: clears nothing',
      }),
      usableStock: Type.Number(),
      coverageDays: Nullable(Type.Number()),
    }),
    Type.Object({ code: Type.Literal('no_interchangeable_alternative'), candidatesChecked: Type.Integer() }),
  ],
  { description: 'Why an item is classed and flagged as it is (src/domain/risk.ts RiskReason)' },
);

export const Flags = Type.Object({
  prioritised: Type.Boolean({ description: 'on Socialstyrelsen’s prioritised list in force' }),
  activeNotice: Type.Boolean({
    description: 'a shortage notice or sales stop in force or starting within the lead days',
  }),
  possibleCriticalShortage: Type.Boolean({
    description:
      'signal of a possible R4 kritisk brist (möjlig kritisk brist): prioritised, critical, and no interchangeable alternative covering both demands. Not the designation, which is Läkemedelsverket’s assessment (designatedCriticalShortage)',
  }),
});

export const DesignatedCriticalShortage = Type.Union(
  [
    Type.Object({
      decidedBy: Type.Object({ id: Type.Integer(), name: Type.String() }),
      decidedOn: DateString,
    }),
    Type.Null(),
  ],
  {
    description:
      'R4 kritisk brist as designated by Läkemedelsverket on a shortage case (seed 004), for the package or its group; national, so shown in every area. Null: none in force',
  },
);

export const ItemDto = Type.Object(
  {
    kind: StringEnum(['package', 'group'] as const),
    ref: Type.String({ description: 'the package id, or the group key' }),
    packageId: Nullable(Type.Integer()),
    groupKey: Type.String({ description: 'substance|strength|form, normalised' }),
    name: Type.String(),
    pack: Nullable(Type.String({ description: 'package description, e.g. 100 tablett(er) blister' })),
    substance: Type.String(),
    strength: Type.String(),
    form: Type.String(),
    atcCode: Type.String(),
    unit: Type.String({ description: "'förp' (packages) for a package, the pack unit for a group" }),
    companyId: Nullable(Type.Integer()),
    area: Area,
    tier: Nullable(TierSchema),
    stock: Type.Object({ total: Type.Number(), usable: Type.Number() }),
    demand: Type.Object({
      perDay: Type.Number(),
      basis: StringEnum(['recent', 'seasonal', 'baseline', 'no_sales', 'sum_of_regions'] as const),
      recentPerDay: Type.Number(),
      baselinePerDay: Nullable(Type.Number()),
      seasonalPerDay: Nullable(Type.Number()),
    }),
    coverageDays: Nullable(Type.Number({ description: 'usable stock / demand; null: no demand' })),
    runsOutOn: Nullable(DateString),
    runsOutWithDeliveriesOn: Nullable(
      Type.String({ format: 'date', description: 'null: lasts the simulated year, or no demand' }),
    ),
    incoming: Type.Number({ description: 'expected deliveries within the simulated year' }),
    stockStatus: StockStatusSchema,
    riskClass: RiskClassSchema,
    flags: Flags,
    designatedCriticalShortage: DesignatedCriticalShortage,
    reasons: Type.Optional(Type.Array(Reason)),
  },
  { description: 'A package or group of interchangeable packages in an area (or one tier of it)' },
);
export type ItemDto = Static<typeof ItemDto>;

type Basis = ItemDto['demand']['basis'];
const BASES: readonly Basis[] = ['recent', 'seasonal', 'baseline', 'no_sales', 'sum_of_regions'];

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

export function toItemDto(
  r: ItemRow,
  regionNames: ReadonlyMap<string, string>,
  assessment?: RiskAssessment,
  designations?: ReadonlyMap<string, Designation>,
): ItemDto {
  const designation =
    designations === undefined
      ? null
      : designationOf(designations, { kind: r.kind, packageId: r.package_id, groupKey: r.group_key });
  const basis = (BASES as readonly string[]).includes(r.demand_basis)
    ? (r.demand_basis as Basis)
    : 'no_sales';
  return {
    kind: r.kind,
    ref: r.ref,
    packageId: r.package_id,
    groupKey: r.group_key,
    name: r.name,
    pack: r.pack ?? null,
    substance: r.substance,
    strength: r.strength,
    form: r.form,
    atcCode: r.atc_code,
    unit: r.unit,
    companyId: r.company_id,
    area: { code: r.area_code, name: areaName(r.area_code, regionNames) },
    tier: r.tier ?? null,
    stock: { total: Number(r.total_stock), usable: Number(r.usable_stock) },
    demand: {
      perDay: Number(r.demand_per_day),
      basis,
      recentPerDay: Number(r.recent_per_day),
      baselinePerDay: num(r.baseline_per_day),
      seasonalPerDay: num(r.seasonal_per_day),
    },
    coverageDays: num(r.coverage_days),
    runsOutOn: r.runs_out_on,
    runsOutWithDeliveriesOn: r.runs_out_with_deliveries_on,
    incoming: Number(r.incoming),
    stockStatus: stockStatus(Number(r.usable_stock)),
    riskClass: r.risk_class,
    flags: {
      prioritised: r.prioritised,
      activeNotice: r.active_notice,
      possibleCriticalShortage: r.possible_critical_shortage,
    },
    // Läkemedelsverket's designation (a shortage case, issue 13), national: shown in every area.
    designatedCriticalShortage:
      designation === null ? null : { decidedBy: designation.decidedBy, decidedOn: designation.decidedOn },
    ...(assessment ? { reasons: assessment.reasons } : {}),
  };
}

export const RiskCountsDto = Type.Object({
  critical: Type.Integer(),
  low: Type.Integer(),
  adequate: Type.Integer(),
  noDemand: Type.Integer(),
  prioritisedCritical: Type.Integer({ description: 'critical and on the prioritised list' }),
  possibleCriticalShortage: Type.Integer({ description: 'items with the möjlig kritisk brist signal' }),
  activeNotice: Type.Integer(),
  total: Type.Integer(),
});
export const toCountsDto = (c: RiskCounts): Static<typeof RiskCountsDto> => ({ ...c });

export const NoticeDto = Type.Object({
  id: Type.Integer(),
  kind: StringEnum(['shortage', 'sales_stop'] as const, {
    description: 'shortage = restanmälan, sales_stop = försäljningsuppehåll',
  }),
  packageId: Type.Integer(),
  name: Type.String(),
  pack: Type.String(),
  substance: Type.String(),
  atcCode: Type.String(),
  company: Type.Object({ id: Type.Integer(), name: Type.String() }),
  notifiedAt: Type.String({ format: 'date-time' }),
  expectedStart: DateString,
  expectedEnd: Nullable(DateString),
  reason: Nullable(Type.String()),
  alternatives: Nullable(Type.String()),
  late: Type.Boolean({ description: 'R4: a sales stop notified less than two months ahead' }),
  prioritised: Type.Boolean(),
  active: Type.Boolean({ description: 'in force on the picture’s day' }),
});
export type NoticeDto = Static<typeof NoticeDto>;

export function toNoticeDto(n: NoticeRow, active: boolean): NoticeDto {
  return {
    id: n.id,
    kind: n.kind,
    packageId: n.package_id,
    name: n.package_name,
    pack: n.pack,
    substance: n.substance,
    atcCode: n.atc_code,
    company: { id: n.company_id, name: n.company_name },
    notifiedAt: new Date(n.notified_at).toISOString(),
    expectedStart: n.expected_start,
    expectedEnd: n.expected_end,
    reason: n.reason,
    alternatives: n.alternatives,
    late: n.late,
    prioritised: n.prioritised,
    active,
  };
}

export const WholesaleFigureDto = Type.Object(
  {
    held: Type.Object(
      { total: Type.Number(), usable: Type.Number() },
      { description: 'wholesale stock held in the area (at warehouses standing there)' },
    ),
    share: Type.Object(
      { total: Type.Number(), usable: Type.Number() },
      {
        description:
          'share of wholesale stock serving the area: what its stock and coverage count (the nation: all of it)',
      },
    ),
    serving: Type.Integer({ description: 'warehouses holding some that serve the area' }),
  },
  { description: 'wholesale stock held in the area, and the area’s share of the stock serving it' },
);

export const AreaFigureDto = Type.Object({
  area: Area,
  stock: Type.Object(
    { total: Type.Number(), usable: Type.Number() },
    { description: 'a region: stock held there but wholesale, plus wholesale.share' },
  ),
  wholesale: WholesaleFigureDto,
  demandPerDay: Type.Number(),
  coverageDays: Nullable(Type.Number()),
  runsOutOn: Nullable(DateString),
  stockStatus: StockStatusSchema,
  riskClass: RiskClassSchema,
});

const NO_WHOLESALE: Static<typeof WholesaleFigureDto> = {
  held: { total: 0, usable: 0 },
  share: { total: 0, usable: 0 },
  serving: 0,
};

export function toAreaFigureDto(
  f: AreaFigure,
  wholesale: WholesaleFigure | undefined,
): Static<typeof AreaFigureDto> {
  return {
    area: { code: f.area_code, name: f.name },
    stock: { total: Number(f.total_stock), usable: Number(f.usable_stock) },
    wholesale: wholesale
      ? { held: wholesale.held, share: wholesale.share, serving: wholesale.serving }
      : NO_WHOLESALE,
    demandPerDay: Number(f.demand_per_day),
    coverageDays: num(f.coverage_days),
    runsOutOn: f.runs_out_on,
    stockStatus: stockStatus(Number(f.usable_stock)),
    riskClass: f.risk_class,
  };
}

export const TierLineSchema = StringEnum(['held', 'serving_share'] as const, {
  description:
    'held: stock held in the area; serving_share: (wholesale, a region) the region’s share of the wholesale stock serving it',
});

/** Swedish names of the wholesale lines of a region's tier table. */
export const WHOLESALE_LINE_NAMES_SV = {
  held: 'Partihandel: lager i regionen',
  serving_share: 'Partihandel: regionens andel av lager som försörjer regionen',
} as const;

export const TierFigureDto = Type.Object({
  tier: TierSchema,
  tierName: Type.String(),
  line: TierLineSchema,
  counted: Type.Boolean({ description: 'counts towards the area’s stock and coverage' }),
  stock: Type.Object({ total: Type.Number(), usable: Type.Number() }),
  locations: Type.Integer({ description: 'locations holding some' }),
  coverageDays: Nullable(
    Type.Number({ description: 'the tier’s usable stock against the whole area’s demand' }),
  ),
  riskClass: RiskClassSchema,
});

export function tierName(tier: SupplyTier): string {
  return SUPPLY_TIER_NAMES_SV[tier];
}

export const LocationRef = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  kind: Type.String(),
  tier: TierSchema,
  regionCode: Type.String(),
  municipality: Nullable(Type.Object({ code: Type.String(), name: Type.String() })),
  organisation: Type.Object({ id: Type.Integer(), name: Type.String() }),
});

export const LotOutlook = Type.Object(
  {
    runsOutOn: Nullable(DateString),
    gaps: Type.Array(Type.Object({ from: DateString, until: Nullable(DateString) })),
    expiredUnused: Type.Number({ description: 'stock lost because it expires before it is used' }),
    usableBeforeExpiry: Type.Number({
      description: 'what the lots supply before expiry at the demand, without deliveries',
    }),
    simulatedUntil: DateString,
    earliestExpiry: Nullable(DateString),
  },
  { description: 'simulateSupply over the actual lots of current stock and the expected deliveries' },
);

// Freshness (issue 8 item 3; src/domain/freshness.ts) ----------------------------------------------

export const FreshnessThresholdsDto = Type.Object(
  {
    staleSalesAfterDays: Type.Integer({
      description:
        'sales are stale when their last reported day is more than this many days before yesterday',
    }),
    staleStockAfterDays: Type.Integer({
      description: 'stock is stale when its latest count is more than this many calendar days old',
    }),
  },
  { description: 'Ours, with documented defaults (docs/lagesbild.md, "Freshness")' },
);

export const CompletenessDto = Type.Object(
  {
    locations: Type.Integer({ description: 'locations expected to report: those that have reported stock' }),
    reportedToday: Type.Integer({ description: 'of those, counted today (Swedish calendar day)' }),
    locationShare: Nullable(Type.Number({ description: 'reportedToday / locations (0..1)' })),
    expectedStock: Nullable(
      Type.Number({ description: 'packages in their previous counts (null for companies)' }),
    ),
    reportedStock: Nullable(
      Type.Number({ description: 'the expected stock of those counted today (null for companies)' }),
    ),
    stockShare: Nullable(Type.Number({ description: 'reportedStock / expectedStock (0..1)' })),
    staleStock: Type.Integer({ description: 'locations whose latest count is stale' }),
    neverReported: Type.Integer({
      description: 'open locations that never reported stock (not in the shares)',
    }),
  },
  { description: 'How complete today’s picture is' },
);

export function toCompletenessDto(c: Completeness, showStock: boolean): Static<typeof CompletenessDto> {
  return {
    ...c,
    expectedStock: showStock ? c.expectedStock : null,
    reportedStock: showStock ? c.reportedStock : null,
  };
}

export const RegionFreshnessDto = Type.Object(
  {
    salesThrough: Nullable(Type.String({ format: 'date', description: 'the last day its sales cover' })),
    windowEnd: Nullable(
      Type.String({
        format: 'date',
        description: 'the last day its demand counts: min(yesterday, salesThrough)',
      }),
    ),
    salesLagDays: Nullable(Type.Integer({ description: 'days between salesThrough and yesterday' })),
    salesStale: Type.Boolean(),
    stockCountedUntil: Nullable(Type.String({ format: 'date-time', description: 'its newest stock count' })),
    completeness: CompletenessDto,
  },
  { description: 'When the region last reported sales and its locations stock' },
);

export function toRegionFreshnessDto(
  f: RegionFreshness,
  showStock: boolean,
): Static<typeof RegionFreshnessDto> {
  return {
    salesThrough: f.salesThrough,
    windowEnd: f.windowEnd,
    salesLagDays: f.salesLagDays,
    salesStale: f.salesStale,
    stockCountedUntil: f.stockCountedUntil === null ? null : f.stockCountedUntil.toISOString(),
    completeness: toCompletenessDto(f.completeness, showStock),
  };
}

export const LocationFreshnessDto = Type.Object(
  {
    stockCountedAt: Nullable(Type.String({ format: 'date-time', description: 'its newest stock count' })),
    stockStale: Type.Boolean(),
    salesThrough: Nullable(
      Type.String({
        format: 'date',
        description: 'the last day its own sales rows cover; null: none of its own',
      }),
    ),
    salesStale: Nullable(Type.Boolean({ description: 'null when it reports no sales of its own' })),
  },
  { description: 'When the location last reported stock and its own sales' },
);

export function toLocationFreshnessDto(
  f: LocationFreshness | undefined,
): Static<typeof LocationFreshnessDto> {
  return {
    stockCountedAt: f?.stockCountedAt == null ? null : f.stockCountedAt.toISOString(),
    stockStale: f?.stockStale ?? true,
    salesThrough: f?.salesThrough ?? null,
    salesStale: f?.salesStale ?? null,
  };
}
