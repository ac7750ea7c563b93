import { sql, type ExpressionBuilder, type Expression, type SqlBool } from 'kysely';
import { seesEverything, type Principal } from '../domain/access.js';
import type { Db } from './database.js';
import type { Database, LocationKind } from './schema.js';

type LocationScope = ExpressionBuilder<Database, 'location'>;

/**
 * SQL twin of `mayListLocation` (src/domain/access.ts): preparedness stocks are listed only to their
 * owner, to authorities and the joint function, and (regional stocks) to their own region.
 */
export function visibleLocation(
  eb: LocationScope,
  p: Pick<Principal, 'organisationKind' | 'organisationId' | 'regionCode'>,
): Expression<SqlBool> {
  if (seesEverything(p)) return sql<boolean>`true`;
  const conditions = [
    eb('location.kind', 'not in', ['state_security_stock', 'regional_preparedness_stock'] as LocationKind[]),
    eb('location.organisation_id', '=', p.organisationId),
  ];
  if (p.organisationKind === 'region' && p.regionCode) {
    conditions.push(
      eb.and([
        eb('location.kind', '=', 'regional_preparedness_stock'),
        eb('location.region_code', '=', p.regionCode),
      ]),
    );
  }
  return eb.or(conditions);
}

export interface LocationFilter {
  regionCode?: string | undefined;
  municipalityCode?: string | undefined;
  kind?: LocationKind | undefined;
  organisationId?: number | undefined;
  q?: string | undefined;
}

export async function listLocations(
  db: Db,
  principal: Principal,
  filter: LocationFilter,
  limit: number,
  offset: number,
) {
  let query = db
    .selectFrom('location')
    .innerJoin('organisation', 'organisation.id', 'location.organisation_id')
    .leftJoin('municipality', 'municipality.code', 'location.municipality_code')
    .where((eb) => visibleLocation(eb, principal));
  if (filter.regionCode) query = query.where('location.region_code', '=', filter.regionCode);
  if (filter.municipalityCode)
    query = query.where('location.municipality_code', '=', filter.municipalityCode);
  if (filter.kind) query = query.where('location.kind', '=', filter.kind);
  if (filter.organisationId) query = query.where('location.organisation_id', '=', filter.organisationId);
  if (filter.q) {
    const like = `%${escapeLike(filter.q)}%`;
    query = query.where((eb) =>
      eb.or([eb('location.name', 'ilike', like), eb('location.code', 'ilike', like)]),
    );
  }
  const [rows, count] = await Promise.all([
    query
      .select([
        'location.id',
        'location.code',
        'location.gln',
        'location.name',
        'location.kind',
        'location.region_code',
        'location.municipality_code',
        'municipality.name as municipality_name',
        'location.latitude',
        'location.longitude',
        'organisation.id as organisation_id',
        'organisation.code as organisation_code',
        'organisation.name as organisation_name',
      ])
      .orderBy('location.code')
      .limit(limit)
      .offset(offset)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** Number of visible locations per region and kind. */
export async function countLocationsByRegionAndKind(db: Db, principal: Principal) {
  return db
    .selectFrom('location')
    .where((eb) => visibleLocation(eb, principal))
    .where('location.closed_on', 'is', null)
    .select(['location.region_code', 'location.kind', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy(['location.region_code', 'location.kind'])
    .execute();
}

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
