import type { Db } from './database.js';
import { escapeLike } from './location.repository.js';

export interface ProductFilter {
  /** Free text: name, substance, ATC code, NPL pack id, Nordic article number or GTIN. */
  q?: string | undefined;
  /** ATC prefix, e.g. 'J01' or 'J01CA04'. */
  atc?: string | undefined;
  companyId?: number | undefined;
  species?: 'human' | 'veterinary' | undefined;
  /** Only packages on this product list code (latest version), e.g. 'sos-prioritised'. */
  list?: string | undefined;
}

function baseQuery(db: Db, filter: ProductFilter) {
  let query = db
    .selectFrom('package as p')
    .innerJoin('medicine as m', 'm.id', 'p.medicine_id')
    .innerJoin('organisation as c', 'c.id', 'p.company_id');
  if (filter.q) {
    const q = filter.q.trim();
    const like = `%${escapeLike(q)}%`;
    const prefix = `${escapeLike(q)}%`;
    query = query.where((eb) =>
      eb.or([
        eb('m.name', 'ilike', like),
        eb('m.substance', 'ilike', like),
        eb('m.atc_code', 'ilike', prefix),
        eb('p.npl_pack_id', '=', q),
        eb('p.nordic_article_number', '=', q),
        eb('p.gtin', '=', q),
      ]),
    );
  }
  if (filter.atc) query = query.where('m.atc_code', 'like', `${escapeLike(filter.atc.toUpperCase())}%`);
  if (filter.companyId) query = query.where('p.company_id', '=', filter.companyId);
  if (filter.species) query = query.where('m.species', '=', filter.species);
  if (filter.list) {
    const listCode = filter.list;
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('product_list_item as i')
          .innerJoin('product_list as l', 'l.id', 'i.list_id')
          .whereRef('i.atc_code', '=', 'm.atc_code')
          .where('l.code', '=', listCode)
          .where('l.id', '=', (sub) =>
            sub
              .selectFrom('product_list as l2')
              .select((e) => e.fn.max('l2.id').as('id'))
              .where('l2.code', '=', listCode),
          )
          .select('i.position'),
      ),
    );
  }
  return query;
}

const PRODUCT_COLUMNS = [
  'p.id',
  'p.npl_pack_id',
  'p.nordic_article_number',
  'p.gtin',
  'p.kind',
  'p.pack_size',
  'p.pack_unit',
  'p.description',
  'p.price_sek',
  'p.parallel_traded',
  'p.licence',
  'p.withdrawn_on',
  'm.npl_id',
  'm.name',
  'm.substance',
  'm.atc_code',
  'm.form',
  'm.strength',
  'm.species',
  'c.id as company_id',
  'c.name as company_name',
] as const;

export async function searchProducts(db: Db, filter: ProductFilter, limit: number, offset: number) {
  const query = baseQuery(db, filter);
  const [rows, count] = await Promise.all([
    query
      .select(PRODUCT_COLUMNS)
      .orderBy('m.name')
      .orderBy('m.strength')
      .orderBy('p.pack_size')
      .orderBy('p.id')
      .limit(limit)
      .offset(offset)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export async function findProduct(db: Db, id: number) {
  return db
    .selectFrom('package as p')
    .innerJoin('medicine as m', 'm.id', 'p.medicine_id')
    .innerJoin('organisation as c', 'c.id', 'p.company_id')
    .select(PRODUCT_COLUMNS)
    .where('p.id', '=', id)
    .executeTakeFirst();
}

export type ProductRow = NonNullable<Awaited<ReturnType<typeof findProduct>>>;

/** Every version of every product list, newest version first within a code, with its number of entries. */
export async function listProductLists(db: Db) {
  return db
    .selectFrom('product_list as l')
    .innerJoin('organisation as o', 'o.id', 'l.issuer_id')
    .leftJoin('product_list_item as i', 'i.list_id', 'l.id')
    .select((eb) => [
      'l.id',
      'l.code',
      'l.version',
      'l.name',
      'l.published_on',
      'l.valid_from',
      'l.valid_to',
      'o.code as issuer_code',
      'o.name as issuer_name',
      eb.fn.count<number>('i.position').as('item_count'),
    ])
    .groupBy(['l.id', 'o.code', 'o.name'])
    .orderBy('l.code')
    .orderBy('l.valid_from', 'desc')
    .execute();
}
