import { describe, expect, it } from 'vitest';
import type { Page, PictureItemsPage, PictureProduct, Product } from '../../src/web/api-client.js';

type ProductPage = Page<Product>;
import { plain, swedenWithPicture, useDashboard } from './support.js';

/**
 * Issue 10 item 8 in Chromium over synthetic Sweden (scale 0.02, seed 42): catalogue rows that link
 * to the product page and show stock, risk and notice status; a search placeholder naming a product
 * that exists; English mode with English tier names and point decimals; item 6: the Rapporter page's
 * template downloads.
 */
describe('details users notice, in Chromium', () => {
  const d = useDashboard({ load: swedenWithPicture() });

  it('shows catalogue rows with stock, risk and notice status, linked to the product page', async () => {
    const { page } = d;
    await d.signIn('demo-lv');
    await page.goto(`${d.baseUrl}/catalogue`);
    await page.getByRole('heading', { level: 1, name: 'Produktkatalog' }).waitFor();

    // The placeholder names the catalogue's first product, its substance and ATC code.
    const first = (await d.api<ProductPage>('/api/products?limit=1')).items[0]!;
    const search = page.getByLabel('Sök förpackning');
    await expect
      .poll(() => search.getAttribute('placeholder'))
      .toBe(`Till exempel ${first.name}, ${first.substance} eller ${first.atcCode}`);

    // A package under an active shortage notice, as the picture has it.
    const noticed = (
      await d.api<PictureItemsPage>('/api/picture/items?level=national&notice=true&sort=risk&limit=1')
    ).items[0]!;
    const nplPackId = (await d.api<PictureProduct>(`/api/picture/products/${noticed.packageId}`)).product
      .nplPackId;
    await search.fill(nplPackId);
    const row = page.getByTestId('product-row').filter({ hasText: noticed.name }).first();
    await row.getByTestId('catalogue-risk').waitFor();
    const riskSv = {
      critical: 'Kritisk',
      low: 'Låg',
      adequate: 'Tillräcklig',
      no_demand: 'Ingen efterfrågan',
    };
    expect(plain(await row.getByTestId('catalogue-risk').textContent())).toBe(riskSv[noticed.riskClass]);
    expect(plain(await row.getByTestId('catalogue-notice').textContent())).toBe('Restanmäld');
    expect(plain(await row.getByTestId('catalogue-stock').textContent())).toBe(
      new Intl.NumberFormat('sv-SE').format(Math.floor(noticed.stock.usable)).replace(/\s/g, ' '),
    );
    await d.screenshot('catalogue-picture');

    await row.getByRole('link', { name: noticed.name }).click();
    await page.waitForURL(`**/products/${noticed.packageId}`);
    await page.getByTestId('tier-table').waitFor();
  });

  it('reads English in English mode: tier names, point decimals, times with their zone', async () => {
    const { page } = d;
    await page.getByRole('group', { name: 'Språk' }).getByRole('button', { name: 'English' }).click();
    await page.getByRole('columnheader', { name: 'Supply tier' }).waitFor();
    const tiers = (await page.getByTestId('tier-row').locator('th').allTextContents()).map(plain);
    expect(tiers.join(' | ')).toMatch(/Community pharmacies/);
    expect(tiers.join(' | ')).not.toMatch(/Öppenvårdsapotek|Sjukhusapotek/);
    // No Swedish decimal comma in any number of the tier table.
    const cells = (await page.getByTestId('tier-row').locator('td.num').allTextContents()).map(plain);
    expect(cells.filter((c) => /\d,\d{1,2}(\D|$)/.test(c) && !/\d,\d{3}/.test(c))).toEqual([]);
    await d.screenshot('product-english');
    await page.getByRole('group', { name: 'Language' }).getByRole('button', { name: 'Svenska' }).click();
    await page.getByRole('columnheader', { name: 'Försörjningsnivå' }).waitFor();
  });

  it('offers a template of the chosen report kind on the Rapporter page', async () => {
    const { page } = d;
    await page.getByRole('button', { name: 'Logga ut' }).click();
    await d.signIn('demo-apotek');
    await page.goto(`${d.baseUrl}/reports`);
    await page.getByRole('heading', { level: 1, name: 'Rapporter' }).waitFor();
    const templates = page.getByTestId('report-templates');
    await templates
      .getByRole('button', { name: 'Ladda ner mall (svenska kolumnnamn)', exact: true })
      .waitFor();
    const download = page.waitForEvent('download');
    await templates.getByRole('button', { name: 'Ladda ner mall (svenska kolumnnamn)', exact: true }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('mall-stock-snapshots-sv.csv');
    await d.screenshot('reports-templates');
  });
});
