import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AlertDto } from '../../src/api/alert.routes.js';
import type { Page, PictureItemsPage } from '../../src/web/api-client.js';
import { evaluateAlerts } from '../../src/store/alert.evaluator.js';
import { buildNotice } from '../support/builders.js';
import { SCREENSHOT_DIR, plain, swedenWithPicture, useDashboard } from './support.js';

/**
 * Issue 10 item 5 in Chromium over synthetic Sweden (scale 0.02, seed 42): Region Skåne's reporter
 * subscribes on Bevakningar to prioritised products becoming critical in the region, follows a
 * product from its page, and sees the alerts (each saying why, linking the product) when they come.
 */
describe('Bevakningar in Chromium', () => {
  const d = useDashboard({ load: swedenWithPicture() });

  it('subscribes, follows a product from its page, shows the alerts with their reasons, and removes', async () => {
    const { page } = d;
    await d.signIn('demo-region-12');
    await d.openFromMenu('Bevakningar');
    await page.getByText('Inga bevakningar än').waitFor();
    await page.getByText('Inga larm än').waitFor();

    // A prioritised product becoming critical in my region, as an Atom feed.
    await page.getByLabel('Bevaka', { exact: true }).selectOption('critical');
    await page.getByLabel('Var', { exact: true }).selectOption('region');
    await page.getByLabel('Hur', { exact: true }).selectOption('atom');
    await page.getByRole('button', { name: 'Lägg till bevakning' }).click();
    const created = page.getByTestId('subscription-created');
    await created.waitFor();
    expect(plain(await created.textContent())).toMatch(
      new RegExp(`${d.baseUrl.replace(/[.:/]/g, '\\$&')}/api/alerts/feed/[A-Za-z0-9_-]{20,}`),
    );
    await expect.poll(() => page.getByTestId('subscription').count()).toBe(1);
    expect(plain(await page.getByTestId('subscription').first().textContent())).toContain('Region Skåne');

    // Follow a product from its page: the form opens on its notices.
    const items = await d.api<PictureItemsPage>(
      '/api/picture/items?level=region&region=12&limit=1',
      'demo-region-12',
    );
    const product = items.items[0]!;
    await page.goto(`${d.baseUrl}/products/${product.packageId}`);
    await page.getByTestId('follow-product').waitFor();
    // The top of the product page, where Bevaka sits beside the badges.
    await page.screenshot({
      path: path.join(SCREENSHOT_DIR, 'subscriptions-follow.png'),
      clip: { x: 0, y: 0, width: 1440, height: 420 },
      animations: 'disabled',
    });
    await page.getByTestId('follow-product').click();
    await page.getByRole('heading', { level: 1, name: 'Bevakningar' }).waitFor();
    expect(await page.getByLabel('Produkt (förpacknings-id)').inputValue()).toBe(String(product.packageId));
    await page.getByRole('button', { name: 'Lägg till bevakning' }).click();
    await expect.poll(() => page.getByTestId('subscription').count()).toBe(2);

    // Something changes: a new notice of the product; the server would evaluate after the refresh.
    await buildNotice(d.store.db, product.packageId!, {
      kind: 'shortage',
      expectedStart: '2026-03-09',
      expectedEnd: '2026-04-30',
      reason: 'Försenad leverans',
    });
    const result = await evaluateAlerts(d.store.db);
    expect(result.notice).toBe(1);
    const alerts = await d.api<Page<AlertDto>>('/api/alerts?limit=50', 'demo-region-12');
    expect(alerts.total).toBe(result.critical + result.notice);
    await page.getByRole('button', { name: 'Uppdatera' }).click();
    await expect.poll(() => page.getByTestId('alert').count()).toBe(alerts.items.length);
    const shown = (await page.getByTestId('alert').allTextContents()).map(plain);
    for (const [i, a] of alerts.items.entries()) expect(shown[i]).toContain(a.reason);
    const notice = alerts.items.find((a) => a.kind === 'notice')!;
    expect(notice.reason).toMatch(
      /^Ny restanmälan för .+: 2026-03-09 – 2026-04-30\. Orsak: Försenad leverans\.$/,
    );
    for (const a of alerts.items.filter((x) => x.kind === 'critical'))
      expect(a.reason).toMatch(/ i Region Skåne: täcker \d+ dagar?, under 14 dagar/);
    expect(d.problems).toEqual([]);
    await d.screenshot('subscriptions');

    // The alert links to the product's page.
    await page.getByTestId('alert').filter({ hasText: notice.title }).getByRole('link').click();
    await page.waitForURL(`**/products/${product.packageId}`);

    // Removing a subscription takes it off the list.
    await page.goBack();
    await page.getByRole('heading', { level: 1, name: 'Bevakningar' }).waitFor();
    await page.getByTestId('subscription').first().getByRole('button', { name: 'Ta bort' }).click();
    await expect.poll(() => page.getByTestId('subscription').count()).toBe(1);
  });
});
