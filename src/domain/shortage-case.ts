import type { Problem } from './errors.js';

/*
 * Shortage cases (issue 13 item 1; DOMAIN.md R3, R4): a shortage followed from the first signal to its
 * close, with the R4 critical-shortage checklist, Läkemedelsverket's designation, the remedies chosen
 * from R4's list and the consultations R3 asks for. Pure: no I/O.
 */

/** The states of a case, in their usual order (issue 13 item 1). */
export const SHORTAGE_CASE_STATES = [
  'signal',
  'assessed',
  'critical_shortage',
  'measures',
  'decision',
  'follow_up',
  'closed',
] as const;
export type ShortageCaseState = (typeof SHORTAGE_CASE_STATES)[number];

/** Swedish names for screens and exports. */
export const SHORTAGE_CASE_STATE_NAMES_SV: Readonly<Record<ShortageCaseState, string>> = {
  signal: 'Signal',
  assessed: 'Bedömd',
  critical_shortage: 'Kritisk brist',
  measures: 'Åtgärder',
  decision: 'Beslut',
  follow_up: 'Uppföljning',
  closed: 'Avslutad',
};

/**
 * The moves a case may make (ours; the issue names the states, not the moves). Forward along the
 * usual order, with these shortcuts and returns:
 * - any open case may be closed (the signal was false, or the shortage is over);
 * - an assessed case that is not a critical shortage goes straight to measures;
 * - a case in follow-up or decision goes back to measures when the measures did not suffice;
 * - a closed case is reopened as a signal (the shortage returned).
 * `critical_shortage` is entered only by Läkemedelsverket's designation ({@link designationMove}),
 * never by a plain move, so that the state and the designation cannot disagree.
 */
export const SHORTAGE_CASE_MOVES: Readonly<Record<ShortageCaseState, readonly ShortageCaseState[]>> = {
  signal: ['assessed', 'closed'],
  assessed: ['measures', 'closed'],
  critical_shortage: ['measures', 'closed'],
  measures: ['decision', 'follow_up', 'closed'],
  decision: ['follow_up', 'measures', 'closed'],
  follow_up: ['measures', 'closed'],
  closed: ['signal'],
};

/** The smallest reason a move or a designation must give (characters, trimmed). Ours. */
export const MIN_REASON_LENGTH = 3;

export function isShortageCaseState(s: string): s is ShortageCaseState {
  return (SHORTAGE_CASE_STATES as readonly string[]).includes(s);
}

/** Whether a plain move from `from` to `to` is allowed ({@link SHORTAGE_CASE_MOVES}). */
export function mayMove(from: ShortageCaseState, to: ShortageCaseState): boolean {
  return SHORTAGE_CASE_MOVES[from].includes(to);
}

/** The problems of a requested move (empty: allowed). */
export function checkMove(from: ShortageCaseState, to: ShortageCaseState, reason: string): Problem[] {
  const problems: Problem[] = [];
  if (to === 'critical_shortage') {
    problems.push({
      field: 'to',
      value: to,
      expected: SHORTAGE_CASE_MOVES[from].join(', ') || 'none',
      message:
        'a case becomes a critical shortage only by Läkemedelsverket’s designation (POST /shortage-cases/:id/designation)',
    });
  } else if (!mayMove(from, to)) {
    problems.push({
      field: 'to',
      value: to,
      expected: SHORTAGE_CASE_MOVES[from].join(', '),
      message: `a case in state ${from} cannot move to ${to}`,
    });
  }
  problems.push(...checkReason(reason));
  return problems;
}

export function checkReason(reason: string, field = 'reason'): Problem[] {
  return reason.trim().length >= MIN_REASON_LENGTH
    ? []
    : [
        {
          field,
          value: reason,
          expected: `at least ${MIN_REASON_LENGTH} characters`,
          message: 'say why (who reads the history later must understand the move)',
        },
      ];
}

// The R4 checklist ----------------------------------------------------------------------------------

/**
 * R4 (seed 004; seed 002): kritisk brist when the product treats or prevents life-threatening
 * conditions or irreversible progressive disease, or the shortage can seriously harm public or animal
 * health (the medical criticality, any one suffices), AND no relevant alternative is available. Each
 * answer is true, false, or null (not assessed yet).
 */
export interface CriticalShortageChecklist {
  lifeThreatening: boolean | null;
  irreversibleProgressive: boolean | null;
  seriousPublicHealthHarm: boolean | null;
  seriousAnimalHealthHarm: boolean | null;
  noRelevantAlternative: boolean | null;
}

export const MEDICAL_CRITERIA = [
  'lifeThreatening',
  'irreversibleProgressive',
  'seriousPublicHealthHarm',
  'seriousAnimalHealthHarm',
] as const satisfies readonly (keyof CriticalShortageChecklist)[];

export const EMPTY_CHECKLIST: CriticalShortageChecklist = {
  lifeThreatening: null,
  irreversibleProgressive: null,
  seriousPublicHealthHarm: null,
  seriousAnimalHealthHarm: null,
  noRelevantAlternative: null,
};

/** `met`: the R4 criteria hold; `not_met`: they cannot hold; `incomplete`: answers are missing. */
export type ChecklistOutcome = 'met' | 'not_met' | 'incomplete';

/**
 * The checklist's outcome. Met: some medical criterion true AND no relevant alternative true. Not
 * met: every medical criterion false, or a relevant alternative exists (false). Otherwise incomplete.
 * E.g. life-threatening yes, the rest unanswered, no alternative yes: met; everything answered no
 * but animal health unanswered: incomplete.
 */
export function checklistOutcome(c: CriticalShortageChecklist): ChecklistOutcome {
  const medical = MEDICAL_CRITERIA.map((k) => c[k]);
  if (c.noRelevantAlternative === false || medical.every((v) => v === false)) return 'not_met';
  if (c.noRelevantAlternative === true && medical.some((v) => v === true)) return 'met';
  return 'incomplete';
}

// The designation -------------------------------------------------------------------------------------

/** LV's call on the checklist: designate kritisk brist, or find it is not one; or end a designation. */
export const DESIGNATION_OUTCOMES = ['designated', 'not_designated', 'revoked'] as const;
export type DesignationOutcome = (typeof DESIGNATION_OUTCOMES)[number];

/** The states from which Läkemedelsverket may designate (ours: once assessed, while open). */
const DESIGNABLE_FROM: readonly ShortageCaseState[] = [
  'assessed',
  'critical_shortage',
  'measures',
  'decision',
  'follow_up',
];

/**
 * The problems of a designation, and the state the case moves to. `designated` needs the checklist
 * met and the case assessed and open, and moves an assessed case to `critical_shortage` (a case
 * already in measures or later stays where it is); `not_designated` needs it assessed, and keeps the
 * state; `revoked` ends a designation in force (the shortage is no longer critical) and keeps the state.
 */
export function designationMove(input: {
  state: ShortageCaseState;
  outcome: DesignationOutcome;
  checklist: CriticalShortageChecklist;
  designatedNow: boolean;
  reason: string;
}): { problems: Problem[]; to: ShortageCaseState } {
  const problems: Problem[] = [...checkReason(input.reason)];
  if (!DESIGNABLE_FROM.includes(input.state)) {
    problems.push({
      field: 'state',
      value: input.state,
      expected: DESIGNABLE_FROM.join(', '),
      message: `a case in state ${input.state} cannot be designated: assess it first (or reopen it)`,
    });
  }
  let to = input.state;
  switch (input.outcome) {
    case 'designated': {
      const outcome = checklistOutcome(input.checklist);
      if (outcome !== 'met')
        problems.push({
          field: 'checklist',
          value: outcome,
          expected: 'met',
          message:
            'R4: kritisk brist needs a medical criterion (life-threatening, irreversible progressive disease, serious harm to public or animal health) AND no relevant alternative',
        });
      if (input.designatedNow)
        problems.push({ field: 'outcome', value: input.outcome, message: 'the case is already designated' });
      if (input.state === 'assessed') to = 'critical_shortage';
      break;
    }
    case 'not_designated':
      if (input.designatedNow)
        problems.push({
          field: 'outcome',
          value: input.outcome,
          expected: 'revoked',
          message: 'the case is designated: revoke the designation instead',
        });
      break;
    case 'revoked':
      if (!input.designatedNow)
        problems.push({ field: 'outcome', value: input.outcome, message: 'no designation is in force' });
      if (input.state === 'critical_shortage') to = 'measures';
      break;
  }
  return { problems, to };
}

// Remedies and consultations ---------------------------------------------------------------------------

/** R4's remedies (seeds 002, 004; DOMAIN.md R4; R6 3.2.5–3.2.8, 3.3.7). */
export const REMEDY_KINDS = [
  'foreign_package_dispensation',
  'licence',
  'substitution',
  'extemporaneous_production',
  'shorter_shelf_life_requirement',
  'shelf_life_extension',
  'cap_per_person',
  'veterinary_alternative',
] as const;
export type RemedyKind = (typeof REMEDY_KINDS)[number];

export const REMEDY_NAMES_SV: Readonly<Record<RemedyKind, string>> = {
  foreign_package_dispensation: 'Dispens för utländsk förpackning',
  licence: 'Licensläkemedel',
  substitution: 'Utbyte (annan styrka, form eller läkemedel)',
  extemporaneous_production: 'Extempore och lagerberedning',
  shorter_shelf_life_requirement: 'Kortare krav på återstående hållbarhet',
  shelf_life_extension: 'Förlängd hållbarhet',
  cap_per_person: 'Begränsat uttag per person',
  veterinary_alternative: 'Veterinärt alternativ',
};

/**
 * R4: extemporaneous production above this many packages a year needs a national licence (seed 002).
 * Shown beside the remedy, not enforced (we do not know the volumes produced).
 */
export const EXTEMPORANEOUS_LICENCE_ABOVE_PACKAGES = 1000;

/** Who R3 says is consulted before a decision (seeds 001, 002), and others. */
export const CONSULTED_PARTIES = [
  'regions_nationellt_ct',
  'nag_lok',
  'professions',
  'veterinary_care',
  'pharmacies',
  'dose_pharmacies',
  'company',
  'other',
] as const;
export type ConsultedParty = (typeof CONSULTED_PARTIES)[number];

/** R3: the parties consulted before a distribution or redistribution decision. */
export const R3_PARTIES: readonly ConsultedParty[] = [
  'regions_nationellt_ct',
  'nag_lok',
  'professions',
  'veterinary_care',
  'pharmacies',
  'dose_pharmacies',
];

/** The R3 parties not consulted yet, in R3's order. */
export function partiesNotConsulted(consulted: readonly ConsultedParty[]): ConsultedParty[] {
  return R3_PARTIES.filter((p) => !consulted.includes(p));
}

export function checkText(value: string, field: string, max: number): Problem[] {
  const t = value.trim();
  if (t.length === 0) return [{ field, value, expected: 'text', message: `${field} is empty` }];
  if (t.length > max)
    return [
      {
        field,
        valueLength: t.length,
        expected: `at most ${max} characters`,
        message: `${field} is too long`,
      },
    ];
  return [];
}

// The designation in the picture ---------------------------------------------------------------------

/** A designation of kritisk brist in force, as the picture shows it. */
export interface Designation {
  caseId: number;
  decidedBy: { id: number; name: string };
  decidedOn: string;
}

/** The designation of an item of the picture: its own, or (a package) its group's. */
export function designationOf(
  designations: ReadonlyMap<string, Designation>,
  item: { kind: 'package' | 'group'; packageId: number | null; groupKey: string },
): Designation | null {
  if (designations.size === 0) return null;
  if (item.kind === 'package' && item.packageId !== null) {
    const own = designations.get(`package:${item.packageId}`);
    if (own) return own;
  }
  return designations.get(`group:${item.groupKey}`) ?? null;
}
