import { describe, expect, it } from 'vitest';
import type { ReportingLocations, ReportingOrganisations } from '../../src/web/api-client.js';
import { plain, swedenWithPicture, useDashboard } from './support.js';

/**
 * Issue 10 item 3 in Chromium over synthetic Sweden (scale 0.02, seed 42: most locations counted
 * today, one in eight yesterday, a warehouse four days ago): who has reported, as a coordinator and
 * as a pharmacy operator who sees its own locations only.
 */
describe('Vem har rapporterat? in Chromium', () => {
  const d = useDashboard({ load: swedenWithPicture() });

  it('shows a coordinator every organisation and the overdue locations first, as the API does', async () => {
    const { page } = d;
    const orgs = await d.api<ReportingOrganisations>('/api/reporting/organisations?limit=10', 'demo-lv');
    const overdue = await d.api<ReportingLocations>('/api/reporting/locations?status=overdue', 'demo-lv');
    expect(overdue.total, 'synthetic Sweden has an overdue warehouse').toBeGreaterThan(0);

    await d.signIn('demo-lv');
    await d.openFromMenu('Vem har rapporterat?');
    const s = orgs.summary;
    await expect
      .poll(async () => plain(await page.getByTestId('reported-today').textContent()))
      .toBe(
        `${s.reportedToday.toLocaleString('sv-SE')} / ${s.locations.toLocaleString('sv-SE')}`.replace(
          /\s/g,
          ' ',
        ),
      );
    expect(plain(await page.getByTestId('overdue-count').textContent())).toBe(String(s.overdue));
    const orgRows = page.getByTestId('reporting-organisation');
    await expect.poll(() => orgRows.count()).toBe(orgs.items.length);
    expect(plain(await orgRows.first().locator('th').textContent())).toContain(
      orgs.items[0]!.organisation.name,
    );

    // The locations list starts with what is overdue or never reported.
    const locRows = page.getByTestId('reporting-location');
    await expect.poll(() => locRows.count()).toBeGreaterThan(0);
    const firstStatus = plain(await locRows.first().locator('td').last().textContent());
    expect(['Aldrig rapporterat', 'Försenad']).toContain(firstStatus);
    await d.screenshot('reporting-coordinator');

    await page.getByLabel('Status').selectOption('overdue');
    await expect.poll(() => locRows.count()).toBe(Math.min(overdue.total, 25));
    for (const text of await locRows.allTextContents()) expect(text).toContain('Försenad');
  });

  it('shows a pharmacy operator its own locations only', async () => {
    const { page } = d;
    const own = await d.api<ReportingLocations>('/api/reporting/locations?limit=500', 'demo-apotek');
    const orgIds = new Set(own.items.map((l) => l.organisation.id));
    expect(orgIds.size).toBe(1);
    await page.getByRole('button', { name: 'Logga ut' }).click();
    await d.signIn('demo-apotek');
    await page.goto(`${d.baseUrl}/reporting`);
    await page.getByRole('heading', { level: 1, name: 'Vem har rapporterat?' }).waitFor();
    await expect.poll(() => page.getByTestId('reporting-organisation').count()).toBe(1);
    await d.screenshot('reporting-own');
  });
});
