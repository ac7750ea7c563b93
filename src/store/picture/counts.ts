import { sql } from 'kysely';
import type { Tx } from '../database.js';
import { textIn } from './sql.js';

/** The items of the areas (or all) counted by kind, risk class and flag into picture_count. */
export async function recount(trx: Tx, areas: readonly string[] | null): Promise<void> {
  await sql`DELETE FROM picture_count WHERE ${textIn('area_code', areas)}`.execute(trx);
  await sql`
    INSERT INTO picture_count (area_code, kind, critical, low, adequate, no_demand, prioritised_critical,
      possible_critical_shortage, active_notice, total)
    SELECT i.area_code, i.kind,
      count(*) FILTER (WHERE i.risk_rank = 0), count(*) FILTER (WHERE i.risk_rank = 1),
      count(*) FILTER (WHERE i.risk_rank = 2), count(*) FILTER (WHERE i.risk_rank = 3),
      count(*) FILTER (WHERE i.risk_rank = 0 AND i.prioritised), count(*) FILTER (WHERE i.possible_critical_shortage),
      count(*) FILTER (WHERE i.active_notice), count(*)
    FROM picture_item i WHERE ${textIn('i.area_code', areas)}
    GROUP BY i.area_code, i.kind`.execute(trx);
}
