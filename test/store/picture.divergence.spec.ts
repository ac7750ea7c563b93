import { afterAll, expect, it } from 'vitest';
import { addDays } from '../../src/domain/calendar.js';
import {
  coverage,
  DEFAULT_SIMULATION_DAYS,
  simulateSupply,
  usableBeforeExpiry,
  type StockLot,
} from '../../src/domain/coverage.js';
import { estimateDemand, estimateGroupDemand, groupKey, type SalesPeriod } from '../../src/domain/demand.js';
import { isNoticeActive, isNoticeUpcoming } from '../../src/domain/notice.js';
import { isReserveLocationKind, isReserveStock } from '../../src/domain/reserve.js';
import { roundShare, serviceFractions } from '../../src/domain/service-area.js';
import { setServiceArea } from '../../src/store/service-area.repository.js';
import {
  assessRisk,
  classifyCoverage,
  matchesListItem,
  riskThresholds,
  type AlternativeCandidate,
  type ListItemRef,
  type ProductIdentity,
} from '../../src/domain/risk.js';
import type { Store } from '../../src/store/database.js';
import { refreshPicture } from '../../src/store/picture/refresh.js';
import { findPictureState, listItems } from '../../src/store/picture/repository.js';
import { supplyTierOf } from '../../src/domain/supply-tier.js';
import type { Principal } from '../../src/domain/access.js';
import type { LocationKind } from '../../src/store/schema.js';
import {
  buildExpectedDelivery,
  buildLocation,
  buildNotice,
  buildOrganisation,
  buildPackage,
  buildPrioritisedList,
  buildRegion,
  buildSales,
  buildStockDifference,
  buildStockSnapshot,
  type SalesInput,
} from '../support/builders.js';
import type { BackendName } from '../support/backend-meta.js';
import { describeEach, testBackends } from '../support/databases.js';

/**
 * Item 9 of issue 8: the SQL refresh against the domain's functions on generated, varied data. Each
 * database is a small random country (3 regions, a dozen groups of 1-3 packages, stock with lots of
 * every kind of expiry and stock differences, sales where recent, seasonal and baseline each win
 * somewhere, notices, deliveries, alternatives an authority recorded). For every item the refresh
 * writes, an oracle computed from the generated facts alone by the domain (estimateDemand,
 * estimateGroupDemand, usableBeforeExpiry, coverage, simulateSupply, classifyCoverage, matchesListItem,
 * assessRisk) must give the same demand, usable stock, coverage, run-out dates, risk class, flags and
 * possible-critical-shortage signal: after a full refresh, after an incremental one (new snapshots,
 * differences, sales, a notice, a delivery) and after a stock-mode rebuild.
 *
 * The seed is printed and in every failure message; BEREDSKAP_SEED=<n> repeats a run,
 * BEREDSKAP_DIVERGENCE_DATABASES=<n> (default 3 on PGlite, 1 on PostgreSQL; the variable sets both)
 * and BEREDSKAP_DIVERGENCE_SCALE=<n> (default 1, groups x n) make it larger. PostgreSQL's database has
 * a seed of its own, after PGlite's: the refresh's SQL is the same on both, so a run covers four
 * generated countries, and each backend's types and plans are checked against the oracle.
 *
 * What the oracle models: the items count everyday stock only (a state security stock's, and level
 * 3 anywhere, is reserve: src/domain/reserve.ts); a region's stock is the stock of the locations in
 * it but its wholesalers' warehouses, plus its share of the stock and of each lot of the warehouses
 * serving it (src/domain/service-area.ts: by its share of their demand, rounded to SHARE_DECIMALS);
 * the nation's is all everyday stock. A delivery to a warehouse counts by the same fractions, one to
 * a preparedness stock not at all. The tier view of the reserve ('preparedness') reads the reserve's
 * lots. Sales come as region rows.
 */

const SEED = Number(process.env.BEREDSKAP_SEED ?? Math.floor(Math.random() * 2 ** 31));
const DATABASES_SET = process.env.BEREDSKAP_DIVERGENCE_DATABASES;
const DATABASES: Record<BackendName, number> = {
  pglite: Number(DATABASES_SET ?? 3),
  postgres: Number(DATABASES_SET ?? 1),
};
const SCALE = Number(process.env.BEREDSKAP_DIVERGENCE_SCALE ?? 1);
const TODAY = '2026-03-01';
const REGIONS = ['01', '12', '13'];
const NATIONAL = 'SE';
/** Who reads the tier view: an analyst at the authority (sees every tier, region and group). */
const ANALYST: Principal = {
  tokenId: 0,
  userId: 0,
  userName: 'test',
  organisationId: 0,
  organisationCode: 'LV',
  organisationName: 'Läkemedelsverket',
  organisationKind: 'authority',
  regionCode: null,
  role: 'analyst',
};
console.log(`picture.divergence: seed ${SEED} (BEREDSKAP_SEED=${SEED} repeats it)`);

// A seeded generator (mulberry32) ------------------------------------------------------------------

class Random {
  private x: number;
  constructor(seed: number) {
    this.x = seed >>> 0;
  }
  next(): number {
    this.x = (this.x + 0x6d2b79f5) >>> 0;
    let t = this.x;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.next() * list.length)] as T;
  }
}

// The generated country -----------------------------------------------------------------------------

interface Product extends ProductIdentity {
  index: number;
  packSize: number;
  company: number;
}
interface Lot {
  product: number;
  quantity: number;
  expiry: string | null;
  /** Stock level (1-2 everyday, 3 reserve). */
  level: number;
}
interface Place {
  index: number;
  region: string;
  kind: LocationKind;
  /** A warehouse's service area: the regions it serves (null: the whole country). */
  serves: string[] | null;
}
interface Count {
  place: number;
  countedAt: string;
  lines: Lot[];
  kind: 'snapshot' | 'difference';
}
interface Sale extends SalesPeriod {
  product: number;
  region: string;
}
interface Notice {
  product: number;
  kind: 'shortage' | 'sales_stop';
  expectedStart: string;
  expectedEnd: string | null;
}
interface Delivery {
  product: number;
  expectedOn: string;
  quantity: number;
  place: number | null;
}
interface Recorded {
  from: number;
  to: number;
  unitsPerUnit: number;
}
interface World {
  minShelfLifeDays: number;
  products: Product[];
  list: { atcCode: string; substance: string; form: string | null }[];
  places: Place[];
  counts: Count[];
  sales: Sale[];
  notices: Notice[];
  deliveries: Delivery[];
  recorded: Recorded[];
}

const SUBSTANCES = [
  { substance: 'amoxicillin', atcCode: 'J01CA04' },
  { substance: 'pivmecillinam', atcCode: 'J01CA08' },
  { substance: 'morfin', atcCode: 'N02AA01' },
  { substance: 'oxikodon', atcCode: 'N02AA05' },
  { substance: 'salbutamol', atcCode: 'R03AC02' },
  { substance: 'paracetamol', atcCode: 'N02BE01' },
];
const STRENGTHS = ['10 mg', '20 mg', '500 mg', '10 mg/ml'];
const FORMS = ['tablett', 'kapsel', 'injektionsvätska, lösning'];
const PACK_SIZES = [10, 20, 28, 100];
const KINDS: LocationKind[] = ['community_pharmacy', 'hospital_pharmacy', 'dose_pharmacy', 'care_unit_store'];
type Pattern = 'steady' | 'surge' | 'seasonal' | 'falling' | 'short' | 'none';

function generate(random: Random): World {
  const salesThrough = addDays(TODAY, -1 - random.int(0, 4));
  const windowEnd = salesThrough;
  // One region (not 01, which reaches salesThrough) reports late: its sales end up to a week
  // earlier, and its demand is estimated to its own last day (each region's window).
  const lagging = random.pick(REGIONS.filter((r) => r !== '01'));
  const lag = random.int(0, 7);
  const endOf = (region: string) => (region === lagging ? addDays(windowEnd, -lag) : windowEnd);
  const products: Product[] = [];
  const groupKeys = new Set<string>();
  const add = (identity: Omit<ProductIdentity, 'atcCode'> & { atcCode: string }, packSize: number) => {
    products.push({ ...identity, index: products.length, packSize, company: random.int(0, 2) });
  };
  // A group whose members carry different ATC codes: only the second (J01CA04) matches the list.
  add({ substance: 'amoxicillin', strength: '750 mg', form: 'tablett', atcCode: 'J01CA01' }, 20);
  add({ substance: 'Amoxicillin', strength: '750 mg', form: 'Tablett', atcCode: 'J01CA04' }, 100);
  groupKeys.add('amoxicillin|750mg|tablett');
  const groups = 10 * SCALE;
  for (let g = 0; g < groups; g++) {
    const s = random.pick(SUBSTANCES);
    const identity = { ...s, strength: random.pick(STRENGTHS), form: random.pick(FORMS) };
    const key = groupKey(identity);
    if (groupKeys.has(key)) continue;
    groupKeys.add(key);
    const members = random.int(1, 3);
    for (let m = 0; m < members; m++) add(identity, random.pick(PACK_SIZES));
  }
  const list = [
    { atcCode: 'J01CA04', substance: 'amoxicillin', form: null },
    { atcCode: 'N02AA', substance: 'Morfin', form: 'injektionsvätska' },
    ...(random.chance(0.5) ? [{ atcCode: 'R03AC02', substance: 'salbutamol', form: null }] : []),
    ...(random.chance(0.5) ? [{ atcCode: 'N02AA05', substance: 'oxikodon', form: null }] : []),
  ];

  // Sales: a pattern per package and region. The first three are forced so that recent, seasonal
  // and baseline each win somewhere.
  const seasonFrom = addDays(windowEnd, 1 - 365);
  const seasonTo = addDays(seasonFrom, 27);
  const recentFrom = addDays(windowEnd, -27);
  const sales: Sale[] = [];
  const base = new Map<string, number>();
  let forced = 0;
  for (const p of products) {
    for (const region of REGIONS) {
      const pattern: Pattern =
        forced < 3
          ? (['surge', 'seasonal', 'falling'] as const)[forced++]!
          : random.pick(['steady', 'steady', 'surge', 'seasonal', 'falling', 'short', 'none'] as const);
      if (pattern === 'none') continue;
      const perDay = 0.3 + random.next() * (random.chance(0.3) ? 60 : 8);
      base.set(`${p.index}:${region}`, perDay);
      const from =
        pattern === 'short'
          ? addDays(windowEnd, -random.int(8, 25))
          : addDays(windowEnd, -random.int(420, 520));
      const factor = (day: string): number => {
        const inRecent = day >= recentFrom;
        const inSeason = day >= seasonFrom && day <= seasonTo;
        switch (pattern) {
          case 'surge':
            return inRecent ? 3 : 1;
          case 'seasonal':
            return inSeason ? 4 : inRecent ? 0.5 : 1;
          case 'falling':
            return inRecent || inSeason ? 0.4 : 2;
          case 'steady':
          case 'short':
            return 1;
        }
      };
      // Weekly rows (from an odd day, so that weeks straddle the windows' edges) until ~100 days
      // before the end, then daily rows.
      const dailyFrom = addDays(windowEnd, -random.int(60, 110));
      const regionEnd = endOf(region);
      let day = addDays(from, random.int(0, 6));
      while (day <= regionEnd) {
        const weekly = day < dailyFrom && addDays(day, 6) <= regionEnd;
        const days: 1 | 7 = weekly ? 7 : 1;
        let quantity = 0;
        for (let d = 0; d < days; d++) quantity += perDay * factor(addDays(day, d)) * (0.5 + random.next());
        quantity = Math.round(quantity);
        if (quantity > 0)
          sales.push({ product: p.index, region, periodStart: day, periodDays: days, quantity });
        day = addDays(day, days);
      }
    }
  }
  // The data set reaches salesThrough (the refresh finds it from the latest row of each region).
  sales.push({ product: 0, region: '01', periodStart: salesThrough, periodDays: 1, quantity: 1 });

  // Locations and their counts: lots already expired, expiring soon, later, much later, never.
  const places: Place[] = [];
  for (const region of REGIONS) {
    for (let i = 0; i < 3; i++)
      places.push({ index: places.length, region, kind: random.pick(KINDS), serves: null });
  }
  // Two wholesalers' warehouses: one serving the whole country, one some regions (or all); and a
  // state security stock (all of it reserve).
  places.push({
    index: places.length,
    region: random.pick(REGIONS),
    kind: 'wholesaler_warehouse',
    serves: null,
  });
  const some = REGIONS.filter(() => random.chance(0.6));
  places.push({
    index: places.length,
    region: random.pick(REGIONS),
    kind: 'wholesaler_warehouse',
    serves: some.length === 0 || some.length === REGIONS.length ? null : some,
  });
  places.push({
    index: places.length,
    region: random.pick(REGIONS),
    kind: 'state_security_stock',
    serves: null,
  });
  const lotsFor = (place: Place): Lot[] => {
    const lines: Lot[] = [];
    for (const p of products) {
      if (!random.chance(0.55)) continue;
      const perDay = base.get(`${p.index}:${place.region}`) ?? 1;
      for (let n = random.int(1, 3); n > 0; n--) {
        const r = random.next();
        const expiry =
          r < 0.08
            ? addDays(TODAY, random.int(-5, 0))
            : r < 0.3
              ? addDays(TODAY, random.int(1, 30))
              : r < 0.6
                ? addDays(TODAY, random.int(31, 120))
                : r < 0.9
                  ? addDays(TODAY, random.int(121, 900))
                  : null;
        const level = random.chance(0.1) ? 3 : random.pick([1, 2]);
        const scale = place.kind === 'wholesaler_warehouse' ? random.int(0, 120) : random.int(0, 40);
        lines.push({ product: p.index, quantity: Math.round(perDay * scale), expiry, level });
      }
    }
    return lines;
  };
  const counts: Count[] = [];
  for (const place of places) {
    if (random.chance(0.3)) {
      counts.push({
        place: place.index,
        countedAt: '2026-02-20T08:00:00Z',
        lines: lotsFor(place),
        kind: 'snapshot',
      });
    }
    const snapshot: Count = {
      place: place.index,
      countedAt: '2026-02-27T08:00:00Z',
      lines: lotsFor(place),
      kind: 'snapshot',
    };
    counts.push(snapshot);
    if (random.chance(0.5) && snapshot.lines.length > 0) {
      counts.push({
        place: place.index,
        countedAt: '2026-02-28T12:00:00Z',
        lines: differences(random, snapshot.lines, products),
        kind: 'difference',
      });
    }
  }

  const notices: Notice[] = [];
  const deliveries: Delivery[] = [];
  for (const p of products) {
    if (random.chance(0.2)) {
      const start = addDays(TODAY, random.int(-30, 45));
      const end = random.chance(0.5) ? null : addDays(start, random.int(-20, 60));
      notices.push({
        product: p.index,
        kind: random.pick(['shortage', 'sales_stop'] as const),
        expectedStart: start,
        expectedEnd: end !== null && end < start ? start : end,
      });
    }
    if (random.chance(0.3)) {
      deliveries.push({
        product: p.index,
        expectedOn: addDays(TODAY, random.int(-5, 380)),
        quantity: random.int(1, 2000),
        place: random.chance(0.7) ? random.pick(places).index : null,
      });
    }
  }
  // One delivery that arrives before stock runs out: package 0 sells in region 01 (a surge, above).
  const first01 = places.find((p) => p.region === '01')!.index;
  deliveries.splice(0, deliveries.length, ...deliveries.filter((d) => d.product !== 0), {
    product: 0,
    expectedOn: TODAY,
    quantity: random.int(500, 3000),
    place: first01,
  });
  const recorded: Recorded[] = [];
  for (let n = 0; n < 3; n++) {
    const from = random.pick(products);
    const to = random.pick(products);
    if (groupKey(from) === groupKey(to) || recorded.some((r) => r.from === from.index && r.to === to.index))
      continue;
    recorded.push({ from: from.index, to: to.index, unitsPerUnit: random.pick([0.5, 1, 2]) });
  }
  return {
    minShelfLifeDays: random.pick([0, 0, 3, 7]),
    products,
    list,
    places,
    counts,
    sales,
    notices,
    deliveries,
    recorded,
  };
}

/**
 * Stock differences after a count: part of a lot taken (now and then 5 more than it held, making
 * that expiry negative, when another lot keeps the package's total positive), or a new lot received.
 */
function differences(random: Random, held: readonly Lot[], products: readonly Product[]): Lot[] {
  const lines: Lot[] = [];
  for (let n = random.int(1, 3); n > 0; n--) {
    const lot = random.pick(held);
    const others = held
      .filter((l) => l !== lot && l.product === lot.product)
      .reduce((sum, l) => sum + l.quantity, 0);
    const most = lot.quantity + (others >= 5 ? 5 : 0);
    lines.push(
      random.chance(0.6)
        ? { ...lot, quantity: -random.int(0, most) }
        : {
            product: random.pick(products).index,
            quantity: random.int(1, 200),
            expiry: addDays(TODAY, random.int(-2, 60)),
            level: random.chance(0.1) ? 3 : 1,
          },
    );
  }
  return lines;
}

// Loading it --------------------------------------------------------------------------------------

interface Loaded {
  packageId: number[];
  locationId: number[];
  companyId: number[];
  authority: number;
}

async function load(store: Store, world: World): Promise<Loaded> {
  const db = store.db;
  for (const code of REGIONS) await buildRegion(db, { code });
  const authority = await buildOrganisation(db, { kind: 'authority', code: 'LV' });
  const companyId = [
    await buildOrganisation(db, { kind: 'company' }),
    await buildOrganisation(db, { kind: 'company' }),
    await buildOrganisation(db, { kind: 'company' }),
  ];
  const operator = await buildOrganisation(db, { kind: 'pharmacy_operator' });
  await buildPrioritisedList(db, authority, world.list);
  const packageId: number[] = [];
  for (const p of world.products) {
    packageId.push(
      await buildPackage(db, companyId[p.company]!, {
        substance: p.substance,
        strength: p.strength,
        form: p.form,
        atcCode: p.atcCode,
        packSize: p.packSize,
      }),
    );
  }
  const locationId: number[] = [];
  for (const place of world.places) {
    const id = await buildLocation(db, operator, { regionCode: place.region, kind: place.kind });
    locationId.push(id);
    if (place.serves !== null) await setServiceArea(db, id, place.serves);
  }
  await loadCounts(store, world.counts, { packageId, locationId, companyId, authority });
  await buildSales(db, salesRows(world.sales, packageId));
  for (const n of world.notices) {
    await buildNotice(db, packageId[n.product]!, {
      kind: n.kind,
      expectedStart: n.expectedStart,
      expectedEnd: n.expectedEnd,
    });
  }
  for (const d of world.deliveries)
    await loadDelivery(store, world, d, { packageId, locationId, companyId, authority });
  if (world.recorded.length > 0) {
    await db
      .insertInto('recorded_alternative')
      .values(
        world.recorded.map((r) => ({
          package_id: packageId[r.from]!,
          alternative_package_id: packageId[r.to]!,
          units_per_unit: r.unitsPerUnit,
          organisation_id: authority,
          decided_on: '2026-01-15',
          note: null,
        })),
      )
      .execute();
  }
  return { packageId, locationId, companyId, authority };
}

async function loadCounts(store: Store, counts: readonly Count[], ids: Loaded): Promise<void> {
  for (const c of counts) {
    const lines = c.lines.map((l) => ({
      packageId: ids.packageId[l.product]!,
      quantity: l.quantity,
      expiry: l.expiry,
      stockLevel: l.level,
    }));
    if (c.kind === 'snapshot')
      await buildStockSnapshot(store.db, ids.locationId[c.place]!, lines, c.countedAt);
    else await buildStockDifference(store.db, ids.locationId[c.place]!, lines, c.countedAt);
  }
}

async function loadDelivery(store: Store, world: World, d: Delivery, ids: Loaded): Promise<void> {
  // One plan per company and package is current: each delivery comes from its package's company.
  await buildExpectedDelivery(
    store.db,
    ids.companyId[world.products[d.product]!.company]!,
    ids.packageId[d.product]!,
    d.expectedOn,
    d.quantity,
    d.place === null ? null : ids.locationId[d.place]!,
  );
}

function salesRows(sales: readonly Sale[], packageId: readonly number[]): SalesInput[] {
  return sales.map((s) => ({
    packageId: packageId[s.product]!,
    regionCode: s.region,
    periodStart: s.periodStart,
    periodDays: s.periodDays,
    quantity: s.quantity,
  }));
}

// The oracle: the domain's functions over the generated facts ------------------------------------

interface Expected {
  key: string;
  kind: 'package' | 'group';
  area: string;
  identity: ProductIdentity;
  members: Product[];
  unitSize: number;
  total: number;
  lots: StockLot[];
  usable: number;
  perDay: number;
  basis: string;
  recent: number;
  baseline: number | null;
  seasonal: number | null;
  days: number | null;
  runsOutOn: string | null;
  runsOutWithDeliveriesOn: string | null;
  incoming: number;
  riskClass: string;
  prioritised: boolean;
  activeNotice: boolean;
  possibleCriticalShortage: boolean;
  /** Whether the refresh must list it: stock held, demand, or (nationally) a notice. */
  listed: boolean;
}

function oracle(world: World, ids: Loaded): Map<string, Expected> {
  const m = world.minShelfLifeDays;
  const thresholds = riskThresholds();
  // Each region's last day: the end of its latest-starting row; its demand is estimated to it (a
  // region without sales to the nation's last day).
  let salesThrough = '0000-01-01';
  const throughOf = new Map<string, string>();
  for (const region of REGIONS) {
    const rows = world.sales.filter((s) => s.region === region);
    const latest = rows.reduce<Sale | null>(
      (a, b) => (a === null || b.periodStart > a.periodStart ? b : a),
      null,
    );
    if (latest !== null) {
      const last = addDays(latest.periodStart, latest.periodDays - 1);
      throughOf.set(region, last);
      if (last > salesThrough) salesThrough = last;
    }
  }
  const regionThrough = (region: string) => throughOf.get(region) ?? salesThrough;
  const firstSale = new Map<number, string>();
  for (const s of world.sales) {
    const f = firstSale.get(s.product);
    if (f === undefined || s.periodStart < f) firstSale.set(s.product, s.periodStart);
  }
  const rowsOf = (product: number, region: string) =>
    world.sales.filter((s) => s.product === product && s.region === region);

  // Current everyday stock: each location's newest snapshot, and the differences counted after it.
  const entries = currentEntries(world).filter((e) => !isReserve(e));
  const isWarehouse = (place: Place) => place.kind === 'wholesaler_warehouse';

  // Who serves whom: each package's regional demand, and the warehouses' areas.
  const packageDemand = new Map<string, number>();
  for (const p of world.products) {
    const historyStart = firstSale.get(p.index);
    for (const region of REGIONS) {
      const options = {
        salesThrough: regionThrough(region),
        ...(historyStart === undefined ? {} : { historyStart }),
      };
      packageDemand.set(
        `${p.index}:${region}`,
        estimateDemand(rowsOf(p.index, region), TODAY, options).perDay,
      );
    }
  }
  /** A region's fraction of a warehouse area's stock of a package (serviceFractions). */
  const fraction = (product: number, serves: readonly string[] | null, region: string): number => {
    const served = serves ?? REGIONS;
    if (!served.includes(region)) return 0;
    return (
      serviceFractions(
        served.map((code) => ({
          code,
          demandPerDay: packageDemand.get(`${product}:${code}`) ?? 0,
          population: 100_000,
        })),
      ).get(region) ?? 0
    );
  };
  const areaKeyOf = (place: Place) => (place.serves === null ? 'SE' : [...place.serves].sort().join(','));
  const areas = new Map<string, readonly string[] | null>();
  for (const place of world.places.filter(isWarehouse)) areas.set(areaKeyOf(place), place.serves);
  /**
   * A region's share of the warehouses' everyday stock of some members, in units: per package and
   * area, the total and what can still be dispensed today (as picture_wholesale_stock), and each lot,
   * every one rounded as the picture rounds shares.
   */
  const shareOf = (members: readonly Product[], unitOf: (p: Product) => number, region: string) => {
    let total = 0;
    let anyRow = false;
    const lots: StockLot[] = [];
    for (const p of members) {
      let packageTotal = 0;
      let packageUsable = 0;
      for (const [key, serves] of areas) {
        const f = fraction(p.index, serves, region);
        const held = entries.filter(
          (e) => isWarehouse(e.place) && areaKeyOf(e.place) === key && e.lot.product === p.index,
        );
        const areaTotal = held.reduce((sum, e) => sum + e.lot.quantity, 0);
        const areaUsable = held
          .filter((e) => e.lot.expiry === null || e.lot.expiry > addDays(TODAY, m))
          .reduce((sum, e) => sum + e.lot.quantity, 0);
        if (held.length === 0) continue;
        packageTotal += roundShare(areaTotal * f);
        packageUsable += roundShare(areaUsable * f);
        if (!(f > 0)) continue;
        for (const lot of poolLots(held, () => 1)) {
          // A share of a lot is not rounded (expiry.ts shareOf); a share of stock is.
          lots.push({ expiry: lot.expiry, quantity: lot.quantity * f * unitOf(p) });
        }
      }
      if (packageTotal !== 0 || packageUsable !== 0) {
        anyRow = true;
        total += packageTotal * unitOf(p);
      }
    }
    return { total, lots, anyRow };
  };

  const groups = new Map<string, Product[]>();
  for (const p of world.products) groups.set(groupKey(p), [...(groups.get(groupKey(p)) ?? []), p]);
  const listEntries: ListItemRef[] = world.list.map((e, i) => ({
    listCode: 'sos-prioritised',
    position: i + 1,
    ...e,
  }));
  const flagged = (members: readonly Product[]) =>
    world.notices.some(
      (n) =>
        members.some((p) => p.index === n.product) &&
        (isNoticeActive(n, TODAY) || isNoticeUpcoming(n, TODAY, thresholds.noticeLeadDays)),
    );

  // Whether the members have a stock row (picture_stock) in the area: per region x tier, a total or
  // a dispensable total other than 0, or a location holding some; in a region, a warehouse's stock
  // standing there does not count, its share of the warehouses serving it does.
  const stockRows = (members: readonly Product[], area: string): boolean => {
    if (area !== NATIONAL && shareOf(members, () => 1, area).anyRow) return true;
    const rows = new Map<string, { total: number; dispensable: number; byPlace: Map<number, number> }>();
    for (const { place, lot } of entries) {
      if (area !== NATIONAL && (place.region !== area || isWarehouse(place))) continue;
      if (!members.some((p) => p.index === lot.product)) continue;
      const k = `${lot.product}:${place.region}:${supplyTierOf(place.kind)}`;
      const row = rows.get(k) ?? { total: 0, dispensable: 0, byPlace: new Map<number, number>() };
      row.total += lot.quantity;
      if (lot.expiry === null || lot.expiry > addDays(TODAY, m)) row.dispensable += lot.quantity;
      row.byPlace.set(place.index, (row.byPlace.get(place.index) ?? 0) + lot.quantity);
      rows.set(k, row);
    }
    return [...rows.values()].some(
      (r) => r.total !== 0 || r.dispensable !== 0 || [...r.byPlace.values()].some((q) => q > 0),
    );
  };
  const result = new Map<string, Expected>();
  const items: {
    kind: 'package' | 'group';
    ref: string;
    members: Product[];
    unitOf: (p: Product) => number;
  }[] = [
    ...world.products.map((p) => ({
      kind: 'package' as const,
      ref: String(ids.packageId[p.index]),
      members: [p],
      unitOf: () => 1,
    })),
    ...[...groups].map(([key, members]) => ({
      kind: 'group' as const,
      ref: key,
      members,
      unitOf: (p: Product) => p.packSize,
    })),
  ];
  for (const item of items) {
    const regional = new Map<string, ReturnType<typeof estimateDemand>>();
    const historyStart = item.members
      .map((p) => firstSale.get(p.index))
      .filter((d): d is string => d !== undefined)
      .sort()[0];
    for (const region of REGIONS) {
      const options = {
        salesThrough: regionThrough(region),
        ...(historyStart === undefined ? {} : { historyStart }),
      };
      regional.set(
        region,
        item.kind === 'package'
          ? estimateDemand(rowsOf(item.members[0]!.index, region), TODAY, options)
          : estimateGroupDemand(
              item.members.map((p) => ({ packSize: p.packSize, rows: rowsOf(p.index, region) })),
              TODAY,
              options,
            ),
      );
    }
    for (const area of [NATIONAL, ...REGIONS]) {
      const inArea = (place: Place) => area === NATIONAL || (place.region === area && !isWarehouse(place));
      const own = entries.filter(
        (e) => inArea(e.place) && item.members.some((p) => p.index === e.lot.product),
      );
      let total = 0;
      for (const { lot } of own) total += lot.quantity * item.unitOf(world.products[lot.product]!);
      const lots = poolLots(own, (product) => item.unitOf(world.products[product]!));
      if (area !== NATIONAL) {
        const share = shareOf(item.members, item.unitOf, area);
        total += share.total;
        lots.push(...share.lots);
      }
      const estimates = area === NATIONAL ? [...regional.values()] : [regional.get(area)!];
      const perDay = estimates.reduce((sum, e) => sum + e.perDay, 0);
      const sumOrNull = (values: (number | null)[]) =>
        values.every((v) => v === null) ? null : values.reduce<number>((sum, v) => sum + (v ?? 0), 0);
      const usable = usableBeforeExpiry(lots, perDay, TODAY, m);
      const cov = coverage(usable, perDay, TODAY);
      const until = addDays(TODAY, DEFAULT_SIMULATION_DAYS);
      // A delivery to a preparedness stock adds to the reserve; one to a warehouse serves its area.
      const deliveries = world.deliveries
        .filter(
          (d) =>
            item.members.some((p) => p.index === d.product) &&
            d.expectedOn >= TODAY &&
            d.expectedOn < until &&
            (d.place === null || !isReserveLocationKind(world.places[d.place]!.kind)),
        )
        .map((d) => {
          const place = d.place === null ? null : world.places[d.place]!;
          const part =
            area === NATIONAL
              ? 1
              : place === null
                ? 0
                : isWarehouse(place)
                  ? fraction(d.product, place.serves, area)
                  : place.region === area
                    ? 1
                    : 0;
          return {
            expectedOn: d.expectedOn,
            quantity: d.quantity * part * item.unitOf(world.products[d.product]!),
          };
        })
        .filter((d) => d.quantity > 0);
      const outlook = simulateSupply({
        today: TODAY,
        demandPerDay: perDay,
        lots,
        deliveries,
        minShelfLifeDays: m,
      });
      const noticeFlag = flagged(item.members);
      const first = item.members[0]!;
      result.set(`${item.kind}:${item.ref}:${area}`, {
        key: `${item.kind}:${item.ref}:${area}`,
        kind: item.kind,
        area,
        identity: {
          atcCode: first.atcCode,
          substance: first.substance,
          strength: first.strength,
          form: first.form,
        },
        members: item.members,
        unitSize: item.kind === 'package' ? first.packSize : 1,
        total,
        lots,
        usable,
        perDay,
        basis: perDay > 0 ? (area === NATIONAL ? 'sum_of_regions' : estimates[0]!.basis) : 'no_sales',
        recent: estimates.reduce((sum, e) => sum + e.recentPerDay, 0),
        baseline: sumOrNull(estimates.map((e) => e.baselinePerDay)),
        seasonal: sumOrNull(estimates.map((e) => e.seasonalPerDay)),
        days: cov.days,
        runsOutOn: cov.days !== null && cov.days < 36_500 ? cov.runsOutOn : null,
        runsOutWithDeliveriesOn: outlook.runsOutOn,
        incoming: deliveries.reduce((sum, d) => sum + d.quantity, 0),
        riskClass: classifyCoverage(cov.days, thresholds),
        prioritised: listEntries.some((e) => item.members.some((p) => matchesListItem(p, e))),
        activeNotice: noticeFlag,
        possibleCriticalShortage: false,
        listed: stockRows(item.members, area) || perDay > 0 || (area === NATIONAL && noticeFlag),
      });
    }
  }

  // The signal, by assessRisk, with every other item of the same kind in the area as a candidate.
  const all = [...result.values()];
  for (const e of all) {
    if (!e.listed) continue;
    const recordedFor = (c: Expected): number | null => {
      const pairs = world.recorded.filter(
        (r) => e.members.some((p) => p.index === r.from) && c.members.some((p) => p.index === r.to),
      );
      return pairs.length === 0 ? null : Math.max(...pairs.map((r) => r.unitsPerUnit));
    };
    const alternatives: AlternativeCandidate[] = all
      .filter((c) => c.listed && c.kind === e.kind && c.area === e.area && c.key !== e.key)
      .map((c) => ({
        ...c.identity,
        ref: c.key,
        unitSize: c.unitSize,
        demandPerDay: c.perDay,
        usableStock: c.usable,
        lots: c.lots,
        recordedUnitsPerUnit: recordedFor(c),
      }));
    e.possibleCriticalShortage = assessRisk({
      today: TODAY,
      item: { ...e.identity, ref: e.key, unitSize: e.unitSize, members: e.members },
      demandPerDay: e.perDay,
      coverageDays: e.days,
      prioritisedList: listEntries,
      notices: [],
      alternatives,
      thresholds,
      minShelfLifeDays: m,
    }).flags.possibleCriticalShortage;
  }
  return result;
}

/**
 * The lots of some locations pooled per expiry, in units: each location's entries netted per package
 * and expiry first, a lot netted below zero counting as none (as the picture does).
 */
function poolLots(
  entries: readonly { place: Place; lot: Lot }[],
  unitOf: (product: number) => number,
): StockLot[] {
  const atLocation = new Map<string, { lot: Lot; quantity: number }>();
  for (const { place, lot } of entries) {
    const k = `${place.index}:${lot.product}:${lot.expiry}`;
    const held = atLocation.get(k) ?? { lot, quantity: 0 };
    held.quantity += lot.quantity;
    atLocation.set(k, held);
  }
  const byExpiry = new Map<string | null, number>();
  for (const { lot, quantity } of atLocation.values()) {
    const units = Math.max(0, quantity) * unitOf(lot.product);
    byExpiry.set(lot.expiry, (byExpiry.get(lot.expiry) ?? 0) + units);
  }
  return [...byExpiry].map(([expiry, quantity]) => ({ expiry, quantity }));
}

/** Whether an entry is reserve: at a preparedness stock, or level 3 or 4 (isReserveStock). */
function isReserve({ place, lot }: { place: Place; lot: Lot }): boolean {
  return isReserveStock({ locationKind: place.kind, stockLevel: lot.level });
}

/** Current stock: each location's newest snapshot, and the differences counted after it. */
function currentEntries(world: World): { place: Place; lot: Lot }[] {
  const entries: { place: Place; lot: Lot }[] = [];
  for (const place of world.places) {
    const snapshots = world.counts.filter((c) => c.place === place.index && c.kind === 'snapshot');
    const current = snapshots.reduce<Count | null>(
      (a, b) => (a === null || b.countedAt >= a.countedAt ? b : a),
      null,
    );
    for (const lot of current?.lines ?? []) entries.push({ place, lot });
    for (const c of world.counts) {
      if (c.place !== place.index || c.kind !== 'difference') continue;
      if (current !== null && c.countedAt <= current.countedAt) continue;
      for (const lot of c.lines) entries.push({ place, lot });
    }
  }
  return entries;
}

// Comparing ---------------------------------------------------------------------------------------

async function compare(store: Store, world: World, ids: Loaded, at: string): Promise<Map<string, Expected>> {
  const expected = oracle(world, ids);
  const rows = await store.db.selectFrom('picture_item').selectAll().execute();
  const close = (actual: unknown, wanted: number, what: string) => {
    const a = Number(actual);
    const ok = Math.abs(a - wanted) <= 1e-6 * Math.max(1, Math.abs(wanted));
    expect(ok, `${what}: SQL ${a}, domain ${wanted}`).toBe(true);
  };
  const seen = new Set<string>();
  for (const r of rows) {
    const key = `${r.kind}:${r.ref}:${r.area_code}`;
    const where = `${at}, ${key}`;
    const e = expected.get(key);
    expect(e, `${where}: an item the domain does not know`).toBeDefined();
    if (e === undefined) continue;
    seen.add(key);
    expect(e.listed, `${where}: listed without stock, demand or notice`).toBe(true);
    close(r.total_stock, e.total, `${where} total stock`);
    close(r.usable_stock, e.usable, `${where} usable stock`);
    close(r.demand_per_day, e.perDay, `${where} demand`);
    if (r.demand_basis !== e.basis) {
      // The one divergence accepted: two rates equal but for rounding (numeric pro-rata sums against
      // floating point) can name different bases for the same demand. Anything else fails.
      const rate = (basis: string | null): number | null =>
        basis === 'recent'
          ? e.recent
          : basis === 'seasonal'
            ? e.seasonal
            : basis === 'baseline'
              ? e.baseline
              : null;
      const [a, b] = [rate(r.demand_basis), rate(e.basis)];
      const tie = a !== null && b !== null && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
      expect(tie, `${where} basis: SQL ${r.demand_basis}, domain ${e.basis} (rates ${a}, ${b})`).toBe(true);
    }
    if (e.area !== NATIONAL) {
      close(r.recent_per_day, e.recent, `${where} recent`);
      if (e.baseline === null) expect(r.baseline_per_day, `${where} baseline`).toBeNull();
      else close(r.baseline_per_day, e.baseline, `${where} baseline`);
      if (e.seasonal === null) expect(r.seasonal_per_day, `${where} seasonal`).toBeNull();
      else close(r.seasonal_per_day, e.seasonal, `${where} seasonal`);
    }
    if (e.days === null) expect(r.coverage_days, `${where} coverage`).toBeNull();
    else close(r.coverage_days, e.days, `${where} coverage`);
    expect(r.runs_out_on, `${where} runs out`).toBe(e.runsOutOn);
    expect(r.runs_out_with_deliveries_on, `${where} runs out with deliveries`).toBe(
      e.runsOutWithDeliveriesOn,
    );
    close(r.incoming, e.incoming, `${where} incoming`);
    expect(r.risk_class, `${where} risk class (coverage ${e.days})`).toBe(e.riskClass);
    expect(r.prioritised, `${where} prioritised`).toBe(e.prioritised);
    expect(r.active_notice, `${where} notice`).toBe(e.activeNotice);
    expect(r.possible_critical_shortage, `${where} possible critical shortage`).toBe(
      e.possibleCriticalShortage,
    );
  }
  for (const e of expected.values()) {
    if (e.listed) expect(seen.has(e.key), `${at}: ${e.key} missing from the refresh`).toBe(true);
  }

  // One tier (as the tier view lists it): its own lots' usable stock at the whole area's demand.
  const state = await findPictureState(store.db);
  if (state === undefined) throw new Error('no picture');
  const entries = currentEntries(world);
  for (const tier of [...new Set(world.places.map((p) => supplyTierOf(p.kind)))]) {
    // A tier's everyday lots held in the area; the tier 'preparedness' stands for the whole reserve.
    const ofTier = (e: { place: Place; lot: Lot }) =>
      tier === 'preparedness' ? isReserve(e) : supplyTierOf(e.place.kind) === tier && !isReserve(e);
    for (const kind of ['package', 'group'] as const) {
      for (const area of [NATIONAL, null]) {
        const page = await listItems(store.db, ANALYST, state, { kind, area, tier }, 100_000, 0);
        for (const r of page.rows) {
          const key = `${r.kind}:${r.ref}:${r.area_code}`;
          const where = `${at}, ${key}, tier ${tier}`;
          const e = expected.get(key);
          if (e === undefined) continue;
          const lots = poolLots(
            entries.filter(
              (entry) =>
                ofTier(entry) &&
                (r.area_code === NATIONAL || entry.place.region === r.area_code) &&
                e.members.some((p) => p.index === entry.lot.product),
            ),
            (product) => (kind === 'group' ? world.products[product]!.packSize : 1),
          );
          const usable = usableBeforeExpiry(lots, e.perDay, TODAY, world.minShelfLifeDays);
          close(r.usable_stock, usable, `${where} usable stock`);
          const cov = coverage(usable, e.perDay, TODAY);
          if (cov.days === null) expect(r.coverage_days, `${where} coverage`).toBeNull();
          else close(r.coverage_days, cov.days, `${where} coverage`);
          expect(r.risk_class, `${where} risk class`).toBe(classifyCoverage(cov.days));
        }
      }
    }
  }
  return expected;
}

// The runs ----------------------------------------------------------------------------------------

describeEach(testBackends())(
  'picture refresh on $name: SQL and domain agree on generated data',
  (backend) => {
    const stores: Store[] = [];
    afterAll(async () => {
      await Promise.all(stores.map((s) => s.close()));
    });

    const databases = DATABASES[backend.name];
    // PostgreSQL's seeds follow PGlite's: other countries than those PGlite checks.
    const firstSeed = SEED + (backend.name === 'postgres' ? DATABASES.pglite : 0);
    for (let n = 0; n < databases; n++) {
      const seed = firstSeed + n;
      it(`database ${n + 1} of ${databases} (seed ${seed}): full, incremental and stock-mode refreshes`, async () => {
        const random = new Random(seed);
        const world = generate(random);
        const store = await backend.open();
        stores.push(store);
        const ids = await load(store, world);
        const settings = { today: TODAY, minShelfLifeDays: world.minShelfLifeDays };
        const at = (step: string) => `seed ${seed} (BEREDSKAP_SEED=${SEED}, database ${n + 1}), ${step}`;

        await refreshPicture(store, settings);
        const full = await compare(store, world, ids, at('full refresh'));

        // The data reach every case the comparison is for.
        const demand = await store.db.selectFrom('picture_demand').select('basis').distinct().execute();
        expect(demand.map((d) => d.basis).sort(), at('bases')).toEqual(
          expect.arrayContaining(['baseline', 'recent', 'seasonal']),
        );
        const values = [...full.values()].filter((e) => e.listed);
        expect(
          values.some(
            (e) => e.perDay > 0 && e.usable < e.lots.reduce((s, l) => s + Math.max(0, l.quantity), 0),
          ),
          at('a lot cut by its expiry'),
        ).toBe(true);
        expect(
          values.some((e) => e.runsOutWithDeliveriesOn !== e.runsOutOn),
          at('a delivery that matters'),
        ).toBe(true);
        expect(
          full.get(`group:amoxicillin|750mg|tablett:${NATIONAL}`)?.prioritised,
          at('mixed ATC group'),
        ).toBe(true);

        // Incremental: new counts at two locations, a difference at a third, sales, a notice, a delivery.
        const first = random.pick(world.places);
        const places = [first, random.pick(world.places.filter((p) => p !== first))];
        const newCounts: Count[] = places.map((p) => ({
          place: p.index,
          countedAt: '2026-02-28T20:00:00Z',
          lines: Array.from({ length: random.int(2, 8) }, () => ({
            product: random.pick(world.products).index,
            quantity: random.int(0, 500),
            expiry: random.chance(0.15) ? null : addDays(TODAY, random.int(-3, 200)),
            level: random.chance(0.1) ? 3 : 1,
          })),
          kind: 'snapshot' as const,
        }));
        // A difference after the new count at the first of them.
        newCounts.push({
          place: places[0]!.index,
          countedAt: '2026-02-28T21:00:00Z',
          lines: differences(random, newCounts[0]!.lines, world.products),
          kind: 'difference',
        });
        const changed = [random.pick(world.products), random.pick(world.products)];
        // Within each region's days, so that its sales reach no further (a region's window that
        // moves refreshes it all).
        const throughOf = (region: string) =>
          world.sales.reduce((a, s) => {
            if (s.region !== region) return a;
            const last = addDays(s.periodStart, s.periodDays - 1);
            return last > a ? last : a;
          }, '');
        const extraSales: Sale[] = changed.map((p) => {
          const region = random.pick(REGIONS);
          return {
            product: p.index,
            region,
            periodStart: addDays(throughOf(region), -random.int(0, 20)),
            periodDays: 1,
            quantity: random.int(1, 400),
          };
        });
        const notice: Notice = {
          product: random.pick(world.products).index,
          kind: 'shortage',
          expectedStart: addDays(TODAY, random.int(-3, 20)),
          expectedEnd: null,
        };
        const delivery: Delivery = {
          product: random.pick(world.products).index,
          expectedOn: addDays(TODAY, random.int(1, 60)),
          quantity: random.int(10, 3000),
          place: random.pick(world.places).index,
        };
        world.counts.push(...newCounts);
        world.sales.push(...extraSales);
        world.notices.push(notice);
        world.deliveries = [
          ...world.deliveries.filter(
            (d) =>
              !(
                d.product === delivery.product &&
                world.products[d.product]!.company === world.products[delivery.product]!.company
              ),
          ),
          delivery,
        ];
        await loadCounts(store, newCounts, ids);
        await buildSales(store.db, salesRows(extraSales, ids.packageId));
        await buildNotice(store.db, ids.packageId[notice.product]!, notice);
        await loadDelivery(store, world, delivery, ids);
        const named = [...changed.map((p) => p.index), notice.product, delivery.product].map(
          (i) => ids.packageId[i]!,
        );
        const incremental = await refreshPicture(store, {
          ...settings,
          locationIds: [...new Set(places.map((p) => ids.locationId[p.index]!))],
          packageIds: [...new Set(named)],
        });
        expect(incremental.mode, at('incremental')).toBe('incremental');
        await compare(store, world, ids, at('incremental refresh'));

        // Stock mode: many locations at once (a low delta limit), stock and items rebuilt.
        const wave: Count[] = world.places
          .filter(() => random.chance(0.5))
          .map((p) => ({
            place: p.index,
            countedAt: '2026-02-28T23:00:00Z',
            lines: [],
            kind: 'snapshot' as const,
          }));
        for (const c of wave) {
          for (let k = random.int(1, 6); k > 0; k--) {
            c.lines.push({
              product: random.pick(world.products).index,
              quantity: random.int(0, 300),
              expiry: random.chance(0.1) ? null : addDays(TODAY, random.int(-2, 400)),
              level: random.chance(0.1) ? 3 : 1,
            });
          }
        }
        if (wave.length > 0) {
          world.counts.push(...wave);
          await loadCounts(store, wave, ids);
          const stock = await refreshPicture(store, {
            ...settings,
            locationIds: wave.map((c) => ids.locationId[c.place]!),
            deltaLimit: 0,
          });
          expect(stock.mode, at('stock mode')).toBe('stock');
          await compare(store, world, ids, at('stock-mode refresh'));
        }
        await store.close();
        stores.splice(stores.indexOf(store), 1);
      }, 240_000);
    }
  },
);
