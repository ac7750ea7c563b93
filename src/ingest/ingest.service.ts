import { createHash, randomUUID } from 'node:crypto';
import { AppError } from '../domain/errors.js';
import { INGEST_KINDS, type IngestKind, type Reporter, type ReportFormat } from '../domain/report.js';
import type { Store } from '../store/database.js';
import {
  completeReport,
  findAcceptedReport,
  insertRejectedReport,
  insertReport,
  type ReportRow,
} from '../store/report.repository.js';
import { catalogueFor } from './catalogue.js';
import { EXPECTED_TEXT, unstorableCharacter } from './values.js';
import { fhirEnvelope, fhirStockRecords } from './fhir.js';
import { KIND_SPECS, type KindSpec, type LineContext, type StockRecord } from './lines.js';
import { ProblemList } from './problems.js';
import {
  csvRecords,
  isObject,
  jsonEnvelope,
  jsonRecords,
  readJsonDocument,
  type ReadStats,
} from './records.js';
import {
  writeExpectedDeliveries,
  writeSales,
  writeShortageNotices,
  writeStockDifference,
  writeStockSnapshot,
  type Summary,
  type WriteContext,
} from './writers.js';

/** One report to take in. */
export interface IngestRequest {
  reporter: Reporter;
  /** From the route or the CLI; when absent, from the content (JSON `kind`, FHIR `countType`). */
  kind?: IngestKind | undefined;
  format: ReportFormat;
  /** The whole body (API), or a stream of it (CLI files of any size). */
  body: Uint8Array | AsyncIterable<Uint8Array>;
  /** The reporter's own id of the report (Idempotency-Key); JSON `clientRef` or FHIR `identifier` also serve. */
  clientRef?: string | undefined;
  /** counted_at for stock lines that do not carry one (epoch ms). */
  countedAt?: number | undefined;
  fileName?: string | undefined;
  /** The API token that sent it (none for the CLI operator). */
  tokenId?: number | undefined;
  /** Time of receipt; defaults to the clock. */
  now?: Date | undefined;
  /** Called with the bytes read so far (the CLI's progress bar). */
  onProgress?: ((bytesRead: number) => void) | undefined;
}

/** What a reporter gets back for an accepted report. */
export interface Receipt {
  id: number;
  kind: IngestKind;
  format: string;
  status: 'accepted' | 'rejected';
  organisationId: number;
  clientRef: string | null;
  /** SHA-256 of the bytes as sent. */
  contentSha256: string;
  lineCount: number;
  /** Counts per kind, e.g. `{ locations: 2, lines: 340 }`. */
  summary: Summary;
  warnings: { at?: string | number; field?: string; value?: unknown; message: string }[];
  problems: {
    at?: string | number;
    field?: string;
    value?: unknown;
    valueLength?: number;
    expected?: string;
    message: string;
  }[];
  problemCount: number;
  byteCount: number | null;
  fileName: string | null;
  receivedAt: string;
  /** True when this is the receipt of an earlier, identical report: nothing was counted again. */
  replayed: boolean;
}

export function toReceipt(row: ReportRow, replayed = false): Receipt {
  return {
    id: row.id,
    kind: row.kind as IngestKind,
    format: row.format,
    status: row.status,
    organisationId: row.organisation_id,
    clientRef: row.client_ref,
    contentSha256: row.content_sha256,
    lineCount: row.line_count,
    summary: row.summary,
    warnings: row.warnings,
    problems: row.problems,
    problemCount: row.problem_count,
    byteCount: row.byte_count,
    fileName: row.file_name,
    receivedAt: new Date(row.received_at).toISOString(),
    replayed,
  };
}

/** Thrown inside the transaction when an identical report turns out to be there already: roll back, answer with its receipt. */
class AlreadyReceived extends Error {
  constructor(readonly existing: ReportRow) {
    super(`report ${existing.id} was already received`);
  }
}

function isForeignKeyViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23503';
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505';
}

const SLICE = 1 << 20;

async function* slices(body: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < body.length; i += SLICE) yield body.subarray(i, Math.min(body.length, i + SLICE));
}

/** The bytes of the body, hashed and counted as they pass. */
class Intake {
  private readonly hash = createHash('sha256');
  bytes = 0;
  finished = false;

  constructor(
    private readonly body: Uint8Array | AsyncIterable<Uint8Array>,
    private readonly onProgress?: (bytes: number) => void,
  ) {}

  async *stream(): AsyncGenerator<Uint8Array> {
    const source = this.body instanceof Uint8Array ? slices(this.body) : this.body;
    for await (const chunk of source) {
      this.hash.update(chunk);
      this.bytes += chunk.length;
      this.onProgress?.(this.bytes);
      yield chunk;
    }
    this.finished = true;
  }

  /** SHA-256 of everything read; `partial:` in front when reading stopped early (a refused report). */
  digest(): string {
    this.hex ??= this.hash.digest('hex');
    return this.finished ? this.hex : `partial:${this.hex}`;
  }

  private hex: string | undefined;
}

function knownDigest(body: Uint8Array | AsyncIterable<Uint8Array>): string | undefined {
  return body instanceof Uint8Array ? createHash('sha256').update(body).digest('hex') : undefined;
}

/**
 * Takes in one report: reads and validates every line, and stores it whole in one transaction, or
 * refuses it whole with every problem listed (and keeps a 'rejected' row so the reporter sees it).
 * Idempotent: the same client reference or the same content (same organisation and kind) answers
 * with the first receipt and stores nothing again, also when both arrive at once.
 */
export async function ingestReport(store: Store, req: IngestRequest): Promise<Receipt> {
  refuseUnstorable('clientRef', req.clientRef);
  refuseUnstorable('fileName', req.fileName);
  const now = req.now ?? new Date();
  const problems = new ProblemList();
  const warnings = new ProblemList(200);
  const stats: ReadStats = { lines: 0 };
  const knownSha = knownDigest(req.body);
  const intake = new Intake(req.body, req.onProgress);
  const bytes = intake.stream();

  // JSON and FHIR are read whole first: their envelope names the kind and the client reference.
  let doc: unknown;
  let kind = req.kind;
  let clientRef = req.clientRef?.trim() || undefined;
  let defaultCountedAt = req.countedAt;
  let format = req.format;
  if (format !== 'csv') {
    doc = await readJsonDocument(bytes, problems);
    // Many FHIR clients send application/json: a resourceType says what it is.
    if (format === 'json' && isObject(doc) && 'resourceType' in doc) format = 'fhir';
    if (!problems.any) {
      const envelope = format === 'fhir' ? fhirEnvelope(doc, problems) : jsonEnvelope(doc, problems);
      const where = format === 'fhir' ? '$.countType' : '$.kind';
      if (envelope.kind && kind && envelope.kind !== kind) {
        problems.add({
          at: where,
          field: where.slice(2),
          value: envelope.kind,
          expected: kind,
          message: `${where}: the document is a ${envelope.kind} report, sent as ${kind}`,
        });
      }
      kind ??= envelope.kind;
      if (envelope.clientRef && clientRef && envelope.clientRef !== clientRef) {
        problems.add({
          at: '$',
          field: 'clientRef',
          value: envelope.clientRef,
          expected: clientRef,
          message: `the document's own reference '${envelope.clientRef}' differs from the client reference '${clientRef}'`,
        });
      }
      const envelopeFault = envelope.clientRef ? unstorableCharacter(envelope.clientRef) : undefined;
      if (envelopeFault !== undefined) {
        const where = format === 'fhir' ? '$.identifier[0].value' : '$.clientRef';
        problems.add({
          at: where,
          field: 'clientRef',
          value: envelope.clientRef,
          expected: EXPECTED_TEXT,
          message: `${where}: the report's reference ${envelopeFault}`,
        });
      } else clientRef ??= envelope.clientRef;
      if ('countedAt' in envelope) defaultCountedAt ??= envelope.countedAt;
      if ('reportedAt' in envelope) defaultCountedAt ??= envelope.reportedAt;
    }
  }
  if (!kind) {
    if (!problems.any) {
      problems.add({
        field: 'kind',
        expected: `one of ${INGEST_KINDS.join(', ')}`,
        message: 'the kind of report is not given (and the content does not say)',
        code: 'kind_missing',
        params: { kinds: INGEST_KINDS.join(', ') },
      });
    }
    throw problems.toError('the report');
  }
  const reportKind: IngestKind = kind;
  const base = {
    kind: reportKind,
    organisationId: req.reporter.organisationId,
    format,
    receivedAt: now,
    fileName: req.fileName ?? null,
    tokenId: req.tokenId ?? null,
  };

  const refuse = async (): Promise<never> => {
    const id = await insertRejectedReport(store.db, {
      ...base,
      clientRef: clientRef ?? null,
      contentSha256: knownSha ?? intake.digest(),
      byteCount: knownSha ? (req.body as Uint8Array).length : intake.bytes,
      lineCount: stats.lines,
      problems: problems.list(),
      problemCount: problems.total,
    });
    throw problems.toError(`report ${id}`);
  };
  if (format === 'fhir' && reportKind !== 'stock_snapshot' && reportKind !== 'stock_difference') {
    problems.add({
      field: 'format',
      value: 'fhir',
      expected: 'csv or json',
      message: `FHIR InventoryReport carries stock only, not ${reportKind}`,
    });
    return refuse();
  }
  // A document that could not be read has no lines to check; otherwise the lines are checked too,
  // so that the answer lists every problem at once.
  if (format !== 'csv' && doc === undefined) return refuse();

  const catalogue = await catalogueFor(store.db);
  const ctx: LineContext = {
    reporter: req.reporter,
    catalogue,
    problems,
    warnings,
    now: now.getTime(),
    defaultCountedAt,
  };
  if (problems.any) {
    // Already refused (e.g. an unknown property of the envelope): check the lines too, write nothing.
    for await (const _ of records(reportKind, format, doc, bytes, ctx, stats)) void _;
    return refuse();
  }

  // Sent before? Answer with that receipt, without reading further. A different report under a used
  // reference is a conflict, but when it is also invalid its problems are the answer (they are what
  // the sender must fix either way).
  let earlier: Receipt | undefined;
  try {
    earlier = await findEarlier(store, req.reporter.organisationId, reportKind, clientRef, knownSha);
  } catch (err) {
    if (!(err instanceof AppError) || err.kind !== 'conflict') throw err;
    for await (const _ of records(reportKind, format, doc, bytes, ctx, stats)) void _;
    if (problems.any) return refuse();
    throw err;
  }
  if (earlier) return earlier;

  try {
    const row = await store.bulkTransaction(async (trx, copy) => {
      // With the checksum known up front, a concurrent identical report waits here on the unique
      // index and then fails fast; otherwise the clash shows when the checksum is set at the end.
      const reportId = await insertReport(trx, {
        ...base,
        clientRef: knownSha ? (clientRef ?? null) : null,
        contentSha256: knownSha ?? `pending:${randomUUID()}`,
        byteCount: null,
      });
      const w: WriteContext = { trx, copy, reportId, reporter: req.reporter, catalogue, problems, warnings };
      const summary = await write(reportKind, w, format, doc, bytes, ctx, stats, now);
      if (problems.any) throw new Refused();
      const contentSha256 = knownSha ?? intake.digest();
      if (!knownSha) {
        const twin =
          (clientRef
            ? await findAcceptedReport(trx, base.organisationId, reportKind, { clientRef }, reportId)
            : undefined) ??
          (await findAcceptedReport(trx, base.organisationId, reportKind, { contentSha256 }, reportId));
        if (twin) throw new AlreadyReceived(twin);
      }
      return completeReport(trx, reportId, {
        lineCount: stats.lines,
        summary,
        warnings: warnings.list(),
        contentSha256,
        clientRef: clientRef ?? null,
        byteCount: intake.bytes,
      });
    });
    return toReceipt(row);
  } catch (err) {
    if (err instanceof Refused) return refuse();
    if (err instanceof AlreadyReceived)
      return answerEarlier(err.existing, knownSha ?? intake.digest(), clientRef);
    if (isForeignKeyViolation(err)) {
      // Only when a package or location was deleted between the check and the write (they never are, normally).
      throw AppError.conflict(
        'a package or location named in the report was removed while it came in; send the report again',
      );
    }
    if (isUniqueViolation(err)) {
      const existing = await findEarlier(
        store,
        base.organisationId,
        reportKind,
        clientRef,
        knownSha ?? intake.digest(),
      );
      if (existing) return existing;
      throw new AppError(
        'conflict',
        'an identical report arrived at the same moment; send it again to get its receipt',
      );
    }
    throw err;
  }
}

class Refused extends Error {}

/** A reference or file name that cannot be stored is refused before anything is read or kept. */
function refuseUnstorable(field: 'clientRef' | 'fileName', value: string | undefined): void {
  const fault = value === undefined ? undefined : unstorableCharacter(value);
  if (fault === undefined) return;
  const problems = new ProblemList();
  problems.add({ field, value, expected: EXPECTED_TEXT, message: `${field} ${fault}` });
  throw problems.toError('the report');
}

/** The receipt of an earlier report with the same client reference or content, or a conflict. */
async function findEarlier(
  store: Store,
  organisationId: number,
  kind: IngestKind,
  clientRef: string | undefined,
  sha: string | undefined,
): Promise<Receipt | undefined> {
  // Without the checksum (a stream not read yet) the reference alone cannot tell a resend from a
  // different report; the check at the end of the transaction decides then.
  if (clientRef && sha) {
    const byRef = await findAcceptedReport(store.db, organisationId, kind, { clientRef });
    if (byRef) return answerEarlier(byRef, sha, clientRef);
  }
  if (sha) {
    const byContent = await findAcceptedReport(store.db, organisationId, kind, { contentSha256: sha });
    if (byContent) return toReceipt(byContent, true);
  }
  return undefined;
}

function answerEarlier(existing: ReportRow, sha: string | undefined, clientRef: string | undefined): Receipt {
  if (
    clientRef &&
    existing.client_ref === clientRef &&
    sha !== undefined &&
    existing.content_sha256 !== sha
  ) {
    throw AppError.conflict(
      `client reference '${clientRef}' was already used for report ${existing.id} with different content; ` +
        'use a new reference for a new report',
    );
  }
  return toReceipt(existing, true);
}

async function write(
  kind: IngestKind,
  w: WriteContext,
  format: ReportFormat,
  doc: unknown,
  bytes: AsyncIterable<Uint8Array>,
  ctx: LineContext,
  stats: ReadStats,
  now: Date,
): Promise<Summary> {
  switch (kind) {
    case 'stock_snapshot':
      return writeStockSnapshot(w, stockRecords(KIND_SPECS.stock_snapshot, format, doc, bytes, ctx, stats));
    case 'stock_difference':
      return writeStockDifference(
        w,
        stockRecords(KIND_SPECS.stock_difference, format, doc, bytes, ctx, stats),
      );
    case 'sales':
      return writeSales(
        w,
        format === 'csv'
          ? csvRecords(KIND_SPECS.sales, bytes, ctx, stats)
          : toAsync(jsonRecords(KIND_SPECS.sales, doc, ctx, stats)),
      );
    case 'expected_delivery':
      return writeExpectedDeliveries(
        w,
        format === 'csv'
          ? csvRecords(KIND_SPECS.expected_delivery, bytes, ctx, stats)
          : toAsync(jsonRecords(KIND_SPECS.expected_delivery, doc, ctx, stats)),
      );
    case 'shortage_notice':
      return writeShortageNotices(
        w,
        format === 'csv'
          ? csvRecords(KIND_SPECS.shortage_notice, bytes, ctx, stats)
          : toAsync(jsonRecords(KIND_SPECS.shortage_notice, doc, ctx, stats)),
        now,
      );
  }
}

/** The validated records of a report, whatever its kind (for checking without writing). */
function records(
  kind: IngestKind,
  format: ReportFormat,
  doc: unknown,
  bytes: AsyncIterable<Uint8Array>,
  ctx: LineContext,
  stats: ReadStats,
): AsyncIterable<unknown[]> {
  switch (kind) {
    case 'stock_snapshot':
    case 'stock_difference':
      return stockRecords(KIND_SPECS[kind], format, doc, bytes, ctx, stats);
    case 'sales':
    case 'expected_delivery':
    case 'shortage_notice': {
      const spec: KindSpec<unknown> = KIND_SPECS[kind];
      return format === 'csv'
        ? csvRecords(spec, bytes, ctx, stats)
        : toAsync(jsonRecords(spec, doc, ctx, stats));
    }
  }
}

function stockRecords(
  spec: typeof KIND_SPECS.stock_snapshot,
  format: ReportFormat,
  doc: unknown,
  bytes: AsyncIterable<Uint8Array>,
  ctx: LineContext,
  stats: ReadStats,
): AsyncIterable<StockRecord[]> {
  if (format === 'csv') return csvRecords(spec, bytes, ctx, stats);
  if (format === 'fhir') return toAsync(fhirStockRecords(spec, doc, ctx, stats));
  return toAsync(jsonRecords(spec, doc, ctx, stats));
}

async function* toAsync<T>(source: Iterable<T>): AsyncGenerator<T> {
  yield* source;
}
