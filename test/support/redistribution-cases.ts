/**
 * Generated redistribution instances from a seed (issue 13 items 8 and 9): small random cases for the
 * independent optimum check, and a national-size case for the benchmark.
 */
import type { RedistributionInstance, StockBatch } from '../../src/domain/redistribution.js';
import { DEFAULT_REDISTRIBUTION_PARAMETERS } from '../../src/domain/redistribution.js';

/** A small fast seeded generator (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KINDS = ['community_pharmacy', 'community_pharmacy', 'hospital_pharmacy', 'care_unit_store'];

function batches(rand: () => number, id: string, count: number, maxQty: number): StockBatch[] {
  return Array.from({ length: count }, (_x, j) => ({
    package: '123456',
    batch: `${id}-B${j}`,
    // Some batches expire within the 90-day minimum, some later.
    expiry: new Date(Date.UTC(2026, 11, 7) + Math.floor(rand() * 400) * 86_400_000)
      .toISOString()
      .slice(0, 10),
    quantity: Math.floor(rand() * maxQty),
    unitCost: 50 + Math.floor(rand() * 100),
  }));
}

/** A small case (3–8 locations, explicit arcs incl. some the rule table refuses). */
export function smallCase(seed: number): RedistributionInstance {
  const rand = seededRandom(seed);
  const n = 3 + Math.floor(rand() * 6);
  const locations = Array.from({ length: n }, (_x, i) => {
    const id = `L${i}`;
    return {
      id,
      kind: KINDS[Math.floor(rand() * KINDS.length)]!,
      region: `R${Math.floor(rand() * 3)}`,
      demandPerDay: rand() < 0.15 ? 0 : 1 + Math.floor(rand() * 10),
      floorDays: Math.floor(rand() * 20),
      stock: batches(rand, id, Math.floor(rand() * 4), 200),
    };
  });
  const arcs = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i !== j && rand() < 0.45)
        arcs.push({ from: `L${i}`, to: `L${j}`, distanceKm: 1 + Math.floor(rand() * 100) });
    }
  }
  return {
    subject: `seed ${seed}`,
    unit: 'förpackningar',
    transferDate: '2026-12-07',
    parameters: { ...DEFAULT_REDISTRIBUTION_PARAMETERS },
    locations,
    arcs,
  };
}

/** A national-size case: `n` pharmacies spread over Sweden's bounding box, arcs built from coordinates. */
export function nationalCase(seed: number, n: number): RedistributionInstance {
  const rand = seededRandom(seed);
  const locations = Array.from({ length: n }, (_x, i) => {
    const id = `SE-${String(i).padStart(5, '0')}`;
    const latitude = 55.4 + rand() * 13.5;
    const longitude = 11.2 + rand() * 12.5;
    const demandPerDay = 0.5 + rand() * 6;
    // A few well-stocked places and many short ones: a shortage.
    const days = rand() < 0.15 ? 40 + rand() * 80 : rand() * 12;
    const quantity = Math.floor(days * demandPerDay);
    const split = Math.floor(quantity * rand());
    return {
      id,
      kind: rand() < 0.06 ? 'hospital_pharmacy' : 'community_pharmacy',
      region: String(1 + Math.floor(((latitude - 55.4) / 13.5) * 21)).padStart(2, '0'),
      latitude,
      longitude,
      demandPerDay,
      floorDays: 14,
      stock: [
        { package: '123456', batch: `${id}-A`, expiry: '2027-02-01', quantity: split, unitCost: 80 },
        {
          package: '123456',
          batch: `${id}-B`,
          expiry: '2027-09-01',
          quantity: quantity - split,
          unitCost: 85,
        },
      ],
    };
  });
  return {
    subject: 'bench group',
    unit: 'förpackningar',
    transferDate: '2026-12-07',
    parameters: { ...DEFAULT_REDISTRIBUTION_PARAMETERS, radiusKm: 150, nearestDonors: 8 },
    locations,
  };
}
