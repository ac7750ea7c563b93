import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/api/app.js';
import { calendarDateInSweden } from '../../src/domain/calendar.js';
import type { Store } from '../../src/store/database.js';
import { loadSweden } from '../../data/load.js';
import { PERSONA_LOCATION_CODES, personaLines } from '../../src/cli/demo.command.js';
import { describeEach, testBackends } from '../support/databases.js';

/**
 * Issue 10 item 6: a template per report kind, downloaded by a demo persona, is accepted as it is
 * when that persona sends it back into the demo data (synthetic Sweden), in English and in Swedish
 * column names.
 */
describeEach(testBackends())('report templates on $name', (backend) => {
  let store: Store;
  let app: App;

  beforeAll(async () => {
    store = await backend.open();
    await loadSweden(store, { scale: 0.02, seed: 42, today: calendarDateInSweden(new Date()) });
    app = await buildApp({ store, webDir: '/nonexistent' });
  }, 180_000);
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  const CASES = [
    ['stock-snapshots', 'demo-apotek'],
    ['stock-differences', 'demo-apotek'],
    ['sales', 'demo-apotek'],
    ['sales', 'demo-region-12'],
    ['expected-deliveries', 'demo-partihandel'],
    ['expected-deliveries', 'demo-foretag'],
    ['shortage-notices', 'demo-foretag'],
  ] as const;

  for (const [kind, token] of CASES) {
    for (const columns of ['en', 'sv'] as const) {
      it(`${kind} (${columns}) as ${token}: downloaded, then accepted as it is`, async () => {
        const template = await app.inject({
          method: 'GET',
          url: `/api/reports/templates/${kind}?columns=${columns}`,
          headers: { authorization: `Bearer ${token}` },
        });
        expect(template.statusCode, template.body).toBe(200);
        expect(template.headers['content-type']).toMatch(/^text\/csv/);
        expect(template.headers['content-disposition']).toContain(`mall-${kind}`);
        const lines = template.body.trimEnd().split('\r\n');
        expect(lines).toHaveLength(2);
        if (columns === 'sv') expect(lines[0]).toMatch(/förpackning/);
        else expect(lines[0]).toMatch(/package/);
        const sent = await app.inject({
          method: 'POST',
          url: `/api/reports/${kind}?clientRef=template-${kind}-${token}-${columns}`,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
          payload: template.body,
        });
        expect(sent.statusCode, sent.body).toBe(201);
        expect(sent.json()).toMatchObject({ status: 'accepted', lineCount: 1, problemCount: 0 });
      });
    }
  }

  it('the demo prints per persona its organisation code and name and a few of its location codes', async () => {
    const lines = await personaLines(store.db, 'sv');
    const apo = await store.db
      .selectFrom('organisation')
      .select(['id', 'name'])
      .where('code', '=', 'APO-1')
      .executeTakeFirstOrThrow();
    const codes = (
      await store.db
        .selectFrom('location')
        .select('code')
        .where('organisation_id', '=', apo.id)
        .orderBy('code')
        .limit(PERSONA_LOCATION_CODES)
        .execute()
    ).map((l) => l.code);
    expect(codes).toHaveLength(3);
    const at = lines.findIndex((l) => l.includes('demo-apotek'));
    expect(lines[at + 1]).toContain(`organisation APO-1 ${apo.name}; platser ${codes.join(', ')} …`);
    // LV holds no stock: it is said, not left blank.
    const lv = lines.findIndex((l) => l.includes('demo-lv'));
    expect(lines[lv + 1]).toMatch(/organisation LV Läkemedelsverket; (inga platser|platser )/);
  });

  it('answers a refused report’s problems in the caller’s language: Accept-Language, or ?lang=', async () => {
    const csv = 'location;förpackning;antal;counted_at\nSE-NOWHERE;00000000000000;tolv;2026-01-01\n';
    const send = (query: string, language?: string) =>
      app.inject({
        method: 'POST',
        url: `/api/reports/stock-snapshots${query}`,
        headers: {
          authorization: 'Bearer demo-apotek',
          'content-type': 'text/csv',
          ...(language ? { 'accept-language': language } : {}),
        },
        payload: csv,
      });
    const sv = await send('', 'sv-SE,sv;q=0.9,en;q=0.8');
    expect(sv.statusCode).toBe(400);
    const messages = (r: typeof sv) =>
      r
        .json<{ error: { problems: { message: string; code?: string }[] } }>()
        .error.problems.map((p) => p.message);
    expect(messages(sv)).toEqual([
      'rad 2: platsen SE-NOWHERE är okänd',
      'rad 2: förpackningen 00000000000000 är okänd',
      "rad 2: quantity 'tolv' är inget tal",
    ]);
    expect(messages(await send('?lang=en', 'sv'))).toEqual([
      'line 2: location SE-NOWHERE is unknown',
      'line 2: package 00000000000000 is unknown',
      "line 2: quantity 'tolv' is not a number",
    ]);
    // Without either, English, as the API has always answered.
    expect(messages(await send(''))[0]).toBe('line 2: location SE-NOWHERE is unknown');
  });

  it('is only for those who may send reports, and names a wrong kind', async () => {
    const reader = await app.inject({
      method: 'GET',
      url: '/api/reports/templates/sales',
      headers: { authorization: 'Bearer demo-kommun' },
    });
    expect(reader.statusCode).toBe(403);
    const wrong = await app.inject({
      method: 'GET',
      url: '/api/reports/templates/inventory-reports',
      headers: { authorization: 'Bearer demo-apotek' },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('kind');
  });
});
