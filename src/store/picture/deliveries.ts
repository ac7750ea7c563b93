import { sql } from 'kysely';
import { addDays } from '../../domain/calendar.js';
import { simulateSupply, DEFAULT_SIMULATION_DAYS } from '../../domain/coverage.js';
import { NATIONAL_AREA } from '../../domain/access.js';
import type { Tx } from '../database.js';
import { type Settings } from './settings.js';
import { reserveKindSql } from './reserve.js';
import { membersOf, textIn } from './sql.js';
import { serviceFractionsSql } from './wholesale.js';

/**
 * The run-out date with expected deliveries, by the domain's own simulateSupply, for the items that
 * have deliveries within the simulated year. The items' stock is simulated as one lot of its usable
 * stock (what its lots supply before expiry at the demand). That is exact: deliveries carry no
 * expiry, so first expiry first out draws every lot of stock before them, and the stock supplies the
 * same with or without them (picture.divergence.spec compares it with simulateSupply over the
 * actual lots). A delivery counts nationally, and in the region of its location when that is known; a
 * delivery to a wholesaler warehouse counts in each region the warehouse serves, by the region's share
 * (serviceFractionsSql), as the warehouse's stock does.
 */
export async function applyDeliveries(
  trx: Tx,
  s: Settings,
  packages: readonly number[] | null,
  areas: readonly string[] | null,
): Promise<void> {
  const until = addDays(s.today, DEFAULT_SIMULATION_DAYS);
  const rows = await sql<{
    kind: 'package' | 'group';
    ref: string;
    area_code: string;
    usable: number;
    per_day: number;
    deliveries: { on: string; quantity: number }[];
  }>`
    WITH d AS (
      SELECT e.package_id, e.expected_on, e.quantity, l.region_code::text AS region_code, wa.area_key
      FROM current_expected_delivery e LEFT JOIN location l ON l.id = e.location_id
      LEFT JOIN warehouse_service_area wa ON wa.location_id = e.location_id
      WHERE e.expected_on >= ${s.today}::date AND e.expected_on < ${until}::date
        -- A delivery to a preparedness stock adds to the reserve, not to everyday supply.
        AND (l.kind IS NULL OR NOT ${reserveKindSql('l.kind')})
        AND ${membersOf('e.package_id', packages)}
    ),
    per_area AS (
      SELECT package_id, ${NATIONAL_AREA} AS area_code, expected_on, quantity FROM d
      UNION ALL
      SELECT package_id, region_code, expected_on, quantity FROM d
      WHERE region_code IS NOT NULL AND area_key IS NULL
      UNION ALL
      -- A delivery to a warehouse serves its area: each region served gets its share, as of the stock.
      SELECT d.package_id, f.region_code, d.expected_on, d.quantity * f.fraction
      FROM d JOIN (${serviceFractionsSql(sql`SELECT DISTINCT package_id, area_key FROM d WHERE area_key IS NOT NULL`)}) f
        ON f.package_id = d.package_id AND f.area_key = d.area_key
      WHERE f.fraction > 0
    ),
    per_item AS (
      SELECT 'package' AS kind, package_id::text AS ref, area_code, expected_on, quantity FROM per_area
      UNION ALL
      SELECT 'group', pp.group_key, a.area_code, a.expected_on, a.quantity * pp.pack_size
      FROM per_area a JOIN picture_product pp ON pp.package_id = a.package_id
    )
    SELECT i.kind, i.ref, i.area_code, i.usable_stock AS usable, i.demand_per_day AS per_day,
           json_agg(json_build_object('on', x.expected_on, 'quantity', x.quantity)) AS deliveries
    FROM per_item x
    JOIN picture_item i ON i.kind = x.kind AND i.ref = x.ref AND i.area_code = x.area_code
    WHERE ${textIn('i.area_code', areas)}
    GROUP BY i.kind, i.ref, i.area_code, i.usable_stock, i.demand_per_day`.execute(trx);
  if (rows.rows.length === 0) return;

  const updates = rows.rows.map((r) => {
    const deliveries = r.deliveries.map((d) => ({ expectedOn: d.on, quantity: Number(d.quantity) }));
    const outlook = simulateSupply({
      today: s.today,
      demandPerDay: Number(r.per_day),
      lots: [{ quantity: Math.max(0, Number(r.usable)), expiry: null }],
      deliveries,
    });
    return {
      kind: r.kind,
      ref: r.ref,
      area_code: r.area_code,
      runs_out: outlook.runsOutOn,
      incoming: deliveries.reduce((sum, d) => sum + d.quantity, 0),
    };
  });
  for (let i = 0; i < updates.length; i += 5000) {
    await sql`
      UPDATE picture_item i
      SET runs_out_with_deliveries_on = u.runs_out, incoming = u.incoming
      FROM json_to_recordset(${JSON.stringify(updates.slice(i, i + 5000))}::json)
        AS u(kind text, ref text, area_code text, runs_out date, incoming numeric)
      WHERE i.kind = u.kind AND i.ref = u.ref AND i.area_code = u.area_code`.execute(trx);
  }
}
