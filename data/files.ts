import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
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
