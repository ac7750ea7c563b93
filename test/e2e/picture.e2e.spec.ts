import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type {
  PictureItemsPage,
  PictureMap,
  PictureOverview,
  PictureProduct,
  PictureRegion,
} from '../../src/web/api-client.js';
import { addDays } from '../../src/domain/calendar.js';
import { wholeStock } from '../../src/domain/stock-status.js';
import { backfillStockHistory } from '../../src/store/picture/refresh.js';
import { TODAY, plain, swedenWithPicture, useDashboard } from './support.js';

/**
 * The situational picture in Chromium over synthetic Sweden (scale 0.02, seed 42): overview, map,
 * product and region pages, each checked against the API's own numbers and saved as a screenshot.
 */
describe('Lägesbild in Chromium', () => {
  let overview: PictureOverview;

  const d = useDashboard({
    load: swedenWithPicture(async (store) => {
      // The generator writes current and week-old snapshots: rebuild the days between from them.
      await backfillStockHistory(
        store,
        Array.from({ length: 10 }, (_, i) => addDays(TODAY, i - 10)),
      );
    }),
  });

  beforeAll(async () => {
    overview = await d.api<PictureOverview>('/api/picture/overview');
  });

  it('shows the national overview: counts by risk as the API gives them, critical items, notices, class', async () => {
    const { page } = d;
    await d.signIn('demo-lv');
    const nav = page.getByRole('navigation', { name: 'Huvudmeny' });
    // Lägesbild is the first item of the menu.
    expect(plain(await nav.getByRole('link').first().textContent())).toBe('Lägesbild');
    await nav.getByRole('link', { name: 'Lägesbild' }).click();
    await page.getByRole('heading', { level: 1, name: 'Lägesbild' }).waitFor();

    const counts = overview.counts.packages;
    expect(counts.total).toBeGreaterThan(0);
    for (const key of ['critical', 'low', 'adequate', 'noDemand'] as const) {
      await expect
        .poll(() => page.getByTestId(`risk-count-${key}`).getByTestId('value').textContent())
        .toBe(String(counts[key]));
    }
    expect(counts.critical + counts.low + counts.adequate + counts.noDemand).toBe(counts.total);

    expect(plain(await page.getByTestId('classification').textContent())).toContain(
      `Informationsklass: ${overview.classification.label}`,
    );
    expect(overview.classification.label).toBe('Begränsad');

    // The most critical packages, in the API's order, each linking to its product page.
    const rows = page.getByTestId('item-row');
    await expect.poll(() => rows.count()).toBe(overview.critical.length);
    const first = overview.critical[0];
    expect(first).toBeDefined();
    expect(plain(await rows.first().getByRole('link').textContent())).toBe(first!.name);
    expect(await rows.first().getByRole('link').getAttribute('href')).toBe(`/products/${first!.packageId}`);

    // Notices starting within 30 days and those in force.
    await expect
      .poll(() => page.getByTestId('upcoming-notices').getByTestId('notice').count())
      .toBe(overview.notices.upcoming.length);
    await expect
      .poll(() => page.getByTestId('active-notices').getByTestId('notice').count())
      .toBe(overview.notices.active.length);
    expect(overview.notices.upcoming.length + overview.notices.active.length).toBeGreaterThan(0);

    await d.screenshot('overview');

    // Export: the CSV of the critical items carries the class marking on its first line.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'CSV' }).first().click(),
    ]);
    const csv = readFileSync(await download.path(), 'utf8');
    expect(csv.split('\n')[0]).toContain('Informationsklass: Begränsad');
    expect(download.suggestedFilename()).toMatch(/\.csv$/);

    // The printable report opens in a new tab, marked with its class.
    const [popup] = await Promise.all([
      page.waitForEvent('popup'),
      page.getByRole('button', { name: 'Utskriftsvänlig lägesrapport' }).click(),
    ]);
    await popup.waitForURL(/^blob:/);
    await popup.waitForLoadState();
    expect(await popup.content()).toContain('Begränsad');
    await popup.close();
  });

  it('colours the 21 regions of the map by a chosen package, with legend, tooltip and CC BY 4.0 credit', async () => {
    const { page } = d;
    // The package whose regions differ most in risk class, so that the map shows several colours.
    const candidates = await d.api<PictureItemsPage>('/api/picture/items?sort=risk&limit=100');
    let pid = overview.critical[0]!.packageId!;
    let map = await d.api<PictureMap>(`/api/picture/map?package=${pid}`);
    const spread = (m: PictureMap) => new Set(m.regions.map((r) => r.riskClass)).size;
    for (const item of candidates.items.slice(0, 40)) {
      const m = await d.api<PictureMap>(`/api/picture/map?package=${item.packageId}`);
      if (spread(m) > spread(map)) [pid, map] = [item.packageId!, m];
    }
    expect(spread(map)).toBeGreaterThan(1);
    expect(map.regions).toHaveLength(21);

    await d.openFromMenu('Karta');
    await page.getByLabel('Förpackning eller grupp').selectOption(String(pid));
    await expect.poll(() => new URL(page.url()).searchParams.get('package')).toBe(String(pid));
    await expect.poll(() => page.getByTestId('map-item-name').textContent()).toContain(map.item.name);

    const shapes = page.locator('[data-testid="sweden-map"] path[data-region]');
    expect(await shapes.count()).toBe(21);
    const codes = await shapes.evaluateAll((paths) => paths.map((p) => p.getAttribute('data-region')));
    expect(new Set(codes)).toEqual(new Set(map.regions.map((r) => r.area.code)));

    // Each region is filled by its own risk class; no region is left uncoloured.
    await expect
      .poll(() =>
        shapes.evaluateAll((paths) => paths.filter((p) => p.getAttribute('data-risk') !== '').length),
      )
      .toBe(21);
    for (const region of map.regions) {
      const shape = page.locator(`path[data-region="${region.area.code}"]`);
      expect(await shape.getAttribute('data-risk')).toBe(region.riskClass);
      expect(await shape.getAttribute('fill')).not.toBe('#eef1f5');
    }
    // A critical region is one of the two red shades of the legend, an adequate one one of the greens.
    const fills = new Map<string, string[]>([
      ['critical', ['#9f1d14', '#e0533f']],
      ['low', ['#f2b544']],
      ['adequate', ['#8cc79b', '#2f8a4e']],
      ['no_demand', ['#d9dee5']],
    ]);
    for (const region of map.regions) {
      const fill = await page.locator(`path[data-region="${region.area.code}"]`).getAttribute('fill');
      expect(fills.get(region.riskClass), region.area.name).toContain(fill);
    }

    expect(await page.getByTestId('map-legend').locator('li').count()).toBe(6);
    const credit = plain(await page.getByTestId('map-credit').textContent());
    expect(credit).toContain('@svg-maps/sweden');
    expect(credit).toContain('MapSVG');
    expect(credit).toContain('CC BY 4.0');
    expect(plain(await page.getByTestId('classification').textContent())).toContain('Begränsad');
    expect(await page.getByTestId('map-row').count()).toBe(21);

    await page.locator('path[data-region="12"]').hover();
    const tooltip = page.getByRole('tooltip');
    await tooltip.waitFor();
    expect(plain(await tooltip.textContent())).toContain('Region Skåne');
    await d.screenshot('map');

    await page.locator('path[data-region="12"]').click();
    await page.getByRole('heading', { level: 1, name: 'Region Skåne' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/regions/12');
  });

  it('shows a product page: stock by tier, sales and stock charts, notices, alternatives', async () => {
    const { page } = d;
    const first = overview.critical[0]!;
    const product = await d.api<PictureProduct>(`/api/picture/products/${first.packageId}`);

    await d.go('/overview');
    await page.getByTestId('item-row').first().getByRole('link', { name: first.name }).click();
    await page
      .getByRole('heading', { level: 1, name: `${product.product.name} ${product.product.pack}` })
      .waitFor();
    expect(new URL(page.url()).pathname).toBe(`/products/${first.packageId}`);

    const tiers = page.getByTestId('tier-row');
    await expect.poll(() => tiers.count()).toBe(product.stockByTier.length);
    expect((await tiers.locator('th').allTextContents()).map(plain)).toEqual(
      product.stockByTier.map((t) => t.tierName),
    );
    const wholesale = product.stockByTier.find((t) => t.tier === 'wholesale')!;
    const wholesaleCells = (
      await tiers.filter({ hasText: 'Partihandel' }).locator('td').allTextContents()
    ).map(plain);
    expect(wholesaleCells[0]).toBe(String(wholesale.locations));
    expect(wholesaleCells[2]).toBe(String(wholesale.stock.usable));
    // The tiers are everyday stock and add up to the package's; the reserve is a row of its own,
    // shown to the authority, with the days it would add (issue 8 items 1 and 5).
    const sum = product.stockByTier.reduce((s, t) => s + t.stock.total, 0);
    expect(sum).toBeCloseTo(product.item!.stock.total, 6);
    expect(product.stockByTier.map((t) => t.tier)).not.toContain('preparedness');
    expect(product.reserve).not.toBeNull();
    expect(await page.getByTestId('reserve-row').count()).toBe(1);
    expect(plain(await page.getByTestId('classification').textContent())).toContain('Skyddad');

    // Two charts drawn as SVG by ECharts: 13 monthly bars and the stock line.
    await page.getByTestId('sales-chart').locator('svg').waitFor();
    await page.getByTestId('stock-chart').locator('svg').waitFor();
    expect(product.salesByMonth.length).toBeGreaterThanOrEqual(12);

    const notices = page.getByTestId('product-notices').getByTestId('notice');
    await expect.poll(() => notices.count()).toBe(product.notices.length);
    expect(product.notices.length).toBeGreaterThan(0);
    expect(plain(await notices.first().textContent())).toContain(product.notices[0]!.company.name);

    const alternatives = page
      .locator('#product-alternatives')
      .locator('xpath=ancestor::section')
      .getByTestId('item-row');
    expect(await alternatives.count()).toBe(product.alternatives.length);
    expect(plain(await page.getByTestId('classification').textContent())).toContain(
      product.classification.label,
    );
    // Stock by region: on the page's map and in a table, as the API gives it.
    expect(await page.locator('[data-testid="sweden-map"] path[data-region]').count()).toBe(21);
    const regionRows = page.getByTestId('map-row');
    expect(await regionRows.count()).toBe(product.stockByRegion!.length);
    const skane = product.stockByRegion!.find((r) => r.area.code === '12')!;
    const skaneCells = (
      await regionRows.filter({ hasText: 'Region Skåne' }).locator('td').allTextContents()
    ).map(plain);
    // In whole packages: a region's share of the wholesale stock serving it is a fraction.
    expect(skaneCells[0]).toBe(plain(new Intl.NumberFormat('sv-SE').format(wholeStock(skane.stock.usable))));

    // The most critical package that the preparedness stocks hold: its reserve, apart, with the days
    // it would add if released.
    const reserveItems = await d.api<PictureItemsPage>(
      '/api/picture/items?tier=preparedness&risk=low&risk=adequate&sort=demand&limit=500',
    );
    const withReserve = new Set(reserveItems.items.filter((i) => i.stock.total > 0).map((i) => i.ref));
    const everyday = await d.api<PictureItemsPage>('/api/picture/items?sort=risk&limit=500');
    const chosen = everyday.items.find((i) => withReserve.has(i.ref));
    expect(chosen, 'a package with a reserve').toBeDefined();
    const held = await d.api<PictureProduct>(`/api/picture/products/${chosen!.ref}`);
    await d.go(`/products/${held.product.id}`);
    const reserve = page.getByTestId('reserve-row');
    await reserve.waitFor();
    const reserveCells = (await reserve.locator('td').allTextContents()).map(plain);
    expect(reserveCells[1]).toBe(plain(held.reserve!.stock.total.toLocaleString('sv-SE')));
    expect(plain(await reserve.locator('th').textContent())).toContain('Reserv');
    expect(reserveCells[3]).toMatch(/^\+/);

    await d.screenshot('product');
  });

  it('lists a region’s locations and their coverage of the prioritised list', async () => {
    const { page } = d;
    const region = await d.api<PictureRegion>('/api/picture/regions/12');
    expect(region.locations.length).toBeGreaterThan(0);

    await d.go('/regions/12');
    await page.getByRole('heading', { level: 1, name: 'Region Skåne' }).waitFor();
    const rows = page.getByTestId('location-row');
    await expect.poll(() => rows.count()).toBe(region.locations.length);
    const names = (await rows.locator('td:first-child').allTextContents()).map(plain);
    for (const { location } of region.locations)
      expect(names.some((n) => n.startsWith(location.name))).toBe(true);

    // An authority sees every location in detail, with the prioritised list's numbers.
    // (A location without a basis to measure against says so instead of figures: picture-serve.e2e.)
    const withFigures = region.locations.find(
      (l) => l.prioritised !== null && l.prioritised.demandBasis !== 'no_basis',
    )!;
    const row = rows.filter({ hasText: withFigures.location.name });
    const cells = (await row.locator('td').allTextContents()).map(plain);
    expect(cells[4]).toBe(String(withFigures.prioritised!.held));
    expect(cells[5]).toBe(String(withFigures.prioritised!.belowCritical));
    expect(plain(await page.getByTestId('classification').textContent())).toContain(
      region.classification.label,
    );
    expect(await page.getByTestId('region-count-critical').textContent()).toBe(
      String(region.counts!.packages.critical),
    );

    await d.screenshot('region');
  });

  it('shows a region token its own locations in detail and nothing of another region’s locations', async () => {
    const { page } = d;
    await d.go('/overview');
    await page.getByRole('button', { name: 'Logga ut' }).click();
    await d.signIn('demo-region-12');

    const own = await d.api<PictureRegion>('/api/picture/regions/12', 'demo-region-12');
    await d.go('/regions/12');
    const rows = page.getByTestId('location-row');
    // Only its own locations are rows (issue 10 item 2); the others are one line, without figures.
    const ownDetailed = own.locations.filter((l) => l.detail).length;
    await expect.poll(() => rows.count()).toBe(ownDetailed);
    expect(await rows.and(page.locator('[data-detail="yes"]')).count()).toBe(ownDetailed);
    expect(ownDetailed).toBeGreaterThan(0);
    expect(plain(await page.getByTestId('other-locations').textContent())).toContain(
      `${own.locations.length - ownDetailed} lagerplatser som andra organisationer äger`,
    );
    expect(plain(await page.getByTestId('classification').textContent())).toContain('Skyddad');

    // Region Stockholm as seen from Skåne: no location in detail, no figures, and its preparedness
    // stock not even by name; the LV view of the same page lists it.
    const other = await d.api<PictureRegion>('/api/picture/regions/01', 'demo-region-12');
    const asAuthority = await d.api<PictureRegion>('/api/picture/regions/01');
    const hidden = asAuthority.locations
      .map((l) => l.location.name)
      .filter((name) => !other.locations.some((l) => l.location.name === name));
    expect(hidden.length).toBeGreaterThan(0);

    await d.go('/regions/01');
    await page.getByRole('heading', { level: 1, name: 'Region Stockholm' }).waitFor();
    await page.getByTestId('other-locations').waitFor();
    expect(await rows.count()).toBe(0);
    expect(plain(await page.getByTestId('other-locations').textContent())).toContain(
      `${other.locations.length} lagerplatser som andra organisationer äger`,
    );
    const text = plain(await page.locator('main').textContent());
    for (const name of hidden) expect(text).not.toContain(name);
    expect(plain(await page.getByTestId('classification').textContent())).toContain('Begränsad');
    await d.screenshot('region-other');

    expect(d.problems.filter((p) => !p.startsWith('console: Failed to load resource'))).toEqual([]);
  });
});
