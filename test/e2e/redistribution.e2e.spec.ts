import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { loadDashboardFixture } from '../support/dashboard-fixture.js';
import { buildLocation, buildToken } from '../support/builders.js';
import { refreshPicture } from '../../src/store/picture/refresh.js';
import { plain, TODAY, useDashboard } from './support.js';

/**
 * Issue 13 items 3–5 and 7 in Chromium: Läkemedelsverket uploads the worked example of
 * docs/redistribution.md (A, B at Apoteksgruppen Syd; C at Region Skåne's hospital pharmacy), sees
 * the plan (lowest coverage 0 → 22 days, the region maps, equity, transfers), decides it; the
 * pharmacy operator then sees its own instructions and confirms sending.
 */
describe('Omfördelning in Chromium', () => {
  const d = useDashboard({
    load: async (store) => {
      await loadDashboardFixture(store);
      const db = store.db;
      await sql`UPDATE organisation SET authority = 'lv' WHERE code = 'LV'`.execute(db);
      const org = async (code: string) =>
        (await db.selectFrom('organisation').select('id').where('code', '=', code).executeTakeFirstOrThrow())
          .id;
      const apo = await org('APO-1');
      const region = await org('REG-12');
      await buildLocation(db, apo, {
        code: 'A',
        name: 'Apoteket Nord A',
        kind: 'community_pharmacy',
        regionCode: '01',
      });
      await buildLocation(db, apo, {
        code: 'B',
        name: 'Apoteket Nord B',
        kind: 'community_pharmacy',
        regionCode: '01',
      });
      await buildLocation(db, region, {
        code: 'C',
        name: 'Sjukhusapoteket C',
        kind: 'hospital_pharmacy',
        regionCode: '03',
      });
      await buildToken(db, apo, 'coordinator', 'demo-apo');
      // The landing page after sign-in reads the picture.
      await refreshPicture(store, { today: TODAY });
    },
  });

  it('computes a plan from an instance file, decides it, and the sender confirms its own transfer', async () => {
    const { page } = d;
    await d.signIn('demo-lv');
    await d.go('/redistributions');
    await expect
      .poll(async () => plain(await page.locator('main').textContent()))
      .toContain('Ingen plan ännu');
    await page.getByLabel('Instansfil (JSON)').setInputFiles('docs/plans/redistribution-example.json');
    await page.getByRole('button', { name: 'Beräkna plan' }).click();
    await page.getByRole('heading', { name: /^Plan #\d+: Amoxicillin/ }).waitFor();
    await expect
      .poll(async () => plain(await page.getByTestId('redist-summary').textContent()))
      .toContain('0 → 22 dagar');
    const transfers = plain(await page.getByTestId('redist-transfers').textContent());
    expect(transfers).toContain('A-LÅNG');
    const equity = plain(await page.getByTestId('redist-equity').textContent());
    expect(equity).toContain('27,5');
    // Regions by name, their code beside (item 7).
    expect(equity).toContain('Region Stockholm01');
    expect(equity).toContain('Region Uppsala03');
    await d.screenshot('redistribution-plan');

    await page.getByLabel('Rättslig grund').fill('Beslut om omfördelning enligt R3 (exempel)');
    await page.getByLabel('Gäller till').fill('2027-01-31');
    await page.getByLabel('Högst antal per expediering (privatperson)').fill('1');
    await page.getByLabel('Kortaste hållbarhet (dagar)').fill('60');
    await page.getByLabel('Motivering').fill('Brist i region 03, överskott i region 01');
    await page.getByRole('button', { name: 'Fatta beslut' }).click();
    await expect
      .poll(async () => plain(await page.getByTestId('redist-decision').textContent()))
      .toContain('beslutade planen');
    await d.screenshot('redistribution-decided');

    await page.getByRole('button', { name: 'Logga ut' }).click();
    await d.signIn('demo-apo');
    await d.go('/instructions');
    await expect
      .poll(async () => plain(await page.locator('main').textContent()))
      .toContain('Bekräfta skickat');
    await page.getByRole('button', { name: 'Bekräfta skickat' }).first().click();
    await expect
      .poll(async () => plain(await page.getByTestId('redist-instructions').textContent()))
      .toContain('Bekräftat');
    // Every organisation concerned sees the decision's conditions beside its instructions.
    const conditions = plain(await page.getByTestId('redist-instr-plans').textContent());
    expect(conditions).toContain('Högst 1 förp. per expediering till privatperson.');
    expect(conditions).toContain('minst 60 dagars återstående hållbarhet');
    expect(conditions).toContain('Beslutet gäller 7 dec. 2026 – 31 jan. 2027.');
    await d.screenshot('redistribution-instructions');
    // The plan itself, as the pharmacy reads it: its own transfers, no region's coverage (it sees no
    // regional aggregates) and no lowest coverage (one location's figure).
    await page.getByTestId('redist-instr-plans').getByRole('link').first().click();
    await expect.poll(() => page.getByTestId('redist-equity-hidden').count()).toBe(1);
    expect(await page.getByTestId('redist-map-before').count()).toBe(0);
    expect(plain(await page.getByTestId('redist-summary').textContent())).not.toContain('Lägsta täckning');
    // Only Läkemedelsverket withdraws: the pharmacy's coordinator is offered no form.
    expect(await page.getByRole('button', { name: 'Återkalla' }).count()).toBe(0);
    await d.screenshot('redistribution-plan-organisation');
    await d.go('/instructions');

    // Läkemedelsverket withdraws the decision; the pharmacy then sees it withdrawn and confirms nothing more.
    const planUrl = await page
      .getByTestId('redist-instr-plan')
      .getByRole('link')
      .first()
      .getAttribute('href');
    await page.getByRole('button', { name: 'Logga ut' }).click();
    await d.signIn('demo-lv');
    await d.go(planUrl!);
    await page.getByLabel('Skäl för återkallelsen').fill('Leveransen till region 03 kom tidigare');
    await page.getByRole('button', { name: 'Återkalla', exact: true }).click();
    await expect
      .poll(async () => plain(await page.getByTestId('redist-withdrawn').textContent()))
      .toContain('Leveransen till region 03 kom tidigare');
    expect(plain(await page.getByTestId('redist-decision').textContent())).toContain(
      'återkallade planen: Leveransen till region 03 kom tidigare',
    );
    await d.screenshot('redistribution-withdrawn');
    await page.getByRole('button', { name: 'Logga ut' }).click();
    await d.signIn('demo-apo');
    await d.go('/instructions');
    await expect
      .poll(async () => plain(await page.getByTestId('redist-instr-plans').textContent()))
      .toContain('Läkemedelsverket återkallade beslutet');
    expect(await page.getByRole('button', { name: /^Bekräfta/ }).count()).toBe(0);
    expect(plain(await page.getByTestId('redist-instructions').textContent())).toContain('Återkallad');
    await d.screenshot('redistribution-instructions-withdrawn');
    expect(d.problems).toEqual([]);
  });
});
