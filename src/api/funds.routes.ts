import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { seesEverything, type Principal } from '../domain/access.js';
import { calendarDateInSweden } from '../domain/calendar.js';
import { AppError } from '../domain/errors.js';
import { fundStatus, MAX_PURPOSE_LENGTH, type FundStatus } from '../domain/funds.js';
import type { Db, Store } from '../store/database.js';
import { allocations, listAgreements, listFundUses, recordFundUse } from '../store/funds.repository.js';
import { principalOf } from './auth.js';
import { authErrors, ErrorResponse, StringEnum } from './common.js';
import type { ExportTable } from './picture/export.js';
import { sendExport } from './picture/exports.js';
import { classification, Classification } from './picture/dto.js';

/*
 * R2's funds (issue 12 item 7): the state–SKR agreements, each region's allocation by population share
 * (largest remainder, src/domain/funds.ts), the funds the regions record as used, and what is due to
 * be repaid and when. Who sees what (issue 12 item 9): everyone with preparedness:read sees the
 * agreements; a region sees its own allocation, uses and repayment; authorities and Nationellt CT see
 * every region's; only a region (coordinator or reporter: preparedness:apply) records its own use,
 * and each recorded use is in the audit log.
 */

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Day = Type.String({ format: 'date' });

const FundStateEnum = StringEnum(['open', 'to_repay', 'overdue', 'settled'] as const, {
  description:
    'open: may still be used; to_repay: the period is over, unused funds are to be repaid by repayBy; ' +
    'overdue: repayBy has passed with funds unused (repayments are not recorded here); settled: all used',
});

const RegionFundsDto = Type.Object({
  regionCode: Type.String(),
  regionName: Type.String(),
  population: Type.Integer({ description: 'the population the share was computed from' }),
  populationDate: Day,
  allocatedSek: Type.Integer({ description: 'whole kronor, largest remainder over population shares' }),
  usedSek: Type.Integer(),
  unusedSek: Type.Integer(),
  dueToRepaySek: Type.Integer({
    description: 'what must be repaid to Kammarkollegiet by repayBy if nothing more is used',
  }),
  repayBy: Day,
  state: FundStateEnum,
});

const AgreementDto = Type.Object({
  code: Type.String({ description: "the agreement's year, e.g. 2024" }),
  name: Type.String(),
  totalSek: Type.Integer(),
  regionsSek: Type.Integer({ description: 'allocated to the regions by population share' }),
  skrSek: Nullable(Type.Integer({ description: "SKR's share; null where seed 003 does not give it" })),
  populationDate: Day,
  requisitionBy: Nullable(Day),
  usableFrom: Day,
  usableTo: Day,
  repayBy: Day,
  source: Type.String({ description: 'where each figure comes from (seed 003), and what is our choice' }),
  regions: Type.Array(RegionFundsDto, { description: 'the regions the caller may see' }),
  totals: Type.Object({
    allocatedSek: Type.Integer(),
    usedSek: Type.Integer(),
    dueToRepaySek: Type.Integer(),
  }),
});

const FundUseDto = Type.Object({
  id: Type.Integer(),
  agreementCode: Type.String(),
  regionCode: Type.String(),
  regionName: Type.String(),
  amountSek: Type.Integer(),
  usedOn: Day,
  purpose: Type.String(),
  recordedBy: Type.String(),
  recordedAt: Type.String({ format: 'date-time' }),
});
export type FundUseDto = Static<typeof FundUseDto>;

export const FundsDto = Type.Object({
  classification: Classification,
  on: Day,
  /** The region the caller records for (its own), or null when it records none. */
  recordsFor: Nullable(Type.String({ description: 'the region the caller may record uses for' })),
  agreements: Type.Array(AgreementDto),
  uses: Type.Array(FundUseDto, { description: 'recorded uses the caller may see, oldest day first' }),
});
export type FundsDto = Static<typeof FundsDto>;

const OnQuery = Type.Object({
  on: Type.Optional(
    Type.String({ format: 'date', description: 'the day the state is told for (default today, in Sweden)' }),
  ),
});

export const FundUseBody = Type.Object(
  {
    agreement: Type.String({ pattern: '^[0-9]{4}$', description: "the agreement's code, e.g. 2024" }),
    amountSek: Type.Integer({ minimum: 1, description: 'whole kronor' }),
    usedOn: Type.String({ format: 'date', description: 'the day the funds were used' }),
    purpose: Type.String({
      minLength: 1,
      maxLength: MAX_PURPOSE_LENGTH,
      description: 'what they were used for',
    }),
  },
  { additionalProperties: false },
);

/** The one region whose funds the caller sees in detail, null for all, undefined for none. */
function regionScope(p: Principal): string | null | undefined {
  if (seesEverything(p)) return null;
  if (p.organisationKind === 'region' && p.regionCode !== null) return p.regionCode;
  return undefined;
}

export async function fundsOf(db: Db, p: Principal, on: string): Promise<FundsDto> {
  const scope = regionScope(p);
  const agreements = await listAgreements(db);
  const allocated = scope === undefined ? [] : await allocations(db, agreements, scope);
  const uses = scope === undefined ? [] : await listFundUses(db, scope);
  return {
    // Allocations are public (the agreement's annex); what one region used is shared within
    // preparedness work, not published.
    classification: classification(scope === undefined ? 'open' : 'restricted'),
    on,
    recordsFor: p.organisationKind === 'region' ? p.regionCode : null,
    agreements: agreements.map((a) => {
      const regions = allocated
        .filter((r) => r.agreementCode === a.code)
        .map((r) => {
          const status: FundStatus = fundStatus(
            a,
            r.amountSek,
            uses.filter((u) => u.agreementCode === a.code && u.regionCode === r.regionCode),
            on,
          );
          return {
            regionCode: r.regionCode,
            regionName: r.regionName,
            population: r.population,
            populationDate: r.populationDate,
            allocatedSek: status.allocatedSek,
            usedSek: status.usedSek,
            unusedSek: status.unusedSek,
            dueToRepaySek: status.dueToRepaySek,
            repayBy: status.repayBy,
            state: status.state,
          };
        });
      return {
        code: a.code,
        name: a.name,
        totalSek: a.totalSek,
        regionsSek: a.regionsSek,
        skrSek: a.skrSek,
        populationDate: a.populationDate,
        requisitionBy: a.requisitionBy,
        usableFrom: a.usableFrom,
        usableTo: a.usableTo,
        repayBy: a.repayBy,
        source: a.source,
        regions,
        totals: {
          allocatedSek: regions.reduce((s, r) => s + r.allocatedSek, 0),
          usedSek: regions.reduce((s, r) => s + r.usedSek, 0),
          dueToRepaySek: regions.reduce((s, r) => s + r.dueToRepaySek, 0),
        },
      };
    }),
    uses,
  };
}

const STATE_NAMES_SV: Readonly<Record<FundStatus['state'], string>> = {
  open: 'Kan användas',
  to_repay: 'Ska återbetalas',
  overdue: 'Återbetalning försenad',
  settled: 'Förbrukat',
};

type FundExportRow = FundsDto['agreements'][number]['regions'][number] & { agreement: string };

function fundsTable(f: FundsDto): ExportTable<FundExportRow> {
  const rows = f.agreements.flatMap((a) => a.regions.map((r) => ({ ...r, agreement: a.code })));
  const regions = new Set(rows.map((r) => r.regionName));
  return {
    name: 'beredskapsmedel',
    title: 'Medel för försörjningsberedskap: fördelning, använt och att återbetala',
    classification: f.classification.code,
    today: f.on,
    scope: regions.size === 1 ? [...regions][0]! : 'Alla regioner',
    columns: [
      { header: 'Överenskommelse', value: (r) => r.agreement },
      { header: 'Regionkod', value: (r) => r.regionCode },
      { header: 'Region', value: (r) => r.regionName },
      { header: 'Befolkning', value: (r) => r.population, decimals: 0 },
      { header: 'Befolkning per', value: (r) => r.populationDate, date: true },
      { header: 'Tilldelat (kr)', value: (r) => r.allocatedSek, decimals: 0 },
      { header: 'Använt (kr)', value: (r) => r.usedSek, decimals: 0 },
      { header: 'Att återbetala (kr)', value: (r) => r.dueToRepaySek, decimals: 0 },
      { header: 'Återbetalas senast', value: (r) => r.repayBy, date: true },
      { header: 'Läge', value: (r) => STATE_NAMES_SV[r.state] },
    ],
    rows,
  };
}

export const fundsRoutes: FastifyPluginAsyncTypebox<{ store: Store }> = async (app, { store }) => {
  const db = store.db;
  const tags = ['preparedness'];
  const today = () => calendarDateInSweden(new Date());

  app.get(
    '/preparedness/funds',
    {
      config: { permission: 'preparedness:read' },
      schema: {
        tags,
        summary:
          'R2: the agreements (2022, 2023, 2024) with each region’s allocation, funds used and what is due to ' +
          'be repaid and when (own region for a region, all for authorities and Nationellt CT)',
        querystring: OnQuery,
        response: { 200: FundsDto, ...authErrors },
      },
    },
    async (request) => fundsOf(db, principalOf(request), request.query.on ?? today()),
  );

  app.get(
    '/preparedness/funds/export',
    {
      config: { permission: 'preparedness:read' },
      schema: {
        tags,
        summary: 'The allocations, funds used and repayments per agreement and region as CSV or XLSX',
        querystring: Type.Intersect([
          OnQuery,
          Type.Object({ format: StringEnum(['csv', 'xlsx'] as const, { description: 'csv or xlsx' }) }),
        ]),
        produces: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
        response: {
          200: Type.String({ description: 'the file (text/csv or XLSX), marked with its information class' }),
          ...authErrors,
        },
      },
    },
    async (request, reply) =>
      sendExport(
        reply,
        fundsTable(await fundsOf(db, principalOf(request), request.query.on ?? today())),
        request.query.format,
      ),
  );

  app.post(
    '/preparedness/funds/uses',
    {
      config: { permission: 'preparedness:apply' },
      schema: {
        tags,
        summary:
          'A region records funds used of an agreement (amount, day, purpose) for itself; at most what is ' +
          'unused, on a day of the agreement’s usable period; audited',
        body: FundUseBody,
        response: { 201: FundUseDto, ...authErrors, 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      if (p.organisationKind !== 'region' || p.regionCode === null)
        throw AppError.forbidden('only a region records its own funds used');
      const { agreement, amountSek, usedOn, purpose } = request.body;
      const use = await recordFundUse(
        db,
        { organisationId: p.organisationId, tokenId: p.tokenId, regionCode: p.regionCode },
        agreement,
        { amountSek, usedOn, purpose },
      );
      return reply.code(201).send(use);
    },
  );
};
