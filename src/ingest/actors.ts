import { createHash } from 'node:crypto';
import {
  changedFields,
  isGln,
  isInSweden,
  parseOrganisationNumber,
  type ActorRegister,
} from '../domain/actors.js';
import { calendarDateInSweden } from '../domain/calendar.js';
import { AppError, type Problem } from '../domain/errors.js';
import {
  AUTHORITY_CODES,
  LOCATION_KINDS,
  ORGANISATION_KINDS,
  isAuthorityCode,
  isLocationKind,
  isOrganisationKind,
  kindOfAuthority,
} from '../domain/vocabulary.js';
import {
  auditImport,
  clearAuthorities,
  clearGlns,
  closeLocations,
  insertLocation,
  insertOrganisation,
  loadGeography,
  loadLocations,
  loadOrganisations,
  updateLocation,
  updateOrganisation,
  type ImportActor,
  type LocationRecord,
  type OrganisationRecord,
} from '../store/actors.repository.js';
import type { Store } from '../store/database.js';
import { readCsv } from './csv.reader.js';
import { ProblemList } from './problems.js';
import { EXPECTED_NUMBER, parseNumber } from './values.js';

/*
 * Imports of the registers of actors and places (issue 9 items 3 and 5): a CSV file of
 * organisations or of locations, validated like a report (line, field, value, expected), then
 * applied all or nothing: new rows are created, changed rows updated in place, and every change is
 * reported and kept in the import's audit entry (field, old value, new value). Nothing is deleted:
 * a location leaves the register by being closed (closed_on, inactive), so its stock and reports
 * keep their place.
 */

/** One change an import made. */
export interface RegisterChange {
  code: string;
  action: 'created' | 'updated' | 'closed' | 'reopened';
  fields?: { field: string; from: unknown; to: unknown }[];
}

/** What an import did. */
export interface RegisterImportResult {
  register: ActorRegister;
  fileName: string | null;
  contentSha256: string;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  closed: number;
  reopened: number;
  changes: RegisterChange[];
  auditId: number;
}

export interface RegisterImportRequest {
  bytes: Uint8Array;
  fileName?: string | null | undefined;
  actor: ImportActor;
  /** Locations only: the file is the whole register; locations it does not name are closed. */
  complete?: boolean | undefined;
  /** Time of the import (epoch ms); defaults to now. */
  now?: number | undefined;
}

interface Column {
  name: string;
  required: boolean;
  expected: string;
}

/** A read row: its file line and its values by column name ('' when absent). */
interface Row {
  line: number;
  get(column: string): string;
}

const ORGANISATION_COLUMNS: readonly Column[] = [
  { name: 'org_number', required: true, expected: 'organisation number NNNNNN-NNNN' },
  { name: 'code', required: true, expected: "the organisation's short stable handle, e.g. APO-1" },
  { name: 'name', required: true, expected: 'the name' },
  { name: 'kind', required: true, expected: `one of ${ORGANISATION_KINDS.join(', ')}` },
  { name: 'authority', required: false, expected: `one of ${AUTHORITY_CODES.join(', ')}, or empty` },
  { name: 'region', required: false, expected: 'a two-digit region code' },
  { name: 'municipality', required: false, expected: 'a four-digit municipality code' },
];

const LOCATION_COLUMNS: readonly Column[] = [
  { name: 'code', required: true, expected: 'the location code reporters use, e.g. SE-APO-0042' },
  { name: 'gln', required: false, expected: 'a 13-digit GLN with a valid check digit, or empty' },
  { name: 'name', required: true, expected: 'the name' },
  { name: 'kind', required: true, expected: `one of ${LOCATION_KINDS.join(', ')}` },
  { name: 'organisation', required: true, expected: 'the code or organisation number of its organisation' },
  { name: 'region', required: false, expected: 'a two-digit region code (or give municipality)' },
  { name: 'municipality', required: false, expected: 'a four-digit municipality code' },
  { name: 'street_address', required: false, expected: 'street and number' },
  { name: 'postal_code', required: false, expected: 'five digits, e.g. 903 25' },
  { name: 'postal_town', required: false, expected: 'the postal town' },
  { name: 'latitude', required: false, expected: 'WGS 84 decimal degrees within Sweden, e.g. 63.8258' },
  { name: 'longitude', required: false, expected: 'WGS 84 decimal degrees within Sweden, e.g. 20.2630' },
  {
    name: 'serves',
    required: false,
    expected: 'for a wholesaler warehouse: the region codes it delivers to, e.g. "01 03 04"; empty: all',
  },
  { name: 'active', required: false, expected: 'yes or no (ja/nej, true/false, 1/0); default yes' },
];

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  await Promise.resolve();
  yield bytes;
}

/** Reads the whole file (registers are small: thousands of rows) into rows by column name. */
async function readTable(
  bytes: Uint8Array,
  columns: readonly Column[],
  problems: ProblemList,
): Promise<Row[]> {
  const rows: Row[] = [];
  let index: Map<string, number> | undefined;
  for await (const batch of readCsv(once(bytes), problems)) {
    for (let i = 0; i < batch.rows.length; i++) {
      const values = batch.rows[i]!;
      const line = batch.lines[i]!;
      if (index === undefined) {
        index = new Map();
        values.forEach((h, k) => {
          const name = h.trim().toLowerCase();
          if (!columns.some((c) => c.name === name))
            problems.add({
              at: line,
              field: h,
              value: h,
              expected: `one of ${columns.map((c) => c.name).join(', ')}`,
              message: `line ${line}: column '${h}' is not a column of this register`,
            });
          else if (index!.has(name))
            problems.add({
              at: line,
              field: h,
              value: h,
              expected: 'each column once',
              message: `line ${line}: column '${h}' is given twice`,
            });
          else index!.set(name, k);
        });
        for (const c of columns)
          if (c.required && !index.has(c.name))
            problems.add({
              at: line,
              field: c.name,
              value: null,
              expected: c.expected,
              message: `line ${line}: the required column '${c.name}' is missing`,
            });
        continue;
      }
      const idx = index;
      rows.push({ line, get: (c) => (values[idx.get(c) ?? -1] ?? '').trim() });
    }
  }
  if (index === undefined)
    problems.add({
      at: 1,
      message: 'line 1: the file is empty; a header line is expected',
      expected: 'a header line',
    });
  return rows;
}

/** Adds a problem naming line, field, value and what was expected. */
function problemAt(problems: ProblemList, row: Row, field: string, expected: string, message: string): void {
  const value = row.get(field);
  const p: Problem = {
    at: row.line,
    field,
    value: value === '' ? null : value,
    expected,
    message: `line ${row.line}: ${message}`,
  };
  problems.add(p);
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function refuse(problems: ProblemList, what: string): AppError {
  return problems.toError(what);
}

/** Audits a refused import (outside the refused transaction) and returns the error to throw. */
async function refused(
  store: Store,
  req: RegisterImportRequest,
  register: ActorRegister,
  problems: ProblemList,
): Promise<AppError> {
  await auditImport(
    store.db,
    req.actor,
    `${register}.import_refused`,
    `${register}_register`,
    req.fileName ?? null,
    {
      fileName: req.fileName ?? null,
      contentSha256: sha256(req.bytes),
      problemCount: problems.total,
      problems: problems.list().slice(0, 20),
    },
  );
  return refuse(problems, `the ${register} file${req.fileName ? ` ${req.fileName}` : ''}`);
}

// Organisations ---------------------------------------------------------------------------------

const ORGANISATION_FIELDS = [
  'code',
  'name',
  'kind',
  'authority',
  'regionCode',
  'municipalityCode',
] as const satisfies readonly (keyof OrganisationRecord)[];

/**
 * Imports organisations. Matched by organisation number; the code is a stable handle and may not
 * change (a different code for a known number is refused). One organisation per authority mark.
 */
export async function importOrganisations(
  store: Store,
  req: RegisterImportRequest,
): Promise<RegisterImportResult> {
  const problems = new ProblemList();
  const rows = await readTable(req.bytes, ORGANISATION_COLUMNS, problems);
  const [existing, geo] = await Promise.all([loadOrganisations(store.db), loadGeography(store.db)]);
  const byNumber = new Map(existing.map((o) => [o.orgNumber, o]));
  const records: { row: Row; rec: OrganisationRecord }[] = [];
  const seenNumber = new Map<string, number>();
  const seenCode = new Map<string, number>();
  for (const row of rows) {
    const before = problems.total;
    const orgNumber = parseOrganisationNumber(row.get('org_number'));
    if (row.get('org_number') === '')
      problemAt(problems, row, 'org_number', ORGANISATION_COLUMNS[0]!.expected, 'org_number is missing');
    else if (orgNumber === undefined)
      problemAt(
        problems,
        row,
        'org_number',
        'ten digits NNNNNN-NNNN with a valid check digit',
        `org_number '${row.get('org_number')}' is not an organisation number`,
      );
    const code = row.get('code');
    if (code === '') problemAt(problems, row, 'code', ORGANISATION_COLUMNS[1]!.expected, 'code is missing');
    else if (code.length > 40 || /\s/.test(code))
      problemAt(problems, row, 'code', 'at most 40 characters, no spaces', `code '${code}' is not a handle`);
    const name = row.get('name');
    if (name === '') problemAt(problems, row, 'name', 'the name', 'name is missing');
    const kindRaw = row.get('kind');
    const kind = isOrganisationKind(kindRaw) ? kindRaw : undefined;
    if (kind === undefined)
      problemAt(
        problems,
        row,
        'kind',
        ORGANISATION_COLUMNS[3]!.expected,
        kindRaw === '' ? 'kind is missing' : `kind '${kindRaw}' is not an organisation kind`,
      );
    const authorityRaw = row.get('authority').toLowerCase();
    let authority: OrganisationRecord['authority'] = null;
    if (authorityRaw !== '') {
      if (!isAuthorityCode(authorityRaw))
        problemAt(
          problems,
          row,
          'authority',
          ORGANISATION_COLUMNS[4]!.expected,
          `authority '${row.get('authority')}' is not a national actor's code`,
        );
      else {
        authority = authorityRaw;
        if (kind !== undefined && kind !== kindOfAuthority(authorityRaw))
          problemAt(
            problems,
            row,
            'authority',
            `an organisation of kind ${kindOfAuthority(authorityRaw)}`,
            `authority ${authorityRaw} belongs to an organisation of kind ${kindOfAuthority(authorityRaw)}, not ${kind}`,
          );
      }
    }
    const place = readPlace(problems, row, geo, false);
    if (orgNumber !== undefined) {
      const first = seenNumber.get(orgNumber);
      if (first !== undefined)
        problemAt(
          problems,
          row,
          'org_number',
          'each organisation once',
          `organisation ${orgNumber} is also on line ${first}`,
        );
      else seenNumber.set(orgNumber, row.line);
      const stored = byNumber.get(orgNumber);
      if (stored && code !== '' && stored.code !== code)
        problemAt(
          problems,
          row,
          'code',
          `${stored.code}, the code of organisation ${orgNumber}`,
          `organisation ${orgNumber} has the code ${stored.code}; a code is a stable handle and is not changed by an import`,
        );
    }
    if (code !== '') {
      const first = seenCode.get(code);
      if (first !== undefined)
        problemAt(problems, row, 'code', 'each code once', `code ${code} is also on line ${first}`);
      else seenCode.set(code, row.line);
    }
    if (problems.total !== before || orgNumber === undefined || kind === undefined || place === undefined)
      continue;
    records.push({
      row,
      rec: {
        code,
        orgNumber,
        name,
        kind,
        authority,
        regionCode: place.regionCode,
        municipalityCode: place.municipalityCode,
      },
    });
  }
  // The register after the import must keep codes and authority marks unique.
  const inFile = new Set(records.map((r) => r.rec.orgNumber));
  const codeHolder = new Map<string, string>();
  const authorityHolder = new Map<string, string>();
  for (const o of existing) {
    if (o.orgNumber !== null && inFile.has(o.orgNumber)) continue;
    // An organisation without a number (a foreign holder from NPL) is named by its code.
    const holder = o.orgNumber ?? o.code;
    codeHolder.set(o.code, holder);
    if (o.authority) authorityHolder.set(o.authority, holder);
  }
  for (const { row, rec } of records) {
    const other = codeHolder.get(rec.code);
    if (other !== undefined && other !== rec.orgNumber)
      problemAt(
        problems,
        row,
        'code',
        'a code no other organisation has',
        `code ${rec.code} belongs to organisation ${other}`,
      );
    if (rec.authority) {
      const holder = authorityHolder.get(rec.authority);
      if (holder !== undefined && holder !== rec.orgNumber)
        problemAt(
          problems,
          row,
          'authority',
          'each national actor once',
          `authority ${rec.authority} is organisation ${holder}; one organisation per national actor`,
        );
      else authorityHolder.set(rec.authority, rec.orgNumber);
    }
  }
  if (problems.any) throw await refused(store, req, 'organisations', problems);

  const at = new Date(req.now ?? Date.now());
  const changes: RegisterChange[] = [];
  let unchanged = 0;
  const auditId = await store.bulkTransaction(async (trx) => {
    const moving = existing
      .filter(
        (o) =>
          o.authority !== null &&
          records.some((r) => r.rec.orgNumber === o.orgNumber && r.rec.authority !== o.authority),
      )
      .map((o) => o.id);
    await clearAuthorities(trx, moving);
    for (const { rec } of records) {
      const stored = byNumber.get(rec.orgNumber);
      if (!stored) {
        await insertOrganisation(trx, rec);
        changes.push({ code: rec.code, action: 'created' });
        continue;
      }
      const fields = changedFields<OrganisationRecord>(
        { ...stored, orgNumber: stored.orgNumber ?? rec.orgNumber },
        rec,
        ORGANISATION_FIELDS,
      );
      if (fields.length === 0 && !moving.includes(stored.id)) {
        unchanged++;
        continue;
      }
      await updateOrganisation(trx, stored.id, rec, at);
      if (fields.length === 0) unchanged++;
      else changes.push({ code: rec.code, action: 'updated', fields });
    }
    return auditImport(
      trx,
      req.actor,
      'organisations.imported',
      'organisations_register',
      req.fileName ?? null,
      {
        fileName: req.fileName ?? null,
        contentSha256: sha256(req.bytes),
        rows: records.length,
        changes,
      },
    );
  });
  return summarise('organisations', req, records.length, unchanged, changes, auditId);
}

function summarise(
  register: ActorRegister,
  req: RegisterImportRequest,
  rows: number,
  unchanged: number,
  changes: RegisterChange[],
  auditId: number,
): RegisterImportResult {
  const count = (a: RegisterChange['action']) => changes.filter((c) => c.action === a).length;
  return {
    register,
    fileName: req.fileName ?? null,
    contentSha256: sha256(req.bytes),
    rows,
    created: count('created'),
    updated: count('updated'),
    unchanged,
    closed: count('closed'),
    reopened: count('reopened'),
    changes,
    auditId,
  };
}

/** Region and municipality of a row: the region follows from the municipality when not given. */
function readPlace(
  problems: ProblemList,
  row: Row,
  geo: { regions: Set<string>; municipalityRegion: Map<string, string> },
  regionRequired: boolean,
): { regionCode: string | null; municipalityCode: string | null } | undefined {
  const before = problems.total;
  let regionCode: string | null = row.get('region') || null;
  const municipalityCode = row.get('municipality') || null;
  if (regionCode !== null && !geo.regions.has(regionCode))
    problemAt(
      problems,
      row,
      'region',
      'a two-digit region code that exists, e.g. 24',
      `region '${regionCode}' is unknown`,
    );
  if (municipalityCode !== null) {
    const of = geo.municipalityRegion.get(municipalityCode);
    if (of === undefined)
      problemAt(
        problems,
        row,
        'municipality',
        'a four-digit municipality code that exists, e.g. 2480',
        `municipality '${municipalityCode}' is unknown`,
      );
    else if (regionCode !== null && of !== regionCode)
      problemAt(
        problems,
        row,
        'municipality',
        `a municipality in region ${regionCode}`,
        `municipality ${municipalityCode} lies in region ${of}, not ${regionCode}`,
      );
    else regionCode = of;
  }
  if (regionRequired && regionCode === null && problems.total === before)
    problemAt(
      problems,
      row,
      'region',
      'a two-digit region code, or a municipality',
      'region (or municipality) is missing',
    );
  return problems.total === before ? { regionCode, municipalityCode } : undefined;
}

// Locations ---------------------------------------------------------------------------------------

const LOCATION_FIELDS = [
  'gln',
  'name',
  'kind',
  'organisationId',
  'regionCode',
  'municipalityCode',
  'streetAddress',
  'postalCode',
  'postalTown',
  'latitude',
  'longitude',
  'serves',
] as const satisfies readonly (keyof LocationRecord)[];

const YES = new Set(['', 'yes', 'ja', 'true', '1', 'y', 'j']);
const NO = new Set(['no', 'nej', 'false', '0', 'n']);

function coordinate(
  problems: ProblemList,
  row: Row,
  field: 'latitude' | 'longitude',
): number | null | undefined {
  const raw = row.get(field);
  if (raw === '') return null;
  const n = parseNumber(raw);
  if (n === undefined) {
    problemAt(problems, row, field, EXPECTED_NUMBER, `${field} '${raw}' is not a number`);
    return undefined;
  }
  return n;
}

/**
 * Imports locations. Matched by code. A location named with active = no is closed (inactive from
 * the day of import); with `complete`, every location the file does not name is closed too. A
 * closed location named active again is reopened. Nothing is deleted.
 */
export async function importLocations(
  store: Store,
  req: RegisterImportRequest,
): Promise<RegisterImportResult> {
  const problems = new ProblemList();
  const rows = await readTable(req.bytes, LOCATION_COLUMNS, problems);
  const [existing, organisations, geo] = await Promise.all([
    loadLocations(store.db),
    loadOrganisations(store.db),
    loadGeography(store.db),
  ]);
  const today = calendarDateInSweden(new Date(req.now ?? Date.now()));
  const byCode = new Map(existing.map((l) => [l.code, l]));
  const orgByHandle = new Map<string, number>();
  for (const o of organisations) {
    orgByHandle.set(o.code, o.id);
    if (o.orgNumber !== null) {
      orgByHandle.set(o.orgNumber, o.id);
      orgByHandle.set(o.orgNumber.replace('-', ''), o.id);
    }
  }
  const records: { row: Row; rec: LocationRecord }[] = [];
  const seenCode = new Map<string, number>();
  for (const row of rows) {
    const before = problems.total;
    const code = row.get('code');
    if (code === '') problemAt(problems, row, 'code', LOCATION_COLUMNS[0]!.expected, 'code is missing');
    else if (code.length > 60 || /\s/.test(code))
      problemAt(
        problems,
        row,
        'code',
        'at most 60 characters, no spaces',
        `code '${code}' is not a location code`,
      );
    else {
      const first = seenCode.get(code);
      if (first !== undefined)
        problemAt(problems, row, 'code', 'each location once', `location ${code} is also on line ${first}`);
      else seenCode.set(code, row.line);
    }
    const gln = row.get('gln') || null;
    if (gln !== null && !isGln(gln))
      problemAt(
        problems,
        row,
        'gln',
        LOCATION_COLUMNS[1]!.expected,
        `gln '${gln}' is not a GLN (13 digits, GS1 check digit)`,
      );
    const name = row.get('name');
    if (name === '') problemAt(problems, row, 'name', 'the name', 'name is missing');
    const kindRaw = row.get('kind');
    const kind = isLocationKind(kindRaw) ? kindRaw : undefined;
    if (kind === undefined)
      problemAt(
        problems,
        row,
        'kind',
        LOCATION_COLUMNS[3]!.expected,
        kindRaw === '' ? 'kind is missing' : `kind '${kindRaw}' is not a location kind`,
      );
    const orgRaw = row.get('organisation');
    const organisationId = orgByHandle.get(orgRaw);
    if (organisationId === undefined)
      problemAt(
        problems,
        row,
        'organisation',
        'the code or organisation number of an organisation in the register (import organisations first)',
        orgRaw === '' ? 'organisation is missing' : `organisation ${orgRaw} is unknown`,
      );
    const place = readPlace(problems, row, geo, true);
    const postalRaw = row.get('postal_code');
    let postalCode: string | null = null;
    if (postalRaw !== '') {
      const digits = postalRaw.replace(/\s/g, '');
      if (!/^\d{5}$/.test(digits))
        problemAt(
          problems,
          row,
          'postal_code',
          LOCATION_COLUMNS[8]!.expected,
          `postal_code '${postalRaw}' is not a Swedish postal code`,
        );
      else postalCode = `${digits.slice(0, 3)} ${digits.slice(3)}`;
    }
    const latitude = coordinate(problems, row, 'latitude');
    const longitude = coordinate(problems, row, 'longitude');
    if (latitude !== undefined && longitude !== undefined) {
      if ((latitude === null) !== (longitude === null))
        problemAt(
          problems,
          row,
          latitude === null ? 'latitude' : 'longitude',
          'both latitude and longitude, or neither',
          'a coordinate is given without the other',
        );
      else if (latitude !== null && longitude !== null && !isInSweden(latitude, longitude))
        problemAt(
          problems,
          row,
          'latitude',
          'a point in Sweden (latitude 55.0–69.1, longitude 10.9–24.2, WGS 84)',
          `${latitude}, ${longitude} is not in Sweden (latitude and longitude swapped?)`,
        );
    }
    const servesRaw = row.get('serves');
    const serves =
      servesRaw === '' ? [] : [...new Set(servesRaw.split(/[\s;,|]+/).filter((s) => s !== ''))].sort();
    if (serves.length > 0 && kind !== undefined && kind !== 'wholesaler_warehouse')
      problemAt(
        problems,
        row,
        'serves',
        'empty: only a wholesaler warehouse delivers to regions',
        `a ${kind} does not deliver to regions`,
      );
    for (const r of serves)
      if (!geo.regions.has(r))
        problemAt(
          problems,
          row,
          'serves',
          'region codes that exist, e.g. "01 03 04"',
          `serves names region '${r}', which is unknown`,
        );
    const activeRaw = row.get('active').toLowerCase();
    const active = YES.has(activeRaw) ? true : NO.has(activeRaw) ? false : undefined;
    if (active === undefined)
      problemAt(
        problems,
        row,
        'active',
        LOCATION_COLUMNS[13]!.expected,
        `active '${row.get('active')}' is not yes or no`,
      );
    if (
      problems.total !== before ||
      kind === undefined ||
      organisationId === undefined ||
      place === undefined ||
      place.regionCode === null ||
      latitude === undefined ||
      longitude === undefined ||
      active === undefined
    )
      continue;
    const stored = byCode.get(code);
    const closedOn = active ? null : (stored?.closedOn ?? today);
    records.push({
      row,
      rec: {
        code,
        gln,
        name,
        kind,
        organisationId,
        regionCode: place.regionCode,
        municipalityCode: place.municipalityCode,
        streetAddress: row.get('street_address') || null,
        postalCode,
        postalTown: row.get('postal_town') || null,
        latitude,
        longitude,
        closedOn,
        serves,
      },
    });
  }
  // GLN stays unique across the register after the import.
  const inFile = new Set(records.map((r) => r.rec.code));
  const glnHolder = new Map<string, string>();
  for (const l of existing) if (!inFile.has(l.code) && l.gln) glnHolder.set(l.gln, l.code);
  for (const { row, rec } of records) {
    if (rec.gln === null) continue;
    const holder = glnHolder.get(rec.gln);
    if (holder !== undefined)
      problemAt(
        problems,
        row,
        'gln',
        'a GLN no other location has',
        `gln ${rec.gln} is the GLN of location ${holder}`,
      );
    else glnHolder.set(rec.gln, rec.code);
  }
  if (problems.any) throw await refused(store, req, 'locations', problems);

  const at = new Date(req.now ?? Date.now());
  const changes: RegisterChange[] = [];
  let unchanged = 0;
  const auditId = await store.bulkTransaction(async (trx) => {
    await clearGlns(
      trx,
      existing
        .filter((l) => l.gln !== null && records.some((r) => r.rec.code === l.code && r.rec.gln !== l.gln))
        .map((l) => l.id),
    );
    for (const { rec } of records) {
      const stored = byCode.get(rec.code);
      if (!stored) {
        await insertLocation(trx, rec);
        changes.push({ code: rec.code, action: 'created' });
        continue;
      }
      const fields = changedFields(stored, rec, LOCATION_FIELDS);
      const closing = stored.closedOn === null && rec.closedOn !== null;
      const reopening = stored.closedOn !== null && rec.closedOn === null;
      if (fields.length === 0 && !closing && !reopening && rec.gln === stored.gln) {
        unchanged++;
        continue;
      }
      await updateLocation(
        trx,
        stored.id,
        rec,
        at,
        fields.some((f) => f.field === 'serves'),
      );
      if (fields.length > 0) changes.push({ code: rec.code, action: 'updated', fields });
      if (closing)
        changes.push({
          code: rec.code,
          action: 'closed',
          fields: [{ field: 'closedOn', from: null, to: rec.closedOn }],
        });
      if (reopening)
        changes.push({
          code: rec.code,
          action: 'reopened',
          fields: [{ field: 'closedOn', from: stored.closedOn, to: null }],
        });
    }
    if (req.complete) {
      const missing = existing.filter((l) => !inFile.has(l.code) && l.closedOn === null);
      await closeLocations(
        trx,
        missing.map((l) => l.id),
        today,
        at,
      );
      for (const l of missing)
        changes.push({
          code: l.code,
          action: 'closed',
          fields: [{ field: 'closedOn', from: null, to: today }],
        });
    }
    return auditImport(trx, req.actor, 'locations.imported', 'locations_register', req.fileName ?? null, {
      fileName: req.fileName ?? null,
      contentSha256: sha256(req.bytes),
      rows: records.length,
      complete: req.complete ?? false,
      changes,
    });
  });
  return summarise('locations', req, records.length, unchanged, changes, auditId);
}
