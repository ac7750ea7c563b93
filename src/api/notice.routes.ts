import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { calendarDateInSweden } from '../domain/calendar.js';
import { AppError } from '../domain/errors.js';
import { DEFAULT_RISK_THRESHOLDS } from '../domain/risk.js';
import type { Store } from '../store/database.js';
import {
  NOTICE_STATUSES,
  noticeHistory,
  searchNotices,
  type NoticeVersionRow,
  type RegisterNoticeRow,
} from '../store/notice.repository.js';
import { findPictureState } from '../store/picture/repository.js';
import { principalOf } from './auth.js';
import { authErrors, Page, PageQuery, StringEnum } from './common.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);
const DateString = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const NoticeKindSchema = StringEnum(['shortage', 'sales_stop'] as const, {
  description: 'shortage = restanmälan, sales_stop = försäljningsuppehåll',
});
const NoticeStatusSchema = StringEnum(NOTICE_STATUSES, {
  description:
    'on the day of the picture: active (in force), upcoming (starting within the lead days, 30 by ' +
    'default), later (starting after that), ended',
});

export const RegisterNoticeDto = Type.Object({
  id: Type.Integer({ description: 'the current version (the newest correction)' }),
  kind: NoticeKindSchema,
  packageId: Type.Integer(),
  name: Type.String(),
  pack: Type.String(),
  substance: Type.String(),
  atcCode: Type.String(),
  nplPackId: Nullable(Type.String()),
  company: Type.Object({ id: Type.Integer(), name: Type.String() }),
  firstNotifiedAt: Type.String({
    format: 'date-time',
    description: 'when the first version reached us (R4 counts the two months from it)',
  }),
  notifiedAt: Type.String({ format: 'date-time', description: 'when this version reached us' }),
  expectedStart: DateString,
  expectedEnd: Nullable(DateString),
  reason: Nullable(Type.String()),
  alternatives: Nullable(Type.String()),
  late: Type.Boolean({ description: 'R4: a sales stop notified less than two months ahead' }),
  prioritised: Type.Boolean({ description: 'on Socialstyrelsen’s prioritised list' }),
  status: NoticeStatusSchema,
  corrections: Type.Integer({ description: 'how many times the notice was corrected' }),
});
type RegisterNoticeDto = Static<typeof RegisterNoticeDto>;

export const NoticeVersionDto = Type.Object({
  id: Type.Integer(),
  version: Type.Integer({ description: '0: the first notification, then each correction' }),
  current: Type.Boolean(),
  notifiedAt: Type.String({ format: 'date-time' }),
  receivedAt: Type.String({ format: 'date-time' }),
  expectedStart: DateString,
  expectedEnd: Nullable(DateString),
  reason: Nullable(Type.String()),
  alternatives: Nullable(Type.String()),
  late: Type.Boolean(),
  reportId: Nullable(Type.Integer()),
});

export const NoticeHistoryDto = Type.Object({ versions: Type.Array(NoticeVersionDto) });

const NoticesQuery = Type.Object({
  ...PageQuery.properties,
  q: Type.Optional(
    Type.String({
      maxLength: 100,
      description: 'words, each in the name, substance, pack, NPL pack id, GTIN or company',
    }),
  ),
  company: Type.Optional(Type.Integer({ minimum: 1, description: 'the company’s organisation id' })),
  atc: Type.Optional(
    Type.String({
      pattern: '^[A-Za-z][0-9A-Za-z]{0,6}$',
      description: 'ATC code or its beginning, e.g. J01',
    }),
  ),
  prioritised: Type.Optional(Type.Boolean()),
  kind: Type.Optional(NoticeKindSchema),
  status: Type.Optional(Type.Array(NoticeStatusSchema, { description: 'one or more; none: all but ended' })),
  late: Type.Optional(Type.Boolean()),
});

export const NoticesPageDto = Type.Intersect([
  Page(RegisterNoticeDto),
  Type.Object({
    today: Type.String({ format: 'date', description: 'the day the statuses are judged on' }),
    leadDays: Type.Integer({ description: 'upcoming = starting within this many days' }),
  }),
]);

const iso = (d: Date | string) => new Date(d).toISOString();

function toDto(n: RegisterNoticeRow): RegisterNoticeDto {
  return {
    id: Number(n.id),
    kind: n.kind,
    packageId: Number(n.package_id),
    name: n.package_name,
    pack: n.pack,
    substance: n.substance,
    atcCode: n.atc_code,
    nplPackId: n.npl_pack_id,
    company: { id: Number(n.company_id), name: n.company_name },
    firstNotifiedAt: iso(n.first_notified_at),
    notifiedAt: iso(n.notified_at),
    expectedStart: n.expected_start,
    expectedEnd: n.expected_end,
    reason: n.reason,
    alternatives: n.alternatives,
    late: n.late,
    prioritised: n.prioritised,
    status: n.status,
    corrections: n.corrections,
  };
}

function toVersionDto(v: NoticeVersionRow) {
  return {
    id: v.id,
    version: v.version,
    current: v.current,
    notifiedAt: iso(v.notified_at),
    receivedAt: iso(v.received_at),
    expectedStart: v.expected_start,
    expectedEnd: v.expected_end,
    reason: v.reason,
    alternatives: v.alternatives,
    late: v.late,
    reportId: v.report_id === null ? null : Number(v.report_id),
  };
}

/** The register of shortage notices (restanmälningar and försäljningsuppehåll) and their corrections. */
export const noticeRoutes: FastifyPluginAsyncTypebox<{ store: Store }> = async (app, { store }) => {
  app.get(
    '/notices',
    {
      config: { permission: 'picture:read' },
      schema: {
        tags: ['notices'],
        summary:
          'The register of shortage notices: search and filter (company, ATC, prioritised, kind, status, late)',
        querystring: NoticesQuery,
        response: { 200: NoticesPageDto, ...authErrors },
      },
    },
    async (request) => {
      const q = request.query;
      // Statuses are judged on the picture's day, as on the overview; before the first refresh, today.
      const state = await findPictureState(store.db);
      const today = state?.today ?? calendarDateInSweden(new Date());
      const leadDays = state?.thresholds.noticeLeadDays ?? DEFAULT_RISK_THRESHOLDS.noticeLeadDays;
      const { rows, total } = await searchNotices(
        store.db,
        principalOf(request),
        today,
        leadDays,
        {
          q: q.q,
          companyId: q.company,
          atc: q.atc,
          prioritised: q.prioritised,
          kind: q.kind,
          status: q.status,
          late: q.late,
        },
        { limit: q.limit, offset: q.offset },
      );
      return { items: rows.map(toDto), total, limit: q.limit, offset: q.offset, today, leadDays };
    },
  );

  app.get(
    '/notices/:id/history',
    {
      config: { permission: 'picture:read' },
      schema: {
        tags: ['notices'],
        summary: 'Every version of a notice, from the first notification through each correction',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        response: { 200: NoticeHistoryDto, ...authErrors },
      },
    },
    async (request) => {
      const versions = await noticeHistory(store.db, principalOf(request), request.params.id);
      if (versions === null) throw AppError.notFound(`notice ${request.params.id}`);
      return { versions: versions.map(toVersionDto) };
    },
  );
};
