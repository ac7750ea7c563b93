import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Store } from '../../src/store/database.js';
import { ownedStockRows, ownedStockTotals } from '../../src/store/stock-owner.repository.js';
import {
  buildLocation,
  buildOrganisation,
  buildPackage,
  buildRegion,
  buildStockDifference,
  buildStockSnapshot,
} from '../support/builders.js';
import { describeEach, testBackends } from '../support/databases.js';

/*
 * Owned stock by owner (issue 12 item 10): supervision (R1) and the regions' target (R2) read what an
 * organisation owns wherever it is held through ownedStockRows, which must give exactly the rows of
 * the view current_stock_by_owner (0013) for those owners and packages: owner-marked lines at any
 * holder, the owners' own unmarked lines, differences after the current snapshot (and of a location
 * without one), and nothing from an older snapshot.
 */
describeEach(testBackends())('owned stock by owner on $name', (backend) => {
  let store: Store;
  const ids = {} as Record<'c1' | 'c2' | 'region' | 'a' | 'b' | 'd' | 'wh' | 'cw' | 'ph' | 'l0', number>;

  beforeAll(async () => {
    store = await backend.open();
    const db = store.db;
    await buildRegion(db, { code: '01' });
    ids.c1 = await buildOrganisation(db, { kind: 'company' });
    ids.c2 = await buildOrganisation(db, { kind: 'company' });
    ids.region = await buildOrganisation(db, { kind: 'region', regionCode: '01' });
    const wholesaler = await buildOrganisation(db, { kind: 'wholesaler' });
    const operator = await buildOrganisation(db, { kind: 'pharmacy_operator' });
    ids.a = await buildPackage(db, ids.c1);
    ids.b = await buildPackage(db, ids.c1);
    ids.d = await buildPackage(db, ids.c2);
    ids.wh = await buildLocation(db, wholesaler, { kind: 'wholesaler_warehouse' });
    ids.cw = await buildLocation(db, ids.c1, { kind: 'wholesaler_warehouse' });
    ids.ph = await buildLocation(db, operator, { kind: 'community_pharmacy' });
    ids.l0 = await buildLocation(db, ids.c2, { kind: 'wholesaler_warehouse' });
    // The wholesaler's warehouse: an older snapshot (no longer current), then today's.
    await buildStockSnapshot(
      db,
      ids.wh,
      [{ packageId: ids.a, quantity: 999, ownerId: ids.c1 }],
      '2026-01-01T06:00:00Z',
    );
    await buildStockDifference(
      db,
      ids.wh,
      [{ packageId: ids.a, quantity: 1000, ownerId: ids.c1 }],
      '2026-01-01T12:00:00Z',
    );
    await buildStockSnapshot(
      db,
      ids.wh,
      [
        { packageId: ids.a, quantity: 100, ownerId: ids.c1 },
        { packageId: ids.b, quantity: 50, ownerId: ids.c1 },
        { packageId: ids.d, quantity: 70, ownerId: ids.c2 },
        { packageId: ids.a, quantity: 5 }, // the wholesaler's own
        { packageId: ids.a, quantity: 7, ownerId: ids.region }, // held for the region
      ],
      '2026-01-02T06:00:00Z',
    );
    await buildStockDifference(
      db,
      ids.wh,
      [{ packageId: ids.a, quantity: -10, ownerId: ids.c1 }],
      '2026-01-03T06:00:00Z',
    );
    // Company 1's own warehouse: its own lines, and a line it holds for company 2.
    await buildStockSnapshot(
      db,
      ids.cw,
      [
        { packageId: ids.a, quantity: 30 },
        { packageId: ids.b, quantity: 20, ownerId: ids.c2 },
      ],
      '2026-01-02T06:00:00Z',
    );
    // A pharmacy: its own stock, and company 2's on consignment.
    await buildStockSnapshot(
      db,
      ids.ph,
      [
        { packageId: ids.a, quantity: 40 },
        { packageId: ids.d, quantity: 4, ownerId: ids.c2 },
      ],
      '2026-01-02T06:00:00Z',
    );
    // Company 2's location that has never sent a snapshot: its differences are its stock.
    await buildStockDifference(db, ids.l0, [{ packageId: ids.d, quantity: 9 }], '2026-01-02T08:00:00Z');
  });
  afterAll(async () => {
    await store.close();
  });

  it('sums what each owner owns wherever held: worked totals', async () => {
    const totals = await ownedStockTotals(store.db, [ids.c1, ids.c2, ids.region], [ids.a, ids.b, ids.d]);
    const byKey = Object.fromEntries(totals.map((t) => [`${t.ownerId}|${t.packageId}`, t.quantity]));
    expect(byKey).toEqual({
      // 100 at the wholesaler − 10 since its count + 30 in its own warehouse (not the older 999 or +1000)
      [`${ids.c1}|${ids.a}`]: 120,
      [`${ids.c1}|${ids.b}`]: 50,
      // 70 at the wholesaler + 4 on consignment at the pharmacy + 9 at its own location
      [`${ids.c2}|${ids.d}`]: 83,
      [`${ids.c2}|${ids.b}`]: 20,
      [`${ids.region}|${ids.a}`]: 7,
    });
    // Only the packages asked for.
    const onlyA = await ownedStockTotals(store.db, [ids.c1, ids.c2, ids.region], [ids.a]);
    expect(onlyA.map((t) => [t.ownerId, t.quantity]).sort()).toEqual(
      [
        [ids.c1, 120],
        [ids.region, 7],
      ].sort(),
    );
  });

  it('gives exactly the rows of current_stock_by_owner for those owners and packages', async () => {
    const owners = [ids.c1, ids.c2, ids.region];
    const packages = [ids.a, ids.b, ids.d];
    const norm = (
      rows: {
        location_id: unknown;
        package_id: unknown;
        owner_id: unknown;
        holder_id: unknown;
        quantity: unknown;
      }[],
    ) =>
      rows
        .map((r) => [r.location_id, r.package_id, r.owner_id, r.holder_id, r.quantity].map(Number).join(','))
        .sort();
    const ours = await sql<{
      location_id: number;
      package_id: number;
      owner_id: number;
      holder_id: number;
      quantity: number;
    }>`
      SELECT * FROM (${ownedStockRows(owners, packages)}) s`.execute(store.db);
    const view = await sql<{
      location_id: number;
      package_id: number;
      owner_id: number;
      holder_id: number;
      quantity: number;
    }>`
      SELECT location_id, package_id, owner_id, holder_id, quantity FROM current_stock_by_owner
      WHERE owner_id = ANY(${owners}::bigint[]) AND package_id = ANY(${packages}::bigint[])`.execute(
      store.db,
    );
    expect(norm(ours.rows)).toEqual(norm(view.rows));
    expect(ours.rows).toHaveLength(8);
  });
});
