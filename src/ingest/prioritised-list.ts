import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';
import { addDays, calendarDateInSweden } from '../domain/calendar.js';
import { AppError, type Problem } from '../domain/errors.js';
import { ATC_PATTERN, checkNewListVersion, EXPECTED_ATC, REGISTER_OWNER } from '../domain/master-data.js';
import type { Store } from '../store/database.js';
import {
  auditImport,
  completeImport,
  insertImport,
  insertListVersion,
  listVersions,
  type ListItemValues,
} from '../store/master-data.repository.js';
import { readCsv } from './csv.reader.js';
import { ProblemList } from './problems.js';
import { EXPECTED_DATE, parseDate } from './values.js';

/**
 * Socialstyrelsen's list of medicines for care that cannot wait (R1, R2), imported as a version with
 * its valid-from date from a CSV or XLSX file in the shape Socialstyrelsen publishes: one row per
 * entry with substance, ATC code, pharmaceutical form and care area (docs/master-data.md).
 */

/** The list's code in beredskap; the picture reads the version of this code in force on a date. */
export const PRIORITISED_LIST = {
  code: 'sos-prioritised',
  name: 'Läkemedel för vård som inte kan anstå',
} as const;

type Column = 'substance' | 'atc' | 'form' | 'careArea' | 'note';

/** Header names (lower case, without spaces, hyphens or underscores) and the column each one is. */
const HEADERS: Readonly<Record<string, Column>> = {
  substans: 'substance',
  substance: 'substance',
  aktivsubstans: 'substance',
  läkemedelssubstans: 'substance',
  atc: 'atc',
  atckod: 'atc',
  atccode: 'atc',
  beredningsform: 'form',
  läkemedelsform: 'form',
  form: 'form',
  vårdområde: 'careArea',
  område: 'careArea',
  verksamhetsområde: 'careArea',
  carearea: 'careArea',
  kommentar: 'note',
  anmärkning: 'note',
  note: 'note',
};
const EXPECTED_HEADER =
  "a header row with at least 'Substans' and 'ATC-kod' (and 'Beredningsform', 'Vårdområde', 'Kommentar' when given)";

const headerKey = (h: string): string =>
  h
    .trim()
    .toLowerCase()
    .replace(/[\s\-_]+/g, '');

export interface ListImportRequest {
  fileName: string;
  body: Uint8Array;
  /** Default: by the file's first bytes (an XLSX file is a zip file). */
  format?: 'csv' | 'xlsx' | undefined;
  /** The first day the version is in force: 'YYYY-MM-DD'. */
  validFrom: string;
  /** Default: the valid-from date. */
  version?: string | undefined;
  /** Default: the valid-from date. */
  publishedOn?: string | undefined;
  name?: string | undefined;
  organisationId?: number | null | undefined;
  tokenId?: number | null | undefined;
  now?: Date | undefined;
}

export interface ListImportReceipt {
  id: number;
  listId: number;
  version: string;
  validFrom: string;
  entries: number;
  replayed: boolean;
  /** The version before it, which now ends the day before this one starts. */
  previous: { version: string; validTo: string } | null;
  warnings: Problem[];
}

interface Row {
  line: number;
  cells: string[];
}

async function rowsOfCsv(body: Uint8Array, problems: ProblemList): Promise<Row[]> {
  const rows: Row[] = [];
  async function* once() {
    yield body;
  }
  for await (const batch of readCsv(once(), problems)) {
    batch.rows.forEach((cells, i) => rows.push({ line: batch.lines[i] ?? 0, cells }));
  }
  return rows;
}

async function rowsOfXlsx(fileName: string, body: Uint8Array): Promise<Row[]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(body as unknown as ArrayBuffer);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw AppError.invalid(`${fileName} is not an XLSX file: ${reason}`, [
      { at: fileName, expected: 'an XLSX workbook', message: reason },
    ]);
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) return [];
  const rows: Row[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, line) => {
    const cells: string[] = [];
    for (let c = 1; c <= row.cellCount; c++) cells.push(row.getCell(c).text ?? '');
    rows.push({ line, cells });
  });
  return rows;
}

/** The entries of the file, or problems naming line, column and what was expected. */
export async function readListFile(
  fileName: string,
  body: Uint8Array,
  format: 'csv' | 'xlsx',
  problems: ProblemList,
): Promise<{ items: ListItemValues[]; warnings: Problem[] }> {
  const rows = format === 'xlsx' ? await rowsOfXlsx(fileName, body) : await rowsOfCsv(body, problems);
  const warnings: Problem[] = [];
  const items: ListItemValues[] = [];
  const header = rows[0];
  if (!header) {
    problems.add({ at: fileName, expected: EXPECTED_HEADER, message: `${fileName} is empty` });
    return { items, warnings };
  }
  const columns = new Map<Column, number>();
  const cellName =
    format === 'xlsx'
      ? (line: number) => `${fileName} row ${line}`
      : (line: number) => `${fileName} line ${line}`;
  header.cells.forEach((raw, i) => {
    const column = HEADERS[headerKey(raw)];
    if (column === undefined) {
      if (raw.trim() !== '')
        warnings.push({
          at: header.line,
          field: raw,
          message: `${cellName(header.line)}: column '${raw}' is not one beredskap reads; it was ignored`,
        });
      return;
    }
    if (columns.has(column)) {
      problems.add({
        at: header.line,
        field: raw,
        expected: 'each column once',
        message: `${cellName(header.line)}: column '${raw}' repeats the ${column} column`,
      });
      return;
    }
    columns.set(column, i);
  });
  for (const [column, label] of [
    ['substance', 'Substans'],
    ['atc', 'ATC-kod'],
  ] as const) {
    if (!columns.has(column))
      problems.add({
        at: header.line,
        field: label,
        expected: EXPECTED_HEADER,
        message: `${cellName(header.line)}: the header has no '${label}' column`,
      });
  }
  if (problems.any) return { items, warnings };

  const cell = (row: Row, column: Column): string => {
    const i = columns.get(column);
    return i === undefined ? '' : (row.cells[i] ?? '').trim();
  };
  const seen = new Map<string, number>();
  for (const row of rows.slice(1)) {
    if (row.cells.every((c) => c.trim() === '')) continue;
    const substance = cell(row, 'substance');
    const atc = cell(row, 'atc').replace(/\s+/g, '').toUpperCase();
    const form = cell(row, 'form');
    let ok = true;
    if (substance === '') {
      problems.add({
        at: row.line,
        field: 'Substans',
        expected: 'the substance’s name, e.g. noradrenalin',
        message: `${cellName(row.line)}: Substans is empty`,
      });
      ok = false;
    }
    if (!ATC_PATTERN.test(atc)) {
      problems.add({
        at: row.line,
        field: 'ATC-kod',
        value: cell(row, 'atc'),
        expected: EXPECTED_ATC,
        message: `${cellName(row.line)}: ATC-kod '${cell(row, 'atc')}' is not an ATC code`,
      });
      ok = false;
    }
    if (!ok) continue;
    const key = `${atc}|${substance.toLowerCase()}|${form.toLowerCase()}`;
    const first = seen.get(key);
    if (first !== undefined) {
      problems.add({
        at: row.line,
        field: 'Substans',
        value: substance,
        expected: 'each entry once',
        message: `${cellName(row.line)}: ${substance} (${atc}${form ? `, ${form}` : ''}) is also on line ${first}`,
      });
      continue;
    }
    seen.set(key, row.line);
    items.push({
      position: items.length + 1,
      atcCode: atc,
      substance,
      form: form === '' ? null : form,
      careArea: cell(row, 'careArea') || null,
      note: cell(row, 'note') || null,
    });
  }
  if (items.length === 0 && !problems.any)
    problems.add({ at: fileName, expected: 'at least one entry', message: `${fileName} has no entries` });
  return { items, warnings };
}

/** An XLSX workbook is a zip file: it starts with 'PK'. */
function formatOf(body: Uint8Array, given: 'csv' | 'xlsx' | undefined): 'csv' | 'xlsx' {
  if (given) return given;
  return body[0] === 0x50 && body[1] === 0x4b ? 'xlsx' : 'csv';
}

/**
 * Imports a version of the prioritised list, all or nothing. A stored version is never changed (see
 * `checkNewListVersion`): so the picture, which reads the version in force on a date, reads the same
 * for every past date after the import as before it. The version before the new one ends the day
 * before the new one starts.
 */
export async function importPrioritisedList(
  store: Store,
  req: ListImportRequest,
): Promise<ListImportReceipt> {
  const now = req.now ?? new Date();
  const today = calendarDateInSweden(now);
  const problems = new ProblemList();
  const validFrom = parseDate(req.validFrom);
  const publishedOn = req.publishedOn === undefined ? validFrom : parseDate(req.publishedOn);
  if (validFrom === undefined)
    problems.add({
      field: 'validFrom',
      value: req.validFrom,
      expected: EXPECTED_DATE,
      message: `valid-from '${req.validFrom}' is not a date`,
    });
  if (publishedOn === undefined && req.publishedOn !== undefined)
    problems.add({
      field: 'publishedOn',
      value: req.publishedOn,
      expected: EXPECTED_DATE,
      message: `published-on '${req.publishedOn}' is not a date`,
    });
  const format = formatOf(req.body, req.format);
  const { items, warnings } = await readListFile(req.fileName, req.body, format, problems);
  const version = req.version ?? validFrom ?? req.validFrom;
  const contentSha256 = createHash('sha256').update(JSON.stringify(items)).digest('hex');
  const header = {
    register: 'prioritised_list' as const,
    organisationId: req.organisationId ?? null,
    tokenId: req.tokenId ?? null,
    source: req.fileName,
    contentSha256,
    asOf: validFrom ?? today,
    mode: null,
    receivedAt: now,
  };
  const issuer = await store.db
    .selectFrom('organisation')
    .select('id')
    .where('authority', '=', REGISTER_OWNER.prioritised_list)
    .where('kind', '=', 'authority')
    .executeTakeFirst();
  if (!issuer)
    problems.add({
      field: 'issuer',
      expected: 'the authority Socialstyrelsen (authority mark sos)',
      message: 'Socialstyrelsen (authority mark sos) is not among the organisations: the list has no issuer',
    });

  const refuse = async (error: AppError): Promise<never> => {
    const id = await insertImport(store.db, header, 'rejected', {
      list: [...error.problems],
      total: Math.max(1, problems.total),
    });
    await auditImport(store.db, {
      importId: id,
      register: 'prioritised_list',
      status: 'rejected',
      organisationId: header.organisationId,
      tokenId: header.tokenId,
      detail: { source: header.source, version, problem: error.message },
    });
    throw error;
  };
  if (problems.any || validFrom === undefined || !issuer)
    return refuse(problems.toError(`the list ${req.fileName}`));

  return store
    .bulkTransaction(async (trx) => {
      const existing = await listVersions(trx, PRIORITISED_LIST.code, true);
      const verdict = checkNewListVersion(
        existing.map((v) => ({
          version: v.version,
          validFrom: v.valid_from,
          contentSha256: v.content_sha256 ?? '',
        })),
        { version, validFrom, contentSha256 },
        today,
      );
      if (verdict.kind === 'replay') {
        const same = existing.find((v) => v.version === version)!;
        return {
          id: same.import_id ?? 0,
          listId: same.id,
          version,
          validFrom: same.valid_from,
          entries: items.length,
          replayed: true,
          previous: null,
          warnings,
        };
      }
      if (verdict.kind === 'refused') {
        // Recorded as refused outside this transaction, which ends with the error.
        throw new AppError('conflict', verdict.problem.message, [verdict.problem]);
      }
      const id = await insertImport(trx, header, 'accepted');
      const open = existing.filter((v) => v.valid_to === null || v.valid_to >= validFrom);
      const validTo = addDays(validFrom, -1);
      const { listId } = await insertListVersion(trx, {
        code: PRIORITISED_LIST.code,
        version,
        name: req.name ?? PRIORITISED_LIST.name,
        issuerId: issuer.id,
        publishedOn: publishedOn ?? validFrom,
        validFrom,
        importId: id,
        contentSha256,
        items,
        closeIds: open.map((v) => v.id),
        closeOn: validTo,
      });
      const previous = open.sort((a, b) => (a.valid_from < b.valid_from ? 1 : -1))[0];
      const summary = { entries: items.length, closedVersions: open.length };
      await completeImport(trx, id, {
        summary,
        changes: { version, validFrom, previous: previous ? { version: previous.version, validTo } : null },
        warnings,
      });
      await auditImport(trx, {
        importId: id,
        register: 'prioritised_list',
        status: 'accepted',
        organisationId: header.organisationId,
        tokenId: header.tokenId,
        detail: { source: header.source, version, validFrom, ...summary },
      });
      return {
        id,
        listId,
        version,
        validFrom,
        entries: items.length,
        replayed: false,
        previous: previous ? { version: previous.version, validTo } : null,
        warnings,
      };
    })
    .catch(async (err: unknown) => {
      if (err instanceof AppError && err.kind === 'conflict') return refuse(err);
      throw err;
    });
}
