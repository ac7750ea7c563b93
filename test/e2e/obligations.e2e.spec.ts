import { describe, expect, it } from 'vitest';
import type { ObligationLines, ObligationsInForce, ObligationWhatIf } from '../../src/web/api-client.js';
import { plain, swedenWithPicture, useDashboard } from './support.js';

/**
 * Issue 12 items 1–3 and 8 in Chromium over synthetic Sweden (scale 0.02, seed 42, today 2026-03-02:
 * sales from March 2024, so year 2026 with its default cut-off 2025-10-01 has a whole basis year).
 * Läkemedelsverket computes the year, compares 3 and 6 months, publishes; the company COMP-001 then
 * sees its own list in force and nobody else's.
 */
describe('Lagerhållningsskyldighet in Chromium', () => {
  const d = useDashboard({ load: swedenWithPicture() });

  it('Läkemedelsverket computes year 2026, sees the lines and the what-if as the API does, and publishes', async () => {
    const { page } = d;
    await d.signIn('demo-lv');
    await d.openFromMenu('Lagerhållningsskyldighet');
    await d.go('/obligations?year=2026');
    await page.getByRole('heading', { name: 'Beräkningar för 2026' }).waitFor();
    // The heading shows before the list has loaded (the table's header row then stands alone): wait for it.
    await expect
      .poll(async () => plain(await page.getByTestId('obl-calcs').textContent()))
      .toContain('Ingen beräkning ännu');

    await page.getByLabel('Månader', { exact: true }).fill('3');
    await page.getByRole('button', { name: 'Beräkna', exact: true }).click();
    await page.getByTestId('obl-lines-table').waitFor();
    const calcId = Number(new URL(page.url()).searchParams.get('calc'));
    const lines = await d.api<ObligationLines>(`/api/obligations/calculations/${calcId}/lines`);
    expect(lines.items.length).toBeGreaterThan(10);
    await expect.poll(() => page.getByTestId('obl-line').count()).toBe(Math.min(lines.items.length, 50));
    // The exemptions show with their reason (the demo has parallel-traded and licence packages on the list).
    const exempt = lines.items.filter((l) => l.exemptReason !== null);
    expect(exempt.map((l) => l.exemptReason)).toEqual(expect.arrayContaining(['parallel_traded', 'licence']));
    const table = plain(await page.getByTestId('obl-lines-table').textContent());
    expect(table).toContain('Undantag: parallellhandel');
    expect(table).toContain('Undantag: licens');

    // What-if 3 and 6 months: the national row as the API computes it.
    const w = await d.api<ObligationWhatIf>('/api/obligations/what-if?year=2026&months=3&months=6');
    expect(w.national[0]!.volume).toBe(lines.calculation.totals.volume);
    const national = plain(await page.getByTestId('obl-whatif-table').locator('tfoot').textContent());
    const sv = (n: number) => new Intl.NumberFormat('sv-SE').format(n).replace(/\s/g, ' ');
    expect(national).toContain(sv(w.national[0]!.volume));
    expect(national).toContain(sv(w.national[1]!.volume));
    await d.screenshot('obligations-lv-calculation');

    await page.getByLabel('Skäl').fill('Beslut om lagerhållningsskyldighet för 2026 (R1, 3 månader)');
    await page.getByRole('button', { name: 'Publicera beslut' }).click();
    const published = page.getByTestId('obl-published');
    await published.waitFor();
    const companies = new Set(lines.items.map((l) => l.company.id)).size;
    expect(plain(await published.textContent())).toContain(`${companies} beslut publicerade`);
    await expect
      .poll(async () => plain(await page.getByTestId('obl-decisions').textContent()))
      .toContain('Beslut om lagerhållningsskyldighet för 2026');
    await d.screenshot('obligations-lv-published');
    expect(d.problems).toEqual([]);
  });

  it('a company sees its own list in force and its decision, and no other company’s', async () => {
    const { page } = d;
    await page.getByRole('button', { name: 'Logga ut' }).click();
    await d.signIn('demo-foretag');
    await d.go('/obligations?year=2026&on=2026-03-01');
    const own = await d.api<ObligationsInForce>(
      '/api/obligations/in-force?year=2026&on=2026-03-01',
      'demo-foretag',
    );
    expect(own.items.length).toBeGreaterThan(0);
    expect(new Set(own.items.map((i) => i.company.name))).toEqual(new Set(['Nordfarma AB']));
    await expect
      .poll(() => page.getByTestId('obl-in-force-table').locator('tbody tr').count())
      .toBe(own.items.length);
    const text = plain(await page.getByTestId('obl-in-force').textContent());
    expect(text).toContain('Nordfarma AB');
    expect(text).not.toContain('Kustfarma');
    // No calculations, no what-if, no publishing for a company.
    expect(await page.getByTestId('obl-calcs').count()).toBe(0);
    expect(await page.getByTestId('obl-whatif').count()).toBe(0);
    expect(plain(await page.getByTestId('obl-decisions').textContent())).toContain('Version');
    await d.screenshot('obligations-company');
    expect(d.problems).toEqual([]);
  });
});
