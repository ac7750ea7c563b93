import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NoticeHistory, NoticesPage, PictureOverview } from '../../src/web/api-client.js';
import { SCREENSHOT_DIR, plain, swedenWithPicture, useDashboard } from './support.js';

/**
 * Issue 10 item 4 in Chromium over synthetic Sweden (scale 0.02, seed 42, whose notices include a
 * sales stop notified late and a corrected notice): the register of notices, its filters and a
 * notice's corrections, and the overview's notices starting soon split by kind.
 */
describe('Restnoteringar in Chromium', () => {
  const d = useDashboard({ load: swedenWithPicture() });

  const rows = () => d.page.getByTestId('notice-row');

  it('lists the register as the API does, filters it, and opens a notice’s corrections', async () => {
    const { page } = d;
    const all = await d.api<NoticesPage>('/api/notices');
    const salesStops = await d.api<NoticesPage>('/api/notices?kind=sales_stop');
    expect(all.total).toBeGreaterThan(salesStops.total);
    expect(salesStops.total).toBeGreaterThan(0);

    await d.signIn('demo-lv');
    await d.openFromMenu('Restnoteringar', 'Restnoteringar och försäljningsuppehåll');
    await expect.poll(() => rows().count()).toBe(Math.min(all.total, 25));
    expect(plain(await page.getByTestId('result-count').textContent())).toBe(
      all.total === 1 ? '1 anmälan' : `${all.total} anmälningar`,
    );
    const firstApi = all.items[0]!;
    expect(plain(await rows().first().locator('th').textContent())).toContain(firstApi.name);

    // A corrected notice shows its versions, the first notification first.
    const corrected = all.items.find((n) => n.corrections > 0);
    expect(corrected, 'synthetic Sweden has a corrected notice').toBeDefined();
    const history = await d.api<NoticeHistory>(`/api/notices/${corrected!.id}/history`);
    expect(history.versions.length).toBe(corrected!.corrections + 1);
    const row = rows().filter({ hasText: corrected!.name }).first();
    await row.getByTestId('history-toggle').click();
    const shown = page.getByTestId('notice-history').locator('li');
    await expect.poll(() => shown.count()).toBe(history.versions.length);
    expect(plain(await shown.first().textContent())).toMatch(/^Första anmälan/);
    expect(plain(await shown.last().textContent())).toContain('Gällande');
    await d.screenshot('notices-register');

    // The kind filter narrows to the API's sales stops and keeps it in the address.
    await page.getByLabel('Typ').selectOption('sales_stop');
    await expect.poll(() => rows().count()).toBe(Math.min(salesStops.total, 25));
    expect(page.url()).toContain('kind=sales_stop');
    for (const text of await rows().allTextContents()) expect(text).toContain('Försäljningsuppehåll');
  });

  it('splits the overview’s notices starting soon into restanmälningar and försäljningsuppehåll', async () => {
    const { page } = d;
    const overview = await d.api<PictureOverview>('/api/picture/overview');
    const upcoming = overview.notices.upcoming;
    // Signed in by the test before (the session is kept).
    await page.goto(`${d.baseUrl}/overview`);
    const section = page.locator('section', {
      has: page.getByRole('heading', { name: 'Anmälningar som börjar inom 30 dagar' }),
    });
    await section.waitFor();
    for (const kind of ['shortage', 'sales_stop'] as const) {
      const want = upcoming.filter((n) => n.kind === kind).length;
      const group = section.getByTestId(`upcoming-notices-${kind}`);
      await expect.poll(() => group.getByTestId('notice').count()).toBe(want);
    }
    await section.getByRole('link', { name: 'Alla i registret' }).click();
    await page.getByRole('heading', { level: 1, name: 'Restnoteringar och försäljningsuppehåll' }).waitFor();
    const soon = await d.api<NoticesPage>('/api/notices?status=upcoming');
    await expect.poll(() => rows().count()).toBe(Math.min(soon.total, 25));
    await page.goto(`${d.baseUrl}/overview`);
    await section.waitFor();
    await section.screenshot({ path: path.join(SCREENSHOT_DIR, 'overview-notices-by-kind.png') });
  });
});
