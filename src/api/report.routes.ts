import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { seesEverything } from '../domain/access.js';
import { AppError } from '../domain/errors.js';
import {
  INGEST_KINDS,
  LISTED_PROBLEMS,
  type IngestKind,
  type Reporter,
  type ReportFormat,
} from '../domain/report.js';
import { toInventoryReport } from '../ingest/fhir.js';
import { ingestReport, toReceipt, type Receipt } from '../ingest/ingest.service.js';
import { localiseProblem, type MessageLanguage } from '../ingest/messages.js';
import { reportTemplate } from '../ingest/templates.js';
import { parseInstant } from '../ingest/values.js';
import type { Store } from '../store/database.js';
import type { PictureMaintainer } from '../store/picture/maintainer.js';
import { currentSnapshots } from '../store/report-facts.repository.js';
import { currentStockBatchesWithOwnerOfLocation } from '../store/stock-owner.repository.js';
import { findReport, listReports } from '../store/report.repository.js';
import { principalOf } from './auth.js';
import { authErrors, ErrorResponse, Page, PageQuery, requestLanguage, StringEnum } from './common.js';

const ProblemDto = Type.Object({
  at: Type.Optional(Type.Union([Type.String(), Type.Number()])),
  field: Type.Optional(Type.String()),
  value: Type.Optional(Type.Unknown()),
  valueLength: Type.Optional(
    Type.Integer({
      description: 'when value was cut (echoed only in part): the length of the value as sent',
    }),
  ),
  expected: Type.Optional(Type.String()),
  message: Type.String({
    description: 'in the caller’s language (Accept-Language or ?lang=sv|en) when the problem has a code',
  }),
  code: Type.Optional(Type.String({ description: 'stable code in the message catalogue (docs/reports.md)' })),
  params: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]))),
});

export const ReceiptDto = Type.Object(
  {
    id: Type.Integer({ description: 'the receipt (report) id' }),
    kind: StringEnum(INGEST_KINDS),
    format: Type.String({ description: 'csv, json or fhir' }),
    status: StringEnum(['accepted', 'rejected'] as const),
    clientRef: Type.Union([Type.String(), Type.Null()], {
      description: "the reporter's own id of the report",
    }),
    contentSha256: Type.String({ description: 'SHA-256 of the bytes as sent (hex)' }),
    lineCount: Type.Integer({ description: 'lines read' }),
    summary: Type.Record(Type.String(), Type.Number(), {
      description: 'counts per kind, e.g. locations and lines',
    }),
    warnings: Type.Array(ProblemDto, { description: 'accepted but flagged, e.g. a late sales stop (R4)' }),
    problems: Type.Array(ProblemDto, {
      description:
        'why a rejected report was refused (the first 1,000, at most 256 KiB; in a list page the first 3)',
    }),
    problemCount: Type.Integer(),
    byteCount: Type.Union([Type.Integer(), Type.Null()]),
    fileName: Type.Union([Type.String(), Type.Null()]),
    receivedAt: Type.String({ format: 'date-time' }),
    replayed: Type.Boolean({
      description:
        'true: the same report was received before; this is its receipt and nothing was counted again',
    }),
  },
  { description: 'The receipt of a report' },
);
export type ReceiptDto = Static<typeof ReceiptDto>;

function toReceiptDto(r: Receipt, lang: MessageLanguage): ReceiptDto {
  return {
    id: r.id,
    kind: r.kind,
    format: r.format,
    status: r.status,
    clientRef: r.clientRef,
    contentSha256: r.contentSha256,
    lineCount: r.lineCount,
    summary: r.summary,
    warnings: r.warnings.map((p) => localiseProblem(p, lang)),
    problems: r.problems.map((p) => localiseProblem(p, lang)),
    problemCount: r.problemCount,
    byteCount: r.byteCount,
    fileName: r.fileName,
    receivedAt: r.receivedAt,
    replayed: r.replayed,
  };
}

/** URL segment per kind; `inventory-report` takes its kind from the FHIR countType. */
const KIND_OF_PATH = {
  'stock-snapshots': 'stock_snapshot',
  'stock-differences': 'stock_difference',
  sales: 'sales',
  'expected-deliveries': 'expected_delivery',
  'shortage-notices': 'shortage_notice',
  'inventory-reports': undefined,
} as const satisfies Record<string, IngestKind | undefined>;
const REPORT_PATHS = Object.keys(KIND_OF_PATH) as (keyof typeof KIND_OF_PATH)[];

const CSV_TYPES = ['text/csv', 'application/csv', 'text/plain'];
const FHIR_TYPES = ['application/fhir+json'];

function formatOf(request: FastifyRequest): ReportFormat {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (CSV_TYPES.includes(type)) return 'csv';
  if (FHIR_TYPES.includes(type)) return 'fhir';
  if (type === 'application/json') return 'json';
  throw AppError.invalid(
    `unsupported content type '${type}': send text/csv, application/json or application/fhir+json`,
    [
      {
        field: 'content-type',
        value: type,
        expected: 'text/csv, application/json or application/fhir+json',
        message: `unsupported content type '${type}'`,
      },
    ],
  );
}

export const StockItemDto = Type.Object({
  nplPackId: Type.String(),
  gtin: Type.Union([Type.String(), Type.Null()]),
  name: Type.String(),
  batch: Type.Union([Type.String(), Type.Null()]),
  expiry: Type.Union([Type.String(), Type.Null()]),
  stockLevel: Type.Integer(),
  quantity: Type.Number(),
  asOf: Type.String({ format: 'date-time' }),
  owner: Type.Optional(
    Type.String({
      description: "code of the organisation whose stock it is; absent: the location's own (issue 9 item 4)",
    }),
  ),
});

export const CurrentStockDto = Type.Object({
  location: Type.Object({ code: Type.String(), name: Type.String() }),
  countedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'time of the current snapshot',
  }),
  items: Type.Array(StockItemDto),
});

/**
 * Reports in: POST a file (CSV, JSON or FHIR R5 InventoryReport; the format by content type), get a
 * receipt or every problem; list the organisation's reports; read a location's current stock back.
 */
export const reportRoutes: FastifyPluginAsyncTypebox<{
  store: Store;
  picture?: PictureMaintainer | undefined;
}> = async (app, { store, picture }) => {
  // Raw bodies: the checksum is of the bytes as sent, and CSV streams through our own reader.
  // Scoped to this plugin; the app's bodyLimit applies (413 too_large).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    [...CSV_TYPES, ...FHIR_TYPES, 'application/json'],
    { parseAs: 'buffer' },
    (_request, body, done) => {
      done(null, body);
    },
  );

  app.post(
    '/reports/:kind',
    {
      config: { permission: 'report:write' },
      schema: {
        tags: ['reports'],
        summary:
          'Send a report: stock snapshot or difference, sales, expected deliveries or shortage notices',
        description:
          'The body is the file as is: `text/csv` (comma or semicolon, UTF-8 with or without BOM), ' +
          '`application/json` or `application/fhir+json` (an R5 InventoryReport; to `inventory-reports` or the ' +
          'stock kinds). A report is accepted whole or refused whole, with every problem listed (first 1,000). ' +
          'Sending the same report again (same `Idempotency-Key`/`clientRef`, or the same bytes) answers 200 ' +
          'with the first receipt and counts nothing twice. See docs/reports.md for the columns.',
        consumes: [...CSV_TYPES, 'application/json', ...FHIR_TYPES],
        params: Type.Object({ kind: StringEnum(REPORT_PATHS) }),
        querystring: Type.Object({
          clientRef: Type.Optional(
            Type.String({
              minLength: 1,
              maxLength: 200,
              description: 'your id of this report (or the Idempotency-Key header)',
            }),
          ),
          countedAt: Type.Optional(
            Type.String({
              description: 'counted_at for stock lines without one, e.g. 2026-03-01T06:00:00+01:00',
            }),
          ),
          fileName: Type.Optional(Type.String({ maxLength: 255 })),
        }),
        headers: Type.Object({
          'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        }),
        response: { 200: ReceiptDto, 201: ReceiptDto, 409: ErrorResponse, 413: ErrorResponse, ...authErrors },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const format = formatOf(request);
      const body = request.body;
      if (!(body instanceof Buffer) || body.length === 0) {
        throw AppError.invalid('the report is empty', [
          { field: 'body', expected: 'a CSV, JSON or FHIR document', message: 'the request has no body' },
        ]);
      }
      const headerRef = request.headers['idempotency-key'];
      const queryRef = request.query.clientRef;
      if (headerRef && queryRef && headerRef !== queryRef) {
        throw AppError.invalid('Idempotency-Key and clientRef differ', [
          {
            field: 'clientRef',
            value: queryRef,
            expected: headerRef,
            message: 'Idempotency-Key and clientRef name different reports',
          },
        ]);
      }
      let countedAt: number | undefined;
      if (request.query.countedAt !== undefined) {
        countedAt = parseInstant(request.query.countedAt);
        if (countedAt === undefined) {
          throw AppError.invalid(`countedAt '${request.query.countedAt}' is not a date and time`, [
            {
              field: 'countedAt',
              value: request.query.countedAt,
              expected: 'e.g. 2026-03-01T06:00:00+01:00',
              message: 'countedAt is not a date and time',
            },
          ]);
        }
      }
      const reporter: Reporter = principal;
      const receipt = await ingestReport(store, {
        reporter,
        kind: KIND_OF_PATH[request.params.kind],
        format,
        body,
        clientRef: headerRef ?? queryRef,
        countedAt,
        fileName: request.query.fileName,
        tokenId: principal.tokenId,
      });
      if (picture !== undefined && !receipt.replayed) {
        // The picture follows in the background: the receipt does not wait for it.
        picture.afterReport(receipt.id).catch((err: unknown) => {
          request.log.error({ err, report: receipt.id }, 'could not queue the picture refresh');
        });
      }
      return reply.status(receipt.replayed ? 200 : 201).send(toReceiptDto(receipt, requestLanguage(request)));
    },
  );

  app.get(
    '/reports/templates/:kind',
    {
      config: { permission: 'report:write' },
      schema: {
        tags: ['reports'],
        summary: 'A CSV template of a report kind: the header and one example line of your own codes',
        description:
          'The example line uses one of your locations, a package you may report on (your own for a ' +
          'company) and days around today, so the template is accepted as it is. `columns=sv` gives the ' +
          'Swedish column names (docs/reports.md).',
        produces: ['text/csv'],
        params: Type.Object({
          kind: StringEnum(REPORT_PATHS.filter((p) => KIND_OF_PATH[p] !== undefined)),
        }),
        querystring: Type.Object({
          columns: Type.Optional(StringEnum(['en', 'sv'] as const, { description: 'default en' })),
        }),
        response: { 200: Type.String({ description: 'text/csv' }), ...authErrors },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const kind = KIND_OF_PATH[request.params.kind];
      if (kind === undefined) throw AppError.notFound(`template ${request.params.kind}`);
      const columns = request.query.columns ?? 'en';
      const csv = await reportTemplate(store.db, principal, kind, columns, new Date());
      const name = `mall-${request.params.kind}${columns === 'sv' ? '-sv' : ''}.csv`;
      return reply
        .header('content-disposition', `attachment; filename="${name}"`)
        .type('text/csv; charset=utf-8')
        .send(csv);
    },
  );

  app.get(
    '/reports',
    {
      config: { permission: 'report:read' },
      schema: {
        tags: ['reports'],
        summary: "Your organisation's reports and their status, newest first",
        description:
          'At most 500 per page. Each report shows its first 3 problems and warnings and says how many more ' +
          'there are; GET /api/reports/{id} lists all that were kept.',
        querystring: Type.Object({
          ...PageQuery.properties,
          kind: Type.Optional(StringEnum(INGEST_KINDS)),
          status: Type.Optional(StringEnum(['accepted', 'rejected'] as const)),
        }),
        response: { 200: Page(ReceiptDto), ...authErrors },
      },
    },
    async (request) => {
      const { limit, offset, kind, status } = request.query;
      const { rows, total } = await listReports(
        store.db,
        principalOf(request).organisationId,
        { kind, status },
        limit,
        offset,
        LISTED_PROBLEMS,
      );
      // A page stays small whatever was sent: each report shows its first few problems and warnings.
      const items = rows.map((r) => {
        const dto = toReceiptDto(toReceipt(r), requestLanguage(request));
        const more = (n: number, what: string) => ({
          message: `… and ${n} more ${what}: GET /api/reports/${r.id} lists them`,
        });
        if (r.problem_count > LISTED_PROBLEMS)
          dto.problems = [
            ...dto.problems.slice(0, LISTED_PROBLEMS),
            more(r.problem_count - LISTED_PROBLEMS, 'problems'),
          ];
        if (r.warning_count > LISTED_PROBLEMS)
          dto.warnings = [
            ...dto.warnings.slice(0, LISTED_PROBLEMS),
            more(r.warning_count - LISTED_PROBLEMS, 'warnings'),
          ];
        return dto;
      });
      return { items, total, limit, offset };
    },
  );

  app.get(
    '/reports/:id',
    {
      config: { permission: 'report:read' },
      schema: {
        tags: ['reports'],
        summary: 'One of your reports: its receipt, or why it was refused',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        response: { 200: ReceiptDto, ...authErrors },
      },
    },
    async (request) => {
      const row = await findReport(store.db, principalOf(request).organisationId, request.params.id);
      if (!row) throw AppError.notFound(`report ${request.params.id}`);
      return toReceiptDto(toReceipt(row), requestLanguage(request));
    },
  );

  /** The location, if the caller may read its stock: its owner, or those who see everything. */
  const readableLocation = async (request: FastifyRequest, code: string) => {
    const principal = principalOf(request);
    const location = await store.db
      .selectFrom('location')
      .select(['id', 'code', 'gln', 'name', 'organisation_id'])
      .where('code', '=', code)
      .executeTakeFirst();
    if (!location || (location.organisation_id !== principal.organisationId && !seesEverything(principal))) {
      throw AppError.notFound(`location ${code}`);
    }
    return location;
  };

  /** The current stock, and when it was last counted: the snapshot, or a later difference. */
  const stockOf = async (locationId: number) => {
    const [rows, snapshots] = await Promise.all([
      currentStockBatchesWithOwnerOfLocation(store.db, locationId),
      currentSnapshots(store.db, [locationId]),
    ]);
    let countedAt: number | null = snapshots[0] ? new Date(snapshots[0].counted_at).getTime() : null;
    for (const r of rows) countedAt = Math.max(countedAt ?? 0, new Date(r.as_of).getTime());
    return { rows, countedAt };
  };

  app.get(
    '/stock/:location',
    {
      config: { permission: 'report:read' },
      schema: {
        tags: ['reports'],
        summary:
          'Current stock of one of your locations: the newest snapshot plus the differences reported after it',
        params: Type.Object({
          location: Type.String({ maxLength: 60, description: 'location code, e.g. SE-APO-0042' }),
        }),
        response: { 200: CurrentStockDto, ...authErrors },
      },
    },
    async (request) => {
      const location = await readableLocation(request, request.params.location);
      const { rows, countedAt } = await stockOf(location.id);
      return {
        location: { code: location.code, name: location.name },
        countedAt: countedAt ? new Date(countedAt).toISOString() : null,
        items: rows.map((r) => ({
          nplPackId: r.npl_pack_id,
          gtin: r.gtin,
          name: r.name,
          batch: r.batch,
          expiry: r.expiry,
          stockLevel: r.stock_level,
          quantity: r.quantity,
          asOf: new Date(r.as_of).toISOString(),
          ...(r.owner !== null ? { owner: r.owner } : {}),
        })),
      };
    },
  );

  app.get(
    '/stock/:location/inventory-report',
    {
      config: { permission: 'report:read' },
      schema: {
        tags: ['reports'],
        summary: 'Current stock of one of your locations as a FHIR R5 InventoryReport (countType snapshot)',
        params: Type.Object({ location: Type.String({ maxLength: 60 }) }),
        response: {
          200: Type.Unknown({ description: 'application/fhir+json InventoryReport' }),
          ...authErrors,
        },
      },
    },
    async (request, reply) => {
      const location = await readableLocation(request, request.params.location);
      const { rows, countedAt } = await stockOf(location.id);
      const report = toInventoryReport(
        location,
        countedAt ? new Date(countedAt) : null,
        rows.map((r) => ({
          nplPackId: r.npl_pack_id,
          gtin: r.gtin,
          name: r.name,
          batch: r.batch,
          expiry: r.expiry,
          stockLevel: r.stock_level,
          quantity: r.quantity,
          owner: r.owner,
        })),
        new Date(),
      );
      return reply.type('application/fhir+json').send(JSON.stringify(report));
    },
  );
};
