import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { buildApp, type App } from '../../src/api/app.js';
import type { IngestKind } from '../../src/domain/report.js';
import type { Db, Store } from '../../src/store/database.js';
import { DEMO_PERSONAS } from '../../data/generate.js';
import { loadSweden } from '../../data/load.js';
import { describeEach, testBackends } from '../support/databases.js';

/**
 * Issue 10 item 6: every example in docs/examples/ is accepted by the demo (synthetic Sweden, with
 * the codes the generator reserves for the examples: data/examples.ts) when the demo persona whose
 * report it is sends it through the API, as the Rapporter page does; its lines are stored as that
 * persona's organisation's. The files are read from the folder, so an example nobody sends fails here.
 * (The Rapporter page's own examples, its templates, are sent back by test/api/report-templates.spec.ts.)
 */

/** Where an example goes: a report kind (the Rapporter page's choice) or a master-data register. */
type Route =
  | 'reports/stock-snapshots'
  | 'reports/stock-differences'
  | 'reports/sales'
  | 'reports/expected-deliveries'
  | 'reports/shortage-notices'
  | 'registers/organisations'
  | 'registers/locations';

/** Who sends each example in the demo (README, "Examples and who sends them"). */
const SENDERS: Readonly<Record<string, { token: string; route: Route }>> = {
  'organisations.csv': { token: 'demo-lv', route: 'registers/organisations' },
  'locations.csv': { token: 'demo-lv', route: 'registers/locations' },
  'stock-snapshot.csv': { token: 'demo-apotek', route: 'reports/stock-snapshots' },
  'stock-snapshot-sv.csv': { token: 'demo-apotek', route: 'reports/stock-snapshots' },
  'stock-snapshot-excel.csv': { token: 'demo-apotek', route: 'reports/stock-snapshots' },
  'stock-snapshot.json': { token: 'demo-apotek', route: 'reports/stock-snapshots' },
  'stock-snapshot.fhir.json': { token: 'demo-apotek', route: 'reports/stock-snapshots' },
  'stock-difference.csv': { token: 'demo-apotek', route: 'reports/stock-differences' },
  'stock-difference.fhir.json': { token: 'demo-apotek', route: 'reports/stock-differences' },
  'sales.csv': { token: 'demo-apotek', route: 'reports/sales' },
  'sales.json': { token: 'demo-apotek', route: 'reports/sales' },
  'sales-channels.csv': { token: 'demo-region-01', route: 'reports/sales' },
  'expected-deliveries.csv': { token: 'demo-foretag', route: 'reports/expected-deliveries' },
  'shortage-notices.csv': { token: 'demo-foretag', route: 'reports/shortage-notices' },
  'shortage-notices.json': { token: 'demo-foretag', route: 'reports/shortage-notices' },
};

const EXAMPLES = new URL('../../docs/examples/', import.meta.url);
const FILES = readdirSync(EXAMPLES).sort();

/** The demo's day: the examples count stock on 2026-03-01, after the demo's own counts that morning. */
const DEMO_TODAY = '2026-03-01';
/** When the examples are sent (test/ingest/helpers.ts NOW): their deliveries and notices lie ahead. */
const SENT_AT = new Date('2026-03-02T09:00:00Z');

/** How many facts a file holds: CSV lines after the header, JSON `lines`, FHIR listed items. */
function factsIn(name: string, bytes: Buffer): number {
  const text = bytes.toString('utf8');
  if (name.endsWith('.csv')) return text.split(/\r?\n/).filter((l) => l.trim() !== '').length - 1;
  const doc = JSON.parse(text) as { lines?: unknown[]; inventoryListing?: { item: unknown[] }[] };
  if (doc.lines) return doc.lines.length;
  return (doc.inventoryListing ?? []).reduce((n, l) => n + l.item.length, 0);
}

/** The facts a report stored, and whose report it is. */
async function stored(db: Db, kind: IngestKind, reportId: number) {
  // A count is bigint text from PostgreSQL, a number from PGlite.
  const count = async (): Promise<string | number> => {
    switch (kind) {
      case 'stock_snapshot':
        return (
          await db
            .selectFrom('stock_line as l')
            .innerJoin('stock_snapshot as s', 's.id', 'l.snapshot_id')
            .select((eb) => eb.fn.countAll<string | number>().as('n'))
            .where('s.report_id', '=', reportId)
            .executeTakeFirstOrThrow()
        ).n;
      case 'stock_difference':
      case 'sales':
      case 'expected_delivery':
      case 'shortage_notice': {
        const table = {
          stock_difference: 'stock_difference_line',
          sales: 'sales',
          expected_delivery: 'expected_delivery',
          shortage_notice: 'shortage_notice',
        } as const;
        return (
          await db
            .selectFrom(table[kind])
            .select((eb) => eb.fn.countAll<string | number>().as('n'))
            .where('report_id', '=', reportId)
            .executeTakeFirstOrThrow()
        ).n;
      }
    }
  };
  const report = await db
    .selectFrom('report as r')
    .innerJoin('organisation as o', 'o.id', 'r.organisation_id')
    .select(['o.code', 'r.status'])
    .where('r.id', '=', reportId)
    .executeTakeFirstOrThrow();
  return { lines: Number(await count()), organisation: report.code, status: report.status };
}

describeEach(testBackends())('docs/examples/ sent to the demo by its personas on $name', (backend) => {
  let store: Store;
  let app: App;

  beforeAll(async () => {
    store = await backend.open();
    await loadSweden(store, { scale: 0.02, seed: 42, today: DEMO_TODAY });
    // Only Date is frozen (at the morning the examples are sent); timers run as usual.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(SENT_AT);
    app = await buildApp({ store, webDir: '/nonexistent' });
  }, 180_000);
  afterAll(async () => {
    vi.useRealTimers();
    await app?.close();
    await store?.close();
  });

  it('names a demo persona that may send it for every file in docs/examples/, and no other file', () => {
    expect(FILES.length).toBeGreaterThan(0);
    expect(FILES.filter((f) => SENDERS[f] === undefined)).toEqual([]);
    expect(Object.keys(SENDERS).filter((f) => !FILES.includes(f))).toEqual([]);
    for (const { token } of Object.values(SENDERS))
      expect(DEMO_PERSONAS.find((p) => p.token === token)?.role).toMatch(/^(reporter|coordinator|admin)$/);
  });

  for (const file of FILES) {
    it(`accepts ${file} from the persona whose report it is, and stores each of its lines`, async () => {
      const sender = SENDERS[file];
      expect(
        sender,
        `no demo persona sends docs/examples/${file}: add it to SENDERS and the README`,
      ).toBeDefined();
      if (!sender) return;
      const persona = DEMO_PERSONAS.find((p) => p.token === sender.token);
      expect(persona).toBeDefined();
      const bytes = readFileSync(new URL(file, EXAMPLES));
      const facts = factsIn(file, bytes);
      expect(facts).toBeGreaterThan(0);
      const send = () =>
        app.inject({
          method: 'POST',
          url: `/api/${sender.route}?fileName=${encodeURIComponent(file)}`,
          headers: {
            authorization: `Bearer ${sender.token}`,
            'content-type': file.endsWith('.json') ? 'application/json' : 'text/csv',
          },
          payload: bytes,
        });

      if (sender.route.startsWith('registers/')) {
        // Matched by organisation number or location code: the rows the demo already holds are left
        // as they are (the demo holds them as the file says), the others are created.
        const codes = bytes
          .toString('utf8')
          .trimEnd()
          .split(/\r?\n/)
          .slice(1)
          .map((l) => l.split(',')[sender.route === 'registers/organisations' ? 1 : 0] ?? '');
        const table = sender.route === 'registers/organisations' ? 'organisation' : 'location';
        const known = async () =>
          (await store.db.selectFrom(table).select('code').where('code', 'in', codes).execute()).length;
        const before = await known();
        const res = await send();
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json()).toMatchObject({
          rows: facts,
          created: facts - before,
          updated: 0,
          unchanged: before,
          closed: 0,
        });
        expect(await known()).toBe(facts);
        return;
      }

      const res = await send();
      expect(res.statusCode, res.body).toBe(201);
      const receipt = res.json<{ id: number; kind: IngestKind; status: string; lineCount: number }>();
      expect(receipt).toMatchObject({ status: 'accepted', lineCount: facts, problemCount: 0 });
      expect(await stored(store.db, receipt.kind, receipt.id)).toEqual({
        lines: facts,
        organisation: persona?.organisationCode,
        status: 'accepted',
      });
    });
  }
});
