import { describe, expect, it } from 'vitest';
import { loadSweden } from '../../data/load.js';
import { plain, useDashboard } from './support.js';

const sv = new Intl.NumberFormat('sv-SE');

/**
 * The demo as a newcomer meets it: synthetic Sweden (small scale), the demo token printed by
 * `npm run demo`, the 21 regions, and a product found by search. Expected numbers come from the
 * database, so the test follows the generator without hard-coding its output.
 */
describe('the demo in Chromium', () => {
  const d = useDashboard({
    load: async (store) => {
      await loadSweden(store, { scale: 0.02, seed: 42, today: '2026-11-23' });
    },
  });

  it('signs in with the demo token and shows the 21 regions with their populations and locations', async () => {
    const { page, store } = d;
    await d.signIn('demo-lv');
    expect(plain(await page.getByTestId('account').innerText())).toMatch(/Läkemedelsverket/);
    // LV lands on the national picture (issue 10 item 2); the regions are one menu item away.
    await page
      .getByRole('navigation', { name: 'Huvudmeny' })
      .getByRole('link', { name: 'Regioner', exact: true })
      .click();
    const rows = page.getByTestId('region-row');
    await expect.poll(() => rows.count()).toBe(21);

    const skane = await store.db
      .selectFrom('region')
      .selectAll()
      .where('code', '=', '12')
      .executeTakeFirstOrThrow();
    const skaneLocations = await store.db
      .selectFrom('location')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('region_code', '=', '12')
      .executeTakeFirstOrThrow();
    const skaneRow = rows.filter({ hasText: 'Region Skåne' });
    const cells = (await skaneRow.locator('td, th').allTextContents()).map(plain);
    expect(cells).toContain(plain(sv.format(skane.population)));
    expect(cells.at(-1)).toBe(plain(sv.format(Number(skaneLocations.n))));
    await d.screenshot('demo-start');
  });

  it('finds a generated product by substance and by its Nordic article number', async () => {
    const { page, store } = d;
    const target = await store.db
      .selectFrom('package as p')
      .innerJoin('medicine as m', 'm.id', 'p.medicine_id')
      .select(['m.name', 'm.substance', 'p.nordic_article_number'])
      .where('m.atc_code', 'like', 'J01%')
      .orderBy('p.id')
      .executeTakeFirstOrThrow();
    const expected = await store.db
      .selectFrom('package as p')
      .innerJoin('medicine as m', 'm.id', 'p.medicine_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where((eb) =>
        eb.or([
          eb('m.name', 'ilike', `%${target.substance}%`),
          eb('m.substance', 'ilike', `%${target.substance}%`),
        ]),
      )
      .executeTakeFirstOrThrow();

    await page
      .getByRole('navigation', { name: 'Huvudmeny' })
      .getByRole('link', { name: 'Produktkatalog' })
      .click();
    await page.getByLabel('Sök förpackning').fill(target.substance);
    await expect
      .poll(async () => plain(await page.getByTestId('result-count').textContent()))
      .toMatch(new RegExp(`^${Number(expected.n)} förpackning`));
    expect(await page.getByTestId('product-row').filter({ hasText: target.name }).count()).toBeGreaterThan(0);
    await d.screenshot('demo-catalogue');

    await page.getByLabel('Sök förpackning').fill(target.nordic_article_number ?? '');
    await expect.poll(() => page.getByTestId('product-row').count()).toBe(1);
    expect(plain(await page.getByTestId('product-row').innerText())).toContain(target.name);
  });
});
