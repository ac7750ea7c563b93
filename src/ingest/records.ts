import type { IngestKind } from '../domain/report.js';
import { INGEST_KINDS } from '../domain/report.js';
import { readCsv } from './csv.reader.js';
import {
  SWEDISH_COLUMN_NAMES,
  type FieldSpec,
  type KindSpec,
  type LineContext,
  type RawValue,
} from './lines.js';
import { echo, type ProblemList } from './problems.js';
import { parseInstant, EXPECTED_INSTANT } from './values.js';

/** Lines read so far (data lines, not the header): for the receipt and the refusal. */
export interface ReadStats {
  lines: number;
}

/**
 * Validated records of a CSV report, in batches. After the first problem nothing more is yielded
 * (the report will be refused whole), but reading and checking go on to the end so that the answer
 * lists every problem (up to the cap).
 */
export async function* csvRecords<R>(
  spec: KindSpec<R>,
  bytes: AsyncIterable<Uint8Array>,
  ctx: LineContext,
  stats: ReadStats,
): AsyncGenerator<R[]> {
  const validator = spec.validator(ctx);
  const problems = ctx.problems;
  const n = spec.fields.length;
  let columns: Int32Array | undefined;
  let width = 0;
  for await (const batch of readCsv(bytes, problems)) {
    const { rows, lines, nul } = batch;
    let i = 0;
    if (columns === undefined) {
      const header = rows[0]!;
      columns = mapHeader(spec.fields, header, problems, ctx.defaultCountedAt !== undefined);
      if (problems.any) return; // without the right columns no line can be read
      width = header.length;
      i = 1;
    }
    const out: R[] = [];
    const values: RawValue[] = new Array<RawValue>(n);
    for (; i < rows.length; i++) {
      const row = rows[i]!;
      const line = lines[i]!;
      stats.lines++;
      if (row.length !== width && !onlyEmptyExtra(row, width)) {
        problems.add({
          at: line,
          field: 'csv',
          value: row.length,
          expected: `${width} fields, as in the header`,
          message: `line ${line}: has ${row.length} fields, the header has ${width}`,
        });
        continue;
      }
      for (let f = 0; f < n; f++) {
        const c = columns[f]!;
        values[f] = c >= 0 ? row[c] : undefined;
      }
      const record = validator.line(values, line, !nul);
      if (record !== undefined && !problems.any) out.push(record);
    }
    if (out.length > 0 && !problems.any) yield out;
  }
  if (columns === undefined && !problems.any) {
    problems.add({
      at: 1,
      field: 'csv',
      expected: 'a header line naming the columns',
      message: 'the file is empty',
    });
  } else if (stats.lines === 0 && !problems.any) {
    problems.add({
      at: 2,
      field: 'csv',
      expected: 'at least one line after the header',
      message: 'the report has no lines',
    });
  }
}

/** Excel sometimes ends lines with extra delimiters: "a;b;c;;" is still three fields. */
function onlyEmptyExtra(row: string[], width: number): boolean {
  if (row.length < width) return false;
  for (let i = width; i < row.length; i++) if (row[i]!.trim() !== '') return false;
  return true;
}

function normaliseHeader(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

/** For each field, its column in the file (-1 when absent). Unknown, repeated and missing columns are problems. */
function mapHeader(
  fields: readonly FieldSpec[],
  header: readonly string[],
  problems: ProblemList,
  countedAtGiven: boolean,
): Int32Array {
  const columns = new Int32Array(fields.length).fill(-1);
  const names = fields.map((f) => f.csv);
  const swedish = names.map((n) => SWEDISH_COLUMN_NAMES[n] ?? n);
  header.forEach((raw, index) => {
    const name = normaliseHeader(raw);
    if (name === '' && header.length > 1 && index === header.length - 1) return; // trailing delimiter
    // English or Swedish (issue 10 item 6).
    const english = names.indexOf(name);
    const f = english !== -1 ? english : swedish.indexOf(name);
    if (f === -1) {
      problems.add({
        at: 1,
        field: raw,
        value: raw,
        expected: `one of ${names.join(', ')} (or in Swedish ${swedish.join(', ')})`,
        message: `line 1: unknown column '${raw}'`,
        code: 'unknown_column',
        params: { columns: `${names.join(', ')} (${swedish.join(', ')})` },
      });
    } else if (columns[f] !== -1) {
      problems.add({
        at: 1,
        field: raw,
        value: raw,
        expected: 'each column once',
        message: `line 1: column '${raw}' appears twice`,
        code: 'column_twice',
      });
    } else columns[f] = index;
  });
  fields.forEach((f, i) => {
    if (!f.required || columns[i] !== -1) return;
    if (f.csv === 'counted_at' && countedAtGiven) return;
    problems.add({
      at: 1,
      field: f.csv,
      expected: `a column ${f.csv} (${f.description})`,
      message: `line 1: column '${f.csv}' is missing`,
      code: 'column_missing',
    });
  });
  return columns;
}

/** A JSON document, decoded strictly as UTF-8; problems (bad encoding, bad JSON) are added and undefined returned. */
export async function readJsonDocument(
  bytes: AsyncIterable<Uint8Array>,
  problems: ProblemList,
): Promise<unknown> {
  const chunks: Uint8Array[] = [];
  for await (const c of bytes) chunks.push(c);
  const all = Buffer.concat(chunks);
  let textValue: string;
  try {
    textValue = new TextDecoder('utf-8', { fatal: true }).decode(all);
  } catch {
    problems.add({
      at: '$',
      field: 'encoding',
      expected: 'UTF-8 text',
      message: 'the document is not UTF-8',
    });
    return undefined;
  }
  try {
    return JSON.parse(textValue) as unknown;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const position = /position (\d+)/.exec(reason);
    let at: string | number = '$';
    if (position) {
      const before = textValue.slice(0, Number(position[1]));
      at = before.split('\n').length;
    }
    problems.add({
      at,
      field: 'json',
      expected: 'a JSON document',
      message: `the document is not valid JSON: ${reason}`,
    });
    return undefined;
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** What the envelope of a JSON report says about itself. */
export interface JsonEnvelope {
  kind?: IngestKind;
  clientRef?: string;
  countedAt?: number;
}

const ENVELOPE_KEYS = ['kind', 'clientRef', 'countedAt', 'lines'];

/** Reads `{ kind?, clientRef?, countedAt?, lines: [...] }`; problems for anything else. */
export function jsonEnvelope(doc: unknown, problems: ProblemList): JsonEnvelope {
  if (!isObject(doc)) {
    problems.add({
      at: '$',
      expected: 'an object { "kind", "clientRef", "countedAt", "lines": [...] }',
      message: '$: the document is not a JSON object',
    });
    return {};
  }
  const envelope: JsonEnvelope = {};
  for (const key of Object.keys(doc)) {
    if (!ENVELOPE_KEYS.includes(key)) {
      problems.add({
        at: `$.${key}`,
        field: key,
        expected: `one of ${ENVELOPE_KEYS.join(', ')}`,
        message: `$.${key}: unknown property`,
      });
    }
  }
  if (doc.kind !== undefined) {
    if (typeof doc.kind === 'string' && (INGEST_KINDS as readonly string[]).includes(doc.kind))
      envelope.kind = doc.kind as IngestKind;
    else
      problems.add({
        at: '$.kind',
        field: 'kind',
        value: doc.kind,
        expected: `one of ${INGEST_KINDS.join(', ')}`,
        message: `$.kind: ${echo(doc.kind)} is not a report kind`,
      });
  }
  if (doc.clientRef !== undefined) {
    if (typeof doc.clientRef === 'string' && doc.clientRef.trim() !== '' && doc.clientRef.length <= 200)
      envelope.clientRef = doc.clientRef.trim();
    else
      problems.add({
        at: '$.clientRef',
        field: 'clientRef',
        value: doc.clientRef,
        expected: 'a text of 1–200 characters',
        message: '$.clientRef: not a valid reference',
      });
  }
  if (doc.countedAt !== undefined) {
    const t = typeof doc.countedAt === 'string' ? parseInstant(doc.countedAt) : undefined;
    if (t !== undefined) envelope.countedAt = t;
    else
      problems.add({
        at: '$.countedAt',
        field: 'countedAt',
        value: doc.countedAt,
        expected: EXPECTED_INSTANT,
        message: '$.countedAt: not a date and time',
      });
  }
  if (!Array.isArray(doc.lines)) {
    problems.add({
      at: '$.lines',
      field: 'lines',
      expected: 'an array of lines',
      message: '$.lines: missing or not an array',
    });
  }
  return envelope;
}

/** Validated records of a JSON report (the envelope already read), in one batch. */
export function* jsonRecords<R>(
  spec: KindSpec<R>,
  doc: unknown,
  ctx: LineContext,
  stats: ReadStats,
): Generator<R[]> {
  if (!isObject(doc) || !Array.isArray(doc.lines)) return;
  const lines: unknown[] = doc.lines;
  const validator = spec.validator(ctx);
  const problems = ctx.problems;
  const jsonNames = spec.fields.map((f) => f.json);
  const out: R[] = [];
  lines.forEach((line, i) => {
    stats.lines++;
    const base = `$.lines[${i}]`;
    if (!isObject(line)) {
      problems.add({ at: base, expected: 'an object', message: `${base}: not an object` });
      return;
    }
    let ok = true;
    for (const key of Object.keys(line)) {
      if (!jsonNames.includes(key)) {
        problems.add({
          at: `${base}.${key}`,
          field: key,
          expected: `one of ${jsonNames.join(', ')}`,
          message: `${base}.${key}: unknown property`,
        });
        ok = false;
      }
    }
    const values = jsonNames.map((name): RawValue => {
      const v = line[name];
      if (v === undefined || v === null || typeof v === 'string' || typeof v === 'number') return v;
      problems.add({
        at: `${base}.${name}`,
        field: name,
        value: v,
        expected: 'a text or a number',
        message: `${base}.${name}: not a text or a number`,
      });
      ok = false;
      return undefined;
    });
    if (!ok) return;
    const record = validator.line(values, (field) => `${base}.${field}`);
    if (record !== undefined && !problems.any) out.push(record);
  });
  if (lines.length === 0)
    problems.add({
      at: '$.lines',
      field: 'lines',
      expected: 'at least one line',
      message: '$.lines: the report has no lines',
    });
  if (out.length > 0 && !problems.any) yield out;
}
