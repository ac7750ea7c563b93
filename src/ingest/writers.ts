import { sql } from 'kysely';
import { calendarDateInSweden } from '../domain/calendar.js';
import { AppError } from '../domain/errors.js';
import { firstNotifiedOn, type NoticeKind, type NotifiedNotice } from '../domain/notice.js';
import type { Reporter } from '../domain/report.js';
import type { CopyFn, Tx } from '../store/database.js';
import { recordSalesExtent } from '../store/sales-extent.repository.js';
import type { Catalogue, LocationRef } from './catalogue.js';
import {
  lateSalesStopWarning,
  type ExpectedDeliveryRecord,
  type NoticeRecord,
  type SalesRecord,
  type StockRecord,
} from './lines.js';
import type { ProblemList } from './problems.js';

/*
 * Writers put validated records into the store inside the report's one transaction, with COPY for
 * the lines. Each returns the counts for the receipt. When a problem turns up mid-stream the record
 * stream simply ends; the service then refuses the report and the transaction rolls back.
 */

export interface WriteContext {
  trx: Tx;
  copy: CopyFn;
  reportId: number;
  reporter: Reporter;
  catalogue: Catalogue;
  problems: ProblemList;
  warnings: ProblemList;
}

export type Summary = Record<string, number>;

/** A CSV field for COPY: null is an empty unquoted field; text with a delimiter, quote or break is quoted. */
function csvText(v: string | null): string {
  if (v === null) return '';
  if (isPlainField(v)) return v;
  if (v === '' || /[",\r\n]/.test(v) || v.trim() !== v) return `"${v.replaceAll('"', '""')}"`;
  return v;
}

/**
 * Whether `v` is printable ASCII without a comma or quote (a batch number, nearly always): then it
 * needs no quotes, and there is no space at either end for trim to find.
 */
function isPlainField(v: string): boolean {
  const n = v.length;
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c <= 32 || c >= 127 || c === 34 || c === 44) return false;
  }
  return true;
}

const CHUNK = 1 << 16;

/** Turns record batches into CSV chunks of about 64 KB for COPY. */
async function* toCsv<R>(batches: AsyncIterable<R[]>, line: (r: R) => string): AsyncGenerator<string> {
  let buf = '';
  for await (const batch of batches) {
    for (const r of batch) {
      buf += line(r);
      if (buf.length > CHUNK) {
        yield buf;
        buf = '';
      }
    }
  }
  if (buf !== '') yield buf;
}

/** Ids (or codes) a bulk-loaded table refers to, per referenced table. */
type References =
  | { table: 'package' | 'location' | 'organisation'; ids: ReadonlySet<number> }
  | { table: 'region'; ids: ReadonlySet<string> };

/**
 * Switches the transaction to session_replication_role = replica (no per-row foreign-key triggers)
 * when that is safe and allowed: the session may set it (a superuser, or GRANT SET ON PARAMETER,
 * PostgreSQL 15+) and no user trigger fires on insert into `table` (replica mode would skip it).
 * One round trip; returns whether it switched.
 */
async function skipRowTriggers(trx: Tx, table: string): Promise<boolean> {
  const { rows } = await sql<{ role: string }>`
    SELECT set_config('session_replication_role', 'replica', true) AS role
    FROM (SELECT (current_setting('is_superuser') = 'on' OR has_parameter_privilege('session_replication_role', 'SET'))
             AND NOT EXISTS (
               SELECT 1 FROM pg_trigger
               WHERE tgrelid = ${table}::regclass AND NOT tgisinternal AND tgenabled <> 'D' AND (tgtype & 4) <> 0
             ) AS ok) AS allowed
    WHERE allowed.ok`.execute(trx);
  return rows.length === 1;
}

/**
 * COPY with the foreign keys checked per report instead of per row. PostgreSQL checks a foreign key
 * by locking the referenced row (FOR KEY SHARE) once per inserted row: for stock lines that is two
 * lookups and locks per line, which made COPY 3.5 times slower (2.6 s instead of 0.75 s for 200,000
 * lines here). Every id in a report was resolved from the catalogue, so the same guarantee is had by
 * locking each distinct referenced row once, after the COPY, and refusing the report if one has gone.
 * Without the privilege, the per-row triggers run as usual.
 */
async function copyWithReferences(
  w: WriteContext,
  table: string,
  columns: readonly string[],
  chunks: AsyncIterable<string>,
  references: () => readonly References[],
  setWise?: boolean,
): Promise<number> {
  setWise ??= await skipRowTriggers(w.trx, table);
  const rows = await w.copy(table, columns, chunks);
  if (!setWise) return rows;
  await sql`SET LOCAL session_replication_role = origin`.execute(w.trx);
  if (w.problems.any) return rows; // refused anyway: the transaction rolls back
  for (const ref of references()) {
    if (ref.ids.size === 0) continue;
    const list = [...ref.ids].join(',');
    const found =
      ref.table === 'region'
        ? await sql<{
            n: number;
          }>`SELECT count(*)::integer AS n FROM (SELECT 1 FROM region WHERE code = ANY(string_to_array(${list}, ',')) FOR KEY SHARE) x`.execute(
            w.trx,
          )
        : await sql<{
            n: number;
          }>`SELECT count(*)::integer AS n FROM (SELECT 1 FROM ${sql.table(ref.table)} WHERE id = ANY(string_to_array(${list}, ',')::bigint[]) FOR KEY SHARE) x`.execute(
            w.trx,
          );
    if (found.rows[0]?.n !== ref.ids.size) {
      throw AppError.conflict(
        `a ${ref.table} named in the report was removed while it came in; send the report again`,
      );
    }
  }
  return rows;
}

const PLACEHOLDER_TIME = '-infinity';
const PARAMS_PER_STATEMENT = 30_000;

/**
 * Stock snapshot: one stock_snapshot per location in the report, then all lines in ONE COPY.
 *
 * A line needs its snapshot's id before COPY starts, but the locations are known only as the lines
 * stream by. A report may name only the reporter's own locations, so there is an id ready for each
 * of them: without per-row foreign-key checks (see copyWithReferences) the ids are taken from the
 * snapshot sequence and the snapshots of the locations the report named are inserted after the
 * COPY; with the per-row checks a snapshot row is opened for each own location first (counted at
 * -infinity, invisible to others until commit) and those the report did not name are dropped.
 */
export async function writeStockSnapshot(
  w: WriteContext,
  batches: AsyncIterable<StockRecord[]>,
): Promise<Summary> {
  const owned = w.catalogue.ownedBy(w.reporter.organisationId);
  const setWise = await skipRowTriggers(w.trx, 'stock_line');
  const snapshotOf = setWise ? await reserveSnapshotIds(w, owned) : await openPlaceholderSnapshots(w, owned);
  const used = new Map<number, { countedAt: number; lines: number }>();
  const packages = new Set<number>();
  const owners = new Set<number>();
  // Lines come grouped by location: look its snapshot up once per run of lines, not per line.
  let location: LocationRef | undefined;
  let u = { countedAt: 0, lines: 0 };
  let snapshotId = '';
  const lines = await copyWithReferences(
    w,
    'stock_line',
    ['snapshot_id', 'package_id', 'batch', 'expiry', 'quantity', 'stock_level', 'owner_id'],
    toCsv(batches, (r) => {
      if (r.location !== location) {
        location = r.location;
        const known = used.get(location.id);
        if (known === undefined) used.set(location.id, (u = { countedAt: r.countedAt, lines: 0 }));
        else u = known;
        snapshotId = `${snapshotOf.get(location.id)}`;
      }
      u.lines++;
      packages.add(r.packageId);
      if (r.ownerId === null)
        return `${snapshotId},${r.packageId},${csvText(r.batch)},${r.expiry ?? ''},${r.quantity},${r.stockLevel},\n`;
      owners.add(r.ownerId);
      return `${snapshotId},${r.packageId},${csvText(r.batch)},${r.expiry ?? ''},${r.quantity},${r.stockLevel},${r.ownerId}\n`;
    }),
    () => [
      { table: 'package', ids: packages },
      { table: 'organisation', ids: owners },
    ],
    setWise,
  );
  if (w.problems.any) return {};
  const entries = [...used.entries()];
  if (setWise) {
    for (let i = 0; i < entries.length; i += PARAMS_PER_STATEMENT / 5) {
      const values = entries
        .slice(i, i + PARAMS_PER_STATEMENT / 5)
        .map(
          ([locationId, u]) =>
            sql`(${snapshotOf.get(locationId)}::bigint, ${locationId}::bigint, ${new Date(u.countedAt).toISOString()}::timestamptz, ${w.reportId}::bigint, ${u.lines}::integer)`,
        );
      await sql`INSERT INTO stock_snapshot (id, location_id, counted_at, report_id, line_count) OVERRIDING SYSTEM VALUE
                VALUES ${sql.join(values)}`.execute(w.trx);
    }
    return { locations: used.size, lines };
  }
  for (let i = 0; i < entries.length; i += PARAMS_PER_STATEMENT / 3) {
    const values = entries
      .slice(i, i + PARAMS_PER_STATEMENT / 3)
      .map(
        ([locationId, u]) =>
          sql`(${snapshotOf.get(locationId)}::bigint, ${new Date(u.countedAt).toISOString()}::timestamptz, ${u.lines}::integer)`,
      );
    await sql`UPDATE stock_snapshot AS s SET counted_at = v.counted_at, line_count = v.n
              FROM (VALUES ${sql.join(values)}) AS v(id, counted_at, n) WHERE s.id = v.id`.execute(w.trx);
  }
  await w.trx
    .deleteFrom('stock_snapshot')
    .where('report_id', '=', w.reportId)
    .where(sql<boolean>`counted_at = ${PLACEHOLDER_TIME}::timestamptz`)
    .execute();
  return { locations: used.size, lines };
}

/** Snapshot ids for the reporter's locations, taken from the sequence (no rows yet). */
async function reserveSnapshotIds(
  w: WriteContext,
  owned: readonly LocationRef[],
): Promise<Map<number, number>> {
  const snapshotOf = new Map<number, number>();
  if (owned.length === 0) return snapshotOf;
  const { rows } = await sql<{ id: number }>`
    SELECT nextval(pg_get_serial_sequence('stock_snapshot', 'id'))::bigint AS id FROM generate_series(1, ${owned.length}::integer)`.execute(
    w.trx,
  );
  owned.forEach((l, i) => snapshotOf.set(l.id, Number(rows[i]!.id)));
  return snapshotOf;
}

/** A placeholder snapshot row for each of the reporter's locations (for the per-row foreign-key checks). */
async function openPlaceholderSnapshots(
  w: WriteContext,
  owned: readonly LocationRef[],
): Promise<Map<number, number>> {
  const snapshotOf = new Map<number, number>();
  for (let i = 0; i < owned.length; i += PARAMS_PER_STATEMENT / 4) {
    const rows = await w.trx
      .insertInto('stock_snapshot')
      .values(
        owned.slice(i, i + PARAMS_PER_STATEMENT / 4).map((l) => ({
          location_id: l.id,
          counted_at: PLACEHOLDER_TIME,
          report_id: w.reportId,
          line_count: 0,
        })),
      )
      .returning(['id', 'location_id'])
      .execute();
    for (const r of rows) snapshotOf.set(r.location_id, r.id);
  }
  return snapshotOf;
}

/** Stock difference: all lines in one COPY; a warning when a change predates the location's current snapshot. */
export async function writeStockDifference(
  w: WriteContext,
  batches: AsyncIterable<StockRecord[]>,
): Promise<Summary> {
  const locations = new Set<number>();
  const packages = new Set<number>();
  const owners = new Set<number>();
  const iso = new Map<number, string>();
  const lines = await copyWithReferences(
    w,
    'stock_difference_line',
    [
      'report_id',
      'location_id',
      'counted_at',
      'package_id',
      'batch',
      'expiry',
      'quantity',
      'stock_level',
      'owner_id',
    ],
    toCsv(batches, (r) => {
      locations.add(r.location.id);
      packages.add(r.packageId);
      let at = iso.get(r.countedAt);
      if (at === undefined) iso.set(r.countedAt, (at = new Date(r.countedAt).toISOString()));
      if (r.ownerId !== null) owners.add(r.ownerId);
      return `${w.reportId},${r.location.id},${at},${r.packageId},${csvText(r.batch)},${r.expiry ?? ''},${r.quantity},${r.stockLevel},${r.ownerId ?? ''}\n`;
    }),
    () => [
      { table: 'location', ids: locations },
      { table: 'package', ids: packages },
      { table: 'organisation', ids: owners },
    ],
  );
  if (w.problems.any) return {};
  const stale = await sql<{ code: string; n: number; counted_at: Date }>`
    SELECT l.code, count(*)::integer AS n, cs.counted_at
    FROM stock_difference_line d
    JOIN current_snapshot cs ON cs.location_id = d.location_id
    JOIN location l ON l.id = d.location_id
    WHERE d.report_id = ${w.reportId} AND d.counted_at <= cs.counted_at
    GROUP BY l.code, cs.counted_at`.execute(w.trx);
  for (const s of stale.rows) {
    w.warnings.add({
      field: 'counted_at',
      value: s.code,
      message: `${s.n} ${s.n === 1 ? 'change' : 'changes'} at location ${s.code} were counted before its current snapshot (${new Date(s.counted_at).toISOString()}): kept as history, not added to current stock`,
    });
  }
  return { locations: locations.size, lines };
}

/** Sales: all lines in one COPY. */
export async function writeSales(w: WriteContext, batches: AsyncIterable<SalesRecord[]>): Promise<Summary> {
  const locations = new Set<number>();
  const regions = new Set<string>();
  const days = new Set<string>();
  const packages = new Set<number>();
  const lines = await copyWithReferences(
    w,
    'sales',
    [
      'period_start',
      'period_days',
      'region_code',
      'location_id',
      'package_id',
      'quantity',
      'age_band',
      'sex',
      'report_id',
      'channel',
    ],
    toCsv(batches, (r) => {
      if (r.location) locations.add(r.location.id);
      regions.add(r.regionCode);
      days.add(r.periodStart);
      packages.add(r.packageId);
      return `${r.periodStart},${r.periodDays},${r.regionCode},${r.location?.id ?? ''},${r.packageId},${r.quantity},${csvText(r.ageBand)},${r.sex ?? ''},${w.reportId},${r.channel}\n`;
    }),
    () => [
      { table: 'region', ids: regions },
      { table: 'location', ids: locations },
      { table: 'package', ids: packages },
    ],
  );
  if (w.problems.any) return {};
  await recordSalesExtent(w.trx, w.reportId);
  return { lines, locations: locations.size, regions: regions.size, days: days.size };
}

/** Expected deliveries: all lines in one COPY; the newest report per organisation and package is the plan. */
export async function writeExpectedDeliveries(
  w: WriteContext,
  batches: AsyncIterable<ExpectedDeliveryRecord[]>,
): Promise<Summary> {
  const packages = new Set<number>();
  const locations = new Set<number>();
  const lines = await copyWithReferences(
    w,
    'expected_delivery',
    ['report_id', 'organisation_id', 'package_id', 'location_id', 'quantity', 'expected_on', 'reference'],
    toCsv(batches, (r) => {
      packages.add(r.packageId);
      if (r.location) locations.add(r.location.id);
      return `${w.reportId},${w.reporter.organisationId},${r.packageId},${r.location?.id ?? ''},${r.quantity},${r.expectedOn},${csvText(r.reference)}\n`;
    }),
    () => [
      { table: 'organisation', ids: new Set([w.reporter.organisationId]) },
      { table: 'package', ids: packages },
      { table: 'location', ids: locations },
    ],
  );
  if (w.problems.any) return {};
  return { lines, packages: packages.size };
}

/**
 * Shortage notices (R4): inserted one by one in order; a notice with the reference of an earlier one
 * of the same company supersedes it. A per-company advisory lock keeps two concurrent reports from
 * both superseding the same notice. A sales stop is judged against the two-month rule from the first
 * notification of the notice it corrects (`firstNotifiedOn`), and flagged late, not refused.
 */
export async function writeShortageNotices(
  w: WriteContext,
  batches: AsyncIterable<NoticeRecord[]>,
  notifiedAt: Date,
): Promise<Summary> {
  const records: NoticeRecord[] = [];
  for await (const batch of batches) records.push(...batch);
  if (w.problems.any) return {};
  const companyId = w.reporter.organisationId;
  await sql`SELECT pg_advisory_xact_lock(hashtext('shortage_notice'), ${companyId}::integer)`.execute(w.trx);
  const references = [...new Set(records.flatMap((r) => (r.reference ? [r.reference] : [])))];
  const latest = new Map<string, number>();
  if (references.length > 0) {
    const rows = await w.trx
      .selectFrom('shortage_notice')
      .select(['reference', (eb) => eb.fn.max('id').as('id')])
      .where('company_id', '=', companyId)
      .where('reference', 'in', references)
      .groupBy('reference')
      .execute();
    for (const r of rows) if (r.reference !== null) latest.set(r.reference, Number(r.id));
  }
  const chains = await correctedChains(w.trx, [...latest.values()]);
  // R4: the notice counts from when it reached us, not from a date the sender writes.
  const notifiedOn = calendarDateInSweden(notifiedAt);
  let superseding = 0;
  let late = 0;
  for (let i = 0; i < records.length; i += 1000) {
    await w.trx
      .insertInto('shortage_notice')
      .values(
        records.slice(i, i + 1000).map((r) => {
          const supersedes = r.reference ? (latest.get(r.reference) ?? null) : null;
          if (supersedes !== null) superseding++;
          const chain = supersedes === null ? [] : (chains.get(supersedes) ?? []);
          const first = firstNotifiedOn([{ kind: r.kind, notifiedOn }, ...chain]);
          const warning = lateSalesStopWarning(r, notifiedOn, first);
          if (warning) {
            w.warnings.add(warning);
            late++;
          }
          return {
            kind: r.kind,
            package_id: r.packageId,
            company_id: companyId,
            notified_at: notifiedAt,
            expected_start: r.expectedStart,
            expected_end: r.expectedEnd,
            reason: r.reason,
            alternatives: r.alternatives,
            reference: r.reference,
            supersedes_id: supersedes,
            late: warning !== undefined,
            report_id: w.reportId,
          };
        }),
      )
      .execute();
  }
  return { notices: records.length, late, corrections: superseding };
}

/**
 * For each notice id, that notice and the notices it corrected in turn, newest first: the chain
 * `firstNotifiedOn` follows back to the first notification (one recursive read for all of them).
 */
async function correctedChains(trx: Tx, ids: readonly number[]): Promise<Map<number, NotifiedNotice[]>> {
  const chains = new Map<number, NotifiedNotice[]>();
  if (ids.length === 0) return chains;
  const { rows } = await sql<{ head: number; kind: NoticeKind; notified_at: Date | string }>`
    WITH RECURSIVE chain AS (
      SELECT n.id AS head, n.kind, n.notified_at, n.supersedes_id, 0 AS depth
      FROM shortage_notice n
      WHERE n.id = ANY(${[...ids]}::bigint[])
      UNION ALL
      SELECT c.head, p.kind, p.notified_at, p.supersedes_id, c.depth + 1
      FROM chain c
      JOIN shortage_notice p ON p.id = c.supersedes_id
    )
    SELECT head, kind, notified_at FROM chain ORDER BY head, depth`.execute(trx);
  for (const row of rows) {
    const head = Number(row.head);
    const chain = chains.get(head) ?? [];
    chain.push({ kind: row.kind, notifiedOn: calendarDateInSweden(new Date(row.notified_at)) });
    chains.set(head, chain);
  }
  return chains;
}
