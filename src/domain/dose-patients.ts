/*
 * Dose patients of a shortage case (issue 13 item 6, DOMAIN.md R5): how many dose-dispensing patients'
 * medicines are affected, at which dose pharmacies, and what happens when one dose pharmacy stops.
 * Pure: no I/O.
 *
 * No register of dose patients reaches us, so the count is an ESTIMATE from dose sales (the sales
 * channel `dose_dispensing`), labelled as such everywhere it is shown. The method (ours):
 *   patients ≈ units sold through dose dispensing in the last `windowDays` days
 *              ÷ (unitsPerPatientPerDay × windowDays)
 * i.e. each patient is assumed to take `unitsPerPatientPerDay` units (tablets, ml …) a day, every day.
 * R5: doses are packed for 14 days at a time, so the window is a whole number of cycles (two by
 * default) and a patient's 14-day need is unitsPerPatientPerDay × 14 units.
 */

/** R5: dose pharmacies usually pack 14 days at a time (seed 002). */
export const DOSE_CYCLE_DAYS = 14;

export interface DoseEstimateParameters {
  /** Days of dose sales counted, back from the picture's day. Ours: two 14-day cycles = 28. */
  windowDays: number;
  /**
   * Units one patient takes a day. Ours: 1 (one tablet or dose a day), the common case for the
   * chronic medicines dose patients get. No source gives it per product; set it per case when known.
   */
  unitsPerPatientPerDay: number;
}

export const DEFAULT_DOSE_ESTIMATE: DoseEstimateParameters = {
  windowDays: 2 * DOSE_CYCLE_DAYS,
  unitsPerPatientPerDay: 1,
};

/** Dose sales in the window: units (packs × pack size) per dose pharmacy and patients' region. */
export interface DoseSale {
  pharmacyId: number;
  regionCode: string;
  units: number;
}

export interface DosePharmacyStock {
  pharmacyId: number;
  name: string;
  /** Units of the affected medicines held at the dose pharmacy now. */
  stockUnits: number;
}

export interface DosePatientEstimate {
  /** Patients ≈ units ÷ (unitsPerPatientPerDay × windowDays). */
  patients: number;
  /** Units a day through dose dispensing: units ÷ windowDays. */
  unitsPerDay: number;
}

export interface DosePharmacyLine extends DosePatientEstimate {
  pharmacyId: number;
  name: string;
  stockUnits: number;
  /** stockUnits ÷ unitsPerDay; null without dose sales. */
  coverageDays: number | null;
  regions: { regionCode: string; patients: number }[];
}

export interface DosePatients {
  method: 'estimate_from_dose_sales';
  parameters: DoseEstimateParameters;
  total: DosePatientEstimate;
  pharmacies: DosePharmacyLine[];
  regions: { regionCode: string; patients: number }[];
}

function estimate(units: number, p: DoseEstimateParameters): DosePatientEstimate {
  return {
    patients: units / (p.unitsPerPatientPerDay * p.windowDays),
    unitsPerDay: units / p.windowDays,
  };
}

/** The problems of the parameters (empty: fine). */
export function checkDoseParameters(p: DoseEstimateParameters): string[] {
  const problems: string[] = [];
  if (!(Number.isInteger(p.windowDays) && p.windowDays >= 1 && p.windowDays <= 365))
    problems.push('windowDays must be a whole number of days from 1 to 365');
  if (!(p.unitsPerPatientPerDay > 0)) problems.push('unitsPerPatientPerDay must be above 0');
  return problems;
}

/**
 * The estimate per dose pharmacy and per patients' region. Every dose pharmacy with stock or sales is
 * listed, most patients first. Worked example (defaults: 28 days, 1 unit a day): 5,600 units sold by
 * Dos Nord in 28 days → 5,600 / 28 = 200 patients, 200 units a day; with 3,000 units in stock it
 * lasts 15 days.
 */
export function estimateDosePatients(
  sales: readonly DoseSale[],
  stock: readonly DosePharmacyStock[],
  p: DoseEstimateParameters = DEFAULT_DOSE_ESTIMATE,
): DosePatients {
  const byPharmacy = new Map<number, { units: number; regions: Map<string, number> }>();
  const byRegion = new Map<string, number>();
  let total = 0;
  for (const s of sales) {
    const ph = byPharmacy.get(s.pharmacyId) ?? { units: 0, regions: new Map<string, number>() };
    ph.units += s.units;
    ph.regions.set(s.regionCode, (ph.regions.get(s.regionCode) ?? 0) + s.units);
    byPharmacy.set(s.pharmacyId, ph);
    byRegion.set(s.regionCode, (byRegion.get(s.regionCode) ?? 0) + s.units);
    total += s.units;
  }
  const names = new Map(stock.map((s) => [s.pharmacyId, s]));
  const ids = new Set([...byPharmacy.keys(), ...stock.map((s) => s.pharmacyId)]);
  const pharmacies: DosePharmacyLine[] = [...ids].map((id) => {
    const sold = byPharmacy.get(id);
    const e = estimate(sold?.units ?? 0, p);
    const stockUnits = names.get(id)?.stockUnits ?? 0;
    return {
      pharmacyId: id,
      name: names.get(id)?.name ?? `#${id}`,
      stockUnits,
      coverageDays: e.unitsPerDay > 0 ? stockUnits / e.unitsPerDay : null,
      ...e,
      regions: [...(sold?.regions ?? new Map<string, number>())]
        .map(([regionCode, units]) => ({ regionCode, patients: estimate(units, p).patients }))
        .sort((a, b) => b.patients - a.patients || a.regionCode.localeCompare(b.regionCode)),
    };
  });
  pharmacies.sort((a, b) => b.patients - a.patients || a.name.localeCompare(b.name, 'sv'));
  return {
    method: 'estimate_from_dose_sales',
    parameters: p,
    total: estimate(total, p),
    pharmacies,
    regions: [...byRegion]
      .map(([regionCode, units]) => ({ regionCode, patients: estimate(units, p).patients }))
      .sort((a, b) => b.patients - a.patients || a.regionCode.localeCompare(b.regionCode)),
  };
}

export interface DosePharmacyStops {
  stopped: { pharmacyId: number; name: string; patients: number; unitsPerDay: number };
  /** The regions whose dose patients the stopped pharmacy supplied: they lose supply. */
  regionsLosingSupply: { regionCode: string; patients: number }[];
  /** The other dose pharmacies together. */
  others: {
    stockUnits: number;
    /** Their own dose demand, units a day. */
    ownUnitsPerDay: number;
    /** Their stock lasts this many days at their own demand; null without demand. */
    daysBefore: number | null;
    /** ... and this many when they also take over the stopped pharmacy's patients; null without demand. */
    daysIfTakingOver: number | null;
  };
}

/**
 * R5: one dose pharmacy stops. Its patients' regions lose supply; the others' stock of the affected
 * medicines, at their own dose demand plus the stopped one's, lasts
 *   daysIfTakingOver = others' stock ÷ (others' units a day + stopped pharmacy's units a day).
 * Worked example: Dos Nord stops (200 units a day); Dos Syd holds 4,500 units and sells 100 a day:
 * 45 days alone, 4,500 / 300 = 15 days when it takes over. Null when the pharmacy is not in the estimate.
 */
export function oneDosePharmacyStops(d: DosePatients, pharmacyId: number): DosePharmacyStops | null {
  const stopped = d.pharmacies.find((p) => p.pharmacyId === pharmacyId);
  if (stopped === undefined) return null;
  const others = d.pharmacies.filter((p) => p.pharmacyId !== pharmacyId);
  const stockUnits = others.reduce((s, p) => s + p.stockUnits, 0);
  const own = others.reduce((s, p) => s + p.unitsPerDay, 0);
  const both = own + stopped.unitsPerDay;
  return {
    stopped: {
      pharmacyId,
      name: stopped.name,
      patients: stopped.patients,
      unitsPerDay: stopped.unitsPerDay,
    },
    regionsLosingSupply: stopped.regions,
    others: {
      stockUnits,
      ownUnitsPerDay: own,
      daysBefore: own > 0 ? stockUnits / own : null,
      daysIfTakingOver: both > 0 ? stockUnits / both : null,
    },
  };
}
