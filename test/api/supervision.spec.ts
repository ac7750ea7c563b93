import ExcelJS from 'exceljs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/api/app.js';
import type { Store } from '../../src/store/database.js';
import { refreshPicture } from '../../src/store/picture/refresh.js';
import { recordSupervision, superviseAfterRefresh } from '../../src/store/supervision.repository.js';
import {
  buildLocation,
  buildOrganisation,
  buildPackage,
  buildRegion,
  buildReport,
  buildStockSnapshot,
  buildToken,
} from '../support/builders.js';
import { describeEach, testBackends } from '../support/databases.js';
import { publishObligations as publish } from '../support/supervision-fixture.js';

/** The picture's day: supervision describes it. */
const TODAY = '2026-04-20';

/**
 * Issue 12 items 3, 4, 5 and 9 on a database. Läkemedelsverket has published the obligations of 2026
 * (version 1, in force from 1 January):
 *
 *   Alfa (company A)  P1 900 packs   owns 400 at the wholesaler W + 220 in its own warehouse = 620
 *                     P2  40 packs   owns 50 at W                                             =  50
 *                     P4 exempt (parallel-traded), volume 0: nothing to hold, not supervised
 *   Beta (company B)  P3 100 packs   owns none (W's own 100 of P1 is W's, not Beta's)          =   0
 *
 * Every package costs 50 SEK (AIP).
 */
describeEach(testBackends())('dispensations, supervision and compensation on $name', (backend) => {
  let store: Store;
  let app: App;
  const ids = { lv: 0, tlv: 0, sos: 0, a: 0, b: 0, w: 0, p1: 0, p2: 0, p3: 0, p4: 0 };
  const tokens = { lv: '', lvReader: '', tlv: '', sos: '', a: '', b: '', w: '' };

  beforeAll(async () => {
    store = await backend.open();
    const db = store.db;
    await buildRegion(db, { code: '01' });
    ids.lv = await buildOrganisation(db, { code: 'LV', kind: 'authority', authority: 'lv' });
    ids.tlv = await buildOrganisation(db, { code: 'TLV', kind: 'authority', authority: 'tlv' });
    ids.sos = await buildOrganisation(db, { code: 'SOS', kind: 'authority', authority: 'sos' });
    ids.a = await buildOrganisation(db, { code: 'COMP-A', kind: 'company', name: 'Alfa Pharma AB' });
    ids.b = await buildOrganisation(db, { code: 'COMP-B', kind: 'company', name: 'Beta Pharma AB' });
    ids.w = await buildOrganisation(db, { code: 'WHS', kind: 'wholesaler', name: 'Grossisten AB' });
    ids.p1 = await buildPackage(db, ids.a, { name: 'Noradrenalin', substance: 'noradrenalin' });
    ids.p2 = await buildPackage(db, ids.a, { name: 'Propofol', substance: 'propofol' });
    ids.p4 = await buildPackage(db, ids.a, { name: 'Importerad', parallelTraded: true });
    ids.p3 = await buildPackage(db, ids.b, { name: 'Insulin', substance: 'insulin' });
    const warehouse = await buildLocation(db, ids.w, { kind: 'wholesaler_warehouse' });
    const own = await buildLocation(db, ids.a, { kind: 'wholesaler_warehouse' });
    // The wholesaler's count: 400 of P1 and 50 of P2 are Alfa's (owner named on the line), 100 of P1 its own.
    const atW = await buildStockSnapshot(db, warehouse, []);
    await db
      .insertInto('stock_line')
      .values(
        (
          [
            [ids.p1, 400, ids.a],
            [ids.p2, 50, ids.a],
            [ids.p1, 100, null],
          ] as const
        ).map(([packageId, quantity, owner], i) => ({
          snapshot_id: atW,
          package_id: packageId,
          batch: `B${i}`,
          expiry: '2030-01-01',
          quantity,
          stock_level: 1,
          owner_id: owner,
        })),
      )
      .execute();
    await buildStockSnapshot(db, own, [{ packageId: ids.p1, quantity: 220 }]);
    await publish(db, ids.lv, ids.a, [
      [ids.p1, 900],
      [ids.p2, 40],
      [ids.p4, 0, 'parallel_traded'],
    ]);
    await publish(db, ids.lv, ids.b, [[ids.p3, 100]]);
    tokens.lv = await buildToken(db, ids.lv, 'coordinator');
    tokens.lvReader = await buildToken(db, ids.lv, 'reader');
    tokens.tlv = await buildToken(db, ids.tlv, 'coordinator');
    tokens.sos = await buildToken(db, ids.sos, 'coordinator');
    tokens.a = await buildToken(db, ids.a, 'reporter');
    tokens.b = await buildToken(db, ids.b, 'coordinator');
    tokens.w = await buildToken(db, ids.w, 'coordinator');
    await refreshPicture(store, { today: TODAY, full: true });
    app = await buildApp({ store, webDir: '/nonexistent' });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  const call = (method: 'GET' | 'POST', url: string, token: string, payload?: object) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload ? { payload } : {}),
    });
  const errorOf = (res: { json: () => unknown }) =>
    (res.json() as { error: { kind: string; message: string; problems: { field?: string }[] } }).error;
  interface Row {
    company: { id: number };
    package: { id: number };
    volume: number;
    publishedVolume: number;
    stock: number;
    status: string;
    shortfall: number;
    shortfallValueSek: number | null;
    belowSince: string | null;
  }
  const rowsOf = async (url: string, token: string) => {
    const res = await call('GET', url, token);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ items: Row[]; counts: Record<string, number>; day: string }>();
  };
  const brief = (r: Row) => [
    r.company.id,
    r.package.id,
    r.volume,
    r.stock,
    r.status,
    r.shortfall,
    r.belowSince,
  ];

  it('supervises stock owned wherever held against the obligation: below by how much and since when', async () => {
    // The day before is recorded first (with the same stock): the run of P1 and P3 starts then.
    await recordSupervision(store.db, '2026-04-19');
    const lv = await rowsOf('/api/supervision', tokens.lv);
    expect(lv.day).toBe(TODAY);
    expect(lv.items.map(brief)).toEqual([
      [ids.a, ids.p1, 900, 620, 'below', 280, '2026-04-19'],
      [ids.b, ids.p3, 100, 0, 'below', 100, '2026-04-19'],
      [ids.a, ids.p2, 40, 50, 'compliant', 0, null],
    ]);
    expect(lv.items[0]!.shortfallValueSek).toBe(14_000); // 280 × 50 SEK
    expect(lv.counts).toEqual({ compliant: 1, under_dispensation: 0, below: 2 });
    // The company sees its own status, and nothing of Beta's; the wholesaler sees no company's.
    const a = await rowsOf('/api/supervision', tokens.a);
    expect(a.items.map((r) => r.package.id)).toEqual([ids.p1, ids.p2]);
    // The wholesaler and an authority other than LV and TLV see no company's (as for the published list).
    expect((await rowsOf('/api/supervision', tokens.w)).items).toEqual([]);
    expect((await rowsOf('/api/supervision', tokens.sos)).items).toEqual([]);
    expect((await rowsOf('/api/supervision', tokens.tlv)).items).toHaveLength(3);
    // The daily history of one obligation.
    const history = await rowsOf(
      `/api/supervision/history?company=${ids.a}&package=${ids.p1}&from=2026-04-01&to=${TODAY}`,
      tokens.a,
    );
    expect(history.items.map((r) => [r.belowSince, r.shortfall])).toEqual([
      ['2026-04-19', 280],
      ['2026-04-19', 280],
    ]);
    expect(
      (
        await rowsOf(
          `/api/supervision/history?company=${ids.a}&package=${ids.p1}&from=2026-04-01&to=${TODAY}`,
          tokens.b,
        )
      ).items,
    ).toEqual([]);
    // A day after today is refused with the field named.
    const future = await call('GET', '/api/supervision?day=2026-04-21', tokens.lv);
    expect(future.statusCode).toBe(400);
    expect(errorOf(future).problems[0]).toMatchObject({ field: 'day', expected: `${TODAY} or earlier` });
  });

  it('exports the deviations as CSV and XLSX, marked and with Swedish headers', async () => {
    const csv = await call('GET', '/api/supervision/export?format=csv&status=below', tokens.lv);
    expect(csv.statusCode).toBe(200);
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toContain(
      'SKYDDAD – Tillsyn av lagerhållningsskyldighet: avvikelser, 2026-04-20, Alla företag',
    );
    expect(lines[1]).toContain('Underskott (förp.);Underskott (kr, AIP);Under sedan');
    expect(lines).toHaveLength(4);
    expect(lines[2]).toContain('Alfa Pharma AB');
    expect(lines[2]).toContain(';Under skyldigheten;280;14000,00;2026-04-19');
    const xlsx = await call('GET', '/api/supervision/export?format=xlsx&status=below', tokens.a);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(workbook.worksheets[0]!.rowCount - 3).toBe(1); // Alfa's one deviation only
  });

  it('a company applies for a dispensation, only Läkemedelsverket decides, and the obligation in force follows', async () => {
    const applied = await call('POST', '/api/dispensations', tokens.a, {
      year: 2026,
      packageId: ids.p1,
      requestedVolume: 300,
      reason: 'Ny upphandling halverar försäljningen',
    });
    expect(applied.statusCode, applied.body).toBe(201);
    const { id } = applied.json<{ id: number }>();
    expect(applied.json()).toMatchObject({
      status: 'pending',
      requestedVolume: 300,
      publishedVolume: 900,
      decision: null,
    });
    const grant = {
      outcome: 'grant',
      reason: 'Styrkt minskad efterfrågan',
      volume: 500,
      validFrom: '2026-04-01',
      validTo: '2026-06-30',
    };
    // TLV, the company itself and a reader of LV may not decide.
    expect((await call('POST', `/api/dispensations/${id}/decision`, tokens.tlv, grant)).statusCode).toBe(403);
    expect((await call('POST', `/api/dispensations/${id}/decision`, tokens.b, grant)).statusCode).toBe(403);
    expect((await call('POST', `/api/dispensations/${id}/decision`, tokens.lvReader, grant)).statusCode).toBe(
      403,
    );
    // A period outside the year is refused, field by field, and changes nothing.
    const bad = await call('POST', `/api/dispensations/${id}/decision`, tokens.lv, {
      ...grant,
      validTo: '2027-01-31',
    });
    expect(bad.statusCode).toBe(400);
    expect(errorOf(bad).problems.map((p) => p.field)).toEqual(['validTo']);
    expect((await call('GET', `/api/dispensations/${id}`, tokens.a)).json()).toMatchObject({
      status: 'pending',
    });

    const decided = await call('POST', `/api/dispensations/${id}/decision`, tokens.lv, grant);
    expect(decided.statusCode, decided.body).toBe(200);
    expect(decided.json()).toMatchObject({
      status: 'granted',
      decision: {
        volume: 500,
        validFrom: '2026-04-01',
        validTo: '2026-06-30',
        reason: 'Styrkt minskad efterfrågan',
      },
    });
    // Decided once: a second decision is a conflict.
    expect((await call('POST', `/api/dispensations/${id}/decision`, tokens.lv, grant)).statusCode).toBe(409);

    // The obligation in force: 500 while valid, 900 before and after.
    const inForce = async (on: string) =>
      (await call('GET', `/api/dispensations/in-force?on=${on}`, tokens.a))
        .json<{ items: { package: { id: number }; volume: number; publishedVolume: number }[] }>()
        .items.map((r) => [r.package.id, r.publishedVolume, r.volume]);
    expect(await inForce('2026-03-31')).toEqual([
      [ids.p1, 900, 900],
      [ids.p2, 40, 40],
    ]);
    expect(await inForce('2026-04-20')).toEqual([
      [ids.p1, 900, 500],
      [ids.p2, 40, 40],
    ]);
    expect(await inForce('2026-07-01')).toEqual([
      [ids.p1, 900, 900],
      [ids.p2, 40, 40],
    ]);
    // Läkemedelsverket's list in force (and so its export) shows the same: the dispensation's volume.
    const list = await call('GET', `/api/obligations/in-force?year=2026&on=2026-04-20`, tokens.a);
    expect(list.statusCode, list.body).toBe(200);
    expect(
      list
        .json<{ items: { package: { id: number }; volume: number; publishedVolume: number }[] }>()
        .items.filter((r) => r.package.id === ids.p1)
        .map((r) => [r.publishedVolume, r.volume]),
    ).toEqual([[900, 500]]);

    // Today's supervision followed the decision: 620 owned reaches 500, not 900.
    const lv = await rowsOf(`/api/supervision?company=${ids.a}`, tokens.lv);
    expect(lv.items.map(brief)).toEqual([
      [ids.a, ids.p1, 500, 620, 'under_dispensation', 0, null],
      [ids.a, ids.p2, 40, 50, 'compliant', 0, null],
    ]);

    // Every step in the audit log, with who and why.
    const audit = await store.db
      .selectFrom('audit_log')
      .select(['action', 'organisation_id', 'detail'])
      .where('entity', '=', 'dispensation')
      .where('entity_id', '=', String(id))
      .orderBy('chain_seq')
      .execute();
    expect(audit.map((e) => [e.action, e.organisation_id])).toEqual([
      ['dispensation.applied', ids.a],
      ['dispensation.granted', ids.lv],
    ]);
    expect(audit[1]!.detail).toMatchObject({
      reason: 'Styrkt minskad efterfrågan',
      volume: 500,
      userName: expect.any(String),
    });
  });

  it('a company sees and applies only for its own: "not found" and "not yours" answer the same', async () => {
    const [mine] = (await call('GET', '/api/dispensations', tokens.a)).json<{ items: { id: number }[] }>()
      .items;
    const theirs = await call('GET', `/api/dispensations/${mine!.id}`, tokens.b);
    const none = await call('GET', '/api/dispensations/999999', tokens.b);
    expect(theirs.statusCode).toBe(404);
    expect(errorOf(theirs).message).toBe(`dispensation application ${mine!.id} was not found`);
    expect(errorOf(none).message).toBe('dispensation application 999999 was not found');
    expect((await call('GET', '/api/dispensations', tokens.b)).json()).toMatchObject({
      total: 0,
      mayApply: true,
      mayDecide: false,
    });
    expect((await call('GET', '/api/dispensations', tokens.lv)).json()).toMatchObject({
      total: 1,
      mayApply: false,
      mayDecide: true,
    });
    // Beta cannot apply for Alfa's package, nor ask for no less than its obligation; a wholesaler cannot apply.
    const other = await call('POST', '/api/dispensations', tokens.b, {
      year: 2026,
      packageId: ids.p1,
      requestedVolume: 0,
      reason: 'x',
    });
    expect(other.statusCode).toBe(400);
    expect(errorOf(other).problems.map((p) => p.field)).toEqual(['packageId']);
    const same = await call('POST', '/api/dispensations', tokens.b, {
      year: 2026,
      packageId: ids.p3,
      requestedVolume: 100,
      reason: 'x',
    });
    expect(errorOf(same).problems).toEqual([
      expect.objectContaining({
        field: 'requestedVolume',
        expected: 'fewer packs than the published obligation of 100',
      }),
    ]);
    expect(
      (
        await call('POST', '/api/dispensations', tokens.w, {
          year: 2026,
          packageId: ids.p1,
          requestedVolume: 0,
          reason: 'x',
        })
      ).statusCode,
    ).toBe(403);
  });

  it('computes compensation, only TLV decides, and a new model version never changes a filed application', async () => {
    // Beta: P3 100 packs at 50 SEK all year. Model 1 (2 % + 2 pp, 0.50 SEK): capital 100 × 50 × 12 × 4 % / 12
    // = 200; storage 100 × 12 × 0.50 = 600; 800 SEK.
    const applied = await call('POST', '/api/compensation/applications', tokens.b, {
      year: 2026,
      note: 'Helår',
    });
    expect(applied.statusCode, applied.body).toBe(201);
    const app1 = applied.json<{ id: number }>();
    expect(applied.json()).toMatchObject({
      modelVersion: 1,
      capitalCostSek: 200,
      storageCostSek: 600,
      computedSek: 800,
      status: 'pending',
    });
    expect((await call('POST', '/api/compensation/applications', tokens.b, { year: 2026 })).statusCode).toBe(
      409,
    );

    // TLV adds version 2 (reference rate 3 %): the estimate changes, the filed application does not.
    const v2 = await call('POST', '/api/compensation/models', tokens.tlv, {
      validFrom: '2026-04-01',
      referenceRatePercent: 3,
      marginPercentagePoints: 2,
      storageSekPerUnitMonth: 0.5,
      note: 'Referensräntan höjd',
    });
    expect(v2.statusCode, v2.body).toBe(201);
    expect(v2.json()).toMatchObject({ version: 2 });
    expect(
      (
        await call('POST', '/api/compensation/models', tokens.lv, {
          validFrom: '2026-04-01',
          referenceRatePercent: 1,
          marginPercentagePoints: 2,
          storageSekPerUnitMonth: 0.5,
          note: 'x',
        })
      ).statusCode,
    ).toBe(403);
    // 100 × 50 × 12 × 5 % / 12 = 250, + 600.
    expect((await call('GET', '/api/compensation/estimate?year=2026', tokens.b)).json()).toMatchObject({
      modelVersion: 2,
      amountSek: 850,
    });

    // Only TLV decides; LV may not.
    const adjust = { outcome: 'adjust', reason: 'Lagret styrkt för tio månader', amountSek: 700 };
    expect(
      (await call('POST', `/api/compensation/applications/${app1.id}/decision`, tokens.lv, adjust))
        .statusCode,
    ).toBe(403);
    const bad = await call('POST', `/api/compensation/applications/${app1.id}/decision`, tokens.tlv, {
      outcome: 'adjust',
      reason: 'x',
    });
    expect(errorOf(bad).problems.map((p) => p.field)).toEqual(['amountSek']);
    const decided = await call(
      'POST',
      `/api/compensation/applications/${app1.id}/decision`,
      tokens.tlv,
      adjust,
    );
    expect(decided.statusCode, decided.body).toBe(200);
    expect(decided.json()).toMatchObject({
      modelVersion: 1,
      computedSek: 800,
      status: 'adjusted',
      decision: { amountSek: 700, reason: 'Lagret styrkt för tio månader' },
    });
    // Alfa does not see Beta's application; TLV sees it.
    expect((await call('GET', `/api/compensation/applications/${app1.id}`, tokens.a)).statusCode).toBe(404);
    expect((await call('GET', '/api/compensation/applications', tokens.tlv)).json()).toMatchObject({
      total: 1,
      mayDecide: true,
    });
    const audit = await store.db
      .selectFrom('audit_log')
      .select(['action', 'organisation_id'])
      .where('action', 'like', 'compensation%')
      .orderBy('chain_seq')
      .execute();
    expect(audit.map((e) => [e.action, e.organisation_id])).toEqual([
      ['compensation.applied', ids.b],
      ['compensation-model.added', ids.tlv],
      ['compensation.adjusted', ids.tlv],
    ]);
  });

  it('records today again after a refresh of the picture (a stock report reached it)', async () => {
    // The wholesaler reports 120 packs of Beta's P3 (a difference after its count): Beta reaches 100.
    const reportId = await buildReport(store.db, ids.w, 'stock_difference');
    const location = await store.db
      .selectFrom('location')
      .select('id')
      .where('organisation_id', '=', ids.w)
      .executeTakeFirstOrThrow();
    await store.db
      .insertInto('stock_difference_line')
      .values({
        report_id: reportId,
        location_id: location.id,
        counted_at: '2026-04-20T12:00:00Z',
        package_id: ids.p3,
        batch: 'B3',
        expiry: '2030-01-01',
        quantity: 120,
        stock_level: 1,
        owner_id: ids.b,
      })
      .execute();
    const logged: string[] = [];
    superviseAfterRefresh(store.db, (m) => logged.push(m));
    await expect.poll(() => logged.length).toBe(1);
    expect(logged[0]).toBe(`tillsyn: 3 obligations supervised for ${TODAY}`);
    const beta = await rowsOf(`/api/supervision?company=${ids.b}`, tokens.lv);
    expect(beta.items.map(brief)).toEqual([[ids.b, ids.p3, 100, 120, 'compliant', 0, null]]);
  });
});
