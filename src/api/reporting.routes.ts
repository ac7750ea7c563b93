import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { calendarDateInSweden } from '../domain/calendar.js';
import {
  DEFAULT_FRESHNESS_THRESHOLDS,
  isStockStale,
  pictureCompleteness,
  stockAgeDays,
} from '../domain/freshness.js';
import type { Principal } from '../domain/access.js';
import type { Store } from '../store/database.js';
import { findPictureState } from '../store/picture/repository.js';
import { lastReports, reportingLocations, type ReportingLocationRow } from '../store/reporting.repository.js';
import { principalOf } from './auth.js';
import { authErrors, Page, PageQuery, StringEnum } from './common.js';

/** Where a location's stock reporting stands on the picture's day. */
export const REPORTING_STATUSES = ['today', 'current', 'overdue', 'never'] as const;
export type ReportingStatus = (typeof REPORTING_STATUSES)[number];
const ReportingStatusSchema = StringEnum(REPORTING_STATUSES, {
  description:
    'today: counted on the picture’s day; current: counted within the last staleStockAfterDays days; ' +
    'overdue: older (stale); never: has never reported stock',
});
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);
const RegionCode = Type.String({ pattern: '^[0-9]{2}$' });

const SummaryDto = Type.Object(
  {
    locations: Type.Integer({ description: 'locations expected to report: those that have reported stock' }),
    reportedToday: Type.Integer(),
    locationShare: Nullable(Type.Number()),
    stockShare: Nullable(
      Type.Number({ description: 'share of the expected stock (the previous counts) counted today' }),
    ),
    overdue: Type.Integer({ description: 'locations whose latest count is stale' }),
    neverReported: Type.Integer(),
  },
  { description: 'how complete today’s picture is for the locations listed (all pages)' },
);

const Basis = {
  today: Type.String({ format: 'date', description: 'the picture’s day (today before the first refresh)' }),
  staleStockAfterDays: Type.Integer({ description: 'a count older than this many days is overdue (ours)' }),
  summary: SummaryDto,
};

export const ReportingLocationDto = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  kind: Type.String(),
  regionCode: Type.String(),
  organisation: Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String() }),
  stockCountedAt: Nullable(Type.String({ format: 'date-time' })),
  ageDays: Nullable(Type.Integer({ description: 'days from the count’s Swedish day to the picture’s day' })),
  status: ReportingStatusSchema,
  expectedStock: Type.Number({ description: 'packages of its previous count: its weight in the share' }),
});

const LastReportDto = Type.Object({
  acceptedAt: Nullable(Type.String({ format: 'date-time' })),
  refusedAt: Nullable(Type.String({ format: 'date-time' })),
  refusedSinceAccepted: Type.Integer({ description: 'reports refused after the latest accepted one' }),
});

export const ReportingOrganisationDto = Type.Object({
  organisation: Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String() }),
  locations: Type.Integer(),
  reportedToday: Type.Integer(),
  overdue: Type.Integer(),
  neverReported: Type.Integer(),
  stockShare: Nullable(Type.Number()),
  oldestCountAt: Nullable(Type.String({ format: 'date-time' })),
  lastReports: Type.Record(Type.String(), LastReportDto, {
    description: 'per report kind (stock_snapshot, stock_difference, sales, …): its latest reports',
  }),
});

export const ReportingLocationsPageDto = Type.Intersect([Page(ReportingLocationDto), Type.Object(Basis)]);
export const ReportingOrganisationsPageDto = Type.Intersect([
  Page(ReportingOrganisationDto),
  Type.Object(Basis),
]);

const Filters = {
  organisation: Type.Optional(Type.Integer({ minimum: 1 })),
  region: Type.Optional(RegionCode),
};

const iso = (d: Date | null) => (d === null ? null : new Date(d).toISOString());

interface Classified extends ReportingLocationRow {
  countedOn: string | null;
  status: ReportingStatus;
}

function classify(rows: readonly ReportingLocationRow[], today: string): Classified[] {
  return rows.map((r) => {
    const countedOn = r.stock_counted_at === null ? null : calendarDateInSweden(new Date(r.stock_counted_at));
    const status: ReportingStatus =
      countedOn === null
        ? 'never'
        : countedOn === today
          ? 'today'
          : isStockStale(today, countedOn, DEFAULT_FRESHNESS_THRESHOLDS)
            ? 'overdue'
            : 'current';
    return { ...r, countedOn, status };
  });
}

function summaryOf(rows: readonly Classified[], today: string): Static<typeof SummaryDto> {
  const c = pictureCompleteness(
    rows.map((r) => ({ countedOn: r.countedOn, expectedStock: r.expected_stock })),
    today,
  );
  return {
    locations: c.locations,
    reportedToday: c.reportedToday,
    locationShare: c.locationShare,
    stockShare: c.stockShare,
    overdue: c.staleStock,
    neverReported: c.neverReported,
  };
}

/** Coordinators' view of reporting; each organisation sees its own (docs/reports.md, "Who has reported"). */
export const reportingRoutes: FastifyPluginAsyncTypebox<{ store: Store }> = async (app, { store }) => {
  const load = async (principal: Principal, filter: { organisation?: number; region?: string }) => {
    const state = await findPictureState(store.db);
    const today = state?.today ?? calendarDateInSweden(new Date());
    const rows = classify(
      await reportingLocations(store.db, principal, today, {
        organisationId: filter.organisation,
        regionCode: filter.region,
      }),
      today,
    );
    return { today, rows };
  };
  const basis = (today: string, rows: readonly Classified[]) => ({
    today,
    staleStockAfterDays: DEFAULT_FRESHNESS_THRESHOLDS.staleStockAfterDays,
    summary: summaryOf(rows, today),
  });

  app.get(
    '/reporting/locations',
    {
      config: { permission: 'report:read' },
      schema: {
        tags: ['reporting'],
        summary: 'Who has reported: each location’s latest stock count, its age and whether it is overdue',
        querystring: Type.Object({
          ...PageQuery.properties,
          ...Filters,
          status: Type.Optional(Type.Array(ReportingStatusSchema)),
        }),
        response: { 200: ReportingLocationsPageDto, ...authErrors },
      },
    },
    async (request) => {
      const q = request.query;
      const { today, rows } = await load(principalOf(request), q);
      const wanted = q.status && q.status.length > 0 ? new Set(q.status) : null;
      // Overdue and never first (oldest count first), then the rest by code.
      const rank: Record<ReportingStatus, number> = { never: 0, overdue: 1, current: 2, today: 3 };
      const listed = rows
        .filter((r) => wanted === null || wanted.has(r.status))
        .sort(
          (a, b) =>
            rank[a.status] - rank[b.status] ||
            (a.stock_counted_at?.valueOf() ?? 0) - (b.stock_counted_at?.valueOf() ?? 0) ||
            a.code.localeCompare(b.code),
        );
      return {
        ...basis(today, rows),
        items: listed.slice(q.offset, q.offset + q.limit).map((r) => ({
          id: r.location_id,
          code: r.code,
          name: r.name,
          kind: r.kind,
          regionCode: r.region_code,
          organisation: { id: r.organisation_id, code: r.organisation_code, name: r.organisation_name },
          stockCountedAt: iso(r.stock_counted_at),
          ageDays: stockAgeDays(today, r.countedOn),
          status: r.status,
          expectedStock: r.expected_stock,
        })),
        total: listed.length,
        limit: q.limit,
        offset: q.offset,
      };
    },
  );

  app.get(
    '/reporting/organisations',
    {
      config: { permission: 'report:read' },
      schema: {
        tags: ['reporting'],
        summary:
          'Who has reported, per organisation: locations counted today, overdue, latest reports by kind',
        querystring: Type.Object({
          ...PageQuery.properties,
          ...Filters,
          overdue: Type.Optional(
            Type.Boolean({ description: 'only organisations with an overdue or never-reporting location' }),
          ),
        }),
        response: { 200: ReportingOrganisationsPageDto, ...authErrors },
      },
    },
    async (request) => {
      const q = request.query;
      const { today, rows } = await load(principalOf(request), q);
      const byOrg = new Map<number, Classified[]>();
      for (const r of rows) byOrg.set(r.organisation_id, [...(byOrg.get(r.organisation_id) ?? []), r]);
      const orgs = [...byOrg.values()].map((list) => {
        const first = list[0]!;
        const s = summaryOf(list, today);
        const counts = list.map((r) => r.stock_counted_at).filter((d): d is Date => d !== null);
        return {
          organisation: {
            id: first.organisation_id,
            code: first.organisation_code,
            name: first.organisation_name,
          },
          locations: list.length,
          reportedToday: s.reportedToday,
          overdue: s.overdue,
          neverReported: s.neverReported,
          stockShare: s.stockShare,
          oldestCountAt:
            counts.length === 0 ? null : iso(new Date(Math.min(...counts.map((d) => d.valueOf())))),
        };
      });
      const listed = orgs
        .filter((o) => !q.overdue || o.overdue + o.neverReported > 0)
        .sort(
          (a, b) =>
            b.overdue + b.neverReported - (a.overdue + a.neverReported) ||
            a.organisation.name.localeCompare(b.organisation.name, 'sv'),
        );
      const page = listed.slice(q.offset, q.offset + q.limit);
      const reports = await lastReports(
        store.db,
        page.map((o) => o.organisation.id),
      );
      return {
        ...basis(today, rows),
        items: page.map((o) => ({
          ...o,
          lastReports: Object.fromEntries(
            reports
              .filter((r) => r.organisation_id === o.organisation.id)
              .map((r) => [
                r.kind,
                {
                  acceptedAt: iso(r.last_accepted_at),
                  refusedAt: iso(r.last_rejected_at),
                  refusedSinceAccepted: r.rejected_since_accepted,
                },
              ]),
          ),
        })),
        total: listed.length,
        limit: q.limit,
        offset: q.offset,
      };
    },
  );
};
