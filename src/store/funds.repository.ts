import { sql } from 'kysely';
import { AppError } from '../domain/errors.js';
import {
  allocateLargestRemainder,
  fundUseProblems,
  type FundAgreement,
  type FundUseInput,
} from '../domain/funds.js';
import type { Db, Tx } from './database.js';

/*
 * R2 funds (issue 12 item 7): the agreements (migration 0025), each region's allocation, and the uses
 * the regions record. Thin queries, and the one write (recordFundUse) in a transaction with a row lock.
 */

export interface AgreementRow extends FundAgreement {
  name: string;
  source: string;
}

function toAgreement(r: {
  code: string;
  name: string;
  total_sek: number;
  regions_sek: number;
  skr_sek: number | null;
  population_date: string;
  requisition_by: string | null;
  usable_from: string;
  usable_to: string;
  repay_by: string;
  source: string;
}): AgreementRow {
  return {
    code: r.code,
    name: r.name,
    totalSek: Number(r.total_sek),
    regionsSek: Number(r.regions_sek),
    skrSek: r.skr_sek === null ? null : Number(r.skr_sek),
    populationDate: r.population_date,
    requisitionBy: r.requisition_by,
    usableFrom: r.usable_from,
    usableTo: r.usable_to,
    repayBy: r.repay_by,
    source: r.source,
  };
}

export async function listAgreements(db: Db | Tx): Promise<AgreementRow[]> {
  const rows = await db.selectFrom('fund_agreement').selectAll().orderBy('code').execute();
  return rows.map(toAgreement);
}

export async function findAgreement(db: Db | Tx, code: string): Promise<AgreementRow | undefined> {
  const row = await db.selectFrom('fund_agreement').selectAll().where('code', '=', code).executeTakeFirst();
  return row ? toAgreement(row) : undefined;
}

export interface AllocationRow {
  agreementCode: string;
  regionCode: string;
  regionName: string;
  population: number;
  populationDate: string;
  amountSek: number;
}

/**
 * Each region's share of the agreements, fixing any agreement not yet allocated first: the regions'
 * stored populations (region.population, dated region.population_date) must be of the agreement's
 * population date; they are split by largest remainder (src/domain/funds.ts) and stored with the
 * population used, once. A later population in the region table never changes a stored allocation.
 * `regionCode`: one region's rows only.
 */
export async function allocations(
  db: Db,
  agreements: readonly AgreementRow[],
  regionCode: string | null,
): Promise<AllocationRow[]> {
  const fixed = await db.selectFrom('fund_allocation').select('agreement_code').distinct().execute();
  const have = new Set(fixed.map((r) => r.agreement_code));
  for (const a of agreements) if (!have.has(a.code)) await fixAllocation(db, a);
  let q = db
    .selectFrom('fund_allocation as f')
    .innerJoin('region as r', 'r.code', 'f.region_code')
    .select([
      'f.agreement_code',
      sql<string>`f.region_code::text`.as('region_code'),
      'r.name',
      'f.population',
      'f.population_date',
      'f.amount_sek',
    ])
    .where(
      'f.agreement_code',
      'in',
      agreements.map((a) => a.code),
    )
    .orderBy('f.agreement_code')
    .orderBy('f.region_code');
  if (regionCode !== null) q = q.where('f.region_code', '=', regionCode);
  if (agreements.length === 0) return [];
  const rows = await q.execute();
  return rows.map((r) => ({
    agreementCode: r.agreement_code,
    regionCode: r.region_code,
    regionName: r.name,
    population: r.population,
    populationDate: r.population_date,
    amountSek: Number(r.amount_sek),
  }));
}

async function fixAllocation(db: Db, agreement: AgreementRow): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const regions = await trx
      .selectFrom('region')
      .select([sql<string>`code::text`.as('code'), 'population', 'population_date'])
      .orderBy('code')
      .execute();
    if (regions.length === 0) return;
    const other = regions.filter((r) => r.population_date !== agreement.populationDate);
    if (other.length > 0) {
      const first = other[0]!;
      throw AppError.conflict(
        `agreement ${agreement.code} is allocated by the population of ${agreement.populationDate}, but region ` +
          `${first.code}'s stored population is of ${first.population_date}` +
          (other.length > 1 ? ` (and ${other.length - 1} more)` : '') +
          ': load the population of that day to allocate it',
      );
    }
    const shares = allocateLargestRemainder(
      agreement.regionsSek,
      regions.map((r) => ({ key: r.code, weight: r.population })),
    );
    await trx
      .insertInto('fund_allocation')
      .values(
        shares.map((s) => ({
          agreement_code: agreement.code,
          region_code: s.key,
          population: s.weight,
          population_date: agreement.populationDate,
          amount_sek: s.amount,
        })),
      )
      .onConflict((oc) => oc.doNothing())
      .execute();
  });
}

export interface FundUseRow {
  id: number;
  agreementCode: string;
  regionCode: string;
  regionName: string;
  amountSek: number;
  usedOn: string;
  purpose: string;
  recordedBy: string;
  recordedAt: string;
}

/** The recorded uses, oldest day first; `regionCode`: one region's only. */
export async function listFundUses(db: Db | Tx, regionCode: string | null): Promise<FundUseRow[]> {
  let q = db
    .selectFrom('fund_use as u')
    .innerJoin('organisation as o', 'o.id', 'u.organisation_id')
    .innerJoin('region as r', 'r.code', 'u.region_code')
    .select([
      'r.name as region_name',
      'u.id',
      'u.agreement_code',
      sql<string>`u.region_code::text`.as('region_code'),
      'u.amount_sek',
      'u.used_on',
      'u.purpose',
      'o.name as recorded_by',
      'u.recorded_at',
    ])
    .orderBy('u.used_on')
    .orderBy('u.id');
  if (regionCode !== null) q = q.where('u.region_code', '=', regionCode);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    agreementCode: r.agreement_code,
    regionCode: r.region_code,
    regionName: r.region_name,
    amountSek: Number(r.amount_sek),
    usedOn: r.used_on,
    purpose: r.purpose,
    recordedBy: r.recorded_by,
    recordedAt: new Date(r.recorded_at).toISOString(),
  }));
}

/** Who records a use: the region's organisation and the token it used. */
export interface FundUseActor {
  organisationId: number;
  tokenId: number;
  regionCode: string;
}

/**
 * Records a use of `agreementCode`'s funds for the actor's region, with an audit entry (who, when,
 * what, why = the purpose). The region's allocation row is locked first, so two uses recorded at once
 * cannot together exceed what is unused. Refuses (invalid, nothing written) a use the domain's
 * fundUseProblems finds wrong; an unknown agreement is not found.
 */
export async function recordFundUse(
  db: Db,
  actor: FundUseActor,
  agreementCode: string,
  input: FundUseInput,
): Promise<FundUseRow> {
  const agreement = await findAgreement(db, agreementCode);
  if (!agreement) throw AppError.notFound(`agreement ${agreementCode}`);
  await allocations(db, [agreement], actor.regionCode);
  return db.transaction().execute(async (trx) => {
    const allocation = await trx
      .selectFrom('fund_allocation')
      .select('amount_sek')
      .where('agreement_code', '=', agreementCode)
      .where('region_code', '=', actor.regionCode)
      .forUpdate()
      .executeTakeFirst();
    if (!allocation) throw AppError.notFound(`agreement ${agreementCode} for region ${actor.regionCode}`);
    const used = await trx
      .selectFrom('fund_use')
      .select(sql<string>`coalesce(sum(amount_sek), 0)`.as('used'))
      .where('agreement_code', '=', agreementCode)
      .where('region_code', '=', actor.regionCode)
      .executeTakeFirstOrThrow();
    const unused = Number(allocation.amount_sek) - Number(used.used);
    const problems = fundUseProblems(agreement, unused, input);
    if (problems.length > 0)
      throw AppError.invalid(
        `the use of agreement ${agreementCode}'s funds for region ${actor.regionCode} was not recorded`,
        problems,
      );
    const purpose = input.purpose.trim();
    const row = await trx
      .insertInto('fund_use')
      .values({
        agreement_code: agreementCode,
        region_code: actor.regionCode,
        amount_sek: input.amountSek,
        used_on: input.usedOn,
        purpose,
        organisation_id: actor.organisationId,
        token_id: actor.tokenId,
      })
      .returning(['id', 'recorded_at'])
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('audit_log')
      .values({
        token_id: actor.tokenId,
        organisation_id: actor.organisationId,
        action: 'fund_use.record',
        entity: 'fund_use',
        entity_id: String(row.id),
        detail: JSON.stringify({
          agreement: agreementCode,
          region: actor.regionCode,
          amountSek: input.amountSek,
          usedOn: input.usedOn,
          purpose,
          unusedBefore: unused,
        }),
      })
      .execute();
    const org = await trx
      .selectFrom('organisation')
      .select('name')
      .where('id', '=', actor.organisationId)
      .executeTakeFirstOrThrow();
    const region = await trx
      .selectFrom('region')
      .select('name')
      .where('code', '=', actor.regionCode)
      .executeTakeFirstOrThrow();
    return {
      id: row.id,
      agreementCode,
      regionCode: actor.regionCode,
      regionName: region.name,
      amountSek: input.amountSek,
      usedOn: input.usedOn,
      purpose,
      recordedBy: org.name,
      recordedAt: new Date(row.recorded_at).toISOString(),
    };
  });
}
