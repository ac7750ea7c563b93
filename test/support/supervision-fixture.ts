import type { Db } from '../../src/store/database.js';
import { obligationDb } from '../../src/store/obligation.repository.js';

/*
 * Published obligations for the supervision, dispensation and compensation tests (issue 12 items 3–5),
 * written straight into Helper A's decision tables (migration 0021): a decision as Läkemedelsverket
 * publishes it, without computing it from sales.
 */

/** Publishes version 1 of a company's 2026 obligations, in force from 1 January (Helper A's tables). */
export async function publishObligations(
  db: Db,
  lv: number,
  companyId: number,
  lines: readonly (readonly [number, number, ('parallel_traded' | 'licence')?])[],
): Promise<void> {
  const odb = obligationDb(db);
  const calc = await odb
    .insertInto('obligation_calculation')
    .values({
      year: 2026,
      months: 3,
      revision_threshold: 0.25,
      cutoff: '2025-10-01',
      basis_from: '2024-10-01',
      basis_to: '2025-09-30',
      list_id: null,
      label: null,
      computed_by_org: lv,
      computed_by_user: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const decision = await odb
    .insertInto('obligation_decision')
    .values({
      year: 2026,
      company_id: companyId,
      version: 1,
      calculation_id: calc.id,
      valid_from: '2026-01-01',
      decided_by_user: null,
      decided_by_org: lv,
      reason: 'Skyldigheter 2026',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await odb
    .insertInto('obligation_decision_line')
    .values(
      lines.map(([packageId, volume, exempt]) => ({
        decision_id: decision.id,
        package_id: packageId,
        volume,
        basis_units: volume * 4,
        basis_from: '2024-10-01',
        basis_to: '2025-09-30',
        exempt_reason: exempt ?? null,
        revision_id: null,
      })),
    )
    .execute();
}
