import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { MUNICIPALITIES } from '../../../data/sweden.js';
import {
  classOfAnswer,
  mayListLocation,
  maySeePackage,
  pictureScopeOf,
  type Principal,
} from '../../domain/access.js';
import { straightLineKm, type GeoPoint } from '../../domain/distance.js';
import { AppError } from '../../domain/errors.js';
import { isReserveLocationKind } from '../../domain/reserve.js';
import { SUPPLY_TIER_NAMES_SV } from '../../domain/supply-tier.js';
import type { Db } from '../../store/database.js';
import {
  findPictureProduct,
  groupMembers,
  locationCoverage,
  type LocationItemCoverage,
} from '../../store/picture/repository.js';
import { holdingLocations, type HoldingLocationRow } from '../../store/picture/where.js';
import { PageQuery, StringEnum } from '../common.js';
import {
  AsOf,
  Classification,
  classification,
  LocationRef,
  RiskClassSchema,
  StockStatusSchema,
  toAsOf,
} from './dto.js';
import type { ExportTable } from './export.js';
import { requireState, toLocationRef } from './pages.js';

/*
 * "Where is it?" (issue 10 item 1): every location holding a package or a group that the caller may
 * see in detail, with its quantity, lots, owner, the days it covers at the location's own demand and
 * the straight-line distance from a chosen municipality or location; sortable, paged and exported.
 */

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const WHERE_SORTS = ['distance', 'stock', 'coverage', 'name'] as const;
export type WhereSort = (typeof WHERE_SORTS)[number];

const WhereItemQuery = Type.Object({
  package: Type.Optional(Type.Integer({ minimum: 1, description: 'a package id' })),
  group: Type.Optional(Type.String({ maxLength: 300, description: 'a group key (instead of package)' })),
  near: Type.Optional(
    Type.String({ pattern: '^[0-9]{4}$', description: 'measure distance from this municipality (SCB code)' }),
  ),
  nearLocation: Type.Optional(
    Type.Integer({ minimum: 1, description: 'measure distance from this location (id; instead of near)' }),
  ),
  region: Type.Optional(
    Type.String({ pattern: '^[0-9]{2}$', description: 'only locations in this region, e.g. 12' }),
  ),
  sort: Type.Optional(
    StringEnum(WHERE_SORTS, {
      description:
        'distance (nearest first; default with near or nearLocation), stock (most usable first; the default otherwise), coverage (most days first), name',
    }),
  ),
});
export const WhereQuery = Type.Object({ ...PageQuery.properties, ...WhereItemQuery.properties });
/** The export takes the same filters, without paging. */
export const WhereExportQuery = WhereItemQuery;
export type WhereQuery = Static<typeof WhereItemQuery> & { limit: number; offset: number };

const DemandBasisSchema = StringEnum(['own_sales', 'region_share', 'no_basis'] as const, {
  description: 'what the location’s coverage is measured against (docs/lagesbild.md, "Locations")',
});

export const WhereRowDto = Type.Object({
  location: LocationRef,
  package: Type.Object({ id: Type.Integer(), name: Type.String(), pack: Type.String() }),
  stock: Type.Object(
    { total: Type.Number(), usable: Type.Number() },
    {
      description:
        'everyday stock here, packages (at a preparedness stock, where all is reserve: its reserve)',
    },
  ),
  lots: Type.Array(
    Type.Object({ expiry: Nullable(Type.String({ format: 'date' })), quantity: Type.Number() }),
    { description: 'that stock by expiry, earliest first' },
  ),
  reserve: Nullable(
    Type.Object(
      { total: Type.Number(), usable: Type.Number(), daysAdded: Nullable(Type.Number()) },
      { description: 'reserve held here (level 3 or 4): only for those who see the reserve' },
    ),
  ),
  demandPerDay: Nullable(Type.Number({ description: 'the location’s own demand; null: no basis' })),
  demandBasis: DemandBasisSchema,
  coverageDays: Nullable(Type.Number({ description: 'days the stock covers at the location’s own demand' })),
  runsOutOn: Nullable(Type.String({ format: 'date' })),
  stockStatus: StockStatusSchema,
  riskClass: Nullable(RiskClassSchema),
  distanceKm: Nullable(
    Type.Number({
      description: 'straight-line km from the chosen place (null without one, or without coordinates)',
    }),
  ),
});
export type WhereRowDto = Static<typeof WhereRowDto>;

export const WherePageDto = Type.Object({
  classification: Classification,
  asOf: AsOf,
  item: Type.Object({
    kind: StringEnum(['package', 'group'] as const),
    ref: Type.String(),
    name: Type.String(),
  }),
  origin: Nullable(
    Type.Object(
      {
        kind: StringEnum(['municipality', 'location'] as const),
        code: Type.String(),
        name: Type.String(),
        located: Type.Boolean({ description: 'whether its place is known (else no distances)' }),
      },
      { description: 'where distances are measured from' },
    ),
  ),
  sort: StringEnum(WHERE_SORTS),
  items: Type.Array(WhereRowDto),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
});

/** The municipal seats (data/sweden.ts), the place of a municipality and of a location without its own. */
const SEATS: ReadonlyMap<string, GeoPoint> = new Map(
  MUNICIPALITIES.map((m) => [m.code, { latitude: m.latitude, longitude: m.longitude }]),
);

/** A location's place: its own coordinates, else its municipality's seat, else unknown. */
export function placeOf(l: {
  latitude: number | null;
  longitude: number | null;
  municipality_code: string | null;
}): GeoPoint | null {
  if (l.latitude !== null && l.longitude !== null) return { latitude: l.latitude, longitude: l.longitude };
  return l.municipality_code === null ? null : (SEATS.get(l.municipality_code) ?? null);
}

interface Origin {
  kind: 'municipality' | 'location';
  code: string;
  name: string;
  place: GeoPoint | null;
}

async function originOf(db: Db, principal: Principal, query: WhereQuery): Promise<Origin | null> {
  if (query.near !== undefined && query.nearLocation !== undefined) {
    throw AppError.invalid('measure from a municipality (near) or a location (nearLocation), not both', [
      {
        field: 'nearLocation',
        value: query.nearLocation,
        expected: 'absent when near is given',
        message: 'both given',
      },
    ]);
  }
  if (query.near !== undefined) {
    const m = await db
      .selectFrom('municipality')
      .select(['code', 'name'])
      .where('code', '=', query.near)
      .executeTakeFirst();
    if (!m) {
      throw AppError.invalid(`near: municipality ${query.near} is not known`, [
        {
          field: 'near',
          value: query.near,
          expected: 'an SCB municipality code, e.g. 1280',
          message: 'unknown municipality',
        },
      ]);
    }
    return { kind: 'municipality', code: m.code, name: m.name, place: SEATS.get(m.code) ?? null };
  }
  if (query.nearLocation !== undefined) {
    const l = await db
      .selectFrom('location')
      .select([
        'code',
        'name',
        'kind',
        'organisation_id',
        'region_code',
        'municipality_code',
        'latitude',
        'longitude',
      ])
      .where('id', '=', query.nearLocation)
      .executeTakeFirst();
    // A location whose existence the caller may not know answers as an unknown one.
    if (
      !l ||
      !mayListLocation(principal, {
        kind: l.kind,
        organisationId: l.organisation_id,
        regionCode: l.region_code,
      })
    ) {
      throw AppError.invalid(`nearLocation: location ${query.nearLocation} is not known`, [
        {
          field: 'nearLocation',
          value: query.nearLocation,
          expected: 'a location id',
          message: 'unknown location',
        },
      ]);
    }
    const place = placeOf({
      latitude: l.latitude === null ? null : Number(l.latitude),
      longitude: l.longitude === null ? null : Number(l.longitude),
      municipality_code: l.municipality_code,
    });
    return { kind: 'location', code: l.code, name: l.name, place };
  }
  return null;
}

/** The item asked for and its packages, within what the caller may see. */
async function itemOf(db: Db, principal: Principal, query: WhereQuery) {
  const scope = pictureScopeOf(principal);
  if (query.package !== undefined && query.group !== undefined) {
    throw AppError.invalid('name a package or a group, not both', [
      { field: 'group', value: query.group, expected: 'absent when package is given', message: 'both given' },
    ]);
  }
  if (query.package !== undefined) {
    const p = await findPictureProduct(db, query.package);
    if (!p || !maySeePackage(principal, { companyId: p.company_id }))
      throw AppError.notFound(`package ${query.package}`);
    return {
      kind: 'package' as const,
      ref: String(p.id),
      name: `${p.name} ${p.description}`,
      packages: new Map([[p.id, { name: p.name, pack: p.description }]]),
    };
  }
  if (query.group !== undefined) {
    if (!scope.groups) {
      throw AppError.forbidden('groups mix several companies’ packages: a company sees its own packages');
    }
    const members = await groupMembers(db, query.group, scope);
    if (members.length === 0) throw AppError.notFound(`group ${query.group}`);
    const rows = await Promise.all(members.map((id) => findPictureProduct(db, id)));
    const found = rows.filter((r) => r !== undefined);
    const first = found[0];
    return {
      kind: 'group' as const,
      ref: query.group,
      name: first ? `${first.substance} ${first.strength} ${first.form}` : query.group,
      packages: new Map(found.map((p) => [p.id, { name: p.name, pack: p.description }])),
    };
  }
  throw AppError.invalid('name a package (package=ID) or a group (group=KEY)', [
    { field: 'package', expected: 'package=ID or group=KEY', message: 'no item named' },
  ]);
}

function compareBy(sort: WhereSort): (a: WhereRowDto, b: WhereRowDto) => number {
  // Unknowns (no distance, no coverage basis) go last; ties go to the most usable stock, then the code.
  const last = (x: number | null, dir: 1 | -1) => (x === null ? Infinity : dir * x);
  const tie = (a: WhereRowDto, b: WhereRowDto) =>
    b.stock.usable - a.stock.usable ||
    a.location.code.localeCompare(b.location.code) ||
    a.package.id - b.package.id;
  switch (sort) {
    case 'distance':
      return (a, b) => last(a.distanceKm, 1) - last(b.distanceKm, 1) || tie(a, b);
    case 'coverage':
      return (a, b) => last(a.coverageDays, -1) - last(b.coverageDays, -1) || tie(a, b);
    case 'stock':
      return tie;
    case 'name':
      return (a, b) => a.location.name.localeCompare(b.location.name, 'sv') || tie(a, b);
  }
}

function toRow(
  c: LocationItemCoverage,
  l: HoldingLocationRow,
  pkg: { name: string; pack: string },
  showReserve: boolean,
  origin: Origin | null,
): WhereRowDto {
  const place = placeOf(l);
  return {
    location: toLocationRef(l),
    package: { id: c.packageId, name: pkg.name, pack: pkg.pack },
    stock: { total: c.totalStock, usable: c.usableStock },
    lots: c.lots
      .filter((lot) => lot.quantity > 0)
      .sort((a, b) => (a.expiry ?? '9999').localeCompare(b.expiry ?? '9999'))
      .map((lot) => ({ expiry: lot.expiry, quantity: lot.quantity })),
    reserve:
      showReserve && c.reserveTotal > 0 && !isReserveLocationKind(l.kind)
        ? { total: c.reserveTotal, usable: c.reserveUsable, daysAdded: c.reserveDaysAdded }
        : null,
    demandPerDay: c.demandPerDay,
    demandBasis: c.basis,
    coverageDays: c.coverageDays,
    runsOutOn: c.runsOutOn,
    stockStatus: c.stockStatus,
    riskClass: c.riskClass,
    distanceKm: origin?.place && place ? Math.round(straightLineKm(origin.place, place) * 10) / 10 : null,
  };
}

export async function wherePage(db: Db, principal: Principal, query: WhereQuery) {
  const state = await requireState(db);
  const scope = pictureScopeOf(principal);
  const [item, origin] = await Promise.all([itemOf(db, principal, query), originOf(db, principal, query)]);
  const packageIds = [...item.packages.keys()];
  const locations = await holdingLocations(db, principal, packageIds, { region: query.region });
  const coverages = await locationCoverage(db, state, locations, packageIds);
  const locationOf = new Map(locations.map((l) => [l.id, l]));
  const rows: WhereRowDto[] = [];
  for (const c of coverages) {
    const l = locationOf.get(c.locationId);
    const pkg = item.packages.get(c.packageId);
    // Held here: everyday stock (or, at a preparedness stock, its reserve, for those who see it).
    // A location listed only for its sales, or only for reserve the caller may not see, is no row.
    if (!l || !pkg || !(c.totalStock > 0 || (scope.preparednessTier && c.reserveTotal > 0))) continue;
    rows.push(toRow(c, l, pkg, scope.preparednessTier, origin));
  }
  const sort: WhereSort = query.sort ?? (origin?.place ? 'distance' : 'stock');
  rows.sort(compareBy(sort));
  return {
    classification: classification(
      classOfAnswer({ aggregates: false, locationDetail: true, reserve: scope.preparednessTier }),
    ),
    asOf: toAsOf(state),
    item: { kind: item.kind, ref: item.ref, name: item.name },
    origin:
      origin === null
        ? null
        : { kind: origin.kind, code: origin.code, name: origin.name, located: origin.place !== null },
    sort,
    items: rows.slice(query.offset, query.offset + query.limit),
    total: rows.length,
    limit: query.limit,
    offset: query.offset,
  };
}

/** The export of the list: every row (up to 50,000), the same filters and order. */
export async function whereTable(
  db: Db,
  principal: Principal,
  query: Omit<WhereQuery, 'limit' | 'offset'>,
): Promise<ExportTable<WhereRowDto>> {
  const page = await wherePage(db, principal, { ...query, limit: 50_000, offset: 0 });
  const scope = [page.item.name, page.origin ? `avstånd från ${page.origin.name}` : null]
    .filter((s) => s !== null)
    .join(', ');
  return {
    name: 'lagesbild-var-finns-det',
    title: 'Lägesbild läkemedel: var finns det?',
    classification: page.classification.code,
    today: page.asOf.today,
    scope,
    columns: [
      { header: 'Platskod', value: (r) => r.location.code },
      { header: 'Plats', value: (r) => r.location.name },
      { header: 'Led', value: (r) => SUPPLY_TIER_NAMES_SV[r.location.tier] },
      { header: 'Ägare', value: (r) => r.location.organisation.name },
      { header: 'Kommun', value: (r) => r.location.municipality?.name ?? null },
      { header: 'Region', value: (r) => r.location.regionCode },
      { header: 'Förpackning', value: (r) => `${r.package.name} ${r.package.pack}` },
      { header: 'Lager', value: (r) => r.stock.total, decimals: 0 },
      { header: 'Användbart lager', value: (r) => r.stock.usable, decimals: 0 },
      {
        header: 'Batcher (utgång: antal)',
        value: (r) => r.lots.map((l) => `${l.expiry ?? 'okänd'}: ${l.quantity}`).join(', '),
      },
      { header: 'Efterfrågan per dag här', value: (r) => r.demandPerDay, decimals: 2 },
      { header: 'Täcker dagar här', value: (r) => r.coverageDays, decimals: 1 },
      { header: 'Avstånd (km, fågelvägen)', value: (r) => r.distanceKm, decimals: 1 },
      // The reserve column only for those who see the reserve (src/domain/access.ts).
      ...(pictureScopeOf(principal).preparednessTier
        ? [
            {
              header: 'Reserv här (nivå 3–4)',
              value: (r: WhereRowDto) => r.reserve?.total ?? null,
              decimals: 0,
            },
          ]
        : []),
    ],
    rows: page.items,
  };
}
