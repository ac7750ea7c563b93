import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError } from '../domain/errors.js';
import type { Store } from '../store/database.js';
import { countLocationsByRegionAndKind } from '../store/location.repository.js';
import { findRegion, listMunicipalities, listRegions } from '../store/region.repository.js';
import type { RegionTable } from '../store/schema.js';
import { principalOf } from './auth.js';
import { authErrors, Page, PageQuery } from './common.js';

export const RegionDto = Type.Object({
  code: Type.String({ description: 'SCB county code, e.g. 01' }),
  name: Type.String(),
  population: Type.Integer(),
  populationDate: Type.String({ format: 'date' }),
  civilArea: Type.String(),
  locationCounts: Type.Record(Type.String(), Type.Integer(), { description: 'visible locations by kind' }),
  locationTotal: Type.Integer(),
});
type RegionDto = Static<typeof RegionDto>;

export const MunicipalityDto = Type.Object({
  code: Type.String({ description: 'SCB municipality code, e.g. 1280' }),
  name: Type.String(),
  regionCode: Type.String(),
  population: Type.Integer(),
});

function toRegionDto(
  row: { code: string; name: string; population: number; population_date: string; civil_area: string },
  counts: Map<string, Record<string, number>>,
): RegionDto {
  const locationCounts = counts.get(row.code) ?? {};
  return {
    code: row.code,
    name: row.name,
    population: row.population,
    populationDate: row.population_date,
    civilArea: row.civil_area,
    locationCounts,
    locationTotal: Object.values(locationCounts).reduce((a, b) => a + b, 0),
  };
}

/** Regions with population and the number of locations of each kind (only those the caller may see). */
export const regionRoutes: FastifyPluginAsyncTypebox<{ store: Store }> = async (app, { store }) => {
  const countsFor = async (request: Parameters<typeof principalOf>[0]) => {
    const rows = await countLocationsByRegionAndKind(store.db, principalOf(request));
    const counts = new Map<string, Record<string, number>>();
    for (const r of rows) {
      const byKind = counts.get(r.region_code) ?? {};
      byKind[r.kind] = Number(r.n);
      counts.set(r.region_code, byKind);
    }
    return counts;
  };

  app.get(
    '/regions',
    {
      config: { permission: 'catalogue:read' },
      schema: {
        tags: ['catalogue'],
        summary: 'The 21 regions with population and locations by kind',
        querystring: PageQuery,
        response: { 200: Page(RegionDto), ...authErrors },
      },
    },
    async (request) => {
      const { limit, offset } = request.query;
      const [regions, counts] = await Promise.all([listRegions(store.db), countsFor(request)]);
      return {
        items: regions
          .slice(offset, offset + limit)
          .map((r: RegionTable & { population_date: string }) => toRegionDto(r, counts)),
        total: regions.length,
        limit,
        offset,
      };
    },
  );

  app.get(
    '/municipalities',
    {
      config: { permission: 'catalogue:read' },
      schema: {
        tags: ['catalogue'],
        summary:
          'The municipalities of the country (or of one region), by name: e.g. a place to measure distance from',
        querystring: Type.Object({
          ...PageQuery.properties,
          region: Type.Optional(Type.String({ pattern: '^[0-9]{2}$', description: 'region code, e.g. 12' })),
        }),
        response: { 200: Page(MunicipalityDto), ...authErrors },
      },
    },
    async (request) => {
      const { limit, offset, region } = request.query;
      const rows = await listMunicipalities(store.db, region ?? null);
      return {
        items: rows.slice(offset, offset + limit).map((m) => ({
          code: m.code,
          name: m.name,
          regionCode: m.region_code,
          population: m.population,
        })),
        total: rows.length,
        limit,
        offset,
      };
    },
  );

  app.get(
    '/regions/:code',
    {
      config: { permission: 'catalogue:read' },
      schema: {
        tags: ['catalogue'],
        summary: 'One region with its municipalities',
        params: Type.Object({ code: Type.String({ pattern: '^[0-9]{2}$' }) }),
        response: {
          200: Type.Intersect([
            RegionDto,
            Type.Object({
              municipalities: Type.Array(
                Type.Object({ code: Type.String(), name: Type.String(), population: Type.Integer() }),
              ),
            }),
          ]),
          ...authErrors,
        },
      },
    },
    async (request) => {
      const region = await findRegion(store.db, request.params.code);
      if (!region) throw AppError.notFound(`region ${request.params.code}`);
      const [municipalities, counts] = await Promise.all([
        listMunicipalities(store.db, region.code),
        countsFor(request),
      ]);
      return {
        ...toRegionDto(region, counts),
        municipalities: municipalities.map((m) => ({ code: m.code, name: m.name, population: m.population })),
      };
    },
  );
};
