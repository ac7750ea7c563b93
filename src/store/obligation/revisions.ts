import { AppError } from '../../domain/errors.js';
import { revisionTest, rollingYearBefore } from '../../domain/obligation.js';
import type { Db, Tx } from '../database.js';
import { companySalesByMonth } from './basis.js';
import { calculationLines, findCalculation } from './calculations.js';
import { obligationDb } from './tables.js';

/* Item 1: R1's revision at ±25 %, kept with its basis. */

// Revisions --------------------------------------------------------------------------------------

export interface RevisionRow {
  id: number;
  companyId: number;
  packageId: number;
  revisedOn: string;
  rollingFrom: string;
  rollingTo: string;
  previousBasis: number;
  rollingBasis: number;
  change: number | null;
  previousVolume: number;
  newVolume: number;
}

/**
 * Item 1: the revision test of every obligated line of a calculation on `on` (R1): each company's
 * rolling 12-month sales before `on` against the basis used (the line's, or its latest revision's);
 * where they have risen or fallen by at least the calculation's threshold, a revision is stored with
 * its rolling basis. Idempotent per day (a second run on the same day adds nothing). Returns the
 * revisions made.
 */
export async function reviseObligations(
  db: Db,
  q: { calculationId: number; on: string },
): Promise<RevisionRow[]> {
  return db.transaction().execute(async (trx) => {
    const odb = obligationDb(trx);
    const calc = await findCalculation(trx, q.calculationId);
    if (calc === undefined) throw AppError.notFound(`obligation calculation ${q.calculationId}`);
    if (q.on <= calc.cutoff)
      throw AppError.invalid(`revision date ${q.on} must lie after the cut-off ${calc.cutoff}`, [
        { field: 'on', value: q.on, expected: `a date after ${calc.cutoff}`, message: 'too early' },
      ]);
    const lines = await calculationLines(trx, calc.id, { exempt: false });
    const rolling = rollingYearBefore(q.on);
    const sales = await companySalesByMonth(trx, rolling, [...new Set(lines.map((l) => l.packageId))]);
    const unitsOf = new Map(sales.map((s) => [`${s.companyId}|${s.packageId}`, s.units]));
    const made: RevisionRow[] = [];
    for (const l of lines) {
      if (l.revision !== null && l.revision.revisedOn >= q.on) continue;
      const basisUnits = l.revision?.rollingBasis ?? l.basisUnits;
      const volume = l.revision?.newVolume ?? l.volume;
      const units = unitsOf.get(`${l.companyId}|${l.packageId}`) ?? 0;
      const test = revisionTest(
        { basisUnits, exemptReason: l.exemptReason },
        units,
        calc.months,
        calc.revisionThreshold,
      );
      if (!test.due) continue;
      const r = await odb
        .insertInto('obligation_revision')
        .values({
          calculation_id: calc.id,
          company_id: l.companyId,
          package_id: l.packageId,
          revised_on: q.on,
          rolling_from: rolling.from,
          rolling_to: rolling.to,
          previous_basis: basisUnits,
          rolling_basis: units,
          previous_volume: volume,
          new_volume: test.newVolume,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      made.push({
        id: Number(r.id),
        companyId: l.companyId,
        packageId: l.packageId,
        revisedOn: q.on,
        rollingFrom: rolling.from,
        rollingTo: rolling.to,
        previousBasis: basisUnits,
        rollingBasis: units,
        change: test.change,
        previousVolume: volume,
        newVolume: test.newVolume,
      });
    }
    return made;
  });
}

/** Every revision of a calculation (optionally one company's), newest first. */
export async function listRevisions(
  db: Db | Tx,
  calculationId: number,
  companyId?: number,
): Promise<RevisionRow[]> {
  let q = obligationDb(db)
    .selectFrom('obligation_revision')
    .selectAll()
    .where('calculation_id', '=', calculationId);
  if (companyId !== undefined) q = q.where('company_id', '=', companyId);
  const rows = await q.orderBy('revised_on', 'desc').orderBy('company_id').orderBy('package_id').execute();
  return rows.map((r) => ({
    id: Number(r.id),
    companyId: Number(r.company_id),
    packageId: Number(r.package_id),
    revisedOn: r.revised_on,
    rollingFrom: r.rolling_from,
    rollingTo: r.rolling_to,
    previousBasis: Number(r.previous_basis),
    rollingBasis: Number(r.rolling_basis),
    change:
      Number(r.previous_basis) > 0
        ? (Number(r.rolling_basis) - Number(r.previous_basis)) / Number(r.previous_basis)
        : null,
    previousVolume: r.previous_volume,
    newVolume: r.new_volume,
  }));
}

/**
 * The revision test runs by itself once a month (ours: R1 says volumes are revised when sales have
 * moved by 25 %, not how often to look; monthly follows the months the basis is kept in): on the first
 * day of the picture's month, for the calculation Läkemedelsverket last published for that year.
 * Nothing is published: the revisions wait for Läkemedelsverket's decision (publishDecisions).
 * Returns the revisions made, or null when there is nothing to test (no published year, or before the
 * cut-off).
 */
export async function scheduledRevision(db: Db, day: string): Promise<RevisionRow[] | null> {
  const on = `${day.slice(0, 7)}-01`;
  const published = await obligationDb(db)
    .selectFrom('obligation_decision')
    .select('calculation_id')
    .where('year', '=', Number(day.slice(0, 4)))
    .orderBy('decided_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (published === undefined) return null;
  const calc = await findCalculation(db, Number(published.calculation_id));
  if (calc === undefined || on <= calc.cutoff) return null;
  return reviseObligations(db, { calculationId: calc.id, on });
}
