import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { classOfAnswer, seesEverything, type Principal } from '../domain/access.js';
import { AppError } from '../domain/errors.js';
import { SALES_CHANNELS } from '../domain/sales-channel.js';
import {
  CONSUMPTION_WINDOW_DAYS,
  CONTRACTED_STOCK_COUNTS,
  DAYS_PER_MONTH,
  REGIONAL_TARGET_LOCATION_KINDS,
  regionalScorecard,
  summariseTarget,
  TARGET_CHANNELS,
  TARGET_MONTHS,
  type TargetRow,
  type TargetStatus,
} from '../domain/regional-target.js';
import type { Db, Store } from '../store/database.js';
import { listInForce, targetInputs, type ListVersion } from '../store/regional-target.repository.js';
import { principalOf } from './auth.js';
import { authErrors, StringEnum } from './common.js';
import type { ExportTable } from './picture/export.js';
import { sendExport } from './picture/exports.js';
import { classification, Classification } from './picture/dto.js';
import { requireState } from './picture/pages.js';

/*
 * R2's regional target (issue 12 item 6): each region's scorecard against the one-month target and a
 * national summary. Who sees what (issue 12 item 9): the scorecard counts the region's preparedness
 * stock, which is classified (access.ts isClassifiedLocationKind), so a region sees its own scorecard
 * and only its own row of the summary; authorities and Nationellt CT see every region; nobody else
 * sees any region. No figure of a region reaches anyone who may not see its preparedness stock, so
 * none can be subtracted out of another. Answers are `protected` (they hold reserve).
 */

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

const ListVersionDto = Type.Object({
  code: Type.String(),
  version: Type.String(),
  name: Type.String(),
  validFrom: Type.String({ format: 'date' }),
});

const TargetBasis = {
  classification: Classification,
  day: Type.String({
    format: 'date',
    description: 'the picture’s day: the current stock, and the regions’ sales windows it keeps',
  }),
  list: Nullable(ListVersionDto),
  targetMonths: Type.Number({ description: 'R2: at least one month of consumption' }),
  daysPerMonth: Type.Number({ description: 'days in a month for months held: 365 / 12' }),
  channels: Type.Array(StringEnum(SALES_CHANNELS), {
    description:
      'the sales channels whose sales are the consumption measured (TARGET_CHANNELS): care requisitions, ' +
      'the inpatient care’s consumption, not prescriptions dispensed at community pharmacies',
  }),
  consumptionWindowDays: Type.Integer({
    description:
      'consumption is read over this many days to each region’s own last reported day (counted once), ' +
      'or since the region first reported the channel or the package was first sold, if later',
  }),
  countedKinds: Type.Array(Type.String(), {
    description: 'location kinds whose stock owned by the region counts (REGIONAL_TARGET_LOCATION_KINDS)',
  }),
  contractedStockCounts: Type.Boolean({
    description: 'stock the region owns held by another organisation (contracted) counts too',
  }),
};

const SummaryCounts = {
  medicines: Type.Integer(),
  met: Type.Integer(),
  notMet: Type.Integer(),
  noConsumption: Type.Integer(),
  shareMet: Nullable(
    Type.Number({ description: 'met / (met + not met); null when the region consumes none of the list' }),
  ),
};

export const RegionalTargetSummaryDto = Type.Object({
  ...TargetBasis,
  regions: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), ...SummaryCounts }), {
    description:
      'the regions the caller may see: all for authorities and Nationellt CT, its own for a region',
  }),
  totals: Type.Object(SummaryCounts, { description: 'over the regions listed (medicine × region)' }),
});
export type RegionalTargetSummaryDto = Static<typeof RegionalTargetSummaryDto>;

const TargetRowDto = Type.Object({
  position: Type.Integer({ description: 'the entry’s position on the list' }),
  atcCode: Type.String(),
  substance: Type.String(),
  form: Nullable(Type.String()),
  packages: Type.Integer({ description: 'packages on the market the entry covers' }),
  stockUnits: Type.Number({
    description: 'units (pack size × packages) of the region’s own stock that count',
  }),
  preparednessUnits: Type.Number({ description: 'of which in the regional preparedness stock' }),
  contractedUnits: Type.Number({ description: 'of which owned by the region, held by another organisation' }),
  monthlyUnits: Type.Number({
    description: 'units the region’s care consumes per month (channels): sales per day × 365/12',
  }),
  monthsHeld: Nullable(Type.Number()),
  status: StringEnum(['met', 'not_met', 'no_consumption'] as const),
});

export const RegionalScorecardDto = Type.Object({
  ...TargetBasis,
  region: Type.Object({ code: Type.String(), name: Type.String() }),
  summary: Type.Object(SummaryCounts),
  items: Type.Array(TargetRowDto),
});
export type RegionalScorecardDto = Static<typeof RegionalScorecardDto>;

const Format = Type.Object({
  format: StringEnum(['csv', 'xlsx'] as const, { description: 'csv (semicolon, decimal comma) or xlsx' }),
});
const FileResponse = {
  200: Type.String({ description: 'the file (text/csv or XLSX), marked with its information class' }),
};
const RegionParams = Type.Object({
  region: Type.String({ pattern: '^[0-9]{2}$', description: 'region code, e.g. 12' }),
});

/** The regions whose scorecards the caller may see: all, its own, or none. */
function visibleRegions(p: Principal, all: readonly string[]): string[] {
  if (seesEverything(p)) return [...all];
  if (p.organisationKind === 'region' && p.regionCode !== null && all.includes(p.regionCode))
    return [p.regionCode];
  return [];
}

async function regionsOf(db: Db): Promise<Map<string, string>> {
  const rows = await db.selectFrom('region').select(['code', 'name']).orderBy('code').execute();
  return new Map(rows.map((r) => [r.code, r.name]));
}

function basis(day: string, list: ListVersion | null) {
  return {
    classification: classification(classOfAnswer({ aggregates: true, locationDetail: false, reserve: true })),
    day,
    list,
    targetMonths: TARGET_MONTHS,
    daysPerMonth: DAYS_PER_MONTH,
    channels: [...TARGET_CHANNELS],
    consumptionWindowDays: CONSUMPTION_WINDOW_DAYS,
    countedKinds: [...REGIONAL_TARGET_LOCATION_KINDS],
    contractedStockCounts: CONTRACTED_STOCK_COUNTS,
  };
}

export async function regionalTargetSummary(db: Db, p: Principal): Promise<RegionalTargetSummaryDto> {
  const state = await requireState(db);
  const names = await regionsOf(db);
  const codes = visibleRegions(p, [...names.keys()]);
  const list = await listInForce(db, state.today);
  const inputs = await targetInputs(db, state.today, codes);
  const all: Pick<TargetRow, 'status'>[] = [];
  const regions = codes.map((code) => {
    const { rows, summary } = regionalScorecard({
      list: inputs.list,
      packages: inputs.packages,
      stock: inputs.stock.get(code) ?? [],
      consumption: inputs.consumption.get(code) ?? [],
    });
    all.push(...rows);
    return { code, name: names.get(code) ?? code, ...summary };
  });
  return { ...basis(state.today, list), regions, totals: summariseTarget(all) };
}

export async function regionalScorecardOf(
  db: Db,
  p: Principal,
  region: string,
): Promise<RegionalScorecardDto> {
  const state = await requireState(db);
  const names = await regionsOf(db);
  // "Not found" and "not yours" answer the same.
  if (!visibleRegions(p, [...names.keys()]).includes(region))
    throw AppError.notFound(`region ${region}'s scorecard`);
  const list = await listInForce(db, state.today);
  const inputs = await targetInputs(db, state.today, [region]);
  const { rows, summary } = regionalScorecard({
    list: inputs.list,
    packages: inputs.packages,
    stock: inputs.stock.get(region) ?? [],
    consumption: inputs.consumption.get(region) ?? [],
  });
  return {
    ...basis(state.today, list),
    region: { code: region, name: names.get(region) ?? region },
    summary,
    items: rows,
  };
}

export const TARGET_STATUS_NAMES_SV: Readonly<Record<TargetStatus, string>> = {
  met: 'Uppfyllt',
  not_met: 'Ej uppfyllt',
  no_consumption: 'Ingen förbrukning i vården',
};

const COUNTED_SV = 'sjukhusapotek, vårdnära lager, regionala beredskapslager och avtalat lager';

function summaryTable(s: RegionalTargetSummaryDto): ExportTable<RegionalTargetSummaryDto['regions'][number]> {
  return {
    name: 'regionalt-malet',
    title: `Regionernas mål om en månads förbrukning (${s.list ? `lista ${s.list.version}` : 'ingen lista'})`,
    classification: s.classification.code,
    today: s.day,
    scope: s.regions.length === 1 ? (s.regions[0]?.name ?? '') : 'Alla regioner',
    columns: [
      { header: 'Regionkod', value: (r) => r.code },
      { header: 'Region', value: (r) => r.name },
      { header: 'Läkemedel på listan', value: (r) => r.medicines },
      { header: 'Uppfyllt', value: (r) => r.met },
      { header: 'Ej uppfyllt', value: (r) => r.notMet },
      { header: 'Ingen förbrukning i vården', value: (r) => r.noConsumption },
      {
        header: 'Andel uppfyllt (%)',
        value: (r) => (r.shareMet === null ? null : r.shareMet * 100),
        decimals: 1,
      },
    ],
    rows: s.regions,
  };
}

function scorecardTable(s: RegionalScorecardDto): ExportTable<RegionalScorecardDto['items'][number]> {
  return {
    name: `regionalt-malet-${s.region.code}`,
    title: `${s.region.name}: en månads förbrukning av prioriterade läkemedel (${COUNTED_SV})`,
    classification: s.classification.code,
    today: s.day,
    scope: s.region.name,
    columns: [
      { header: 'Plats på listan', value: (r) => r.position },
      { header: 'ATC-kod', value: (r) => r.atcCode },
      { header: 'Substans', value: (r) => r.substance },
      { header: 'Beredningsform', value: (r) => r.form },
      { header: 'Förpackningar', value: (r) => r.packages },
      { header: 'Lager (enheter)', value: (r) => r.stockUnits, decimals: 0 },
      { header: 'Varav beredskapslager (enheter)', value: (r) => r.preparednessUnits, decimals: 0 },
      { header: 'Varav avtalat lager (enheter)', value: (r) => r.contractedUnits, decimals: 0 },
      { header: 'Vårdens förbrukning per månad (enheter)', value: (r) => r.monthlyUnits, decimals: 1 },
      { header: 'Månader i lager', value: (r) => r.monthsHeld, decimals: 2 },
      { header: 'Status', value: (r) => TARGET_STATUS_NAMES_SV[r.status] },
    ],
    rows: s.items,
  };
}

export const regionalTargetRoutes: FastifyPluginAsyncTypebox<{ store: Store }> = async (app, { store }) => {
  const db = store.db;
  const tags = ['preparedness'];

  app.get(
    '/preparedness/regional-target',
    {
      config: { permission: 'preparedness:read' },
      schema: {
        tags,
        summary:
          'R2: the regions against the one-month target (national summary): all regions for authorities and ' +
          'Nationellt CT, its own for a region, none for others',
        response: { 200: RegionalTargetSummaryDto, ...authErrors },
      },
    },
    async (request) => regionalTargetSummary(db, principalOf(request)),
  );

  app.get(
    '/preparedness/regional-target/export',
    {
      config: { permission: 'preparedness:read' },
      schema: {
        tags,
        summary: 'The national summary of the regional target as CSV or XLSX',
        querystring: Format,
        produces: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
        response: { ...FileResponse, ...authErrors },
      },
    },
    async (request, reply) =>
      sendExport(
        reply,
        summaryTable(await regionalTargetSummary(db, principalOf(request))),
        request.query.format,
      ),
  );

  app.get(
    '/preparedness/regional-target/:region',
    {
      config: { permission: 'preparedness:read' },
      schema: {
        tags,
        summary:
          'R2: one region’s scorecard: per medicine on the prioritised list, its own stock, monthly consumption, ' +
          'months held and whether the one-month target is met (the region itself, authorities, Nationellt CT)',
        params: RegionParams,
        response: { 200: RegionalScorecardDto, ...authErrors },
      },
    },
    async (request) => regionalScorecardOf(db, principalOf(request), request.params.region),
  );

  app.get(
    '/preparedness/regional-target/:region/export',
    {
      config: { permission: 'preparedness:read' },
      schema: {
        tags,
        summary: 'One region’s scorecard as CSV or XLSX',
        params: RegionParams,
        querystring: Format,
        produces: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
        response: { ...FileResponse, ...authErrors },
      },
    },
    async (request, reply) =>
      sendExport(
        reply,
        scorecardTable(await regionalScorecardOf(db, principalOf(request), request.params.region)),
        request.query.format,
      ),
  );
};
