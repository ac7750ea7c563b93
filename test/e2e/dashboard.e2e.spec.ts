import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIXTURE_REGIONS, loadDashboardFixture } from '../support/dashboard-fixture.js';
import { plain, useDashboard } from './support.js';

describe('dashboard in Chromium', () => {
  const d = useDashboard({ load: loadDashboardFixture });

  it('refuses an unknown token and explains why, in Swedish by default', async () => {
    const { page } = d;
    await page.getByRole('heading', { level: 1, name: 'Logga in' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('sv');
    await d.screenshot('sign-in');

    await page.getByLabel('Åtkomsttoken').fill('not-a-token');
    await page.getByRole('button', { name: 'Logga in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Token känns inte igen' }).waitFor();
  });

  it('signs in with a demo token and shows the 21 regions with population and locations by kind', async () => {
    const { page } = d;
    await d.signIn('demo-lv');

    expect(plain(await page.getByTestId('account').innerText())).toBe(
      'Läkemedelsverket Samordnare · Anna Lindqvist',
    );
    // Issue 10 item 2: LV lands on the national picture; the regions are one menu item away.
    await page.getByRole('heading', { level: 1, name: 'Lägesbild' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/overview');
    await d.openFromMenu('Regioner');
    const rows = page.getByTestId('region-row');
    await expect.poll(() => rows.count()).toBe(21);

    // Region Skåne: 1 414 659 inhabitants; 2 community pharmacies, 1 hospital pharmacy, 1 care-unit store,
    // 1 municipal store and 1 regional preparedness stock (LV sees those) = 6 locations.
    const skane = rows.filter({ hasText: 'Region Skåne' });
    const cells = (await skane.locator('th, td').allTextContents()).map(plain);
    const header = (await page.locator('.regions-table thead th').allTextContents()).map(plain);
    const cell = (column: string) => cells[header.indexOf(column)];
    expect(cell('Region')).toBe('Region Skåne');
    expect(cell('Befolkning')).toBe('1 414 659');
    expect(cell('Öppenvårdsapotek')).toBe('2');
    expect(cell('Sjukhusapotek')).toBe('1');
    expect(cell('Regionalt beredskapslager')).toBe('1');
    expect(cell('Totalt')).toBe('6');

    // The totals row adds up the country: 14 locations, population of all 21 regions.
    const population = FIXTURE_REGIONS.reduce((sum, [, , n]) => sum + n, 0);
    const totals = (await page.locator('.regions-table tfoot').locator('th, td').allTextContents()).map(
      plain,
    );
    expect(totals[0]).toBe('Hela landet');
    expect(totals[1]).toBe(plain(new Intl.NumberFormat('sv-SE').format(population)));
    expect(totals.at(-1)).toBe('14');
    expect(plain(await page.locator('.stats').textContent())).toContain('21');

    const file = await d.screenshot('start');
    expect(existsSync(file)).toBe(true);

    // On a 1280 px laptop the whole table fits: no sideways scrolling of the table or the page.
    await page.setViewportSize({ width: 1280, height: 800 });
    const overflow = await page
      .locator('.regions-table')
      .evaluate((table) => [
        table.parentElement!.scrollWidth - table.parentElement!.clientWidth,
        document.documentElement.scrollWidth - window.innerWidth,
      ]);
    expect(overflow).toEqual([0, 0]);
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('shows a designed error with a support reference when the API fails, and recovers on retry', async () => {
    const { page } = d;
    let failing = true;
    await page.route('**/api/regions?*', (route) =>
      failing
        ? route.fulfill({
            status: 500,
            json: {
              error: { kind: 'internal', message: 'internal error', problems: [], correlationId: 'req-4711' },
            },
          })
        : route.continue(),
    );
    await page.reload();
    const alert = page.getByRole('alert');
    await alert.getByRole('heading', { name: 'Det gick inte att hämta uppgifterna' }).waitFor();
    expect(plain(await alert.textContent())).toContain('Felkod för support: req-4711');
    failing = false;
    await alert.getByRole('button', { name: 'Försök igen' }).click();
    await expect.poll(() => page.getByTestId('region-row').count()).toBe(21);
    await page.unrouteAll();
  });

  it('opens a region from the table and comes back', async () => {
    const { page } = d;
    await page.getByRole('link', { name: 'Region Skåne' }).click();
    await page.getByRole('heading', { level: 1, name: 'Region Skåne' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/regions/12');
    await page.getByRole('rowheader', { name: 'Malmö' }).waitFor();
    await d.screenshot('region-basic');
    await page.getByRole('link', { name: 'Alla regioner' }).click();
    await page.getByRole('heading', { level: 1, name: 'Regioner' }).waitFor();
  });

  it('finds a product by substance in the catalogue, with its flags, and filters by the SoS list', async () => {
    const { page } = d;
    await d.openFromMenu('Produktkatalog');
    await expect
      .poll(async () => plain(await page.getByTestId('result-count').textContent()))
      .toBe('16 förpackningar');

    await page.getByLabel('Sök förpackning').fill('amoxicillin');
    await expect
      .poll(async () => plain(await page.getByTestId('result-count').textContent()))
      .toBe('2 förpackningar');
    const rows = page.getByTestId('product-row');
    expect(await rows.count()).toBe(2);
    expect(plain(await rows.first().textContent())).toContain('Amimox');
    expect(new URL(page.url()).searchParams.get('q')).toBe('amoxicillin');

    // Paracetamol: five packages, one parallel-imported (badge), prices in kronor.
    await page.getByLabel('Sök förpackning').fill('paracetamol');
    await expect
      .poll(async () => plain(await page.getByTestId('result-count').textContent()))
      .toBe('5 förpackningar');
    const parallel = rows.filter({ hasText: 'Paranova' });
    expect(plain(await parallel.textContent())).toContain('Parallellimport');
    expect(plain(await parallel.locator('td.num').first().textContent())).toBe('55,20 kr');
    await d.screenshot('catalogue');

    // Socialstyrelsen's list holds no paracetamol: the empty state offers to clear the filters.
    await page.getByLabel('Endast Socialstyrelsens prioriterade lista').check();
    await page.getByRole('heading', { name: 'Inga förpackningar matchar' }).waitFor();
    await page.getByRole('button', { name: 'Rensa sökning och filter' }).first().click();
    await expect
      .poll(async () => plain(await page.getByTestId('result-count').textContent()))
      .toBe('16 förpackningar');
    await page.getByLabel('Endast Socialstyrelsens prioriterade lista').check();
    await expect
      .poll(async () => plain(await page.getByTestId('result-count').textContent()))
      .toBe('7 förpackningar');
  });

  it('switches to English, remembers it across a reload, and stays signed in', async () => {
    const { page } = d;
    const switcher = page.getByRole('group', { name: 'Språk' });
    await switcher.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Product catalogue' }).waitFor();
    expect(
      await switcher
        .or(page.getByRole('group', { name: 'Language' }))
        .getByRole('button', { name: 'English' })
        .getAttribute('aria-pressed'),
    ).toBe('true');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await expect
      .poll(async () => plain(await page.getByTestId('result-count').textContent()))
      .toBe('7 packages');

    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Product catalogue' }).waitFor();
    expect(plain(await page.getByTestId('account').innerText())).toContain('Coordinator');
    await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Regions' }).click();
    await page.getByRole('heading', { level: 1, name: 'Regions' }).waitFor();
    await page.locator('.regions-table tfoot th', { hasText: 'Sweden' }).waitFor();

    await page.getByRole('group', { name: 'Language' }).getByRole('button', { name: 'Svenska' }).click();
    await page.getByRole('heading', { level: 1, name: 'Regioner' }).waitFor();
  });

  it('signs out back to the sign-in page and forgets the token', async () => {
    const { page } = d;
    await page.getByRole('button', { name: 'Logga ut' }).click();
    await page.getByRole('heading', { level: 1, name: 'Logga in' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('beredskap.token'))).toBeNull();
  });

  it('shows a region only what it may see: no state security stock, but its own preparedness stock', async () => {
    const { page } = d;
    await d.signIn('demo-region-12');
    expect(plain(await page.getByTestId('account').innerText())).toBe(
      'Region Skåne Rapportör · Erik Nilsson',
    );
    // Issue 10 item 2: a region's user lands on its region's picture.
    await expect.poll(() => page.url()).toContain('/overview?region=12');
    await page
      .getByRole('navigation', { name: 'Huvudmeny' })
      .getByRole('link', { name: 'Regioner', exact: true })
      .click();
    const rows = page.getByTestId('region-row');
    await expect.poll(() => rows.count()).toBe(21);
    // 14 locations less the state security stock in Uppsala; Skåne's own preparedness stock still counts.
    const totals = (await page.locator('.regions-table tfoot').locator('th, td').allTextContents()).map(
      plain,
    );
    expect(totals.at(-1)).toBe('13');
    expect(plain(await rows.filter({ hasText: 'Region Skåne' }).locator('td').last().textContent())).toBe(
      '6',
    );
    await page.getByText('Statliga och regionala beredskapslager räknas bara för').waitFor();
  });

  it('sends the user back to sign-in with an explanation when the token is revoked mid-session', async () => {
    const { page } = d;
    await d.store.db
      .updateTable('api_token')
      .set({ revoked_at: new Date() })
      .where('label', '=', 'dashboard fixture')
      .execute();
    await page
      .getByRole('navigation', { name: 'Huvudmeny' })
      .getByRole('link', { name: 'Produktkatalog' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Logga in' }).waitFor();
    await page.getByText('Din inloggning har upphört. Logga in igen.').waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('beredskap.token'))).toBeNull();

    // The refused tokens (401) and the simulated failure (500) log a failed load; nothing else may.
    expect(d.problems.filter((p) => !p.startsWith('console: Failed to load resource'))).toEqual([]);
  });
});
