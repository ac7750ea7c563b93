import { addDays, calendarDateInSweden } from '../domain/calendar.js';
import type { IngestKind, Reporter } from '../domain/report.js';
import type { Db } from '../store/database.js';
import { KIND_SPECS, SWEDISH_COLUMN_NAMES } from './lines.js';

/** The language of a template's header: the English column names, or the Swedish ones. */
export type TemplateColumns = 'en' | 'sv';

/**
 * A CSV template of a report kind (issue 10 item 6): the header and one example line made of the
 * caller's own codes (one of its locations, a package it may report on: its own for a company) and
 * days around today in Sweden, so that the template as downloaded is accepted as it is and shows what
 * each column holds. Comma separated, UTF-8, every column of the kind in the order of docs/reports.md.
 */
export async function reportTemplate(
  db: Db,
  reporter: Reporter,
  kind: IngestKind,
  columns: TemplateColumns,
  now: Date,
): Promise<string> {
  const today = calendarDateInSweden(now);
  const fields = KIND_SPECS[kind].fields;
  const location = await db
    .selectFrom('location')
    .select(['code', 'region_code'])
    .where('organisation_id', '=', reporter.organisationId)
    .where('closed_on', 'is', null)
    .orderBy('code')
    .limit(1)
    .executeTakeFirst();
  const ownPackage = db
    .selectFrom('package')
    .select('npl_pack_id')
    .where('company_id', '=', reporter.organisationId)
    .where('withdrawn_on', 'is', null)
    .orderBy('npl_pack_id')
    .limit(1);
  const anyPackage = db
    .selectFrom('package')
    .select('npl_pack_id')
    .where('withdrawn_on', 'is', null)
    .orderBy('npl_pack_id')
    .limit(1);
  const pkg =
    (await ownPackage.executeTakeFirst())?.npl_pack_id ??
    (await anyPackage.executeTakeFirst())?.npl_pack_id ??
    '';
  const locationCode = location?.code ?? '';
  const values: Record<string, string> = {
    location: locationCode,
    package: pkg,
    quantity: kind === 'stock_difference' ? '-2' : kind === 'expected_delivery' ? '100' : '12',
    batch: 'B2026-001',
    expiry: addDays(today, 365),
    stock_level: '1',
    // A bare day is midnight in Sweden: never in the future when the template is sent the same day.
    counted_at: today,
    owner: '',
    date: addDays(today, -1),
    // A region-level line names the region; a location's line leaves it empty.
    region: location === undefined ? (reporter.regionCode ?? '') : '',
    period_days: '1',
    age_band: '',
    sex: '',
    channel: '',
    expected_on: addDays(today, 14),
    reference: kind === 'shortage_notice' ? 'RA-2026-001' : 'PO-2026-001',
    type: 'shortage',
    expected_start: addDays(today, 7),
    expected_end: addDays(today, 60),
    reason: 'Produktionsstörning',
    alternatives: '',
  };
  // A company reports deliveries of its own packages without a receiving location.
  if (kind === 'expected_delivery' && reporter.organisationKind === 'company') values.location = '';
  const header = fields.map((f) => (columns === 'sv' ? (SWEDISH_COLUMN_NAMES[f.csv] ?? f.csv) : f.csv));
  const line = fields.map((f) => csvCell(values[f.csv] ?? ''));
  return `${header.join(',')}\r\n${line.join(',')}\r\n`;
}

function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
