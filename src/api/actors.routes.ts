import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { mayImportRegister, sumByOwnerAndHolder, type ActorRegister } from '../domain/actors.js';
import { AppError } from '../domain/errors.js';
import { importLocations, importOrganisations, type RegisterImportResult } from '../ingest/actors.js';
import type { Store } from '../store/database.js';
import { mayNameLocation, ownedStockOfPackage } from '../store/stock-owner.repository.js';
import { principalOf } from './auth.js';
import { authErrors, ErrorResponse, StringEnum } from './common.js';

const CSV_TYPES = ['text/csv', 'application/csv', 'text/plain'];

const RegisterChangeDto = Type.Object({
  code: Type.String(),
  action: StringEnum(['created', 'updated', 'closed', 'reopened'] as const),
  fields: Type.Optional(
    Type.Array(Type.Object({ field: Type.String(), from: Type.Unknown(), to: Type.Unknown() })),
  ),
});

export const RegisterImportDto = Type.Object({
  register: StringEnum(['organisations', 'locations'] as const),
  fileName: Type.Union([Type.String(), Type.Null()]),
  contentSha256: Type.String(),
  rows: Type.Integer(),
  created: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  closed: Type.Integer(),
  reopened: Type.Integer(),
  changes: Type.Array(RegisterChangeDto),
  auditId: Type.Integer({ description: 'the audit entry of this import' }),
});

const OrganisationRefDto = Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String() });

export const StockByOwnerDto = Type.Object({
  package: Type.Object({ id: Type.Integer(), nplPackId: Type.String() }),
  total: Type.Number({ description: 'packages in the lines the caller may see' }),
  byOwner: Type.Array(
    Type.Object({
      organisation: OrganisationRefDto,
      quantity: Type.Number(),
      heldByOthers: Type.Number({ description: 'the part held at another organisation’s locations' }),
    }),
  ),
  byHolder: Type.Array(
    Type.Object({
      organisation: OrganisationRefDto,
      quantity: Type.Number(),
      ownedByOthers: Type.Number({ description: 'the part that belongs to another organisation' }),
    }),
  ),
  lines: Type.Array(
    Type.Object({
      location: Type.Union([Type.Object({ code: Type.String(), name: Type.String() }), Type.Null()], {
        description: 'null for a classified location the caller may not see named',
      }),
      owner: OrganisationRefDto,
      holder: OrganisationRefDto,
      quantity: Type.Number(),
    }),
  ),
});

/**
 * The registers of actors and places (issue 9 items 3 and 5) and stock by owner (item 4).
 * Importing a register is for its owning authority (Läkemedelsverket, src/domain/actors.ts
 * REGISTER_OWNER) and administrators; the route's permission is `catalogue:read` and the handler
 * checks `mayImportRegister`, so that no new permission is needed.
 */
export const actorsRoutes: FastifyPluginAsyncTypebox<{ store: Store }> = async (app, { store }) => {
  app.addContentTypeParser(CSV_TYPES, { parseAs: 'buffer' }, (_request, body, done) => {
    done(null, body);
  });

  const importRoute = (register: ActorRegister, run: typeof importOrganisations) =>
    app.post(
      `/registers/${register}`,
      {
        config: { permission: 'catalogue:read' },
        schema: {
          tags: ['registers'],
          summary: `Import the ${register} register from CSV (all or nothing; changes reported and audited)`,
          description:
            'The body is the CSV file as is (comma or semicolon, UTF-8). Only the owning authority ' +
            '(Läkemedelsverket) and administrators may import. See docs/master-data.md for the columns.',
          consumes: CSV_TYPES,
          querystring: Type.Object({
            fileName: Type.Optional(Type.String({ maxLength: 255 })),
            complete: Type.Optional(
              Type.Boolean({
                description:
                  'locations: the file is the whole register; locations it does not name are closed',
              }),
            ),
          }),
          response: { 200: RegisterImportDto, 413: ErrorResponse, ...authErrors },
        },
      },
      async (request): Promise<RegisterImportResult> => {
        const principal = principalOf(request);
        if (!mayImportRegister(principal, register))
          throw AppError.forbidden(
            `only Läkemedelsverket (coordinator or reporter) or an administrator may import the ${register} register`,
          );
        const body = request.body;
        if (!(body instanceof Buffer) || body.length === 0)
          throw AppError.invalid('the file is empty', [
            { field: 'body', expected: 'a CSV file with a header line', message: 'the request has no body' },
          ]);
        return run(store, {
          bytes: body,
          fileName: request.query.fileName ?? null,
          complete: request.query.complete,
          actor: { tokenId: principal.tokenId, organisationId: principal.organisationId },
        });
      },
    );
  importRoute('organisations', importOrganisations);
  importRoute('locations', importLocations);

  app.get(
    '/stock/by-owner',
    {
      config: { permission: 'picture:read' },
      schema: {
        tags: ['picture'],
        summary: 'Current stock of a package by owner and by holder (stock held for someone else)',
        description:
          'Authorities and Nationellt CT see every line; any other organisation the lines it owns or holds ' +
          '(a wholesaler its warehouses, a company its stock wherever held). Totals are of the visible lines.',
        querystring: Type.Object({
          package: Type.String({ minLength: 1, maxLength: 40, description: 'NPL pack id' }),
        }),
        response: { 200: StockByOwnerDto, ...authErrors },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const pkg = await store.db
        .selectFrom('package')
        .select(['id', 'npl_pack_id'])
        .where('npl_pack_id', '=', request.query.package)
        .executeTakeFirst();
      if (!pkg) throw AppError.notFound(`package ${request.query.package}`);
      const lines = await ownedStockOfPackage(store.db, principal, pkg.id);
      const ids = [...new Set(lines.flatMap((l) => [l.ownerId, l.holderId]))];
      const orgs =
        ids.length === 0
          ? []
          : await store.db
              .selectFrom('organisation')
              .select(['id', 'code', 'name'])
              .where('id', 'in', ids)
              .execute();
      const org = new Map(orgs.map((o) => [o.id, o]));
      const ref = (id: number) => {
        const o = org.get(id);
        return { id, code: o?.code ?? '', name: o?.name ?? '' };
      };
      const sums = sumByOwnerAndHolder(lines);
      return {
        package: { id: pkg.id, nplPackId: pkg.npl_pack_id },
        total: sums.total,
        byOwner: sums.byOwner.map((s) => ({
          organisation: ref(s.organisationId),
          quantity: s.quantity,
          heldByOthers: s.apart,
        })),
        byHolder: sums.byHolder.map((s) => ({
          organisation: ref(s.organisationId),
          quantity: s.quantity,
          ownedByOthers: s.apart,
        })),
        lines: lines.map((l) => ({
          location: mayNameLocation(principal, l) ? { code: l.locationCode, name: l.locationName } : null,
          owner: ref(l.ownerId),
          holder: ref(l.holderId),
          quantity: l.quantity,
        })),
      };
    },
  );
};
