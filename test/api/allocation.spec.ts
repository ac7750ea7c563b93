import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/api/app.js';
import type { AllocationDetailDto, QuotaDto } from '../../src/api/allocation.routes.js';
import type { Store } from '../../src/store/database.js';
import { buildToken } from '../support/builders.js';
import { describeEach, testBackends } from '../support/databases.js';
import { buildPictureFixture, type PictureFixture } from '../support/picture-fixture.js';

/**
 * Issue 13 item 2 over the picture fixture (today 2026-03-01). P1 (Alvedon): the wholesaler's W1 holds
 * 600 usable packs and expects 800 on 2026-03-20; region 01 sells 10 a day and its pharmacies hold 300
 * (the picture's 500 less its 200 share of W1), region 12 sells 20 a day and holds none of its own
 * (400, all its share of W1). Horizon 90 days: available 600 + 800 = 1,400; needs 01 900 − 300 = 600
 * and 12 1,800. Equal days: 10L − 300 + 20L = 1,400 → L = 56⅔ days; shares 01 266⅔, 12 1,133⅓ → whole
 * packs 267 and 1,133 (largest remainder ⅔ before ⅓).
 */
describeEach(testBackends())('allocation (fördelning) API on $name', (backend) => {
  let store: Store;
  let app: App;
  let f: PictureFixture;
  let t: { lv: string; ct: string; region01: string; wholesaler: string; opB: string; ctReader: string };
  let id = 0;

  const call = (method: 'GET' | 'POST', url: string, token: string, payload?: object) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload ? { payload } : {}),
    });

  const decision = {
    mode: 'voluntary',
    legalBasis: 'Undantag från leveransskyldighet (promemoria S2025/01745)',
    validFrom: '2026-03-02',
    validTo: '2026-05-31',
    conditions: { capPerDispensing: 1 },
    reason: 'Restsituation: leveranserna räcker inte till alla regioner',
  };

  beforeAll(async () => {
    store = await backend.open();
    f = await buildPictureFixture(store);
    await sql`UPDATE organisation SET authority = 'lv' WHERE id = ${f.orgs.lv}`.execute(store.db);
    t = {
      lv: await buildToken(store.db, f.orgs.lv, 'coordinator'),
      ct: await buildToken(store.db, f.orgs.ct, 'coordinator'),
      ctReader: f.tokens.ct,
      region01: f.tokens.region01,
      wholesaler: f.tokens.wholesaler,
      opB: f.tokens.opB,
    };
    app = await buildApp({ store });
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  it('computes equal days of coverage between the regions from wholesale stock and deliveries', async () => {
    const res = await call('POST', '/api/allocations', t.lv, {
      kind: 'package',
      ref: String(f.packages.p1),
      horizonDays: 90,
    });
    expect(res.statusCode, res.body).toBe(201);
    const a = res.json<AllocationDetailDto>();
    id = a.id;
    expect([a.status, a.wholesaleStock, a.deliveries, a.available, a.allocated]).toEqual([
      'draft',
      600,
      800,
      1400,
      1400,
    ]);
    expect(
      a.lines.map((l) => [l.recipientKey, l.stock, l.upperBound, l.exactShare, l.allocated, l.reason]),
    ).toEqual([
      ['01', 300, 600, '800/3', 267, 'raised_to_level'],
      ['12', 0, 1800, '3400/3', 1133, 'raised_to_level'],
    ]);
    expect(a.tiers[0]?.levelDays).toBeCloseTo(56.6667, 4);
    expect(a.lines.map((l) => l.coverageAfterDays)).toEqual([56.7, 56.65]);
    expect(a.suppliers).toEqual([
      { organisationId: f.orgs.wholesaler, name: 'Grossist Ett', stock: 600, deliveries: 800 },
    ]);
    expect(a.mayDecide).toBe(true);
  });

  it('allocates a group in units, and says when there is nothing to share', async () => {
    // Morfin 10 mg/ml (P2 at H1 and P3 at B1, 10 ml a pack): no wholesale stock and no delivery.
    const { rows } = await sql<{ group_key: string }>`
      SELECT group_key FROM picture_product WHERE package_id = ${f.packages.p2}`.execute(store.db);
    const res = await call('POST', '/api/allocations', t.ct, {
      kind: 'group',
      ref: rows[0]!.group_key,
      horizonDays: 30,
    });
    expect(res.statusCode, res.body).toBe(201);
    const a = res.json<AllocationDetailDto>();
    expect([a.available, a.allocated, a.tiers]).toEqual([
      0,
      0,
      [{ tier: 1, availableBefore: 0, allocated: 0, levelDays: null, exhausted: false }],
    ]);
    // Region 01: 5 packs = 50 ml a day, H1's 30 packs = 300 ml: 6 days; need 30 × 50 − 300 = 1,200 ml.
    expect(a.lines.map((l) => [l.recipientKey, l.demandPerDay, l.stock, l.upperBound, l.reason])).toEqual([
      ['01', 50, 300, 1200, 'nothing_left'],
      ['12', 0, 5000, 0, 'nothing_left'],
    ]);
  });

  it('allocates to the pharmacies, each measured against its own demand as the picture measures locations', async () => {
    // A1 and A2 share region 01's 10 a day (no own sales): 5 each; A1 holds 100 (20 days), A2 200 (40).
    // B1, region 12's only community pharmacy, holds none and sells none itself: it carries region 12's
    // 20 a day (0 days). Their 90-day needs (350 + 250 + 1,800) exceed the 1,400 available, so all three
    // rise to one level L: (5L − 100) + (5L − 200) + 20L = 1,400 → L = 56⅔ days: 183⅓, 83⅓, 1,133⅓;
    // whole packs by largest remainder, the tie (⅓ each) to the lowest coverage before: B1 → 183, 83, 1,134.
    const res = await call('POST', '/api/allocations', t.ct, {
      kind: 'package',
      ref: String(f.packages.p1),
      level: 'location',
      horizonDays: 90,
      tiers: { community_pharmacy: 2 },
    });
    expect(res.statusCode, res.body).toBe(201);
    const a = res.json<AllocationDetailDto>();
    expect(
      a.lines.map((l) => [
        l.recipientKey,
        l.recipientKind,
        l.tier,
        l.demandPerDay,
        l.stock,
        l.allocated,
        l.reason,
      ]),
    ).toEqual([
      [String(f.locations.a1), 'community_pharmacy', 2, 5, 100, 183, 'raised_to_level'],
      [String(f.locations.a2), 'community_pharmacy', 2, 5, 200, 83, 'raised_to_level'],
      [String(f.locations.b1), 'community_pharmacy', 2, 20, 0, 1134, 'raised_to_level'],
    ]);
    expect([a.available, a.allocated]).toEqual([1400, 1400]);
    // Equity per region: region 01's pharmacies 300 at 10 a day (30 days) get 266 → 566 (56.6 days);
    // region 12's none at 20 a day get 1,134 (56.7 days).
    expect(a.regions.map((r) => [r.regionCode, r.demandPerDay, r.stock, r.allocated])).toEqual([
      ['01', 10, 300, 266],
      ['12', 20, 0, 1134],
    ]);
    expect(a.regions[0]!.coverageBeforeDays).toBe(30);
    expect(a.regions[0]!.coverageAfterDays).toBeCloseTo(56.6, 6);
    expect(a.regions[1]!.coverageAfterDays).toBeCloseTo(56.7, 6);
  });

  it('lets only authorities and Nationellt CT compute, and refuses bad input precisely', async () => {
    expect(
      (await call('POST', '/api/allocations', t.region01, { kind: 'package', ref: '1', horizonDays: 30 }))
        .statusCode,
    ).toBe(403);
    const bad = await call('POST', '/api/allocations', t.ct, {
      kind: 'package',
      ref: String(f.packages.p1),
      horizonDays: 0,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('horizonDays');
    const unknown = await call('POST', '/api/allocations', t.ct, {
      kind: 'package',
      ref: '999999',
      horizonDays: 30,
    });
    expect(unknown.statusCode).toBe(404);
  });

  it('shows nothing of a draft to a wholesaler or a region', async () => {
    for (const token of [t.wholesaler, t.region01]) {
      expect((await call('GET', `/api/allocations/${id}`, token)).statusCode).toBe(404);
      expect((await call('GET', '/api/allocations', token)).json<{ total: number }>().total).toBe(0);
      expect(
        (await call('GET', '/api/allocations/quota', token)).json<{ items: QuotaDto[] }>().items,
      ).toEqual([]);
    }
  });

  it('lets only Läkemedelsverket decide; a bad validity changes nothing; the decision freezes it', async () => {
    expect((await call('POST', `/api/allocations/${id}/decision`, t.ct, decision)).statusCode).toBe(403);
    const bad = await call('POST', `/api/allocations/${id}/decision`, t.lv, {
      ...decision,
      validTo: '2026-03-01',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('validTo 2026-03-01 is before validFrom 2026-03-02');
    expect((await call('GET', `/api/allocations/${id}`, t.lv)).json<AllocationDetailDto>().status).toBe(
      'draft',
    );

    const ok = await call('POST', `/api/allocations/${id}/decision`, t.lv, decision);
    expect(ok.statusCode, ok.body).toBe(200);
    const a = ok.json<AllocationDetailDto>();
    expect([a.status, a.mayDecide, a.decisions.length, a.decisions[0]?.conditions]).toEqual([
      'decided',
      false,
      1,
      { capPerDispensing: 1 },
    ]);
    expect((await call('POST', `/api/allocations/${id}/decision`, t.lv, decision)).statusCode).toBe(409);
    // Append-only: the decision and the lines cannot be changed, even in SQL.
    await expect(sql`UPDATE allocation_decision SET reason = 'x'`.execute(store.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`DELETE FROM allocation_line`.execute(store.db)).rejects.toThrow(/append-only/);
    const audit = await sql<{ detail: string | Record<string, unknown> }>`
      SELECT detail FROM audit_log WHERE action = 'allocation.decided' AND entity_id = ${String(id)}`.execute(
      store.db,
    );
    expect(JSON.stringify(audit.rows[0]?.detail)).toContain('Restsituation');
  });

  it('gives the wholesaler the quota per recipient, a region its own line, and others nothing', async () => {
    const wholesaler = (await call('GET', '/api/allocations/quota', t.wholesaler)).json<{
      items: QuotaDto[];
    }>();
    expect(wholesaler.items.map((q) => [q.role, q.recipientKey, q.allocated, q.validTo])).toEqual([
      ['supplier', '01', 267, '2026-05-31'],
      ['supplier', '12', 1133, '2026-05-31'],
    ]);
    const region = (await call('GET', '/api/allocations/quota', t.region01)).json<{ items: QuotaDto[] }>();
    expect(region.items.map((q) => [q.role, q.recipientKey, q.allocated])).toEqual([
      ['recipient', '01', 267],
    ]);
    const own = (await call('GET', `/api/allocations/${id}`, t.region01)).json<AllocationDetailDto>();
    // No supply figure: null, not a 0 that would read as one (the list neither).
    expect([own.view, own.lines.length, own.available, own.wholesaleStock, own.suppliers, own.tiers]).toEqual(
      ['recipient', 1, null, null, [], []],
    );
    const listed = (await call('GET', '/api/allocations', t.region01)).json<{
      items: AllocationDetailDto[];
    }>();
    expect(listed.items.map((a) => [a.id, a.available, a.allocated, a.wholesaleStock, a.tiers])).toEqual([
      [id, null, null, null, []],
    ]);
    // The wholesaler reads whom it delivers how much and why, not what each recipient holds or needs
    // (pharmacies' and regions' stock is location detail it may not see), nor the total supply.
    const supplied = (await call('GET', `/api/allocations/${id}`, t.wholesaler)).json<AllocationDetailDto>();
    expect(supplied.view).toBe('supplier');
    expect(
      supplied.lines.map((l) => [l.recipientKey, l.allocated, l.stock, l.demandPerDay, l.upperBound]),
    ).toEqual([
      ['01', 267, null, null, null],
      ['12', 1133, null, null, null],
    ]);
    expect(supplied.lines.every((l) => l.coverageBeforeDays === null && l.levelDays === null)).toBe(true);
    expect([supplied.wholesaleStock, supplied.available, supplied.allocated, supplied.regions]).toEqual([
      null,
      null,
      1400,
      [],
    ]);
    expect(supplied.suppliers.map((x) => x.name)).toEqual(['Grossist Ett']);
    expect((await call('GET', `/api/allocations/${id}`, t.opB)).statusCode).toBe(404);
    expect((await call('GET', '/api/allocations/quota', t.opB)).json<{ items: QuotaDto[] }>().items).toEqual(
      [],
    );

    const csv = await call('GET', '/api/allocations/quota?format=csv', t.wholesaler);
    expect(csv.statusCode).toBe(200);
    const lines = csv.body.split('\r\n');
    expect(lines[1]).toBe(
      'Fördelning;Artikel;Mottagare;Mottagarkod;Kvot;Levererat;Kvar;Enhet;Gäller från;Gäller till;Beslut',
    );
    expect(lines[2]).toBe(`${id};Alvedon;Region Stockholm;01;267;0;267;förp;2026-03-02;2026-05-31;frivillig`);
  });

  it("records the wholesaler's deliveries per recipient, once per delivery id, and refuses one over the quota", async () => {
    const reporter = await buildToken(store.db, f.orgs.wholesaler, 'reporter');
    const regionReporter = await buildToken(store.db, f.orgs.region01, 'reporter');
    const url = `/api/allocations/${id}/deliveries`;
    const first = {
      deliveryId: 'GE-2026-0001',
      recipientKey: '01',
      quantity: 200,
      deliveredOn: '2026-03-05',
    };
    // Only the supplying wholesaler, with a role that confirms: a reader is forbidden, a region "not found".
    expect((await call('POST', url, t.wholesaler, first)).statusCode).toBe(403);
    expect((await call('POST', url, regionReporter, first)).statusCode).toBe(404);

    const created = await call('POST', url, reporter, first);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({
      recipientKey: '01',
      recipientName: 'Region Stockholm',
      quantity: 200,
      replayed: false,
      quota: 267,
      delivered: 200,
      remaining: 67,
    });
    // Sent again: nothing new; sent again with other content: 409.
    const again = await call('POST', url, reporter, first);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ replayed: true, delivered: 200, remaining: 67 });
    const changed = await call('POST', url, reporter, { ...first, quantity: 20 });
    expect(changed.statusCode).toBe(409);
    expect(changed.json().error.message).toBe(
      `delivery GE-2026-0001 was already recorded, differently: 200 to 01 on 2026-03-05 under allocation ${id}`,
    );

    // 200 + 100 would pass 01's quota of 267: refused, naming recipient, quota and what was delivered.
    const over = await call('POST', url, reporter, { ...first, deliveryId: 'GE-2026-0002', quantity: 100 });
    expect(over.statusCode).toBe(409);
    expect(over.json().error.message).toBe(
      'recipient Region Stockholm (01): quota 267 förp, already delivered 200 förp; this delivery of 100 förp would make 300, 33 over the quota',
    );
    const rest = await call('POST', url, reporter, { ...first, deliveryId: 'GE-2026-0002', quantity: 67 });
    expect(rest.json()).toMatchObject({ delivered: 267, remaining: 0 });

    // Precise 400s: a recipient not in the allocation, a day outside the decision's validity.
    const bad = await call('POST', url, reporter, {
      deliveryId: 'GE-2026-0003',
      recipientKey: '99',
      quantity: 1,
      deliveredOn: '2026-06-01',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.problems.map((p: { field: string }) => p.field)).toEqual([
      'recipientKey',
      'deliveredOn',
    ]);
    await call('POST', url, reporter, {
      deliveryId: 'GE-2026-0004',
      recipientKey: '12',
      quantity: 1000,
      deliveredOn: '2026-03-06',
    });

    // The quota shows delivered and remaining per recipient, to the wholesaler and to the region.
    const quota = (await call('GET', '/api/allocations/quota', t.wholesaler)).json<{ items: QuotaDto[] }>();
    expect(quota.items.map((q) => [q.recipientKey, q.allocated, q.delivered, q.remaining])).toEqual([
      ['01', 267, 267, 0],
      ['12', 1133, 1000, 133],
    ]);
    const region = (await call('GET', '/api/allocations/quota', t.region01)).json<{ items: QuotaDto[] }>();
    expect(region.items.map((q) => [q.recipientKey, q.delivered, q.remaining])).toEqual([['01', 267, 0]]);
    const csv = (await call('GET', '/api/allocations/quota?format=csv', t.wholesaler)).body.split('\r\n');
    expect(csv[3]).toBe(`${id};Alvedon;Region Skåne;12;1133;1000;133;förp;2026-03-02;2026-05-31;frivillig`);
    await expect(sql`UPDATE allocation_delivery SET quantity = 1`.execute(store.db)).rejects.toThrow(
      /append-only/,
    );
  });

  it('lets Läkemedelsverket withdraw it, after which the quota no longer applies', async () => {
    const res = await call('POST', `/api/allocations/${id}/withdrawal`, t.lv, {
      reason: 'Leveransen kom tidigare',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<AllocationDetailDto>().status).toBe('withdrawn');
    expect(
      (await call('GET', '/api/allocations/quota', t.wholesaler)).json<{ items: QuotaDto[] }>().items,
    ).toEqual([]);
    // A withdrawn allocation takes no more deliveries.
    const late = await call(
      'POST',
      `/api/allocations/${id}/deliveries`,
      await buildToken(store.db, f.orgs.wholesaler, 'reporter'),
      {
        deliveryId: 'GE-2026-0009',
        recipientKey: '12',
        quantity: 1,
        deliveredOn: '2026-03-10',
      },
    );
    expect(late.statusCode).toBe(409);
    expect(late.json().error.message).toBe(
      `allocation ${id} is withdrawn: its quota no longer applies and no delivery is recorded`,
    );
    expect((await call('GET', '/api/allocations', t.ctReader)).json<{ total: number }>().total).toBe(3);
  });

  it('belongs to a shortage case: an unknown case is refused, and the case lists its allocations', async () => {
    const opened = await call('POST', '/api/shortage-cases', t.lv, {
      packageId: f.packages.p1,
      reason: 'Restanmälan Alvedon',
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const caseId = opened.json<{ id: number }>().id;
    const body = { kind: 'package', ref: String(f.packages.p1), horizonDays: 90 };
    const unknown = await call('POST', '/api/allocations', t.ct, { ...body, caseId: caseId + 1000 });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json<{ error: { problems: unknown[] } }>().error.problems[0]).toMatchObject({
      field: 'caseId',
      expected: 'the id of a shortage case',
    });
    const total = (await call('GET', '/api/allocations', t.ct)).json<{ total: number }>().total;
    expect(total).toBe(3);
    const created = await call('POST', '/api/allocations', t.ct, { ...body, caseId });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json<AllocationDetailDto>().caseId).toBe(caseId);
    const ofCase = (await call('GET', `/api/allocations?case=${caseId}`, t.ct)).json<{
      items: { id: number; caseId: number | null }[];
      total: number;
    }>();
    expect([ofCase.total, ofCase.items.map((a) => [a.id, a.caseId])]).toEqual([
      1,
      [[created.json<AllocationDetailDto>().id, caseId]],
    ]);
    expect((await call('GET', '/api/allocations', t.ct)).json<{ total: number }>().total).toBe(4);
    await expect(
      sql`UPDATE allocation SET case_id = ${caseId + 1000} WHERE id = ${id}`.execute(store.db),
    ).rejects.toThrow(/allocation_case_fk/);
  });
});
