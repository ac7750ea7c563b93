import {
  checkObligationParameters,
  obligationLine,
  rollingYearBefore,
  type ObligationLine,
  type ObligationParameters,
  type Period,
} from '../../domain/obligation.js';
import type { Db, Tx } from '../database.js';
import { obligationBases } from './basis.js';
import { INSERT_CHUNK, obligationDb, type Actor, type ObligationDb } from './tables.js';

/* Item 1: a year's calculations and their lines; item 2: the what-if. */

// Calculations -----------------------------------------------------------------------------------

export interface CalculationRow {
  id: number;
  year: number;
  months: number;
  revisionThreshold: number;
  cutoff: string;
  basisFrom: string;
  basisTo: string;
  listId: number | null;
  label: string | null;
  computedAt: Date;
}

/**
 * Item 1: computes a year's obligations with `params` and stores them (calculation and lines) in one
 * transaction: the packages on the prioritised list in force on the cut-off, each company's sales of
 * them in the 12 months before the cut-off, the volume per R1 (exempt: volume 0 and the reason).
 * Lines: every company that sold the package in the basis period, and its seller on the cut-off day
 * even without sales (volume 0). Returns the calculation.
 */
export async function computeObligations(
  db: Db,
  params: ObligationParameters & { label?: string | null },
  actor: Actor | null,
): Promise<CalculationRow> {
  checkObligationParameters(params);
  const basis = rollingYearBefore(params.cutoff);
  return db.transaction().execute(async (trx) => {
    const odb = obligationDb(trx);
    const { listId, bases } = await obligationBases(trx, params.cutoff);
    const lines = bases.map((b) => obligationLine(b, params.months));
    const calc = await odb
      .insertInto('obligation_calculation')
      .values({
        year: params.year,
        months: params.months,
        revision_threshold: params.revisionThreshold,
        cutoff: params.cutoff,
        basis_from: basis.from,
        basis_to: basis.to,
        list_id: listId,
        label: params.label ?? null,
        computed_by_org: actor?.organisationId ?? null,
        computed_by_user: actor?.userId ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await insertLines(odb, calc.id, lines);
    return toCalculation(calc);
  });
}

/** A what-if: the lines of each scenario, and the companies' names. */
export interface WhatIfResult {
  year: number;
  cutoff: string;
  basis: Period;
  listId: number | null;
  months: number[];
  /** Per scenario (in the order of `months`), the lines. Nothing is stored. */
  scenarios: ObligationLine[][];
  companyNames: Map<number, string>;
}

/**
 * Item 2: the same year under other months, side by side, computed from one reading of the basis and
 * stored nowhere (a what-if is a question, not a decision; computeObligations stores a calculation).
 */
export async function whatIf(
  db: Db,
  q: { year: number; cutoff: string; months: readonly number[] },
): Promise<WhatIfResult> {
  for (const months of q.months)
    checkObligationParameters({ year: q.year, months, cutoff: q.cutoff, revisionThreshold: 0.25 });
  return db.transaction().execute(async (trx) => {
    const { listId, basis, bases } = await obligationBases(trx, q.cutoff);
    const ids = [...new Set(bases.map((b) => b.companyId))];
    const names =
      ids.length === 0
        ? []
        : await trx.selectFrom('organisation').select(['id', 'name']).where('id', 'in', ids).execute();
    return {
      year: q.year,
      cutoff: q.cutoff,
      basis,
      listId,
      months: [...q.months],
      scenarios: q.months.map((m) => bases.map((b) => obligationLine(b, m))),
      companyNames: new Map(names.map((n) => [n.id, n.name])),
    };
  });
}

async function insertLines(odb: ObligationDb, calculationId: number, lines: readonly ObligationLine[]) {
  for (let i = 0; i < lines.length; i += INSERT_CHUNK) {
    await odb
      .insertInto('obligation_line')
      .values(
        lines.slice(i, i + INSERT_CHUNK).map((l) => ({
          calculation_id: calculationId,
          company_id: l.companyId,
          package_id: l.packageId,
          basis_units: l.basisUnits,
          volume: l.volume,
          exempt_reason: l.exemptReason,
          seller_on_cutoff: l.sellerOnCutoff,
          price_sek: l.priceSek,
        })),
      )
      .execute();
  }
}

function toCalculation(r: {
  id: number;
  year: number;
  months: number;
  revision_threshold: number;
  cutoff: string;
  basis_from: string;
  basis_to: string;
  list_id: number | null;
  label: string | null;
  computed_at: Date;
}): CalculationRow {
  return {
    id: Number(r.id),
    year: r.year,
    months: Number(r.months),
    revisionThreshold: Number(r.revision_threshold),
    cutoff: r.cutoff,
    basisFrom: r.basis_from,
    basisTo: r.basis_to,
    listId: r.list_id === null ? null : Number(r.list_id),
    label: r.label,
    computedAt: new Date(r.computed_at),
  };
}

export async function findCalculation(db: Db | Tx, id: number): Promise<CalculationRow | undefined> {
  const r = await obligationDb(db)
    .selectFrom('obligation_calculation')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return r === undefined ? undefined : toCalculation(r);
}

export async function listCalculations(db: Db | Tx, year?: number): Promise<CalculationRow[]> {
  let q = obligationDb(db).selectFrom('obligation_calculation').selectAll();
  if (year !== undefined) q = q.where('year', '=', year);
  const rows = await q.orderBy('year', 'desc').orderBy('id', 'desc').execute();
  return rows.map(toCalculation);
}

/** A line with what a reader needs to recognise it, and its latest revision when it has one. */
export interface LineRow extends ObligationLine {
  companyName: string;
  nplPackId: string;
  name: string;
  description: string;
  substance: string;
  atcCode: string;
  revision: {
    id: number;
    revisedOn: string;
    rollingFrom: string;
    rollingTo: string;
    previousBasis: number;
    rollingBasis: number;
    previousVolume: number;
    newVolume: number;
  } | null;
}

/** The lines of a calculation, optionally of one company, ordered by company and package name. */
export async function calculationLines(
  db: Db | Tx,
  calculationId: number,
  filter: { companyId?: number; exempt?: boolean } = {},
): Promise<LineRow[]> {
  let q = obligationDb(db)
    .selectFrom('obligation_line as l')
    .innerJoin('organisation as o', 'o.id', 'l.company_id')
    .innerJoin('package as p', 'p.id', 'l.package_id')
    .innerJoin('medicine as m', 'm.id', 'p.medicine_id')
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('obligation_revision as r')
          .distinctOn(['r.company_id', 'r.package_id'])
          .selectAll('r')
          .where('r.calculation_id', '=', calculationId)
          .orderBy('r.company_id')
          .orderBy('r.package_id')
          .orderBy('r.revised_on', 'desc')
          .as('r'),
      (join) => join.onRef('r.company_id', '=', 'l.company_id').onRef('r.package_id', '=', 'l.package_id'),
    )
    .select([
      'l.company_id',
      'l.package_id',
      'l.basis_units',
      'l.volume',
      'l.exempt_reason',
      'l.seller_on_cutoff',
      'l.price_sek',
      'o.name as company_name',
      'p.npl_pack_id',
      'm.name',
      'p.description',
      'm.substance',
      'm.atc_code',
      'r.id as revision_id',
      'r.revised_on',
      'r.rolling_from',
      'r.rolling_to',
      'r.previous_basis',
      'r.rolling_basis',
      'r.previous_volume',
      'r.new_volume',
    ])
    .where('l.calculation_id', '=', calculationId);
  if (filter.companyId !== undefined) q = q.where('l.company_id', '=', filter.companyId);
  if (filter.exempt !== undefined) q = q.where('l.exempt_reason', filter.exempt ? 'is not' : 'is', null);
  const rows = await q.orderBy('o.name').orderBy('m.name').orderBy('p.id').execute();
  return rows.map((r) => ({
    companyId: Number(r.company_id),
    packageId: Number(r.package_id),
    basisUnits: Number(r.basis_units),
    volume: r.volume,
    exemptReason: r.exempt_reason,
    sellerOnCutoff: r.seller_on_cutoff,
    priceSek: r.price_sek === null ? null : Number(r.price_sek),
    companyName: r.company_name,
    nplPackId: r.npl_pack_id,
    name: r.name,
    description: r.description,
    substance: r.substance,
    atcCode: r.atc_code,
    revision:
      r.revision_id === null || r.revision_id === undefined
        ? null
        : {
            id: Number(r.revision_id),
            revisedOn: r.revised_on as string,
            rollingFrom: r.rolling_from as string,
            rollingTo: r.rolling_to as string,
            previousBasis: Number(r.previous_basis),
            rollingBasis: Number(r.rolling_basis),
            previousVolume: Number(r.previous_volume),
            newVolume: Number(r.new_volume),
          },
  }));
}
