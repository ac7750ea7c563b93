import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/api/app.js';
import type { Store } from '../../src/store/database.js';
import {
  buildLocation,
  buildOrganisation,
  buildPackage,
  buildRegion,
  buildToken,
} from '../support/builders.js';
import { describeEach, testBackends } from '../support/databases.js';
import { exampleInstance } from '../support/redistribution-example.js';

/**
 * Issue 13 items 3–5 through the API: the worked example of docs/redistribution.md uploaded as an
 * instance whose ids are real locations (A, B at Apotek Nord; C at Region Syd's hospital pharmacy):
 * Nationellt CT computes it (t* = 22: A → B 34, A → C 22), Läkemedelsverket decides it, the plan is
 * frozen, each organisation sees and confirms only its own transfers, and the log is append-only.
 */
describeEach(testBackends())('redistribution plans on $name', (backend) => {
  let store: Store;
  let app: App;
  let t: { lv: string; ct: string; tlv: string; pharmacy: string; hospital: string };
  let caseId = 0;
  const call = (method: 'GET' | 'POST', url: string, token: string, payload?: object) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload ? { payload } : {}),
    });

  const decision = {
    mode: 'voluntary',
    legalBasis: 'LVFS-beslut om omfördelning (exempel)',
    validFrom: '2026-12-07',
    validTo: '2027-01-31',
    conditions: {
      capPerDispensing: 1,
      minRemainingShelfLifeDays: 60,
      note: 'Expediera en förpackning per recept',
    },
    reason: 'Brist i region 03; överskott hos Apotek Nord',
  };

  beforeAll(async () => {
    store = await backend.open();
    const db = store.db;
    await buildRegion(db, { code: '01' });
    await buildRegion(db, { code: '03' });
    const lv = await buildOrganisation(db, {
      kind: 'authority',
      code: 'LV',
      authority: 'lv',
      name: 'Läkemedelsverket',
    });
    const tlv = await buildOrganisation(db, {
      kind: 'authority',
      code: 'TLV',
      authority: 'tlv',
      name: 'TLV',
    });
    const ct = await buildOrganisation(db, { kind: 'joint_function', code: 'NCT', name: 'Nationellt CT' });
    const nord = await buildOrganisation(db, {
      kind: 'pharmacy_operator',
      code: 'NORD',
      name: 'Apotek Nord',
    });
    const syd = await buildOrganisation(db, {
      kind: 'region',
      code: 'R03',
      name: 'Region Syd',
      regionCode: '03',
    });
    await buildLocation(db, nord, { code: 'A', kind: 'community_pharmacy', regionCode: '01' });
    await buildLocation(db, nord, { code: 'B', kind: 'community_pharmacy', regionCode: '01' });
    await buildLocation(db, syd, { code: 'C', kind: 'hospital_pharmacy', regionCode: '03' });
    t = {
      lv: await buildToken(db, lv, 'coordinator'),
      tlv: await buildToken(db, tlv, 'coordinator'),
      ct: await buildToken(db, ct, 'coordinator'),
      pharmacy: await buildToken(db, nord, 'coordinator'),
      hospital: await buildToken(db, syd, 'coordinator'),
    };
    app = await buildApp({ store });
    const company = await buildOrganisation(db, { kind: 'company', code: 'AMOX', name: 'Amox AB' });
    const packageId = await buildPackage(db, company, { name: 'Amoxicillin 50 mg/ml' });
    const opened = await call('POST', '/api/shortage-cases', t.lv, { packageId, reason: 'Restanmälan' });
    expect(opened.statusCode, opened.body).toBe(201);
    caseId = opened.json<{ id: number }>().id;
  });

  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  it('computes, decides, freezes, instructs and confirms a plan, batch by batch', async () => {
    const instance = exampleInstance();
    expect((await call('POST', '/api/redistributions', t.pharmacy, { instance })).statusCode).toBe(403);

    const created = await call('POST', '/api/redistributions', t.ct, { instance, caseId });
    expect(created.statusCode, created.body).toBe(201);
    const plan = created.json();
    expect(plan).toMatchObject({
      status: 'draft',
      caseId,
      lowestCoverageBefore: 0,
      lowestCoverageAfter: 22,
      totalQuantity: 56,
      totalValueSek: 4480,
    });
    expect(
      plan.transfers.map(
        (x: { fromCode: string; toCode: string; quantity: number }) =>
          `${x.fromCode}>${x.toCode} ${x.quantity}`,
      ),
    ).toEqual(['A>B 34', 'A>C 22']);
    expect(plan.equity.after).toEqual({ min: 11, max: 22, spread: 11 });
    expect(plan.refusedArcs).toHaveLength(1);

    // A draft is nobody's business but the planners': the pharmacy is told "not found".
    expect((await call('GET', `/api/redistributions/${plan.id}`, t.pharmacy)).statusCode).toBe(404);

    // Only Läkemedelsverket decides; a bad decision names its field and changes nothing.
    expect((await call('POST', `/api/redistributions/${plan.id}/decision`, t.tlv, decision)).statusCode).toBe(
      403,
    );
    const bad = await call('POST', `/api/redistributions/${plan.id}/decision`, t.lv, {
      ...decision,
      validTo: '2026-12-01',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.problems[0]).toMatchObject({
      field: 'validTo',
      expected: 'a day on or after validFrom 2026-12-07',
    });
    const decided = await call('POST', `/api/redistributions/${plan.id}/decision`, t.lv, decision);
    expect(decided.statusCode, decided.body).toBe(200);
    expect(decided.json()).toMatchObject({
      status: 'decided',
      decision: { mode: 'voluntary', conditions: { capPerDispensing: 1 } },
      mayDecide: true,
    });
    expect((await call('POST', `/api/redistributions/${plan.id}/decision`, t.lv, decision)).statusCode).toBe(
      409,
    );

    // Each organisation sees its own instructions.
    const sends = (await call('GET', '/api/redistributions/instructions', t.pharmacy)).json();
    expect(
      sends.map(
        (x: { role: string; toCode: string; batch: string; quantity: number }) =>
          `${x.role} ${x.toCode} ${x.batch} ${x.quantity}`,
      ),
    ).toEqual(['send B A-LÅNG 34', 'receive B A-LÅNG 34', 'send C A-LÅNG 22']);
    const receives = (await call('GET', '/api/redistributions/instructions', t.hospital)).json();
    expect(
      receives.map(
        (x: { role: string; fromCode: string; quantity: number }) => `${x.role} ${x.fromCode} ${x.quantity}`,
      ),
    ).toEqual(['receive A 22']);
    const seen = (await call('GET', `/api/redistributions/${plan.id}`, t.hospital)).json();
    expect(seen.transfers).toHaveLength(1);
    // Beyond its own transfers the region reads no region's equity: region 01 holds another
    // organisation's two pharmacies A and B, region 03 beside its own C one other location (the care-unit
    // store D), and subtracting its own stock from either total would reveal theirs. No lowest coverage
    // (one location's figure), no other organisation's refused arc.
    expect(seen.equity.regions).toEqual([]);
    expect(seen.mayDecide).toBe(false);
    expect(seen).toMatchObject({ lowestCoverageBefore: null, lowestCoverageAfter: null, refusedArcs: [] });
    // A pharmacy operator sees no regional aggregates in the picture, so none here either.
    const operator = (await call('GET', `/api/redistributions/${plan.id}`, t.pharmacy)).json();
    expect(operator.equity).toEqual({
      regions: [],
      before: { min: null, max: null, spread: null },
      after: { min: null, max: null, spread: null },
    });
    expect((await call('GET', '/api/redistributions', t.pharmacy)).json()).toMatchObject([
      { id: plan.id, lowestCoverageBefore: null, lowestCoverageAfter: null },
    ]);

    // Confirming: only one's own side, once.
    expect(
      (await call('POST', `/api/redistributions/${plan.id}/transfers/2/sent`, t.hospital)).statusCode,
    ).toBe(404);
    const sent = await call('POST', `/api/redistributions/${plan.id}/transfers/2/sent`, t.pharmacy);
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json().sentAt).not.toBeNull();
    expect(
      (await call('POST', `/api/redistributions/${plan.id}/transfers/2/sent`, t.pharmacy)).statusCode,
    ).toBe(409);
    expect(
      (await call('POST', `/api/redistributions/${plan.id}/transfers/2/received`, t.hospital)).statusCode,
    ).toBe(200);
    const log = (await call('GET', `/api/redistributions/${plan.id}`, t.lv)).json().log;
    expect(log.map((l: { event: string; line: number | null }) => `${l.event} ${l.line}`)).toEqual([
      'decided null',
      'sent 2',
      'received 2',
    ]);

    // Frozen and append-only in the database itself.
    const db = store.db;
    await expect(
      sql`UPDATE redistribution_transfer SET quantity = 1 WHERE plan_id = ${plan.id} AND line = 1`.execute(
        db,
      ),
    ).rejects.toThrow(/frozen/);
    await expect(
      sql`UPDATE redistribution_plan SET subject = 'x' WHERE id = ${plan.id}`.execute(db),
    ).rejects.toThrow(/frozen/);
    await expect(
      sql`DELETE FROM redistribution_decision_log WHERE plan_id = ${plan.id}`.execute(db),
    ).rejects.toThrow(/append-only/);
    await expect(
      sql`UPDATE redistribution_decision SET reason = 'x' WHERE plan_id = ${plan.id}`.execute(db),
    ).rejects.toThrow(/append-only/);
    const audit = await db
      .selectFrom('audit_log')
      .select('action')
      .where('entity', 'like', 'redistribution%')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'redistribution.plan',
      'redistribution.decide',
      'redistribution.sent',
      'redistribution.received',
    ]);
  });

  it('lets Läkemedelsverket withdraw a decided plan with a reason; its transfers can then not be confirmed', async () => {
    const created = await call('POST', '/api/redistributions', t.ct, { instance: exampleInstance() });
    const id = created.json<{ id: number }>().id;
    expect((await call('POST', `/api/redistributions/${id}/decision`, t.lv, decision)).statusCode).toBe(200);
    // Line 1 (A → B 34) is sent before the withdrawal; line 2 (A → C 22) is not.
    expect((await call('POST', `/api/redistributions/${id}/transfers/1/sent`, t.pharmacy)).statusCode).toBe(
      200,
    );

    const reason = { reason: 'Leveransen till region 03 kom tidigare än väntat' };
    expect((await call('POST', `/api/redistributions/${id}/withdrawal`, t.tlv, reason)).statusCode).toBe(403);
    expect((await call('POST', `/api/redistributions/${id}/withdrawal`, t.pharmacy, reason)).statusCode).toBe(
      403,
    );
    const empty = await call('POST', `/api/redistributions/${id}/withdrawal`, t.lv, { reason: '  ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.problems[0]).toMatchObject({ field: 'reason' });
    const withdrawn = await call('POST', `/api/redistributions/${id}/withdrawal`, t.lv, reason);
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    expect(withdrawn.json()).toMatchObject({ status: 'withdrawn', decision: { mode: 'voluntary' } });
    expect(
      withdrawn
        .json<{ log: { event: string; line: number | null; reason: string | null }[] }>()
        .log.map((l) => `${l.event} ${l.line} ${l.reason ?? ''}`.trim()),
    ).toEqual([`decided null ${decision.reason}`, 'sent 1', `withdrawn null ${reason.reason}`]);
    expect((await call('POST', `/api/redistributions/${id}/withdrawal`, t.lv, reason)).statusCode).toBe(409);

    // The instructions show it as withdrawn, with why; nothing more is confirmed.
    const mine = (await call('GET', '/api/redistributions/instructions', t.hospital))
      .json<{ planId: number; planStatus: string; withdrawalReason: string | null; line: number }[]>()
      .filter((x) => x.planId === id);
    expect(mine.map((x) => [x.line, x.planStatus, x.withdrawalReason])).toEqual([
      [2, 'withdrawn', reason.reason],
    ]);
    const late = await call('POST', `/api/redistributions/${id}/transfers/2/sent`, t.pharmacy);
    expect(late.statusCode).toBe(409);
    expect(late.json().error.message).toMatch(
      new RegExp(
        `^redistribution plan ${id} was withdrawn on \\d{4}-\\d{2}-\\d{2} by .+ \\(${reason.reason}\\): transfer 2 is no longer to be sent and cannot be confirmed$`,
      ),
    );
    expect(
      (await call('POST', `/api/redistributions/${id}/transfers/1/received`, t.pharmacy)).statusCode,
    ).toBe(409);
    // The organisation concerned still reads the plan, as withdrawn.
    expect((await call('GET', `/api/redistributions/${id}`, t.hospital)).json()).toMatchObject({
      status: 'withdrawn',
    });
    const audit = await store.db
      .selectFrom('audit_log')
      .select(['action', 'entity_id'])
      .where('action', '=', 'redistribution.withdraw')
      .execute();
    expect(audit.map((a) => a.entity_id)).toEqual([String(id)]);
  });

  it("refuses a decision whose shortened shelf-life requirement the plan's batches do not meet, naming the lines", async () => {
    // Planned with a 10-day minimum: A → B takes A-KORT's 20 packs (30 days left on 2026-12-07) as
    // line 1, then 14 of A-LÅNG (line 2); A → C 22 of A-LÅNG (line 3).
    const created = await call('POST', '/api/redistributions', t.ct, {
      instance: exampleInstance({ shortLived: 20, minRemainingShelfLifeDays: 10 }),
    });
    const plan = created.json<{
      id: number;
      transfers: { line: number; batch: string; quantity: number }[];
    }>();
    expect(plan.transfers.map((x) => `${x.line} ${x.batch} ${x.quantity}`)).toEqual([
      '1 A-KORT 20',
      '2 A-LÅNG 14',
      '3 A-LÅNG 22',
    ]);
    const refused = await call('POST', `/api/redistributions/${plan.id}/decision`, t.lv, decision);
    expect(refused.statusCode).toBe(400);
    const error = refused.json<{ error: { message: string; problems: { at: number; field: string }[] } }>()
      .error;
    expect(error.message).toBe(
      `redistribution plan ${plan.id} was not decided: transfer 1 moves a batch below the decided minimum shelf life: ` +
        'line 1 (A → B, batch A-KORT expiring 2027-01-06) has 30 days of shelf life left on 2026-12-07, below the decided minimum of 60',
    );
    expect(error.problems.map((p) => [p.at, p.field])).toEqual([[1, 'conditions.minRemainingShelfLifeDays']]);
    // Nothing decided, nothing logged.
    const after = (await call('GET', `/api/redistributions/${plan.id}`, t.lv)).json();
    expect([after.status, after.decision, after.log]).toEqual(['draft', null, []]);
    // A minimum the batches meet (30 days) is decided.
    const ok = await call('POST', `/api/redistributions/${plan.id}/decision`, t.lv, {
      ...decision,
      conditions: { ...decision.conditions, minRemainingShelfLifeDays: 30 },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().decision.conditions).toEqual({
      capPerDispensing: 1,
      minRemainingShelfLifeDays: 30,
      note: 'Expediera en förpackning per recept',
    });
  });

  it('belongs to a shortage case: an unknown case is refused, and the case lists its plans', async () => {
    const instance = exampleInstance();
    const unknown = await call('POST', '/api/redistributions', t.ct, { instance, caseId: caseId + 1000 });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.problems[0]).toMatchObject({
      field: 'caseId',
      expected: 'the id of a shortage case',
    });
    // Nothing stored, and the database itself refuses a plan of no case.
    const before = (await call('GET', '/api/redistributions', t.ct)).json<{ id: number }[]>().length;
    const other = await call('POST', '/api/redistributions', t.ct, { instance });
    expect(other.statusCode).toBe(201);
    const all = (await call('GET', '/api/redistributions', t.ct)).json<
      { id: number; caseId: number | null }[]
    >();
    expect(all).toHaveLength(before + 1);
    const ofCase = (await call('GET', `/api/redistributions?case=${caseId}`, t.ct)).json<
      { id: number; caseId: number | null }[]
    >();
    expect(ofCase.length).toBeGreaterThan(0);
    expect(ofCase.every((p) => p.caseId === caseId)).toBe(true);
    expect(ofCase.map((p) => p.id)).not.toContain(other.json<{ id: number }>().id);
    await expect(
      sql`INSERT INTO redistribution_plan (subject, unit, source, transfer_date, parameters, case_id,
            transport_optimum, equity, outcome, total_quantity, total_value_sek, created_by_organisation, created_by)
          SELECT subject, unit, source, transfer_date, parameters, ${caseId + 1000}, transport_optimum, equity,
            outcome, total_quantity, total_value_sek, created_by_organisation, created_by
          FROM redistribution_plan LIMIT 1`.execute(store.db),
    ).rejects.toThrow(/redistribution_plan_case_fk/);
  });

  it('refuses an uploaded instance with the path of each problem', async () => {
    const raw = JSON.parse(JSON.stringify(exampleInstance()));
    raw.locations[0].stock[0].expiry = '31/12/2027';
    const res = await call('POST', '/api/redistributions', t.ct, { instance: raw });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.problems[0]).toMatchObject({
      at: '$.locations[0].stock[0].expiry',
      expected: 'a date YYYY-MM-DD',
    });
  });
});
