import { afterAll, beforeAll, expect, it } from 'vitest';
import { obligationParameters } from '../../src/domain/obligation.js';
import type { Store } from '../../src/store/database.js';
import { keepSalesMonths, SALES_MONTHS_KEPT } from '../../src/store/obligation/months.js';
import {
  calculationLines,
  computeObligations,
  listRevisions,
  publishDecisions,
  scheduledRevision,
} from '../../src/store/obligation.repository.js';
import { buildSales } from '../support/builders.js';
import { describeEach, testBackends } from '../support/databases.js';
import { buildObligationFixture } from '../support/obligation-fixture.js';

/*
 * Issue 12 item 10: the monthly sales are kept ahead (src/store/obligation/months.ts), so the first
 * calculation of a year reads kept months, and a daily report of the current month forgets no closed
 * month. The worked year of test/support/obligation-fixture.ts (noradrenalin's basis 1,592 → 398).
 */
describeEach(testBackends())('monthly sales kept ahead on $name', (backend) => {
  let store: Store;
  let fixture: Awaited<ReturnType<typeof buildObligationFixture>>;
  const months = () =>
    store.db
      .withTables<{ obligation_sales_month: { package_id: number; month: string; units: number } }>()
      .selectFrom('obligation_sales_month')
      .select(['package_id', 'month', 'units'])
      .orderBy('package_id')
      .orderBy('month')
      .execute();

  beforeAll(async () => {
    store = await backend.open();
    fixture = await buildObligationFixture(store.db);
  });
  afterAll(async () => {
    await store.close();
  });

  it('keeps the 24 closed months of every listed package, once, and the first calculation then reads them', async () => {
    // The picture's day 2026-10-15: the closed months 2024-10 … 2026-09 (the 2027 basis is the last 12).
    const first = await keepSalesMonths(store.db, '2026-10-15');
    // On the list: noradrenalin, its parallel import and propofol; paracetamol is not.
    expect(first).toEqual({
      packages: 3,
      from: '2024-10-01',
      to: '2026-09-01',
      computed: 3 * SALES_MONTHS_KEPT,
    });
    const kept = await months();
    expect(kept).toHaveLength(3 * SALES_MONTHS_KEPT);
    expect(kept.some((m) => Number(m.package_id) === fixture.paracetamol)).toBe(false);
    // October 2025 of noradrenalin: 4 a day × 31 and the weekly row's 4 days in October (40) = 164.
    const october = kept.find(
      (m) => Number(m.package_id) === fixture.noradrenalin && m.month === '2025-10-01',
    );
    expect(Number(october?.units)).toBe(164);

    expect((await keepSalesMonths(store.db, '2026-10-15')).computed).toBe(0);
    const calc = await computeObligations(store.db, obligationParameters({ year: 2027 }), {
      organisationId: fixture.lv,
      userId: null,
      tokenId: null,
    });
    const lines = await calculationLines(store.db, calc.id);
    const line = lines.find((l) => l.companyId === fixture.companyA && l.packageId === fixture.noradrenalin);
    expect(line).toMatchObject({ basisUnits: 1592, volume: 398 });
    // The calculation found every month it needed kept: none was added.
    expect(await months()).toHaveLength(3 * SALES_MONTHS_KEPT);
  });

  it('a report of the current month forgets no closed month; a late one forgets its own month only', async () => {
    await buildSales(store.db, [
      { packageId: fixture.noradrenalin, regionCode: '01', periodStart: '2026-10-14', quantity: 8 },
    ]);
    expect(await months()).toHaveLength(3 * SALES_MONTHS_KEPT);
    expect((await keepSalesMonths(store.db, '2026-10-15')).computed).toBe(0);

    // A late report for 2026-03-15: March is forgotten and kept again, with the 100 added.
    await buildSales(store.db, [
      { packageId: fixture.noradrenalin, regionCode: '01', periodStart: '2026-03-15', quantity: 100 },
    ]);
    expect(await months()).toHaveLength(3 * SALES_MONTHS_KEPT - 1);
    expect((await keepSalesMonths(store.db, '2026-10-15')).computed).toBe(1);
    const march = (await months()).find(
      (m) => Number(m.package_id) === fixture.noradrenalin && m.month === '2026-03-01',
    );
    expect(Number(march?.units)).toBe(4 * 31 + 100);
  });

  it('runs the revision test by itself on the first of each month for the year Läkemedelsverket published, publishing nothing', async () => {
    const actor = { organisationId: fixture.lv, userId: null, tokenId: null };
    // Nothing published for 2027 yet: nothing to test.
    expect(await scheduledRevision(store.db, '2027-04-12')).toBeNull();
    const calc = await computeObligations(store.db, obligationParameters({ year: 2027 }), actor);
    await publishDecisions(store.db, { calculationId: calc.id, reason: 'Beslut 2027' }, actor);
    // The picture's day 2027-04-12: the test runs on 2027-04-01, rolling 2026-04-01 … 2027-03-31.
    // Noradrenalin A's basis: 1,592 and the late 100 of 2026-03-15 (the test before) = 1,692 → 423.
    // Rolling: 4 × 183 + 92 (requisitions Jul–Sep) + 8 × 182 + 8 (2026-10-14, the test before) = 2,288:
    // +35 % against 1,692 → 2,288 × 3 ÷ 12 = 572.
    const made = await scheduledRevision(store.db, '2027-04-12');
    const noradrenalin = made?.find((r) => r.packageId === fixture.noradrenalin);
    expect(noradrenalin).toMatchObject({
      revisedOn: '2027-04-01',
      rollingFrom: '2026-04-01',
      rollingTo: '2027-03-31',
      previousBasis: 1692,
      previousVolume: 423,
      rollingBasis: 2288,
      newVolume: 572,
    });
    // Again the same month: nothing new; the revisions are kept for Läkemedelsverket to publish.
    expect(await scheduledRevision(store.db, '2027-04-20')).toEqual([]);
    expect((await listRevisions(store.db, calc.id)).length).toBe(made?.length);
  });
});
