import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Store } from '../../src/store/database.js';
import { refreshPicture } from '../../src/store/picture/refresh.js';
import { loadDashboardFixture } from '../support/dashboard-fixture.js';
import { buildLocation, buildNotice, buildSales, buildStockSnapshot } from '../support/builders.js';
import { plain, useDashboard } from './support.js';

const TODAY = '2026-03-02';

/**
 * The small dashboard fixture plus what a shortage case needs: Insulin Orion (packs of 5) with a
 * shortage notice, dose sales in the last 28 days at two dose pharmacies and their stock.
 *   Dosapoteket Väst: 56 packs (280 units) to region 14 → 10 patients; stock 20 packs = 100 units → 10 days
 *   Dosapoteket Syd:  28 packs (140 units) to region 12 → 5 patients; stock 30 packs = 150 units → 30 days
 * If Väst stops, region 14's 10 patients lose supply and Syd's 150 units last 150 / (5 + 10) = 10 days.
 */
async function load(store: Store): Promise<void> {
  await loadDashboardFixture(store);
  const db = store.db;
  // The fixture is loaded after migration 0013, which names the national actors: name them here.
  await sql`UPDATE organisation SET authority = lower(code) WHERE code IN ('LV', 'SOS')`.execute(db);
  const id = async (q: ReturnType<typeof sql<{ id: number }>>) => Number((await q.execute(db)).rows[0]!.id);
  const insulin = await id(sql<{
    id: number;
  }>`SELECT p.id FROM package p JOIN medicine m ON m.id = p.medicine_id
    WHERE m.name = 'Insulin Orion' ORDER BY p.id LIMIT 1`);
  const dos = await id(sql<{ id: number }>`SELECT id FROM organisation WHERE code = 'DOS-1'`);
  const vast = await id(sql<{ id: number }>`SELECT id FROM location WHERE code = 'SE-DOS-0001'`);
  const syd = await buildLocation(db, dos, {
    code: 'SE-DOS-0002',
    name: 'Dosapoteket Syd',
    kind: 'dose_pharmacy',
    regionCode: '12',
  });
  await buildSales(
    db,
    [
      {
        packageId: insulin,
        regionCode: '14',
        periodStart: '2026-02-20',
        quantity: 56,
        locationId: vast,
        channel: 'dose_dispensing',
      },
      {
        packageId: insulin,
        regionCode: '12',
        periodStart: '2026-02-21',
        quantity: 28,
        locationId: syd,
        channel: 'dose_dispensing',
      },
    ],
    dos,
  );
  await buildStockSnapshot(db, vast, [{ packageId: insulin, quantity: 20 }], '2026-03-01T06:00:00Z');
  await buildStockSnapshot(db, syd, [{ packageId: insulin, quantity: 30 }], '2026-03-01T06:00:00Z');
  await buildNotice(db, insulin, { expectedStart: '2026-02-25', notifiedAt: '2026-02-20T09:00:00Z' });
  await refreshPicture(store, { today: TODAY, full: true });
}

describe('Bristsituationer in Chromium', () => {
  const d = useDashboard({ load });

  it('Läkemedelsverket opens a case from a notice, assesses it on R4 and designates kritisk brist', async () => {
    const { page } = d;
    await d.signIn('demo-lv');
    await d.openFromMenu('Bristsituationer');
    await expect
      .poll(async () => plain(await page.getByTestId('sc-board').textContent()))
      .toContain('Signal0');
    await page.getByText('Öppna ärende').click();
    await page.getByLabel('Från restanmälan').selectOption({ index: 1 });
    await page.getByLabel('Motivering').fill('Restanmälan från Orion');
    await page.getByRole('button', { name: 'Öppna', exact: true }).click();
    await expect.poll(() => page.getByTestId('shortage-case-row').count()).toBe(1);
    expect(plain(await page.getByTestId('shortage-cases').textContent())).toContain('Insulin Orion');
    await page.getByTestId('shortage-case-row').getByRole('link').click();
    await expect
      .poll(async () => plain(await page.getByTestId('sc-history').textContent()))
      .toContain('Restanmälan från Orion');

    // Move to assessed, answer the checklist, designate.
    const history = page.locator('.sc-history');
    await history.getByLabel('Till läge').selectOption('assessed');
    await history.getByLabel('Motivering').fill('Bedömd med Nationellt CT');
    await history.getByRole('button', { name: 'Flytta' }).click();
    await expect
      .poll(async () => plain(await page.getByTestId('sc-history').textContent()))
      .toContain('Signal → Bedömd');
    await page.getByLabel('Behandlar eller förebygger livshotande tillstånd').selectOption('yes');
    await page.getByLabel('Inget relevant alternativ tillgängligt').selectOption('yes');
    const checklist = page.locator('.sc-checklist');
    await checklist.locator('form').first().getByLabel('Motivering').fill('Insulin: livshotande utan');
    await checklist.getByRole('button', { name: 'Spara', exact: true }).click();
    await expect
      .poll(async () => plain(await page.getByTestId('sc-outcome').textContent()))
      .toContain('Uppfyllda');
    await checklist.getByLabel('Beslut').selectOption('designated');
    await checklist.locator('form').nth(1).getByLabel('Motivering').fill('R4 uppfyllt');
    await checklist.getByRole('button', { name: 'Besluta' }).click();
    await expect
      .poll(async () => plain(await page.getByTestId('sc-designation').textContent()))
      .toContain('Kritisk brist fastställd av Läkemedelsverket');
    expect(plain(await page.getByTestId('sc-case-state').textContent())).toContain(
      'Kritisk brist (fastställd)',
    );

    // Dose patients, estimated, and the scenario that Dosapoteket Väst stops.
    await expect
      .poll(async () => plain(await page.getByTestId('sc-dose-total').textContent()))
      .toContain('Omkring 15 dospatienter');
    await page.getByLabel('Om ett dosapotek slutar').selectOption({ label: 'Dosapoteket Väst' });
    await expect
      .poll(async () => plain(await page.getByTestId('sc-stops').textContent()))
      .toContain('räcker 30 dagar för deras egna patienter, 10 dagar om de tar över');
    expect(plain(await page.getByTestId('sc-stops').textContent())).toContain(
      'Västra Götalandsregionen (10)',
    );
    await d.screenshot('shortage-case');

    // The case's plans (item 1): none yet; a new allocation for this case has the case and the package
    // filled in, and once computed the case page lists it with a link.
    await expect
      .poll(async () => plain(await page.getByTestId('sc-plans').textContent()))
      .toContain('ingen fördelning eller omfördelningsplan');
    const caseUrl = new URL(page.url()).pathname;
    await page.getByRole('link', { name: 'Ny fördelning för ärendet' }).click();
    await expect
      .poll(async () => plain(await page.getByTestId('alloc-form-case').textContent()))
      .toMatch(/För bristärende #\d+/);
    expect(await page.getByLabel('Förpacknings-id').inputValue()).toMatch(/^\d+$/);
    await page.getByRole('button', { name: 'Beräkna', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: /^Fördelning \d+$/ }).waitFor();
    await d.go(caseUrl);
    await page.getByRole('link', { name: 'Ny omfördelning för ärendet' }).click();
    await expect
      .poll(async () => plain(await page.getByTestId('redist-form-case').textContent()))
      .toMatch(/För bristärende #\d+/);
    expect(await page.getByLabel('Förpackningar (id)').inputValue()).toMatch(/^\d+$/);
    await page.getByRole('button', { name: 'Beräkna plan' }).click();
    await page.getByRole('heading', { name: /^Plan #\d+: / }).waitFor();
    await d.go(caseUrl);
    await expect
      .poll(async () => plain(await page.getByTestId('sc-plans').textContent()))
      .toMatch(/Fördelning #\d+ · Utkast · \d+ förp fördelat/);
    expect(plain(await page.getByTestId('sc-plans').textContent())).toMatch(
      /Omfördelning #\d+ · Utkast · \d+ förpackningar flyttas/,
    );
    await page.getByTestId('sc-plans').scrollIntoViewIfNeeded();
    await d.screenshot('shortage-case-plans');
    await page
      .getByTestId('sc-plans')
      .getByRole('link', { name: /^Fördelning #/ })
      .click();
    await page.getByRole('heading', { level: 1, name: /^Fördelning \d+$/ }).waitFor();
    await d.go(caseUrl);

    // The picture shows the designation beside the signal on the product page.
    await page.getByRole('link', { name: 'Produktens lägesbild' }).click();
    await expect
      .poll(async () => plain(await page.locator('main').textContent()))
      .toContain('Kritisk brist (fastställd)');
    await d.go('/shortages');
    await expect.poll(() => page.getByTestId('shortage-case-row').count()).toBe(1);
    expect(plain(await page.getByTestId('shortage-cases').textContent())).toContain(
      'Kritisk brist (fastställd)',
    );
    await d.screenshot('shortage-board');
    expect(d.problems).toEqual([]);
  });
});
