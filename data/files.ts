import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { dateOfDayNumber } from '../src/domain/calendar.js';
import { generateSweden } from './generate.js';
import type { LoadCounts, ProgressFn } from './load.js';
import type { SwedenOptions } from './model.js';
import {
  csvChunks,
  SALES_COLUMNS,
  salesCsv,
  smallTables,
  STOCK_LINE_COLUMNS,
  stockLineCsv,
  type TableName,
} from './tables.js';

/** Writes `chunks` to `path` (created or replaced), after a header line. Returns when it is on disk. */
async function writeCsv(path: string, columns: readonly string[], chunks: Iterable<string>): Promise<void> {
  const out = createWriteStream(path, { encoding: 'utf8' });
  const closed = once(out, 'close');
  const write = async (s: string) => {
    if (!out.write(s)) await Promise.race([once(out, 'drain'), closed]);
  };
  try {
    await write(`${columns.join(',')}\n`);
    for (const chunk of chunks) await write(chunk);
  } finally {
    out.end();
    await closed;
  }
}

/**
 * The same data as {@link loadSweden} loads, as CSV files (one per table, named after it, with a
 * header; NULL is an empty field) in `dir`, for other tools. The report (whose line count is known
 * only at the end) is written last. Returns the rows written per table.
 */
export async function writeSwedenFiles(
  dir: string,
  options: SwedenOptions = {},
  onProgress?: ProgressFn,
): Promise<LoadCounts> {
  const data = generateSweden(options);
  await mkdir(dir, { recursive: true });
  const counts = {} as LoadCounts;

  const small = smallTables(data).filter((t) => t.table !== 'report');
  onProgress?.({ phase: 'reference', done: 0, total: small.length });
  for (const [i, t] of small.entries()) {
    await writeCsv(join(dir, `${t.table}.csv`), t.columns, csvChunks(t.columns, t.rows));
    counts[t.table] = t.rows.length;
    onProgress?.({ phase: 'reference', done: i + 1, total: small.length });
  }

  let stockLines = 0;
  await writeCsv(
    join(dir, 'stock_line.csv'),
    STOCK_LINE_COLUMNS,
    (function* () {
      for (const { rows, done, total } of data.stockLines()) {
        stockLines += rows.length;
        yield* stockLineCsv(rows);
        onProgress?.({ phase: 'stock', done, total });
      }
    })(),
  );
  counts.stock_line = stockLines;

  let sales = 0;
  await writeCsv(
    join(dir, 'sales.csv'),
    SALES_COLUMNS,
    (function* () {
      for (const { rows, done, total } of data.sales()) {
        sales += rows.length;
        yield* salesCsv(rows);
        onProgress?.({ phase: 'sales', done, total });
      }
    })(),
  );
  counts.sales = sales;

  for (const r of data.reports) r.line_count = sales + stockLines;
  const report = smallTables(data).find((t) => t.table === 'report');
  if (report) {
    await writeCsv(join(dir, 'report.csv'), report.columns, csvChunks(report.columns, report.rows));
    counts.report = report.rows.length;
  }
  return counts;
}

/** The files `writeSwedenFiles` writes, in an order that loads without breaking a reference. */
export const FILE_LOAD_ORDER: readonly TableName[] = [
  'region',
  'municipality',
  'organisation',
  'location',
  'medicine',
  'package',
  'product_list',
  'product_list_item',
  'app_user',
  'api_token',
  'report',
  'stock_snapshot',
  'stock_line',
  'sales',
  'shortage_notice',
];

/** The organisations whose reports `writeReportFiles` writes: those of the demo personas that report. */
export const REPORT_FILE_ORGANISATIONS = ['APO-1', 'WHS-1', 'REG-01', 'REG-12', 'COMP-001'] as const;

/** Days of sales per sales report: the last week of the generated window. */
export const REPORT_FILE_SALES_DAYS = 7;

/** One report file written by {@link writeReportFiles}: what `beredskap ingest` needs to send it. */
export interface ReportFile {
  path: string;
  organisation: string;
  kind: 'stock_snapshot' | 'sales' | 'shortage_notice';
  lines: number;
}

function cell(v: string | number | null): string {
  const s = v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/**
 * The same synthetic Sweden in the report formats (docs/reports.md), for `beredskap ingest` (issue 10
 * item 6): per organisation of {@link REPORT_FILE_ORGANISATIONS}, its locations' newest stock
 * snapshot, its locations' sales of the last {@link REPORT_FILE_SALES_DAYS} days, and a company's
 * shortage notices, as CSV files named `<kind>.<organisation>.csv` in `dir`. Returns the files written.
 */
export async function writeReportFiles(dir: string, options: SwedenOptions = {}): Promise<ReportFile[]> {
  const data = generateSweden(options);
  await mkdir(dir, { recursive: true });
  const orgById = new Map(data.organisations.map((o) => [o.id, o]));
  const locationById = new Map(data.locations.map((l) => [l.id, l]));
  const nplOf = new Map(data.packages.map((p) => [p.id, p.npl_pack_id]));
  const wanted = new Set<string>(REPORT_FILE_ORGANISATIONS);
  const orgOfLocation = (id: number | null) =>
    id === null ? undefined : orgById.get(locationById.get(id)?.organisation_id ?? -1)?.code;

  // The newest snapshot of each wanted location.
  const newest = new Map<number, { id: number; countedAt: string }>();
  for (const s of data.stockSnapshots) {
    if (!wanted.has(orgOfLocation(s.location_id) ?? '')) continue;
    const seen = newest.get(s.location_id);
    if (seen === undefined || s.counted_at > seen.countedAt)
      newest.set(s.location_id, { id: s.id, countedAt: s.counted_at });
  }
  const snapshotLocation = new Map([...newest].map(([location, s]) => [s.id, { location, ...s }]));
  const stock = new Map<string, string[]>();
  for (const { rows } of data.stockLines()) {
    for (const r of rows) {
      const s = snapshotLocation.get(r.snapshot_id);
      if (s === undefined) continue;
      const location = locationById.get(s.location)!;
      const org = orgById.get(location.organisation_id)!.code;
      const lines = stock.get(org) ?? [];
      lines.push(
        [location.code, nplOf.get(r.package_id)!, r.quantity, r.batch, r.expiry, r.stock_level, s.countedAt]
          .map(cell)
          .join(','),
      );
      stock.set(org, lines);
    }
  }

  const firstSalesDay = dateOfDayNumber(data.salesWindow.end + 1 - REPORT_FILE_SALES_DAYS);
  const sales = new Map<string, string[]>();
  for (const { rows } of data.sales()) {
    for (const r of rows) {
      if (r.period_start < firstSalesDay || r.location_id === null || r.period_days !== 1) continue;
      const org = orgOfLocation(r.location_id);
      if (org === undefined || !wanted.has(org)) continue;
      const lines = sales.get(org) ?? [];
      lines.push(
        [
          r.period_start,
          locationById.get(r.location_id)!.code,
          '',
          nplOf.get(r.package_id)!,
          r.quantity,
          r.period_days,
          r.age_band,
          r.sex,
          r.channel,
        ]
          .map(cell)
          .join(','),
      );
      sales.set(org, lines);
    }
  }

  const notices = new Map<string, string[]>();
  for (const n of data.shortageNotices) {
    const org = orgById.get(n.company_id)?.code;
    if (org === undefined || !wanted.has(org) || n.supersedes_id !== null) continue;
    const lines = notices.get(org) ?? [];
    lines.push(
      [
        n.kind,
        nplOf.get(n.package_id)!,
        n.expected_start,
        n.expected_end,
        n.reason,
        n.alternatives,
        n.reference,
      ]
        .map(cell)
        .join(','),
    );
    notices.set(org, lines);
  }

  const files: ReportFile[] = [];
  const write = async (kind: ReportFile['kind'], header: string, byOrg: Map<string, string[]>) => {
    for (const org of REPORT_FILE_ORGANISATIONS) {
      const lines = byOrg.get(org);
      if (lines === undefined || lines.length === 0) continue;
      const path = join(dir, `${kind}.${org}.csv`);
      await writeCsv(path, header.split(','), [`${lines.join('\n')}\n`]);
      files.push({ path, organisation: org, kind, lines: lines.length });
    }
  };
  await write('stock_snapshot', 'location,package,quantity,batch,expiry,stock_level,counted_at', stock);
  await write('sales', 'date,location,region,package,quantity,period_days,age_band,sex,channel', sales);
  await write(
    'shortage_notice',
    'type,package,expected_start,expected_end,reason,alternatives,reference',
    notices,
  );
  return files;
}
