import { hashToken } from '../../src/domain/access.js';
import {
  channelOfLocationKind,
  channelOfRegionFigure,
  type SalesChannel,
} from '../../src/domain/sales-channel.js';
import type { Db } from '../../src/store/database.js';
import type { AuthorityCode, LocationKind, OrganisationKind, Role } from '../../src/domain/vocabulary.js';
import { recordSalesExtent } from '../../src/store/sales-extent.repository.js';

/** Test data builders: each inserts one row with sensible defaults and returns its id. */

let counter = 0;
const next = () => ++counter;

export async function buildRegion(
  db: Db,
  over: Partial<{ code: string; name: string; population: number }> = {},
) {
  const code = over.code ?? '01';
  await db
    .insertInto('region')
    .values({
      code,
      name: over.name ?? `Region ${code}`,
      population: over.population ?? 100_000,
      population_date: '2023-08-31',
      civil_area: 'Stockholm',
    })
    .execute();
  return code;
}

export async function buildMunicipality(db: Db, regionCode: string, code: string, name = `Kommun ${code}`) {
  await db
    .insertInto('municipality')
    .values({ code, name, region_code: regionCode, population: 10_000 })
    .execute();
  return code;
}

export async function buildOrganisation(
  db: Db,
  over: Partial<{
    code: string;
    name: string;
    kind: OrganisationKind;
    regionCode: string | null;
    authority: AuthorityCode | null;
  }> = {},
): Promise<number> {
  const n = next();
  const row = await db
    .insertInto('organisation')
    .values({
      code: over.code ?? `ORG-${n}`,
      org_number: `99${String(n).padStart(4, '0')}-${String(n).padStart(4, '0')}`,
      name: over.name ?? `Organisation ${n}`,
      kind: over.kind ?? 'pharmacy_operator',
      region_code: over.regionCode ?? null,
      // Only when given: a test of an older schema (before 0013) builds organisations too.
      ...(over.authority ? { authority: over.authority } : {}),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function buildLocation(
  db: Db,
  organisationId: number,
  over: Partial<{
    code: string;
    name: string;
    kind: LocationKind;
    regionCode: string;
    municipalityCode: string | null;
    gln: string | null;
  }> = {},
): Promise<number> {
  const n = next();
  const row = await db
    .insertInto('location')
    .values({
      code: over.code ?? `SE-TST-${String(n).padStart(4, '0')}`,
      gln: over.gln ?? null,
      name: over.name ?? `Plats ${n}`,
      kind: over.kind ?? 'community_pharmacy',
      organisation_id: organisationId,
      region_code: over.regionCode ?? '01',
      municipality_code: over.municipalityCode ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function buildPackage(
  db: Db,
  companyId: number,
  over: Partial<{
    nplPackId: string;
    gtin: string | null;
    nordicArticleNumber: string | null;
    name: string;
    substance: string;
    atcCode: string;
    form: string;
    strength: string;
    packSize: number;
    parallelTraded: boolean;
    licence: boolean;
    species: 'human' | 'veterinary';
  }> = {},
): Promise<number> {
  const n = next();
  const medicine = await db
    .insertInto('medicine')
    .values({
      npl_id: `99${String(n).padStart(12, '0')}`,
      name: over.name ?? `Testmedel ${n}`,
      atc_code: over.atcCode ?? 'N02BE01',
      substance: over.substance ?? 'paracetamol',
      form: over.form ?? 'tablett',
      strength: over.strength ?? '500 mg',
      species: over.species ?? 'human',
      company_id: companyId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const pkg = await db
    .insertInto('package')
    .values({
      npl_pack_id: over.nplPackId ?? `99${String(n).padStart(12, '0')}`,
      gtin: over.gtin ?? null,
      nordic_article_number: over.nordicArticleNumber ?? null,
      medicine_id: medicine.id,
      pack_size: over.packSize ?? 100,
      pack_unit: 'st',
      description: `${over.packSize ?? 100} tablett(er)`,
      price_sek: 50,
      company_id: companyId,
      parallel_traded: over.parallelTraded ?? false,
      licence: over.licence ?? false,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return pkg.id;
}

/** A user with a token of `role` at `organisationId`; returns the plain token to send as Bearer. */
export async function buildToken(
  db: Db,
  organisationId: number,
  role: Role,
  token = `test-token-${next()}`,
): Promise<string> {
  const n = next();
  const user = await db
    .insertInto('app_user')
    .values({ name: `Användare ${n}`, email: `user${n}@example.test`, organisation_id: organisationId })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('api_token')
    .values({
      token_sha256: hashToken(token),
      label: 'test',
      user_id: user.id,
      organisation_id: organisationId,
      role,
    })
    .execute();
  return token;
}

// Facts (issue 4: the situational picture) ------------------------------------------------------

/** A report that facts belong to; a fresh content hash each time, so reports never collide. */
export async function buildReport(
  db: Db,
  organisationId: number,
  kind:
    | 'stock_snapshot'
    | 'stock_difference'
    | 'sales'
    | 'expected_delivery'
    | 'shortage_notice'
    | 'synthetic' = 'synthetic',
): Promise<number> {
  const n = next();
  const row = await db
    .insertInto('report')
    .values({
      kind,
      organisation_id: organisationId,
      content_sha256: `test-${n}-${Math.random().toString(16).slice(2)}`,
      format: 'csv',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface StockLineInput {
  packageId: number;
  quantity: number;
  expiry?: string | null;
  batch?: string | null;
  stockLevel?: number;
  /** Whose stock the line is when not the holder's (0013); omitted: the holder's own. */
  ownerId?: number | null;
}

/** A stock snapshot of one location with its lines (one report of its owner); returns the snapshot id. */
export async function buildStockSnapshot(
  db: Db,
  locationId: number,
  lines: readonly StockLineInput[],
  countedAt = '2026-01-01T06:00:00Z',
): Promise<number> {
  const location = await db
    .selectFrom('location')
    .select('organisation_id')
    .where('id', '=', locationId)
    .executeTakeFirstOrThrow();
  const reportId = await buildReport(db, location.organisation_id, 'stock_snapshot');
  const snapshot = await db
    .insertInto('stock_snapshot')
    .values({ location_id: locationId, counted_at: countedAt, report_id: reportId, line_count: lines.length })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (lines.length > 0) {
    await db
      .insertInto('stock_line')
      .values(
        lines.map((l, i) => ({
          snapshot_id: snapshot.id,
          package_id: l.packageId,
          batch: l.batch ?? `B${i + 1}`,
          expiry: l.expiry === undefined ? '2030-01-01' : l.expiry,
          quantity: l.quantity,
          stock_level: l.stockLevel ?? 1,
          ...(l.ownerId ? { owner_id: l.ownerId } : {}),
        })),
      )
      .execute();
  }
  return snapshot.id;
}

/** Stock differences (signed changes since the last count) of one location. */
export async function buildStockDifference(
  db: Db,
  locationId: number,
  lines: readonly StockLineInput[],
  countedAt: string,
): Promise<number> {
  const location = await db
    .selectFrom('location')
    .select('organisation_id')
    .where('id', '=', locationId)
    .executeTakeFirstOrThrow();
  const reportId = await buildReport(db, location.organisation_id, 'stock_difference');
  await db
    .insertInto('stock_difference_line')
    .values(
      lines.map((l, i) => ({
        report_id: reportId,
        location_id: locationId,
        counted_at: countedAt,
        package_id: l.packageId,
        batch: l.batch ?? `B${i + 1}`,
        expiry: l.expiry === undefined ? '2030-01-01' : l.expiry,
        quantity: l.quantity,
        stock_level: l.stockLevel ?? 1,
        ...(l.ownerId ? { owner_id: l.ownerId } : {}),
      })),
    )
    .execute();
  return reportId;
}

export interface SalesInput {
  packageId: number;
  regionCode: string;
  periodStart: string;
  periodDays?: 1 | 7;
  quantity: number;
  locationId?: number | null;
  /** Default as for a report without one: the location's kind, or the reporter's for a region total. */
  channel?: SalesChannel;
}

/** Sales rows (one report of `organisationId`, by default the first organisation). */
export async function buildSales(
  db: Db,
  rows: readonly SalesInput[],
  organisationId?: number,
): Promise<void> {
  const org =
    organisationId ??
    (await db.selectFrom('organisation').select('id').orderBy('id').executeTakeFirstOrThrow()).id;
  const reportId = await buildReport(db, org, 'sales');
  const reporter = await db
    .selectFrom('organisation')
    .select('kind')
    .where('id', '=', org)
    .executeTakeFirstOrThrow();
  const locationIds = [...new Set(rows.map((r) => r.locationId).filter((l): l is number => l != null))];
  const kinds = new Map(
    (locationIds.length === 0
      ? []
      : await db.selectFrom('location').select(['id', 'kind']).where('id', 'in', locationIds).execute()
    ).map((l) => [l.id, l.kind]),
  );
  const channelOf = (r: SalesInput): SalesChannel => {
    if (r.channel !== undefined) return r.channel;
    const kind = r.locationId == null ? undefined : kinds.get(r.locationId);
    return kind === undefined ? channelOfRegionFigure(reporter.kind) : channelOfLocationKind(kind);
  };
  for (let i = 0; i < rows.length; i += 2000) {
    await db
      .insertInto('sales')
      .values(
        rows.slice(i, i + 2000).map((r) => ({
          period_start: r.periodStart,
          period_days: r.periodDays ?? 1,
          region_code: r.regionCode,
          location_id: r.locationId ?? null,
          package_id: r.packageId,
          quantity: r.quantity,
          channel: channelOf(r),
          age_band: null,
          sex: null,
          report_id: reportId,
        })),
      )
      .execute();
  }
  await recordSalesExtent(db, reportId);
}

/** Daily rows of `perDay` from `from` to `to` inclusive ('YYYY-MM-DD'). */
export function dailySales(
  packageId: number,
  regionCode: string,
  from: string,
  to: string,
  perDay: number,
  locationId: number | null = null,
): SalesInput[] {
  const rows: SalesInput[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= end; t += 86_400_000) {
    rows.push({
      packageId,
      regionCode,
      periodStart: new Date(t).toISOString().slice(0, 10),
      quantity: perDay,
      locationId,
    });
  }
  return rows;
}

/** A shortage notice (restanmälan) or sales stop on a package; returns its id. */
export async function buildNotice(
  db: Db,
  packageId: number,
  over: Partial<{
    kind: 'shortage' | 'sales_stop';
    expectedStart: string;
    expectedEnd: string | null;
    notifiedAt: string;
    supersedesId: number | null;
    reason: string;
  }> = {},
): Promise<number> {
  const pkg = await db
    .selectFrom('package')
    .select('company_id')
    .where('id', '=', packageId)
    .executeTakeFirstOrThrow();
  const row = await db
    .insertInto('shortage_notice')
    .values({
      kind: over.kind ?? 'shortage',
      package_id: packageId,
      company_id: pkg.company_id,
      notified_at: over.notifiedAt ?? '2025-12-01T09:00:00Z',
      expected_start: over.expectedStart ?? '2026-01-01',
      expected_end: over.expectedEnd === undefined ? null : over.expectedEnd,
      reason: over.reason ?? 'produktionsstörning',
      supersedes_id: over.supersedesId ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** An expected delivery of a package (the reporter's plan); `locationId` where it arrives, if known. */
export async function buildExpectedDelivery(
  db: Db,
  organisationId: number,
  packageId: number,
  expectedOn: string,
  quantity: number,
  locationId: number | null = null,
): Promise<void> {
  const reportId = await buildReport(db, organisationId, 'expected_delivery');
  await db
    .insertInto('expected_delivery')
    .values({
      report_id: reportId,
      organisation_id: organisationId,
      package_id: packageId,
      location_id: locationId,
      quantity,
      expected_on: expectedOn,
      reference: null,
    })
    .execute();
}

/** Socialstyrelsen's prioritised list ('sos-prioritised') with the given entries; returns the list id. */
export async function buildPrioritisedList(
  db: Db,
  issuerId: number,
  entries: readonly { atcCode: string; substance: string; form?: string | null }[],
  validFrom = '2023-05-12',
): Promise<number> {
  const list = await db
    .insertInto('product_list')
    .values({
      code: 'sos-prioritised',
      version: validFrom,
      name: 'Läkemedel för vård som inte kan anstå',
      issuer_id: issuerId,
      published_on: validFrom,
      valid_from: validFrom,
      valid_to: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('product_list_item')
    .values(
      entries.map((e, i) => ({
        list_id: list.id,
        position: i + 1,
        atc_code: e.atcCode,
        substance: e.substance,
        form: e.form ?? null,
        care_area: 'sluten vård',
        note: null,
      })),
    )
    .execute();
  return list.id;
}
