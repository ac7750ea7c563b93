import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/database.js';
import { recordSupervision } from '../../src/store/supervision.repository.js';
import { publishObligations } from '../support/supervision-fixture.js';
import { plain, swedenWithPicture, useDashboard } from './support.js';

/** TLV's demo persona (data/demo.ts), who decides compensation. */
const TLV_TOKEN = 'demo-tlv';
/** A week before the picture's day: the supervision's record starts then, so "below since" shows it. */
const WEEK_AGO = '2026-02-23';

interface Chosen {
  companyId: number;
  packageId: number;
  owned: number;
  volume: number;
}

/**
 * An obligation year on synthetic Sweden (scale 0.02, seed 42): four companies (COMP-001, the demo's
 * company persona, first) own their stock at the wholesalers' warehouses (the synthetic data names the
 * package's company as the owner of a warehouse's stock), and Läkemedelsverket has published their 2026
 * obligations against what each owns: below, compliant, just below in turn.
 */
async function obligationYear(store: Store): Promise<Chosen[]> {
  const db = store.db;
  const org = async (code: string) =>
    Number(
      (await db.selectFrom('organisation').select('id').where('code', '=', code).executeTakeFirstOrThrow())
        .id,
    );
  const lv = await org('LV');
  const companies = await Promise.all(['COMP-001', 'COMP-002', 'COMP-003', 'COMP-004'].map(org));
  const { rows } = await sql<{ company_id: number; package_id: number; quantity: number }>`
    SELECT s.owner_id AS company_id, s.package_id, sum(s.quantity)::int AS quantity
    FROM current_stock_by_owner s
    JOIN package p ON p.id = s.package_id AND p.company_id = s.owner_id
    WHERE s.owner_id = ANY(${companies}::bigint[]) AND NOT p.parallel_traded AND NOT p.licence
    GROUP BY 1, 2
    HAVING sum(s.quantity) >= 40
    ORDER BY 1, 2`.execute(db);
  const chosen: Chosen[] = [];
  for (const companyId of companies) {
    const mine = rows
      .filter((r) => Number(r.company_id) === companyId)
      .slice(0, companyId === companies[0] ? 4 : 2);
    mine.forEach((r, i) => {
      const owned = Number(r.quantity);
      const volume = [Math.ceil(owned * 1.6), Math.max(1, Math.floor(owned * 0.7)), owned + 25][
        (chosen.length + i) % 3
      ]!;
      chosen.push({ companyId, packageId: Number(r.package_id), owned, volume });
    });
  }
  for (const companyId of companies) {
    const lines = chosen
      .filter((c) => c.companyId === companyId)
      .map((c) => [c.packageId, c.volume] as const);
    if (lines.length > 0) await publishObligations(db, lv, companyId, lines);
  }
  await recordSupervision(db, WEEK_AGO);
  return chosen;
}

/**
 * Issue 12 items 3–5 and 8 in Chromium: Läkemedelsverket's deviations and a company's own status, a
 * dispensation applied for and granted, compensation applied for and adjusted by TLV.
 */
describe('Tillsyn, dispenser och ersättning in Chromium', () => {
  let chosen: Chosen[] = [];
  const d = useDashboard(
    {
      load: swedenWithPicture(async (store) => {
        chosen = await obligationYear(store);
      }),
    },
    300_000,
  );
  const rows = () => d.page.getByTestId('supervision-row');
  /** From the menu's Lagerhållningsskyldighet to one of its pages by its tabs. */
  const openTab = async (tab: string, heading: string) => {
    await d.openFromMenu('Lagerhållningsskyldighet');
    await d.page.getByRole('navigation', { name: 'Lagerhållning' }).getByRole('link', { name: tab }).click();
    await d.page.getByRole('heading', { level: 1, name: heading }).waitFor();
  };

  it('shows Läkemedelsverket the deviations, worst first, and a company its own status', async () => {
    const { page } = d;
    const below = chosen.filter((c) => c.owned < c.volume);
    expect(below.length).toBeGreaterThan(2);
    await d.signIn('demo-lv');
    await openTab('Tillsyn', 'Tillsyn av lagerhållningsskyldighet');
    await expect.poll(() => rows().count()).toBe(below.length);
    // The largest shortfall first; each row says by how much and since when (the record's first day).
    const worst = [...below].sort((a, b) => b.volume - b.owned - (a.volume - a.owned))[0]!;
    const first = plain(await rows().first().textContent());
    expect(first).toContain('Under skyldigheten');
    expect(first).toContain(plain((worst.volume - worst.owned).toLocaleString('sv-SE')));
    expect(first).toContain('23 feb. 2026');
    expect(plain(await d.page.getByTestId('result-count').textContent())).toBe(
      `${below.length} skyldigheter 2 mars 2026`,
    );
    await d.screenshot('supervision-deviations');

    await page.getByRole('button', { name: 'Logga ut' }).click();
    await d.signIn('demo-foretag');
    await openTab('Tillsyn', 'Tillsyn av lagerhållningsskyldighet');
    const own = chosen.filter((c) => c.companyId === chosen[0]!.companyId);
    await expect.poll(() => rows().count()).toBe(own.length);
    expect(plain(await page.getByTestId('sup-counts').textContent())).toContain('Uppfyller1');
    // The company's own daily record of one obligation: the day a week ago and today.
    await rows().first().getByTestId('history-toggle').click();
    await expect.poll(() => page.getByTestId('supervision-history').locator('li').count()).toBe(2);
    expect(plain(await page.getByTestId('supervision-history').locator('li').last().textContent())).toContain(
      '23 feb. 2026',
    );
    await d.screenshot('supervision-own');
  });

  it('lets the company apply for a dispensation and Läkemedelsverket grant it; the status follows', async () => {
    const { page } = d;
    const target = chosen[0]!; // COMP-001's first package, below its obligation
    // Signed in as the company by the test before.
    await openTab('Dispenser', 'Dispenser');
    await page.getByLabel('Förpackning', { exact: true }).selectOption(String(target.packageId));
    await page.getByLabel('Begärd volym (förpackningar)').fill(String(target.owned - 10));
    await page
      .getByLabel('Skäl', { exact: true })
      .fill('Ny regional upphandling halverar efterfrågan från april');
    await page.getByRole('button', { name: 'Skicka ansökan' }).click();
    await page.getByTestId('dispensation-filed').waitFor();
    await expect.poll(() => page.getByTestId('dispensation-row').count()).toBe(1);
    expect(plain(await page.getByTestId('dispensation-row').textContent())).toContain('Ej beslutad');
    await d.screenshot('dispensation-apply');

    await page.getByRole('button', { name: 'Logga ut' }).click();
    await d.signIn('demo-lv');
    await openTab('Dispenser', 'Dispenser');
    await page.getByRole('button', { name: 'Besluta' }).click();
    const form = page.getByTestId('dispensation-decision');
    await form.getByLabel('Beviljad volym (förpackningar)').fill(String(target.owned));
    await form.getByLabel('Gäller från').fill('2026-03-01');
    await form.getByLabel('Gäller till och med').fill('2026-08-31');
    await form.getByLabel('Motivering').fill('Styrkt minskad efterfrågan; ny prövning i september');
    await d.screenshot('dispensation-decide');
    await form.getByRole('button', { name: 'Fatta beslut' }).click();
    await expect
      .poll(async () => plain(await page.getByTestId('dispensation-row').textContent()))
      .toContain('Beviljad');
    expect(plain(await page.getByTestId('dispensation-row').textContent())).toContain(
      '1 mars 2026 – 31 aug. 2026',
    );
    await d.screenshot('dispensation-granted');

    // Supervision: the package is now under dispensation (its owned stock reaches the granted volume).
    await d.go(`/supervision?status=under_dispensation`);
    await expect.poll(() => rows().count()).toBe(1);
    expect(plain(await rows().first().textContent())).toContain('Under dispens');
  });

  it('computes compensation for the company, and TLV adjusts it with a reason', async () => {
    const { page } = d;
    await page.getByRole('button', { name: 'Logga ut' }).click();
    await d.signIn('demo-foretag');
    await openTab('Ersättning', 'Ersättning för lagerhållning');
    const estimate = page.getByTestId('compensation-estimate');
    await expect.poll(async () => plain(await estimate.textContent())).toContain('enligt modellversion 1');
    await page.getByLabel('Kommentar (valfri)').fill('Helår 2026');
    await page.getByRole('button', { name: 'Ansök', exact: true }).click();
    await expect.poll(() => page.getByTestId('compensation-row').count()).toBe(1);
    expect(plain(await page.getByTestId('compensation-row').textContent())).toContain('Väntar på TLV');
    await d.screenshot('compensation-apply');

    await page.getByRole('button', { name: 'Logga ut' }).click();
    await d.signIn(TLV_TOKEN);
    await openTab('Ersättning', 'Ersättning för lagerhållning');
    // TLV raises the reference rate from 1 July: version 2, while the filed application keeps version 1.
    await page.getByLabel('Gäller från').fill('2026-07-01');
    await page.getByLabel('Referensränta (%)').fill('2.5');
    await page.getByLabel('Vad ändras och varför').fill('Referensräntan höjd till 2,5 %');
    await page.getByRole('button', { name: 'Lägg till version' }).click();
    await expect.poll(() => page.getByTestId('compensation-models').locator('tbody tr').count()).toBe(2);
    await page.getByRole('button', { name: 'Besluta' }).click();
    const form = page.getByTestId('compensation-decision');
    await form.getByLabel('Beslut').selectOption('adjust');
    await form.getByLabel('Beslutat belopp (kr)').fill('1000');
    await form.getByLabel('Motivering').fill('Lagret styrkt för tio av tolv månader');
    await form.getByRole('button', { name: 'Fatta beslut' }).click();
    await expect
      .poll(async () => plain(await page.getByTestId('compensation-row').textContent()))
      .toContain('Justerad');
    expect(plain(await page.getByTestId('compensation-row').textContent())).toContain('1 000 kr');
    expect(plain(await page.getByTestId('compensation-row').textContent())).toContain('version 1');
    await d.screenshot('compensation-decided');
    expect(d.problems).toEqual([]);
  });
});
