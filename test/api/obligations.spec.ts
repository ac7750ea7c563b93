import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/api/app.js';
import type { Store } from '../../src/store/database.js';
import { buildToken } from '../support/builders.js';
import { describeEach, testBackends } from '../support/databases.js';
import { buildObligationFixture, type ObligationFixture } from '../support/obligation-fixture.js';

/*
 * Issue 12 items 1–3, 8 and 9 through the API, on the worked year of test/support/obligation-fixture.ts:
 * only Läkemedelsverket computes and publishes, LV and TLV see every company, a company sees its own
 * published list, exports carry the same rows as their JSON twins.
 */
describeEach(testBackends())('obligation API on $name', (backend) => {
  let store: Store;
  let app: App;
  let f: ObligationFixture;
  const t = {} as Record<'lv' | 'tlv' | 'a' | 'b' | 'aReader', string>;

  beforeAll(async () => {
    store = await backend.open();
    f = await buildObligationFixture(store.db);
    t.lv = await buildToken(store.db, f.lv, 'coordinator');
    t.tlv = await buildToken(store.db, f.tlv, 'coordinator');
    t.a = await buildToken(store.db, f.companyA, 'coordinator');
    t.b = await buildToken(store.db, f.companyB, 'reporter');
    t.aReader = await buildToken(store.db, f.companyA, 'reader');
    app = await buildApp({ store });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  const call = (token: string, method: 'GET' | 'POST', url: string, payload?: object) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload ? { payload } : {}),
    });

  it('lets only Läkemedelsverket compute, refuses bad parameters by field, and hides calculations from companies', async () => {
    const byCompany = await call(t.a, 'POST', '/api/obligations/calculations', { year: 2027 });
    expect(byCompany.statusCode).toBe(403);
    expect(byCompany.json().error.message).toMatch(/only Läkemedelsverket/);
    const byTlv = await call(t.tlv, 'POST', '/api/obligations/calculations', { year: 2027 });
    expect(byTlv.statusCode).toBe(403);

    const bad = await call(t.lv, 'POST', '/api/obligations/calculations', {
      year: 2027,
      cutoff: '2027-06-01',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.problems).toEqual([
      expect.objectContaining({
        field: 'cutoff',
        expected: expect.stringMatching(/2026-01-01 to 2027-01-01/),
      }),
    ]);

    const res = await call(t.lv, 'POST', '/api/obligations/calculations', {
      year: 2027,
      label: 'R1 3 månader',
    });
    expect(res.statusCode).toBe(201);
    const calc = res.json();
    // 398 + 455 + 458 packages; at 50 kr each (the builders' AIP): 65,550 kr.
    expect(calc).toMatchObject({
      year: 2027,
      months: 3,
      cutoff: '2026-10-01',
      totals: { lines: 4, obligatedLines: 3, exemptLines: 1, volume: 1311, valueSek: 65_550 },
    });

    const lines = await call(
      t.tlv,
      'GET',
      `/api/obligations/calculations/${calc.id}/lines?company=${f.companyA}`,
    );
    expect(lines.statusCode).toBe(200);
    expect(
      lines
        .json()
        .items.map((l: { package: { name: string }; volume: number }) => [l.package.name, l.volume]),
    ).toEqual([
      ['Noradrenalin Alfa', 398],
      ['Propofol', 455],
    ]);
    // A company: "not found", as for a calculation that does not exist.
    const hidden = await call(t.a, 'GET', `/api/obligations/calculations/${calc.id}/lines`);
    const missing = await call(t.a, 'GET', '/api/obligations/calculations/999999/lines');
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json().error.message).toBe(`obligation calculation ${calc.id} was not found`);
    expect(missing.statusCode).toBe(404);
    expect((await call(t.a, 'GET', '/api/obligations/calculations')).json().items).toEqual([]);
  });

  it('compares 3 and 6 months side by side per company and nationally, and exports the same rows', async () => {
    const res = await call(t.lv, 'GET', '/api/obligations/what-if?year=2027&months=3&months=6');
    expect(res.statusCode).toBe(200);
    const w = res.json();
    expect(w).toMatchObject({ basisFrom: '2025-10-01', basisTo: '2026-09-30', months: [3, 6] });
    const a = w.companies.find((c: { company: { id: number } }) => c.company.id === f.companyA);
    // A: 398 + 455 = 853 at 3 months; 796 + 910 = 1,706 at 6.
    expect(a.scenarios.map((s: { volume: number; valueSek: number }) => [s.volume, s.valueSek])).toEqual([
      [853, 42_650],
      [1706, 85_300],
    ]);
    // B at 6 months: 1,830 × 6 ÷ 12 = 915; the nation 1,706 + 915 = 2,621.
    expect(w.national.map((s: { volume: number }) => s.volume)).toEqual([1311, 2621]);

    const csv = await call(
      t.lv,
      'GET',
      '/api/obligations/export/what-if?year=2027&months=3&months=6&format=csv',
    );
    expect(csv.statusCode).toBe(200);
    const rows = csv.body.split('\r\n');
    expect(rows[1]).toBe(
      'Företag;3 mån: förpackningar;3 mån: värde (kr, AIP);6 mån: förpackningar;6 mån: värde (kr, AIP)',
    );
    expect(rows).toContain('Hela landet;1311;65550,00;2621;131050,00');
    expect(rows.length - 3).toBe(w.companies.length + 1);
    expect((await call(t.a, 'GET', '/api/obligations/what-if?year=2027&months=6')).statusCode).toBe(403);
  });

  it('publishes a decision per company (LV only, audited); each company sees only its own list in force', async () => {
    const calc = (await call(t.lv, 'POST', '/api/obligations/calculations', { year: 2027 })).json();
    const refused = await call(t.a, 'POST', '/api/obligations/decisions', {
      calculationId: calc.id,
      reason: 'x',
    });
    expect(refused.statusCode).toBe(403);
    const noReason = await call(t.lv, 'POST', '/api/obligations/decisions', {
      calculationId: calc.id,
      reason: '',
    });
    expect(noReason.statusCode).toBe(400);

    const res = await call(t.lv, 'POST', '/api/obligations/decisions', {
      calculationId: calc.id,
      reason: 'Beslut om lagerhållningsskyldighet för 2027',
    });
    expect(res.statusCode).toBe(201);
    expect(
      res.json().items.map((d: { version: number; validFrom: string }) => [d.version, d.validFrom]),
    ).toEqual([
      [1, '2027-01-01'],
      [1, '2027-01-01'],
    ]);

    const own = (await call(t.aReader, 'GET', '/api/obligations/in-force?year=2027&on=2027-02-01')).json();
    expect(
      own.items.map((i: { company: { id: number }; volume: number }) => [i.company.id, i.volume]),
    ).toEqual([
      [f.companyA, 398],
      [f.companyA, 455],
    ]);
    // Asking for another company's list answers as for a company without one.
    const other = (
      await call(t.a, 'GET', `/api/obligations/in-force?year=2027&on=2027-02-01&company=${f.companyB}`)
    ).json();
    expect(other.items).toEqual([]);
    const decisionsOfA = (await call(t.a, 'GET', '/api/obligations/decisions?year=2027')).json();
    expect(decisionsOfA.items.map((d: { company: { id: number } }) => d.company.id)).toEqual([f.companyA]);
    const allForLv = (await call(t.lv, 'GET', '/api/obligations/in-force?year=2027&on=2027-02-01')).json();
    expect(allForLv.items).toHaveLength(4);
    const b = allForLv.items.find((i: { package: { id: number } }) => i.package.id === f.parallel);
    expect(b).toMatchObject({ volume: 0, exemptReason: 'parallel_traded', basisUnits: 730 });

    const csv = await call(t.a, 'GET', '/api/obligations/export/in-force?year=2027&on=2027-02-01&format=csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.body.split('\r\n')[0]).toMatch(
      /SKYDDAD – Lagerhållningsskyldighet 2027: gällande beslut, 2027-02-01, Alfa Pharma AB/,
    );
    expect(csv.body.split('\r\n').length - 3).toBe(2);

    // The ±25 % test on 2027-04-01 (LV only): the three revisions of the worked year, kept with their basis.
    expect(
      (await call(t.a, 'POST', `/api/obligations/calculations/${calc.id}/revisions`, { on: '2027-04-01' }))
        .statusCode,
    ).toBe(403);
    const revised = await call(t.lv, 'POST', `/api/obligations/calculations/${calc.id}/revisions`, {
      on: '2027-04-01',
    });
    expect(revised.statusCode).toBe(201);
    expect(
      revised
        .json()
        .items.map((r: { rollingBasis: number; newVolume: number }) => [r.rollingBasis, r.newVolume])
        .sort(),
    ).toEqual(
      [
        [0, 0],
        [2280, 570],
        [3650, 913],
      ].sort(),
    );
    const listed = (await call(t.tlv, 'GET', `/api/obligations/calculations/${calc.id}/revisions`)).json();
    expect(listed.items).toHaveLength(3);

    const audit = await store.db
      .selectFrom('audit_log')
      .select(['action', 'token_id', 'organisation_id'])
      .where('action', '=', 'obligation.published')
      .execute();
    expect(audit).toHaveLength(2);
    expect(audit.every((e) => e.organisation_id === f.lv && e.token_id !== null)).toBe(true);
  });
});
