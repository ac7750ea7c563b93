import { sql } from 'kysely';
import { AppError } from '../../domain/errors.js';
import type { ExemptReason } from '../../domain/obligation.js';
import type { Db, Tx } from '../database.js';
import { calculationLines, findCalculation, type LineRow } from './calculations.js';
import { listRevisions, type RevisionRow } from './revisions.js';
import { INSERT_CHUNK, obligationDb, type Actor } from './tables.js';

/* Item 3: Läkemedelsverket's published decisions, and the obligations in force (the contract). */

// The contract for supervision and dispensations ----------------------------------------------------

/** One company × package of the decision version in force on a day. */
export interface PublishedObligation {
  year: number;
  companyId: number;
  packageId: number;
  /** Packages the company must hold (0 for an exempt package). Before any dispensation. */
  volume: number;
  /** The basis the volume was computed from: packages sold in [basisFrom, basisTo]. */
  basisUnits: number;
  basisFrom: string;
  basisTo: string;
  exemptReason: ExemptReason | null;
  decisionId: number;
  version: number;
  /** The decision version is in force from this day. */
  validFrom: string;
  decidedAt: Date;
}

/**
 * Item 3: for each company × package, the volume of the latest published decision version of `year`
 * in force on `on` (the highest version whose valid_from is on or before it). Before dispensations:
 * the supervision applies those on top. Nothing is in force before the year's first version begins,
 * nor after the year ends (`on` later than 31 December of `year`). Exempt packages come with volume 0
 * and their reason. Ordered by company and package.
 */
export async function publishedObligations(
  db: Db | Tx,
  q: { year: number; companyId?: number; on: string },
): Promise<PublishedObligation[]> {
  if (q.on > `${q.year}-12-31`) return [];
  const company = q.companyId ?? null;
  const rows = await sql<{
    year: number;
    company_id: number;
    package_id: number;
    volume: number;
    basis_units: number;
    basis_from: string;
    basis_to: string;
    exempt_reason: ExemptReason | null;
    decision_id: number;
    version: number;
    valid_from: string;
    decided_at: Date;
  }>`
    WITH in_force AS (
      SELECT DISTINCT ON (d.company_id) d.id, d.year, d.company_id, d.version, d.valid_from, d.decided_at
      FROM obligation_decision d
      WHERE d.year = ${q.year} AND d.valid_from <= ${q.on}::date
        AND (${company}::bigint IS NULL OR d.company_id = ${company}::bigint)
      ORDER BY d.company_id, d.version DESC
    )
    SELECT f.year, f.company_id, l.package_id, l.volume, l.basis_units, l.basis_from, l.basis_to,
           l.exempt_reason, f.id AS decision_id, f.version, f.valid_from, f.decided_at
    FROM in_force f JOIN obligation_decision_line l ON l.decision_id = f.id
    ORDER BY f.company_id, l.package_id`.execute(db);
  return rows.rows.map((r) => ({
    year: r.year,
    companyId: Number(r.company_id),
    packageId: Number(r.package_id),
    volume: r.volume,
    basisUnits: Number(r.basis_units),
    basisFrom: r.basis_from,
    basisTo: r.basis_to,
    exemptReason: r.exempt_reason,
    decisionId: Number(r.decision_id),
    version: r.version,
    validFrom: r.valid_from,
    decidedAt: new Date(r.decided_at),
  }));
}

// Decisions (item 3, publication) -----------------------------------------------------------------

export interface DecisionRow {
  id: number;
  year: number;
  companyId: number;
  companyName: string;
  version: number;
  calculationId: number;
  validFrom: string;
  decidedAt: Date;
  decidedByOrg: number;
  decidedByUser: number | null;
  reason: string;
  lines: number;
  volume: number;
}

/**
 * Item 3: Läkemedelsverket publishes a calculation's obligations as a decision per company: the next
 * version of the company's decision for the year, in force from `validFrom` (default 1 January of the
 * year), with each line's volume and basis; a line revised on or before `validFrom` publishes the
 * revision's volume and rolling basis. A company whose lines equal its version in force is skipped
 * (nothing changed). One audit entry per decision (who, when, why). The caller checks that the actor
 * may decide (mayDecide(org, 'obligation')). Returns the decisions made.
 */
export async function publishDecisions(
  db: Db,
  q: {
    calculationId: number;
    reason: string;
    validFrom?: string;
    companyIds?: readonly number[];
  },
  actor: Actor,
): Promise<DecisionRow[]> {
  const reason = q.reason.trim();
  if (reason.length === 0)
    throw AppError.invalid('reason: a decision needs its reason', [
      { field: 'reason', expected: 'the reason for the decision, in words', message: 'empty' },
    ]);
  return db.transaction().execute(async (trx) => {
    const odb = obligationDb(trx);
    const calc = await findCalculation(trx, q.calculationId);
    if (calc === undefined) throw AppError.notFound(`obligation calculation ${q.calculationId}`);
    const validFrom = q.validFrom ?? `${calc.year}-01-01`;
    if (validFrom < calc.cutoff || validFrom > `${calc.year}-12-31`)
      throw AppError.invalid(
        `validFrom ${validFrom} must lie from the cut-off ${calc.cutoff} to ${calc.year}-12-31`,
        [
          {
            field: 'validFrom',
            value: validFrom,
            expected: `a date from ${calc.cutoff} to ${calc.year}-12-31`,
            message: 'outside the year',
          },
        ],
      );
    // Serialises publications of the same year: versions are numbered without gaps or twins.
    await sql`SELECT pg_advisory_xact_lock(21, ${calc.year}::int)`.execute(trx);
    const lines = await calculationLines(trx, calc.id);
    const byCompany = new Map<number, LineRow[]>();
    for (const l of lines) byCompany.set(l.companyId, [...(byCompany.get(l.companyId) ?? []), l]);
    const wanted = q.companyIds === undefined ? null : new Set(q.companyIds);
    if (wanted !== null)
      for (const id of wanted)
        if (!byCompany.has(id)) throw AppError.notFound(`company ${id} in obligation calculation ${calc.id}`);
    const revisionsAt = await revisionsOnOrBefore(trx, calc.id, validFrom);
    const current = await publishedObligations(trx, { year: calc.year, on: validFrom });
    const currentOf = new Map<number, Map<number, number>>();
    const latestVersion = await odb
      .selectFrom('obligation_decision')
      .select(['company_id', (eb) => eb.fn.max('version').as('version')])
      .where('year', '=', calc.year)
      .groupBy('company_id')
      .execute();
    const versionOf = new Map(latestVersion.map((v) => [Number(v.company_id), Number(v.version)]));
    for (const c of current) {
      const m = currentOf.get(c.companyId) ?? new Map<number, number>();
      m.set(c.packageId, c.volume);
      currentOf.set(c.companyId, m);
    }
    const made: DecisionRow[] = [];
    for (const [companyId, companyLines] of byCompany) {
      if (wanted !== null && !wanted.has(companyId)) continue;
      const published = companyLines.map((l) => {
        const r = revisionsAt.get(`${companyId}|${l.packageId}`);
        return {
          package_id: l.packageId,
          volume: r?.newVolume ?? l.volume,
          basis_units: r?.rollingBasis ?? l.basisUnits,
          basis_from: r?.rollingFrom ?? calc.basisFrom,
          basis_to: r?.rollingTo ?? calc.basisTo,
          exempt_reason: l.exemptReason,
          revision_id: r?.id ?? null,
        };
      });
      const before = currentOf.get(companyId);
      if (
        before !== undefined &&
        before.size === published.length &&
        published.every((p) => before.get(p.package_id) === p.volume)
      )
        continue;
      const version = (versionOf.get(companyId) ?? 0) + 1;
      const d = await odb
        .insertInto('obligation_decision')
        .values({
          year: calc.year,
          company_id: companyId,
          version,
          calculation_id: calc.id,
          valid_from: validFrom,
          decided_by_user: actor.userId,
          decided_by_org: actor.organisationId,
          reason,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      for (let i = 0; i < published.length; i += INSERT_CHUNK)
        await odb
          .insertInto('obligation_decision_line')
          .values(published.slice(i, i + INSERT_CHUNK).map((p) => ({ decision_id: d.id, ...p })))
          .execute();
      const volume = published.reduce((s, p) => s + p.volume, 0);
      await trx
        .insertInto('audit_log')
        .values({
          token_id: actor.tokenId,
          organisation_id: actor.organisationId,
          action: 'obligation.published',
          entity: 'obligation_decision',
          entity_id: String(d.id),
          detail: JSON.stringify({
            year: calc.year,
            companyId,
            version,
            calculationId: calc.id,
            validFrom,
            reason,
            userId: actor.userId,
            lines: published.length,
            volume,
          }),
        })
        .execute();
      made.push({
        id: Number(d.id),
        year: calc.year,
        companyId,
        companyName: companyLines[0]?.companyName ?? '',
        version,
        calculationId: calc.id,
        validFrom,
        decidedAt: new Date(d.decided_at),
        decidedByOrg: actor.organisationId,
        decidedByUser: actor.userId,
        reason,
        lines: published.length,
        volume,
      });
    }
    return made;
  });
}

async function revisionsOnOrBefore(
  trx: Tx,
  calculationId: number,
  day: string,
): Promise<Map<string, RevisionRow>> {
  const all = await listRevisions(trx, calculationId);
  const out = new Map<string, RevisionRow>();
  // Newest first: the first seen per line on or before `day` is the one in force.
  for (const r of all) {
    if (r.revisedOn > day) continue;
    const key = `${r.companyId}|${r.packageId}`;
    if (!out.has(key)) out.set(key, r);
  }
  return out;
}

/** The decisions of a year (optionally one company's), newest version first per company. */
export async function listDecisions(
  db: Db | Tx,
  q: { year?: number; companyId?: number },
): Promise<DecisionRow[]> {
  let query = obligationDb(db)
    .selectFrom('obligation_decision as d')
    .innerJoin('organisation as o', 'o.id', 'd.company_id')
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('obligation_decision_line')
          .select([
            'decision_id',
            (e) => e.fn.countAll<number>().as('lines'),
            (e) => e.fn.sum<number>('volume').as('volume'),
          ])
          .groupBy('decision_id')
          .as('t'),
      (join) => join.onRef('t.decision_id', '=', 'd.id'),
    )
    .selectAll('d')
    .select(['o.name as company_name', 't.lines', 't.volume']);
  if (q.year !== undefined) query = query.where('d.year', '=', q.year);
  if (q.companyId !== undefined) query = query.where('d.company_id', '=', q.companyId);
  const rows = await query.orderBy('d.year', 'desc').orderBy('o.name').orderBy('d.version', 'desc').execute();
  return rows.map((r) => ({
    id: Number(r.id),
    year: r.year,
    companyId: Number(r.company_id),
    companyName: r.company_name,
    version: r.version,
    calculationId: Number(r.calculation_id),
    validFrom: r.valid_from,
    decidedAt: new Date(r.decided_at),
    decidedByOrg: Number(r.decided_by_org),
    decidedByUser: r.decided_by_user === null ? null : Number(r.decided_by_user),
    reason: r.reason,
    lines: Number(r.lines ?? 0),
    volume: Number(r.volume ?? 0),
  }));
}
