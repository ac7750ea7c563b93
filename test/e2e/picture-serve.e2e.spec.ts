import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { PictureMap, PictureOverview, PictureProduct, PictureRegion } from '../../src/web/api-client.js';
import { refreshPicture } from '../../src/store/picture/refresh.js';
import { wholeStock } from '../../src/domain/stock-status.js';
import { buildStockDifference } from '../support/builders.js';
import { TODAY, plain, swedenWithPicture, useDashboard } from './support.js';

/** Region Skåne: no wholesaler warehouse stands in it (the generator's stand in 01, 03, 06, 14, 24). */
const REGION = '12';

/**
 * Issue 8 item 11 in Chromium over synthetic Sweden (scale 0.02, seed 42, as picture.e2e.spec.ts):
 * a region without a warehouse, its locations each measured against their own demand, and a
 * package sold out in the whole country ("slut i lager") on every screen that shows a run-out date.
 */
describe('Who serves whom, and "slut i lager", in Chromium', () => {
  let soldOut: number;

  const d = useDashboard({
    load: swedenWithPicture(async (store) => {
      // A package already short in some regions sells out everywhere: every location that holds
      // it reports a difference taking it to zero, after the generator's counts (early today).
      const short = await sql<{ package_id: number }>`
        SELECT package_id FROM picture_item
        WHERE kind = 'package' AND area_code <> 'SE' AND usable_stock <= 0 AND demand_per_day > 0
        ORDER BY package_id LIMIT 1`.execute(store.db);
      soldOut = short.rows[0]!.package_id;
      const held = await sql<{ location_id: number; quantity: number }>`
        SELECT location_id, quantity FROM current_stock WHERE package_id = ${soldOut} AND quantity > 0`.execute(
        store.db,
      );
      for (const h of held.rows) {
        await buildStockDifference(
          store.db,
          h.location_id,
          [{ packageId: soldOut, quantity: -Number(h.quantity), expiry: '2027-12-31' }],
          '2026-03-02T06:30:00Z',
        );
      }
      await refreshPicture(store, { today: TODAY, full: true });
    }),
  });

  beforeAll(async () => {
    await d.signIn('demo-lv');
  });

  it('shows a region without a warehouse: its share of wholesale stock counted, each location against its own demand', async () => {
    const { page } = d;
    const region = await d.api<PictureRegion>(`/api/picture/regions/${REGION}`);
    expect(region.locations.some((l) => l.location.kind === 'wholesaler_warehouse')).toBe(false);
    const bases = new Set(region.locations.map((l) => l.prioritised?.demandBasis));
    // Pharmacies share the region's demand; hospital and dose pharmacies have their own sales; care
    // units and preparedness stocks have no basis.
    expect(bases).toEqual(new Set(['region_share', 'own_sales', 'no_basis']));

    await d.go(`/regions/${REGION}`);
    await page.getByRole('heading', { level: 1, name: 'Region Skåne' }).waitFor();
    const rows = page.getByTestId('location-row');
    await expect.poll(() => rows.count()).toBe(region.locations.length);
    for (const l of region.locations.slice(0, 40)) {
      const row = rows.filter({ hasText: l.location.code });
      const text = plain(await row.textContent());
      if (l.prioritised?.demandBasis === 'no_basis') {
        expect(text, l.location.name).toContain('inget underlag');
        expect(text).toContain('Inget underlag');
      } else if (l.prioritised?.demandBasis === 'region_share') {
        const cells = (await row.locator('td').allTextContents()).map(plain);
        expect(cells[5]).toBe(String(l.prioritised.belowCritical));
        expect(cells[7]).toBe('Andel av regionens');
      }
    }
    expect(await page.getByTestId('region-count-critical').textContent()).toBe(
      String(region.counts!.packages.critical),
    );
    await d.screenshot('region-no-warehouse');
  });

  it('shows the region’s share of the wholesale stock in the table of regions', async () => {
    const { page } = d;
    const overview = await d.api<PictureOverview>('/api/picture/overview');
    const pid = overview.critical.find((i) => i.packageId !== soldOut)?.packageId ?? soldOut;
    const product = await d.api<PictureProduct>(`/api/picture/products/${pid}`);
    const skane = product.stockByRegion!.find((r) => r.area.code === REGION)!;
    expect(skane.wholesale.held.usable).toBe(0);
    await d.go(`/products/${pid}`);
    const row = page.getByTestId('map-row').filter({ hasText: 'Region Skåne' });
    await row.waitFor();
    const share = plain(await row.getByTestId('wholesale-share').textContent());
    expect(share).toBe(
      plain(new Intl.NumberFormat('sv-SE').format(wholeStock(skane.wholesale.share.usable))),
    );
  });

  it('says "Slut i lager" for a package at zero on the overview, the product page, the map and the region page', async () => {
    const { page } = d;
    const overview = await d.api<PictureOverview>('/api/picture/overview');
    const item = overview.critical.find((i) => i.packageId === soldOut)!;
    expect(item).toMatchObject({ stockStatus: 'out_of_stock', coverageDays: 0, runsOutOn: TODAY });

    await d.go('/overview');
    const row = page.getByTestId('item-row').filter({ hasText: item.name });
    await row.first().waitFor();
    expect(plain(await row.first().getByTestId('out-of-stock').textContent())).toBe('Slut i lager');
    expect(plain(await row.first().textContent())).not.toContain('2 mars 2026');

    const product = await d.api<PictureProduct>(`/api/picture/products/${soldOut}`);
    await d.go(`/products/${soldOut}`);
    const figures = page.getByTestId('product-figures');
    await figures.getByTestId('out-of-stock').waitFor();
    expect(plain(await figures.textContent())).toContain('Slut i lager');
    expect(product.item?.stockStatus).toBe('out_of_stock');

    const map = await d.api<PictureMap>(`/api/picture/map?package=${soldOut}`);
    expect(map.regions.every((r) => r.stockStatus === 'out_of_stock')).toBe(true);
    await d.go(`/map?package=${soldOut}`);
    await page.locator(`path[data-region="${REGION}"]`).hover();
    const tooltip = page.getByRole('tooltip');
    await tooltip.waitFor();
    expect(plain(await page.getByTestId('map-tooltip-runs-out').textContent())).toBe('Slut i lager');
    expect(await page.locator(`path[data-region="${REGION}"]`).getAttribute('aria-label')).toBe(
      'Region Skåne: Slut i lager',
    );

    const region = await d.api<PictureRegion>(`/api/picture/regions/${REGION}`);
    if (region.critical!.some((i) => i.packageId === soldOut)) {
      await d.go(`/regions/${REGION}`);
      const critical = page.getByTestId('item-row').filter({ hasText: item.name });
      await critical.first().waitFor();
      expect(plain(await critical.first().getByTestId('out-of-stock').textContent())).toBe('Slut i lager');
    } else {
      throw new Error(`package ${soldOut} is not among region ${REGION}'s critical items`);
    }
    expect(d.problems.filter((p) => !p.startsWith('console: Failed to load resource'))).toEqual([]);
  });
});
