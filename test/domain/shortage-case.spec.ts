import { describe, expect, it } from 'vitest';
import {
  checklistOutcome,
  checkMove,
  designationMove,
  EMPTY_CHECKLIST,
  partiesNotConsulted,
  type CriticalShortageChecklist,
} from '../../src/domain/shortage-case.js';
import { estimateDosePatients, oneDosePharmacyStops } from '../../src/domain/dose-patients.js';

const list = (c: Partial<CriticalShortageChecklist>): CriticalShortageChecklist => ({
  ...EMPTY_CHECKLIST,
  ...c,
});

describe('shortage case states (issue 13 item 1)', () => {
  it('allows the usual path and refuses skipping assessment or entering critical shortage by a move', () => {
    expect(checkMove('signal', 'assessed', 'Bedömd med regionerna')).toEqual([]);
    expect(checkMove('assessed', 'measures', 'Inte kritisk, åtgärder')).toEqual([]);
    expect(checkMove('follow_up', 'measures', 'Räckte inte')).toEqual([]);
    expect(checkMove('closed', 'signal', 'Bristen återkom')).toEqual([]);
    const skip = checkMove('signal', 'measures', 'Snabbt');
    expect(skip).toHaveLength(1);
    expect(skip[0]).toMatchObject({ field: 'to', value: 'measures', expected: 'assessed, closed' });
    expect(checkMove('assessed', 'critical_shortage', 'Kritisk')[0]?.message).toMatch(/designation/);
    expect(checkMove('closed', 'assessed', 'x')).toHaveLength(2); // not allowed, and no reason
  });
});

describe('R4 critical-shortage checklist', () => {
  it('is met by one medical criterion and no relevant alternative', () => {
    expect(checklistOutcome(list({ lifeThreatening: true, noRelevantAlternative: true }))).toBe('met');
    expect(checklistOutcome(list({ seriousAnimalHealthHarm: true, noRelevantAlternative: true }))).toBe(
      'met',
    );
  });
  it('is not met when a relevant alternative exists or nothing is medically critical', () => {
    expect(checklistOutcome(list({ lifeThreatening: true, noRelevantAlternative: false }))).toBe('not_met');
    expect(
      checklistOutcome({
        lifeThreatening: false,
        irreversibleProgressive: false,
        seriousPublicHealthHarm: false,
        seriousAnimalHealthHarm: false,
        noRelevantAlternative: true,
      }),
    ).toBe('not_met');
  });
  it('is incomplete while the alternative question or every medical one is open', () => {
    expect(checklistOutcome(list({ lifeThreatening: true }))).toBe('incomplete');
    expect(checklistOutcome(list({ lifeThreatening: false, noRelevantAlternative: true }))).toBe(
      'incomplete',
    );
  });
});

describe('designation of kritisk brist', () => {
  const met = list({ irreversibleProgressive: true, noRelevantAlternative: true });
  it('moves an assessed case to critical shortage when the checklist is met', () => {
    const d = designationMove({
      state: 'assessed',
      outcome: 'designated',
      checklist: met,
      designatedNow: false,
      reason: 'R4 uppfyllt',
    });
    expect(d).toEqual({ problems: [], to: 'critical_shortage' });
  });
  it('refuses a designation on an unmet checklist or a mere signal, naming the field', () => {
    const d = designationMove({
      state: 'signal',
      outcome: 'designated',
      checklist: list({ lifeThreatening: true }),
      designatedNow: false,
      reason: 'R4 prövat',
    });
    expect(d.problems.map((p) => p.field)).toEqual(['state', 'checklist']);
  });
  it('revoking ends the critical-shortage state in measures; revoking nothing is refused', () => {
    expect(
      designationMove({
        state: 'critical_shortage',
        outcome: 'revoked',
        checklist: met,
        designatedNow: true,
        reason: 'Leverans kom',
      }),
    ).toEqual({ problems: [], to: 'measures' });
    expect(
      designationMove({
        state: 'measures',
        outcome: 'revoked',
        checklist: met,
        designatedNow: false,
        reason: 'x y z',
      }).problems,
    ).toHaveLength(1);
  });
});

describe('R3 consultations', () => {
  it('lists the parties R3 names that are not consulted yet', () => {
    expect(partiesNotConsulted(['nag_lok', 'company', 'pharmacies'])).toEqual([
      'regions_nationellt_ct',
      'professions',
      'veterinary_care',
      'dose_pharmacies',
    ]);
  });
});

describe('dose patients (R5), estimated from dose sales', () => {
  // Defaults: 28 days (two 14-day cycles), 1 unit a patient a day.
  const estimate = estimateDosePatients(
    [
      { pharmacyId: 1, regionCode: '01', units: 4200 },
      { pharmacyId: 1, regionCode: '03', units: 1400 },
      { pharmacyId: 2, regionCode: '12', units: 2800 },
    ],
    [
      { pharmacyId: 1, name: 'Dos Nord', stockUnits: 3000 },
      { pharmacyId: 2, name: 'Dos Syd', stockUnits: 4500 },
    ],
  );
  it('counts patients as units ÷ (units a day × days) per pharmacy and region', () => {
    expect(estimate.total.patients).toBe(300); // 8,400 / 28
    expect(estimate.pharmacies.map((p) => [p.name, p.patients, p.coverageDays])).toEqual([
      ['Dos Nord', 200, 15], // 5,600 / 28 = 200 a day; 3,000 / 200 = 15 days
      ['Dos Syd', 100, 45], // 2,800 / 28 = 100; 4,500 / 100
    ]);
    expect(estimate.regions).toEqual([
      { regionCode: '01', patients: 150 },
      { regionCode: '12', patients: 100 },
      { regionCode: '03', patients: 50 },
    ]);
  });
  it('halves the patients when each takes two units a day', () => {
    const two = estimateDosePatients([{ pharmacyId: 1, regionCode: '01', units: 5600 }], [], {
      windowDays: 28,
      unitsPerPatientPerDay: 2,
    });
    expect(two.total.patients).toBe(100);
  });
  it('one dose pharmacy stops: its regions lose supply and the others’ stock lasts 45 → 15 days', () => {
    const s = oneDosePharmacyStops(estimate, 1)!;
    expect(s.regionsLosingSupply).toEqual([
      { regionCode: '01', patients: 150 },
      { regionCode: '03', patients: 50 },
    ]);
    expect(s.others).toEqual({ stockUnits: 4500, ownUnitsPerDay: 100, daysBefore: 45, daysIfTakingOver: 15 });
    expect(oneDosePharmacyStops(estimate, 99)).toBeNull();
  });
});
