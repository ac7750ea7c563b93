import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Store } from '../store/database.js';
import { listOrganisations } from '../store/organisation.repository.js';
import { ORGANISATION_KINDS } from '../domain/vocabulary.js';
import { authErrors, Page, PageQuery, StringEnum } from './common.js';

export const OrganisationDto = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  orgNumber: Type.Union([Type.String(), Type.Null()], {
    description: 'organisationsnummer; null for a foreign company known only from the NPL register',
  }),
  name: Type.String(),
  kind: StringEnum(ORGANISATION_KINDS),
  regionCode: Type.Union([Type.String(), Type.Null()]),
  municipalityCode: Type.Union([Type.String(), Type.Null()]),
});

export const organisationRoutes: FastifyPluginAsyncTypebox<{ store: Store }> = async (app, { store }) => {
  app.get(
    '/organisations',
    {
      config: { permission: 'catalogue:read' },
      schema: {
        tags: ['catalogue'],
        summary: 'Actors: authorities, regions, municipalities, wholesalers, pharmacies, companies',
        querystring: Type.Object({
          ...PageQuery.properties,
          kind: Type.Optional(StringEnum(ORGANISATION_KINDS, { description: 'organisation kind' })),
          region: Type.Optional(Type.String({ pattern: '^[0-9]{2}$' })),
          q: Type.Optional(Type.String({ maxLength: 100 })),
        }),
        response: { 200: Page(OrganisationDto), ...authErrors },
      },
    },
    async (request) => {
      const { limit, offset, kind, region, q } = request.query;
      const { rows, total } = await listOrganisations(
        store.db,
        { kind, regionCode: region, q },
        limit,
        offset,
      );
      return {
        items: rows.map((o) => ({
          id: o.id,
          code: o.code,
          orgNumber: o.org_number,
          name: o.name,
          kind: o.kind,
          regionCode: o.region_code,
          municipalityCode: o.municipality_code,
        })),
        total,
        limit,
        offset,
      };
    },
  );
};
