import { addDays, dateOfDayNumber } from '../src/domain/calendar.js';
import { FORMS } from './catalogue.js';
import type { LocationModel, PackageModel, StockLineRow, StockSnapshotRow } from './model.js';
import { nationalPerDay, type Chunk } from './sales.js';
import { hash32, Rng } from './random.js';
import { REGIONS } from './sweden.js';

export interface StockContext {
  seed: number;
  today: number;
  reportId: number;
  packages: readonly PackageModel[];
  locations: readonly LocationModel[];
  regionShares: readonly number[];
  regionFactor: Float32Array;
  doseLocationOfRegion: readonly LocationModel[];
}

/** One snapshot to generate: which packages its lines hold, and which of them come in two batches. */
export interface SnapshotPlan {
  row: StockSnapshotRow;
  location: LocationModel;
  /** An earlier count, for history (`back` days before the current one). */
  older: boolean;
  /** Days before the location's current count (0 for the current one). */
  back: number;
  packages: Int32Array;
  twoBatches: Uint8Array;
}

/**
 * Days of cover held, by kind of location: [low, high] for ordinary and for scarce packages. Ours.
 * A wholesaler's warehouse holds the companies' Swedish stock (R2: companies keep their stock at a
 * wholesaler), five to thirteen weeks of its share of national demand, so that an ordinary package is
 * covered and the picture's problems are the seeded ones (scarce packages, notices, a late region, a
 * stale warehouse, a few regions short of R2's month in their preparedness stocks).
 */
const COVER = {
  community: [8, 45, 0, 4],
  wholesaler: [35, 90, 0, 3],
  hospital: [14, 40, 2, 8],
  dose: [14, 30, 1, 5],
} as const;

/**
 * How many days ago the last wholesaler warehouse last counted its stock (ours, for the demo): more
 * than the 2 days after which a location's stock is stale.
 */
export const STALE_WAREHOUSE_DAYS = 4;

/**
 * The earlier counts every location has, in days before its current one (ours, for the demo): the
 * product page's coverage over 90 days then shows how stock moved over the quarter. Locations with
 * a week-old count as well have it at 7 days.
 */
export const PAST_COUNT_DAYS = [91, 56, 28] as const;

/**
 * The days within `windowDays` before `today` on which the generated stock stands as counted at each
 * of its steps: the first day of the window, the days of the earlier counts and yesterday. Between
 * them the counts do not change, so these are the days worth rebuilding into the picture's history
 * (backfillStockHistory costs a pass over all current stock per day); the chart holds each until the
 * next.
 */
export function historyDays(today: string, windowDays: number): string[] {
  const back = [windowDays, ...PAST_COUNT_DAYS, 7, 1].filter((d) => d >= 1 && d <= windowDays);
  return [...new Set(back)].sort((a, b) => b - a).map((d) => addDays(today, -d));
}

/**
 * How much more stock a scarce package had at a count PAST_COUNT_DAYS[0] days ago than now (ours):
 * the demo's shortages built up over the quarter, linearly, rather than appearing today.
 */
const SCARCE_RUN_DOWN = 3;

/** Community pharmacies carry a package when they sell at least one pack per this many days. */
const COMMUNITY_MIN_DAYS_PER_PACK = 60;

const regionCount = (ctx: StockContext) => ctx.regionShares.length;

/** Expected packages per day of `p` in region `r` (all channels). */
function regionalPerDay(ctx: StockContext, p: PackageModel, r: number, day: number): number {
  return (
    nationalPerDay(p, day, ctx.today) *
    (ctx.regionShares[r] ?? 0) *
    (ctx.regionFactor[p.index * regionCount(ctx) + r] ?? 1)
  );
}

function onMarket(p: PackageModel, today: number): boolean {
  return p.salesFrom < today && p.salesUntil >= today;
}

/**
 * Decides, for every location, which packages it holds (one current snapshot each; a week-old one
 * too for wholesalers, hospital and dose pharmacies, preparedness stocks and one in ten community
 * pharmacies). Quantities come later, in {@link stockLineChunks}.
 */
export function planStock(ctx: StockContext): SnapshotPlan[] {
  const rng = new Rng(ctx.seed, 'stock-plan');
  const market = ctx.packages.filter((p) => onMarket(p, ctx.today));
  const byCommunityVolume = market
    .filter((p) => p.community > 0)
    .sort((a, b) => b.annual * b.community - a.annual * a.community || a.index - b.index);
  const inpatient = market.filter((p) => p.hospital >= 0.25);
  const doseable = market.filter((p) => p.dose > 0);
  const municipal = market.filter((p) => p.spec.municipal && p.spec.species === 'human');
  const stateStock = market.filter((p) => p.spec.stateStock);
  // R2: a region's preparedness stock carries the prioritised medicines its care uses at all (ours:
  // before issue 12's follow-up only those mostly used in care, hospital share ≥ 0.25, so that e.g.
  // an antibiotic's care requisitions had no preparedness stock behind them anywhere).
  const prioritisedInCare = market.filter((p) => p.spec.prioritised && p.hospital > 0);
  // Each wholesaler carries most of the range; its warehouses most of what it carries.
  const wholesalerRange = new Map<number, Set<number>>();

  const plans: { location: LocationModel; packages: PackageModel[]; older: boolean }[] = [];
  for (const l of ctx.locations) {
    const lr = new Rng(ctx.seed, 'stock-select', l.row.id);
    let held: PackageModel[];
    let older = false;
    switch (l.row.kind) {
      case 'community_pharmacy': {
        const capacity = Math.min(400, Math.max(100, Math.round(220 * l.size)));
        held = [];
        for (const p of byCommunityVolume) {
          const upper =
            ((p.annual * p.community * 2) / 365) * (ctx.regionShares[l.regionIndex] ?? 0) * l.share;
          if (upper * COMMUNITY_MIN_DAYS_PER_PACK < 1 || held.length >= capacity) break;
          const local = regionalPerDay(ctx, p, l.regionIndex, ctx.today) * p.community * l.share;
          if (local * COMMUNITY_MIN_DAYS_PER_PACK >= 1 && lr.chance(0.93)) held.push(p);
        }
        older = rng.chance(0.1);
        break;
      }
      case 'wholesaler_warehouse': {
        let range = wholesalerRange.get(l.row.organisation_id);
        if (!range) {
          const wr = new Rng(ctx.seed, 'wholesaler-range', l.row.organisation_id);
          range = new Set(market.filter(() => wr.chance(0.92)).map((p) => p.index));
          wholesalerRange.set(l.row.organisation_id, range);
        }
        const inRange = range;
        held = market.filter((p) => inRange.has(p.index) && lr.chance(0.96));
        older = true;
        break;
      }
      case 'hospital_pharmacy':
        held = [
          ...inpatient.filter(() => lr.chance(0.6)),
          ...market.filter(
            (p) => p.hospital > 0 && p.hospital < 0.25 && p.spec.popularity >= 4 && lr.chance(0.3),
          ),
        ];
        older = true;
        break;
      case 'dose_pharmacy':
        held = doseable.filter(() => lr.chance(0.9));
        older = true;
        break;
      case 'care_unit_store':
        held = lr.shuffle(inpatient).slice(0, lr.int(20, 50));
        break;
      case 'municipal_store':
        held = lr.shuffle(municipal).slice(0, lr.int(15, 35));
        break;
      case 'state_security_stock':
        held = stateStock.filter(() => lr.chance(0.7));
        older = true;
        break;
      case 'regional_preparedness_stock':
        held = prioritisedInCare.filter(() => lr.chance(0.95));
        older = true;
        break;
    }
    held.sort((a, b) => a.index - b.index);
    plans.push({ location: l, packages: held, older });
  }

  // The stale warehouse: the last one (ours, for the demo's few real problems).
  const staleWarehouse =
    ctx.locations.filter((l) => l.row.kind === 'wholesaler_warehouse').at(-1)?.row.id ?? null;
  // Ids: the earliest counts first, then the week-old ones, then the current ones: ids follow time.
  const snapshots: SnapshotPlan[] = [];
  const toPlan = (p: (typeof plans)[number], older: number): SnapshotPlan => {
    const twoBatches = new Uint8Array(p.packages.length);
    if (p.location.row.kind === 'wholesaler_warehouse') {
      p.packages.forEach((pkg, i) => {
        const expected = nationalPerDay(pkg, ctx.today, ctx.today) * p.location.share * 28;
        twoBatches[i] = expected > 300 ? 1 : 0;
      });
    }
    // The obligatory stock's own line (obligatoryHeld), counted as the current count would hold it.
    const obligatory = p.packages.filter(
      (pkg) => obligatoryHeld(ctx, p.location, pkg, ctx.today - 1) > 0,
    ).length;
    const lines = p.packages.length + twoBatches.reduce((a, x) => a + x, 0) + obligatory;
    // Most locations count early today (01–05 UTC); one in eight has not yet reported today and
    // counted yesterday; the stale warehouse last counted STALE_WAREHOUSE_DAYS ago.
    const notYet = hash32(ctx.seed, p.location.row.id) % 8 === 0;
    const back = p.location.row.id === staleWarehouse ? STALE_WAREHOUSE_DAYS : notYet ? 1 : 0;
    const day = ctx.today - back - older;
    const hour =
      back === 0
        ? 1 + (hash32(ctx.seed, p.location.row.id, 1) % 4)
        : 5 + (hash32(ctx.seed, p.location.row.id, 1) % 16);
    const minute = hash32(ctx.seed, p.location.row.id, 2) % 60;
    return {
      row: {
        id: snapshots.length + 1,
        location_id: p.location.row.id,
        counted_at: `${dateOfDayNumber(day)}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00Z`,
        report_id: ctx.reportId,
        line_count: lines,
      },
      location: p.location,
      older: older > 0,
      back: older,
      packages: Int32Array.from(p.packages.map((x) => x.index)),
      twoBatches,
    };
  };
  for (const days of PAST_COUNT_DAYS) for (const p of plans) snapshots.push(toPlan(p, days));
  for (const p of plans) if (p.older) snapshots.push(toPlan(p, 7));
  for (const p of plans) snapshots.push(toPlan(p, 0));
  return snapshots;
}

/**
 * The regions whose preparedness stocks fall short of R2's month (ours, for the demo: a country with
 * a few real problems): Sörmland, Västra Götaland and Västernorrland keep 1–4 days of their care's
 * consumption (a token stock); every other region 45–75 days.
 */
export const SHORT_PREPAREDNESS_REGIONS: readonly string[] = ['04', '14', '22'];

/**
 * R2: how many days of its care's consumption the region with code `regionCode` keeps in its
 * preparedness stock: with the hospital pharmacies' own 14–40 days most regions meet the one-month
 * target for most of the list, the SHORT_PREPAREDNESS_REGIONS do not. One draw from the region's own
 * random stream (the one the ambition always used): no other draw depends on it.
 */
export function preparednessAmbition(seed: number, r: number, regionCode: string): number {
  const u = new Rng(seed, 'ambition', r).next();
  return SHORT_PREPAREDNESS_REGIONS.includes(regionCode) ? 1 + 3 * u : 45 + 30 * u;
}

/**
 * R1's obligatory stock, held by the companies at the wholesalers' warehouses (DOMAIN.md: the
 * warehouses hold stock on the companies' behalf) as level-2 stock beside the everyday stock: days of
 * the warehouse's share of national demand (ours, for the demo: with the everyday 35–90 days nearly all
 * companies hold the three months R1 asks; OBLIGATION_SHORT_COMPANY_SHARE of the companies, and scarce
 * packages, hold far less, so supervision has a few real deviations).
 */
export const OBLIGATORY_DAYS: readonly [number, number] = [45, 75];
export const OBLIGATORY_SHORT_DAYS: readonly [number, number] = [0, 20];
export const OBLIGATION_SHORT_COMPANY_SHARE = 0.1;

/** Whether the package is on Socialstyrelsen's list as the generator writes it, and not exempt (R1). */
function carriesObligation(p: PackageModel): boolean {
  const listed = p.spec.prioritised;
  if (listed === undefined || p.medicine.species !== 'human') return false;
  if (listed.form !== undefined && listed.form !== p.formKey) return false;
  return !p.row.parallel_traded && !p.row.licence;
}

/**
 * The obligatory stock a warehouse holds of a package for its company, in packs (0: none). Its own
 * random streams, so that no other draw of the demo changes; the same for every count of the warehouse.
 */
function obligatoryHeld(
  ctx: StockContext,
  l: SnapshotPlan['location'],
  p: PackageModel,
  countedDay: number,
): number {
  if (l.row.kind !== 'wholesaler_warehouse' || p.scarce || !carriesObligation(p)) return 0;
  const o = new Rng(ctx.seed, 'obligatory', l.row.id * 100_003 + p.row.id);
  const short = new Rng(ctx.seed, 'obligation-short', p.row.company_id).chance(
    OBLIGATION_SHORT_COMPANY_SHARE,
  );
  const [lo, hi] = short ? OBLIGATORY_SHORT_DAYS : OBLIGATORY_DAYS;
  return Math.round(nationalPerDay(p, countedDay, ctx.today) * l.share * o.uniform(lo, hi));
}

const BATCH_LETTERS = 'ABCDEFGHJKLMNPRSTUVXYZ';

/** The stock lines of the planned snapshots, in snapshot order, in chunks of about `chunkRows`. */
export function* stockLineChunks(
  ctx: StockContext,
  plans: readonly SnapshotPlan[],
  chunkRows = 50_000,
): Generator<Chunk<StockLineRow>> {
  const ambition = ctx.regionShares.map((_, r) => preparednessAmbition(ctx.seed, r, REGIONS[r]?.code ?? ''));
  const servedShare = ctx.locations.map(() => 0);
  ctx.doseLocationOfRegion.forEach((d, r) => {
    servedShare[d.row.id - 1] = (servedShare[d.row.id - 1] ?? 0) + (ctx.regionShares[r] ?? 0);
  });
  let rows: StockLineRow[] = [];
  let done = 0;

  for (const plan of plans) {
    // The same location's current and earlier counts share quantities, nudged apart (scarce
    // packages run down towards today).
    const rng = new Rng(ctx.seed, 'stock', plan.location.row.id);
    const drift = new Rng(ctx.seed, 'stock-drift', plan.row.id);
    const l = plan.location;
    const r = l.regionIndex;
    const countedDay = ctx.today - 1;
    plan.packages.forEach((index, i) => {
      const p = ctx.packages[index] as PackageModel;
      const cover = (c: readonly [number, number, number, number]) =>
        p.scarce ? rng.uniform(c[2], c[3]) : rng.uniform(c[0], c[1]);
      let level = 1;
      let quantity: number;
      let longExpiry = false;
      switch (l.row.kind) {
        case 'community_pharmacy':
          quantity = regionalPerDay(ctx, p, r, countedDay) * p.community * l.share * cover(COVER.community);
          break;
        case 'wholesaler_warehouse':
          quantity = nationalPerDay(p, countedDay, ctx.today) * l.share * cover(COVER.wholesaler);
          break;
        case 'hospital_pharmacy':
          quantity = regionalPerDay(ctx, p, r, countedDay) * p.hospital * l.share * cover(COVER.hospital);
          break;
        case 'dose_pharmacy':
          quantity =
            nationalPerDay(p, countedDay, ctx.today) *
            (servedShare[l.row.id - 1] ?? 0) *
            p.dose *
            cover(COVER.dose);
          break;
        case 'care_unit_store':
          quantity = Math.max(
            p.scarce ? 0 : 1,
            regionalPerDay(ctx, p, r, countedDay) * p.hospital * 0.02 * rng.uniform(5, 15),
          );
          break;
        case 'municipal_store':
          quantity = p.scarce ? rng.int(0, 2) : rng.int(2, 12);
          break;
        case 'state_security_stock':
          quantity = Math.max(10, (nationalPerDay(p, countedDay, ctx.today) * rng.uniform(30, 120)) / 4);
          level = 3;
          longExpiry = true;
          break;
        case 'regional_preparedness_stock':
          quantity =
            regionalPerDay(ctx, p, r, countedDay) * p.hospital * (ambition[r] ?? 10) * rng.uniform(0.7, 1.3);
          level = 2;
          break;
      }
      if (plan.older) {
        quantity *= p.scarce
          ? 1 + (SCARCE_RUN_DOWN * plan.back) / PAST_COUNT_DAYS[0]
          : drift.uniform(0.85, 1.2);
      }
      const whole = p.scarce ? Math.floor(quantity) : Math.max(1, Math.round(quantity));
      // A warehouse holds the companies' stock (DOMAIN.md): the package's company owns it.
      const owner = l.row.kind === 'wholesaler_warehouse' ? p.row.company_id : null;
      const held = owner === null ? 0 : obligatoryHeld(ctx, l, p, countedDay);
      if (held > 0) {
        const o = new Rng(ctx.seed, 'obligatory-batch', l.row.id * 100_003 + p.row.id);
        rows.push({
          snapshot_id: plan.row.id,
          package_id: p.row.id,
          batch: `${BATCH_LETTERS[o.int(0, BATCH_LETTERS.length - 1)] ?? 'A'}${o.int(10_000, 99_999)}R`,
          expiry: dateOfDayNumber(ctx.today + o.int(365, 1095)),
          quantity: held,
          stock_level: 2,
          owner_id: owner,
        });
      }
      const expiry = (): string => {
        if (longExpiry) return dateOfDayNumber(ctx.today + rng.int(365, 1800));
        if (rng.chance(0.03)) return dateOfDayNumber(ctx.today + rng.int(3, 60));
        return dateOfDayNumber(ctx.today + rng.int(180, 1095));
      };
      const batch = (): string =>
        `${BATCH_LETTERS[rng.int(0, BATCH_LETTERS.length - 1)] ?? 'A'}${rng.int(10_000, 99_999)}${FORMS[p.formKey].packUnit === 'st' ? '' : 'L'}`;
      if (plan.twoBatches[i]) {
        const first = Math.round(whole * rng.uniform(0.3, 0.7));
        rows.push({
          snapshot_id: plan.row.id,
          package_id: p.row.id,
          batch: batch(),
          expiry: expiry(),
          quantity: first,
          stock_level: level,
          owner_id: owner,
        });
        rows.push({
          snapshot_id: plan.row.id,
          package_id: p.row.id,
          batch: batch(),
          expiry: expiry(),
          quantity: whole - first,
          stock_level: level,
          owner_id: owner,
        });
      } else {
        rows.push({
          snapshot_id: plan.row.id,
          package_id: p.row.id,
          batch: batch(),
          expiry: expiry(),
          quantity: whole,
          stock_level: level,
          owner_id: owner,
        });
      }
    });
    done++;
    if (rows.length >= chunkRows) {
      yield { rows, done, total: plans.length };
      rows = [];
    }
  }
  yield { rows, done, total: plans.length };
}
