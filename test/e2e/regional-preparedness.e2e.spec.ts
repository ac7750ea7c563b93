import { describe, expect, it } from 'vitest';
import type { Funds, RegionalScorecard, RegionalTargetSummary } from '../../src/web/preparedness-api.js';
import { plain, swedenWithPicture, useDashboard } from './support.js';

/**
 * Issue 12 items 6–9 (R2) in Chromium over synthetic Sweden (scale 0.02, seed 42): the regions'
 * one-month target (national summary and a region's scorecard), the funds per agreement, and a region
 * recording its funds used. The target is measured against the care's consumption (care requisitions).
 * Screenshots: docs/screenshots/regional-*.png and funds-*.png.
 */
describe('Beredskapsmål och beredskapsmedel in Chromium', () => {
  const d = useDashboard({ load: swedenWithPicture() });

  it('shows every region against the one-month target to Läkemedelsverket, and a region’s scorecard', async () => {
    const { page } = d;
    const summary = await d.api<RegionalTargetSummary>('/api/preparedness/regional-target');
    expect(summary.regions).toHaveLength(21);
    expect(summary.list, 'synthetic Sweden has a prioritised list').not.toBeNull();
    expect(summary.totals.met + summary.totals.notMet).toBeGreaterThan(0);
    // Measured against the care's consumption (care requisitions), not every sales channel.
    expect(summary.channels).toEqual(['care_requisition']);

    await d.signIn('demo-lv');
    await d.openFromMenu('Regionernas beredskap', 'Regionernas beredskapsmål');
    const rows = page.getByTestId('target-region-row');
    await expect.poll(() => rows.count()).toBe(21);
    const first = summary.regions[0]!;
    expect(plain(await rows.first().textContent())).toContain(first.name);
    expect(plain(await page.getByTestId('target-totals').textContent())).toContain(
      `Alla regioner${summary.totals.medicines}`,
    );
    expect(plain(await page.getByTestId('target-basis').textContent())).toContain(
      'Förbrukning: vårdens rekvisitioner, varje försäljning en gång, under de senaste 365 dagarna',
    );
    await d.screenshot('regional-summary');

    const card = await d.api<RegionalScorecard>(`/api/preparedness/regional-target/${first.code}`);
    await rows.first().getByRole('link', { name: first.name }).click();
    await page.getByRole('heading', { level: 1, name: `${first.name}: en månads förbrukning` }).waitFor();
    const items = page.getByTestId('scorecard-row');
    await expect.poll(() => items.count()).toBe(card.items.length);
    const measured = card.items.findIndex((r) => r.monthsHeld !== null);
    expect(measured, 'a medicine the region consumes').toBeGreaterThanOrEqual(0);
    const held = card.items[measured]!.monthsHeld!;
    const shown = plain(await items.nth(measured).getByTestId('months-held').textContent());
    expect(Number(shown.replace(',', '.'))).toBeCloseTo(held, held < 10 ? 2 : 1);
    expect(plain(await items.nth(measured).textContent())).toContain(
      card.items[measured]!.status === 'met' ? 'Uppfyllt' : 'Ej uppfyllt',
    );
    await d.screenshot('regional-scorecard');
  });

  it('shows the agreements with all regions’ allocations adding up to the krona', async () => {
    const { page } = d;
    // On 1 June 2025: 2022's repayment day (31 March 2025) has passed, 2023's and 2024's funds may be used.
    const funds = await d.api<Funds>('/api/preparedness/funds?on=2025-06-01');
    const a2024 = funds.agreements.find((a) => a.code === '2024')!;
    expect(a2024.totals.allocatedSek).toBe(100_000_000);
    expect(funds.agreements.map((a) => a.regions[0]!.state)).toEqual(['overdue', 'open', 'open']);
    await d.go('/preparedness/funds?on=2025-06-01');
    const card = page.getByTestId('agreement-2024');
    await expect.poll(() => card.getByTestId('fund-region-row').count()).toBe(21);
    const facts = plain(await card.getByTestId('agreement-facts').textContent());
    expect(facts).toContain('Totalt102 000 000 kr');
    expect(facts).toContain('Till SKR2 000 000 kr');
    expect(facts).toContain('Rekvireras senast1 dec. 2024');
    expect(plain(await card.locator('tfoot').textContent())).toContain('100 000 000 kr');
    expect(plain(await card.getByTestId('fund-region-row').first().textContent())).toContain('Kan användas');
    expect(
      plain(await page.getByTestId('agreement-2022').getByTestId('fund-region-row').first().textContent()),
    ).toContain('Återbetalningsdagen passerad');
    await d.screenshot('funds-national');
  });

  it('lets a region record funds used and shows what remains to be repaid', async () => {
    const { page } = d;
    await page.getByRole('button', { name: 'Logga ut' }).click();
    await d.signIn('demo-region-01');
    const own = await d.api<RegionalTargetSummary>('/api/preparedness/regional-target', 'demo-region-01');
    expect(own.regions.map((r) => r.code)).toEqual(['01']);

    await d.openFromMenu('Regionernas beredskap', 'Regionernas beredskapsmål');
    await expect.poll(() => page.getByTestId('target-region-row').count()).toBe(1);
    await page
      .getByRole('navigation', { name: 'Regionernas beredskap' })
      .getByRole('link', { name: 'Beredskapsmedel' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Beredskapsmedel' }).waitFor();
    await page.getByLabel('Läge per').fill('2025-06-01');
    const card = page.getByTestId('agreement-2024');
    await expect.poll(() => card.getByTestId('fund-region-row').count()).toBe(1);
    const before = await d.api<Funds>('/api/preparedness/funds', 'demo-region-01');
    const allocated = before.agreements.find((a) => a.code === '2024')!.regions[0]!.allocatedSek;

    await page.getByLabel('Överenskommelse', { exact: true }).selectOption('2024');
    await page.getByLabel('Belopp (kr)').fill('1 250 000');
    await page.getByLabel('Använt den').fill('2025-02-14');
    await page.getByLabel('Ändamål').fill('Utökat lager av infusionsvätskor vid sjukhusapoteken');
    await page.getByRole('button', { name: 'Registrera' }).click();
    await page.getByTestId('fund-use-recorded').waitFor();
    await expect.poll(() => page.getByTestId('fund-use-row').count()).toBe(1);

    const after = await d.api<Funds>('/api/preparedness/funds', 'demo-region-01');
    const row = after.agreements.find((a) => a.code === '2024')!.regions[0]!;
    expect(row).toMatchObject({ usedSek: 1_250_000, dueToRepaySek: allocated - 1_250_000 });
    const shown = plain(await card.getByTestId('fund-region-row').textContent());
    expect(shown).toContain('1 250 000 kr');
    expect(shown).toContain(`${(allocated - 1_250_000).toLocaleString('sv-SE').replace(/\s/g, ' ')} kr`);

    // More than remains is refused with the server's reason, and nothing changes.
    await page.getByLabel('Belopp (kr)').fill(String(allocated));
    await page.getByLabel('Ändamål').fill('För mycket');
    await page.getByRole('button', { name: 'Registrera' }).click();
    await expect
      .poll(async () => plain(await page.getByRole('alert').first().textContent()))
      .toContain('Det gick inte att registrera');
    await d.screenshot('funds-region');
    expect(d.problems.filter((p) => !p.includes('400'))).toEqual([]);
  });
});
