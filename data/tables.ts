import type { SwedenData } from './generate.js';
import type { SalesRow, StockLineRow } from './model.js';

/**
 * The generated tables as CSV (no header; NULL is an empty unquoted field, as COPY ... (FORMAT csv)
 * reads it). One serialisation serves both the database load and the CSV files.
 */

/** Tables with a GENERATED identity whose ids the generator sets. */
export const IDENTITY_TABLES = [
  'organisation',
  'location',
  'medicine',
  'package',
  'product_list',
  'app_user',
  'api_token',
  'report',
  'stock_snapshot',
  'shortage_notice',
] as const;

export type TableName =
  'region' | 'municipality' | (typeof IDENTITY_TABLES)[number] | 'product_list_item' | 'stock_line' | 'sales';

type Cell = string | number | boolean | null;

/** One CSV field. Text is quoted when it must be (or is empty, so that it is not read as NULL). */
export function csvField(v: Cell): string {
  if (v === null) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (v === '' || /[",\n\r]/.test(v) || v.trim() !== v) return `"${v.replace(/"/g, '""')}"`;
  return v;
}

/** A small table: its columns and all its rows. */
export interface SmallTable {
  table: TableName;
  columns: readonly string[];
  rows: readonly Record<string, Cell>[];
}

/** Joins rows into CSV chunks of about 64 KiB. */
export function* csvChunks(
  columns: readonly string[],
  rows: Iterable<Record<string, Cell>>,
): Generator<string> {
  let chunk = '';
  for (const row of rows) {
    let line = '';
    for (let i = 0; i < columns.length; i++) {
      if (i > 0) line += ',';
      line += csvField(row[columns[i] as string] ?? null);
    }
    chunk += `${line}\n`;
    if (chunk.length >= 65_536) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

// The reference tables in load order (each refers only to tables before it). The report comes
// last among them only in the files; the loader writes it before the facts that refer to it.
export function smallTables(data: SwedenData): SmallTable[] {
  const t = <R extends object>(
    table: TableName,
    rows: readonly R[],
    columns: readonly (keyof R & string)[],
  ): SmallTable => ({
    table,
    columns,
    rows: rows as unknown as readonly Record<string, Cell>[],
  });
  return [
    t('region', data.regions, ['code', 'name', 'population', 'population_date', 'civil_area']),
    t('municipality', data.municipalities, ['code', 'name', 'region_code', 'population']),
    t('organisation', data.organisations, [
      'id',
      'code',
      'org_number',
      'name',
      'kind',
      'region_code',
      'municipality_code',
      'authority',
    ]),
    t('location', data.locations, [
      'id',
      'code',
      'gln',
      'name',
      'kind',
      'organisation_id',
      'region_code',
      'municipality_code',
      'latitude',
      'longitude',
      'opened_on',
      'closed_on',
    ]),
    t('medicine', data.medicines, [
      'id',
      'npl_id',
      'name',
      'atc_code',
      'substance',
      'form',
      'strength',
      'strength_value',
      'strength_unit',
      'species',
      'company_id',
    ]),
    t('package', data.packages, [
      'id',
      'npl_pack_id',
      'nordic_article_number',
      'gtin',
      'medicine_id',
      'kind',
      'pack_size',
      'pack_unit',
      'description',
      'price_sek',
      'company_id',
      'parallel_traded',
      'licence',
      'marketed_from',
      'withdrawn_on',
    ]),
    t('product_list', data.productLists, [
      'id',
      'code',
      'version',
      'name',
      'issuer_id',
      'published_on',
      'valid_from',
      'valid_to',
    ]),
    t('product_list_item', data.productListItems, [
      'list_id',
      'position',
      'atc_code',
      'substance',
      'form',
      'care_area',
      'note',
    ]),
    t('app_user', data.appUsers, ['id', 'name', 'email', 'organisation_id', 'created_at']),
    t('api_token', data.apiTokens, [
      'id',
      'token_sha256',
      'label',
      'user_id',
      'organisation_id',
      'role',
      'created_at',
      'expires_at',
      'revoked_at',
    ]),
    t('report', data.reports, [
      'id',
      'kind',
      'organisation_id',
      'client_ref',
      'content_sha256',
      'format',
      'line_count',
      'status',
      'received_at',
    ]),
    t('stock_snapshot', data.stockSnapshots, ['id', 'location_id', 'counted_at', 'report_id', 'line_count']),
    t('shortage_notice', data.shortageNotices, [
      'id',
      'kind',
      'package_id',
      'company_id',
      'notified_at',
      'expected_start',
      'expected_end',
      'reason',
      'alternatives',
      'supersedes_id',
      'report_id',
      'created_at',
      'reference',
      'late',
    ]),
  ];
}

export const SALES_COLUMNS = [
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
] as const satisfies readonly (keyof SalesRow)[];

export const STOCK_LINE_COLUMNS = [
  'snapshot_id',
  'package_id',
  'batch',
  'expiry',
  'quantity',
  'stock_level',
  'owner_id',
] as const satisfies readonly (keyof StockLineRow)[];

/** Sales rows as CSV; the hot path, so written out by hand (no field needs quoting). */
export function salesCsv(rows: readonly SalesRow[]): string[] {
  const chunks: string[] = [];
  let chunk = '';
  for (const r of rows) {
    chunk += `${r.period_start},${r.period_days},${r.region_code},${r.location_id ?? ''},${r.package_id},${r.quantity},${r.age_band ?? ''},${r.sex ?? ''},${r.report_id},${r.channel}\n`;
    if (chunk.length >= 65_536) {
      chunks.push(chunk);
      chunk = '';
    }
  }
  if (chunk) chunks.push(chunk);
  return chunks;
}

/** Stock lines as CSV (batches are letters and digits: no quoting needed). */
export function stockLineCsv(rows: readonly StockLineRow[]): string[] {
  const chunks: string[] = [];
  let chunk = '';
  for (const r of rows) {
    chunk += `${r.snapshot_id},${r.package_id},${r.batch ?? ''},${r.expiry ?? ''},${r.quantity},${r.stock_level},${r.owner_id ?? ''}\n`;
    if (chunk.length >= 65_536) {
      chunks.push(chunk);
      chunk = '';
    }
  }
  if (chunk) chunks.push(chunk);
  return chunks;
}
