import ExcelJS from 'exceljs';
import { INFORMATION_CLASS_NAMES_SV, type InformationClass } from '../../domain/access.js';

/** One column of an exported table: a Swedish header and how to read a row. */
export interface ExportColumn<R> {
  header: string;
  value: (row: R) => string | number | boolean | null;
  /** Decimals for numbers (default: as is). */
  decimals?: number;
  /**
   * The column holds days (YYYY-MM-DD): XLSX gets real Excel dates (a cell may still hold a word such
   * as 'Slut i lager', which stays text); CSV writes the day as it is.
   */
  date?: boolean;
  /**
   * The column holds stock as shown (stockFigure: whole packages, below one package its fraction): in
   * XLSX whole numbers with a thousands separator, a fraction with its decimals (STOCK_NUMBER_FORMAT).
   */
  stock?: boolean;
}

/** Excel's format for a stock column: 0 as 0, below one package its decimals, else whole with separators. */
export const STOCK_NUMBER_FORMAT = '[=0]0;[<1]0.0###;#,##0';

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
  // The widest text per column, for its width.
  const widest = table.columns.map((c) => c.header.length);
  for (const row of table.rows) {
    sheet.addRow(
      table.columns.map((c, i) => {
        const cell = xlsxCell(c.value(row), c);
        const shown = cell instanceof Date ? 10 : cell === null ? 0 : String(cell).length;
        if (shown > widest[i]!) widest[i] = shown;
        return cell;
      }),
    );
  }
  table.columns.forEach((c, i) => {
    const column = sheet.getColumn(i + 1);
    column.width = Math.min(XLSX_MAX_COLUMN_WIDTH, Math.max(XLSX_MIN_COLUMN_WIDTH, widest[i]! + 2));
    if (c.date === true) column.numFmt = 'yyyy-mm-dd';
    else if (c.stock === true) column.numFmt = STOCK_NUMBER_FORMAT;
    else if (c.decimals !== undefined)
      column.numFmt = c.decimals === 0 ? '#,##0' : `#,##0.${'0'.repeat(c.decimals)}`;
  });
  // A filter on every column of the header row (row 3), over all rows.
  sheet.autoFilter = {
    from: { row: 3, column: 1 },
    to: { row: 3 + table.rows.length, column: table.columns.length },
  };
  const data = await workbook.xlsx.writeBuffer();
  return Buffer.from(data);
}

/** Column widths in characters, our choice: no column narrower or (for long names) wider. */
export const XLSX_MIN_COLUMN_WIDTH = 8;
export const XLSX_MAX_COLUMN_WIDTH = 50;

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A value as an XLSX cell: yes/no in Swedish, rounded numbers, days as Excel dates. */
function xlsxCell<R>(v: string | number | boolean | null, c: ExportColumn<R>): string | number | Date | null {
  if (typeof v === 'boolean') return v ? 'ja' : 'nej';
  if (typeof v === 'number' && c.decimals !== undefined) return Number(v.toFixed(c.decimals));
  if (c.date === true && typeof v === 'string') {
    const m = ISO_DAY.exec(v);
    // Midnight UTC: Excel dates have no zone, and exceljs writes a Date's UTC day.
    if (m) return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  }
  return v;
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
