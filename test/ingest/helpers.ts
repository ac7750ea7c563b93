import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { AppError } from '../../src/domain/errors.js';
import type { IngestKind, Reporter, ReportFormat } from '../../src/domain/report.js';
import { readCsv } from '../../src/ingest/csv.reader.js';
import { ingestReport, type IngestRequest, type Receipt } from '../../src/ingest/ingest.service.js';
import { ProblemList } from '../../src/ingest/problems.js';
import type { Store } from '../../src/store/database.js';

/** "Now" in the ingest tests: the examples are counted on 2026-03-01. */
export const NOW = new Date('2026-03-02T09:00:00Z');

/** A file from docs/examples/, as bytes. */
export function example(name: string): Buffer {
  return readFileSync(new URL(`../../docs/examples/${name}`, import.meta.url));
}

/** The reporter behind an organisation code. */
export async function reporterOf(store: Store, code: string): Promise<Reporter> {
  const o = await store.db
    .selectFrom('organisation')
    .select(['id', 'code', 'kind', 'region_code'])
    .where('code', '=', code)
    .executeTakeFirstOrThrow();
  return {
    organisationId: o.id,
    organisationCode: o.code,
    organisationKind: o.kind,
    regionCode: o.region_code,
  };
}

export async function ingest(
  store: Store,
  reporter: Reporter,
  kind: IngestKind | undefined,
  format: ReportFormat,
  body: string | Buffer | AsyncIterable<Uint8Array>,
  extra: Partial<IngestRequest> = {},
): Promise<Receipt> {
  return ingestReport(store, {
    reporter,
    kind,
    format,
    body: typeof body === 'string' ? Buffer.from(body) : body,
    now: NOW,
    ...extra,
  });
}

/** The refusal of a report: an AppError of kind invalid. */
export async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  const appError = err as AppError;
  expect(appError.kind).toBe('invalid');
  return appError;
}

/** The same bytes as a stream of small chunks: the path the CLI takes, checksum unknown up front. */
export async function* chunked(body: string | Buffer, size = 7): AsyncGenerator<Uint8Array> {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** Stock lines stored by one report. */
export async function linesOfReport(store: Store, reportId: number) {
  return store.db
    .selectFrom('stock_line as l')
    .innerJoin('stock_snapshot as s', 's.id', 'l.snapshot_id')
    .innerJoin('location as loc', 'loc.id', 's.location_id')
    .innerJoin('package as p', 'p.id', 'l.package_id')
    .select([
      'loc.code as location',
      'p.npl_pack_id as package',
      'l.quantity',
      'l.batch',
      'l.expiry',
      'l.stock_level',
      's.counted_at',
    ])
    .where('s.report_id', '=', reportId)
    .orderBy('loc.code')
    .orderBy('p.npl_pack_id')
    .orderBy('l.batch')
    .execute();
}

/** Reads CSV bytes fed in chunks of `chunkSize` bytes: every row, its line number, and the problems. */
export async function readCsvInChunks(bytes: Buffer, chunkSize = bytes.length || 1) {
  const problems = new ProblemList();
  async function* chunks() {
    for (let i = 0; i < bytes.length; i += chunkSize) yield bytes.subarray(i, i + chunkSize);
  }
  const rows: string[][] = [];
  const lines: number[] = [];
  for await (const batch of readCsv(chunks(), problems)) {
    rows.push(...batch.rows);
    lines.push(...batch.lines);
  }
  return { rows, lines, problems: problems.list() };
}
