import { sql, type RawBuilder } from 'kysely';
import type { Principal } from '../domain/access.js';
import { mayDecide } from '../domain/actors.js';
import {
  applyDispensations,
  checkDispensationApplication,
  checkDispensationDecision,
  companyScopeOf,
  dayInYear,
  type DispensationApplicationInput,
  type DispensationDecisionInput,
  type DispensationStatus,
  type GrantedDispensation,
  type ObligationInForce,
} from '../domain/dispensation.js';
import { AppError } from '../domain/errors.js';
import type { Db, Tx } from './database.js';
import { auditPreparedness } from './decision-audit.repository.js';
import { publishedObligations } from './obligation.repository.js';

/*
 * Dispensations (issue 12 item 3, R1): a company's applications and Läkemedelsverket's decisions, and
 * the obligation in force, which always reflects them (docs/obligations.md).
 */

export interface DispensationRow {
  id: number;
  company_id: number;
  company_name: string;
  package_id: number;
  package_name: string;
  npl_pack_id: string;
  year: number;
  requested_volume: number;
  published_volume: number;
  reason: string;
  applied_at: Date;
  applied_by: string;
  status: DispensationStatus;
  volume: number | null;
  valid_from: string | null;
  valid_to: string | null;
  decision_reason: string | null;
  decided_at: Date | null;
  decided_by: string | null;
  decided_by_organisation: string | null;
}

const FROM = sql`
  FROM dispensation d
  JOIN organisation o ON o.id = d.company_id
  JOIN package p ON p.id = d.package_id
  JOIN medicine m ON m.id = p.medicine_id
  JOIN app_user ua ON ua.id = d.applied_by_user_id
  LEFT JOIN app_user ud ON ud.id = d.decided_by_user_id
  LEFT JOIN organisation od ON od.id = d.decided_by_organisation_id`;

const COLUMNS = sql`d.id, d.company_id, o.name AS company_name, d.package_id,
  m.name || ' ' || m.strength || ', ' || p.description AS package_name, p.npl_pack_id, d.year,
  d.requested_volume, d.published_volume, d.reason, d.applied_at, ua.name AS applied_by, d.status,
  d.volume, d.valid_from::text AS valid_from, d.valid_to::text AS valid_to, d.decision_reason,
  d.decided_at, ud.name AS decided_by, od.name AS decided_by_organisation`;

function toRow(r: DispensationRow): DispensationRow {
  return { ...r, id: Number(r.id), company_id: Number(r.company_id), package_id: Number(r.package_id) };
}

/** The caller's scope as SQL over `column` (a company id column). */
export function companyScopeSql(principal: Principal, column: RawBuilder<unknown>): RawBuilder<boolean> {
  const scope = companyScopeOf(principal);
  if (scope === 'all') return sql<boolean>`true`;
  if (scope === 'none') return sql<boolean>`false`;
  return sql<boolean>`${column} = ${scope}`;
}

export interface DispensationFilter {
  year?: number | undefined;
  status?: DispensationStatus | undefined;
  companyId?: number | undefined;
}

/** The applications the caller may see (authorities all, a company its own), newest first. */
export async function listDispensations(
  db: Db,
  principal: Principal,
  filter: DispensationFilter,
  page: { limit: number; offset: number },
): Promise<{ rows: DispensationRow[]; total: number }> {
  const c: RawBuilder<boolean>[] = [companyScopeSql(principal, sql`d.company_id`)];
  if (filter.year !== undefined) c.push(sql<boolean>`d.year = ${filter.year}`);
  if (filter.status !== undefined) c.push(sql<boolean>`d.status = ${filter.status}`);
  if (filter.companyId !== undefined) c.push(sql<boolean>`d.company_id = ${filter.companyId}`);
  const where = sql.join(c, sql` AND `);
  const [rows, count] = await Promise.all([
    sql<DispensationRow>`SELECT ${COLUMNS} ${FROM} WHERE ${where}
      ORDER BY d.applied_at DESC, d.id DESC LIMIT ${page.limit} OFFSET ${page.offset}`.execute(db),
    sql<{ n: string }>`SELECT count(*) AS n ${FROM} WHERE ${where}`.execute(db),
  ]);
  return { rows: rows.rows.map(toRow), total: Number(count.rows[0]?.n ?? 0) };
}

/** One application, if the caller may see it ("not found" and "not yours" are the same). */
export async function findDispensation(
  db: Db | Tx,
  principal: Principal,
  id: number,
): Promise<DispensationRow | undefined> {
  const { rows } = await sql<DispensationRow>`SELECT ${COLUMNS} ${FROM}
    WHERE d.id = ${id} AND ${companyScopeSql(principal, sql`d.company_id`)}`.execute(db);
  return rows[0] === undefined ? undefined : toRow(rows[0]);
}

/**
 * Files a company's application against its published obligation of that year (read on `today`,
 * kept inside the year). Only a company applies, and only for its own packages. Audited.
 */
export async function fileDispensation(
  db: Db,
  principal: Principal,
  input: DispensationApplicationInput,
  today: string,
): Promise<DispensationRow> {
  if (principal.organisationKind !== 'company')
    throw AppError.forbidden('only a company applies for a dispensation, for its own obligations');
  const companyId = principal.organisationId;
  const published = (
    await publishedObligations(db, { year: input.year, companyId, on: dayInYear(input.year, today) })
  ).find((o) => o.packageId === input.packageId && o.companyId === companyId);
  const problems = checkDispensationApplication(input, published);
  if (problems.length > 0) throw AppError.invalid('the application was not filed', problems);
  return db.transaction().execute(async (trx) => {
    const inserted = await sql<{ id: number }>`INSERT INTO dispensation
        (company_id, package_id, year, requested_volume, published_volume, reason, applied_by_user_id)
      VALUES (${companyId}, ${input.packageId}, ${input.year}, ${input.requestedVolume}, ${published!.volume},
              ${input.reason.trim()}, ${principal.userId})
      RETURNING id`.execute(trx);
    const id = Number(inserted.rows[0]!.id);
    await auditPreparedness(trx, principal, 'dispensation.applied', 'dispensation', id, {
      reason: input.reason.trim(),
      companyId,
      packageId: input.packageId,
      year: input.year,
      requestedVolume: input.requestedVolume,
      publishedVolume: published!.volume,
    });
    return (await findDispensation(trx, principal, id))!;
  });
}

/**
 * Läkemedelsverket's decision on a pending application: grant (volume and validity period) or deny,
 * with a reason. The application's row is locked while deciding, so two decisions cannot both land;
 * a decided application answers `conflict`. Audited with who, when and why.
 */
export async function decideDispensation(
  db: Db,
  principal: Principal,
  id: number,
  input: DispensationDecisionInput,
): Promise<DispensationRow> {
  if (
    !mayDecide({ kind: principal.organisationKind, authority: principal.authority ?? null }, 'dispensation')
  )
    throw AppError.forbidden('only Läkemedelsverket decides dispensations');
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{
      status: DispensationStatus;
      year: number;
      requested_volume: number;
      published_volume: number;
    }>`SELECT status, year, requested_volume, published_volume FROM dispensation WHERE id = ${id} FOR UPDATE`.execute(
      trx,
    );
    const current = rows[0];
    if (current === undefined) throw AppError.notFound(`dispensation application ${id}`);
    if (current.status !== 'pending')
      throw AppError.conflict(`dispensation application ${id} is already decided (${current.status})`);
    const problems = checkDispensationDecision(input, {
      year: current.year,
      requestedVolume: current.requested_volume,
      publishedVolume: current.published_volume,
    });
    if (problems.length > 0)
      throw AppError.invalid(`dispensation application ${id} was not decided`, problems);
    const granted = input.outcome === 'grant';
    await sql`UPDATE dispensation SET
        status = ${granted ? 'granted' : 'denied'},
        volume = ${granted ? (input.volume ?? null) : null},
        valid_from = ${granted ? (input.validFrom ?? null) : null}::date,
        valid_to = ${granted ? (input.validTo ?? null) : null}::date,
        decision_reason = ${input.reason.trim()},
        decided_at = now(),
        decided_by_user_id = ${principal.userId},
        decided_by_organisation_id = ${principal.organisationId}
      WHERE id = ${id}`.execute(trx);
    await auditPreparedness(
      trx,
      principal,
      `dispensation.${granted ? 'granted' : 'denied'}`,
      'dispensation',
      id,
      {
        reason: input.reason.trim(),
        ...(granted ? { volume: input.volume, validFrom: input.validFrom, validTo: input.validTo } : {}),
      },
    );
    return (await findDispensation(trx, principal, id))!;
  });
}

/** Granted dispensations valid on `on` (of one company, or all). */
export async function grantedDispensations(
  db: Db | Tx,
  filter: { on: string; companyId?: number | undefined },
): Promise<GrantedDispensation[]> {
  const { rows } = await sql<{
    id: number;
    company_id: number;
    package_id: number;
    volume: number;
    valid_from: string;
    valid_to: string;
    decided_at: Date;
  }>`SELECT id, company_id, package_id, volume, valid_from::text AS valid_from, valid_to::text AS valid_to,
           decided_at
    FROM dispensation
    WHERE status = 'granted' AND valid_from <= ${filter.on}::date AND valid_to >= ${filter.on}::date
      ${filter.companyId === undefined ? sql`` : sql`AND company_id = ${filter.companyId}`}`.execute(db);
  return rows.map((r) => ({
    id: Number(r.id),
    companyId: Number(r.company_id),
    packageId: Number(r.package_id),
    volume: r.volume,
    validFrom: r.valid_from,
    validTo: r.valid_to,
    decidedAt: new Date(r.decided_at).toISOString(),
  }));
}

/**
 * The obligation in force on `on` (R1, issue 12 item 3): the volume of the latest published decision
 * version in force (`publishedObligations`), replaced by a granted dispensation's volume while it is
 * valid (src/domain/dispensation.ts `applyDispensations`). Only packages to hold: exempt ones and
 * volumes of 0 are left out.
 */
export async function obligationsInForce(
  db: Db | Tx,
  filter: { year: number; companyId?: number | undefined; on: string },
): Promise<ObligationInForce[]> {
  const [published, granted] = await Promise.all([
    publishedObligations(db, filter),
    grantedDispensations(db, { on: filter.on, companyId: filter.companyId }),
  ]);
  // Exempt packages (R1: parallel-traded, licence) and volumes of 0 are nothing to hold.
  return applyDispensations(
    published
      .filter((p) => p.exemptReason === null && p.volume > 0)
      .map((p) => ({ companyId: p.companyId, packageId: p.packageId, volume: p.volume })),
    granted,
    filter.on,
  );
}
