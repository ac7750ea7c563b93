import { sql } from 'kysely';
import { seesEverything, type Principal } from '../domain/access.js';
import { mayDecide } from '../domain/actors.js';
import { dayNumber } from '../domain/calendar.js';
import { groupKey } from '../domain/demand.js';
import { AppError, type Problem } from '../domain/errors.js';
import {
  checkMove,
  checkReason,
  checkText,
  designationMove,
  type ConsultedParty,
  type CriticalShortageChecklist,
  type Designation,
  type DesignationOutcome,
  type RemedyKind,
  type ShortageCaseState,
} from '../domain/shortage-case.js';
import type { DoseSale, DosePharmacyStock } from '../domain/dose-patients.js';
import type { Db, Tx } from './database.js';
import { auditPreparedness } from './decision-audit.repository.js';

/*
 * Shortage cases (issue 13 item 1). Who sees what (shortage:read; docs/shortage-cases.md):
 * - authorities and the joint function (seesEverything): every case, every field;
 * - a company: the cases on its own packages (a package case of its package, or a group case whose
 *   group holds one of its packages), with the confidential note of its own package cases;
 * - every other organisation (regions, municipalities, pharmacies, wholesalers): every case, without
 *   the confidential note and without what consulted parties said (who and when is shown).
 * Cases not visible answer "not found", like cases that do not exist.
 */

export interface CaseRow {
  id: number;
  subject_kind: 'package' | 'group';
  package_id: number | null;
  group_key: string | null;
  title: string;
  notice_id: number | null;
  state: ShortageCaseState;
  life_threatening: boolean | null;
  irreversible_progressive: boolean | null;
  serious_public_health_harm: boolean | null;
  serious_animal_health_harm: boolean | null;
  no_relevant_alternative: boolean | null;
  checklist_note: string | null;
  confidential_note: string | null;
  designated_on: string | null;
  designated_by_organisation_id: number | null;
  designated_by_name: string | null;
  opened_at: Date;
  opened_by_name: string;
  opened_by_organisation: string;
  /** The package's name and pack, or null for a group. */
  package_name: string | null;
  pack: string | null;
  package_company_id: number | null;
  /** The national picture item of the subject (null before the first refresh). */
  signal: boolean | null;
  coverage_days: number | string | null;
  risk_class: string | null;
}

interface Visibility {
  everything: boolean;
  companyId: number | null;
}

function visibilityOf(p: Principal): Visibility {
  if (seesEverything(p)) return { everything: true, companyId: null };
  return { everything: false, companyId: p.organisationKind === 'company' ? p.organisationId : null };
}

/** Whether the caller sees the case's confidential note and what consulted parties said. */
export function seesConfidential(p: Principal, c: Pick<CaseRow, 'package_company_id'>): boolean {
  if (seesEverything(p)) return true;
  return p.organisationKind === 'company' && c.package_company_id === p.organisationId;
}

function visibleCondition(v: Visibility) {
  if (v.everything || v.companyId === null) return sql<boolean>`true`;
  return sql<boolean>`(pk.company_id = ${v.companyId} OR (c.group_key IS NOT NULL AND EXISTS (
    SELECT 1 FROM picture_product pp WHERE pp.group_key = c.group_key AND pp.company_id = ${v.companyId})))`;
}

const caseSelect = (v: Visibility) => sql<CaseRow>`
  SELECT c.id::int AS id, c.subject_kind, c.package_id::int AS package_id, c.group_key, c.title,
    c.notice_id::int AS notice_id, c.state, c.life_threatening, c.irreversible_progressive,
    c.serious_public_health_harm, c.serious_animal_health_harm, c.no_relevant_alternative, c.checklist_note,
    c.confidential_note, to_char(c.designated_on, 'YYYY-MM-DD') AS designated_on,
    c.designated_by_organisation_id::int AS designated_by_organisation_id, dorg.name AS designated_by_name,
    c.opened_at, u.name AS opened_by_name, oorg.name AS opened_by_organisation,
    m.name AS package_name, pk.description AS pack, pk.company_id::int AS package_company_id,
    pi.possible_critical_shortage AS signal, pi.coverage_days, pi.risk_class
  FROM shortage_case c
  JOIN app_user u ON u.id = c.opened_by_user_id
  JOIN organisation oorg ON oorg.id = c.opened_by_organisation_id
  LEFT JOIN organisation dorg ON dorg.id = c.designated_by_organisation_id
  LEFT JOIN package pk ON pk.id = c.package_id
  LEFT JOIN medicine m ON m.id = pk.medicine_id
  LEFT JOIN picture_item pi ON pi.area_code = 'SE'
    AND pi.kind = c.subject_kind AND pi.ref = coalesce(c.package_id::text, c.group_key)
  WHERE ${visibleCondition(v)}`;

export interface CaseFilter {
  states?: readonly ShortageCaseState[] | undefined;
  q?: string | undefined;
}

/** The cases the caller sees, newest first. */
export async function listCases(db: Db, principal: Principal, filter: CaseFilter): Promise<CaseRow[]> {
  const v = visibilityOf(principal);
  const conditions = [sql<boolean>`true`];
  if (filter.states && filter.states.length > 0)
    conditions.push(sql<boolean>`x.state = ANY(${[...filter.states]}::text[])`);
  if (filter.q) {
    const like = `%${filter.q.trim().replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    conditions.push(
      sql<boolean>`(x.title ILIKE ${like} OR x.package_name ILIKE ${like} OR x.group_key ILIKE ${like})`,
    );
  }
  const rows = await sql<CaseRow>`SELECT x.* FROM (${caseSelect(v)}) x
    WHERE ${sql.join(conditions, sql` AND `)} ORDER BY x.opened_at DESC, x.id DESC`.execute(db);
  return rows.rows;
}

/** One case, or null when it does not exist or the caller may not see it. */
export async function findCase(db: Db | Tx, principal: Principal, id: number): Promise<CaseRow | null> {
  const rows = await sql<CaseRow>`SELECT x.* FROM (${caseSelect(visibilityOf(principal))}) x
    WHERE x.id = ${id}`.execute(db);
  return rows.rows[0] ?? null;
}

export interface EventRow {
  id: number;
  kind: string;
  from_state: string | null;
  to_state: string | null;
  outcome: string | null;
  reason: string | null;
  at: Date;
  organisation: string;
  user_name: string;
}

export interface RemedyRow {
  id: number;
  kind: RemedyKind;
  note: string;
  recorded_at: Date;
  organisation: string;
}

export interface ConsultationRow {
  id: number;
  party: ConsultedParty;
  party_name: string;
  consulted_on: string;
  summary: string;
  recorded_at: Date;
}

export interface AlternativeRow {
  id: number;
  package_id: number;
  package_name: string;
  alternative_package_id: number;
  alternative_name: string;
  alternative_pack: string;
  units_per_unit: number | string;
  decided_on: string;
  note: string | null;
}

/** The history, remedies, consultations and alternatives of a case (the caller sees the case). */
export async function caseRecords(
  db: Db,
  id: number,
): Promise<{
  events: EventRow[];
  remedies: RemedyRow[];
  consultations: ConsultationRow[];
  alternatives: AlternativeRow[];
}> {
  const [events, remedies, consultations, alternatives] = await Promise.all([
    sql<EventRow>`SELECT e.id::int AS id, e.kind, e.from_state, e.to_state, e.outcome, e.reason, e.at,
        o.name AS organisation, u.name AS user_name
      FROM shortage_case_event e JOIN organisation o ON o.id = e.organisation_id JOIN app_user u ON u.id = e.user_id
      WHERE e.case_id = ${id} ORDER BY e.id`.execute(db),
    sql<RemedyRow>`SELECT r.id::int AS id, r.kind, r.note, r.recorded_at, o.name AS organisation
      FROM shortage_case_remedy r JOIN organisation o ON o.id = r.organisation_id
      WHERE r.case_id = ${id} ORDER BY r.id`.execute(db),
    sql<ConsultationRow>`SELECT k.id::int AS id, k.party, k.party_name,
        to_char(k.consulted_on, 'YYYY-MM-DD') AS consulted_on, k.summary, k.recorded_at
      FROM shortage_case_consultation k WHERE k.case_id = ${id} ORDER BY k.consulted_on, k.id`.execute(db),
    sql<AlternativeRow>`SELECT r.id::int AS id, r.package_id::int AS package_id, pm.name AS package_name,
        r.alternative_package_id::int AS alternative_package_id, am.name AS alternative_name,
        ap.description AS alternative_pack, r.units_per_unit, to_char(r.decided_on, 'YYYY-MM-DD') AS decided_on, r.note
      FROM recorded_alternative r
      JOIN package p ON p.id = r.package_id JOIN medicine pm ON pm.id = p.medicine_id
      JOIN package ap ON ap.id = r.alternative_package_id JOIN medicine am ON am.id = ap.medicine_id
      WHERE r.case_id = ${id} ORDER BY r.id`.execute(db),
  ]);
  return {
    events: events.rows,
    remedies: remedies.rows,
    consultations: consultations.rows,
    alternatives: alternatives.rows,
  };
}

// Writing ------------------------------------------------------------------------------------------

function mustManage(p: Principal): void {
  // shortage:manage is granted by role; the case work itself is the authorities' and the joint function's.
  if (!seesEverything(p))
    throw AppError.forbidden('only authorities and the joint function (Nationellt CT) manage shortage cases');
}

function invalidIf(problems: readonly Problem[], what: string): void {
  if (problems.length > 0) throw AppError.invalid(what, problems);
}

async function addEvent(
  trx: Tx,
  p: Principal,
  caseId: number,
  e: {
    kind: string;
    from?: string | null;
    to?: string | null;
    outcome?: string | null;
    reason: string | null;
  },
): Promise<void> {
  await sql`INSERT INTO shortage_case_event (case_id, kind, from_state, to_state, outcome, reason, organisation_id, user_id)
    VALUES (${caseId}, ${e.kind}, ${e.from ?? null}, ${e.to ?? null}, ${e.outcome ?? null}, ${e.reason},
            ${p.organisationId}, ${p.userId})`.execute(trx);
}

async function lockCase(
  trx: Tx,
  id: number,
): Promise<{ state: ShortageCaseState; designated: boolean } & CriticalShortageChecklist> {
  const rows = await sql<{
    state: ShortageCaseState;
    designated: boolean;
    life_threatening: boolean | null;
    irreversible_progressive: boolean | null;
    serious_public_health_harm: boolean | null;
    serious_animal_health_harm: boolean | null;
    no_relevant_alternative: boolean | null;
  }>`SELECT state, designated_on IS NOT NULL AS designated, life_threatening, irreversible_progressive,
      serious_public_health_harm, serious_animal_health_harm, no_relevant_alternative
    FROM shortage_case WHERE id = ${id} FOR UPDATE`.execute(trx);
  const r = rows.rows[0];
  if (r === undefined) throw AppError.notFound(`shortage case ${id}`);
  return {
    state: r.state,
    designated: r.designated,
    lifeThreatening: r.life_threatening,
    irreversibleProgressive: r.irreversible_progressive,
    seriousPublicHealthHarm: r.serious_public_health_harm,
    seriousAnimalHealthHarm: r.serious_animal_health_harm,
    noRelevantAlternative: r.no_relevant_alternative,
  };
}

/** The packages of a group (by the domain's group key), for checks and for the dose estimate. */
export async function packagesOfGroup(db: Db | Tx, key: string): Promise<number[]> {
  const substance = key.split('|')[0] ?? '';
  const rows = await sql<{
    id: number;
    substance: string;
    strength: string;
    form: string;
    species: 'human' | 'veterinary';
  }>`
    SELECT p.id::int AS id, m.substance, m.strength, m.form, m.species
    FROM package p JOIN medicine m ON m.id = p.medicine_id
    WHERE lower(m.substance) LIKE ${`%${substance.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`.execute(db);
  return rows.rows.filter((r) => groupKey(r) === key).map((r) => r.id);
}

export interface OpenCaseInput {
  packageId?: number | undefined;
  groupKey?: string | undefined;
  noticeId?: number | undefined;
  title?: string | undefined;
  reason: string;
}

/** Opens a case from a notice (its package) or by hand (a package or a group). Audited. */
export async function openCase(db: Db, p: Principal, input: OpenCaseInput): Promise<number> {
  mustManage(p);
  const problems: Problem[] = [...checkReason(input.reason)];
  let packageId = input.packageId ?? null;
  const key = input.groupKey?.trim() ?? null;
  if (input.noticeId !== undefined) {
    const notice = await sql<{ package_id: number }>`SELECT package_id::int AS package_id FROM shortage_notice
      WHERE id = ${input.noticeId}`.execute(db);
    const n = notice.rows[0];
    if (n === undefined)
      problems.push({
        field: 'noticeId',
        value: input.noticeId,
        message: `notice ${input.noticeId} does not exist`,
      });
    else if (packageId !== null && packageId !== n.package_id)
      problems.push({
        field: 'packageId',
        value: packageId,
        expected: String(n.package_id),
        message: 'the notice is of another package',
      });
    else if (key === null) packageId = n.package_id;
  }
  if ((packageId === null) === (key === null))
    problems.push({
      field: 'packageId',
      expected: 'exactly one of packageId, groupKey (or a noticeId)',
      message: 'a case is of one package or one interchangeable group',
    });
  if (packageId !== null) {
    const found = await sql`SELECT 1 FROM package WHERE id = ${packageId}`.execute(db);
    if (found.rows.length === 0)
      problems.push({ field: 'packageId', value: packageId, message: `package ${packageId} does not exist` });
  }
  if (key !== null && (await packagesOfGroup(db, key)).length === 0)
    problems.push({
      field: 'groupKey',
      value: key,
      expected: 'substance|strength|form of a known group',
      message: `no package belongs to group ${key}`,
    });
  if (input.title !== undefined) problems.push(...checkText(input.title, 'title', 200));
  invalidIf(problems, 'the case was not opened');
  let title = input.title?.trim();
  if (title === undefined) {
    if (packageId !== null) {
      const r = await sql<{ name: string; description: string }>`SELECT m.name, p.description FROM package p
        JOIN medicine m ON m.id = p.medicine_id WHERE p.id = ${packageId}`.execute(db);
      title = `${r.rows[0]!.name} ${r.rows[0]!.description}`;
    } else title = key!;
  }
  return db.transaction().execute(async (trx) => {
    const inserted = await sql<{ id: number }>`INSERT INTO shortage_case
        (subject_kind, package_id, group_key, title, notice_id, opened_by_organisation_id, opened_by_user_id)
      VALUES (${packageId !== null ? 'package' : 'group'}, ${packageId}, ${key}, ${title}, ${input.noticeId ?? null},
              ${p.organisationId}, ${p.userId}) RETURNING id::int AS id`.execute(trx);
    const id = inserted.rows[0]!.id;
    await addEvent(trx, p, id, { kind: 'opened', to: 'signal', reason: input.reason.trim() });
    await auditPreparedness(trx, p, 'shortage_case.opened', 'shortage_case', id, {
      reason: input.reason.trim(),
      packageId,
      groupKey: key,
      noticeId: input.noticeId ?? null,
    });
    return id;
  });
}

/** A move along the state machine (src/domain/shortage-case.ts), with who and why. */
export async function moveCase(
  db: Db,
  p: Principal,
  id: number,
  to: ShortageCaseState,
  reason: string,
): Promise<void> {
  mustManage(p);
  await db.transaction().execute(async (trx) => {
    const c = await lockCase(trx, id);
    invalidIf(checkMove(c.state, to, reason), `shortage case ${id} was not moved`);
    // Closing ends a designation in force: a closed case designates nothing in the picture.
    const endsDesignation = to === 'closed' && c.designated;
    await sql`UPDATE shortage_case SET state = ${to}
      ${endsDesignation ? sql`, designated_on = NULL, designated_by_organisation_id = NULL` : sql``}
      WHERE id = ${id}`.execute(trx);
    await addEvent(trx, p, id, { kind: 'moved', from: c.state, to, reason: reason.trim() });
    await auditPreparedness(trx, p, 'shortage_case.moved', 'shortage_case', id, {
      reason: reason.trim(),
      from: c.state,
      to,
      designationEnded: endsDesignation,
    });
  });
}

/** Records the R4 checklist's answers (and notes). Audited. */
export async function setChecklist(
  db: Db,
  p: Principal,
  id: number,
  input: {
    checklist: CriticalShortageChecklist;
    note?: string | null | undefined;
    confidentialNote?: string | null | undefined;
    reason: string;
  },
): Promise<void> {
  mustManage(p);
  await db.transaction().execute(async (trx) => {
    const c = await lockCase(trx, id);
    const problems = checkReason(input.reason);
    if (c.state === 'closed')
      problems.push({ field: 'state', value: c.state, message: 'a closed case is not assessed: reopen it' });
    invalidIf(problems, `the checklist of shortage case ${id} was not changed`);
    const k = input.checklist;
    await sql`UPDATE shortage_case SET life_threatening = ${k.lifeThreatening},
        irreversible_progressive = ${k.irreversibleProgressive}, serious_public_health_harm = ${k.seriousPublicHealthHarm},
        serious_animal_health_harm = ${k.seriousAnimalHealthHarm}, no_relevant_alternative = ${k.noRelevantAlternative}
        ${input.note !== undefined ? sql`, checklist_note = ${input.note}` : sql``}
        ${input.confidentialNote !== undefined ? sql`, confidential_note = ${input.confidentialNote}` : sql``}
      WHERE id = ${id}`.execute(trx);
    await addEvent(trx, p, id, { kind: 'checklist', reason: input.reason.trim() });
    await auditPreparedness(trx, p, 'shortage_case.checklist', 'shortage_case', id, {
      reason: input.reason.trim(),
      checklist: k,
    });
  });
}

/**
 * Läkemedelsverket's designation of kritisk brist on the case's checklist (or that it is not one, or
 * the end of a designation). Only the deciding authority (actors.ts mayDecide 'criticalShortage').
 */
export async function designate(
  db: Db,
  p: Principal,
  id: number,
  input: { outcome: DesignationOutcome; reason: string; on: string },
): Promise<void> {
  if (!mayDecide({ kind: p.organisationKind, authority: p.authority ?? null }, 'criticalShortage'))
    throw AppError.forbidden('only Läkemedelsverket designates a critical shortage (R4)');
  await db.transaction().execute(async (trx) => {
    const c = await lockCase(trx, id);
    const { problems, to } = designationMove({
      state: c.state,
      outcome: input.outcome,
      checklist: c,
      designatedNow: c.designated,
      reason: input.reason,
    });
    invalidIf(problems, `shortage case ${id}: no designation was recorded`);
    const designation =
      input.outcome === 'designated'
        ? sql`designated_on = ${input.on}::date, designated_by_organisation_id = ${p.organisationId}`
        : sql`designated_on = NULL, designated_by_organisation_id = NULL`;
    await sql`UPDATE shortage_case SET state = ${to}, ${designation} WHERE id = ${id}`.execute(trx);
    await addEvent(trx, p, id, {
      kind: 'designation',
      from: c.state,
      to,
      outcome: input.outcome,
      reason: input.reason.trim(),
    });
    await auditPreparedness(trx, p, `shortage_case.${input.outcome}`, 'shortage_case', id, {
      reason: input.reason.trim(),
      from: c.state,
      to,
      on: input.on,
    });
  });
}

/**
 * A relevant alternative the assessment names, written to recorded_alternative (which the picture's
 * signal reads at its next refresh) with the case as its source. For a group case, `packageId` is the
 * group's package it replaces (any member counts for the group).
 */
export async function recordAlternative(
  db: Db,
  p: Principal,
  id: number,
  input: {
    packageId?: number | undefined;
    alternativePackageId: number;
    unitsPerUnit: number;
    note?: string | undefined;
    on: string;
  },
): Promise<void> {
  mustManage(p);
  await db.transaction().execute(async (trx) => {
    await lockCase(trx, id);
    const c = (
      await sql<{ package_id: number | null; group_key: string | null }>`
      SELECT package_id::int AS package_id, group_key FROM shortage_case WHERE id = ${id}`.execute(trx)
    ).rows[0]!;
    const problems: Problem[] = [];
    let packageId: number | null = c.package_id;
    if (c.group_key !== null) {
      const members = await packagesOfGroup(trx, c.group_key);
      if (input.packageId === undefined || !members.includes(input.packageId))
        problems.push({
          field: 'packageId',
          value: input.packageId ?? null,
          expected: `a package of group ${c.group_key}: ${members.join(', ')}`,
          message: 'name the group’s package the alternative replaces',
        });
      packageId = input.packageId ?? null;
    } else if (input.packageId !== undefined && input.packageId !== c.package_id) {
      problems.push({
        field: 'packageId',
        value: input.packageId,
        expected: String(c.package_id),
        message: 'the case is of another package',
      });
    }
    const alt = await sql`SELECT 1 FROM package WHERE id = ${input.alternativePackageId}`.execute(trx);
    if (alt.rows.length === 0)
      problems.push({
        field: 'alternativePackageId',
        value: input.alternativePackageId,
        message: `package ${input.alternativePackageId} does not exist`,
      });
    else if (input.alternativePackageId === packageId)
      problems.push({
        field: 'alternativePackageId',
        value: input.alternativePackageId,
        message: 'a package is not its own alternative',
      });
    if (!(input.unitsPerUnit > 0))
      problems.push({
        field: 'unitsPerUnit',
        value: input.unitsPerUnit,
        expected: 'above 0',
        message: 'units of the alternative replacing one unit',
      });
    invalidIf(problems, `shortage case ${id}: the alternative was not recorded`);
    const existing = await sql<{
      case_id: number | null;
    }>`SELECT case_id::int AS case_id FROM recorded_alternative
      WHERE package_id = ${packageId} AND alternative_package_id = ${input.alternativePackageId}`.execute(
      trx,
    );
    if (existing.rows.length > 0)
      throw AppError.conflict(
        `package ${input.alternativePackageId} is already recorded as an alternative to package ${packageId}` +
          (existing.rows[0]!.case_id !== null ? ` (case ${existing.rows[0]!.case_id})` : ''),
      );
    const note = input.note?.trim() || null;
    await sql`INSERT INTO recorded_alternative (package_id, alternative_package_id, units_per_unit, organisation_id, decided_on, note, case_id)
      VALUES (${packageId}, ${input.alternativePackageId}, ${input.unitsPerUnit}, ${p.organisationId}, ${input.on}::date, ${note}, ${id})`.execute(
      trx,
    );
    const reason = `package ${input.alternativePackageId} for package ${packageId} (${input.unitsPerUnit} per unit)${note ? `: ${note}` : ''}`;
    await addEvent(trx, p, id, { kind: 'alternative', reason });
    await auditPreparedness(trx, p, 'shortage_case.alternative', 'shortage_case', id, {
      reason,
      packageId,
      alternativePackageId: input.alternativePackageId,
      unitsPerUnit: input.unitsPerUnit,
    });
  });
}

/** An R4 remedy chosen for the case, with a note. Audited. */
export async function recordRemedy(
  db: Db,
  p: Principal,
  id: number,
  input: { kind: RemedyKind; note: string },
): Promise<void> {
  mustManage(p);
  await db.transaction().execute(async (trx) => {
    await lockCase(trx, id);
    invalidIf(checkText(input.note, 'note', 2000), `shortage case ${id}: the remedy was not recorded`);
    await sql`INSERT INTO shortage_case_remedy (case_id, kind, note, organisation_id, user_id)
      VALUES (${id}, ${input.kind}, ${input.note.trim()}, ${p.organisationId}, ${p.userId})`.execute(trx);
    await addEvent(trx, p, id, { kind: 'remedy', outcome: input.kind, reason: input.note.trim() });
    await auditPreparedness(trx, p, 'shortage_case.remedy', 'shortage_case', id, {
      reason: input.note.trim(),
      kind: input.kind,
    });
  });
}

/** R3: a consultation (who, when, what they said). Audited. */
export async function recordConsultation(
  db: Db,
  p: Principal,
  id: number,
  input: { party: ConsultedParty; partyName: string; consultedOn: string; summary: string },
  today: string,
): Promise<void> {
  mustManage(p);
  await db.transaction().execute(async (trx) => {
    await lockCase(trx, id);
    const problems = [
      ...checkText(input.partyName, 'partyName', 200),
      ...checkText(input.summary, 'summary', 4000),
    ];
    let realDate = true;
    try {
      dayNumber(input.consultedOn);
    } catch {
      realDate = false;
      problems.push({
        field: 'consultedOn',
        value: input.consultedOn,
        expected: 'a calendar date YYYY-MM-DD',
        message: 'not a real date',
      });
    }
    if (realDate && input.consultedOn > today)
      problems.push({
        field: 'consultedOn',
        value: input.consultedOn,
        expected: `on or before ${today}`,
        message: 'a consultation is recorded after it took place',
      });
    invalidIf(problems, `shortage case ${id}: the consultation was not recorded`);
    await sql`INSERT INTO shortage_case_consultation (case_id, party, party_name, consulted_on, summary, organisation_id, user_id)
      VALUES (${id}, ${input.party}, ${input.partyName.trim()}, ${input.consultedOn}::date, ${input.summary.trim()},
              ${p.organisationId}, ${p.userId})`.execute(trx);
    await addEvent(trx, p, id, {
      kind: 'consultation',
      outcome: input.party,
      reason: `${input.partyName.trim()} (${input.consultedOn})`,
    });
    await auditPreparedness(trx, p, 'shortage_case.consultation', 'shortage_case', id, {
      reason: `${input.party}: ${input.partyName.trim()}`,
      consultedOn: input.consultedOn,
    });
  });
}

// The picture's designation ---------------------------------------------------------------------------

/**
 * The designations in force, by subject: `package:<id>` and `group:<key>`. Few (kritisk brist is
 * designated for a handful of products at a time), so the picture reads them all per answer.
 */
export async function designationsInForce(db: Db): Promise<Map<string, Designation>> {
  const rows = await sql<{
    id: number;
    package_id: number | null;
    group_key: string | null;
    org_id: number;
    org: string;
    on: string;
  }>`
    SELECT c.id::int AS id, c.package_id::int AS package_id, c.group_key, o.id::int AS org_id, o.name AS org,
      to_char(c.designated_on, 'YYYY-MM-DD') AS on
    FROM shortage_case c JOIN organisation o ON o.id = c.designated_by_organisation_id
    WHERE c.designated_on IS NOT NULL ORDER BY c.designated_on, c.id`.execute(db);
  const map = new Map<string, Designation>();
  for (const r of rows.rows) {
    const key = r.package_id !== null ? `package:${r.package_id}` : `group:${r.group_key}`;
    if (!map.has(key))
      map.set(key, { caseId: r.id, decidedBy: { id: r.org_id, name: r.org }, decidedOn: r.on });
  }
  return map;
}

// Dose patients -------------------------------------------------------------------------------------------

/** The case's packages: its package, or its group's. */
export async function casePackages(db: Db, c: Pick<CaseRow, 'package_id' | 'group_key'>): Promise<number[]> {
  return c.package_id !== null ? [c.package_id] : packagesOfGroup(db, c.group_key!);
}

/**
 * Dose sales (channel dose_dispensing) of the packages at dose pharmacies in the `windowDays` days up
 * to and including `today`, in units (packs × pack size), by pharmacy and patients' region; and the
 * stock of the packages at every active dose pharmacy, in units.
 */
export async function doseFacts(
  db: Db,
  packageIds: readonly number[],
  today: string,
  windowDays: number,
): Promise<{ sales: DoseSale[]; stock: DosePharmacyStock[] }> {
  if (packageIds.length === 0) return { sales: [], stock: [] };
  const ids = [...packageIds];
  const [sales, stock] = await Promise.all([
    sql<{ pharmacy_id: number; region_code: string; units: string | number }>`
      SELECT l.id::int AS pharmacy_id, s.region_code, sum(s.quantity * p.pack_size) AS units
      FROM sales s JOIN location l ON l.id = s.location_id AND l.kind = 'dose_pharmacy'
      JOIN package p ON p.id = s.package_id
      WHERE s.channel = 'dose_dispensing' AND s.package_id = ANY(${ids}::bigint[])
        AND s.period_start > ${today}::date - ${windowDays}::int AND s.period_start <= ${today}::date
      GROUP BY l.id, s.region_code`.execute(db),
    sql<{ pharmacy_id: number; name: string; units: string | number }>`
      SELECT l.id::int AS pharmacy_id, l.name, coalesce(sum(cs.quantity * p.pack_size), 0) AS units
      FROM location l
      LEFT JOIN current_stock cs ON cs.location_id = l.id AND cs.package_id = ANY(${ids}::bigint[])
      LEFT JOIN package p ON p.id = cs.package_id
      WHERE l.kind = 'dose_pharmacy' AND (l.closed_on IS NULL OR l.closed_on > ${today}::date)
      GROUP BY l.id, l.name`.execute(db),
  ]);
  return {
    sales: sales.rows.map((r) => ({
      pharmacyId: r.pharmacy_id,
      regionCode: r.region_code,
      units: Number(r.units),
    })),
    stock: stock.rows.map((r) => ({ pharmacyId: r.pharmacy_id, name: r.name, stockUnits: Number(r.units) })),
  };
}

/**
 * Refuses a plan's case reference that names no shortage case (issue 13 item 1: allocations and
 * redistribution plans belong to a case): 400 naming the field, before anything is computed or stored.
 */
export async function requireCase(db: Db | Tx, caseId: number, field = 'caseId'): Promise<void> {
  const row = await db.selectFrom('shortage_case').select('id').where('id', '=', caseId).executeTakeFirst();
  if (!row)
    throw AppError.invalid(`${field} ${caseId} is no shortage case`, [
      { field, value: caseId, expected: 'the id of a shortage case', message: `no shortage case ${caseId}` },
    ]);
}
