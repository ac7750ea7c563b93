import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../domain/errors.js';
import {
  importableRegisters,
  mayImportRegister,
  REGISTER_OWNER_NAMES,
  REGISTERS,
  versionChanges,
  type PackageSnapshot,
  type Register,
} from '../domain/master-data.js';
import { importNpl } from '../ingest/npl/import.service.js';
import { zipSource } from '../ingest/npl/source.js';
import { importPrioritisedList } from '../ingest/prioritised-list.js';
import type { Store } from '../store/database.js';
import {
  findImport,
  listImports,
  organisationNames,
  packageHistory,
  packageOnDate,
  registerRecord,
  type PackageVersionView,
} from '../store/master-data.repository.js';
import { principalOf } from './auth.js';
import { authErrors, ErrorResponse, Page, PageQuery, StringEnum } from './common.js';

const ProblemDto = Type.Object({
  at: Type.Optional(Type.Union([Type.String(), Type.Number()])),
  field: Type.Optional(Type.String()),
  value: Type.Optional(Type.Unknown()),
  expected: Type.Optional(Type.String()),
  message: Type.String(),
});

const DateString = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });

export const ImportDto = Type.Object(
  {
    id: Type.Integer(),
    register: Type.String({ description: "'npl' or 'prioritised_list'" }),
    status: StringEnum(['accepted', 'rejected'] as const),
    source: Type.String({ description: 'the file or export as the sender named it' }),
    contentSha256: Type.String(),
    asOf: Type.String({ description: "the export's date (NPL) or the version's valid-from (list)" }),
    mode: Type.Union([Type.String(), Type.Null()], { description: "NPL: 'total' or 'delta'" }),
    organisationId: Type.Union([Type.Integer(), Type.Null()], { description: 'null: the CLI operator' }),
    organisationName: Type.Union([Type.String(), Type.Null()], {
      description: 'who sent it; null: the CLI operator',
    }),
    userName: Type.Union([Type.String(), Type.Null()], {
      description: "the token's user; null: the CLI operator",
    }),
    summary: Type.Record(Type.String(), Type.Number(), {
      description: 'counts, e.g. products, packages, added, changed, unchanged, withdrawn',
    }),
    changes: Type.Optional(
      Type.Unknown({
        description:
          'NPL: { added: [nplPackId], changed: [{ nplPackId, fields }], withdrawn: [{ nplPackId, stockOrSales }] }; ' +
          'list: { version, validFrom, previous }',
      }),
    ),
    warnings: Type.Array(ProblemDto),
    problems: Type.Array(ProblemDto),
    problemCount: Type.Integer(),
    receivedAt: Type.String({ format: 'date-time' }),
  },
  { description: 'An import of a register and what it changed' },
);
type ImportDto = Static<typeof ImportDto>;

function toImportDto(
  r:
    | NonNullable<Awaited<ReturnType<typeof findImport>>>
    | Omit<NonNullable<Awaited<ReturnType<typeof findImport>>>, 'changes'>,
): ImportDto {
  return {
    id: r.id,
    register: r.register,
    status: r.status,
    source: r.source,
    contentSha256: r.content_sha256,
    asOf: r.as_of,
    mode: r.mode,
    organisationId: r.organisation_id,
    organisationName: r.organisation_name,
    userName: r.user_name,
    summary: r.summary,
    ...('changes' in r ? { changes: r.changes } : {}),
    warnings: r.warnings,
    problems: r.problems,
    problemCount: r.problem_count,
    receivedAt: new Date(r.received_at).toISOString(),
  };
}

const PackageVersionDto = Type.Object({
  validFrom: Type.Union([DateString, Type.Null()], { description: 'null: since before the history began' }),
  validTo: Type.Union([DateString, Type.Null()], { description: 'exclusive; null while current' }),
  importId: Type.Union([Type.Integer(), Type.Null()]),
  nplPackId: Type.String(),
  nplId: Type.String(),
  name: Type.String(),
  atcCode: Type.String(),
  substance: Type.String(),
  form: Type.String(),
  strength: Type.String(),
  species: Type.String(),
  productClass: Type.Union([Type.String(), Type.Null()]),
  holderId: Type.Integer({ description: 'the marketing authorisation holder (organisation id)' }),
  sellerId: Type.Integer({ description: 'who sells the package: the holder or a parallel importer' }),
  nordicArticleNumber: Type.Union([Type.String(), Type.Null()]),
  gtin: Type.Union([Type.String(), Type.Null()]),
  packSize: Type.Number(),
  packUnit: Type.String(),
  description: Type.String(),
  parallelTraded: Type.Boolean(),
  licence: Type.Boolean(),
  marketStatus: StringEnum(['marketed', 'sales_stopped', 'withdrawn'] as const),
});

const toVersionDto = (v: PackageVersionView): Static<typeof PackageVersionDto> => {
  const snapshot: PackageSnapshot = v;
  return { ...snapshot, validFrom: v.validFrom, validTo: v.validTo, importId: v.importId };
};

const OrganisationRef = Type.Object({ id: Type.Integer(), name: Type.String() });

const RegisterPackageDto = Type.Object({
  nplPackId: Type.String(),
  nplId: Type.String({ description: 'the medicinal product in NPL' }),
  nordicArticleNumber: Type.Union([Type.String(), Type.Null()]),
  gtin: Type.Union([Type.String(), Type.Null()]),
  description: Type.String({ description: 'the pack text' }),
  packSize: Type.Number(),
  packUnit: Type.String(),
  name: Type.String(),
  strength: Type.String(),
  form: Type.String(),
  atcCode: Type.String(),
  substance: Type.String(),
  species: StringEnum(['human', 'veterinary'] as const),
  productClass: Type.Union([Type.String(), Type.Null()], { description: "NPL product class, e.g. 'LIC'" }),
  holder: OrganisationRef,
  seller: OrganisationRef,
  licence: Type.Boolean(),
  parallelTraded: Type.Boolean(),
  marketStatus: StringEnum(['marketed', 'sales_stopped', 'withdrawn'] as const),
});

const FieldChangeDto = Type.Object({
  field: Type.String({ description: "a field of the package, e.g. 'packSize', 'marketStatus', 'holder'" }),
  from: Type.Unknown(),
  to: Type.Unknown(),
});

export const RegisterRecordDto = Type.Object(
  {
    packageId: Type.Integer(),
    fromRegister: Type.Boolean({
      description: 'false: no NPL import has written the package (synthetic or hand-made data only)',
    }),
    current: Type.Intersect([
      RegisterPackageDto,
      Type.Object({ withdrawnOn: Type.Union([DateString, Type.Null()]) }),
    ]),
    versions: Type.Array(
      Type.Intersect([
        RegisterPackageDto,
        Type.Object({
          validFrom: Type.Union([DateString, Type.Null()], {
            description: 'null: since before the history began',
          }),
          validTo: Type.Union([DateString, Type.Null()], { description: 'exclusive; null while current' }),
          importId: Type.Union([Type.Integer(), Type.Null()]),
          changes: Type.Array(FieldChangeDto, {
            description: 'what differs from the version before (empty for the first)',
          }),
        }),
      ]),
      { description: 'oldest first' },
    ),
  },
  { description: "A package's record in the product register (NPL) and its history" },
);
type RegisterRecordDto = Static<typeof RegisterRecordDto>;

function toRegisterPackageDto(
  s: PackageSnapshot,
  names: ReadonlyMap<number, string>,
): Static<typeof RegisterPackageDto> {
  const org = (id: number) => ({ id, name: names.get(id) ?? `#${id}` });
  return {
    nplPackId: s.nplPackId,
    nplId: s.nplId,
    nordicArticleNumber: s.nordicArticleNumber,
    gtin: s.gtin,
    description: s.description,
    packSize: s.packSize,
    packUnit: s.packUnit,
    name: s.name,
    strength: s.strength,
    form: s.form,
    atcCode: s.atcCode,
    substance: s.substance,
    species: s.species,
    productClass: s.productClass,
    holder: org(s.holderId),
    seller: org(s.sellerId),
    licence: s.licence,
    parallelTraded: s.parallelTraded,
    marketStatus: s.marketStatus,
  };
}

/** A changed field as the API names it: the holder and seller by organisation, not by id. */
function changeDto(
  c: ReturnType<typeof versionChanges>[number],
  names: ReadonlyMap<number, string>,
): Static<typeof FieldChangeDto> {
  if (c.field === 'holderId' || c.field === 'sellerId') {
    const name = (v: unknown) => (typeof v === 'number' ? (names.get(v) ?? `#${v}`) : v);
    return { field: c.field === 'holderId' ? 'holder' : 'seller', from: name(c.from), to: name(c.to) };
  }
  return { field: c.field, from: c.from, to: c.to };
}

const ZIP_TYPES = ['application/zip', 'application/x-zip-compressed', 'application/octet-stream'];
const CSV_TYPES = ['text/csv', 'application/csv', 'text/plain'];
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The NPL export can be large: its zip file may be up to this many bytes. */
const NPL_BODY_LIMIT = 512 * 1024 * 1024;

function requireOwner(request: FastifyRequest, register: Register): ReturnType<typeof principalOf> {
  const principal = principalOf(request);
  if (!mayImportRegister(principal, register)) {
    throw AppError.forbidden(
      `only ${REGISTER_OWNER_NAMES[register]} (or an administrator) imports the ${register === 'npl' ? 'NPL product register' : 'prioritised list'}`,
    );
  }
  return principal;
}

function bodyOf(request: FastifyRequest, expected: string): Buffer {
  const body = request.body;
  if (!(body instanceof Buffer) || body.length === 0)
    throw AppError.invalid('the request has no body', [
      { field: 'body', expected, message: 'the request has no body' },
    ]);
  return body;
}

/**
 * Master data from its owners: Läkemedelsverket's NPL export (the zip file as published) and
 * Socialstyrelsen's prioritised list (CSV or XLSX), each accepted whole or refused whole; the imports
 * with what they changed; and what a package was on a given date.
 */
export const masterDataRoutes: FastifyPluginAsyncTypebox<{ store: Store }> = async (app, { store }) => {
  app.addContentTypeParser([...ZIP_TYPES, XLSX_TYPE], { parseAs: 'buffer' }, (_request, body, done) => {
    done(null, body);
  });
  app.removeContentTypeParser(['text/plain']);
  app.addContentTypeParser(CSV_TYPES, { parseAs: 'buffer' }, (_request, body, done) => {
    done(null, body);
  });

  app.post(
    '/master-data/npl',
    {
      bodyLimit: NPL_BODY_LIMIT,
      config: { permission: 'master-data:import' },
      schema: {
        tags: ['master data'],
        summary: "Import Läkemedelsverket's product register (NPL): the export's zip file as published",
        description:
          'Only Läkemedelsverket (a role that writes) or an administrator. The body is the zip file ' +
          '(Productdata/*.xml, one npl:medprod per product, and Lexicondata/*.xml). Accepted whole or refused ' +
          'whole, every problem with file, line, XML path and what was expected. A total export withdraws the ' +
          'packages it no longer names (never deleting one); a delta export withdraws nothing. See docs/master-data.md.',
        consumes: ZIP_TYPES,
        querystring: Type.Object({
          asOf: Type.Optional(DateString),
          mode: Type.Optional(StringEnum(['total', 'delta'] as const, { description: 'default total' })),
          fileName: Type.Optional(Type.String({ maxLength: 255 })),
        }),
        response: { 201: ImportDto, 409: ErrorResponse, 413: ErrorResponse, ...authErrors },
      },
    },
    async (request, reply) => {
      const principal = requireOwner(request, 'npl');
      const body = bodyOf(request, 'the NPL export as a zip file');
      const receipt = await importNpl(store, {
        source: await zipSource(request.query.fileName ?? 'npl.zip', body),
        asOf: request.query.asOf,
        mode: request.query.mode,
        organisationId: principal.organisationId,
        tokenId: principal.tokenId,
      });
      const row = await findImport(store.db, receipt.id);
      if (!row) throw AppError.notFound(`import ${receipt.id}`);
      return reply.status(201).send(toImportDto(row));
    },
  );

  app.post(
    '/master-data/prioritised-list',
    {
      config: { permission: 'master-data:import' },
      schema: {
        tags: ['master data'],
        summary: "Import a version of Socialstyrelsen's list of medicines for care that cannot wait",
        description:
          'Only Socialstyrelsen (a role that writes) or an administrator. The body is the list as CSV (comma ' +
          'or semicolon) or XLSX: a header row with Substans and ATC-kod, and Beredningsform, Vårdområde, ' +
          'Kommentar when given. A stored version is never changed; a new one starts after every stored one and ' +
          '(once a version exists) not before today, so that no past date reads anything new.',
        consumes: [...CSV_TYPES, XLSX_TYPE],
        querystring: Type.Object({
          validFrom: DateString,
          version: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
          publishedOn: Type.Optional(DateString),
          name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
          fileName: Type.Optional(Type.String({ maxLength: 255 })),
        }),
        response: {
          200: Type.Object({ replayed: Type.Literal(true), listId: Type.Integer(), version: Type.String() }),
          201: ImportDto,
          409: ErrorResponse,
          ...authErrors,
        },
      },
    },
    async (request, reply) => {
      const principal = requireOwner(request, 'prioritised_list');
      const body = bodyOf(request, 'the list as CSV or XLSX');
      const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      const receipt = await importPrioritisedList(store, {
        fileName: request.query.fileName ?? 'list',
        body,
        format: type === XLSX_TYPE ? 'xlsx' : 'csv',
        validFrom: request.query.validFrom,
        version: request.query.version,
        publishedOn: request.query.publishedOn,
        name: request.query.name,
        organisationId: principal.organisationId,
        tokenId: principal.tokenId,
      });
      if (receipt.replayed)
        return reply
          .status(200)
          .send({ replayed: true as const, listId: receipt.listId, version: receipt.version });
      const row = await findImport(store.db, receipt.id);
      if (!row) throw AppError.notFound(`import ${receipt.id}`);
      return reply.status(201).send(toImportDto(row));
    },
  );

  app.get(
    '/master-data/imports',
    {
      config: { permission: 'master-data:import' },
      schema: {
        tags: ['master data'],
        summary: 'Imports of the registers, newest first, with their counts (without the change lists)',
        description:
          'For those who may import: the owner of each register (Läkemedelsverket NPL, Socialstyrelsen the ' +
          'list, with a role that writes) sees the imports of its register, an administrator all. Anyone ' +
          'else gets 403.',
        querystring: Type.Object({
          ...PageQuery.properties,
          register: Type.Optional(StringEnum(REGISTERS)),
        }),
        response: { 200: Page(ImportDto), ...authErrors },
      },
    },
    async (request) => {
      const { limit, offset, register } = request.query;
      const visible = importableRegisters(principalOf(request));
      if (visible.length === 0)
        throw AppError.forbidden('only the owner of a register (or an administrator) sees its imports');
      if (register !== undefined && !visible.includes(register)) {
        throw AppError.forbidden(
          `only ${REGISTER_OWNER_NAMES[register]} (or an administrator) sees the imports of the ${register === 'npl' ? 'NPL product register' : 'prioritised list'}`,
        );
      }
      const { rows, total } = await listImports(
        store.db,
        register === undefined ? visible : [register],
        limit,
        offset,
      );
      return { items: rows.map(toImportDto), total, limit, offset };
    },
  );

  app.get(
    '/master-data/imports/:id',
    {
      config: { permission: 'master-data:import' },
      schema: {
        tags: ['master data'],
        summary:
          'One import: what it changed (added, changed with the fields, withdrawn), or why it was refused',
        description:
          'As the list: an import of a register the caller may not import answers 404, as one that does not exist.',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        response: { 200: ImportDto, ...authErrors },
      },
    },
    async (request) => {
      const row = await findImport(store.db, request.params.id);
      const visible = importableRegisters(principalOf(request));
      // Not found and not yours answer the same (STYLE.md, errors).
      if (!row || !(visible as string[]).includes(row.register))
        throw AppError.notFound(`import ${request.params.id}`);
      return toImportDto(row);
    },
  );

  app.get(
    '/master-data/npl/packages/:nplPackId/history',
    {
      config: { permission: 'catalogue:read' },
      schema: {
        tags: ['master data'],
        summary: 'What a package was in the register: every version, and the one in force on a date',
        params: Type.Object({ nplPackId: Type.String({ pattern: '^\\d{1,20}$' }) }),
        querystring: Type.Object({ date: Type.Optional(DateString) }),
        response: {
          200: Type.Object({
            versions: Type.Array(PackageVersionDto),
            onDate: Type.Optional(Type.Union([PackageVersionDto, Type.Null()])),
          }),
          ...authErrors,
        },
      },
    },
    async (request) => {
      const { nplPackId } = request.params;
      const versions = await packageHistory(store.db, nplPackId);
      const date = request.query.date;
      const onDate = date === undefined ? undefined : await packageOnDate(store.db, nplPackId, date);
      if (versions.length === 0 && (date === undefined || onDate === undefined)) {
        const exists = await store.db
          .selectFrom('package')
          .select('id')
          .where('npl_pack_id', '=', nplPackId)
          .executeTakeFirst();
        if (!exists) throw AppError.notFound(`package ${nplPackId}`);
      }
      return {
        versions: versions.map(toVersionDto),
        ...(date === undefined ? {} : { onDate: onDate ? toVersionDto(onDate) : null }),
      };
    },
  );
  app.get(
    '/products/:id/register',
    {
      config: { permission: 'catalogue:read' },
      schema: {
        tags: ['master data'],
        summary:
          "A package's record in the product register (NPL) and its history, by beredskap's package id",
        description:
          'Public register data, for every signed-in caller: the package as it stands (pack, medicine, ' +
          'holder and seller, R1 flags, marketing status) and every version the NPL imports wrote, each with ' +
          'what changed from the one before. `fromRegister` is false for a package no NPL import has written.',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        response: { 200: RegisterRecordDto, ...authErrors },
      },
    },
    async (request): Promise<RegisterRecordDto> => {
      const record = await registerRecord(store.db, request.params.id);
      if (!record) throw AppError.notFound(`package ${request.params.id}`);
      const { current, versions } = record;
      const names = await organisationNames(
        store.db,
        [current, ...versions].flatMap((v) => [v.holderId, v.sellerId]),
      );
      return {
        packageId: current.packageId,
        fromRegister: current.fromRegister,
        current: { ...toRegisterPackageDto(current, names), withdrawnOn: current.withdrawnOn },
        versions: versions.map((v, i) => {
          const before = versions[i - 1];
          return {
            ...toRegisterPackageDto(v, names),
            validFrom: v.validFrom,
            validTo: v.validTo,
            importId: v.importId,
            changes: before ? versionChanges(before, v).map((c) => changeDto(c, names)) : [],
          };
        }),
      };
    },
  );
};
