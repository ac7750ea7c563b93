import { Type, type Static, type TObject } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { seesEverything, type Permission, type Principal } from '../domain/access.js';
import { mayDecide } from '../domain/actors.js';
import { calendarDateInSweden } from '../domain/calendar.js';
import {
  checkDoseParameters,
  DEFAULT_DOSE_ESTIMATE,
  DOSE_CYCLE_DAYS,
  estimateDosePatients,
  oneDosePharmacyStops,
} from '../domain/dose-patients.js';
import { AppError } from '../domain/errors.js';
import {
  checklistOutcome,
  CONSULTED_PARTIES,
  DESIGNATION_OUTCOMES,
  EXTEMPORANEOUS_LICENCE_ABOVE_PACKAGES,
  partiesNotConsulted,
  REMEDY_KINDS,
  SHORTAGE_CASE_MOVES,
  SHORTAGE_CASE_STATES,
  type CriticalShortageChecklist,
} from '../domain/shortage-case.js';
import type { Store } from '../store/database.js';
import { findPictureState } from '../store/picture/repository.js';
import {
  caseRecords,
  casePackages,
  designate,
  doseFacts,
  findCase,
  listCases,
  moveCase,
  openCase,
  recordAlternative,
  recordConsultation,
  recordRemedy,
  seesConfidential,
  setChecklist,
  type CaseRow,
} from '../store/shortage-case.repository.js';
import { principalOf } from './auth.js';
import { authErrors, ErrorResponse, StringEnum } from './common.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);
const DateString = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const StateSchema = StringEnum(SHORTAGE_CASE_STATES, {
  description: 'signal → assessed → critical_shortage → measures → decision → follow_up → closed',
});
const Reason = Type.String({
  minLength: 1,
  maxLength: 2000,
  description: 'why (kept in the history and audit log)',
});
const Id = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const Answer = Nullable(Type.Boolean());

const ChecklistSchema = Type.Object(
  {
    lifeThreatening: Answer,
    irreversibleProgressive: Answer,
    seriousPublicHealthHarm: Answer,
    seriousAnimalHealthHarm: Answer,
    noRelevantAlternative: Answer,
  },
  {
    additionalProperties: false,
    description:
      'R4: medically critical (any of the first four) AND no relevant alternative. null: not assessed yet',
  },
);

const Signal = Type.Object(
  {
    possibleCriticalShortage: Nullable(Type.Boolean()),
    coverageDays: Nullable(Type.Number()),
    riskClass: Nullable(Type.String()),
  },
  { description: 'the national picture’s item of the subject (nulls before the first refresh)' },
);

const Designation = Nullable(
  Type.Object({ decidedBy: Type.Object({ id: Type.Integer(), name: Type.String() }), decidedOn: DateString }),
);

export const CaseSummaryDto = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  subject: Type.Object({
    kind: StringEnum(['package', 'group'] as const),
    packageId: Nullable(Type.Integer()),
    groupKey: Nullable(Type.String()),
    name: Nullable(Type.String()),
    pack: Nullable(Type.String()),
  }),
  noticeId: Nullable(Type.Integer()),
  state: StateSchema,
  checklistOutcome: StringEnum(['met', 'not_met', 'incomplete'] as const),
  designation: Designation,
  signal: Signal,
  openedAt: Type.String({ format: 'date-time' }),
  openedBy: Type.Object({ user: Type.String(), organisation: Type.String() }),
});

export const CaseDto = Type.Intersect([
  CaseSummaryDto,
  Type.Object({
    checklist: ChecklistSchema,
    checklistNote: Nullable(Type.String()),
    confidentialNote: Nullable(
      Type.String({ description: 'only for authorities, the joint function and the package’s company' }),
    ),
    allowedMoves: Type.Array(StateSchema),
    history: Type.Array(
      Type.Object({
        id: Type.Integer(),
        kind: StringEnum([
          'opened',
          'moved',
          'checklist',
          'designation',
          'alternative',
          'remedy',
          'consultation',
        ] as const),
        from: Nullable(Type.String()),
        to: Nullable(Type.String()),
        outcome: Nullable(Type.String()),
        reason: Nullable(Type.String()),
        at: Type.String({ format: 'date-time' }),
        by: Type.Object({ user: Type.String(), organisation: Type.String() }),
      }),
    ),
    alternatives: Type.Array(
      Type.Object({
        id: Type.Integer(),
        packageId: Type.Integer(),
        packageName: Type.String(),
        alternativePackageId: Type.Integer(),
        alternativeName: Type.String(),
        alternativePack: Type.String(),
        unitsPerUnit: Type.Number(),
        decidedOn: DateString,
        note: Nullable(Type.String()),
      }),
    ),
    remedies: Type.Array(
      Type.Object({
        id: Type.Integer(),
        kind: StringEnum(REMEDY_KINDS),
        note: Type.String(),
        recordedAt: Type.String({ format: 'date-time' }),
        organisation: Type.String(),
      }),
    ),
    consultations: Type.Array(
      Type.Object({
        id: Type.Integer(),
        party: StringEnum(CONSULTED_PARTIES),
        partyName: Type.String(),
        consultedOn: DateString,
        summary: Nullable(
          Type.String({ description: 'null: not shown to the caller (docs/shortage-cases.md)' }),
        ),
      }),
    ),
    notConsulted: Type.Array(StringEnum(CONSULTED_PARTIES), { description: 'R3 parties not consulted yet' }),
    extemporaneousLicenceAbovePackages: Type.Integer({
      description: 'R4: extemporaneous production above this many packages a year needs a national licence',
    }),
    may: Type.Object({
      manage: Type.Boolean({ description: 'authorities and the joint function' }),
      designate: Type.Boolean({ description: 'Läkemedelsverket (actors.ts mayDecide criticalShortage)' }),
      seeDosePatients: Type.Boolean(),
    }),
  }),
]);
type CaseDto = Static<typeof CaseDto>;

const iso = (d: Date | string) => new Date(d).toISOString();

function checklistOf(c: CaseRow): CriticalShortageChecklist {
  return {
    lifeThreatening: c.life_threatening,
    irreversibleProgressive: c.irreversible_progressive,
    seriousPublicHealthHarm: c.serious_public_health_harm,
    seriousAnimalHealthHarm: c.serious_animal_health_harm,
    noRelevantAlternative: c.no_relevant_alternative,
  };
}

function toSummary(c: CaseRow): Static<typeof CaseSummaryDto> {
  return {
    id: c.id,
    title: c.title,
    subject: {
      kind: c.subject_kind,
      packageId: c.package_id,
      groupKey: c.group_key,
      name: c.package_name,
      pack: c.pack,
    },
    noticeId: c.notice_id,
    state: c.state,
    checklistOutcome: checklistOutcome(checklistOf(c)),
    designation:
      c.designated_on !== null && c.designated_by_organisation_id !== null
        ? {
            decidedBy: { id: c.designated_by_organisation_id, name: c.designated_by_name ?? '' },
            decidedOn: c.designated_on,
          }
        : null,
    signal: {
      possibleCriticalShortage: c.signal,
      coverageDays: c.coverage_days === null ? null : Number(c.coverage_days),
      riskClass: c.risk_class,
    },
    openedAt: iso(c.opened_at),
    openedBy: { user: c.opened_by_name, organisation: c.opened_by_organisation },
  };
}

const mayDesignate = (p: Principal) =>
  mayDecide({ kind: p.organisationKind, authority: p.authority ?? null }, 'criticalShortage') &&
  (p.role === 'admin' || p.role === 'coordinator');
const mayManage = (p: Principal) => seesEverything(p) && (p.role === 'admin' || p.role === 'coordinator');

async function toDto(store: Store, p: Principal, c: CaseRow): Promise<CaseDto> {
  const r = await caseRecords(store.db, c.id);
  const confidential = seesConfidential(p, c);
  return {
    ...toSummary(c),
    checklist: checklistOf(c),
    checklistNote: c.checklist_note,
    confidentialNote: confidential ? c.confidential_note : null,
    allowedMoves: [...SHORTAGE_CASE_MOVES[c.state]],
    history: r.events.map((e) => ({
      id: e.id,
      kind: e.kind as CaseDto['history'][number]['kind'],
      from: e.from_state,
      to: e.to_state,
      outcome: e.outcome,
      reason: e.reason,
      at: iso(e.at),
      by: { user: e.user_name, organisation: e.organisation },
    })),
    alternatives: r.alternatives.map((a) => ({
      id: a.id,
      packageId: a.package_id,
      packageName: a.package_name,
      alternativePackageId: a.alternative_package_id,
      alternativeName: a.alternative_name,
      alternativePack: a.alternative_pack,
      unitsPerUnit: Number(a.units_per_unit),
      decidedOn: a.decided_on,
      note: a.note,
    })),
    remedies: r.remedies.map((m) => ({
      id: m.id,
      kind: m.kind,
      note: m.note,
      recordedAt: iso(m.recorded_at),
      organisation: m.organisation,
    })),
    consultations: r.consultations.map((k) => ({
      id: k.id,
      party: k.party,
      partyName: k.party_name,
      consultedOn: k.consulted_on,
      summary: confidential ? k.summary : null,
    })),
    notConsulted: partiesNotConsulted(r.consultations.map((k) => k.party)),
    extemporaneousLicenceAbovePackages: EXTEMPORANEOUS_LICENCE_ABOVE_PACKAGES,
    may: { manage: mayManage(p), designate: mayDesignate(p), seeDosePatients: seesEverything(p) },
  };
}

const DoseLine = Type.Object({ regionCode: Type.String(), patients: Type.Number() });
export const DosePatientsDto = Type.Object({
  method: Type.Literal('estimate_from_dose_sales', {
    description:
      'ESTIMATE: units sold through dose dispensing in the window ÷ (unitsPerPatientPerDay × windowDays); no patient register',
  }),
  today: DateString,
  cycleDays: Type.Integer({ description: 'R5: dose pharmacies pack 14 days at a time' }),
  parameters: Type.Object({ windowDays: Type.Integer(), unitsPerPatientPerDay: Type.Number() }),
  packageIds: Type.Array(Type.Integer()),
  total: Type.Object({ patients: Type.Number(), unitsPerDay: Type.Number() }),
  pharmacies: Type.Array(
    Type.Object({
      pharmacyId: Type.Integer(),
      name: Type.String(),
      patients: Type.Number(),
      unitsPerDay: Type.Number(),
      stockUnits: Type.Number(),
      coverageDays: Nullable(Type.Number()),
      regions: Type.Array(DoseLine),
    }),
  ),
  regions: Type.Array(DoseLine),
  stops: Nullable(
    Type.Object({
      stopped: Type.Object({
        pharmacyId: Type.Integer(),
        name: Type.String(),
        patients: Type.Number(),
        unitsPerDay: Type.Number(),
      }),
      regionsLosingSupply: Type.Array(DoseLine),
      others: Type.Object({
        stockUnits: Type.Number(),
        ownUnitsPerDay: Type.Number(),
        daysBefore: Nullable(Type.Number()),
        daysIfTakingOver: Nullable(Type.Number()),
      }),
    }),
  ),
});

const today = () => calendarDateInSweden(new Date());
const errors = { ...authErrors, 409: ErrorResponse };

/** Shortage cases (issue 13 items 1 and 6): the board, the case, its moves and records, dose patients. */
export const shortageCaseRoutes: FastifyPluginAsyncTypebox<{ store: Store }> = async (app, { store }) => {
  const load = async (p: Principal, id: number) => {
    const c = await findCase(store.db, p, id);
    if (c === null) throw AppError.notFound(`shortage case ${id}`);
    return c;
  };
  const answer = async (p: Principal, id: number) => toDto(store, p, await load(p, id));
  /**
   * A change to one case: the caller must see it ("not found" otherwise, as for reading it), the
   * change is made (the repository checks who may make it, records it and audits it), and the case
   * is answered as the caller sees it.
   */
  const caseChange = <B extends TObject>(
    method: 'POST' | 'PUT',
    path: string,
    route: { permission: Permission; summary: string; body: B },
    change: (p: Principal, id: number, body: Static<B>) => Promise<unknown>,
  ) =>
    app.route({
      method,
      url: `/shortage-cases/:id/${path}`,
      config: { permission: route.permission },
      schema: {
        tags: ['shortage'],
        summary: route.summary,
        params: Id,
        body: route.body,
        response: { 200: CaseDto, ...errors },
      },
      handler: async (request) => {
        const p = principalOf(request);
        await load(p, request.params.id);
        await change(p, request.params.id, request.body as Static<B>);
        return answer(p, request.params.id);
      },
    });

  app.get(
    '/shortage-cases',
    {
      config: { permission: 'shortage:read' },
      schema: {
        tags: ['shortage'],
        summary:
          'The shortage board: cases the caller sees, newest first, with the picture’s signal and the designation',
        querystring: Type.Object({
          state: Type.Optional(Type.Array(StateSchema)),
          q: Type.Optional(Type.String({ maxLength: 100 })),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(CaseSummaryDto),
            may: Type.Object({ manage: Type.Boolean() }),
          }),
          ...authErrors,
        },
      },
    },
    async (request) => {
      const p = principalOf(request);
      const rows = await listCases(store.db, p, { states: request.query.state, q: request.query.q });
      return { items: rows.map(toSummary), may: { manage: mayManage(p) } };
    },
  );

  app.post(
    '/shortage-cases',
    {
      config: { permission: 'shortage:manage' },
      schema: {
        tags: ['shortage'],
        summary: 'Open a case from a shortage notice (its package) or by hand for a package or a group',
        body: Type.Object(
          {
            noticeId: Type.Optional(Type.Integer({ minimum: 1 })),
            packageId: Type.Optional(Type.Integer({ minimum: 1 })),
            groupKey: Type.Optional(
              Type.String({ minLength: 1, maxLength: 300, description: 'substance|strength|form' }),
            ),
            title: Type.Optional(Type.String({ maxLength: 200 })),
            reason: Reason,
          },
          { additionalProperties: false },
        ),
        response: { 201: CaseDto, ...errors },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const id = await openCase(store.db, p, request.body);
      return reply.code(201).send(await answer(p, id));
    },
  );

  app.get(
    '/shortage-cases/:id',
    {
      config: { permission: 'shortage:read' },
      schema: {
        tags: ['shortage'],
        summary:
          'A case: state and history, R4 checklist, designation, alternatives, remedies, consultations',
        params: Id,
        response: { 200: CaseDto, ...authErrors },
      },
    },
    async (request) => answer(principalOf(request), request.params.id),
  );

  caseChange(
    'POST',
    'moves',
    {
      permission: 'shortage:manage',
      summary: 'Move a case to another state (allowedMoves), saying why',
      body: Type.Object({ to: StateSchema, reason: Reason }, { additionalProperties: false }),
    },
    (p, id, body) => moveCase(store.db, p, id, body.to, body.reason),
  );

  caseChange(
    'PUT',
    'checklist',
    {
      permission: 'shortage:manage',
      summary: 'Record the R4 critical-shortage checklist’s answers (and notes)',
      body: Type.Object(
        {
          checklist: ChecklistSchema,
          note: Type.Optional(Nullable(Type.String({ maxLength: 4000 }))),
          confidentialNote: Type.Optional(Nullable(Type.String({ maxLength: 4000 }))),
          reason: Reason,
        },
        { additionalProperties: false },
      ),
    },
    (p, id, body) => setChecklist(store.db, p, id, body),
  );

  caseChange(
    'POST',
    'designation',
    {
      permission: 'shortage:decide',
      summary:
        'Läkemedelsverket designates kritisk brist (the checklist must be met), finds it is not one, or revokes a designation',
      body: Type.Object(
        { outcome: StringEnum(DESIGNATION_OUTCOMES), reason: Reason },
        { additionalProperties: false },
      ),
    },
    (p, id, body) => designate(store.db, p, id, { ...body, on: today() }),
  );

  caseChange(
    'POST',
    'alternatives',
    {
      permission: 'shortage:manage',
      summary:
        'Record a relevant alternative the assessment names (recorded_alternative; the picture’s signal uses it from its next refresh)',
      body: Type.Object(
        {
          packageId: Type.Optional(
            Type.Integer({ minimum: 1, description: 'group cases: the package replaced' }),
          ),
          alternativePackageId: Type.Integer({ minimum: 1 }),
          unitsPerUnit: Type.Number({
            exclusiveMinimum: 0,
            description: 'units of the alternative replacing one unit',
          }),
          note: Type.Optional(Type.String({ maxLength: 2000 })),
        },
        { additionalProperties: false },
      ),
    },
    (p, id, body) => recordAlternative(store.db, p, id, { ...body, on: today() }),
  );

  caseChange(
    'POST',
    'remedies',
    {
      permission: 'shortage:manage',
      summary: 'Choose a remedy from R4’s list, with a note',
      body: Type.Object(
        { kind: StringEnum(REMEDY_KINDS), note: Type.String({ minLength: 1, maxLength: 2000 }) },
        { additionalProperties: false },
      ),
    },
    (p, id, body) => recordRemedy(store.db, p, id, body),
  );

  caseChange(
    'POST',
    'consultations',
    {
      permission: 'shortage:manage',
      summary: 'R3: record who was consulted, when, and what they said',
      body: Type.Object(
        {
          party: StringEnum(CONSULTED_PARTIES),
          partyName: Type.String({ minLength: 1, maxLength: 200 }),
          consultedOn: DateString,
          summary: Type.String({ minLength: 1, maxLength: 4000 }),
        },
        { additionalProperties: false },
      ),
    },
    (p, id, body) => recordConsultation(store.db, p, id, body, today()),
  );

  app.get(
    '/shortage-cases/:id/dose-patients',
    {
      config: { permission: 'shortage:read' },
      schema: {
        tags: ['shortage'],
        summary:
          'R5: dose patients affected, ESTIMATED from dose sales, per dose pharmacy and region; with `stops`, the scenario that one dose pharmacy stops',
        params: Id,
        querystring: Type.Object({
          windowDays: Type.Optional(
            Type.Integer({ minimum: 1, maximum: 365, default: DEFAULT_DOSE_ESTIMATE.windowDays }),
          ),
          unitsPerPatientPerDay: Type.Optional(
            Type.Number({
              exclusiveMinimum: 0,
              maximum: 1000,
              default: DEFAULT_DOSE_ESTIMATE.unitsPerPatientPerDay,
            }),
          ),
          stops: Type.Optional(
            Type.Integer({ minimum: 1, description: 'the dose pharmacy (location id) that stops' }),
          ),
        }),
        response: { 200: DosePatientsDto, ...authErrors },
      },
    },
    async (request) => {
      const p = principalOf(request);
      const c = await load(p, request.params.id);
      // Sales and stock at named dose pharmacies are location detail: need to know only.
      if (!seesEverything(p)) throw AppError.notFound(`shortage case ${request.params.id}`);
      const parameters = {
        windowDays: request.query.windowDays ?? DEFAULT_DOSE_ESTIMATE.windowDays,
        unitsPerPatientPerDay:
          request.query.unitsPerPatientPerDay ?? DEFAULT_DOSE_ESTIMATE.unitsPerPatientPerDay,
      };
      const problems = checkDoseParameters(parameters);
      if (problems.length > 0)
        throw AppError.invalid(
          'the dose estimate was not made',
          problems.map((message) => ({ message })),
        );
      const state = await findPictureState(store.db);
      const day = state?.today ?? today();
      const packageIds = await casePackages(store.db, c);
      const facts = await doseFacts(store.db, packageIds, day, parameters.windowDays);
      const estimate = estimateDosePatients(facts.sales, facts.stock, parameters);
      let stops = null;
      if (request.query.stops !== undefined) {
        stops = oneDosePharmacyStops(estimate, request.query.stops);
        if (stops === null)
          throw AppError.invalid('the scenario was not computed', [
            {
              field: 'stops',
              value: request.query.stops,
              expected: estimate.pharmacies.map((x) => x.pharmacyId).join(', ') || 'a dose pharmacy',
              message: `location ${request.query.stops} is not a dose pharmacy`,
            },
          ]);
      }
      return { ...estimate, today: day, cycleDays: DOSE_CYCLE_DAYS, packageIds, stops };
    },
  );
};
