import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type {
  PictureItemsPage,
  PictureOverview,
  PictureRegion,
  PictureWhere,
} from '../../src/web/api-client.js';
import { SCREENSHOT_DIR, plain, swedenWithPicture, useDashboard } from './support.js';

/**
 * Issue 10 items 1 and 2 in Chromium over synthetic Sweden (scale 0.02, seed 42): from the overview
 * to a shortlist of the nearest stock in three clicks, the location page, and a region's user landing
 * on its region's picture with a switch to the national one, filters and paging of the item list.
 */
describe('Var finns det? and starting where the user is, in Chromium', () => {
  const d = useDashboard({ load: swedenWithPicture() });

  it('gets from the overview to a shortlist of the nearest stock in three clicks', async () => {
    const { page } = d;
    const overview = await d.api<PictureOverview>('/api/picture/overview');
    // A critical package that several locations hold (the one a user would look for stock of).
    let chosen: { id: number; name: string; where: PictureWhere } | null = null;
    for (const item of overview.critical) {
      if (item.packageId === null) continue;
      const where = await d.api<PictureWhere>(`/api/picture/where?package=${item.packageId}&near=1280`);
      if (where.total >= 3) {
        chosen = { id: item.packageId, name: item.name, where };
        break;
      }
    }
    if (chosen === null) throw new Error('no critical package is held at three locations');
    // Nearest first: the API's order is by straight-line distance from Malmö.
    const distances = chosen.where.items.map((r) => r.distanceKm ?? Infinity);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));

    await d.signIn('demo-lv');
    await page.goto(`${d.baseUrl}/overview`);
    await page.getByTestId('item-table').waitFor();
    let clicks = 0;

    // 1: the critical package on the overview.
    await page
      .getByTestId('item-table')
      .getByRole('link', { name: chosen.name, exact: true })
      .first()
      .click();
    clicks++;
    const where = page.getByTestId('where-is-it');
    await where.getByTestId('where-row').first().waitFor();
    expect(plain(await where.getByRole('heading', { level: 2 }).textContent())).toContain('Var finns det?');

    // 2: the municipality to measure from: the list is sorted nearest first.
    await where.getByLabel('Avstånd från kommun').selectOption('1280');
    clicks++;
    await expect.poll(() => page.url()).toContain('near=1280');
    const firstRow = chosen.where.items[0];
    if (!firstRow) throw new Error('no row');
    await expect
      .poll(async () => plain(await where.getByTestId('where-row').first().textContent()))
      .toContain(firstRow.location.name);
    const shownDistances = (await where.getByTestId('where-row').allTextContents()).map((text) => {
      const m = /([\d\s,]+) km/.exec(plain(text));
      return m ? Number((m[1] ?? '').replace(/\s/g, '').replace(',', '.')) : Infinity;
    });
    expect(shownDistances).toEqual([...shownDistances].sort((a, b) => a - b));
    expect(shownDistances.length).toBe(Math.min(25, chosen.where.total));
    await where.screenshot({ path: path.join(SCREENSHOT_DIR, 'where-is-it.png') });

    // 3: the shortlist as a file, every row, nearest first.
    const download = page.waitForEvent('download');
    await where.getByRole('button', { name: 'CSV', exact: true }).click();
    clicks++;
    const file = await (await download).path();
    const lines = readFileSync(file, 'utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toContain('SKYDDAD');
    expect(lines.length - 2).toBe(chosen.where.total);
    expect(lines[2]?.split(';')[0]).toBe(firstRow.location.code);
    expect(clicks).toBe(3);

    // The location page is one click from the list.
    await where.getByRole('link', { name: firstRow.location.name, exact: true }).first().click();
    await page.getByRole('heading', { level: 1, name: firstRow.location.name }).waitFor();
    await page.getByTestId('location-item').first().waitFor();
    expect(plain(await page.getByTestId('location-items').textContent())).toContain(chosen.name);
    await d.screenshot('location');
    expect(d.problems).toEqual([]);
  }, 120_000);

  it('lands a region’s user on its region’s picture, with a switch, counts that lead to their lists, and paging', async () => {
    const { page } = d;
    const nav = page.getByRole('navigation', { name: 'Huvudmeny' });
    await page.getByRole('button', { name: 'Logga ut' }).click();
    await d.signIn('demo-region-12');

    // Lands on Region Skåne's picture; the switch offers the nation.
    await expect.poll(() => page.url()).toContain('/overview?region=12');
    await page.getByRole('heading', { level: 1, name: 'Lägesbild: Region Skåne' }).waitFor();
    const own = await d.api<PictureOverview>('/api/picture/overview?region=12', 'demo-region-12');
    const critical = own.counts.packages.critical;
    expect(critical).toBeGreaterThan(0);
    await expect
      .poll(() => page.getByTestId('risk-count-critical').getByTestId('value').textContent())
      .toBe(String(critical));
    expect(await page.getByTestId('scope-switch').locator('select').inputValue()).toBe('12');
    await d.screenshot('landing-region');

    // The count leads to the list behind it: the same number of packages, in the region.
    await page.getByTestId('risk-count-critical').getByRole('link').click();
    await expect.poll(() => page.url()).toContain('/items?region=12&risk=critical');
    await expect
      .poll(async () => plain(await page.getByTestId('result-count').textContent()))
      .toBe(`${critical} förpackningar · Region Skåne`);
    const firstPage = await d.api<PictureItemsPage>(
      '/api/picture/items?level=region&region=12&risk=critical&limit=50',
      'demo-region-12',
    );
    expect(await page.getByTestId('item-row').count()).toBe(Math.min(50, critical));
    expect(plain(await page.getByTestId('item-row').first().locator('th a').textContent())).toBe(
      firstPage.items[0]?.name,
    );

    // Filters: prioritised list and a tier, as the API answers them.
    await page.getByLabel('Endast prioriterade läkemedel').check();
    await page.getByLabel('Försörjningsnivå').selectOption('hospital_pharmacy');
    const filtered = await d.api<PictureItemsPage>(
      '/api/picture/items?level=region&region=12&risk=critical&prioritised=true&tier=hospital_pharmacy',
      'demo-region-12',
    );
    await expect
      .poll(async () => plain(await page.getByTestId('result-count').textContent()))
      .toBe(`${filtered.total} förpackningar · Region Skåne`);
    expect(page.url()).toContain('prioritised=true');
    expect(page.url()).toContain('tier=hospital_pharmacy');

    // Every item, not the first page only: the national list, 25 rows a page, pages on.
    await nav.getByRole('link', { name: 'Förpackningar', exact: true }).click();
    const all = await d.api<PictureItemsPage>('/api/picture/items', 'demo-region-12');
    expect(all.total).toBeGreaterThan(25);
    await expect
      .poll(async () => plain(await page.getByTestId('result-count').textContent()))
      .toBe(`${all.total} förpackningar · Hela landet`);
    expect(await page.getByTestId('item-row').count()).toBe(Math.min(50, all.total));
    await page.getByLabel('Rader per sida').selectOption('25');
    await expect.poll(() => page.getByTestId('item-row').count()).toBe(25);
    await page.getByRole('button', { name: 'Nästa' }).click();
    await expect.poll(() => page.url()).toContain('offset=25');
    await expect
      .poll(async () => plain(await page.locator('.pager-status').textContent()))
      .toBe(`Visar 26–${Math.min(50, all.total)} av ${all.total}`);
    const second = await d.api<PictureItemsPage>('/api/picture/items?limit=25&offset=25', 'demo-region-12');
    expect((await page.getByTestId('item-row').locator('th a').allTextContents()).map(plain)).toEqual(
      second.items.map((i) => i.name),
    );
    await d.screenshot('items');

    // The switch to the national picture.
    await nav.getByRole('link', { name: 'Lägesbild', exact: true }).click();
    await page.getByTestId('scope-switch').locator('select').selectOption('');
    await page.getByRole('heading', { level: 1, name: 'Lägesbild', exact: true }).waitFor();
    expect(new URL(page.url()).search).toBe('');

    // The region page: its most critical packages first, its own locations as rows, others one line.
    const region = await d.api<PictureRegion>('/api/picture/regions/12', 'demo-region-12');
    await page.goto(`${d.baseUrl}/regions/12`);
    await page.getByRole('heading', { level: 1, name: 'Region Skåne' }).waitFor();
    await page.getByTestId('other-locations').waitFor();
    const criticalTop = (await page.locator('#region-critical').boundingBox())?.y ?? Infinity;
    const locationsTop = (await page.locator('#region-picture-locations').boundingBox())?.y ?? -Infinity;
    expect(criticalTop).toBeLessThan(locationsTop);
    expect(criticalTop).toBeLessThan(900);
    expect(await page.getByTestId('location-row').count()).toBe(
      region.locations.filter((l) => l.detail).length,
    );
    expect(await page.getByText('Uppgifter visas bara för platsens ägare').count()).toBe(0);
    await d.screenshot('region-own');

    // A pharmacy operator sees national figures only: no map in its menu; it lands on the nation.
    await page.getByRole('button', { name: 'Logga ut' }).click();
    await d.signIn('demo-apotek');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/overview');
    const labels = (await nav.getByRole('link').allTextContents()).map(plain);
    expect(labels).toContain('Lägesbild');
    expect(labels).not.toContain('Karta');
    expect(await page.getByTestId('scope-switch').count()).toBe(0);
    expect(d.problems).toEqual([]);
  }, 120_000);
});
