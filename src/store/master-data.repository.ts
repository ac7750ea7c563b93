import { sql, type ColumnType, type Generated, type Kysely } from 'kysely';
import { AppError, type Problem } from '../domain/errors.js';
import { LISTED_PROBLEMS } from '../domain/report.js';
import type {
  MarketStatus,
  PackageSnapshot,
  Register,
  StagedPackage,
  StoredSnapshot,
} from '../domain/master-data.js';
import type { CopyFn, Db, Tx } from './database.js';
import type { Database } from './schema.js';

/**
 * Master data imports (issue 9): the import log, NPL organisations, the packages' history, and the
 * set-wise writes of an NPL export. Thin queries; the import services own the transaction.
 */

type DateCol = string;
type Json<T> = ColumnType<T, string | undefined, string>;

export interface MasterDataImportTable {
  id: Generated<number>;
  register: Register | 'organisations' | 'locations';
  organisation_id: number | null;
  token_id: number | null;
  source: string;
  content_sha256: string;
  as_of: DateCol;
  mode: string | null;
  status: 'accepted' | 'rejected';
  summary: Json<Record<string, number>>;
  changes: Json<unknown>;
  warnings: Json<Problem[]>;
  problems: Json<Problem[]>;
  problem_count: Generated<number>;
  received_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface NplOrganisationTable {
  npl_org_id: string;
  organisation_id: number;
  name: string | null;
}

export interface PackageVersionTable {
  package_id: number;
  valid_from: DateCol | null;
  valid_to: DateCol | null;
  import_id: number | null;
  npl_id: string;
  name: string;
  atc_code: string;
  substance: string;
  form: string;
  strength: string;
  species: 'human' | 'veterinary';
  product_class: string | null;
  holder_id: number;
  seller_id: number;
  nordic_article_number: string | null;
  gtin: string | null;
  pack_size: ColumnType<number, number | string, number | string>;
  pack_unit: string;
  description: string;
  parallel_traded: boolean;
  licence: boolean;
  market_status: MarketStatus;
}

// A type alias, not an interface: Kysely's withTables needs an index signature.
export type MasterDataTables = {
  master_data_import: MasterDataImportTable;
  npl_organisation: NplOrganisationTable;
  package_version: PackageVersionTable;
};

export type MasterDb = Kysely<Database & MasterDataTables>;

/** The store's database with the master-data tables (migration 0010) in its type. */
export function masterDb(db: Db | Tx): MasterDb {
  return db.withTables<MasterDataTables>();
}

// The import log ------------------------------------------------------------------------------------

export interface NewImport {
  register: Register;
  organisationId: number | null;
  tokenId: number | null;
  source: string;
  contentSha256: string;
  asOf: string;
  mode: string | null;
  receivedAt: Date;
}

export async function insertImport(
  db: Db | Tx,
  i: NewImport,
  status: 'accepted' | 'rejected',
  problems: { list: Problem[]; total: number } = { list: [], total: 0 },
): Promise<number> {
  const row = await masterDb(db)
    .insertInto('master_data_import')
    .values({
      register: i.register,
      organisation_id: i.organisationId,
      token_id: i.tokenId,
      source: i.source,
      content_sha256: i.contentSha256,
      as_of: i.asOf,
      mode: i.mode,
      status,
      problems: JSON.stringify(problems.list),
      problem_count: problems.total,
      received_at: i.receivedAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function completeImport(
  trx: Tx,
  id: number,
  result: { summary: Record<string, number>; changes: unknown; warnings: Problem[] },
): Promise<void> {
  await masterDb(trx)
    .updateTable('master_data_import')
    .set({
      summary: JSON.stringify(result.summary),
      changes: JSON.stringify(result.changes),
      warnings: JSON.stringify(result.warnings),
    })
    .where('id', '=', id)
    .execute();
}

/** One audit entry per import, accepted or refused (audit_log is append-only). */
export async function auditImport(
  db: Db | Tx,
  a: {
    importId: number;
    register: Register;
    status: 'accepted' | 'rejected';
    organisationId: number | null;
    tokenId: number | null;
    detail: Record<string, unknown>;
  },
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      token_id: a.tokenId,
      organisation_id: a.organisationId,
      action: `master-data.${a.status}`,
      entity: `master_data_import:${a.register}`,
      entity_id: String(a.importId),
      detail: JSON.stringify(a.detail),
    })
    .execute();
}

export type ImportRow = Awaited<ReturnType<typeof findImport>>;

const IMPORT_COLUMNS = [
  'i.id',
  'i.register',
  'i.organisation_id',
  'i.token_id',
  'i.source',
  'i.content_sha256',
  'i.as_of',
  'i.mode',
  'i.status',
  'i.summary',
  'i.changes',
  'i.warnings',
  'i.problems',
  'i.problem_count',
  'i.received_at',
] as const;

/** An import with who sent it: the organisation's and the token's user's names (null for the CLI). */
function importsWithSender(db: Db) {
  return masterDb(db)
    .selectFrom('master_data_import as i')
    .leftJoin('organisation as o', 'o.id', 'i.organisation_id')
    .leftJoin('api_token as t', 't.id', 'i.token_id')
    .leftJoin('app_user as u', 'u.id', 't.user_id')
    .select(['o.name as organisation_name', 'u.name as user_name']);
}

export async function findImport(db: Db, id: number) {
  return importsWithSender(db).select(IMPORT_COLUMNS).where('i.id', '=', id).executeTakeFirst();
}

/**
 * Imports of the given registers, newest first. The caller passes the registers it may see: an
 * empty list reads nothing.
 */
/**
 * The imports of some registers, newest first, each with only its first `listed` problems and
 * warnings (cut in the database, so that a page stays small; `findImport` gives all that were kept).
 */
export async function listImports(
  db: Db,
  registers: readonly Register[],
  limit: number,
  offset: number,
  listed = LISTED_PROBLEMS,
) {
  const first = `$[0 to ${Math.max(0, Math.floor(listed) - 1)}]`;
  if (registers.length === 0) return { rows: [], total: 0 };
  const query = masterDb(db)
    .selectFrom('master_data_import as i')
    .where('i.register', 'in', [...registers]);
  const [rows, count] = await Promise.all([
    importsWithSender(db)
      .where('i.register', 'in', [...registers])
      .select([
        ...IMPORT_COLUMNS.filter((c) => c !== 'i.changes' && c !== 'i.problems' && c !== 'i.warnings'),
        sql<Problem[]>`jsonb_path_query_array(i.problems, ${first}::jsonpath)`.as('problems'),
        sql<Problem[]>`jsonb_path_query_array(i.warnings, ${first}::jsonpath)`.as('warnings'),
      ])
      .orderBy('i.received_at', 'desc')
      .orderBy('i.id', 'desc')
      .limit(limit)
      .offset(offset)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** The date of the newest accepted import of a register, if any. */
export async function latestAcceptedAsOf(db: Db | Tx, register: Register): Promise<string | undefined> {
  const row = await masterDb(db)
    .selectFrom('master_data_import')
    .select((eb) => eb.fn.max('as_of').as('as_of'))
    .where('register', '=', register)
    .where('status', '=', 'accepted')
    .executeTakeFirst();
  return row?.as_of ?? undefined;
}

// NPL organisations ------------------------------------------------------------------------------

/**
 * The organisation of each NPL organisation id, creating what is missing. An id seen before keeps its
 * organisation. A new id is linked to the one company of exactly the lexicon's name when there is one
 * (the synthetic register names the generator's companies), otherwise a company is created with code
 * `NPL-<id>`, the lexicon's name (or the id until the lexicon arrives) and no organisationsnummer.
 * Organisations the register created take the lexicon's name whenever it gives one.
 */
export async function resolveNplOrganisations(
  trx: Tx,
  organisations: ReadonlyMap<string, string | undefined>,
): Promise<{ ids: Map<string, number>; created: number; renamed: number }> {
  const db = masterDb(trx);
  const wanted = [...organisations.keys()];
  const ids = new Map<string, number>();
  let created = 0;
  let renamed = 0;
  if (wanted.length === 0) return { ids, created, renamed };
  const known = await db
    .selectFrom('npl_organisation as n')
    .innerJoin('organisation as o', 'o.id', 'n.organisation_id')
    .select(['n.npl_org_id', 'n.organisation_id', 'n.name', 'o.code', 'o.name as org_name'])
    .where('n.npl_org_id', 'in', wanted)
    .execute();
  const renames: { nplOrgId: string; organisationId: number; name: string; rename: boolean }[] = [];
  for (const k of known) {
    ids.set(k.npl_org_id, k.organisation_id);
    const name = organisations.get(k.npl_org_id);
    if (name !== undefined && name !== k.name) {
      renames.push({
        nplOrgId: k.npl_org_id,
        organisationId: k.organisation_id,
        name,
        rename: k.code.startsWith('NPL-') && k.org_name !== name,
      });
    }
  }
  for (const r of renames) {
    await db
      .updateTable('npl_organisation')
      .set({ name: r.name })
      .where('npl_org_id', '=', r.nplOrgId)
      .execute();
    if (r.rename) {
      await db.updateTable('organisation').set({ name: r.name }).where('id', '=', r.organisationId).execute();
      renamed++;
    }
  }
  const missing = wanted.filter((id) => !ids.has(id));
  if (missing.length === 0) return { ids, created, renamed };

  const names = [...new Set(missing.map((id) => organisations.get(id)).filter((n) => n !== undefined))];
  const byName = new Map<string, number[]>();
  if (names.length > 0) {
    const companies = await db
      .selectFrom('organisation')
      .select(['id', 'name'])
      .where('kind', '=', 'company')
      .where(
        sql<string>`lower(name)`,
        'in',
        names.map((n) => n.toLowerCase()),
      )
      .execute();
    for (const c of companies) {
      const key = c.name.toLowerCase();
      byName.set(key, [...(byName.get(key) ?? []), c.id]);
    }
  }
  const links: NplOrganisationTable[] = [];
  const toCreate: { nplOrgId: string; name: string | undefined }[] = [];
  for (const id of missing) {
    const name = organisations.get(id);
    const matches = name !== undefined ? byName.get(name.toLowerCase()) : undefined;
    if (matches?.length === 1) {
      ids.set(id, matches[0]!);
      links.push({ npl_org_id: id, organisation_id: matches[0]!, name: name ?? null });
    } else toCreate.push({ nplOrgId: id, name });
  }
  for (let i = 0; i < toCreate.length; i += 1000) {
    const chunk = toCreate.slice(i, i + 1000);
    const rows = await db
      .insertInto('organisation')
      .values(
        chunk.map((c) => ({
          code: `NPL-${c.nplOrgId}`,
          org_number: null,
          name: c.name ?? c.nplOrgId,
          kind: 'company' as const,
          region_code: null,
          municipality_code: null,
        })),
      )
      .returning(['id', 'code'])
      .execute();
    const idOfCode = new Map(rows.map((r) => [r.code, r.id]));
    for (const c of chunk) {
      const orgId = idOfCode.get(`NPL-${c.nplOrgId}`)!;
      ids.set(c.nplOrgId, orgId);
      links.push({ npl_org_id: c.nplOrgId, organisation_id: orgId, name: c.name ?? null });
    }
    created += chunk.length;
  }
  for (let i = 0; i < links.length; i += 5000)
    await db
      .insertInto('npl_organisation')
      .values(links.slice(i, i + 5000))
      .execute();
  return { ids, created, renamed };
}

// NPL: current state and the set-wise write ------------------------------------------------------

export interface StoredPackage extends StoredSnapshot {
  packageId: number;
}

/**
 * Rows of a query read as one JSON array: PGlite turns each value of a result into a JavaScript value
 * one by one (30,000 packages of 21 columns took 2.5–4 s here), while one text value and
 * `JSON.parse` take a small fraction of that. The query's rows become arrays, in `columns` order.
 */
async function jsonRows<T extends readonly unknown[]>(
  trx: Tx,
  columns: string,
  from: ReturnType<typeof sql>,
): Promise<T[]> {
  const result = await sql<{ rows: string | null }>`
    SELECT json_agg(json_build_array(${sql.raw(columns)}))::text AS rows ${from}`.execute(trx);
  const text = result.rows[0]?.rows;
  return text ? (JSON.parse(text) as T[]) : [];
}

type SnapshotRow = [
  id: number,
  nplPackId: string,
  nplId: string,
  name: string,
  atcCode: string,
  substance: string,
  form: string,
  strength: string,
  species: 'human' | 'veterinary',
  productClass: string | null,
  holderId: number,
  sellerId: number,
  nordicArticleNumber: string | null,
  gtin: string | null,
  packSize: number,
  packUnit: string,
  description: string,
  parallelTraded: boolean,
  licence: boolean,
  marketStatus: MarketStatus,
  hasHistory: boolean,
];

/** Every medicine package with its medicine, as an NPL import compares it (devices are not in NPL). */
export async function loadPackageSnapshots(trx: Tx): Promise<Map<string, StoredPackage>> {
  const rows = await jsonRows<SnapshotRow>(
    trx,
    `p.id, p.npl_pack_id, m.npl_id, m.name, m.atc_code, m.substance, m.form, m.strength, m.species,
     m.product_class, m.company_id, p.company_id, p.nordic_article_number, p.gtin, p.pack_size, p.pack_unit,
     p.description, p.parallel_traded, p.licence, p.market_status, v.package_id IS NOT NULL`,
    sql`FROM package p JOIN medicine m ON m.id = p.medicine_id
        LEFT JOIN (SELECT package_id FROM package_version WHERE valid_to IS NULL) v ON v.package_id = p.id
        WHERE p.kind = 'medicine'`,
  );
  const map = new Map<string, StoredPackage>();
  for (const r of rows) {
    map.set(r[1], {
      packageId: r[0],
      hasHistory: r[20],
      snapshot: {
        nplPackId: r[1],
        nplId: r[2],
        name: r[3],
        atcCode: r[4],
        substance: r[5],
        form: r[6],
        strength: r[7],
        species: r[8],
        productClass: r[9],
        holderId: r[10],
        sellerId: r[11],
        nordicArticleNumber: r[12],
        gtin: r[13],
        packSize: Number(r[14]),
        packUnit: r[15],
        description: r[16],
        parallelTraded: r[17],
        licence: r[18],
        marketStatus: r[19],
      },
    });
  }
  return map;
}

/** A medicine as an NPL import writes it. */
export interface MedicineValues {
  nplId: string;
  name: string;
  atcCode: string;
  substance: string;
  form: string;
  strength: string;
  species: 'human' | 'veterinary';
  holderId: number;
  formCode: string | null;
  substanceCodes: string | null;
  productClass: string | null;
}

/** Medicines whose stored values differ from `wanted` (or that are new), by NPL id. */
export async function medicinesToWrite(
  trx: Tx,
  wanted: readonly MedicineValues[],
): Promise<MedicineValues[]> {
  type Row = [
    nplId: string,
    name: string,
    atcCode: string,
    substance: string,
    form: string,
    strength: string,
    species: string,
    holderId: number,
    formCode: string | null,
    substanceCodes: string | null,
    productClass: string | null,
  ];
  const rows = await jsonRows<Row>(
    trx,
    'npl_id, name, atc_code, substance, form, strength, species, company_id, form_code, substance_codes, product_class',
    sql`FROM medicine`,
  );
  const stored = new Map(rows.map((r) => [r[0], r]));
  return wanted.filter((m) => {
    const s = stored.get(m.nplId);
    return (
      !s ||
      s[1] !== m.name ||
      s[2] !== m.atcCode ||
      s[3] !== m.substance ||
      s[4] !== m.form ||
      s[5] !== m.strength ||
      s[6] !== m.species ||
      s[7] !== m.holderId ||
      s[8] !== m.formCode ||
      s[9] !== m.substanceCodes ||
      s[10] !== m.productClass
    );
  });
}

/** CSV field: null as empty, text quoted when it needs to be. */
function csv(v: string | number | boolean | null): string {
  if (v === null) return '';
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (typeof v === 'number') return String(v);
  return /[",\n\r]/.test(v) || v === '' ? `"${v.replaceAll('"', '""')}"` : v;
}

function* csvChunks<T>(rows: readonly T[], line: (row: T) => string): Generator<string> {
  let chunk = '';
  for (const row of rows) {
    chunk += line(row);
    if (chunk.length > 1 << 20) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

export async function upsertMedicines(
  trx: Tx,
  copy: CopyFn,
  medicines: readonly MedicineValues[],
): Promise<void> {
  if (medicines.length === 0) return;
  await sql`CREATE TEMP TABLE npl_stage_medicine (
      npl_id text, name text, atc_code text, substance text, form text, strength text, species text,
      company_id bigint, form_code text, substance_codes text, product_class text) ON COMMIT DROP`.execute(
    trx,
  );
  await copy(
    'npl_stage_medicine',
    [
      'npl_id',
      'name',
      'atc_code',
      'substance',
      'form',
      'strength',
      'species',
      'company_id',
      'form_code',
      'substance_codes',
      'product_class',
    ],
    csvChunks(
      medicines,
      (m) =>
        `${[m.nplId, m.name, m.atcCode, m.substance, m.form, m.strength, m.species, m.holderId, m.formCode, m.substanceCodes, m.productClass].map(csv).join(',')}\n`,
    ),
  );
  await sql`
    INSERT INTO medicine (npl_id, name, atc_code, substance, form, strength, species, company_id, form_code,
                          substance_codes, product_class)
    SELECT npl_id, name, atc_code, substance, form, strength, species, company_id, form_code, substance_codes,
           product_class FROM npl_stage_medicine
    ON CONFLICT (npl_id) DO UPDATE SET
      name = excluded.name, atc_code = excluded.atc_code, substance = excluded.substance, form = excluded.form,
      strength = excluded.strength, species = excluded.species, company_id = excluded.company_id,
      form_code = excluded.form_code, substance_codes = excluded.substance_codes,
      product_class = excluded.product_class`.execute(trx);
}

const STAGE_COLUMNS = [
  'op',
  'npl_pack_id',
  'npl_id',
  'name',
  'atc_code',
  'substance',
  'form',
  'strength',
  'species',
  'product_class',
  'holder_id',
  'seller_id',
  'nordic_article_number',
  'gtin',
  'pack_size',
  'pack_unit',
  'description',
  'parallel_traded',
  'licence',
  'market_status',
] as const;

const VERSION_COLUMNS = `npl_id, name, atc_code, substance, form, strength, species, product_class, holder_id,
  seller_id, nordic_article_number, gtin, pack_size, pack_unit, description, parallel_traded, licence, market_status`;

/**
 * Writes what an NPL import changed, set-wise: the staged rows go in by COPY; packages added or changed
 * are upserted by NPL pack id; packages a total export no longer names are marked withdrawn (never
 * deleted); and each of them gets a new version from `asOf`, the version before it closing that day.
 * A package without history gets its state before the import as its first version (from the
 * beginning of its history to `asOf`). A second import of the same day replaces that day's version.
 */
export async function writePackages(
  trx: Tx,
  copy: CopyFn,
  staged: readonly StagedPackage[],
  asOf: string,
  importId: number,
): Promise<void> {
  if (staged.length === 0) return;
  await sql`CREATE TEMP TABLE npl_stage_package (
      op text, npl_pack_id text, npl_id text, name text, atc_code text, substance text, form text,
      strength text, species text, product_class text, holder_id bigint, seller_id bigint,
      nordic_article_number text, gtin text, pack_size numeric, pack_unit text, description text,
      parallel_traded boolean, licence boolean, market_status text) ON COMMIT DROP`.execute(trx);
  await copy(
    'npl_stage_package',
    STAGE_COLUMNS,
    csvChunks(staged, ({ op, snapshot: s }) => {
      const values = [
        op,
        s.nplPackId,
        s.nplId,
        s.name,
        s.atcCode,
        s.substance,
        s.form,
        s.strength,
        s.species,
        s.productClass,
        s.holderId,
        s.sellerId,
        s.nordicArticleNumber,
        s.gtin,
        s.packSize,
        s.packUnit,
        s.description,
        s.parallelTraded,
        s.licence,
        s.marketStatus,
      ];
      return `${values.map(csv).join(',')}\n`;
    }),
  );
  try {
    await sql`
      INSERT INTO package (npl_pack_id, nordic_article_number, gtin, medicine_id, pack_size, pack_unit,
                           description, company_id, parallel_traded, licence, market_status, withdrawn_on)
      SELECT s.npl_pack_id, s.nordic_article_number, s.gtin, m.id, s.pack_size, s.pack_unit, s.description,
             s.seller_id, s.parallel_traded, s.licence, s.market_status, NULL
      FROM npl_stage_package s JOIN medicine m ON m.npl_id = s.npl_id
      WHERE s.op IN ('added', 'changed')
      ON CONFLICT (npl_pack_id) DO UPDATE SET
        nordic_article_number = excluded.nordic_article_number, gtin = excluded.gtin,
        medicine_id = excluded.medicine_id, pack_size = excluded.pack_size, pack_unit = excluded.pack_unit,
        description = excluded.description, company_id = excluded.company_id,
        parallel_traded = excluded.parallel_traded, licence = excluded.licence,
        market_status = excluded.market_status, withdrawn_on = NULL`.execute(trx);
  } catch (err) {
    throw uniqueConflict(err) ?? err;
  }
  await sql`
    UPDATE package p SET market_status = 'withdrawn', withdrawn_on = coalesce(p.withdrawn_on, ${asOf}::date)
    FROM npl_stage_package s
    WHERE s.op = 'withdrawn' AND s.npl_pack_id = p.npl_pack_id`.execute(trx);

  // History: the state found before the first change, then close the current version, then the new one.
  await sql`
    INSERT INTO package_version (package_id, valid_from, valid_to, import_id, ${sql.raw(VERSION_COLUMNS)})
    SELECT p.id, NULL, ${asOf}::date, NULL, ${sql.raw(VERSION_COLUMNS.replace(/(\w+)/g, 's.$1'))}
    FROM npl_stage_package s JOIN package p ON p.npl_pack_id = s.npl_pack_id
    WHERE s.op = 'baseline'`.execute(trx);
  await sql`
    DELETE FROM package_version v USING npl_stage_package s, package p
    WHERE s.op <> 'baseline' AND p.npl_pack_id = s.npl_pack_id AND v.package_id = p.id
      AND v.valid_from = ${asOf}::date`.execute(trx);
  await sql`
    UPDATE package_version v SET valid_to = ${asOf}::date
    FROM npl_stage_package s JOIN package p ON p.npl_pack_id = s.npl_pack_id
    WHERE s.op <> 'baseline' AND v.package_id = p.id AND v.valid_to IS NULL`.execute(trx);
  await sql`
    INSERT INTO package_version (package_id, valid_from, valid_to, import_id, ${sql.raw(VERSION_COLUMNS)})
    SELECT p.id, ${asOf}::date, NULL, ${importId}, ${sql.raw(VERSION_COLUMNS.replace(/(\w+)/g, 's.$1'))}
    FROM npl_stage_package s JOIN package p ON p.npl_pack_id = s.npl_pack_id
    WHERE s.op <> 'baseline'`.execute(trx);
}

/** A unique violation (a Nordic article number or GTIN held by another package) as a conflict. */
function uniqueConflict(err: unknown): AppError | undefined {
  const e = err as { code?: string; detail?: string; message?: string; constraint?: string };
  if (e.code !== '23505') return undefined;
  const detail = e.detail ?? e.message ?? '';
  return AppError.conflict(
    `the export gives a package a ${detail.includes('gtin') ? 'GTIN' : 'Nordic article number'} that another package in beredskap holds: ${detail}`,
  );
}

/** Of these packages, the ones with stock (current, above 0) or any sales: never to be forgotten. */
export async function packagesWithStockOrSales(trx: Tx, packageIds: readonly number[]): Promise<Set<number>> {
  const found = new Set<number>();
  for (let i = 0; i < packageIds.length; i += 10_000) {
    const ids = packageIds.slice(i, i + 10_000);
    const rows = await sql<{ package_id: number }>`
      SELECT DISTINCT package_id FROM (
        SELECT package_id FROM current_stock WHERE package_id = ANY(${ids}::bigint[]) AND quantity > 0
        UNION ALL
        SELECT package_id FROM sales WHERE package_id = ANY(${ids}::bigint[])
      ) x`.execute(trx);
    for (const r of rows.rows) found.add(r.package_id);
  }
  return found;
}

// History reads ------------------------------------------------------------------------------------

export interface PackageVersionView extends PackageSnapshot {
  validFrom: string | null;
  validTo: string | null;
  importId: number | null;
}

function toVersion(r: {
  npl_pack_id: string;
  valid_from: string | null;
  valid_to: string | null;
  import_id: number | null;
  npl_id: string;
  name: string;
  atc_code: string;
  substance: string;
  form: string;
  strength: string;
  species: 'human' | 'veterinary';
  product_class: string | null;
  holder_id: number;
  seller_id: number;
  nordic_article_number: string | null;
  gtin: string | null;
  pack_size: number;
  pack_unit: string;
  description: string;
  parallel_traded: boolean;
  licence: boolean;
  market_status: MarketStatus;
}): PackageVersionView {
  return {
    validFrom: r.valid_from,
    validTo: r.valid_to,
    importId: r.import_id,
    nplPackId: r.npl_pack_id,
    nplId: r.npl_id,
    name: r.name,
    atcCode: r.atc_code,
    substance: r.substance,
    form: r.form,
    strength: r.strength,
    species: r.species,
    productClass: r.product_class,
    holderId: r.holder_id,
    sellerId: r.seller_id,
    nordicArticleNumber: r.nordic_article_number,
    gtin: r.gtin,
    packSize: Number(r.pack_size),
    packUnit: r.pack_unit,
    description: r.description,
    parallelTraded: r.parallel_traded,
    licence: r.licence,
    marketStatus: r.market_status,
  };
}

/** Every version of a package, oldest first (empty when no import has touched it). */
export async function packageHistory(db: Db, nplPackId: string): Promise<PackageVersionView[]> {
  const rows = await masterDb(db)
    .selectFrom('package_version as v')
    .innerJoin('package as p', 'p.id', 'v.package_id')
    .selectAll('v')
    .select('p.npl_pack_id')
    .where('p.npl_pack_id', '=', nplPackId)
    .orderBy(sql`v.valid_from NULLS FIRST`)
    .execute();
  return rows.map(toVersion);
}

/**
 * What a package was on `date`: the version in force that day; the package as it stands when no
 * import has touched it; undefined when it did not exist yet (added by an import after `date`).
 */
export async function packageOnDate(
  db: Db,
  nplPackId: string,
  date: string,
): Promise<PackageVersionView | undefined> {
  const history = await packageHistory(db, nplPackId);
  if (history.length > 0)
    return history.find(
      (v) => (v.validFrom === null || v.validFrom <= date) && (v.validTo === null || date < v.validTo),
    );
  const stored = await loadOne(db, nplPackId);
  return stored;
}

/** A package's register fields as they stand now (package ⋈ medicine), for toVersion. */
const CURRENT_VERSION_COLUMNS = [
  'p.npl_pack_id',
  'm.npl_id',
  'm.name',
  'm.atc_code',
  'm.substance',
  'm.form',
  'm.strength',
  'm.species',
  'm.company_id as holder_id',
  'p.company_id as seller_id',
  'p.nordic_article_number',
  'p.gtin',
  'p.pack_size',
  'p.pack_unit',
  'p.description',
  'p.parallel_traded',
  'p.licence',
  sql<string | null>`m.product_class`.as('product_class'),
  sql<MarketStatus>`p.market_status`.as('market_status'),
] as const;

async function loadOne(db: Db, nplPackId: string): Promise<PackageVersionView | undefined> {
  const r = await db
    .selectFrom('package as p')
    .innerJoin('medicine as m', 'm.id', 'p.medicine_id')
    .select([...CURRENT_VERSION_COLUMNS])
    .where('p.npl_pack_id', '=', nplPackId)
    .executeTakeFirst();
  if (!r) return undefined;
  const version = toVersion({ ...r, valid_from: null, valid_to: null, import_id: null });
  return version;
}

// Product lists (Socialstyrelsen's prioritised list) ---------------------------------------------

export interface ListItemValues {
  position: number;
  atcCode: string;
  substance: string;
  form: string | null;
  careArea: string | null;
  note: string | null;
}

export interface ListVersionRow {
  id: number;
  version: string;
  valid_from: string;
  valid_to: string | null;
  import_id: number | null;
  content_sha256: string | null;
}

/** The stored versions of a list; `lock` holds them until the transaction ends (one import at a time). */
export async function listVersions(db: Db | Tx, code: string, lock = false): Promise<ListVersionRow[]> {
  const rows = await sql<ListVersionRow>`
    SELECT id, version, valid_from, valid_to, import_id, content_sha256
    FROM product_list WHERE code = ${code}
    ORDER BY valid_from, id ${lock ? sql`FOR UPDATE` : sql``}`.execute(db);
  return rows.rows;
}

/**
 * Stores a new version of a list with its entries, and ends the versions still open on its first day
 * (`closeIds`) the day before (`closeOn`). Stored versions are otherwise never changed.
 */
export async function insertListVersion(
  trx: Tx,
  v: {
    code: string;
    version: string;
    name: string;
    issuerId: number;
    publishedOn: string;
    validFrom: string;
    importId: number;
    contentSha256: string;
    items: readonly ListItemValues[];
    closeIds: readonly number[];
    closeOn: string;
  },
): Promise<{ listId: number }> {
  if (v.closeIds.length > 0)
    await trx
      .updateTable('product_list')
      .set({ valid_to: v.closeOn })
      .where('id', 'in', [...v.closeIds])
      .execute();
  const row = await sql<{ id: number }>`
    INSERT INTO product_list (code, version, name, issuer_id, published_on, valid_from, valid_to, import_id,
                              content_sha256)
    VALUES (${v.code}, ${v.version}, ${v.name}, ${v.issuerId}, ${v.publishedOn}, ${v.validFrom}, NULL,
            ${v.importId}, ${v.contentSha256})
    RETURNING id`.execute(trx);
  const listId = row.rows[0]!.id;
  for (let i = 0; i < v.items.length; i += 2000) {
    await trx
      .insertInto('product_list_item')
      .values(
        v.items.slice(i, i + 2000).map((item) => ({
          list_id: listId,
          position: item.position,
          atc_code: item.atcCode,
          substance: item.substance,
          form: item.form,
          care_area: item.careArea,
          note: item.note,
        })),
      )
      .execute();
  }
  return { listId };
}

/**
 * The version of a list in force on `date` (the latest that starts on or before it and has not
 * ended), with its entries; the rule the picture reads the prioritised list by.
 */
export async function listInForce(db: Db, code: string, date: string) {
  const list = await sql<ListVersionRow & { name: string; published_on: string }>`
    SELECT id, version, name, published_on, valid_from, valid_to, import_id, content_sha256
    FROM product_list
    WHERE code = ${code} AND valid_from <= ${date}::date AND (valid_to IS NULL OR valid_to >= ${date}::date)
    ORDER BY valid_from DESC, id DESC LIMIT 1`.execute(db);
  const head = list.rows[0];
  if (!head) return undefined;
  const items = await db
    .selectFrom('product_list_item')
    .selectAll()
    .where('list_id', '=', head.id)
    .orderBy('position')
    .execute();
  return { ...head, items };
}

// A package's register record (the product page) ---------------------------------------------------

/** A package as it stands, with what only the register tells: the product class and the dates. */
export interface RegisterPackageView extends PackageSnapshot {
  packageId: number;
  withdrawnOn: string | null;
  /** Whether an NPL import wrote the package or its medicine (see {@link registerRecord}). */
  fromRegister: boolean;
}

/**
 * A package's register record: the package as it stands and every version the NPL imports wrote,
 * oldest first; undefined when there is no such package. `fromRegister` is true when an import has
 * written a version of the package, or has written its medicine (the NPL codes `form_code`,
 * `substance_codes` and `product_class` are set only by an import; a synthetic or hand-made package
 * has none of them). A package an import named exactly as it was stored has no version yet, but its
 * medicine carries the import's codes.
 */
export async function registerRecord(
  db: Db,
  packageId: number,
): Promise<{ current: RegisterPackageView; versions: PackageVersionView[] } | undefined> {
  const r = await masterDb(db)
    .selectFrom('package as p')
    .innerJoin('medicine as m', 'm.id', 'p.medicine_id')
    .select([
      'p.id',
      ...CURRENT_VERSION_COLUMNS,
      'p.withdrawn_on',
      sql<boolean>`(m.form_code IS NOT NULL OR m.substance_codes IS NOT NULL OR m.product_class IS NOT NULL)`.as(
        'npl_codes',
      ),
    ])
    .where('p.id', '=', packageId)
    .executeTakeFirst();
  if (!r) return undefined;
  const versions = await masterDb(db)
    .selectFrom('package_version as v')
    .selectAll('v')
    .where('v.package_id', '=', packageId)
    .orderBy(sql`v.valid_from NULLS FIRST`)
    .execute();
  const current = toVersion({ ...r, valid_from: null, valid_to: null, import_id: null });
  return {
    current: {
      ...current,
      packageId: r.id,
      withdrawnOn: r.withdrawn_on,
      fromRegister: versions.length > 0 || r.npl_codes,
    },
    versions: versions.map((v) => toVersion({ ...v, npl_pack_id: r.npl_pack_id })),
  };
}

/** Organisations' names by id (holders and sellers of a package's versions). */
export async function organisationNames(db: Db, ids: readonly number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('organisation')
    .select(['id', 'name'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((o) => [o.id, o.name]));
}
