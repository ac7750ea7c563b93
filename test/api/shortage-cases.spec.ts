import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'kysely';
import { buildApp, type App } from '../../src/api/app.js';
import type { Store } from '../../src/store/database.js';
import { refreshPicture } from '../../src/store/picture/refresh.js';
import { groupKey } from '../../src/domain/demand.js';
import { describeEach, testBackends } from '../support/databases.js';
import { seedMinimal, type MinimalSeed } from '../support/seed.js';
import {
  buildLocation,
  buildNotice,
  buildOrganisation,
  buildPackage,
  buildSales,
  buildStockSnapshot,
  buildToken,
} from '../support/builders.js';

const TODAY = '2026-04-20';

/**
 * Issue 13 items 1, 3, 6: a shortage case of amoxicillin (CO-A) opened from its notice by
 * Läkemedelsverket, assessed on the R4 checklist, designated kritisk brist (shown in the picture),
 * with an alternative, a remedy and a consultation; who sees what; and the dose patients, estimated
 * from dose sales over 28 days at 1 unit a patient a day (pack size 100):
 *   Dos Nord: 42 packs to region 01 and 14 to region 12 = 5,600 units → 200 patients; stock 30 packs
 *             = 3,000 units → 15 days;
 *   Dos Syd:  28 packs to region 12 = 2,800 units → 100 patients; stock 45 packs → 45 days.
 * An older sale (2026-03-01, 100 packs) lies outside the window. If Dos Nord stops, regions 01 (150
 * patients) and 12 (50) lose supply, and Dos Syd's 4,500 units last 4,500 / (100 + 200) = 15 days.
 */
describeEach(testBackends())('shortage cases API on $name', (backend) => {
  let store: Store;
  let app: App;
  let seed: MinimalSeed;
  let sosToken: string;
  let noticeId: number;
  let alternativeId: number;
  let dosNord: number;
  let caseId: number;

  beforeAll(async () => {
    store = await backend.open();
    seed = await seedMinimal(store.db);
    const sos = await buildOrganisation(store.db, {
      code: 'SOS',
      kind: 'authority',
      authority: 'sos',
      name: 'Socialstyrelsen',
    });
    sosToken = await buildToken(store.db, sos, 'coordinator');
    noticeId = await buildNotice(store.db, seed.packages.amoxicillin, { expectedStart: '2026-04-05' });
    alternativeId = await buildPackage(store.db, seed.orgs.companyB, {
      name: 'Amoxicillin Beta',
      substance: 'amoxicillin',
      strength: '750 mg',
      atcCode: 'J01CA04',
    });
    const dose = await buildOrganisation(store.db, {
      code: 'DOS',
      kind: 'dose_pharmacy_operator',
      name: 'Dos AB',
    });
    dosNord = await buildLocation(store.db, dose, {
      kind: 'dose_pharmacy',
      name: 'Dos Nord',
      regionCode: '01',
    });
    const dosSyd = await buildLocation(store.db, dose, {
      kind: 'dose_pharmacy',
      name: 'Dos Syd',
      regionCode: '12',
    });
    const A = seed.packages.amoxicillin;
    await buildSales(
      store.db,
      [
        {
          packageId: A,
          regionCode: '01',
          periodStart: '2026-04-10',
          quantity: 42,
          locationId: dosNord,
          channel: 'dose_dispensing',
        },
        {
          packageId: A,
          regionCode: '12',
          periodStart: '2026-04-11',
          quantity: 14,
          locationId: dosNord,
          channel: 'dose_dispensing',
        },
        {
          packageId: A,
          regionCode: '12',
          periodStart: '2026-04-12',
          quantity: 28,
          locationId: dosSyd,
          channel: 'dose_dispensing',
        },
        {
          packageId: A,
          regionCode: '01',
          periodStart: '2026-03-01',
          quantity: 100,
          locationId: dosNord,
          channel: 'dose_dispensing',
        },
      ],
      dose,
    );
    await buildStockSnapshot(store.db, dosNord, [{ packageId: A, quantity: 30 }]);
    await buildStockSnapshot(store.db, dosSyd, [{ packageId: A, quantity: 45 }]);
    // The alternative is held somewhere, so that the picture has an item of it.
    await buildStockSnapshot(store.db, seed.locations.pharmacy1, [
      { packageId: alternativeId, quantity: 10 },
      { packageId: seed.packages.paracetamol, quantity: 10 },
    ]);
    await refreshPicture(store, { today: TODAY, full: true });
    app = await buildApp({ store, webDir: '/nonexistent' });
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  const call = (method: 'GET' | 'POST' | 'PUT', url: string, token: string, payload?: object) =>
    app.inject({
      method,
      url: `/api${url}`,
      headers: { authorization: `Bearer ${token}` },
      ...(payload ? { payload } : {}),
    });
  const ok = async <T = Record<string, unknown>>(
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    token: string,
    payload?: object,
  ) => {
    const res = await call(method, url, token, payload);
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.json<T>();
  };
  interface Case {
    id: number;
    state: string;
    title: string;
    checklistOutcome: string;
    designation: { decidedBy: { name: string }; decidedOn: string } | null;
    confidentialNote: string | null;
    history: {
      kind: string;
      from: string | null;
      to: string | null;
      reason: string | null;
      by: { organisation: string };
    }[];
    consultations: { party: string; summary: string | null }[];
    notConsulted: string[];
    alternatives: { alternativePackageId: number; unitsPerUnit: number }[];
    remedies: { kind: string; note: string }[];
  }

  it('opens a case from a notice, moves it with who and why, and refuses a move the states do not allow', async () => {
    const region = await call('POST', '/shortage-cases', seed.tokens.region01Reporter, {
      noticeId,
      reason: 'Signal',
    });
    expect(region.statusCode).toBe(403);
    const opened = await call('POST', '/shortage-cases', seed.tokens.lvAdmin, {
      noticeId,
      reason: 'Restanmälan inkom',
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const c = opened.json<Case>();
    caseId = c.id;
    expect(c).toMatchObject({
      state: 'signal',
      title: 'Amoxicillin Alfa 100 tablett(er)',
      checklistOutcome: 'incomplete',
    });

    const skip = await call('POST', `/shortage-cases/${caseId}/moves`, seed.tokens.lvAdmin, {
      to: 'measures',
      reason: 'Direkt',
    });
    expect(skip.statusCode).toBe(400);
    expect(
      skip.json<{ error: { problems: { field: string; expected: string }[] } }>().error.problems[0],
    ).toMatchObject({
      field: 'to',
      expected: 'assessed, closed',
    });
    // Socialstyrelsen (an authority) manages cases too.
    const moved = await ok<Case>('POST', `/shortage-cases/${caseId}/moves`, sosToken, {
      to: 'assessed',
      reason: 'Bedömd med NCT',
    });
    expect(moved.history.map((h) => [h.kind, h.from, h.to, h.reason, h.by.organisation])).toEqual([
      ['opened', null, 'signal', 'Restanmälan inkom', 'Läkemedelsverket'],
      ['moved', 'signal', 'assessed', 'Bedömd med NCT', 'Socialstyrelsen'],
    ]);
  });

  it('designates kritisk brist only on a met checklist and only by Läkemedelsverket; the picture shows it', async () => {
    const early = await call('POST', `/shortage-cases/${caseId}/designation`, seed.tokens.lvAdmin, {
      outcome: 'designated',
      reason: 'Kritisk',
    });
    expect(early.statusCode).toBe(400);
    expect(
      early.json<{ error: { problems: { field: string }[] } }>().error.problems.map((p) => p.field),
    ).toEqual(['checklist']);
    const assessed = await ok<Case>('PUT', `/shortage-cases/${caseId}/checklist`, seed.tokens.lvAdmin, {
      checklist: {
        lifeThreatening: true,
        irreversibleProgressive: false,
        seriousPublicHealthHarm: null,
        seriousAnimalHealthHarm: false,
        noRelevantAlternative: true,
      },
      confidentialNote: 'Företagets leveransplan: v. 20',
      reason: 'Bedömning enligt R4',
    });
    expect(assessed.checklistOutcome).toBe('met');
    const sos = await call('POST', `/shortage-cases/${caseId}/designation`, sosToken, {
      outcome: 'designated',
      reason: 'Kritisk',
    });
    expect(sos.statusCode).toBe(403);

    const before = await ok<{ item: { designatedCriticalShortage: unknown } }>(
      'GET',
      `/picture/products/${seed.packages.amoxicillin}`,
      seed.tokens.lvAnalyst,
    );
    expect(before.item.designatedCriticalShortage).toBeNull();
    const designated = await ok<Case>('POST', `/shortage-cases/${caseId}/designation`, seed.tokens.lvAdmin, {
      outcome: 'designated',
      reason: 'R4 uppfyllt, inget alternativ',
    });
    expect(designated.state).toBe('critical_shortage');
    expect(designated.designation?.decidedBy.name).toBe('Läkemedelsverket');
    const after = await ok<{ item: { designatedCriticalShortage: { decidedBy: { id: number } } | null } }>(
      'GET',
      `/picture/products/${seed.packages.amoxicillin}?region=01`,
      seed.tokens.lvAnalyst,
    );
    expect(after.item.designatedCriticalShortage?.decidedBy.id).toBe(seed.orgs.lv);
    const other = await ok<{ item: { designatedCriticalShortage: unknown } }>(
      'GET',
      `/picture/products/${alternativeId}`,
      seed.tokens.lvAnalyst,
    );
    expect(other.item.designatedCriticalShortage).toBeNull();
    const board = await ok<{
      items: {
        id: number;
        state: string;
        designation: unknown;
        signal: { possibleCriticalShortage: boolean | null };
      }[];
    }>('GET', '/shortage-cases?state=critical_shortage', seed.tokens.lvAnalyst);
    expect(
      board.items.map((i) => [
        i.id,
        i.state,
        i.designation !== null,
        typeof i.signal.possibleCriticalShortage,
      ]),
    ).toEqual([[caseId, 'critical_shortage', true, 'boolean']]);
    const audit = await sql<{ action: string }>`SELECT action FROM audit_log WHERE entity = 'shortage_case'
      AND entity_id = ${String(caseId)} ORDER BY id`.execute(store.db);
    expect(audit.rows.map((r) => r.action)).toEqual([
      'shortage_case.opened',
      'shortage_case.moved',
      'shortage_case.checklist',
      'shortage_case.designated',
    ]);
  });

  it('records alternatives where the picture reads them, remedies and R3 consultations', async () => {
    const bad = await call('POST', `/shortage-cases/${caseId}/alternatives`, seed.tokens.lvAdmin, {
      alternativePackageId: seed.packages.amoxicillin,
      unitsPerUnit: 1,
    });
    expect(bad.statusCode).toBe(400);
    const alt = await ok<Case>('POST', `/shortage-cases/${caseId}/alternatives`, seed.tokens.lvAdmin, {
      alternativePackageId: alternativeId,
      unitsPerUnit: 0.5,
      note: 'En 750 mg ersätter en 500 mg enligt NAG LOK',
    });
    expect(alt.alternatives.map((a) => [a.alternativePackageId, a.unitsPerUnit])).toEqual([
      [alternativeId, 0.5],
    ]);
    const again = await call('POST', `/shortage-cases/${caseId}/alternatives`, seed.tokens.lvAdmin, {
      alternativePackageId: alternativeId,
      unitsPerUnit: 1,
    });
    expect(again.statusCode).toBe(409);
    await refreshPicture(store, { today: TODAY, full: true });
    const product = await ok<{ alternatives: { relation: string; item: { packageId: number } }[] }>(
      'GET',
      `/picture/products/${seed.packages.amoxicillin}`,
      seed.tokens.lvAnalyst,
    );
    expect(product.alternatives.find((a) => a.item.packageId === alternativeId)?.relation).toBe('recorded');

    await ok('POST', `/shortage-cases/${caseId}/remedies`, seed.tokens.lvAdmin, {
      kind: 'cap_per_person',
      note: 'Högst en förpackning per uttag',
    });
    const badDay = await call('POST', `/shortage-cases/${caseId}/consultations`, seed.tokens.lvAdmin, {
      party: 'nag_lok',
      partyName: 'NAG LOK',
      consultedOn: '2999-01-01',
      summary: 'x',
    });
    expect(badDay.statusCode).toBe(400);
    const noDay = await call('POST', `/shortage-cases/${caseId}/consultations`, seed.tokens.lvAdmin, {
      party: 'nag_lok',
      partyName: 'NAG LOK',
      consultedOn: '2026-02-30',
      summary: 'x',
    });
    expect(noDay.statusCode).toBe(400);
    const consulted = await ok<Case>('POST', `/shortage-cases/${caseId}/consultations`, seed.tokens.lvAdmin, {
      party: 'regions_nationellt_ct',
      partyName: 'Nationellt CT',
      consultedOn: '2026-04-14',
      summary: 'Regionerna stödjer kvotering',
    });
    expect(consulted.remedies).toEqual([expect.objectContaining({ kind: 'cap_per_person' })]);
    expect(consulted.notConsulted).toEqual([
      'nag_lok',
      'professions',
      'veterinary_care',
      'pharmacies',
      'dose_pharmacies',
    ]);
  });

  it('shows a region every case without confidential notes, a company only its own packages’ cases', async () => {
    const region = await ok<Case>('GET', `/shortage-cases/${caseId}`, seed.tokens.region01Reporter);
    expect(region.confidentialNote).toBeNull();
    expect(region.consultations).toEqual([
      expect.objectContaining({ party: 'regions_nationellt_ct', summary: null }),
    ]);
    const own = await ok<Case>('GET', `/shortage-cases/${caseId}`, seed.tokens.companyAReporter);
    expect(own.confidentialNote).toBe('Företagets leveransplan: v. 20');
    expect((await call('GET', `/shortage-cases/${caseId}`, seed.tokens.companyBReporter)).statusCode).toBe(
      404,
    );
    expect(
      (await ok<{ items: unknown[] }>('GET', '/shortage-cases', seed.tokens.companyBReporter)).items,
    ).toEqual([]);
    expect(
      (await call('GET', `/shortage-cases/${caseId}/dose-patients`, seed.tokens.region01Reporter)).statusCode,
    ).toBe(404);
  });

  it('estimates dose patients from 28 days of dose sales and plays one dose pharmacy stopping', async () => {
    const d = await ok<{
      method: string;
      total: { patients: number };
      pharmacies: { name: string; patients: number; coverageDays: number | null }[];
      stops: {
        regionsLosingSupply: { regionCode: string; patients: number }[];
        others: { daysBefore: number; daysIfTakingOver: number };
      } | null;
    }>('GET', `/shortage-cases/${caseId}/dose-patients?stops=${dosNord}`, seed.tokens.lvAnalyst);
    expect(d.method).toBe('estimate_from_dose_sales');
    expect(d.total.patients).toBe(300);
    expect(d.pharmacies.map((p) => [p.name, p.patients, p.coverageDays])).toEqual([
      ['Dos Nord', 200, 15],
      ['Dos Syd', 100, 45],
    ]);
    expect(d.stops?.regionsLosingSupply).toEqual([
      { regionCode: '01', patients: 150 },
      { regionCode: '12', patients: 50 },
    ]);
    expect(d.stops?.others).toMatchObject({ daysBefore: 45, daysIfTakingOver: 15 });
    const notDose = await call(
      'GET',
      `/shortage-cases/${caseId}/dose-patients?stops=${seed.locations.pharmacy1}`,
      seed.tokens.lvAnalyst,
    );
    expect(notDose.statusCode).toBe(400);
  });

  it('a group case designates every package of the group in the picture', async () => {
    const key = groupKey({ substance: 'Paracetamol', strength: '500 mg', form: 'tablett' });
    const bad = await call('POST', '/shortage-cases', seed.tokens.lvAdmin, {
      groupKey: 'finns|inte|alls',
      reason: 'Test',
    });
    expect(bad.statusCode).toBe(400);
    const opened = await call('POST', '/shortage-cases', seed.tokens.lvAdmin, {
      groupKey: key,
      reason: 'Signal från regionerna',
    });
    expect(opened.statusCode, opened.body).toBe(201);
    const id = opened.json<Case>().id;
    await ok('POST', `/shortage-cases/${id}/moves`, seed.tokens.lvAdmin, {
      to: 'assessed',
      reason: 'Bedömd',
    });
    await ok('PUT', `/shortage-cases/${id}/checklist`, seed.tokens.lvAdmin, {
      checklist: {
        lifeThreatening: false,
        irreversibleProgressive: false,
        seriousPublicHealthHarm: true,
        seriousAnimalHealthHarm: false,
        noRelevantAlternative: true,
      },
      reason: 'Folkhälsan',
    });
    await ok('POST', `/shortage-cases/${id}/designation`, seed.tokens.lvAdmin, {
      outcome: 'designated',
      reason: 'R4 uppfyllt',
    });
    const p = await ok<{
      item: { designatedCriticalShortage: unknown };
      group: { designatedCriticalShortage: unknown } | null;
    }>('GET', `/picture/products/${seed.packages.paracetamol}`, seed.tokens.lvAnalyst);
    expect(p.item.designatedCriticalShortage).not.toBeNull();
    expect(p.group?.designatedCriticalShortage).not.toBeNull();
  });

  it('closing ends the designation in the picture', async () => {
    await ok('POST', `/shortage-cases/${caseId}/moves`, seed.tokens.lvAdmin, {
      to: 'closed',
      reason: 'Leveranser återupptagna',
    });
    const p = await ok<{ item: { designatedCriticalShortage: unknown } }>(
      'GET',
      `/picture/products/${seed.packages.amoxicillin}`,
      seed.tokens.lvAnalyst,
    );
    expect(p.item.designatedCriticalShortage).toBeNull();
  });
});
