import { sql } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import type { Store } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { buildOrganisation } from '../support/builders.js';
import { describeEach, testBackends } from '../support/databases.js';

/**
 * Migration 0030 (issue 13 item 1): allocations and redistribution plans reference their shortage case.
 * Before it the routes stored any caseId unchecked; a database holding a plan of a missing case must
 * still migrate (a decided plan is frozen and is not rewritten), with the key checking new rows only.
 */
describeEach(testBackends())('the case key of plans (migration 0030) on $name', (backend) => {
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  const validated = async (s: Store) =>
    (
      await sql<{ conname: string; convalidated: boolean }>`
        SELECT conname, convalidated FROM pg_constraint
        WHERE conname IN ('allocation_case_fk', 'redistribution_plan_case_fk') ORDER BY conname`.execute(s.db)
    ).rows.map((r) => `${r.conname} ${r.convalidated}`);

  const insertAllocation = (s: Store, org: number, caseId: number) =>
    sql`INSERT INTO allocation (item_kind, item_ref, item_name, unit, horizon_days, picture_today,
          wholesale_stock, deliveries, available, allocated, parameters, case_id, organisation_id)
        VALUES ('package', '1', 'Alvedon', 'förp', 30, '2026-03-01', 0, 0, 0, 0, '{}', ${caseId}, ${org})`.execute(
      s.db,
    );

  it('validates the keys on a database whose plans name only real cases (or none)', async () => {
    store = await backend.open();
    expect(await validated(store)).toEqual(['allocation_case_fk true', 'redistribution_plan_case_fk true']);
  });

  it('migrates a database holding a plan of a missing case, and checks every new row', async () => {
    store = await backend.open({ upTo: '0029_shortage_case' });
    const org = await buildOrganisation(store.db, {
      kind: 'authority',
      code: 'LV',
      name: 'Läkemedelsverket',
    });
    await insertAllocation(store, org, 7);
    await sql`INSERT INTO redistribution_plan (subject, unit, source, transfer_date, parameters, status, case_id,
          transport_optimum, equity, outcome, total_quantity, total_value_sek, created_by_organisation, created_by)
        VALUES ('Amoxicillin', 'förp', 'instance', '2026-12-07', '{}', 'draft', 7, 0, '{}', '{}', 0, 0, ${org}, 'x')`.execute(
      store.db,
    );
    await sql`UPDATE redistribution_plan SET status = 'decided'`.execute(store.db);

    expect(await migrateToLatest(store.db)).toContain('0030_shortage_case_plans');
    // The old rows stay as they were; the keys are in force for new and changed rows.
    expect(await validated(store)).toEqual(['allocation_case_fk false', 'redistribution_plan_case_fk false']);
    await expect(insertAllocation(store, org, 8)).rejects.toThrow(/allocation_case_fk/);
  });
});
