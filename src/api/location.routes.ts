import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Store } from '../store/database.js';
import { listLocations } from '../store/location.repository.js';
import { LOCATION_KINDS } from '../domain/vocabulary.js';
import { principalOf } from './auth.js';
import { authErrors, Page, PageQuery, StringEnum } from './common.js';

export const LocationDto = Type.Object({
  id: Type.Integer(),
  code: Type.String({ description: 'the identifier reporters use, e.g. SE-APO-0042' }),
  gln: Type.Union([Type.String(), Type.Null()]),
  name: Type.String(),
  kind: StringEnum(LOCATION_KINDS),
  regionCode: Type.String(),
  municipalityCode: Type.Union([Type.String(), Type.Null()]),
  municipalityName: Type.Union([Type.String(), Type.Null()]),
  latitude: Type.Union([Type.Number(), Type.Null()]),
  longitude: Type.Union([Type.Number(), Type.Null()]),
  organisation: Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String() }),
});

/** Locations that hold stock. Preparedness stocks are listed only to those allowed to know of them. */
export const locationRoutes: FastifyPluginAsyncTypebox<{ store: Store }> = async (app, { store }) => {
  app.get(
    '/locations',
    {
      config: { permission: 'catalogue:read' },
      schema: {
        tags: ['catalogue'],
        summary: 'Locations that hold stock, filtered by region, municipality, kind, owner or text',
        querystring: Type.Object({
          ...PageQuery.properties,
          region: Type.Optional(Type.String({ pattern: '^[0-9]{2}$' })),
          municipality: Type.Optional(Type.String({ pattern: '^[0-9]{4}$' })),
          kind: Type.Optional(StringEnum(LOCATION_KINDS)),
          organisation: Type.Optional(Type.Integer({ minimum: 1 })),
          q: Type.Optional(Type.String({ maxLength: 100 })),
        }),
        response: { 200: Page(LocationDto), ...authErrors },
      },
    },
    async (request) => {
      const { limit, offset, region, municipality, kind, organisation, q } = request.query;
      const { rows, total } = await listLocations(
        store.db,
        principalOf(request),
        { regionCode: region, municipalityCode: municipality, kind, organisationId: organisation, q },
        limit,
        offset,
      );
      return {
        items: rows.map((l) => ({
          id: l.id,
          code: l.code,
          gln: l.gln,
          name: l.name,
          kind: l.kind,
          regionCode: l.region_code,
          municipalityCode: l.municipality_code,
          municipalityName: l.municipality_name,
          latitude: l.latitude,
          longitude: l.longitude,
          organisation: { id: l.organisation_id, code: l.organisation_code, name: l.organisation_name },
        })),
        total,
        limit,
        offset,
      };
    },
  );
};
