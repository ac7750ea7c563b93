import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/api/app.js';
import type { Store } from '../../src/store/database.js';
import { refreshPicture } from '../../src/store/picture/refresh.js';
import { describeEach, testBackends } from '../support/databases.js';
import { SEED_CODES, seedMinimal, type MinimalSeed } from '../support/seed.js';
import { ingest, reporterOf } from '../ingest/helpers.js';

const HEADER = 'type,package,expected_start,expected_end,reason,alternatives,reference';
/** The picture's day: statuses are judged on it. */
const TODAY = '2026-04-20';

/**
 * Issue 10 item 4: the register of shortage notices. Five notices of two companies, one of them
 * corrected, judged on 2026-04-20 with the default lead of 30 days:
 *
 *   FU-77  paracetamol (CO-A) sales stop, notified 2026-03-02 from 2026-05-04, corrected 2026-04-10 to
 *          end 2026-06-30: upcoming (starts in 14 days), on time (two months from 2026-03-02), 1 correction
 *   RA-1   amoxicillin (CO-A) restanmälan 2026-04-05 – 2026-05-31, notified 2026-04-01: active
 *   FU-9   insulin (CO-B) sales stop from 2026-05-01, notified 2026-04-15: upcoming and late (R4:
 *          earliest compliant start 2026-06-15)
 *   RA-0   amoxicillin (CO-A) restanmälan 2026-03-02 – 2026-03-31: ended
 *   RA-2   paracetamol (CO-A) restanmälan from 2026-08-01, notified 2026-04-18: later (beyond 30 days)
 */
describeEach(testBackends())('notice register API on $name', (backend) => {
  let store: Store;
  let app: App;
  let seed: MinimalSeed;

  const send = async (company: string, at: string, line: string) => {
    const receipt = await ingest(
      store,
      await reporterOf(store, company),
      'shortage_notice',
      'csv',
      `${HEADER}\n${line}\n`,
      {
        now: new Date(at),
      },
    );
    expect(receipt.status).toBe('accepted');
  };

  beforeAll(async () => {
    store = await backend.open();
    seed = await seedMinimal(store.db);
    const P = SEED_CODES.paracetamol;
    const A = SEED_CODES.amoxicillin;
    const I = SEED_CODES.insulin;
    await send(
      'CO-A',
      '2026-03-01T09:00:00Z',
      `shortage,${A},2026-03-02,2026-03-31,Produktionsstörning,,RA-0`,
    );
    await send('CO-A', '2026-03-02T09:00:00Z', `sales_stop,${P},2026-05-04,,Avregistrering,,FU-77`);
    await send('CO-A', '2026-04-01T09:00:00Z', `shortage,${A},2026-04-05,2026-05-31,Försenad leverans,,RA-1`);
    await send('CO-A', '2026-04-10T09:00:00Z', `sales_stop,${P},2026-05-04,2026-06-30,Avregistrering,,FU-77`);
    await send('CO-B', '2026-04-15T09:00:00Z', `sales_stop,${I},2026-05-01,,Kommersiella skäl,,FU-9`);
    await send('CO-A', '2026-04-18T09:00:00Z', `shortage,${P},2026-08-01,,Kapacitetsbrist,,RA-2`);
    await refreshPicture(store, { today: TODAY, full: true });
    app = await buildApp({ store, webDir: '/nonexistent' });
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  const get = (url: string, token: string) =>
    app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  interface Listed {
    items: {
      id: number;
      kind: string;
      name: string;
      company: { id: number; name: string };
      status: string;
      late: boolean;
      corrections: number;
      firstNotifiedAt: string;
      notifiedAt: string;
      expectedStart: string;
      expectedEnd: string | null;
    }[];
    total: number;
    today: string;
    leadDays: number;
  }
  const list = async (query: string, token = seed.tokens.lvAnalyst): Promise<Listed> => {
    const res = await get(`/api/notices${query}`, token);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<Listed>();
  };
  /** The notices listed, as "start kind status" in the register's order. */
  const starts = (l: Listed) => l.items.map((n) => `${n.expectedStart} ${n.kind} ${n.status}`);

  it('lists every notice not ended by default, by start, with its status on the picture’s day', async () => {
    const all = await list('');
    expect(all.today).toBe(TODAY);
    expect(all.leadDays).toBe(30);
    expect(all.total).toBe(4);
    expect(starts(all)).toEqual([
      '2026-04-05 shortage active',
      '2026-05-01 sales_stop upcoming',
      '2026-05-04 sales_stop upcoming',
      '2026-08-01 shortage later',
    ]);
    const corrected = all.items.find((n) => n.expectedStart === '2026-05-04')!;
    // The current version is the correction; the two months count from the first notification.
    expect(corrected).toMatchObject({
      corrections: 1,
      late: false,
      expectedEnd: '2026-06-30',
      firstNotifiedAt: '2026-03-02T09:00:00.000Z',
      notifiedAt: '2026-04-10T09:00:00.000Z',
    });
    expect(all.items.find((n) => n.expectedStart === '2026-05-01')).toMatchObject({
      late: true,
      corrections: 0,
      company: { id: seed.orgs.companyB },
    });
  });

  it('filters by status, kind, lateness, company, ATC and words', async () => {
    expect(starts(await list('?status=ended'))).toEqual(['2026-03-02 shortage ended']);
    expect(starts(await list('?status=active&status=upcoming'))).toEqual([
      '2026-04-05 shortage active',
      '2026-05-01 sales_stop upcoming',
      '2026-05-04 sales_stop upcoming',
    ]);
    expect(starts(await list('?kind=shortage&status=active&status=ended'))).toEqual([
      '2026-03-02 shortage ended',
      '2026-04-05 shortage active',
    ]);
    expect(starts(await list('?late=true'))).toEqual(['2026-05-01 sales_stop upcoming']);
    expect(starts(await list(`?company=${seed.orgs.companyB}`))).toEqual(['2026-05-01 sales_stop upcoming']);
    expect(starts(await list('?atc=j01'))).toEqual(['2026-04-05 shortage active']);
    expect(starts(await list('?atc=A10AE04'))).toEqual(['2026-05-01 sales_stop upcoming']);
    expect((await list(`?q=${SEED_CODES.insulin}`)).items.map((n) => n.expectedStart)).toEqual([
      '2026-05-01',
    ]);
    // Every word must match somewhere: company name and substance.
    const coA = (await list('')).items.find((n) => n.company.id === seed.orgs.companyA)!.company.name;
    expect((await list(`?q=${encodeURIComponent(`${coA.split(' ')[0]} amox`)}`)).total).toBe(1);
    // LIKE's wildcards are plain characters in a search.
    expect((await list('?q=%25')).total).toBe(0);
    expect((await list('?prioritised=false')).total).toBe(4);
  });

  it('pages through the register within a bounded page size', async () => {
    const first = await list('?limit=2');
    const second = await list('?limit=2&offset=2');
    expect(first.total).toBe(4);
    expect([...starts(first), ...starts(second)]).toEqual(starts(await list('')));
    const tooMany = await get('/api/notices?limit=501', seed.tokens.lvAnalyst);
    expect(tooMany.statusCode).toBe(400);
  });

  it('shows each notice’s corrections, oldest first, from any of its versions', async () => {
    const corrected = (await list('')).items.find((n) => n.corrections === 1)!;
    const res = await get(`/api/notices/${corrected.id}/history`, seed.tokens.lvAnalyst);
    expect(res.statusCode).toBe(200);
    const { versions } = res.json<{
      versions: {
        id: number;
        version: number;
        current: boolean;
        expectedEnd: string | null;
        notifiedAt: string;
      }[];
    }>();
    expect(versions.map((v) => [v.version, v.current, v.expectedEnd, v.notifiedAt])).toEqual([
      [0, false, null, '2026-03-02T09:00:00.000Z'],
      [1, true, '2026-06-30', '2026-04-10T09:00:00.000Z'],
    ]);
    const fromFirst = await get(`/api/notices/${versions[0]!.id}/history`, seed.tokens.lvAnalyst);
    expect(fromFirst.json()).toEqual(res.json());
    expect((await get('/api/notices/999999/history', seed.tokens.lvAnalyst)).statusCode).toBe(404);
  });

  it('shows a company its own packages’ notices only, and nothing of another’s history', async () => {
    const own = await list('', seed.tokens.companyBReporter);
    expect(starts(own)).toEqual(['2026-05-01 sales_stop upcoming']);
    expect((await list(`?company=${seed.orgs.companyA}`, seed.tokens.companyBReporter)).total).toBe(0);
    const corrected = (await list('')).items.find((n) => n.corrections === 1)!;
    const other = await get(`/api/notices/${corrected.id}/history`, seed.tokens.companyBReporter);
    expect(other.statusCode).toBe(404);
    // Everyone else with the picture sees the whole register.
    expect((await list('', seed.tokens.pharmacyReader)).total).toBe(4);
    expect((await get('/api/notices', 'no-such-token')).statusCode).toBe(401);
  });
});
