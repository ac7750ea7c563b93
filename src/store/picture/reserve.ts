import { sql, type RawBuilder } from 'kysely';
import { FIRST_RESERVE_LEVEL, isReserveLocationKind } from '../../domain/reserve.js';
import { LOCATION_KINDS } from '../schema.js';

/** The location kinds whose whole stock is reserve (the preparedness tier), from the domain. */
export const RESERVE_LOCATION_KINDS = LOCATION_KINDS.filter(isReserveLocationKind);

/** SQL twin of isReserveLocationKind (src/domain/reserve.ts), generated from it. */
export function reserveKindSql(kindColumn: string): RawBuilder<boolean> {
  const kinds = RESERVE_LOCATION_KINDS.map((k) => `'${k}'`).join(', ');
  return sql<boolean>`(${sql.ref(kindColumn)} IN (${sql.raw(kinds)}))`;
}

/** SQL twin of isReserveStock: a line held at a preparedness stock, or at level 3 or 4. */
export function reserveSql(kindColumn: string, levelColumn: string): RawBuilder<boolean> {
  return sql<boolean>`(${reserveKindSql(kindColumn)} OR ${sql.ref(levelColumn)} >= ${sql.lit(FIRST_RESERVE_LEVEL)})`;
}

/** The same, for a line whose location is known by its tier (a picture's location facts). */
export function reserveOfTierSql(tierColumn: string, levelColumn: string): RawBuilder<boolean> {
  return sql<boolean>`(${sql.ref(tierColumn)} = 'preparedness' OR ${sql.ref(levelColumn)} >= ${sql.lit(FIRST_RESERVE_LEVEL)})`;
}
