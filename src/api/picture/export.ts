import ExcelJS from 'exceljs';
import { INFORMATION_CLASS_NAMES_SV, type InformationClass } from '../../domain/access.js';

/** One column of an exported table: a Swedish header and how to read a row. */
export interface ExportColumn<R> {
  header: string;
  value: (row: R) => string | number | boolean | null;
  /** Decimals for numbers (default: as is). */
  decimals?: number;
}

/** A table to export, with what the marking needs: class, day, scope. */
export interface ExportTable<R> {
  /** File and sheet name, e.g. 'lagesbild-artiklar'. */
  name: string;
  /** Swedish title, e.g. 'Lägesbild: artiklar'. */
  title: string;
  classification: InformationClass;
  /** The day the picture describes. */
  today: string;
  /** Swedish scope, e.g. 'Hela landet' or 'Region Skåne, sjukhusapotek'. */
  scope: string;
  columns: readonly ExportColumn<R>[];
  rows: readonly R[];
}

/** The marking every export and print carries, e.g. 'BEGRÄNSAD – Lägesbild …, 2026-03-01, Hela landet'. */
export function marking<R>(
  table: Pick<ExportTable<R>, 'classification' | 'title' | 'today' | 'scope'>,
): string {
  return `${INFORMATION_CLASS_NAMES_SV[table.classification].toUpperCase()} – ${table.title}, ${table.today}, ${table.scope}`;
}

/**
 * CSV for Swedish spreadsheets: UTF-8 with BOM, semicolon separated, decimal comma. The first line is
 * the marking (informationsklass, title, day, scope), the second the Swedish headers, then the rows.
 */
export function toCsv<R>(table: ExportTable<R>): string {
  const lines = [
    csvCell(`Informationsklass: ${INFORMATION_CLASS_NAMES_SV[table.classification]}. ${marking(table)}`),
    table.columns.map((c) => csvCell(c.header)).join(';'),
  ];
  for (const row of table.rows) {
    lines.push(table.columns.map((c) => csvCell(formatCsv(c.value(row), c.decimals))).join(';'));
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

function formatCsv(value: string | number | boolean | null, decimals: number | undefined): string {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? 'ja' : 'nej';
  if (typeof value === 'number') {
    const text = decimals === undefined ? String(value) : value.toFixed(decimals);
    return text.replace('.', ',');
  }
  return value;
}

function csvCell(text: string): string {
  return /[";\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * XLSX: one sheet; the marking in the first row and in the print header and footer of every page,
 * the classification in the workbook's properties, Swedish headers in row 3, frozen.
 */
export async function toXlsx<R>(table: ExportTable<R>): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const label = INFORMATION_CLASS_NAMES_SV[table.classification];
  workbook.creator = 'beredskap';
  workbook.title = table.title;
  workbook.subject = marking(table);
  workbook.keywords = `Informationsklass: ${label}`;
  workbook.category = `Informationsklass: ${label}`;
  workbook.created = new Date();
  const sheet = workbook.addWorksheet(table.name.slice(0, 31), {
    headerFooter: {
      oddHeader: `&C&B${escapeHeader(marking(table))}`,
      oddFooter: `&L${escapeHeader(label.toUpperCase())}&RSida &P av &N`,
    },
    pageSetup: { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
    views: [{ state: 'frozen', ySplit: 3 }],
  });
  const first = sheet.addRow([`Informationsklass: ${label}`, marking(table)]);
  first.font = { bold: true, color: { argb: 'FFB00020' } };
  sheet.addRow([`Lägesbild per ${table.today}`, `Omfattning: ${table.scope}`]);
  const header = sheet.addRow(table.columns.map((c) => c.header));
  header.font = { bold: true };
  for (const row of table.rows) {
    sheet.addRow(
      table.columns.map((c) => {
        const v = c.value(row);
        if (typeof v === 'boolean') return v ? 'ja' : 'nej';
        if (typeof v === 'number' && c.decimals !== undefined) return Number(v.toFixed(c.decimals));
        return v;
      }),
    );
  }
  table.columns.forEach((c, i) => {
    sheet.getColumn(i + 1).width = Math.min(40, Math.max(10, c.header.length + 2));
  });
  const data = await workbook.xlsx.writeBuffer();
  return Buffer.from(data);
}

function escapeHeader(text: string): string {
  return text.replaceAll('&', '&&');
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const CSV_TYPE = 'text/csv; charset=utf-8';

/** A file name such as 'lagesbild-artiklar-2026-03-01.csv'. */
export function fileName<R>(table: Pick<ExportTable<R>, 'name' | 'today'>, format: 'csv' | 'xlsx'): string {
  return `${table.name}-${table.today}.${format}`;
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}
