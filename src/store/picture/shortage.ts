import { sql, type RawBuilder } from 'kysely';
import type { Tx } from '../database.js';
import { type Settings } from './settings.js';
import { textIn } from './sql.js';

/**
 * R4 kritisk brist, the SQL twin of assessRisk's flag: prioritised AND critical AND no relevant
 * alternative available in the same area: another item of the same kind in the same group, of the
 * same substance, or of the same ATC level 4, with usable stock and not critical itself (no demand, or
 * coverage at least the critical threshold).
 */
export async function markCriticalShortage(
  trx: Tx,
  s: Settings,
  areas: readonly string[] | null,
): Promise<void> {
  // An alternative is available: usable stock, and not critical itself (no demand, or coverage at
  // least the critical threshold). One index-backed probe per relation: same group, substance, ATC 4.
  const available = (relation: RawBuilder<boolean>) => sql<boolean>`EXISTS (
    SELECT 1 FROM picture_item c
    WHERE c.area_code = i.area_code AND c.kind = i.kind AND ${relation} AND c.ref <> i.ref
      AND c.usable_stock > 0
      AND (c.demand_per_day = 0 OR c.usable_stock / c.demand_per_day >= ${s.thresholds.criticalBelowDays}))`;
  await sql`
    UPDATE picture_item i SET critical_shortage = (
      i.prioritised AND i.risk_class = 'critical'
      AND NOT ${available(sql<boolean>`c.group_key = i.group_key`)}
      AND NOT ${available(sql<boolean>`c.substance_key = i.substance_key`)}
      AND NOT (length(i.atc4) = 5 AND ${available(sql<boolean>`c.atc4 = i.atc4`)}))
    WHERE ${textIn('i.area_code', areas)} AND i.prioritised AND i.risk_rank = 0`.execute(trx);
  // Flags left from before on items no longer prioritised and critical.
  await sql`
    UPDATE picture_item i SET critical_shortage = false
    WHERE ${textIn('i.area_code', areas)} AND i.critical_shortage AND NOT (i.prioritised AND i.risk_rank = 0)`.execute(
    trx,
  );
}
