import { createHash } from 'node:crypto';
import { addDays, dayNumber } from '../src/domain/calendar.js';
import { hashToken } from '../src/domain/access.js';
import { buildActors, ORG } from './actors.js';
import { DEMO_PERSONAS } from './demo.js';
import {
  resolveOptions,
  sizesFor,
  type ApiTokenRow,
  type AppUserRow,
  type LocationModel,
  type LocationRow,
  type MedicineRow,
  type MunicipalityRow,
  type OrganisationRow,
  type PackageModel,
  type PackageRow,
  type ProductListItemRow,
  type ProductListRow,
  type RegionRow,
  type ReportRow,
  type ResolvedOptions,
  type SalesRow,
  type ShortageNoticeRow,
  type Sizes,
  type StockLineRow,
  type StockSnapshotRow,
  type SwedenOptions,
} from './model.js';
import { buildCatalogue, buildNotices, buildProductList, examplePackageRows } from './products.js';
import { Rng } from './random.js';
import { salesChunks, salesWindow, type Chunk, type SalesContext, type SalesWindow } from './sales.js';
import { planStock, stockLineChunks, type SnapshotPlan, type StockContext } from './stock.js';
import { MUNICIPALITIES, POPULATION_DATE, REGIONS } from './sweden.js';

export * from './model.js';
export { DEMO_PERSONAS, type DemoPersona } from './demo.js';
export type { Chunk, SalesWindow } from './sales.js';

/**
 * Synthetic Sweden: every table's rows, with the two big ones (sales, stock lines) as streams that
 * are generated chunk by chunk when iterated, so that large scales never sit in memory.
 */
export interface SwedenData {
  options: ResolvedOptions;
  sizes: Sizes;
  regions: RegionRow[];
  municipalities: MunicipalityRow[];
  organisations: OrganisationRow[];
  locations: LocationRow[];
  medicines: MedicineRow[];
  packages: PackageRow[];
  productLists: ProductListRow[];
  productListItems: ProductListItemRow[];
  appUsers: AppUserRow[];
  apiTokens: ApiTokenRow[];
  /** The one report every generated fact belongs to (kind 'synthetic', format 'generator'). */
  reports: ReportRow[];
  stockSnapshots: StockSnapshotRow[];
  shortageNotices: ShortageNoticeRow[];
  salesWindow: SalesWindow;
  /** Sales rows in chunks, ordered by region and period; `done`/`total` count (region, period) steps. */
  sales(chunkRows?: number): Generator<Chunk<SalesRow>>;
  /** Stock lines in chunks, snapshot by snapshot; `done`/`total` count snapshots. */
  stockLines(chunkRows?: number): Generator<Chunk<StockLineRow>>;
  /** Demand behind each generated package (for tests and for tuning); the examples' packages have none. */
  packageModels: readonly PackageModel[];
  locationModels: readonly LocationModel[];
}

/** Version of the generator's output; part of the report's checksum. */
export const GENERATOR_VERSION = 'synthetic-sweden/1';

/** Builds synthetic Sweden. Same options, same data, to the last row. */
export function generateSweden(options: SwedenOptions = {}): SwedenData {
  const o = resolveOptions(options);
  const sizes = sizesFor(o.scale);
  const today = dayNumber(o.today);

  const regions: RegionRow[] = REGIONS.map((r) => ({
    code: r.code,
    name: r.name,
    population: r.population,
    population_date: POPULATION_DATE,
    civil_area: r.civilArea,
  }));
  const municipalities: MunicipalityRow[] = MUNICIPALITIES.map((m) => ({
    code: m.code,
    name: m.name,
    region_code: m.regionCode,
    population: m.population,
  }));

  const actors = buildActors(o, sizes);
  const orgId = (code: string): number => {
    const row = actors.byCode.get(code);
    if (!row) throw new Error(`unknown organisation ${code}`);
    return row.id;
  };

  const clientRef = `${GENERATOR_VERSION} seed=${o.seed} scale=${o.scale} today=${o.today}`;
  const report: ReportRow = {
    id: 1,
    kind: 'synthetic',
    organisation_id: orgId(ORG.ehm),
    client_ref: clientRef,
    content_sha256: createHash('sha256').update(clientRef, 'utf8').digest('hex'),
    format: 'generator',
    line_count: 0,
    status: 'accepted',
    received_at: `${o.today}T00:00:00Z`,
  };

  const catalogue = buildCatalogue(o, sizes, actors.manufacturers, actors.parallelImporters);
  const { list, items } = buildProductList(catalogue.substances, orgId(ORG.sos));
  const notices = buildNotices(o, catalogue.models, report.id);
  // After every draw: the examples' packages (docs/examples/), without demand.
  const examples = examplePackageRows(catalogue, actors.manufacturers, o.today);

  const created = `${addDays(o.today, -30)}T08:00:00Z`;
  const appUsers: AppUserRow[] = DEMO_PERSONAS.map((p, i) => ({
    id: i + 1,
    name: p.userName,
    email: p.email,
    organisation_id: orgId(p.organisationCode),
    created_at: created,
  }));
  const apiTokens: ApiTokenRow[] = DEMO_PERSONAS.map((p, i) => ({
    id: i + 1,
    token_sha256: hashToken(p.token),
    label: `DEMO ONLY (public token): ${p.personaEn}`,
    user_id: i + 1,
    organisation_id: orgId(p.organisationCode),
    role: p.role,
    created_at: created,
    expires_at: null,
    revoked_at: null,
  }));

  // Each package deviates a little from the population share in each region.
  const regionFactor = new Float32Array(catalogue.models.length * REGIONS.length);
  for (const p of catalogue.models) {
    const rng = new Rng(o.seed, 'region-factor', p.index);
    for (let r = 0; r < REGIONS.length; r++)
      regionFactor[p.index * REGIONS.length + r] = Math.exp(0.12 * rng.normal());
  }
  const totalPopulation = REGIONS.reduce((a, r) => a + r.population, 0);
  const regionShares = REGIONS.map((r) => r.population / totalPopulation);
  const regionCodes = REGIONS.map((r) => r.code);
  const hospitalsByRegion = REGIONS.map((_, r) =>
    actors.locations.filter((l) => l.row.kind === 'hospital_pharmacy' && l.regionIndex === r),
  );

  const salesContext: SalesContext = {
    seed: o.seed,
    today,
    reportId: report.id,
    packages: catalogue.models,
    regionCodes,
    regionShares,
    regionFactor,
    hospitalsByRegion,
    doseLocationOfRegion: actors.doseLocationOfRegion,
  };
  const stockContext: StockContext = {
    seed: o.seed,
    today,
    reportId: report.id,
    packages: catalogue.models,
    locations: actors.locations,
    regionShares,
    regionFactor,
    doseLocationOfRegion: actors.doseLocationOfRegion,
  };
  // Which packages each location holds is decided on first use: building a large scale's
  // catalogue and places need not pay for it.
  let plans: SnapshotPlan[] | undefined;
  const stockPlans = (): SnapshotPlan[] => (plans ??= planStock(stockContext));
  let snapshots: StockSnapshotRow[] | undefined;

  return {
    options: o,
    sizes,
    regions,
    municipalities,
    organisations: actors.organisations,
    locations: actors.locations.map((l) => l.row),
    medicines: [...catalogue.medicines, ...examples.medicines],
    packages: [...catalogue.packages, ...examples.packages],
    productLists: [list],
    productListItems: items,
    appUsers,
    apiTokens,
    reports: [report],
    get stockSnapshots() {
      return (snapshots ??= stockPlans().map((p) => p.row));
    },
    shortageNotices: notices,
    salesWindow: salesWindow(today),
    sales: (chunkRows?: number) => salesChunks(salesContext, chunkRows),
    stockLines: (chunkRows?: number) => stockLineChunks(stockContext, stockPlans(), chunkRows),
    packageModels: catalogue.models,
    locationModels: actors.locations,
  };
}
