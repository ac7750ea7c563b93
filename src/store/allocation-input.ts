import { sql } from 'kysely';
import { NATIONAL_AREA } from '../domain/access.js';
import {
  DEFAULT_TIER_BY_RECIPIENT_KIND,
  type AllocationInput,
  type AllocationRecipient,
  type RecipientKind,
} from '../domain/allocation.js';
import { addDays } from '../domain/calendar.js';
import { AppError } from '../domain/errors.js';
import type { Db } from './database.js';
import {
  areaFigures,
  deliveriesOf,
  findItem,
  findPictureState,
  locationCoverage,
  type LocationRow,
  type PictureState,
} from './picture/repository.js';
import { wholesaleFigures } from './picture/wholesale.js';

/**
 * Builds an allocation's input from the maintained picture (issue 13 item 2; docs/allocation.md):
 *
 * - **available** = the usable stock at wholesaler warehouses (the picture's national wholesale tier,
 *   `wholesaleFigures`) plus the deliveries expected within the horizon to a wholesaler warehouse or
 *   to no location (`deliveriesOf`, the picture's current plans; deliveries to a preparedness stock are
 *   reserve, and those to a pharmacy already reach a recipient), rounded down to whole packs (units for
 *   a group, as the picture counts groups);
 * - **recipients** = the regions. A region's demand is the picture's (`areaFigures`); its stock is the
 *   picture's usable stock for the region **less its share of the wholesale stock serving it** (that
 *   stock is what is being shared, and counting it twice would hide the region's need);
 * - **upper bound** = the region's need over the horizon, demand × horizon − stock, rounded up to a
 *   whole pack, not below 0; or a cap given per region, if lower. **Minimum**: given per region, or 0.
 */

export interface AllocationRequest {
  kind: 'package' | 'group';
  /** A package id, or a group key. */
  ref: string;
  horizonDays: number;
  /**
   * Who receives: the regions (default), or the pharmacies (hospital, dose and community pharmacies that
   * hold or sell the item, each measured against its own demand as the picture measures locations).
   */
  level?: 'region' | 'location' | undefined;
  /** Tier per recipient key (region code or location id) or per recipient kind; default DEFAULT_TIER_BY_RECIPIENT_KIND. */
  tiers?: Record<string, number> | undefined;
  /** A cap per recipient key, in packs (units for a group). */
  caps?: Record<string, number> | undefined;
  /** A minimum per recipient key, in packs (units for a group). */
  minimums?: Record<string, number> | undefined;
}

export interface BuiltRecipient extends AllocationRecipient {
  name: string;
  regionCode: string;
  locationId: number | null;
}

export interface BuiltAllocationInput extends AllocationInput {
  recipients: BuiltRecipient[];
  itemName: string;
  unit: string;
  today: string;
  wholesaleStock: number;
  deliveries: number;
  /** Holders of the supply: warehouse stock and expected deliveries per organisation. */
  suppliers: { organisationId: number; stock: number; deliveries: number }[];
}

/** Round a picture figure to 6 decimals (the picture keeps shares to a millionth, SHARE_DECIMALS). */
const r6 = (x: number): number => Math.round(x * 1e6) / 1e6;

export async function buildAllocationInput(db: Db, req: AllocationRequest): Promise<BuiltAllocationInput> {
  const state = await findPictureState(db);
  if (!state) throw AppError.conflict('the picture has not been computed yet: no allocation can be made');
  const today = state.today;
  if (req.kind === 'package' && !/^[1-9]\d{0,15}$/.test(req.ref)) {
    throw AppError.invalid(`item: package id ${req.ref} is not a positive whole number`, [
      { field: 'ref', value: req.ref, expected: 'a package id', message: 'not a package id' },
    ]);
  }
  const item = await findItem(db, req.kind, req.ref, NATIONAL_AREA);
  if (!item) throw AppError.notFound(`${req.kind} ${req.ref} in the picture`);

  const members =
    req.kind === 'package'
      ? [{ package_id: Number(req.ref), factor: 1 }]
      : (
          await sql<{ package_id: number; factor: number }>`
            SELECT package_id, pack_size AS factor FROM picture_product WHERE group_key = ${req.ref}`.execute(
            db,
          )
        ).rows.map((m) => ({ package_id: Number(m.package_id), factor: Number(m.factor) }));
  const factorOf = new Map(members.map((m) => [m.package_id, m.factor]));
  const ids = members.map((m) => m.package_id);

  const [areas, wholesale, deliveries, regions, warehouseStock] = await Promise.all([
    areaFigures(db, req.kind, req.ref),
    wholesaleFigures(db, req.kind, req.ref),
    deliveriesOf(db, ids, today),
    db.selectFrom('region').select(['code', 'name']).orderBy('code').execute(),
    sql<{ organisation_id: number; package_id: number; quantity: number }>`
      SELECT l.organisation_id, s.package_id, sum(s.quantity) AS quantity
      FROM current_stock s JOIN location l ON l.id = s.location_id
      WHERE l.kind = 'wholesaler_warehouse' AND s.package_id = ANY(${ids}::bigint[]) AND s.quantity > 0
      GROUP BY l.organisation_id, s.package_id`.execute(db),
  ]);

  // Deliveries within the horizon to a warehouse (or to no location): the supply to share.
  const horizonEnd = addDays(today, req.horizonDays);
  const locationIds = [...new Set(deliveries.map((d) => d.location_id).filter((x) => x !== null))];
  const locations =
    locationIds.length === 0
      ? []
      : await db
          .selectFrom('location')
          .select(['id', 'kind', 'organisation_id'])
          .where('id', 'in', locationIds)
          .execute();
  const locationById = new Map(locations.map((l) => [Number(l.id), l]));
  const supplierMap = new Map<number, { organisationId: number; stock: number; deliveries: number }>();
  const supplier = (organisationId: number) => {
    let s = supplierMap.get(organisationId);
    if (!s) supplierMap.set(organisationId, (s = { organisationId, stock: 0, deliveries: 0 }));
    return s;
  };
  let deliveryTotal = 0;
  for (const d of deliveries) {
    if (d.reserve || d.expected_on >= horizonEnd) continue;
    const loc = d.location_id === null ? undefined : locationById.get(Number(d.location_id));
    if (loc && loc.kind !== 'wholesaler_warehouse') continue;
    const q = Number(d.quantity) * (factorOf.get(Number(d.package_id)) ?? 1);
    deliveryTotal += q;
    supplier(loc ? Number(loc.organisation_id) : Number(d.organisation_id)).deliveries += q;
  }
  for (const w of warehouseStock.rows) {
    supplier(Number(w.organisation_id)).stock +=
      Number(w.quantity) * (factorOf.get(Number(w.package_id)) ?? 1);
  }

  const wholesaleStock = r6(wholesale.get(NATIONAL_AREA)?.held.usable ?? 0);
  const byArea = new Map(areas.map((a) => [a.area_code, a]));
  const limits = (key: string, kind: RecipientKind, demand: number, stock: number) => {
    const need = Math.max(0, Math.ceil(r6(demand * req.horizonDays - stock)));
    const cap = req.caps?.[key];
    const upperBound = cap === undefined ? need : Math.min(need, cap);
    return {
      tier: req.tiers?.[key] ?? req.tiers?.[kind] ?? DEFAULT_TIER_BY_RECIPIENT_KIND[kind],
      upperBound,
      minimum: Math.min(req.minimums?.[key] ?? 0, upperBound),
    };
  };
  const recipients: BuiltRecipient[] =
    req.level === 'location'
      ? await locationRecipients(db, state, ids, factorOf, limits)
      : regions.map((region) => {
          const code = region.code;
          const a = byArea.get(code);
          const demand = r6(Number(a?.demand_per_day ?? 0));
          const share = wholesale.get(code)?.share.usable ?? 0;
          const stock = r6(Math.max(0, Number(a?.usable_stock ?? 0) - share));
          return {
            key: code,
            kind: 'region',
            demandPerDay: demand,
            stock,
            ...limits(code, 'region', demand, stock),
            name: region.name,
            regionCode: code,
            locationId: null,
          };
        });
  return {
    available: Math.floor(r6(wholesaleStock + deliveryTotal)),
    recipients,
    itemName: item.name,
    unit: req.kind === 'package' ? 'förp' : item.unit,
    today,
    wholesaleStock,
    deliveries: r6(deliveryTotal),
    suppliers: [...supplierMap.values()].map((s) => ({
      ...s,
      stock: r6(s.stock),
      deliveries: r6(s.deliveries),
    })),
  };
}

const LOCATION_RECIPIENT_KINDS = ['hospital_pharmacy', 'dose_pharmacy', 'community_pharmacy'] as const;

/**
 * The pharmacies as recipients: each open hospital, dose or community pharmacy the picture measures for
 * the item, also one that holds none of it (`locationCoverage` with `includeEmpty`), with the picture's
 * own demand (own sales, or a community pharmacy's share of its region's) and usable stock, in units
 * for a group. A pharmacy without a demand basis counts no demand (it gets only its minimum); one with
 * neither stock nor demand is left out.
 */
async function locationRecipients(
  db: Db,
  state: PictureState,
  packageIds: readonly number[],
  factorOf: ReadonlyMap<number, number>,
  limits: (
    key: string,
    kind: RecipientKind,
    demand: number,
    stock: number,
  ) => { tier: number; upperBound: number; minimum: number },
): Promise<BuiltRecipient[]> {
  const locations: LocationRow[] = (
    await db
      .selectFrom('location')
      .innerJoin('organisation as o', 'o.id', 'location.organisation_id')
      .leftJoin('municipality as mu', 'mu.code', 'location.municipality_code')
      .where('location.kind', 'in', [...LOCATION_RECIPIENT_KINDS])
      .where('location.closed_on', 'is', null)
      .select([
        'location.id',
        'location.code',
        'location.name',
        'location.kind',
        'location.organisation_id',
        'o.name as organisation_name',
        'location.region_code',
        'location.municipality_code',
        'mu.name as municipality_name',
      ])
      .orderBy('location.region_code')
      .orderBy('location.kind')
      .orderBy('location.name')
      .orderBy('location.id')
      .execute()
  ).map((l) => ({ ...l, id: Number(l.id), organisation_id: Number(l.organisation_id) }));
  // Every pharmacy, also one that holds none and sells none (its share of its region's demand): the
  // empty ones are those that need it most.
  const coverage = await locationCoverage(db, state, locations, packageIds, { includeEmpty: true });
  const sum = new Map<number, { demand: number; stock: number }>();
  for (const c of coverage) {
    const f = factorOf.get(c.packageId) ?? 1;
    const s = sum.get(c.locationId) ?? { demand: 0, stock: 0 };
    s.demand += (c.demandPerDay ?? 0) * f;
    s.stock += Math.max(0, c.usableStock) * f;
    sum.set(c.locationId, s);
  }
  return locations.flatMap((l) => {
    const s = sum.get(l.id);
    // Neither stock nor a demand: nothing to raise and nothing to count.
    if (!s || (s.demand === 0 && s.stock === 0)) return [];
    const kind = l.kind as RecipientKind;
    const demand = r6(s.demand);
    const stock = r6(s.stock);
    return [
      {
        key: String(l.id),
        kind,
        demandPerDay: demand,
        stock,
        ...limits(String(l.id), kind, demand, stock),
        name: l.name,
        regionCode: l.region_code,
        locationId: l.id,
      },
    ];
  });
}
