import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/api/app.js';
import type { Store } from '../../src/store/database.js';
import { refreshPicture } from '../../src/store/picture/refresh.js';
import { describeEach, testBackends } from '../support/databases.js';
import { SEED_CODES, seedMinimal, type MinimalSeed } from '../support/seed.js';
import { ingest, reporterOf } from '../ingest/helpers.js';

const HEADER = 'location,package,quantity,batch,expiry,stock_level,counted_at';
const TODAY = '2026-03-02';

/**
 * Issue 10 item 3: who has reported. The seed's five locations on 2026-03-02 (Swedish days):
 *   SE-APO-0001 counted 2026-03-02 06:00 (today), before that 2026-03-01 with 100 packs;
 *   SE-APO-0002 counted 2026-02-27 (3 days: overdue, the threshold being 2 days), 300 packs;
 *   SE-WHS-0001 counted 2026-02-28 23:30 UTC = 2026-03-01 00:30 Swedish time (1 day: current), 600 packs;
 *   SE-SJH-0001 and SE-BER-0001 never counted.
 * Expected stock: APO-0001 100 (its count before today), APO-0002 300, WHS 600: 1,000 expected, 100
 * counted today → stock share 0.1; locations 1 of 3.
 */
describeEach(testBackends())('reporting API on $name', (backend) => {
  let store: Store;
  let app: App;
  let seed: MinimalSeed;

  const snapshot = async (org: string, location: string, at: string, quantity: number, day: string) => {
    const receipt = await ingest(
      store,
      await reporterOf(store, org),
      'stock_snapshot',
      'csv',
      `${HEADER}\n${location},${SEED_CODES.paracetamol},${quantity},B1,2027-06-30,1,${at}\n`,
      { now: new Date(`${day}T12:00:00Z`) },
    );
    expect(receipt.status).toBe('accepted');
  };

  beforeAll(async () => {
    store = await backend.open();
    seed = await seedMinimal(store.db);
    await snapshot('APO', SEED_CODES.pharmacy1, '2026-03-01T06:00:00+01:00', 100, '2026-03-01');
    await snapshot('APO', SEED_CODES.pharmacy2, '2026-02-27T06:00:00+01:00', 300, '2026-02-27');
    await snapshot('WHS', SEED_CODES.warehouse, '2026-02-28T23:30:00Z', 600, '2026-03-01');
    await snapshot('APO', SEED_CODES.pharmacy1, '2026-03-02T06:00:00+01:00', 90, '2026-03-02');
    // A refused report of APO's after its last accepted one.
    const refused = await ingest(
      store,
      await reporterOf(store, 'APO'),
      'stock_snapshot',
      'csv',
      `${HEADER}\n${SEED_CODES.pharmacy1},${SEED_CODES.paracetamol},-5,B1,2027-06-30,1,2026-03-02T07:00:00+01:00\n`,
      { now: new Date('2026-03-02T07:00:00Z') },
    ).catch((e: unknown) => e);
    expect(refused).toBeDefined();
    await refreshPicture(store, { today: TODAY, full: true });
    app = await buildApp({ store, webDir: '/nonexistent' });
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  const get = async <T>(url: string, token: string): Promise<T> => {
    const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<T>();
  };
  interface Locations {
    today: string;
    staleStockAfterDays: number;
    summary: Record<string, number | null>;
    items: { code: string; status: string; ageDays: number | null; expectedStock: number }[];
    total: number;
  }

  it('gives each location its latest count, age and status, overdue and never first', async () => {
    const body = await get<Locations>('/api/reporting/locations', seed.tokens.lvAnalyst);
    expect(body.today).toBe(TODAY);
    expect(body.staleStockAfterDays).toBe(2);
    expect(body.items.map((l) => [l.code, l.status, l.ageDays, l.expectedStock])).toEqual([
      [SEED_CODES.regionalStock, 'never', null, 0],
      [SEED_CODES.hospital, 'never', null, 0],
      [SEED_CODES.pharmacy2, 'overdue', 3, 300],
      [SEED_CODES.warehouse, 'current', 1, 600],
      [SEED_CODES.pharmacy1, 'today', 0, 100],
    ]);
    expect(body.summary).toEqual({
      locations: 3,
      reportedToday: 1,
      locationShare: 1 / 3,
      stockShare: 0.1,
      overdue: 1,
      neverReported: 2,
    });
    const overdue = await get<Locations>(
      '/api/reporting/locations?status=overdue&status=never',
      seed.tokens.lvAnalyst,
    );
    expect(overdue.items.map((l) => l.code)).toEqual([
      SEED_CODES.regionalStock,
      SEED_CODES.hospital,
      SEED_CODES.pharmacy2,
    ]);
    const region12 = await get<Locations>('/api/reporting/locations?region=12', seed.tokens.lvAnalyst);
    expect(region12.items.map((l) => l.code)).toEqual([SEED_CODES.pharmacy2]);
  });

  it('sums per organisation, overdue first, with its latest accepted and refused reports', async () => {
    const body = await get<{
      items: {
        organisation: { code: string };
        locations: number;
        reportedToday: number;
        overdue: number;
        neverReported: number;
        stockShare: number | null;
        lastReports: Record<
          string,
          { acceptedAt: string | null; refusedAt: string | null; refusedSinceAccepted: number }
        >;
      }[];
    }>('/api/reporting/organisations', seed.tokens.lvAnalyst);
    const rows = body.items.map((o) => [
      o.organisation.code,
      o.locations,
      o.reportedToday,
      o.overdue,
      o.neverReported,
    ]);
    expect(rows[0]).toEqual(['REG-01', 2, 0, 0, 2]);
    expect(rows).toContainEqual(['APO', 2, 1, 1, 0]);
    expect(rows).toContainEqual(['WHS', 1, 0, 0, 0]);
    const apo = body.items.find((o) => o.organisation.code === 'APO')!;
    // 100 of 400 expected packs counted today.
    expect(apo.stockShare).toBe(0.25);
    expect(apo.lastReports.stock_snapshot).toEqual({
      acceptedAt: '2026-03-02T12:00:00.000Z',
      refusedAt: '2026-03-02T07:00:00.000Z',
      refusedSinceAccepted: 0,
    });
    const onlyOverdue = await get<{ items: { organisation: { code: string } }[] }>(
      '/api/reporting/organisations?overdue=true',
      seed.tokens.lvAnalyst,
    );
    expect(onlyOverdue.items.map((o) => o.organisation.code).sort()).toEqual(['APO', 'REG-01']);
  });

  it('shows an organisation its own locations only, and nothing to a reader', async () => {
    const own = await get<Locations>('/api/reporting/locations', seed.tokens.pharmacyReporter);
    expect(own.items.map((l) => l.code).sort()).toEqual([SEED_CODES.pharmacy1, SEED_CODES.pharmacy2]);
    // Its summary is its own: nothing of the warehouse's 600 packs can be derived from it.
    expect(own.summary).toMatchObject({ locations: 2, reportedToday: 1, stockShare: 0.25 });
    const asked = await get<Locations>(
      `/api/reporting/locations?organisation=${seed.orgs.wholesaler}`,
      seed.tokens.pharmacyReporter,
    );
    expect(asked.total).toBe(0);
    const reader = await app.inject({
      method: 'GET',
      url: '/api/reporting/locations',
      headers: { authorization: `Bearer ${seed.tokens.pharmacyReader}` },
    });
    expect(reader.statusCode).toBe(403);
  });
});
