import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { seedMinimal } from '../support/seed.js';
import { plain, useDashboard } from './support.js';

const example = (name: string) => readFileSync(new URL(`../../docs/examples/${name}`, import.meta.url));

/** The Rapporter page: upload a file with errors (every error shown), a good file (its receipt), and the list. */
describe('Rapporter in Chromium', () => {
  const d = useDashboard({
    load: async (store) => {
      await seedMinimal(store.db);
    },
  });

  it('shows every problem of a refused file, the receipt of a good one, and the list of reports', async () => {
    const { page } = d;
    await d.signIn('tok-apo-reporter');
    await d.openFromMenu('Rapporter');
    await page.getByRole('heading', { name: 'Inga rapporter ännu' }).waitFor();

    // A file with two mistakes: another organisation's warehouse, and a negative quantity.
    const bad = [
      'location;package;quantity;batch;expiry;counted_at',
      'SE-APO-0001;20000000000011;120;B1;2027-06-30;2026-03-01 06:00',
      'SE-WHS-0001;20000000000011;5;;;2026-03-01 06:00',
      'SE-APO-0001;20000000000028;-4;;;2026-03-01 06:00',
    ].join('\n');
    await page.getByLabel('Typ av rapport').selectOption('stock-snapshots');
    await page
      .getByLabel('Fil', { exact: true })
      .setInputFiles({ name: 'lager-fel.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await page.getByRole('button', { name: 'Skicka rapport' }).click();
    const refusal = page.getByTestId('refusal');
    await refusal.waitFor();
    expect(plain(await refusal.getByRole('heading').textContent())).toBe('Rapporten togs inte emot');
    const problems = page.getByTestId('problem-row');
    await expect.poll(() => problems.count()).toBe(2);
    expect((await problems.nth(0).locator('td').allTextContents()).map(plain)).toEqual([
      'rad 3',
      'location',
      'SE-WHS-0001',
      // In Swedish on the Swedish UI, from the message catalogue (issue 10 item 6).
      'en plats som APO äger',
      'rad 3: platsen SE-WHS-0001 tillhör inte APO',
    ]);
    expect(plain(await problems.nth(1).textContent())).toContain(
      'rad 4: förpackningen 20000000000028 på platsen SE-APO-0001: antalet -4 är under 0',
    );

    // The good example file: a receipt with its counts.
    await page.getByLabel('Fil', { exact: true }).setInputFiles({
      name: 'stock-snapshot.csv',
      mimeType: 'text/csv',
      buffer: example('stock-snapshot.csv'),
    });
    await page.getByLabel('Egen referens').fill('APO-2026-03-01');
    await page.getByRole('button', { name: 'Skicka rapport' }).click();
    const receipt = page.getByTestId('receipt');
    await receipt.waitFor();
    expect(plain(await receipt.getByRole('heading').textContent())).toMatch(/^Rapport \d+ är mottagen$/);
    const facts = plain(await receipt.locator('.receipt-facts').textContent());
    expect(facts).toContain('Rader5');
    expect(facts).toContain('Platser2');
    expect(facts).toContain('APO-2026-03-01');

    // The list: the accepted report first, then the refused one.
    const rows = page.getByTestId('report-row');
    await expect.poll(() => rows.count()).toBe(2);
    expect(plain(await rows.nth(0).textContent())).toContain('Mottagen');
    expect(plain(await rows.nth(0).textContent())).toContain('stock-snapshot.csv');
    expect(plain(await rows.nth(1).textContent())).toContain('Avvisad');
    expect(plain(await rows.nth(1).textContent())).toContain('2 fel');

    // Sending the same file again: the first receipt, nothing counted twice.
    await page.getByRole('button', { name: 'Skicka rapport' }).click();
    await page.getByRole('heading', { name: /^Redan mottagen som rapport \d+$/ }).waitFor();
    await expect.poll(() => rows.count()).toBe(2);

    // A different, valid file under the same reference is a conflict, not a replay.
    const other = example('stock-snapshot.csv').toString('utf8').replace(',120,', ',121,');
    await page
      .getByLabel('Fil', { exact: true })
      .setInputFiles({ name: 'lager-2.csv', mimeType: 'text/csv', buffer: Buffer.from(other) });
    await page.getByRole('button', { name: 'Skicka rapport' }).click();
    await page.getByRole('alert').filter({ hasText: 'already used for report' }).waitFor();
    await expect.poll(() => rows.count()).toBe(2);

    // A different file with problems under the same reference answers with its problems (issue 11
    // item 2), not only "already used".
    await page
      .getByLabel('Fil', { exact: true })
      .setInputFiles({ name: 'lager-fel.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await page.getByRole('button', { name: 'Skicka rapport' }).click();
    await refusal.waitFor();
    await expect.poll(() => problems.count()).toBe(2);
    await expect.poll(() => rows.count()).toBe(3);
    await d.screenshot('reports');

    // The refused uploads answer 400 and 409, which Chromium logs, and so does the 503 of the overview
    // signing in lands on (this fixture's picture is never computed: the page says so); nothing else
    // may go wrong.
    expect(d.problems.filter((p) => !/status of (400|409|503)/.test(p))).toEqual([]);
  });
});
