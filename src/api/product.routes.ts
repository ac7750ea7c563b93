import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError } from '../domain/errors.js';
import type { Store } from '../store/database.js';
import {
  findProduct,
  listProductLists,
  searchProducts,
  type ProductRow,
} from '../store/product.repository.js';
import { authErrors, Page, PageQuery, StringEnum } from './common.js';

export const ProductDto = Type.Object({
  id: Type.Integer(),
  nplPackId: Type.String(),
  nplId: Type.String(),
  nordicArticleNumber: Type.Union([Type.String(), Type.Null()]),
  gtin: Type.Union([Type.String(), Type.Null()]),
  kind: Type.String(),
  name: Type.String(),
  substance: Type.String(),
  atcCode: Type.String(),
  form: Type.String(),
  strength: Type.String(),
  packSize: Type.Number(),
  packUnit: Type.String(),
  description: Type.String(),
  priceSek: Type.Union([Type.Number(), Type.Null()]),
  species: Type.String(),
  parallelTraded: Type.Boolean(),
  licence: Type.Boolean(),
  withdrawnOn: Type.Union([Type.String(), Type.Null()]),
  company: Type.Object({ id: Type.Integer(), name: Type.String() }),
});
type ProductDto = Static<typeof ProductDto>;

export function toProductDto(r: ProductRow): ProductDto {
  return {
    id: r.id,
    nplPackId: r.npl_pack_id,
    nplId: r.npl_id,
    nordicArticleNumber: r.nordic_article_number,
    gtin: r.gtin,
    kind: r.kind,
    name: r.name,
    substance: r.substance,
    atcCode: r.atc_code,
    form: r.form,
    strength: r.strength,
    packSize: r.pack_size,
    packUnit: r.pack_unit,
    description: r.description,
    priceSek: r.price_sek,
    species: r.species,
    parallelTraded: r.parallel_traded,
    licence: r.licence,
    withdrawnOn: r.withdrawn_on,
    company: { id: r.company_id, name: r.company_name },
  };
}

/** The product catalogue: public to every signed-in caller. */
export const productRoutes: FastifyPluginAsyncTypebox<{ store: Store }> = async (app, { store }) => {
  app.get(
    '/products',
    {
      config: { permission: 'catalogue:read' },
      schema: {
        tags: ['catalogue'],
        summary: 'Search packages by name, substance, ATC code, NPL pack id, Nordic article number or GTIN',
        querystring: Type.Object({
          ...PageQuery.properties,
          q: Type.Optional(Type.String({ maxLength: 100 })),
          atc: Type.Optional(
            Type.String({ pattern: '^[A-Za-z][0-9A-Za-z]{0,6}$', description: 'ATC prefix' }),
          ),
          company: Type.Optional(Type.Integer({ minimum: 1 })),
          species: Type.Optional(StringEnum(['human', 'veterinary'] as const)),
          list: Type.Optional(
            Type.String({ maxLength: 60, description: 'product list code, e.g. sos-prioritised' }),
          ),
        }),
        response: { 200: Page(ProductDto), ...authErrors },
      },
    },
    async (request) => {
      const { limit, offset, q, atc, company, species, list } = request.query;
      const { rows, total } = await searchProducts(
        store.db,
        { q, atc, companyId: company, species, list },
        limit,
        offset,
      );
      return { items: rows.map(toProductDto), total, limit, offset };
    },
  );

  app.get(
    '/products/:id',
    {
      config: { permission: 'catalogue:read' },
      schema: {
        tags: ['catalogue'],
        summary: 'One package',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        response: { 200: ProductDto, ...authErrors },
      },
    },
    async (request) => {
      const row = await findProduct(store.db, request.params.id);
      if (!row) throw AppError.notFound(`package ${request.params.id}`);
      return toProductDto(row);
    },
  );
};

export const ProductListDto = Type.Object({
  id: Type.Integer(),
  code: Type.String({ description: 'stable code, e.g. sos-prioritised' }),
  version: Type.String(),
  name: Type.String(),
  publishedOn: Type.String({ format: 'date' }),
  validFrom: Type.String({ format: 'date' }),
  validTo: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
  issuer: Type.Object({ code: Type.String(), name: Type.String() }),
  itemCount: Type.Integer(),
});

/** Versioned product lists, e.g. Socialstyrelsen's list of medicines for care that cannot wait. */
export const productListRoutes: FastifyPluginAsyncTypebox<{ store: Store }> = async (app, { store }) => {
  app.get(
    '/product-lists',
    {
      config: { permission: 'catalogue:read' },
      schema: {
        tags: ['catalogue'],
        summary: 'Product lists and their versions (newest first within a list)',
        response: { 200: Type.Object({ items: Type.Array(ProductListDto) }), ...authErrors },
      },
    },
    async () => {
      const rows = await listProductLists(store.db);
      return {
        items: rows.map((l) => ({
          id: l.id,
          code: l.code,
          version: l.version,
          name: l.name,
          publishedOn: l.published_on,
          validFrom: l.valid_from,
          validTo: l.valid_to,
          issuer: { code: l.issuer_code, name: l.issuer_name },
          itemCount: Number(l.item_count),
        })),
      };
    },
  );
};
