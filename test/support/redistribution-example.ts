/**
 * The worked example of docs/redistribution.md (issue 13 item 8), small enough to compute by hand:
 * A (community pharmacy) holds 100 packs, needs 2 a day, floor `floorDays`; B (community) holds 10,
 * needs 2; C (hospital pharmacy) holds 0, needs 1; D (care-unit store) holds 0, needs 1. Arcs
 * A→B 10 km, A→C 50 km, A→D 5 km (refused by the rule table).
 */
import type { RedistributionInstance } from '../../src/domain/redistribution.js';
import { DEFAULT_REDISTRIBUTION_PARAMETERS } from '../../src/domain/redistribution.js';

export function exampleInstance(
  options: { floorDays?: number; shortLived?: number; minRemainingShelfLifeDays?: number } = {},
): RedistributionInstance {
  const shortLived = options.shortLived ?? 0;
  return {
    subject: 'Amoxicillin 50 mg/ml (exempel)',
    unit: 'förpackningar',
    transferDate: '2026-12-07',
    parameters: {
      ...DEFAULT_REDISTRIBUTION_PARAMETERS,
      minRemainingShelfLifeDays: options.minRemainingShelfLifeDays ?? 90,
    },
    locations: [
      {
        id: 'A',
        kind: 'community_pharmacy',
        region: '01',
        demandPerDay: 2,
        floorDays: options.floorDays ?? 10,
        stock: [
          ...(shortLived > 0
            ? [
                {
                  package: '123456',
                  batch: 'A-KORT',
                  expiry: '2027-01-06',
                  quantity: shortLived,
                  unitCost: 80,
                },
              ]
            : []),
          {
            package: '123456',
            batch: 'A-LÅNG',
            expiry: '2027-12-31',
            quantity: 100 - shortLived,
            unitCost: 80,
          },
        ],
      },
      {
        id: 'B',
        kind: 'community_pharmacy',
        region: '01',
        demandPerDay: 2,
        floorDays: 10,
        stock: [{ package: '123456', batch: 'B-1', expiry: '2027-06-30', quantity: 10, unitCost: 82 }],
      },
      { id: 'C', kind: 'hospital_pharmacy', region: '03', demandPerDay: 1, floorDays: 10, stock: [] },
      { id: 'D', kind: 'care_unit_store', region: '03', demandPerDay: 1, floorDays: 10, stock: [] },
    ],
    arcs: [
      { from: 'A', to: 'B', distanceKm: 10 },
      { from: 'A', to: 'C', distanceKm: 50 },
      { from: 'A', to: 'D', distanceKm: 5 },
    ],
  };
}
