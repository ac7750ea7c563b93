import { sql } from 'kysely';
import type { Tx } from '../database.js';
import { groupLots, packageLots, usableOf, type LotQuery } from './expiry.js';
import { type Settings } from './settings.js';
import { textIn } from './sql.js';

/**
 * The R4 signal "möjlig kritisk brist" (possible critical shortage), the SQL twin of assessRisk's
 * flag: prioritised AND critical AND no interchangeable alternative in the same area that covers. An
 * alternative is interchangeable when it is of the same group (another package of it, for a package)
 * or an authority recorded it for the product (recorded_alternative; for a group, between any of
 * its members and the other group's); it covers when its usable stock at the combined demand (the
 * item's, converted to its units, plus its own) lasts the critical threshold:
 *   combined × criticalBelowDays <= usable before expiry of its lots at the combined demand.
 * Other strengths, forms and substances of the ATC level 4 clear nothing (they are listed for a
 * clinician on the product page). Whether the shortage is kritisk brist is Läkemedelsverket's call.
 */
export async function markPossibleCriticalShortage(
  trx: Tx,
  s: Settings,
  areas: readonly string[] | null,
): Promise<void> {
  const days = s.thresholds.criticalBelowDays;
  // c: the alternative's item; per_unit: its units replacing one of the item's; c_unit / i_unit: units
  // in one of their counts (pack size for a package, 1 for a group).
  const covers = (lots: LotQuery) => {
    const combined = sql`((i_unit.size * i.demand_per_day * a.per_unit) / a.c_unit + a.demand_per_day)`;
    return sql<boolean>`${usableOf(s, lots, combined)} + 1e-9 * greatest(1, ${combined} * ${days})
      >= ${combined} * ${days}`;
  };
  await sql`
    UPDATE picture_item i SET possible_critical_shortage = NOT EXISTS (
      SELECT 1 FROM (
        SELECT c.package_id, c.area_code, c.demand_per_day, 1::numeric AS per_unit, cp.pack_size AS c_unit
        FROM picture_item c JOIN picture_product cp ON cp.package_id = c.package_id
        WHERE c.kind = 'package' AND c.area_code = i.area_code AND c.group_key = i.group_key AND c.ref <> i.ref
        UNION ALL
        SELECT c.package_id, c.area_code, c.demand_per_day, r.units_per_unit, cp.pack_size
        FROM recorded_alternative r
        JOIN picture_item c ON c.kind = 'package' AND c.package_id = r.alternative_package_id
          AND c.area_code = i.area_code
        JOIN picture_product cp ON cp.package_id = c.package_id
        WHERE r.package_id = i.package_id AND c.group_key <> i.group_key
      ) a
      WHERE ${covers(packageLots(sql`a.package_id`, sql`a.area_code`))})
    FROM (SELECT pp.package_id, pp.pack_size AS size FROM picture_product pp) i_unit
    WHERE i.kind = 'package' AND i_unit.package_id = i.package_id
      AND ${textIn('i.area_code', areas)} AND i.prioritised AND i.risk_rank = 0`.execute(trx);
  await sql`
    UPDATE picture_item i SET possible_critical_shortage = NOT EXISTS (
      SELECT 1 FROM (
        SELECT c.ref AS group_key, c.area_code, c.demand_per_day, max(r.units_per_unit) AS per_unit,
               1::numeric AS c_unit
        FROM recorded_alternative r
        JOIN picture_product ip ON ip.package_id = r.package_id AND ip.group_key = i.group_key
        JOIN picture_product cp ON cp.package_id = r.alternative_package_id AND cp.group_key <> i.group_key
        JOIN picture_item c ON c.kind = 'group' AND c.ref = cp.group_key AND c.area_code = i.area_code
        GROUP BY c.ref, c.area_code, c.demand_per_day
      ) a
      WHERE ${covers(groupLots(sql`a.group_key`, sql`a.area_code`))})
    FROM (SELECT 1::numeric AS size) i_unit
    WHERE i.kind = 'group' AND ${textIn('i.area_code', areas)} AND i.prioritised AND i.risk_rank = 0`.execute(
    trx,
  );
  // Signals left from before on items no longer prioritised and critical.
  await sql`
    UPDATE picture_item i SET possible_critical_shortage = false
    WHERE ${textIn('i.area_code', areas)} AND i.possible_critical_shortage
      AND NOT (i.prioritised AND i.risk_rank = 0)`.execute(trx);
}
