import type { Db } from './database.js';
import type { OrganisationKind } from './schema.js';
import { escapeLike } from './location.repository.js';

export interface OrganisationFilter {
  kind?: OrganisationKind | undefined;
  regionCode?: string | undefined;
  q?: string | undefined;
}

/** Organisations are public facts (authorities, regions, companies): every signed-in caller may list them. */
export async function listOrganisations(db: Db, filter: OrganisationFilter, limit: number, offset: number) {
  let query = db.selectFrom('organisation');
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (filter.regionCode) query = query.where('region_code', '=', filter.regionCode);
  if (filter.q) {
    const like = `%${escapeLike(filter.q)}%`;
    query = query.where((eb) =>
      eb.or([eb('name', 'ilike', like), eb('code', 'ilike', like), eb('org_number', 'ilike', like)]),
    );
  }
  const [rows, count] = await Promise.all([
    query
      .select(['id', 'code', 'org_number', 'name', 'kind', 'region_code', 'municipality_code'])
      .orderBy('name')
      .limit(limit)
      .offset(offset)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}
