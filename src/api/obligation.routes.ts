import { Type, type Static } from '@sinclair/typebox';
import { grantedDispensations } from '../store/dispensation.repository.js';
import { applyDispensations } from '../domain/dispensation.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Principal } from '../domain/access.js';
import { mayDecide } from '../domain/actors.js';
import { calendarDateInSweden } from '../domain/calendar.js';
import { AppError } from '../domain/errors.js';
import {
  compareScenarios,
  defaultCutoff,
  EXEMPT_REASON_NAMES_SV,
  EXEMPT_REASONS,
  MAX_OBLIGATION_MONTHS,
  obligationParameters,
  obligationTotals,
  seesAllObligations,
  type ObligationTotals,
} from '../domain/obligation.js';
import type { Store } from '../store/database.js';
import {
  calculationLines,
  computeObligations,
  findCalculation,
  findDecision,
  listCalculations,
  listDecisions,
  listRevisions,
  publishDecisions,
  publishedObligations,
  reviseObligations,
  whatIf,
  type Actor,
  type CalculationRow,
  type DecisionRow,
  type LineRow,
} from '../store/obligation.repository.js';
import { principalOf } from './auth.js';
import { authErrors, ErrorResponse, StringEnum } from './common.js';
import { sendExport } from './picture/exports.js';
import type { ExportColumn, ExportTable } from './picture/export.js';

/*
 * R1, the stockpiling obligation (issue 12 items 1–3 and 8; docs/obligations.md): calculations and
 * their what-if, revisions, Läkemedelsverket's published decisions, each company's list in force, and
 * their CSV/XLSX exports. LV and TLV see every company (seesAllObligations); a company sees its own
 * published list; only LV computes, revises and publishes (mayDecide(org, 'obligation')). "Not found"
 * and "not yours" answer the same.
 */

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);
const DateString = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const Year = Type.Integer({
  minimum: 2000,
  maximum: 2100,
  description: 'the calendar year of the obligation',
});
const Months = Type.Number({
  exclusiveMinimum: 0,
  maximum: MAX_OBLIGATION_MONTHS,
  description: 'months of normal consumption to hold (R1: 3; SOU 2021:19 proposed 6)',
});
const ExemptReasonSchema = StringEnum(EXEMPT_REASONS, {
  description: 'R1: parallel-traded and licence packages are exempt (volume 0)',
});
const tags = ['obligations'];

export const TotalsDto = Type.Object({
  lines: Type.Integer(),
  obligatedLines: Type.Integer({ description: 'lines with a volume above 0' }),
  exemptLines: Type.Integer(),
  volume: Type.Integer({ description: 'packages to hold, in all' }),
  valueSek: Type.Number({ description: 'the packages at AIP (price_sek × packages), SEK' }),
  unpricedLines: Type.Integer({
    description: 'lines with a volume whose package has no price (not in valueSek)',
  }),
});

export const CalculationDto = Type.Object({
  id: Type.Integer(),
  year: Type.Integer(),
  months: Type.Number(),
  revisionThreshold: Type.Number({ description: 'a share: 0.25 = 25 %' }),
  cutoff: DateString,
  basisFrom: DateString,
  basisTo: DateString,
  listId: Nullable(Type.Integer({ description: 'the prioritised list version in force on the cut-off' })),
  label: Nullable(Type.String()),
  computedAt: Type.String({ format: 'date-time' }),
  totals: TotalsDto,
});

const Named = Type.Object({ id: Type.Integer(), name: Type.String() });
const PackageRef = Type.Object({
  id: Type.Integer(),
  nplPackId: Type.String(),
  name: Type.String(),
  description: Type.String(),
  substance: Type.String(),
  atcCode: Type.String(),
});

export const RevisionDto = Type.Object({
  id: Type.Integer(),
  companyId: Type.Integer(),
  packageId: Type.Integer(),
  revisedOn: DateString,
  rollingFrom: DateString,
  rollingTo: DateString,
  previousBasis: Type.Number(),
  rollingBasis: Type.Number({ description: 'packages sold in the rolling 12 months before revisedOn' }),
  change: Nullable(Type.Number({ description: '(rolling − previous) ÷ previous; null when previous is 0' })),
  previousVolume: Type.Integer(),
  newVolume: Type.Integer(),
});

export const LineDto = Type.Object({
  company: Named,
  package: PackageRef,
  basisUnits: Type.Number({
    description: 'packages the company sold in the basis period, one source per sale',
  }),
  volume: Type.Integer({ description: 'packages to hold (R1, rounded up); 0 when exempt' }),
  exemptReason: Nullable(ExemptReasonSchema),
  sellerOnCutoff: Type.Boolean({ description: 'the company sold the package on the cut-off day' }),
  priceSek: Nullable(Type.Number()),
  valueSek: Nullable(Type.Number({ description: 'priceSek × volume' })),
  revision: Nullable(Type.Omit(RevisionDto, ['companyId', 'packageId', 'change'])),
});
type LineDto = Static<typeof LineDto>;

export const LinesDto = Type.Object({
  calculation: CalculationDto,
  items: Type.Array(LineDto),
  total: Type.Integer(),
});

const WhatIfQuery = Type.Object({
  year: Year,
  months: Type.Array(Months, {
    minItems: 1,
    maxItems: 5,
    description: 'one value per scenario, e.g. 3 and 6',
  }),
  cutoff: Type.Optional(
    Type.String({ format: 'date', description: 'default: 1 October of the year before' }),
  ),
});
export const WhatIfDto = Type.Object({
  year: Type.Integer(),
  cutoff: DateString,
  basisFrom: DateString,
  basisTo: DateString,
  months: Type.Array(Type.Number()),
  companies: Type.Array(Type.Object({ company: Named, scenarios: Type.Array(TotalsDto) })),
  national: Type.Array(TotalsDto),
});
type WhatIfDto = Static<typeof WhatIfDto>;

export const DecisionDto = Type.Object({
  id: Type.Integer(),
  year: Type.Integer(),
  company: Named,
  version: Type.Integer(),
  calculationId: Type.Integer(),
  validFrom: DateString,
  decidedAt: Type.String({ format: 'date-time' }),
  decidedByOrganisationId: Type.Integer(),
  reason: Type.String(),
  lines: Type.Integer(),
  volume: Type.Integer(),
});

const InForceQuery = Type.Object({
  year: Year,
  on: Type.Optional(Type.String({ format: 'date', description: 'the day; default: today in Sweden' })),
  company: Type.Optional(
    Type.Integer({ minimum: 1, description: 'one company (LV and TLV only; others see their own)' }),
  ),
});
const InForceLineDto = Type.Object({
  company: Named,
  package: PackageRef,
  volume: Type.Integer({
    description: 'packages to hold on the day: the published volume, or a granted dispensation’s while valid',
  }),
  publishedVolume: Type.Integer({ description: 'the volume of the decision version in force' }),
  dispensationId: Nullable(
    Type.Integer({ description: 'the granted dispensation that sets volume, if any' }),
  ),
  basisUnits: Type.Number(),
  basisFrom: DateString,
  basisTo: DateString,
  exemptReason: Nullable(ExemptReasonSchema),
  decisionId: Type.Integer(),
  version: Type.Integer(),
  validFrom: DateString,
});
export const InForceDto = Type.Object({
  year: Type.Integer(),
  on: DateString,
  items: Type.Array(InForceLineDto),
});
type InForceDto = Static<typeof InForceDto>;

const Format = Type.Object({
  format: StringEnum(['csv', 'xlsx'] as const, { description: 'csv (semicolon, decimal comma) or xlsx' }),
});
const FileResponse = {
  200: Type.String({ description: 'the file (text/csv or XLSX), marked with its information class' }),
};
const FILE_TYPES = ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'];
const errors = { ...authErrors, 409: ErrorResponse };

const iso = (d: Date) => d.toISOString();

function actorOf(p: Principal): Actor {
  return { organisationId: p.organisationId, userId: p.userId, tokenId: p.tokenId };
}

const markOf = (p: Principal) => ({ kind: p.organisationKind, authority: p.authority ?? null });

/** Only Läkemedelsverket decides obligations (R1); anyone else is refused, saying who decides. */
function requireLv(p: Principal): void {
  if (!mayDecide(markOf(p), 'obligation'))
    throw AppError.forbidden('only Läkemedelsverket decides stockpiling obligations (R1)');
}

function toCalculationDto(c: CalculationRow, totals: ObligationTotals) {
  return { ...c, computedAt: iso(c.computedAt), totals };
}

function toLineDto(l: LineRow): LineDto {
  return {
    company: { id: l.companyId, name: l.companyName },
    package: {
      id: l.packageId,
      nplPackId: l.nplPackId,
      name: l.name,
      description: l.description,
      substance: l.substance,
      atcCode: l.atcCode,
    },
    basisUnits: l.basisUnits,
    volume: l.volume,
    exemptReason: l.exemptReason,
    sellerOnCutoff: l.sellerOnCutoff,
    priceSek: l.priceSek,
    valueSek: l.priceSek === null ? null : Math.round(l.priceSek * l.volume * 100) / 100,
    revision: l.revision,
  };
}

function toDecisionDto(d: DecisionRow) {
  return {
    id: d.id,
    year: d.year,
    company: { id: d.companyId, name: d.companyName },
    version: d.version,
    calculationId: d.calculationId,
    validFrom: d.validFrom,
    decidedAt: iso(d.decidedAt),
    decidedByOrganisationId: d.decidedByOrg,
    reason: d.reason,
    lines: d.lines,
    volume: d.volume,
  };
}

export const obligationRoutes: FastifyPluginAsyncTypebox<{ store: Store }> = async (app, { store }) => {
  const db = store.db;

  /** A calculation the caller may see (LV, TLV), or "not found". */
  async function visibleCalculation(p: Principal, id: number): Promise<CalculationRow> {
    const calc = seesAllObligations(markOf(p)) ? await findCalculation(db, id) : undefined;
    if (calc === undefined) throw AppError.notFound(`obligation calculation ${id}`);
    return calc;
  }

  async function linesOf(p: Principal, id: number, company?: number) {
    const calc = await visibleCalculation(p, id);
    const all = await calculationLines(db, id);
    const lines = company === undefined ? all : all.filter((l) => l.companyId === company);
    return { calc, all, lines };
  }

  async function whatIfOf(p: Principal, q: Static<typeof WhatIfQuery>): Promise<WhatIfDto> {
    if (!seesAllObligations(markOf(p)))
      throw AppError.forbidden('only Läkemedelsverket and TLV compare obligations');
    const r = await whatIf(db, { year: q.year, cutoff: q.cutoff ?? defaultCutoff(q.year), months: q.months });
    const cmp = compareScenarios(r.scenarios);
    return {
      year: r.year,
      cutoff: r.cutoff,
      basisFrom: r.basis.from,
      basisTo: r.basis.to,
      months: r.months,
      companies: cmp.companies
        .map((c) => ({
          company: { id: c.companyId, name: r.companyNames.get(c.companyId) ?? String(c.companyId) },
          scenarios: c.scenarios,
        }))
        .sort((a, b) => a.company.name.localeCompare(b.company.name, 'sv') || a.company.id - b.company.id),
      national: cmp.national,
    };
  }

  async function inForceOf(p: Principal, q: Static<typeof InForceQuery>): Promise<InForceDto> {
    const on = q.on ?? calendarDateInSweden(new Date());
    // A company (or anyone but LV and TLV) sees its own list only, whatever it asks for.
    const all = seesAllObligations(markOf(p));
    const companyId = all ? q.company : p.organisationId;
    if (!all && q.company !== undefined && q.company !== p.organisationId)
      return { year: q.year, on, items: [] };
    const rows = await publishedObligations(db, {
      year: q.year,
      on,
      ...(companyId === undefined ? {} : { companyId }),
    });
    // The obligation in force always reflects the decisions (issue 12 item 3): a granted dispensation
    // replaces the published volume while it is valid.
    const granted = await grantedDispensations(db, { on, companyId });
    const applied = new Map(
      applyDispensations(
        rows
          .filter((r) => r.exemptReason === null && r.volume > 0)
          .map((r) => ({ companyId: r.companyId, packageId: r.packageId, volume: r.volume })),
        granted,
        on,
      ).map((a) => [`${a.companyId}:${a.packageId}`, a]),
    );
    const ids = [...new Set(rows.map((r) => r.packageId))];
    const orgIds = [...new Set(rows.map((r) => r.companyId))];
    const packages =
      ids.length === 0
        ? []
        : await db
            .selectFrom('package as p')
            .innerJoin('medicine as m', 'm.id', 'p.medicine_id')
            .select(['p.id', 'p.npl_pack_id', 'm.name', 'p.description', 'm.substance', 'm.atc_code'])
            .where('p.id', 'in', ids)
            .execute();
    const orgs =
      orgIds.length === 0
        ? []
        : await db.selectFrom('organisation').select(['id', 'name']).where('id', 'in', orgIds).execute();
    const pkgOf = new Map(packages.map((x) => [x.id, x]));
    const nameOf = new Map(orgs.map((o) => [o.id, o.name]));
    return {
      year: q.year,
      on,
      items: rows
        .map((r) => {
          const x = pkgOf.get(r.packageId);
          const a = applied.get(`${r.companyId}:${r.packageId}`);
          return {
            company: { id: r.companyId, name: nameOf.get(r.companyId) ?? '' },
            package: {
              id: r.packageId,
              nplPackId: x?.npl_pack_id ?? '',
              name: x?.name ?? '',
              description: x?.description ?? '',
              substance: x?.substance ?? '',
              atcCode: x?.atc_code ?? '',
            },
            volume: a?.volume ?? r.volume,
            publishedVolume: r.volume,
            dispensationId: a?.dispensationId ?? null,
            basisUnits: r.basisUnits,
            basisFrom: r.basisFrom,
            basisTo: r.basisTo,
            exemptReason: r.exemptReason,
            decisionId: r.decisionId,
            version: r.version,
            validFrom: r.validFrom,
          };
        })
        // By company and medicine name, as the lines of a calculation.
        .sort(
          (a, b) =>
            a.company.name.localeCompare(b.company.name, 'sv') ||
            a.package.name.localeCompare(b.package.name, 'sv') ||
            a.package.id - b.package.id,
        ),
    };
  }

  // Calculations --------------------------------------------------------------------------------
  app.get(
    '/obligations/access',
    {
      config: { permission: 'preparedness:read' },
      schema: {
        tags,
        summary: 'What the caller may do with obligations (for the dashboard’s screens)',
        response: {
          200: Type.Object({
            seesAllCompanies: Type.Boolean({ description: 'LV and TLV: every company; others: their own' }),
            decides: Type.Boolean({ description: 'Läkemedelsverket: computes, revises and publishes' }),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const p = principalOf(request);
      return {
        seesAllCompanies: seesAllObligations(markOf(p)),
        decides: mayDecide(markOf(p), 'obligation') && p.role !== 'reader' && p.role !== 'analyst',
      };
    },
  );

  app.get(
    '/obligations/calculations',
    {
      config: { permission: 'preparedness:read' },
      schema: {
        tags,
        summary: 'Calculations of obligations (LV and TLV; others get an empty list)',
        querystring: Type.Object({ year: Type.Optional(Year) }),
        response: { 200: Type.Object({ items: Type.Array(CalculationDto) }), ...errors },
      },
    },
    async (request) => {
      const p = principalOf(request);
      if (!seesAllObligations(markOf(p))) return { items: [] };
      const calcs = await listCalculations(db, request.query.year);
      const items = [];
      for (const c of calcs)
        items.push(toCalculationDto(c, obligationTotals(await calculationLines(db, c.id))));
      return { items };
    },
  );

  app.post(
    '/obligations/calculations',
    {
      config: { permission: 'preparedness:decide' },
      schema: {
        tags,
        summary: 'Compute a year’s obligations with parameters and store the calculation (LV only)',
        body: Type.Object(
          {
            year: Year,
            months: Type.Optional(Months),
            revisionThreshold: Type.Optional(
              Type.Number({ exclusiveMinimum: 0, maximum: 5, description: 'R1: 0.25 (±25 %)' }),
            ),
            cutoff: Type.Optional(
              Type.String({ format: 'date', description: 'default: 1 October of the year before' }),
            ),
            label: Type.Optional(Type.String({ maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: CalculationDto, ...errors },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      requireLv(p);
      const { label, ...params } = request.body;
      const calc = await computeObligations(
        db,
        { ...obligationParameters(params), label: label ?? null },
        actorOf(p),
      );
      const totals = obligationTotals(await calculationLines(db, calc.id));
      return reply.code(201).send(toCalculationDto(calc, totals));
    },
  );

  app.get(
    '/obligations/calculations/:id/lines',
    {
      config: { permission: 'preparedness:read' },
      schema: {
        tags,
        summary:
          'The lines of a calculation: per company and package the basis, volume or exemption (LV, TLV)',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        querystring: Type.Object({ company: Type.Optional(Type.Integer({ minimum: 1 })) }),
        response: { 200: LinesDto, ...errors },
      },
    },
    async (request) => {
      const { calc, all, lines } = await linesOf(
        principalOf(request),
        request.params.id,
        request.query.company,
      );
      return {
        calculation: toCalculationDto(calc, obligationTotals(all)),
        items: lines.map(toLineDto),
        total: lines.length,
      };
    },
  );

  app.post(
    '/obligations/calculations/:id/revisions',
    {
      config: { permission: 'preparedness:decide' },
      schema: {
        tags,
        summary: 'Run the ±25 % revision test on a day and store the revisions due (LV only)',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        body: Type.Object({ on: DateString }, { additionalProperties: false }),
        response: { 201: Type.Object({ items: Type.Array(RevisionDto) }), ...errors },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      requireLv(p);
      await visibleCalculation(p, request.params.id);
      const items = await reviseObligations(db, { calculationId: request.params.id, on: request.body.on });
      return reply.code(201).send({ items });
    },
  );

  app.get(
    '/obligations/calculations/:id/revisions',
    {
      config: { permission: 'preparedness:read' },
      schema: {
        tags,
        summary: 'Every revision of a calculation with its rolling basis (LV, TLV)',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        response: { 200: Type.Object({ items: Type.Array(RevisionDto) }), ...errors },
      },
    },
    async (request) => {
      await visibleCalculation(principalOf(request), request.params.id);
      return { items: await listRevisions(db, request.params.id) };
    },
  );

  app.get(
    '/obligations/what-if',
    {
      config: { permission: 'preparedness:read' },
      schema: {
        tags,
        summary:
          'The same year under other months side by side: volume and value per company and nationally (LV, TLV)',
        querystring: WhatIfQuery,
        response: { 200: WhatIfDto, ...errors },
      },
    },
    async (request) => whatIfOf(principalOf(request), request.query),
  );

  // Decisions -----------------------------------------------------------------------------------

  app.post(
    '/obligations/decisions',
    {
      config: { permission: 'preparedness:decide' },
      schema: {
        tags,
        summary:
          'Publish a calculation as a decision per company: the next version of each company’s decision (LV only)',
        body: Type.Object(
          {
            calculationId: Type.Integer({ minimum: 1 }),
            reason: Type.String({
              minLength: 1,
              maxLength: 2000,
              description: 'why: kept with the decision and in the audit log',
            }),
            validFrom: Type.Optional(
              Type.String({ format: 'date', description: 'default: 1 January of the year' }),
            ),
            companyIds: Type.Optional(
              Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 5000 }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ items: Type.Array(DecisionDto) }), ...errors },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      requireLv(p);
      const made = await publishDecisions(db, request.body, actorOf(p));
      return reply.code(201).send({ items: made.map(toDecisionDto) });
    },
  );

  app.get(
    '/obligations/decisions',
    {
      config: { permission: 'preparedness:read' },
      schema: {
        tags,
        summary: 'Published decisions, every version (LV and TLV: all companies; a company: its own)',
        querystring: Type.Object({
          year: Type.Optional(Year),
          company: Type.Optional(Type.Integer({ minimum: 1 })),
        }),
        response: { 200: Type.Object({ items: Type.Array(DecisionDto) }), ...errors },
      },
    },
    async (request) => {
      const p = principalOf(request);
      const all = seesAllObligations(markOf(p));
      if (!all && request.query.company !== undefined && request.query.company !== p.organisationId)
        return { items: [] };
      const companyId = all ? request.query.company : p.organisationId;
      const rows = await listDecisions(db, {
        ...(request.query.year === undefined ? {} : { year: request.query.year }),
        ...(companyId === undefined ? {} : { companyId }),
      });
      return { items: rows.map(toDecisionDto) };
    },
  );

  app.get(
    '/obligations/decisions/:id',
    {
      config: { permission: 'preparedness:read' },
      schema: {
        tags,
        summary:
          'One decision version with its lines: volume and basis per package (LV, TLV, or the company)',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        response: {
          200: Type.Object({
            decision: DecisionDto,
            lines: Type.Array(
              Type.Object({
                packageId: Type.Integer(),
                volume: Type.Integer(),
                basisUnits: Type.Number(),
                basisFrom: DateString,
                basisTo: DateString,
                exemptReason: Nullable(ExemptReasonSchema),
                revisionId: Nullable(Type.Integer({ description: 'the revision the volume comes from' })),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const p = principalOf(request);
      const found = await findDecision(db, request.params.id);
      // Another company's decision answers as one that does not exist.
      if (
        found === undefined ||
        (!seesAllObligations(markOf(p)) && found.decision.companyId !== p.organisationId)
      )
        throw AppError.notFound(`obligation decision ${request.params.id}`);
      return { decision: toDecisionDto(found.decision), lines: found.lines };
    },
  );

  app.get(
    '/obligations/in-force',
    {
      config: { permission: 'preparedness:read' },
      schema: {
        tags,
        summary:
          'Each company’s obligations in force on a day: the latest published version (a company: its own)',
        querystring: InForceQuery,
        response: { 200: InForceDto, ...errors },
      },
    },
    async (request) => inForceOf(principalOf(request), request.query),
  );

  // Exports (item 8) ------------------------------------------------------------------------------

  const today = () => calendarDateInSweden(new Date());

  app.get(
    '/obligations/export/lines',
    {
      config: { permission: 'preparedness:read' },
      schema: {
        tags,
        summary: 'A calculation’s lines as CSV or XLSX (as /obligations/calculations/{id}/lines)',
        querystring: Type.Intersect([
          Type.Object({
            calculation: Type.Integer({ minimum: 1 }),
            company: Type.Optional(Type.Integer({ minimum: 1 })),
          }),
          Format,
        ]),
        produces: FILE_TYPES,
        response: { ...FileResponse, ...errors },
      },
    },
    async (request, reply) => {
      const { calc, lines } = await linesOf(
        principalOf(request),
        request.query.calculation,
        request.query.company,
      );
      const table: ExportTable<LineDto> = {
        name: `skyldighet-${calc.year}-berakning-${calc.id}`,
        title: `Lagerhållningsskyldighet ${calc.year}: beräkning ${calc.id} (${calc.months} månader)`,
        classification: 'protected',
        today: today(),
        scope: `Underlag ${calc.basisFrom} – ${calc.basisTo}`,
        columns: LINE_COLUMNS,
        rows: lines.map(toLineDto),
      };
      return sendExport(reply, table, request.query.format);
    },
  );

  app.get(
    '/obligations/export/what-if',
    {
      config: { permission: 'preparedness:read' },
      schema: {
        tags,
        summary: 'The what-if comparison as CSV or XLSX: one row per company and one for the nation',
        querystring: Type.Intersect([WhatIfQuery, Format]),
        produces: FILE_TYPES,
        response: { ...FileResponse, ...errors },
      },
    },
    async (request, reply) => {
      const { format, ...query } = request.query;
      const w = await whatIfOf(principalOf(request), query);
      const rows: { name: string; scenarios: ObligationTotals[] }[] = [
        ...w.companies.map((c) => ({ name: c.company.name, scenarios: c.scenarios })),
        { name: 'Hela landet', scenarios: w.national },
      ];
      const columns: ExportColumn<{ name: string; scenarios: ObligationTotals[] }>[] = [
        { header: 'Företag', value: (r) => r.name },
        ...w.months.flatMap((m, i) => [
          {
            header: `${m} mån: förpackningar`,
            value: (r: { scenarios: ObligationTotals[] }) => r.scenarios[i]?.volume ?? 0,
          },
          {
            header: `${m} mån: värde (kr, AIP)`,
            value: (r: { scenarios: ObligationTotals[] }) => r.scenarios[i]?.valueSek ?? 0,
            decimals: 2,
          },
        ]),
      ];
      return sendExport(
        reply,
        {
          name: `skyldighet-${w.year}-jamforelse`,
          title: `Lagerhållningsskyldighet ${w.year}: jämförelse ${w.months.join(' / ')} månader`,
          classification: 'protected',
          today: today(),
          scope: `Underlag ${w.basisFrom} – ${w.basisTo}`,
          columns,
          rows,
        },
        format,
      );
    },
  );

  app.get(
    '/obligations/export/in-force',
    {
      config: { permission: 'preparedness:read' },
      schema: {
        tags,
        summary: 'The obligations in force on a day as CSV or XLSX (as /obligations/in-force)',
        querystring: Type.Intersect([InForceQuery, Format]),
        produces: FILE_TYPES,
        response: { ...FileResponse, ...errors },
      },
    },
    async (request, reply) => {
      const { format, ...query } = request.query;
      const r = await inForceOf(principalOf(request), query);
      type Row = InForceDto['items'][number];
      const columns: ExportColumn<Row>[] = [
        { header: 'Företag', value: (x) => x.company.name },
        { header: 'NPL-förpackning', value: (x) => x.package.nplPackId },
        { header: 'Läkemedel', value: (x) => x.package.name },
        { header: 'Förpackning', value: (x) => x.package.description },
        { header: 'ATC', value: (x) => x.package.atcCode },
        { header: 'Skyldighet (förpackningar)', value: (x) => x.volume },
        { header: 'Underlag (förpackningar)', value: (x) => x.basisUnits, decimals: 2 },
        { header: 'Underlag från', value: (x) => x.basisFrom, date: true },
        { header: 'Underlag till', value: (x) => x.basisTo, date: true },
        {
          header: 'Undantag',
          value: (x) => (x.exemptReason === null ? null : EXEMPT_REASON_NAMES_SV[x.exemptReason]),
        },
        { header: 'Beslutsversion', value: (x) => x.version },
        { header: 'Gäller från', value: (x) => x.validFrom, date: true },
      ];
      return sendExport(
        reply,
        {
          name: `skyldighet-${r.year}-gallande`,
          title: `Lagerhållningsskyldighet ${r.year}: gällande beslut`,
          classification: 'protected',
          today: r.on,
          scope:
            r.items.length > 0 && new Set(r.items.map((x) => x.company.id)).size === 1
              ? (r.items[0]?.company.name ?? '')
              : 'Alla företag',
          columns,
          rows: r.items,
        },
        format,
      );
    },
  );
};

const LINE_COLUMNS: ExportColumn<LineDto>[] = [
  { header: 'Företag', value: (l) => l.company.name },
  { header: 'NPL-förpackning', value: (l) => l.package.nplPackId },
  { header: 'Läkemedel', value: (l) => l.package.name },
  { header: 'Förpackning', value: (l) => l.package.description },
  { header: 'Substans', value: (l) => l.package.substance },
  { header: 'ATC', value: (l) => l.package.atcCode },
  { header: 'Underlag (förpackningar)', value: (l) => l.basisUnits, decimals: 2 },
  { header: 'Skyldighet (förpackningar)', value: (l) => l.volume },
  {
    header: 'Undantag',
    value: (l) => (l.exemptReason === null ? null : EXEMPT_REASON_NAMES_SV[l.exemptReason]),
  },
  { header: 'Säljare på brytdagen', value: (l) => l.sellerOnCutoff },
  { header: 'Pris (AIP, kr)', value: (l) => l.priceSek, decimals: 2 },
  { header: 'Värde (kr)', value: (l) => l.valueSek, decimals: 2 },
  { header: 'Omprövad', value: (l) => l.revision?.revisedOn ?? null, date: true },
  { header: 'Omprövad skyldighet', value: (l) => l.revision?.newVolume ?? null },
];
