import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { companyScopeOf } from '../domain/dispensation.js';
import { AppError } from '../domain/errors.js';
import { SUPERVISION_STATUS_NAMES_SV, SUPERVISION_STATUSES } from '../domain/supervision.js';
import type { Store } from '../store/database.js';
import {
  ensureSupervised,
  supervisionHistory,
  supervisionList,
  supervisionToday,
  type SupervisionFilter,
  type SupervisionListRow,
} from '../store/supervision.repository.js';
import { principalOf } from './auth.js';
import { authErrors, Page, PageQuery, StringEnum } from './common.js';
import { sendExport } from './picture/exports.js';
import { XLSX_TYPE, type ExportColumn } from './picture/export.js';
import type { Principal } from '../domain/access.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);
const DateString = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const StatusSchema = StringEnum(SUPERVISION_STATUSES, {
  description:
    'compliant: the stock owned reaches the obligation; under_dispensation: only a granted dispensation makes it so; ' +
    'below: the stock is below the obligation in force',
});

export const SupervisionDto = Type.Object({
  day: DateString,
  company: Type.Object({ id: Type.Integer(), name: Type.String() }),
  package: Type.Object({ id: Type.Integer(), name: Type.String(), nplPackId: Type.String() }),
  publishedVolume: Type.Integer({ description: 'packs, the published decision in force' }),
  volume: Type.Integer({ description: 'packs, the obligation in force (after dispensations)' }),
  dispensationId: Nullable(Type.Integer()),
  stock: Type.Integer({ description: 'packs the company owns in Sweden, wherever held' }),
  status: StatusSchema,
  shortfall: Type.Integer({ description: 'packs missing to the obligation in force; 0 unless below' }),
  shortfallValueSek: Nullable(Type.Number({ description: 'shortfall × AIP; null without a price' })),
  belowSince: Nullable(DateString),
});
type SupervisionDto = Static<typeof SupervisionDto>;

function toDto(r: SupervisionListRow): SupervisionDto {
  return {
    day: r.day,
    company: { id: r.company_id, name: r.company_name },
    package: { id: r.package_id, name: r.package_name, nplPackId: r.npl_pack_id },
    publishedVolume: r.published_volume,
    volume: r.volume,
    dispensationId: r.dispensation_id,
    stock: r.stock,
    status: r.status,
    shortfall: r.shortfall,
    shortfallValueSek: r.price_sek === null ? null : Math.round(r.shortfall * r.price_sek * 100) / 100,
    belowSince: r.below_since,
  };
}

const ListQuery = Type.Object({
  day: Type.Optional(
    Type.String({ format: 'date', description: 'the day; default the picture’s day (today)' }),
  ),
  status: Type.Optional(Type.Array(StatusSchema, { description: 'one or more; none: all' })),
  company: Type.Optional(Type.Integer({ minimum: 1, description: 'the company’s organisation id' })),
  package: Type.Optional(Type.Integer({ minimum: 1 })),
});

const Counts = Type.Object({
  compliant: Type.Integer(),
  under_dispensation: Type.Integer(),
  below: Type.Integer(),
});

/** The day asked for (default today), refused when after today; today is recorded on its first read. */
async function dayOf(store: Store, day: string | undefined): Promise<{ day: string; today: string }> {
  const today = await supervisionToday(store.db);
  const d = day ?? today;
  if (d > today)
    throw AppError.invalid(`day ${d} is after today (${today}): supervision is recorded up to today`, [
      { field: 'day', value: d, expected: `${today} or earlier`, message: `day ${d} is in the future` },
    ]);
  if (d === today) await ensureSupervised(store.db, today);
  return { day: d, today };
}

function filterOf(day: string, q: Static<typeof ListQuery>): SupervisionFilter {
  return {
    day,
    status: q.status,
    companyId: q.company,
    packageId: q.package,
  };
}

const EXPORT_COLUMNS: readonly ExportColumn<SupervisionDto>[] = [
  { header: 'Dag', value: (r) => r.day, date: true },
  { header: 'Företag', value: (r) => r.company.name },
  { header: 'Förpackning', value: (r) => r.package.name },
  { header: 'NPL-förpackningsid', value: (r) => r.package.nplPackId },
  { header: 'Beslutad volym (förp.)', value: (r) => r.publishedVolume, decimals: 0 },
  { header: 'Gällande volym (förp.)', value: (r) => r.volume, decimals: 0 },
  { header: 'Dispens', value: (r) => (r.dispensationId === null ? null : `#${r.dispensationId}`) },
  { header: 'Eget lager i Sverige (förp.)', value: (r) => r.stock, decimals: 0 },
  { header: 'Status', value: (r) => SUPERVISION_STATUS_NAMES_SV[r.status] },
  { header: 'Underskott (förp.)', value: (r) => r.shortfall, decimals: 0 },
  { header: 'Underskott (kr, AIP)', value: (r) => r.shortfallValueSek, decimals: 2 },
  { header: 'Under sedan', value: (r) => r.belowSince, date: true },
];

function scopeSv(p: Principal): string {
  return companyScopeOf(p) === 'all' ? 'Alla företag' : p.organisationName;
}

/** Supervision of the stockpiling obligation (issue 12 item 4, R1). */
export const supervisionRoutes: FastifyPluginAsyncTypebox<{ store: Store }> = async (app, { store }) => {
  app.get(
    '/supervision',
    {
      config: { permission: 'preparedness:read' },
      schema: {
        tags: ['obligations'],
        summary:
          'Each obligation in force against the stock the company owns in Sweden on a day: compliant, under dispensation, below (by how much, since when). Authorities: every company; a company: its own',
        querystring: Type.Object({ ...PageQuery.properties, ...ListQuery.properties }),
        response: {
          200: Type.Intersect([
            Page(SupervisionDto),
            Type.Object({ day: DateString, today: DateString, counts: Counts }),
          ]),
          ...authErrors,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const { day, today } = await dayOf(store, q.day);
      const { rows, total, counts } = await supervisionList(
        store.db,
        principalOf(request),
        filterOf(day, q),
        {
          limit: q.limit,
          offset: q.offset,
        },
      );
      return { items: rows.map(toDto), total, limit: q.limit, offset: q.offset, day, today, counts };
    },
  );

  app.get(
    '/supervision/history',
    {
      config: { permission: 'preparedness:read' },
      schema: {
        tags: ['obligations'],
        summary: 'One obligation’s daily status from one day to another (at most 366 days)',
        querystring: Type.Object({
          company: Type.Integer({ minimum: 1 }),
          package: Type.Integer({ minimum: 1 }),
          from: DateString,
          to: DateString,
        }),
        response: { 200: Type.Object({ items: Type.Array(SupervisionDto) }), ...authErrors },
      },
    },
    async (request) => {
      const q = request.query;
      const span = (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000;
      if (!(span >= 0 && span <= 366))
        throw AppError.invalid(`from ${q.from} to ${q.to}: expected 0 to 366 days`, [
          {
            field: 'to',
            value: q.to,
            expected: `a day from ${q.from} to 366 days after it`,
            message: 'bad span',
          },
        ]);
      const rows = await supervisionHistory(store.db, principalOf(request), {
        companyId: q.company,
        packageId: q.package,
        from: q.from,
        to: q.to,
      });
      return { items: rows.map(toDto) };
    },
  );

  app.get(
    '/supervision/export',
    {
      config: { permission: 'preparedness:read' },
      schema: {
        tags: ['obligations'],
        summary:
          'The supervision list of a day as CSV or XLSX (status=below: the deviations), with the same filters as GET /supervision',
        querystring: Type.Object({
          format: StringEnum(['csv', 'xlsx'] as const),
          ...ListQuery.properties,
        }),
        produces: ['text/csv', XLSX_TYPE],
        response: {
          200: Type.String({ description: 'the file (text/csv or XLSX), marked with its information class' }),
          ...authErrors,
        },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const p = principalOf(request);
      const { day } = await dayOf(store, q.day);
      const { rows } = await supervisionList(store.db, p, filterOf(day, q), null);
      const onlyBelow = q.status !== undefined && q.status.length === 1 && q.status[0] === 'below';
      return sendExport(
        reply,
        {
          name: onlyBelow ? 'tillsyn-avvikelser' : 'tillsyn',
          title: onlyBelow
            ? 'Tillsyn av lagerhållningsskyldighet: avvikelser'
            : 'Tillsyn av lagerhållningsskyldighet',
          // One company's business: need to know (src/domain/access.ts classOfAnswer, location detail).
          classification: 'protected',
          today: day,
          scope: scopeSv(p),
          columns: EXPORT_COLUMNS,
          rows: rows.map(toDto),
        },
        q.format,
      );
    },
  );
};
