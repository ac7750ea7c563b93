import type { FastifyReply } from 'fastify';
import { classOfAnswer, type Principal } from '../../domain/access.js';
import type { RiskClass } from '../../domain/risk.js';
import { SUPPLY_TIER_NAMES_SV, type SupplyTier } from '../../domain/supply-tier.js';
import type { Db } from '../../store/database.js';
import type { ItemDto } from './dto.js';
import {
  CSV_TYPE,
  fileName,
  toCsv,
  toXlsx,
  XLSX_TYPE,
  type ExportColumn,
  type ExportTable,
} from './export.js';
import {
  itemsPage,
  mapPage,
  productPage,
  regionFiguresForbidden,
  regionPage,
  type ItemsQuery,
} from './pages.js';
import { calendarDateInSweden } from '../../domain/calendar.js';
import { outOfStockWithDeliveries, stockFigure, type StockStatus } from '../../domain/stock-status.js';

/** The picture's tables as exports (CSV, XLSX) with Swedish headers (issue 4 item 6). */

export const RISK_NAMES_SV: Readonly<Record<RiskClass, string>> = {
  critical: 'Kritisk',
  low: 'Låg',
  adequate: 'Tillräcklig',
  no_demand: 'Ingen efterfrågan',
};

const BASIS_NAMES_SV: Readonly<Record<string, string>> = {
  recent: 'senaste 28 dagarna',
  seasonal: 'samma säsong i fjol',
  baseline: 'senaste 12 månaderna',
  no_sales: 'ingen försäljning',
  sum_of_regions: 'summa av regionerna',
  own_sales: 'egen försäljning',
  region_share: 'andel av regionens efterfrågan',
  no_basis: 'inget underlag',
};

/** The reserve row of the tier table: kept apart from everyday stock (src/domain/reserve.ts). */
export const RESERVE_NAME_SV = 'Reserv (beredskapslager och lagernivå 3–4), dagar den skulle tillföra';

/** "Slut i lager" in place of a run-out date when nothing usable is held. */
const runsOutSv = (on: string | null, status: StockStatus): string | null =>
  status === 'out_of_stock' ? 'Slut i lager' : on;

const tierSv = (tier: SupplyTier | null): string | null =>
  tier === null ? null : SUPPLY_TIER_NAMES_SV[tier];

export async function sendExport<R>(reply: FastifyReply, table: ExportTable<R>, format: 'csv' | 'xlsx') {
  const name = fileName(table, format);
  reply.header('content-disposition', `attachment; filename="${name}"`);
  reply.header('x-information-class', table.classification);
  if (format === 'csv') return reply.type(CSV_TYPE).send(toCsv(table));
  return reply.type(XLSX_TYPE).send(await toXlsx(table));
}

/**
 * How a package is known outside beredskap: NPL pack id (nplpackid), Nordic article number
 * (varunummer), GTIN, and the company that sells it (issue 10 item 8). Public catalogue data.
 */
export interface PackageIdentity {
  nplPackId: string;
  nordicArticleNumber: string | null;
  gtin: string | null;
  company: string;
}

/** The identities of these packages, by package id (one query). */
export async function packageIdentities(
  db: Db,
  packageIds: readonly (number | null)[],
): Promise<Map<number, PackageIdentity>> {
  const ids = [...new Set(packageIds.filter((id): id is number => id !== null))];
  const out = new Map<number, PackageIdentity>();
  // Chunks keep the bind parameters of one statement well below PGlite's limit.
  for (let i = 0; i < ids.length; i += 10_000) {
    const rows = await db
      .selectFrom('package as p')
      .innerJoin('organisation as o', 'o.id', 'p.company_id')
      .select(['p.id', 'p.npl_pack_id', 'p.nordic_article_number', 'p.gtin', 'o.name as company'])
      .where('p.id', 'in', ids.slice(i, i + 10_000))
      .execute();
    for (const r of rows)
      out.set(Number(r.id), {
        nplPackId: r.npl_pack_id,
        nordicArticleNumber: r.nordic_article_number,
        gtin: r.gtin,
        company: r.company,
      });
  }
  return out;
}

/** The identity columns of a row that may be a package (empty for a group). */
function identityColumns<R>(identity: (row: R) => PackageIdentity | null): ExportColumn<R>[] {
  return [
    { header: 'NPL-förpacknings-id (nplpackid)', value: (r) => identity(r)?.nplPackId ?? null },
    { header: 'Varunummer', value: (r) => identity(r)?.nordicArticleNumber ?? null },
    { header: 'GTIN', value: (r) => identity(r)?.gtin ?? null },
    { header: 'Företag', value: (r) => identity(r)?.company ?? null },
  ];
}

/** An item of the picture with its package's identity (null for a group). */
export type ItemRow = ItemDto & { identity: PackageIdentity | null };

export const ITEM_COLUMNS: readonly ExportColumn<ItemRow>[] = [
  { header: 'Typ', value: (i) => (i.kind === 'package' ? 'Förpackning' : 'Grupp') },
  { header: 'Id', value: (i) => i.ref },
  ...identityColumns<ItemRow>((i) => i.identity),
  { header: 'Namn', value: (i) => i.name },
  { header: 'Förpackning', value: (i) => i.pack },
  { header: 'Substans', value: (i) => i.substance },
  { header: 'Styrka', value: (i) => i.strength },
  { header: 'Beredningsform', value: (i) => i.form },
  { header: 'ATC-kod', value: (i) => i.atcCode },
  { header: 'Område', value: (i) => i.area.name },
  { header: 'Led', value: (i) => tierSv(i.tier) ?? 'Alla led' },
  { header: 'Enhet', value: (i) => i.unit },
  { header: 'Lager totalt', value: (i) => stockFigure(i.stock.total), stock: true },
  { header: 'Användbart lager', value: (i) => stockFigure(i.stock.usable), stock: true },
  { header: 'Efterfrågan per dag', value: (i) => i.demand.perDay, decimals: 2 },
  { header: 'Grund för efterfrågan', value: (i) => BASIS_NAMES_SV[i.demand.basis] ?? i.demand.basis },
  { header: 'Täckning (dagar)', value: (i) => i.coverageDays, decimals: 1 },
  { header: 'Tar slut', value: (i) => runsOutSv(i.runsOutOn, i.stockStatus), date: true },
  {
    header: 'Tar slut med leveranser',
    date: true,
    value: (i) =>
      outOfStockWithDeliveries(i.stockStatus, i.runsOutOn, i.runsOutWithDeliveriesOn)
        ? 'Slut i lager'
        : i.runsOutWithDeliveriesOn,
  },
  { header: 'Inkommande', value: (i) => i.incoming, decimals: 0 },
  { header: 'Riskklass', value: (i) => RISK_NAMES_SV[i.riskClass] },
  { header: 'Prioriterad', value: (i) => i.flags.prioritised },
  { header: 'Aktiv restanmälan', value: (i) => i.flags.activeNotice },
  { header: 'Möjlig kritisk brist', value: (i) => i.flags.possibleCriticalShortage },
];

export async function itemsTable(
  db: Db,
  principal: Principal,
  query: Omit<ItemsQuery, 'reasons'>,
): Promise<ExportTable<ItemRow>> {
  const page = await itemsPage(db, principal, query);
  const identities = await packageIdentities(
    db,
    page.items.map((i) => i.packageId),
  );
  const area = query.level === 'national' ? 'Hela landet' : (page.items[0]?.area.name ?? 'Regionerna');
  const scope = [
    query.level === 'region' && query.region === undefined ? 'Alla regioner' : area,
    query.tier ? SUPPLY_TIER_NAMES_SV[query.tier] : null,
    query.group === true ? 'grupper av utbytbara förpackningar' : null,
  ]
    .filter((s) => s !== null)
    .join(', ');
  return {
    name: 'lagesbild-artiklar',
    title: 'Lägesbild läkemedel: artiklar',
    classification: page.classification.code,
    today: page.asOf.today,
    scope,
    columns: ITEM_COLUMNS,
    rows: page.items.map((i) => ({
      ...i,
      identity: i.packageId === null ? null : (identities.get(i.packageId) ?? null),
    })),
  };
}

type MapRow = Awaited<ReturnType<typeof mapPage>>['regions'][number];

export async function mapTable(
  db: Db,
  principal: Principal,
  query: { package?: number | undefined; group?: string | undefined },
): Promise<ExportTable<MapRow>> {
  const page = await mapPage(db, principal, query);
  return {
    name: 'lagesbild-karta',
    title: `Lägesbild per region: ${page.item.name}`,
    classification: page.classification.code,
    today: page.asOf.today,
    scope: 'Hela landet och regionerna',
    columns: [
      { header: 'Områdeskod', value: (r) => r.area.code },
      { header: 'Område', value: (r) => r.area.name },
      { header: 'Lager totalt', value: (r) => stockFigure(r.stock.total), stock: true },
      { header: 'Användbart lager', value: (r) => stockFigure(r.stock.usable), stock: true },
      { header: 'Efterfrågan per dag', value: (r) => r.demandPerDay, decimals: 2 },
      { header: 'Täckning (dagar)', value: (r) => r.coverageDays, decimals: 1 },
      { header: 'Tar slut', value: (r) => runsOutSv(r.runsOutOn, r.stockStatus), date: true },
      {
        header: 'Partihandel: lager i området',
        value: (r) => stockFigure(r.wholesale.held.usable),
        stock: true,
      },
      {
        header: 'Partihandel: områdets andel av lager som försörjer det',
        value: (r) => stockFigure(r.wholesale.share.usable),
        stock: true,
      },
      { header: 'Riskklass', value: (r) => RISK_NAMES_SV[r.riskClass] },
    ],
    rows: [page.national, ...page.regions],
  };
}

export const PRODUCT_TABLES = [
  'tiers',
  'regions',
  'sales',
  'stock-history',
  'alternatives',
  'deliveries',
  'notices',
] as const;
export type ProductTable = (typeof PRODUCT_TABLES)[number];

type Cell = string | number | boolean | null;
type Row = Record<string, Cell>;

export async function productTable(
  db: Db,
  principal: Principal,
  id: number,
  table: ProductTable,
  region: string | undefined,
): Promise<ExportTable<Row>> {
  const page = await productPage(db, principal, id, { region });
  // Only the tiers (with the reserve row) and the deliveries (with those to preparedness stocks) carry
  // the reserve: the other tables are aggregates, and are classed as such.
  const carriesReserve = table === 'tiers' || table === 'deliveries';
  const base = {
    name: `lagesbild-${page.product.nplPackId}-${table}`,
    classification: carriesReserve
      ? page.classification.code
      : classOfAnswer({ aggregates: true, locationDetail: false }),
    today: page.asOf.today,
    scope: page.area.name,
  };
  const title = (what: string) => `${what}: ${page.product.name} ${page.product.pack}`;
  const col = (header: string, k: string, decimals?: number): ExportColumn<Row> => ({
    header,
    value: (r) => r[k] ?? null,
    ...(decimals !== undefined ? { decimals } : {}),
  });
  const stockCol = (header: string, k: string): ExportColumn<Row> => ({ ...col(header, k), stock: true });
  const dateCol = (header: string, k: string): ExportColumn<Row> => ({ ...col(header, k), date: true });
  switch (table) {
    case 'tiers':
      return {
        ...base,
        title: title('Lager per led'),
        columns: [
          col('Led', 'tier'),
          col('Räknas i områdets lager', 'counted'),
          stockCol('Lager totalt', 'total'),
          stockCol('Användbart lager', 'usable'),
          col('Platser', 'locations'),
          col('Täckning (dagar)', 'coverage', 1),
          col('Riskklass', 'risk'),
        ],
        rows: [
          ...page.stockByTier.map((t) => ({
            tier: t.tierName,
            counted: t.counted,
            total: stockFigure(t.stock.total),
            usable: stockFigure(t.stock.usable),
            locations: t.locations,
            coverage: t.coverageDays,
            risk: RISK_NAMES_SV[t.riskClass],
          })),
          ...(page.reserve === null
            ? []
            : [
                {
                  tier: RESERVE_NAME_SV,
                  counted: false,
                  total: stockFigure(page.reserve.stock.total),
                  usable: stockFigure(page.reserve.stock.usable),
                  locations: page.reserve.locations,
                  coverage: page.reserve.daysAdded,
                  risk: null,
                },
              ]),
        ],
      };
    case 'regions':
      // The product page withholds its figures per region (null) from those who may not see them: the
      // export refuses as the per-region route does, rather than send an empty table (issue 11 item 9).
      if (page.stockByRegion === null) throw regionFiguresForbidden(principal);
      return {
        ...base,
        title: title('Lager per region'),
        columns: [
          col('Region', 'region'),
          stockCol('Lager totalt', 'total'),
          stockCol('Användbart lager', 'usable'),
          col('Efterfrågan per dag', 'demand', 2),
          col('Täckning (dagar)', 'coverage', 1),
          dateCol('Tar slut', 'runsOut'),
          col('Riskklass', 'risk'),
        ],
        rows: page.stockByRegion.map((r) => ({
          region: r.area.name,
          total: stockFigure(r.stock.total),
          usable: stockFigure(r.stock.usable),
          demand: r.demandPerDay,
          coverage: r.coverageDays,
          runsOut: runsOutSv(r.runsOutOn, r.stockStatus),
          risk: RISK_NAMES_SV[r.riskClass],
        })),
      };
    case 'sales':
      return {
        ...base,
        scope: 'Hela landet',
        title: title('Försäljning per månad'),
        columns: [col('Månad', 'month'), col('Förpackningar', 'quantity', 0)],
        rows: page.salesByMonth.map((m) => ({ month: m.month, quantity: m.quantity })),
      };
    case 'stock-history':
      return {
        ...base,
        scope: 'Hela landet',
        title: title('Lager över tid'),
        columns: [
          dateCol('Datum', 'date'),
          stockCol('Lager totalt', 'total'),
          stockCol('Användbart lager', 'usable'),
        ],
        rows: page.stockHistory.map((h) => ({
          date: h.date,
          total: stockFigure(h.total),
          usable: stockFigure(h.usable),
        })),
      };
    case 'alternatives': {
      const alternativeIds = await packageIdentities(
        db,
        page.alternatives.map((a) => a.item.packageId),
      );
      return {
        ...base,
        title: title('Alternativ'),
        columns: [
          col('Relation', 'relation'),
          col('Id', 'id'),
          col('NPL-förpacknings-id (nplpackid)', 'nplPackId'),
          col('Varunummer', 'nordicArticleNumber'),
          col('GTIN', 'gtin'),
          col('Företag', 'company'),
          col('Namn', 'name'),
          col('Förpackning', 'pack'),
          stockCol('Användbart lager', 'usable'),
          col('Täckning (dagar)', 'coverage', 1),
          col('Riskklass', 'risk'),
        ],
        rows: page.alternatives.map((a) => ({
          relation: {
            same_group: 'utbytbar (samma grupp)',
            recorded: 'utbytbar (registrerad av myndighet)',
            same_substance: 'möjligt terapeutiskt alternativ: samma substans',
            same_atc4: 'möjligt terapeutiskt alternativ: samma ATC-grupp',
          }[a.relation],
          id: a.item.ref,
          ...identityCells(a.item.packageId === null ? null : (alternativeIds.get(a.item.packageId) ?? null)),
          name: a.item.name,
          pack: a.item.pack,
          usable: stockFigure(a.item.stock.usable),
          coverage: a.item.coverageDays,
          risk: RISK_NAMES_SV[a.item.riskClass],
        })),
      };
    }
    case 'deliveries':
      return {
        ...base,
        title: title('Förväntade leveranser'),
        columns: [
          dateCol('Datum', 'date'),
          col('Förpackningar', 'quantity', 0),
          col('Region', 'region'),
          col('Leverantör', 'supplier'),
          col('Till reserven', 'reserve'),
        ],
        rows: page.deliveries.map((d) => ({
          date: d.expectedOn,
          quantity: d.quantity,
          region: d.regionCode,
          supplier: d.organisation?.name ?? null,
          reserve: d.reserve,
        })),
      };
    case 'notices':
      return {
        ...base,
        title: title('Restanmälningar och försäljningsuppehåll'),
        columns: [
          col('Typ', 'kind'),
          dateCol('Anmäld', 'notified'),
          dateCol('Från', 'start'),
          dateCol('Till', 'end'),
          col('Orsak', 'reason'),
          col('Sen anmälan', 'late'),
        ],
        rows: page.notices.map((n) => ({
          kind: n.kind === 'shortage' ? 'Restanmälan' : 'Försäljningsuppehåll',
          // The day in Sweden, not in UTC (a notice at 00:30 Swedish time is of that day).
          notified: calendarDateInSweden(new Date(n.notifiedAt)),
          start: n.expectedStart,
          end: n.expectedEnd,
          reason: n.reason,
          late: n.late,
        })),
      };
  }
}

function identityCells(identity: PackageIdentity | null): Row {
  return {
    nplPackId: identity?.nplPackId ?? null,
    nordicArticleNumber: identity?.nordicArticleNumber ?? null,
    gtin: identity?.gtin ?? null,
    company: identity?.company ?? null,
  };
}

type RegionRow = Awaited<ReturnType<typeof regionPage>>['locations'][number];

export async function regionTable(
  db: Db,
  principal: Principal,
  code: string,
): Promise<ExportTable<RegionRow>> {
  const page = await regionPage(db, principal, code);
  return {
    name: `lagesbild-region-${code}`,
    title: `Lägesbild ${page.region.name}: platser och prioriterade läkemedel`,
    classification: page.classification.code,
    today: page.asOf.today,
    scope: page.region.name,
    columns: [
      { header: 'Kod', value: (r) => r.location.code },
      { header: 'Namn', value: (r) => r.location.name },
      { header: 'Led', value: (r) => SUPPLY_TIER_NAMES_SV[r.location.tier] },
      { header: 'Kommun', value: (r) => r.location.municipality?.name ?? null },
      { header: 'Organisation', value: (r) => r.location.organisation.name },
      { header: 'Prioriterade i lager', value: (r) => r.prioritised?.held ?? null },
      {
        header: `Under ${page.asOf.thresholds.criticalBelowDays} dagar`,
        value: (r) => r.prioritised?.belowCritical ?? null,
      },
      {
        header: `Under ${page.asOf.thresholds.lowBelowDays} dagar`,
        value: (r) => r.prioritised?.belowLow ?? null,
      },
      {
        header: 'Mätt mot',
        value: (r) => (r.prioritised === null ? null : (BASIS_NAMES_SV[r.prioritised.demandBasis] ?? null)),
      },
    ],
    rows: page.locations,
  };
}
