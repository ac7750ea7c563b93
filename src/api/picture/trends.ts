import { Type, type Static, type TSchema } from '@sinclair/typebox';
import {
  classOfAnswer,
  maySeeArea,
  maySeePackage,
  NATIONAL_AREA,
  pictureScopeOf,
  type Principal,
} from '../../domain/access.js';
import { addDays } from '../../domain/calendar.js';
import { AppError } from '../../domain/errors.js';
import { expiryOutlook } from '../../domain/expiry-outlook.js';
import type { Db } from '../../store/database.js';
import { findPictureProduct, lotsOf } from '../../store/picture/repository.js';
import { areaHistory, runOutByArea, type RunOutRow } from '../../store/picture/trends.js';
import { regionLots } from '../../store/picture/wholesale.js';
import { StringEnum } from '../common.js';
import { AsOf, Classification, classification, areaName, RiskClassSchema, toAsOf } from './dto.js';
import { regionFiguresForbidden, regionNames, requireState } from './pages.js';
import type { RiskClass } from '../../domain/risk.js';

/**
 * How many days back the coverage over time reaches (ours: a quarter, long enough to see a trend and
 * the weeks before a shortage; the stock chart beside it shows the year).
 */
export const TREND_DAYS = 90;

const DateString = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Area = Type.Object({ code: Type.String(), name: Type.String() });

const CoveragePoint = Type.Object({
  date: DateString,
  total: Type.Number({ description: 'everyday stock counted for the area, packages' }),
  usable: Type.Number({ description: 'what the picture counted as usable that day, packages' }),
  demandPerDay: Type.Number({ description: "that day's demand estimate, packages per day" }),
  coverageDays: Nullable(Type.Number({ description: 'usable / demandPerDay; null without demand' })),
  backfilled: Type.Boolean({
    description:
      'reconstructed from the snapshots for a day the picture did not run (demand: the current estimate)',
  }),
});

const ExpiryBucketDto = Type.Object({
  kind: StringEnum(['unusable', 'month', 'later', 'none'] as const),
  from: Nullable(DateString),
  quantity: Type.Number(),
  usedBeforeExpiry: Type.Number(),
  expiresUnused: Type.Number(),
});

const RunOutDto = Type.Object({
  area: Area,
  stock: Type.Object({ total: Type.Number(), usable: Type.Number() }),
  demandPerDay: Type.Number(),
  coverageDays: Nullable(Type.Number()),
  runsOutOn: Nullable(DateString),
  runsOutWithDeliveriesOn: Nullable(DateString),
  incoming: Type.Number({ description: 'expected deliveries counted within the simulated year' }),
  riskClass: RiskClassSchema,
});

export const ProductTrendsDto = Type.Object({
  classification: Classification,
  asOf: AsOf,
  product: Type.Object({ id: Type.Integer(), name: Type.String() }),
  area: Area,
  coverage: Type.Object({
    from: DateString,
    days: Type.Integer({ description: 'how many days back the series reach (TREND_DAYS)' }),
    series: Type.Array(Type.Object({ area: Area, points: Type.Array(CoveragePoint) }), {
      description: "the area's series, and the nation's when the area is a region",
    }),
  }),
  expiry: Type.Object({
    area: Area,
    stock: Type.Number({ description: "the area's everyday stock: the buckets' quantities add up to it" }),
    usable: Type.Number({ description: 'usable before expiry at the demand: the buckets add up to it' }),
    demandPerDay: Type.Number(),
    buckets: Type.Array(ExpiryBucketDto),
  }),
  runOut: Type.Array(RunOutDto, {
    description:
      'the nation first, then every region (for those who see figures per region): run-out without and with deliveries',
  }),
});
export type ProductTrends = Static<typeof ProductTrendsDto>;

export interface TrendsOptions {
  region?: string | undefined;
}

const toRunOutDto = (r: RunOutRow, names: ReadonlyMap<string, string>): Static<typeof RunOutDto> => ({
  area: { code: r.area_code, name: areaName(r.area_code, names) },
  stock: { total: r.total_stock, usable: r.usable_stock },
  demandPerDay: r.demand_per_day,
  coverageDays: r.coverage_days,
  runsOutOn: r.runs_out_on,
  runsOutWithDeliveriesOn: r.runs_out_with_deliveries_on,
  incoming: r.incoming,
  riskClass: r.risk_class as RiskClass,
});

/**
 * Trends and outlook of one package (issue 10 item 7): coverage over the last TREND_DAYS days in the
 * area and nationally, what of the area's everyday stock expires when, and the run-out dates with
 * and without deliveries per region. Everyday stock only: the reserve is in none of it.
 */
export async function productTrends(
  db: Db,
  principal: Principal,
  id: number,
  options: TrendsOptions = {},
): Promise<ProductTrends> {
  const scope = pictureScopeOf(principal);
  const [state, product, names] = await Promise.all([
    requireState(db),
    findPictureProduct(db, id),
    regionNames(db),
  ]);
  if (!product || !maySeePackage(principal, { companyId: product.company_id })) {
    throw AppError.notFound(`package ${id}`);
  }
  const area = options.region ?? NATIONAL_AREA;
  if (!maySeeArea(principal, area)) throw regionFiguresForbidden(principal);
  if (area !== NATIONAL_AREA && !names.has(area)) throw AppError.notFound(`region ${area}`);

  const from = addDays(state.today, -TREND_DAYS);
  const areas = area === NATIONAL_AREA ? [area] : [area, NATIONAL_AREA];
  const [history, runOut, lots] = await Promise.all([
    areaHistory(db, id, areas, from, state.today),
    runOutByArea(db, id, scope.regionalAggregates),
    area === NATIONAL_AREA ? lotsOf(db, [id], area) : regionLots(db, [id], area),
  ]);
  const areaRef = (code: string) => ({ code, name: areaName(code, names) });
  const own = runOut.find((r) => r.area_code === area);
  const demandPerDay = own?.demand_per_day ?? 0;
  const buckets = expiryOutlook(lots, demandPerDay, state.today, state.minShelfLifeDays);

  return {
    classification: classification(classOfAnswer({ aggregates: true, locationDetail: false })),
    asOf: toAsOf(state),
    product: { id: product.id, name: `${product.name} ${product.description}` },
    area: areaRef(area),
    coverage: {
      from,
      days: TREND_DAYS,
      series: areas.map((code) => ({
        area: areaRef(code),
        points: history
          .filter((h) => h.area_code === code)
          .map((h) => ({
            date: h.on_date,
            total: h.total,
            usable: h.usable,
            demandPerDay: h.demand_per_day,
            coverageDays: h.coverage_days,
            backfilled: h.backfilled,
          })),
      })),
    },
    expiry: {
      area: areaRef(area),
      stock: buckets.reduce((a, b) => a + b.quantity, 0),
      usable: buckets.reduce((a, b) => a + b.usedBeforeExpiry, 0),
      demandPerDay,
      buckets,
    },
    runOut: runOut.map((r) => toRunOutDto(r, names)),
  };
}
