import fc from 'fast-check';
import { sql } from 'kysely';
import type { App } from '../../src/api/app.js';
import { addDays, calendarDateInSweden } from '../../src/domain/calendar.js';
import { FHIR_SYSTEMS } from '../../src/ingest/fhir.js';
import { KIND_SPECS } from '../../src/ingest/lines.js';
import type { Db } from '../../src/store/database.js';
import { SEED_CODES, type MinimalSeed } from './seed.js';

/*
 * Property-based fuzzing of POST /api/reports (issue 11 item 1), shared by test/api/input-fuzz.spec.ts
 * (a few thousand cases) and bench/fuzz.ts (100,000). A case is a report of every kind and format that
 * starts valid for the minimal seed (test/support/seed.ts) and is then mutated: a hostile value in a
 * field (NUL, lone surrogates, huge or negative numbers, years 0099 and 9999, deep JSON), a random node
 * of the JSON or FHIR document replaced, bytes flipped, a hostile file name or client reference, a
 * wrong content type or persona. Nothing may answer 5xx, and afterwards the database must hold exactly
 * the reports that got a 2xx receipt, each with exactly the lines its receipt counts.
 */

type Kind = keyof typeof KIND_SPECS;
type Line = Record<string, string | number | null>;
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const PATH_OF: Record<Kind, string> = {
  stock_snapshot: 'stock-snapshots',
  stock_difference: 'stock-differences',
  sales: 'sales',
  expected_delivery: 'expected-deliveries',
  shortage_notice: 'shortage-notices',
};

/** One request of the fuzz run. */
export interface FuzzCase {
  kind: Kind;
  format: 'csv' | 'json' | 'fhir';
  method: 'POST';
  url: string;
  headers: Record<string, string>;
  body: Buffer;
  /** What was done to the valid report, for the histogram and for a failure's message. */
  mutation: string;
}

/** Texts a hostile reporter sends; each reached a 500 or a wrong value before issue 11. */
const HOSTILE_TEXTS = [
  '\u0000',
  'a\u0000',
  '\u0000SE-APO-0001',
  '\ud800',
  'x\udc00y',
  '\ud83d',
  '😀',
  '1e30',
  '-1e29',
  '1e308',
  '-0',
  'NaN',
  'Infinity',
  '0x10',
  '1 000 000 000 000 000 000',
  '999999999999999999999',
  '12,5',
  '0099-12-31',
  '0000-01-01',
  '1899-12-31',
  '9999-12-31',
  '2999-01-01',
  '0099-12-31T06:00:00Z',
  '9999-12-31T23:59:59Z',
  '2026-02-30',
  '2026-13',
  '',
  ' ',
  '"',
  '""',
  ';',
  ',',
  '\n',
  '\r\n',
  '\\',
  '../../etc/passwd',
  '%00',
  '<script>',
  "'; DROP TABLE report; --",
  'x'.repeat(5000),
];

const hostileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_TEXTS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.double().map(String) },
  { weight: 1, arbitrary: fc.bigInt().map(String) },
);

/** JSON nested `depth` deep (the issue's 5,000, and more), as text spliced into a document. */
const DEEP = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

/** A JSON value a hostile document carries where a text or number belongs. */
const hostileJson: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: hostileText },
  { weight: 2, arbitrary: fc.double() },
  {
    weight: 1,
    arbitrary: fc.constantFrom<Json>(1e30, -1e29, 1e308, -1e308, 5e-324, 2 ** 53 + 1, true, false, null),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> },
  { weight: 1, arbitrary: fc.constantFrom<Json>([], {}, [[[]]], { lines: [] }) },
);

/** A marker replaced by deep JSON after serialising (JSON.stringify cannot nest 5,000 deep cheaply). */
const DEEP_MARKER = '__fuzz_deep__';

const NOW = Date.now();
const TODAY = calendarDateInSweden(new Date(NOW));

const pastInstant = fc
  .integer({ min: 1, max: 400 * 24 * 60 })
  .map((minutes) => new Date(NOW - minutes * 60_000).toISOString());
const pastDay = fc.integer({ min: 0, max: 300 }).map((d) => addDays(TODAY, -d));
const futureDay = fc.integer({ min: 1, max: 600 }).map((d) => addDays(TODAY, d));
const batch = fc.option(fc.stringMatching(/^[A-Z0-9-]{1,12}$/), { nil: null });

const APO_LOCATIONS = [SEED_CODES.pharmacy1, SEED_CODES.pharmacy2];
const ALL_PACKAGES = [SEED_CODES.paracetamol, SEED_CODES.amoxicillin, SEED_CODES.insulin];
const CO_A_PACKAGES = [SEED_CODES.paracetamol, SEED_CODES.amoxicillin];

/** Valid lines of each kind for the seed's reporters (APO for stock and sales, CO-A for the rest). */
function validLines(kind: Kind): fc.Arbitrary<Line[]> {
  switch (kind) {
    case 'stock_snapshot':
    case 'stock_difference': {
      const difference = kind === 'stock_difference';
      return fc
        .record({
          countedAt: pastInstant,
          keys: fc.uniqueArray(
            fc.tuple(fc.constantFrom(...APO_LOCATIONS), fc.constantFrom(...ALL_PACKAGES)),
            { minLength: 1, maxLength: 5, selector: ([l, p]) => `${l}|${p}` },
          ),
          quantities: fc.array(
            difference
              ? fc.integer({ min: -500, max: 500 })
              : fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.constant(12.5)),
            { minLength: 5, maxLength: 5 },
          ),
          batches: fc.array(batch, { minLength: 5, maxLength: 5 }),
          expiries: fc.array(fc.option(futureDay, { nil: null }), { minLength: 5, maxLength: 5 }),
          levels: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 5, maxLength: 5 }),
        })
        .map((r) =>
          r.keys.map(([location, pkg], i) => ({
            location,
            package: pkg,
            quantity: r.quantities[i]!,
            batch: r.batches[i]!,
            expiry: r.expiries[i]!,
            stockLevel: r.levels[i]!,
            countedAt: r.countedAt,
          })),
        );
    }
    case 'sales':
      return fc
        .uniqueArray(fc.tuple(pastDay, fc.constantFrom(...ALL_PACKAGES), fc.integer({ min: 0, max: 900 })), {
          minLength: 1,
          maxLength: 5,
          selector: ([d, p]) => `${d}|${p}`,
        })
        .map((rows) =>
          rows.map(([date, pkg, quantity]) => ({
            date,
            location: SEED_CODES.pharmacy1,
            package: pkg,
            quantity,
          })),
        );
    case 'expected_delivery':
      return fc
        .uniqueArray(
          fc.tuple(fc.constantFrom(...CO_A_PACKAGES), futureDay, fc.integer({ min: 0, max: 10_000 })),
          { minLength: 1, maxLength: 4, selector: ([p, d]) => `${p}|${d}` },
        )
        .map((rows) => rows.map(([pkg, expectedOn, quantity]) => ({ package: pkg, quantity, expectedOn })));
    case 'shortage_notice':
      return fc
        .uniqueArray(
          fc.record({
            type: fc.constantFrom('shortage', 'sales_stop'),
            package: fc.constantFrom(...CO_A_PACKAGES),
            start: fc.integer({ min: 1, max: 400 }),
            length: fc.option(fc.integer({ min: 0, max: 200 }), { nil: null }),
            reason: fc.option(fc.string({ maxLength: 30 }), { nil: null }),
            reference: fc.option(fc.stringMatching(/^N-[0-9]{1,6}$/), { nil: null }),
          }),
          { minLength: 1, maxLength: 3, selector: (n) => n.reference ?? `${n.type}|${n.package}|${n.start}` },
        )
        .map((rows) =>
          rows.map((n) => ({
            type: n.type,
            package: n.package,
            expectedStart: addDays(TODAY, n.start),
            expectedEnd: n.length === null ? null : addDays(TODAY, n.start + n.length),
            reason: n.reason,
            reference: n.reference,
          })),
        );
  }
}

function csvCell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",;\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function toCsv(kind: Kind, lines: Line[], delimiter: ',' | ';'): string {
  const fields = KIND_SPECS[kind].fields;
  const rows = [fields.map((f) => f.csv).join(delimiter)];
  for (const line of lines) rows.push(fields.map((f) => csvCell(line[f.json])).join(delimiter));
  return `${rows.join('\n')}\n`;
}

function toJsonDoc(kind: Kind, lines: Line[], clientRef: string | null): Json {
  return {
    kind,
    ...(clientRef !== null ? { clientRef } : {}),
    lines: lines.map((l) => Object.fromEntries(Object.entries(l).filter(([, v]) => v !== null))),
  };
}

function toFhirDoc(kind: 'stock_snapshot' | 'stock_difference', lines: Line[]): Json {
  const contained: Json[] = [];
  const byLocation = new Map<string, { countedAt: string; items: Json[] }>();
  lines.forEach((l, i) => {
    const coding = [{ system: FHIR_SYSTEMS.nplPackId, code: String(l.package) }];
    let item: Json;
    if (l.batch !== null || l.expiry !== null) {
      contained.push({
        resourceType: 'InventoryItem',
        id: `i${i}`,
        status: 'active',
        code: [{ coding }],
        instance: {
          ...(l.batch !== null ? { lotNumber: l.batch } : {}),
          ...(l.expiry !== null ? { expiry: l.expiry } : {}),
        },
      });
      item = { reference: { reference: `#i${i}` } };
    } else item = { concept: { coding } };
    const key = `${String(l.location)}`;
    const listing = byLocation.get(key) ?? { countedAt: String(l.countedAt), items: [] };
    listing.items.push({ quantity: { value: l.quantity ?? null, unit: 'förpackning' }, item });
    byLocation.set(key, listing);
  });
  return {
    resourceType: 'InventoryReport',
    ...(contained.length > 0 ? { contained } : {}),
    status: 'active',
    countType: kind === 'stock_snapshot' ? 'snapshot' : 'difference',
    reportedDateTime: new Date(NOW).toISOString(),
    inventoryListing: [...byLocation.entries()].map(([code, listing]) => ({
      location: { identifier: { system: FHIR_SYSTEMS.locationCode, value: code } },
      countingDateTime: listing.countedAt,
      item: listing.items,
    })),
  };
}

/** Every path to a node of a JSON document (for replacing one at random). */
function paths(doc: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(prefix);
  if (Array.isArray(doc)) doc.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (doc !== null && typeof doc === 'object')
    for (const [k, v] of Object.entries(doc)) paths(v, [...prefix, k], out);
  return out;
}

function replaceAt(doc: Json, path: (string | number)[], value: Json): Json {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (Array.isArray(doc)) return doc.map((v, i) => (i === head ? replaceAt(v, rest, value) : v));
  if (doc !== null && typeof doc === 'object')
    return { ...doc, [head as string]: replaceAt(doc[head as string] ?? null, rest, value) };
  return doc;
}

/** Bytes replaced, inserted or removed at random places. */
function flipBytes(body: Buffer, edits: [number, number, number][]): Buffer {
  let out = Buffer.from(body);
  for (const [where, byte, op] of edits) {
    const i = out.length === 0 ? 0 : where % out.length;
    if (op === 0 && out.length > 0) out[i] = byte;
    else if (op === 1) out = Buffer.concat([out.subarray(0, i), Buffer.from([byte]), out.subarray(i)]);
    else out = Buffer.concat([out.subarray(0, i), out.subarray(i + 1)]);
  }
  return out;
}

/** A text as the query string carries it: percent-encoded byte by byte (lone surrogates as WTF-8). */
function queryText(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff && !(c <= 0xdbff && /[\udc00-\udfff]/.test(s[i + 1] ?? ''))) {
      out += `%${(0xe0 | (c >> 12)).toString(16)}%${(0x80 | ((c >> 6) & 0x3f)).toString(16)}%${(0x80 | (c & 0x3f)).toString(16)}`;
      continue;
    }
    out += encodeURIComponent(c >= 0xd800 && c <= 0xdbff ? s.slice(i, ++i + 1) : s[i]!);
  }
  return out;
}

const FORMATS_OF: Record<Kind, readonly ('csv' | 'json' | 'fhir')[]> = {
  stock_snapshot: ['csv', 'json', 'fhir'],
  stock_difference: ['csv', 'json', 'fhir'],
  sales: ['csv', 'json'],
  expected_delivery: ['csv', 'json'],
  shortage_notice: ['csv', 'json'],
};

const CONTENT_TYPE = { csv: 'text/csv', json: 'application/json', fhir: 'application/fhir+json' } as const;

/** The arbitrary of fuzz cases: every kind and format, valid or mutated. */
export function fuzzCases(seed: MinimalSeed): fc.Arbitrary<FuzzCase> {
  const kinds = Object.keys(PATH_OF) as Kind[];
  const tokenOf = (kind: Kind) =>
    kind === 'stock_snapshot' || kind === 'stock_difference' || kind === 'sales'
      ? seed.tokens.pharmacyReporter
      : seed.tokens.companyAReporter;
  const otherTokens = Object.values(seed.tokens).concat(['tok-nobody']);
  return fc
    .constantFrom(...kinds)
    .chain((kind) =>
      fc.record({
        kind: fc.constant(kind),
        format: fc.constantFrom(...FORMATS_OF[kind]),
        lines: validLines(kind),
        delimiter: fc.constantFrom<',' | ';'>(',', ';'),
        clientRef: fc.option(fc.stringMatching(/^R-[0-9]{1,5}$/), { nil: null }),
        mutation: fc.oneof(
          { weight: 3, arbitrary: fc.constant({ type: 'none' as const }) },
          {
            weight: 4,
            arbitrary: fc.record({
              type: fc.constant('value' as const),
              line: fc.nat(),
              field: fc.nat(),
              text: hostileText,
              json: hostileJson,
              asJson: fc.boolean(),
            }),
          },
          {
            weight: 3,
            arbitrary: fc.record({ type: fc.constant('node' as const), pick: fc.nat(), json: hostileJson }),
          },
          {
            weight: 1,
            arbitrary: fc.record({
              type: fc.constant('deep' as const),
              pick: fc.nat(),
              depth: fc.constantFrom(64, 1000, 5000, 20_000),
            }),
          },
          {
            weight: 2,
            arbitrary: fc.record({
              type: fc.constant('bytes' as const),
              edits: fc.array(
                fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 2 })),
                {
                  minLength: 1,
                  maxLength: 6,
                },
              ),
            }),
          },
          {
            weight: 2,
            arbitrary: fc.record({
              type: fc.constant('query' as const),
              name: fc.constantFrom('fileName', 'clientRef', 'countedAt'),
              text: hostileText,
            }),
          },
          {
            weight: 1,
            arbitrary: fc.record({
              type: fc.constant('request' as const),
              contentType: fc.constantFrom(
                'text/csv',
                'application/json',
                'application/fhir+json',
                'text/plain; charset=latin1',
                'application/xml',
                'multipart/form-data',
                '',
              ),
              token: fc.constantFrom(...otherTokens),
              path: fc.constantFrom(...Object.values(PATH_OF), 'inventory-reports', '..%2f..%2fx', 'stock'),
            }),
          },
        ),
      }),
    )
    .map((c): FuzzCase => {
      const { kind, format, mutation } = c;
      let lines = c.lines;
      let path = PATH_OF[kind];
      let contentType: string = CONTENT_TYPE[format];
      let token = tokenOf(kind);
      const query: string[] = [];
      let label: string = mutation.type;
      if (mutation.type === 'value') {
        const fields = KIND_SPECS[kind].fields;
        const li = mutation.line % lines.length;
        const field = fields[mutation.field % fields.length]!;
        const value = format === 'csv' || !mutation.asJson ? mutation.text : mutation.json;
        lines = lines.map((l, i) => (i === li ? { ...l, [field.json]: value as string } : l));
        label = `value:${field.json}`;
      }
      let body: Buffer;
      if (format === 'csv') body = Buffer.from(toCsv(kind, lines, c.delimiter));
      else {
        let doc =
          format === 'fhir'
            ? toFhirDoc(kind as 'stock_snapshot' | 'stock_difference', lines)
            : toJsonDoc(kind, lines, c.clientRef);
        if (mutation.type === 'node' || mutation.type === 'deep') {
          const all = paths(doc);
          const at = all[mutation.pick % all.length]!;
          doc = replaceAt(doc, at, mutation.type === 'node' ? mutation.json : DEEP_MARKER);
          label = `${mutation.type}:${at.filter((p) => typeof p === 'string').pop() ?? '$'}`;
        }
        let text = JSON.stringify(doc);
        if (mutation.type === 'deep') text = text.replace(`"${DEEP_MARKER}"`, DEEP(mutation.depth));
        body = Buffer.from(text);
      }
      if (mutation.type === 'deep' && format === 'csv')
        body = Buffer.concat([body, Buffer.from(`${DEEP(mutation.depth)}\n`)]);
      if (mutation.type === 'bytes') body = flipBytes(body, mutation.edits);
      if (mutation.type === 'query') {
        query.push(`${mutation.name}=${queryText(mutation.text)}`);
        label = `query:${mutation.name}`;
      }
      if (c.clientRef !== null && format === 'csv') query.push(`clientRef=${c.clientRef}`);
      if (mutation.type === 'request') {
        contentType = mutation.contentType;
        token = mutation.token;
        path = mutation.path;
      }
      return {
        kind,
        format,
        method: 'POST',
        url: `/api/reports/${path}${query.length > 0 ? `?${query.join('&')}` : ''}`,
        headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
        body,
        mutation: label,
      };
    });
}

/** What a run answered: cases, statuses, the 5xx, and every receipt given. */
export class FuzzLedger {
  cases = 0;
  readonly statuses = new Map<number, number>();
  readonly serverErrors: { c: FuzzCase; status: number; body: string }[] = [];
  /** Receipt id → its summary, from every 2xx answer. */
  readonly receipts = new Map<number, { kind: string; summary: Record<string, number> }>();
  /** Replays (200) that named a receipt this run never gave. */
  readonly strayReplays: number[] = [];

  record(c: FuzzCase, status: number, body: string): void {
    this.cases++;
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    if (status >= 500) this.serverErrors.push({ c, status, body: body.slice(0, 500) });
    if (status === 201) {
      const r = JSON.parse(body) as { id: number; kind: string; summary: Record<string, number> };
      this.receipts.set(r.id, { kind: r.kind, summary: r.summary });
    } else if (status === 200) {
      const r = JSON.parse(body) as { id: number };
      if (!this.receipts.has(r.id)) this.strayReplays.push(r.id);
    }
  }

  /** `201: 812, 400: 2301, …`, by status. */
  histogram(): string {
    return [...this.statuses.entries()]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}: ${n}`)
      .join(', ');
  }

  get fiveXX(): number {
    let n = 0;
    for (const [s, count] of this.statuses) if (s >= 500) n += count;
    return n;
  }
}

/** Sends one case through the app (Fastify inject) and records its answer. */
export async function sendCase(app: App, ledger: FuzzLedger, c: FuzzCase): Promise<number> {
  const res = await app.inject({ method: c.method, url: c.url, headers: c.headers, payload: c.body });
  ledger.record(c, res.statusCode, res.body);
  return res.statusCode;
}

/**
 * Where the database and the receipts disagree (empty when they agree): every 2xx receipt is one
 * accepted report with exactly the lines its receipt counts, and no other report holds an accepted
 * row or a line.
 */
export async function storeMismatches(db: Db, ledger: FuzzLedger): Promise<string[]> {
  const out: string[] = [];
  const accepted = await db.selectFrom('report').select(['id']).where('status', '=', 'accepted').execute();
  const acceptedIds = new Set(accepted.map((r) => Number(r.id)));
  for (const id of acceptedIds)
    if (!ledger.receipts.has(id)) out.push(`report ${id} is stored but was never receipted`);
  for (const id of ledger.receipts.keys())
    if (!acceptedIds.has(id)) out.push(`receipt ${id} is not stored as accepted`);
  for (const id of ledger.strayReplays)
    out.push(`a replay answered with receipt ${id}, never given in this run`);
  const counted = await sql<{ report_id: string; n: string }>`
    SELECT report_id, count(*) AS n FROM (
      SELECT s.report_id FROM stock_line l JOIN stock_snapshot s ON s.id = l.snapshot_id
      UNION ALL SELECT report_id FROM stock_difference_line
      UNION ALL SELECT report_id FROM sales
      UNION ALL SELECT report_id FROM expected_delivery
      UNION ALL SELECT report_id FROM shortage_notice WHERE report_id IS NOT NULL
    ) facts GROUP BY report_id`.execute(db);
  const linesOf = new Map(counted.rows.map((r) => [Number(r.report_id), Number(r.n)]));
  for (const [id, n] of linesOf)
    if (!ledger.receipts.has(id)) out.push(`report ${id} has ${n} stored lines but no receipt`);
  for (const [id, receipt] of ledger.receipts) {
    const expected = receipt.summary.lines ?? receipt.summary.notices ?? 0;
    const stored = linesOf.get(id) ?? 0;
    if (stored !== expected)
      out.push(`receipt ${id} (${receipt.kind}) counts ${expected} lines, ${stored} are stored`);
  }
  return out;
}
