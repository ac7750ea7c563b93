import JSZip from 'jszip';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RegisterImport } from '../../src/web/api-client.js';
import { refreshPicture } from '../../src/store/picture/refresh.js';
import { loadDashboardFixture } from '../support/dashboard-fixture.js';
import { changedNplZip, fixtureNplZip } from '../support/npl-fixture.js';
import { SCREENSHOT_DIR, TODAY, plain, useDashboard } from './support.js';

/** Paracetamol Testfarma 20 tablets, a constructed record (test/fixtures/npl/constructed). */
const PARACETAMOL_PACK = '99100000000011';

/**
 * The register's screens in Chromium (issue 9 item 6): Läkemedelsverket imports the NPL fixture
 * records (two real, the rest constructed) through the API, a refused export and a later delta; the
 * product page shows a package's register record and its history, the import page lists the imports
 * with their counts and one import's change lists. A region's user sees no import page.
 */
describe('Product register and register imports in Chromium', () => {
  let paracetamolId: number;
  const imports: RegisterImport[] = [];

  const postNpl = async (zip: Buffer, query: string) =>
    d.app.inject({
      method: 'POST',
      url: `/api/master-data/npl?${query}`,
      headers: { authorization: 'Bearer demo-lv', 'content-type': 'application/zip' },
      payload: zip,
    });

  const d = useDashboard({
    load: async (store) => {
      await loadDashboardFixture(store);
      // The fixture's Läkemedelsverket carries its authority mark, as the register of actors gives it.
      await store.db.updateTable('organisation').set({ authority: 'lv' }).where('code', '=', 'LV').execute();
    },
  });

  beforeAll(async () => {
    // Delta exports: the fixture's own packages stay as they are (a total export would withdraw them).
    const first = await postNpl(
      await fixtureNplZip(),
      'asOf=2025-02-21&mode=delta&fileName=2025-02-21_NPL.zip',
    );
    expect(first.statusCode, first.body).toBe(201);
    imports.push(first.json());
    const broken = new JSZip();
    broken.file(
      'Productdata/99000000000099.xml',
      '<?xml version="1.0"?>\n<npl:medprod xmlns:npl="urn:schemas-npl:instance:12" xmlns:mpa="urn:schemas-npl:mpa:12">\n  <mpa:nplid>123</mpa:nplid>\n</npl:medprod>\n',
    );
    const refused = await postNpl(
      await broken.generateAsync({ type: 'nodebuffer' }),
      'asOf=2025-02-28&mode=delta&fileName=2025-02-28_NPL.zip',
    );
    expect(refused.statusCode, refused.body).toBe(400);
    const later = await postNpl(
      await changedNplZip(),
      'asOf=2025-03-01&mode=delta&fileName=2025-03-01_NPL.zip',
    );
    expect(later.statusCode, later.body).toBe(201);
    imports.push(later.json());
    // The picture takes the register's packages at its next full refresh (docs/master-data.md).
    await refreshPicture(d.store, { today: TODAY, full: true });
    paracetamolId = (
      await d.store.db
        .selectFrom('package')
        .select('id')
        .where('npl_pack_id', '=', PARACETAMOL_PACK)
        .executeTakeFirstOrThrow()
    ).id;
    await d.signIn('demo-lv');
  });

  it("shows a package's register record and its history, readable, on the product page", async () => {
    const { page } = d;
    await d.go(`/products/${paracetamolId}`);
    const section = page.getByTestId('register');
    await section.getByRole('heading', { name: 'Produktregister (NPL)' }).waitFor();
    const facts = section.getByTestId('register-facts');
    await facts.waitFor();
    const fact = async (field: string) =>
      plain(await facts.locator(`[data-field="${field}"] dd`).textContent());
    expect(await fact('nplPackId')).toBe(PARACETAMOL_PACK);
    expect(await fact('nordicArticleNumber')).toBe('900011');
    expect(await fact('gtin')).toBe('07359990000119');
    expect(await fact('description')).toBe('30 tablett(er) blister');
    expect(await fact('packSize')).toBe('30 st');
    expect(await fact('name')).toBe('Paracetamol Testfarma');
    expect(await fact('strength')).toBe('500 mg');
    expect(await fact('atcCode')).toBe('N02BE01');
    expect(await fact('holder')).toBe('Testfarma AB');
    expect(await fact('seller')).toBe('Testfarma AB');
    expect(await fact('licence')).toBe('Nej');
    expect(await fact('parallelTraded')).toBe('Nej');
    expect(await fact('species')).toBe('Humanläkemedel');
    expect(await fact('marketStatus')).toBe('Försäljningsuppehåll');
    expect(plain(await section.getByTestId('register-badges').textContent())).toBe('Försäljningsuppehåll');

    // Newest first: the delta of 1 March changed size, text and status; the first version is the import of 21 Feb.
    const versions = section.getByTestId('register-version');
    await expect.poll(() => versions.count()).toBe(2);
    const newest = plain(await versions.nth(0).textContent());
    expect(newest).toContain('1 mars 2025');
    expect(newest).toContain('Gäller nu');
    expect(newest).toContain('Förpackningsstorlek: 20 → blev 30');
    expect(newest).toContain('Förpackningstext: 20 tablett(er) blister → blev 30 tablett(er) blister');
    expect(newest).toContain('Marknadsstatus: Marknadsförs → blev Försäljningsuppehåll');
    expect(newest).toContain(`import ${imports[1]!.id}`);
    const oldest = plain(await versions.nth(1).textContent());
    expect(oldest).toContain('21 feb. 2025');
    expect(oldest).toContain('Första versionen i registret');

    await section.scrollIntoViewIfNeeded();
    await section.screenshot({ path: `${SCREENSHOT_DIR}/product-register.png`, animations: 'disabled' });
  });

  it('shows the real licence record with its flags, and says plainly when a package is not in the register', async () => {
    const { page } = d;
    const celectol = await d.store.db
      .selectFrom('package')
      .select('id')
      .where('npl_pack_id', '=', '20131105100082')
      .executeTakeFirstOrThrow();
    await d.go(`/products/${celectol.id}`);
    const section = page.getByTestId('register');
    await section.getByTestId('register-facts').waitFor();
    expect(plain(await section.getByTestId('register-badges').textContent())).toBe('MarknadsförsLicens');
    expect(plain(await section.locator('[data-field="productClass"] dd').textContent())).toBe('LIC');
    expect(plain(await section.locator('[data-field="packSize"] dd').textContent())).toBe('1 förp');

    // A package of the dashboard fixture: made by hand, never imported.
    const synthetic = await d.store.db
      .selectFrom('package')
      .select('id')
      .where('npl_pack_id', 'like', '2019%')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    await d.go(`/products/${synthetic.id}`);
    await page.getByTestId('register-none').waitFor();
    expect(plain(await page.getByTestId('register-none').textContent())).toContain(
      'Förpackningen finns inte i produktregistret (NPL)',
    );
  });

  it('lists the imports newest first with their counts, and opens one with its change lists', async () => {
    const { page } = d;
    await d.go('/');
    const nav = page.getByRole('navigation', { name: 'Huvudmeny' });
    await nav.getByRole('link', { name: 'Registerimporter' }).click();
    await page.getByRole('heading', { level: 1, name: 'Registerimporter' }).waitFor();
    const rows = page.getByTestId('import-row');
    await expect.poll(() => rows.count()).toBe(3);
    const header = (await page.locator('.imports-table thead th').allTextContents()).map(plain);
    const cells = async (i: number) => (await rows.nth(i).locator('th, td').allTextContents()).map(plain);
    const cell = (row: string[], column: string) => row[header.indexOf(column)];

    const newest = await cells(0);
    expect(cell(newest, 'Nr')).toBe(String(imports[1]!.id));
    expect(cell(newest, 'Register')).toBe('Produktregistret (NPL)Deltafil');
    expect(cell(newest, 'Källa')).toContain('2025-03-01_NPL.zip');
    expect(cell(newest, 'Per')).toBe('1 mars 2025');
    expect(cell(newest, 'Status')).toBe('Godkänd');
    expect(cell(newest, 'Mottagen från')).toMatch(
      /^\d{1,2} \S+ \d{4} \d\d:\d\d CES?TLäkemedelsverket · Anna Lindqvist$/,
    );
    expect([cell(newest, 'Tillagda'), cell(newest, 'Ändrade'), cell(newest, 'Borttagna')]).toEqual([
      '0',
      '1',
      '0',
    ]);
    expect(cell(newest, 'Oförändrade')).toBe('1');

    const refused = await cells(1);
    expect(cell(refused, 'Status')).toBe('Avvisad');
    expect(cell(refused, 'Varningar och problem')).toMatch(/^\d+ problem/);

    const first = await cells(2);
    expect(cell(first, 'Tillagda')).toBe(String(imports[0]!.summary.added));
    expect(imports[0]!.summary.added).toBe(7);
    expect(cell(first, 'Varningar och problem')).toMatch(/varningar/);

    await d.screenshot('imports');

    await rows
      .nth(0)
      .getByRole('link', { name: String(imports[1]!.id) })
      .click();
    await page.getByRole('heading', { level: 1, name: `Import ${imports[1]!.id}` }).waitFor();
    const changed = page.getByTestId('import-changed');
    expect(plain(await changed.textContent())).toBe(
      `${PARACETAMOL_PACK}Förpackningsstorlek, Förpackningstext, Marknadsstatus`,
    );
    expect(plain(await page.getByTestId('import-summary').textContent())).toContain('Ändrade1');
    await d.screenshot('import-detail');
    expect(d.problems).toEqual([]);
  });

  it('shows a region’s user no import page: not in the menu, not found at its address, 403 from the API', async () => {
    const api = await d.app.inject({
      url: '/api/master-data/imports',
      headers: { authorization: 'Bearer demo-region-12' },
    });
    expect(api.statusCode).toBe(403);

    const context = await d.browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'sv-SE' });
    try {
      const page = await context.newPage();
      await page.goto(`${d.baseUrl}/imports`);
      await page.getByLabel('Åtkomsttoken').fill('demo-region-12');
      await page.getByRole('button', { name: 'Logga in' }).click();
      await page.getByTestId('account').waitFor();
      await page.getByRole('heading', { level: 1, name: 'Sidan finns inte' }).waitFor();
      const nav = page.getByRole('navigation', { name: 'Huvudmeny' });
      expect((await nav.getByRole('link').allTextContents()).map(plain)).not.toContain('Registerimporter');
      // The register itself is public: the region reads a package's record.
      await page.goto(`${d.baseUrl}/products/${paracetamolId}`);
      await page.getByTestId('register-facts').waitFor();
      // Who may not see the import log gets the import number without a link to it.
      expect(await page.getByTestId('register-history').getByRole('link').count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
