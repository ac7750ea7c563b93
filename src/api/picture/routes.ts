import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { calendarDateInSweden } from '../../domain/calendar.js';
import { SUPPLY_TIERS } from '../../domain/supply-tier.js';
import type { Store } from '../../store/database.js';
import { refreshPicture } from '../../store/picture/refresh.js';
import { principalOf } from '../auth.js';
import { authErrors, PageQuery, StringEnum } from '../common.js';
import {
  AreaFigureDto,
  AsOf,
  Classification,
  CompletenessDto,
  FreshnessThresholdsDto,
  ItemDto,
  LocationFreshnessDto,
  LocationRef,
  LotOutlook,
  NoticeDto,
  RISK_CLASSES,
  RiskClassSchema,
  RegionFreshnessDto,
  RiskCountsDto,
  ScopeDto,
  TierSchema,
  TierFigureDto,
  StockStatusSchema,
} from './dto.js';
import { itemsTable, mapTable, productTable, PRODUCT_TABLES, regionTable, sendExport } from './exports.js';
import { itemsPage, locationPage, mapPage, overviewPage, productPage, regionPage } from './pages.js';
import { reportHtml } from './report.js';
import { productTrends, ProductTrendsDto } from './trends.js';
import type { ExportTable } from './export.js';
import { WhereExportQuery, WherePageDto, wherePage, WhereQuery, whereTable } from './where.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const BOOLEAN_FLAGS = [
  'prioritised',
  'notice',
  'possibleCriticalShortage',
  'group',
  'reasons',
  'lots',
] as const;
const RegionCode = Type.String({ pattern: '^[0-9]{2}$', description: 'region code, e.g. 01' });
const unavailable = { 503: authErrors[404] } as const;
const errors = { ...authErrors, ...unavailable };

const CountsPair = Type.Object({ packages: RiskCountsDto, groups: Nullable(RiskCountsDto) });

export const OverviewDto = Type.Object({
  classification: Classification,
  asOf: AsOf,
  scope: ScopeDto,
  area: Type.Object({ code: Type.String(), name: Type.String() }),
  counts: CountsPair,
  national: CountsPair,
  byRegion: Nullable(
    Type.Array(
      Type.Object({
        region: Type.Object({ code: Type.String(), name: Type.String() }),
        packages: RiskCountsDto,
        groups: Nullable(RiskCountsDto),
        freshness: Nullable(RegionFreshnessDto),
      }),
    ),
  ),
  freshness: Type.Object(
    {
      thresholds: FreshnessThresholdsDto,
      completeness: CompletenessDto,
      staleSalesRegions: Nullable(
        Type.Array(Type.String(), {
          description: 'regions whose sales are stale (with regional aggregates)',
        }),
      ),
    },
    { description: 'How complete and fresh the area’s picture is (docs/lagesbild.md, "Freshness")' },
  ),
  critical: Type.Array(ItemDto, {
    description: 'the most critical packages: critical shortage and prioritised first',
  }),
  criticalTotal: Type.Integer(),
  notices: Type.Object({
    active: Type.Array(NoticeDto),
    upcoming: Type.Array(NoticeDto, { description: 'starting within 30 days' }),
  }),
});

export const ItemsPageDto = Type.Object({
  classification: Classification,
  asOf: AsOf,
  items: Type.Array(ItemDto),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});

const ItemsQuery = Type.Object({
  ...PageQuery.properties,
  level: StringEnum(['national', 'region'] as const, { description: 'national (default) or per region' }),
  region: Type.Optional(RegionCode),
  tier: Type.Optional(TierSchema),
  risk: Type.Optional(Type.Array(RiskClassSchema, { description: 'one or more risk classes' })),
  prioritised: Type.Optional(Type.Boolean()),
  notice: Type.Optional(Type.Boolean({ description: 'with a notice in force or starting soon' })),
  possibleCriticalShortage: Type.Optional(
    Type.Boolean({ description: 'only items with (or without) the möjlig kritisk brist signal' }),
  ),
  q: Type.Optional(Type.String({ maxLength: 100, description: 'name, substance, ATC prefix or ref' })),
  atc: Type.Optional(
    Type.String({
      pattern: '^[A-Za-z][0-9A-Za-z]{0,6}$',
      description: 'an ATC code or its beginning, e.g. N02 or N02BE01',
    }),
  ),
  group: Type.Optional(
    Type.Boolean({ description: 'groups of interchangeable packages instead of packages' }),
  ),
  package: Type.Optional(Type.Integer({ minimum: 1 })),
  groupKey: Type.Optional(Type.String({ maxLength: 300 })),
  sort: Type.Optional(StringEnum(['risk', 'coverage', 'name', 'demand'] as const)),
  reasons: Type.Optional(
    Type.Boolean({ description: 'add the domain’s reasons to each item (not with tier)' }),
  ),
});
ItemsQuery.properties.level.default = 'national';

export const MapDto = Type.Object({
  classification: Classification,
  asOf: AsOf,
  item: Type.Object({
    kind: StringEnum(['package', 'group'] as const),
    ref: Type.String(),
    name: Type.String(),
  }),
  national: AreaFigureDto,
  regions: Type.Array(AreaFigureDto, { description: 'every region, in code order' }),
});

const MapQuery = Type.Object({
  package: Type.Optional(Type.Integer({ minimum: 1 })),
  group: Type.Optional(Type.String({ maxLength: 300, description: 'a group key' })),
});

export const ProductPageDto = Type.Object({
  classification: Classification,
  asOf: AsOf,
  product: Type.Object({
    id: Type.Integer(),
    nplPackId: Type.String(),
    name: Type.String(),
    pack: Type.String(),
    substance: Type.String(),
    strength: Type.String(),
    form: Type.String(),
    atcCode: Type.String(),
    packSize: Type.Number(),
    packUnit: Type.String(),
    company: Type.Object({ id: Type.Integer(), name: Type.String() }),
    parallelTraded: Type.Boolean(),
    licence: Type.Boolean(),
    groupKey: Nullable(Type.String()),
    prioritised: Type.Boolean(),
  }),
  area: Type.Object({ code: Type.String(), name: Type.String() }),
  item: Nullable(ItemDto),
  group: Nullable(ItemDto),
  stockByTier: Type.Array(TierFigureDto, {
    description:
      'stock by tier; in a region the wholesale tier has two lines: held in the region (counted: false) and the region’s share of the wholesale stock serving it (counted: true). The counted lines add up to item.stock.',
  }),
  reserve: Nullable(
    Type.Object(
      {
        stock: Type.Object({ total: Type.Number(), usable: Type.Number() }),
        locations: Type.Integer({ description: 'locations holding reserve of it' }),
        daysAdded: Nullable(
          Type.Number({ description: 'usable reserve ÷ demand per day: the days it would add if released' }),
        ),
      },
      {
        description:
          'the reserve, apart from the everyday stock above: preparedness stocks, and stock level 3 or 4 ' +
          'wherever held (null unless the caller may see it: authorities and the joint function)',
      },
    ),
  ),
  stockByRegion: Nullable(Type.Array(AreaFigureDto)),
  stockByMunicipality: Nullable(
    Type.Array(
      Type.Object({
        municipality: Type.Object({ code: Type.String(), name: Type.String() }),
        suppressed: Type.Boolean({
          description: 'figures withheld: fewer than 3 locations hold stock (small-cell rule)',
        }),
        stock: Nullable(
          Type.Object(
            { total: Type.Number(), usable: Type.Number() },
            {
              description:
                'held at its locations (wholesaler warehouses not counted) plus its population share of the region’s share of the wholesale stock serving the region',
            },
          ),
        ),
        locations: Nullable(Type.Integer({ description: 'locations holding some (warehouses not counted)' })),
        demandPerDay: Type.Number({ description: 'the region’s demand apportioned by population' }),
        coverageDays: Nullable(Type.Number()),
        riskClass: Nullable(RiskClassSchema),
      }),
      { description: 'with region=: each municipality of the region (computed from current stock)' },
    ),
  ),
  salesByMonth: Type.Array(
    Type.Object({ month: Type.String({ description: 'YYYY-MM' }), quantity: Type.Number() }),
  ),
  stockHistory: Type.Array(
    Type.Object({ date: Type.String({ format: 'date' }), total: Type.Number(), usable: Type.Number() }),
  ),
  notices: Type.Array(NoticeDto),
  alternatives: Type.Array(
    Type.Object({
      relation: StringEnum(['same_group', 'recorded', 'same_substance', 'same_atc4'] as const, {
        description:
          'same_group and recorded (by an authority) are interchangeable and can clear the möjlig kritisk brist signal; same_substance (another strength or form) and same_atc4 are possible therapeutic alternatives for a clinician to judge',
      }),
      interchangeable: Type.Boolean(),
      item: ItemDto,
    }),
  ),
  deliveries: Type.Array(
    Type.Object({
      expectedOn: Type.String({ format: 'date' }),
      quantity: Type.Number(),
      regionCode: Nullable(Type.String()),
      reserve: Type.Boolean({
        description: 'to a preparedness stock: adds to the reserve, counts in no outlook',
      }),
      organisation: Nullable(Type.Object({ id: Type.Integer(), name: Type.String() })),
    }),
  ),
  outlook: Type.Object({
    runsOutOn: Nullable(Type.String({ format: 'date' })),
    runsOutWithDeliveriesOn: Nullable(Type.String({ format: 'date' })),
    lots: Nullable(LotOutlook),
  }),
});

const DemandBasisSchema = StringEnum(['own_sales', 'region_share', 'no_basis'] as const, {
  description:
    'what a location is measured against: own_sales (its own sales rows), region_share (a community pharmacy without them: an equal share of the region’s demand not in own-sales rows), no_basis (nothing to measure against: no coverage given)',
});

export const RegionPageDto = Type.Object({
  classification: Classification,
  asOf: AsOf,
  scope: ScopeDto,
  region: Type.Object({ code: Type.String(), name: Type.String() }),
  counts: Nullable(CountsPair),
  critical: Nullable(Type.Array(ItemDto)),
  prioritisedPackages: Type.Integer({ description: 'packages matching the prioritised list' }),
  freshness: Nullable(RegionFreshnessDto),
  freshnessThresholds: FreshnessThresholdsDto,
  locations: Type.Array(
    Type.Object({
      location: LocationRef,
      detail: Type.Boolean({ description: 'whether the caller may see this location’s stock' }),
      freshness: Nullable(LocationFreshnessDto),
      prioritised: Nullable(
        Type.Object(
          {
            held: Type.Integer({ description: 'prioritised packages in stock' }),
            belowCritical: Type.Integer({ description: 'prioritised packages covering < critical days' }),
            belowLow: Type.Integer({ description: 'prioritised packages covering < low days' }),
            demandBasis: DemandBasisSchema,
          },
          { description: 'coverage of the prioritised list at this location (detail only)' },
        ),
      ),
    }),
  ),
});

export const LocationPageDto = Type.Object({
  classification: Classification,
  asOf: AsOf,
  location: LocationRef,
  freshness: LocationFreshnessDto,
  items: Type.Array(
    Type.Object({
      packageId: Type.Integer(),
      name: Type.String(),
      pack: Type.String(),
      substance: Type.String(),
      atcCode: Type.String(),
      prioritised: Type.Boolean(),
      stock: Type.Object(
        { total: Type.Number(), usable: Type.Number() },
        { description: 'everyday stock (at a preparedness stock, where all is reserve: its reserve)' },
      ),
      reserve: Nullable(
        Type.Object(
          { total: Type.Number(), usable: Type.Number(), daysAdded: Nullable(Type.Number()) },
          { description: 'the reserve held here (level 3 or 4, or all at a preparedness stock)' },
        ),
      ),
      demandPerDay: Nullable(Type.Number({ description: 'the location’s own demand; null: no basis' })),
      demandBasis: DemandBasisSchema,
      coverageDays: Nullable(Type.Number()),
      runsOutOn: Nullable(Type.String({ format: 'date' })),
      stockStatus: StockStatusSchema,
      riskClass: Type.Union([RiskClassSchema, Type.Null()], {
        description: 'null: no basis to measure against (not "no demand")',
      }),
    }),
  ),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});

const Format = Type.Object({
  format: StringEnum(['csv', 'xlsx'] as const, { description: 'csv (semicolon, decimal comma) or xlsx' }),
});
const FileResponse = {
  200: Type.String({
    description: 'the file (text/csv or XLSX), marked with its information class',
  }),
};

/**
 * The national situational picture (issue 4): overview, item table, map, product, region and location
 * pages, exports and a printable report. Every answer says its information class and holds only
 * what the caller's organisation may see (src/domain/access.ts pictureScopeOf).
 */
export const pictureRoutes: FastifyPluginAsyncTypebox<{ store: Store }> = async (app, { store }) => {
  const db = store.db;
  const tags = ['picture'];

  // Flags in the query may also be written 1 / 0 (`?group=1`), as well as true / false.
  app.addHook('preValidation', async (request) => {
    const query = request.query as Record<string, unknown> | undefined;
    if (!query) return;
    for (const flag of BOOLEAN_FLAGS) {
      if (query[flag] === '1') query[flag] = 'true';
      else if (query[flag] === '0') query[flag] = 'false';
    }
  });

  app.get(
    '/picture/overview',
    {
      config: { permission: 'picture:read' },
      schema: {
        tags,
        summary:
          'National overview: counts by risk, the most critical items, notices in force and starting soon',
        querystring: Type.Object({ region: Type.Optional(RegionCode) }),
        response: { 200: OverviewDto, ...errors },
      },
    },
    async (request) => overviewPage(db, principalOf(request), { region: request.query.region }),
  );

  app.get(
    '/picture/items',
    {
      config: { permission: 'picture:read' },
      schema: {
        tags,
        summary:
          'The item table: packages or groups with stock, demand, coverage, run-out dates, risk and flags',
        querystring: ItemsQuery,
        response: { 200: ItemsPageDto, ...errors },
      },
    },
    async (request) => itemsPage(db, principalOf(request), request.query),
  );

  app.get(
    '/picture/map',
    {
      config: { permission: 'picture:read' },
      schema: {
        tags,
        summary: 'Coverage and risk of one package or group in each of the 21 regions (for the map)',
        querystring: MapQuery,
        response: { 200: MapDto, ...errors },
      },
    },
    async (request) => mapPage(db, principalOf(request), request.query),
  );

  app.get(
    '/picture/products/:id',
    {
      config: { permission: 'picture:read' },
      schema: {
        tags,
        summary:
          'Product page: stock by tier and region, 12 months of sales and stock, notices, alternatives, deliveries',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        querystring: Type.Object({
          region: Type.Optional(RegionCode),
          lots: Type.Optional(
            Type.Boolean({ description: 'simulate the actual lots of current stock (reads raw stock)' }),
          ),
        }),
        response: { 200: ProductPageDto, ...errors },
      },
    },
    async (request) =>
      productPage(db, principalOf(request), request.params.id, {
        region: request.query.region,
        lots: request.query.lots,
      }),
  );

  app.get(
    '/picture/products/:id/trends',
    {
      config: { permission: 'picture:read' },
      schema: {
        tags,
        summary:
          'Trends and outlook of a package: coverage over 90 days (area and nation), what expires when, run-out per region with and without deliveries',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        querystring: Type.Object({ region: Type.Optional(RegionCode) }),
        response: { 200: ProductTrendsDto, ...errors },
      },
    },
    async (request) => productTrends(db, principalOf(request), request.params.id, request.query),
  );

  app.get(
    '/picture/regions/:code',
    {
      config: { permission: 'picture:read' },
      schema: {
        tags,
        summary: 'Region page: its locations and their coverage of the prioritised list, region aggregates',
        params: Type.Object({ code: RegionCode }),
        response: { 200: RegionPageDto, ...errors },
      },
    },
    async (request) => regionPage(db, principalOf(request), request.params.code),
  );

  app.get(
    '/picture/locations/:id',
    {
      config: { permission: 'picture:read' },
      schema: {
        tags,
        summary: 'One location’s coverage per package (own locations, or all for authorities)',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        querystring: Type.Object({
          ...PageQuery.properties,
          prioritised: Type.Optional(Type.Boolean()),
          risk: Type.Optional(Type.Array(RiskClassSchema)),
        }),
        response: { 200: LocationPageDto, ...errors },
      },
    },
    async (request) => locationPage(db, principalOf(request), request.params.id, request.query),
  );

  app.get(
    '/picture/where',
    {
      config: { permission: 'picture:read' },
      schema: {
        tags,
        summary:
          'Where is it? Every location holding a package or group that the caller may see in detail: quantity, lots, owner, days covered there, distance from a municipality or location',
        querystring: WhereQuery,
        response: { 200: WherePageDto, ...errors },
      },
    },
    async (request) => wherePage(db, principalOf(request), request.query),
  );

  // Exports ---------------------------------------------------------------------------------------

  const send =
    (reply: FastifyReply, format: 'csv' | 'xlsx') =>
    <R>(table: ExportTable<R>) =>
      sendExport(reply, table, format);

  app.get(
    '/picture/export/items',
    {
      config: { permission: 'picture:read' },
      schema: {
        tags,
        summary: 'The item table as CSV or XLSX (same filters as /picture/items; up to 50,000 rows)',
        querystring: Type.Intersect([Type.Omit(ItemsQuery, ['limit', 'offset', 'reasons']), Format]),
        produces: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
        response: { ...FileResponse, ...errors },
      },
    },
    async (request, reply) => {
      const { format, ...query } = request.query;
      return send(
        reply,
        format,
      )(await itemsTable(db, principalOf(request), { ...query, limit: 50_000, offset: 0 }));
    },
  );

  app.get(
    '/picture/export/map',
    {
      config: { permission: 'picture:read' },
      schema: {
        tags,
        summary: 'The map table (one package or group per region) as CSV or XLSX',
        querystring: Type.Intersect([MapQuery, Format]),
        produces: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
        response: { ...FileResponse, ...errors },
      },
    },
    async (request, reply) => {
      const { format, ...query } = request.query;
      return send(reply, format)(await mapTable(db, principalOf(request), query));
    },
  );

  app.get(
    '/picture/export/products/:id',
    {
      config: { permission: 'picture:read' },
      schema: {
        tags,
        summary: 'A table of the product page as CSV or XLSX',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        querystring: Type.Intersect([
          Format,
          Type.Object({ table: StringEnum(PRODUCT_TABLES), region: Type.Optional(RegionCode) }),
        ]),
        produces: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
        response: { ...FileResponse, ...errors },
      },
    },
    async (request, reply) => {
      const { format, table, region } = request.query;
      return send(
        reply,
        format,
      )(await productTable(db, principalOf(request), request.params.id, table, region));
    },
  );

  app.get(
    '/picture/export/regions/:code',
    {
      config: { permission: 'picture:read' },
      schema: {
        tags,
        summary: 'The region page’s locations and their coverage of the prioritised list as CSV or XLSX',
        params: Type.Object({ code: RegionCode }),
        querystring: Format,
        produces: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
        response: { ...FileResponse, ...errors },
      },
    },
    async (request, reply) =>
      send(reply, request.query.format)(await regionTable(db, principalOf(request), request.params.code)),
  );

  app.get(
    '/picture/export/where',
    {
      config: { permission: 'picture:read' },
      schema: {
        tags,
        summary:
          'The "where is it?" list as CSV or XLSX (same filters and order as /picture/where; every row)',
        querystring: Type.Intersect([WhereExportQuery, Format]),
        produces: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
        response: { ...FileResponse, ...errors },
      },
    },
    async (request, reply) => {
      const { format, ...query } = request.query;
      return send(reply, format)(await whereTable(db, principalOf(request), query));
    },
  );

  app.get(
    '/picture/report.html',
    {
      config: { permission: 'picture:read' },
      schema: {
        tags,
        summary: 'A printable situational report (self-contained HTML made for print, marked on every page)',
        querystring: Type.Object({ region: Type.Optional(RegionCode) }),
        produces: ['text/html'],
        response: { 200: Type.String({ description: 'text/html' }), ...errors },
      },
    },
    async (request, reply) => {
      const html = await reportHtml(db, principalOf(request), { region: request.query.region });
      return reply.type('text/html; charset=utf-8').send(html);
    },
  );

  app.post(
    '/picture/refresh',
    {
      config: { permission: 'admin' },
      schema: {
        tags,
        summary: 'Recompute the maintained aggregates (full, or for some locations and packages)',
        body: Type.Object({
          today: Type.Optional(Type.String({ format: 'date', description: 'default: today in Sweden' })),
          full: Type.Optional(Type.Boolean()),
          locationIds: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 10_000 })),
          packageIds: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 100_000 })),
        }),
        response: {
          200: Type.Object({
            mode: StringEnum(['full', 'incremental', 'stock'] as const),
            reason: Nullable(Type.String()),
            today: Type.String({ format: 'date' }),
            windowEnd: Type.String({ format: 'date' }),
            packages: Type.Integer(),
            steps: Type.Record(Type.String(), Type.Number()),
            milliseconds: Type.Number(),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const body = request.body;
      return refreshPicture(store, {
        today: body.today ?? calendarDateInSweden(new Date()),
        ...(body.full !== undefined ? { full: body.full } : {}),
        ...(body.locationIds !== undefined ? { locationIds: body.locationIds } : {}),
        ...(body.packageIds !== undefined ? { packageIds: body.packageIds } : {}),
      });
    },
  );
};

export { RISK_CLASSES, SUPPLY_TIERS };
