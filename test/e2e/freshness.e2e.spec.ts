import { LATE_SALES_REGION } from '../../data/sales.js';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSweden } from '../../data/load.js';
import type { PictureOverview, PictureRegion } from '../../src/web/api-client.js';
import { refreshPicture } from '../../src/store/picture/refresh.js';
import { buildLocation, buildStockSnapshot } from '../support/builders.js';
import { SWEDEN, TODAY, plain, useDashboard } from './support.js';

/**
 * The picture's freshness in Chromium (issue 8 item 3) over synthetic Sweden (scale 0.02, seed 42) on
 * a morning of 2026-03-02: Stockholm, Uppsala and Västra Götaland's locations and every third other
 * one have counted their stock today; Region Skåne's sales of the last week have not arrived (its
 * figures end on 2026-02-22, seven days before yesterday); a care-unit store in Skåne last counted
 * five days ago. The overview says how complete today's picture is and names the late region; the
 * region page shows its reporting and each location's last reports, the stale ones flagged.
 */
describe('Freshness of the picture in Chromium', () => {
  let overview: PictureOverview;
  let skane: PictureRegion;
  let staleStore = 0;

  const d = useDashboard({
    load: async (store) => {
      await loadSweden(store, SWEDEN);
      // This morning's counts: the same lines as the last count, 5 % fewer.
      await sql`
        CREATE TEMP TABLE chosen AS
        SELECT l.id AS location_id, cs.snapshot_id FROM location l JOIN current_snapshot cs ON cs.location_id = l.id
        WHERE l.region_code IN ('01', '03', '14') OR l.id % 3 = 0`.execute(store.db);
      await sql`
        INSERT INTO stock_snapshot (location_id, counted_at, report_id, line_count)
        SELECT location_id, '2026-03-02T06:15:00+01:00', 1, 0 FROM chosen`.execute(store.db);
      await sql`
        INSERT INTO stock_line (snapshot_id, package_id, batch, expiry, quantity, stock_level)
        SELECT n.id, sl.package_id, sl.batch, sl.expiry, sl.quantity - floor(sl.quantity * 0.05), sl.stock_level
        FROM stock_snapshot n JOIN chosen c ON c.location_id = n.location_id
        JOIN stock_line sl ON sl.snapshot_id = c.snapshot_id
        WHERE n.counted_at = '2026-03-02T06:15:00+01:00'`.execute(store.db);
      // Region Skåne's last week has not arrived.
      await sql`DELETE FROM sales WHERE region_code = '12' AND period_start > '2026-02-22'`.execute(store.db);
      const region12 = await store.db
        .selectFrom('organisation')
        .select('id')
        .where('kind', '=', 'region')
        .where('region_code', '=', '12')
        .executeTakeFirstOrThrow();
      const pkg = await store.db.selectFrom('package').select('id').orderBy('id').executeTakeFirstOrThrow();
      staleStore = await buildLocation(store.db, region12.id, {
        kind: 'care_unit_store',
        regionCode: '12',
        name: 'Vårdförråd Ystad',
        code: 'SE-VF-YSTAD',
      });
      await buildStockSnapshot(
        store.db,
        staleStore,
        [{ packageId: pkg.id, quantity: 40, expiry: '2027-06-30' }],
        '2026-02-25T07:30:00Z',
      );
      await refreshPicture(store, { today: TODAY });
    },
  });

  beforeAll(async () => {
    overview = await d.api<PictureOverview>('/api/picture/overview');
    skane = await d.api<PictureRegion>('/api/picture/regions/12');
  });

  it('says on the overview how much of today’s picture has been reported, and names the late region', async () => {
    const { page } = d;
    await d.signIn('demo-lv');
    await d.go('/overview');
    await page.getByRole('heading', { level: 1, name: 'Lägesbild' }).waitFor();

    const c = overview.freshness.completeness;
    expect(c.reportedToday).toBeGreaterThan(0);
    expect(c.reportedToday).toBeLessThan(c.locations);
    expect(c.staleStock).toBeGreaterThanOrEqual(1);
    // Skåne, made late here, and Gävleborg, whose figures synthetic Sweden leaves 5 days late.
    expect(overview.freshness.staleSalesRegions).toEqual(['12', LATE_SALES_REGION]);

    const percent = (share: number | null) =>
      `${new Intl.NumberFormat('sv-SE', { maximumFractionDigits: share! < 0.1 ? 1 : 0 }).format(share! * 100)} %`;
    const card = (id: string) => page.getByTestId(id);
    await expect
      .poll(async () => plain(await card('completeness-locations').getByTestId('value').textContent()))
      .toBe(plain(percent(c.locationShare)));
    expect(plain(await card('completeness-locations').textContent())).toContain(
      plain(
        `${new Intl.NumberFormat('sv-SE').format(c.reportedToday)} av ${new Intl.NumberFormat('sv-SE').format(c.locations)} platser`,
      ),
    );
    expect(plain(await card('completeness-stock').getByTestId('value').textContent())).toBe(
      plain(percent(c.stockShare)),
    );
    expect(plain(await card('completeness-stale').getByTestId('value').textContent())).toBe(
      String(c.staleStock),
    );
    expect(plain(await page.getByTestId('stale-sales-regions').textContent())).toBe(
      'Försenad försäljning: Region Skåne, Region Gävleborg (mer än 3 dagar efter)',
    );

    // The regions table: Skåne's sales end on 22 Feb, flagged seven days late; Stockholm's are current.
    const row = (name: string) => page.getByTestId('overview-region-row').filter({ hasText: name });
    const skaneSales = row('Region Skåne').getByTestId('sales-through');
    expect(await skaneSales.getAttribute('data-stale')).toBe('yes');
    expect(plain(await skaneSales.textContent())).toBe('22 feb. 2026 7 dagar sen');
    expect(await row('Region Stockholm').getByTestId('sales-through').getAttribute('data-stale')).toBe('no');
    const stockholm = overview.byRegion!.find((r) => r.region.code === '01')!.freshness!.completeness;
    expect(stockholm.reportedToday).toBe(stockholm.locations);
    expect(plain(await row('Region Stockholm').getByTestId('reported-today').textContent())).toBe(
      `${stockholm.reportedToday} av ${stockholm.locations} (100 %)`,
    );
    const skaneStock = overview.byRegion!.find((r) => r.region.code === '12')!.freshness!.completeness;
    expect(skaneStock.staleStock).toBe(1);
    expect(plain(await row('Region Skåne').getByTestId('reported-today').textContent())).toBe(
      `${skaneStock.reportedToday} av ${skaneStock.locations} (${plain(percent(skaneStock.locationShare))}) 1 inaktuell`,
    );
    await d.screenshot('overview-freshness');
  });

  it('shows a region’s reporting and when each location last reported, the stale ones flagged', async () => {
    const { page } = d;
    await d.go('/regions/12');
    await page.getByRole('heading', { level: 1, name: 'Region Skåne' }).waitFor();

    expect(skane.freshness).toMatchObject({ salesThrough: '2026-02-22', salesLagDays: 7, salesStale: true });
    const card = page.getByTestId('region-freshness');
    await card.waitFor();
    expect(plain(await card.getByTestId('sales-through').textContent())).toBe('22 feb. 2026 7 dagar sen');

    const rows = page.getByTestId('location-row');
    await expect.poll(() => rows.count()).toBe(skane.locations.length);
    const store = skane.locations.find((l) => l.location.id === staleStore)!;
    expect(store.freshness).toMatchObject({ stockCountedAt: '2026-02-25T07:30:00.000Z', stockStale: true });
    const cell = rows.filter({ hasText: 'Vårdförråd Ystad' }).getByTestId('location-freshness');
    expect(await cell.getAttribute('data-stale')).toBe('yes');
    expect(plain(await cell.textContent())).toBe('25 feb. 2026 08:30 CET Inaktuellt');
    // A hospital pharmacy reports its own sales: their last day is shown, late with the region's.
    const hospital = skane.locations.find(
      (l) => l.location.kind === 'hospital_pharmacy' && l.freshness?.salesThrough,
    );
    expect(hospital?.freshness).toMatchObject({ salesThrough: '2026-02-22', salesStale: true });
    const hospitalCell = rows.filter({ hasText: hospital!.location.name }).getByTestId('location-freshness');
    expect(plain(await hospitalCell.textContent())).toContain(
      'egen försäljning t.o.m. 22 feb. 2026 Försenad',
    );
    await d.screenshot('region-freshness');

    expect(d.problems.filter((p) => !p.startsWith('console: Failed to load resource'))).toEqual([]);
  });
});
