import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashToken } from '../../src/domain/access.js';
import { dayNumber } from '../../src/domain/calendar.js';
import { channelOfLocationKind } from '../../src/domain/sales-channel.js';
import { DEMO_PERSONAS, generateSweden, type SwedenData } from '../../data/generate.js';
import { EXAMPLE_CODES, EXAMPLE_PACKAGES } from '../../data/examples.js';
import { LATE_SALES_DAYS, LATE_SALES_REGION, winterFactor } from '../../data/sales.js';
import { STALE_WAREHOUSE_DAYS } from '../../data/stock.js';
import { MUNICIPALITIES, REGIONS } from '../../data/sweden.js';
import { csvChunks, salesCsv, smallTables, stockLineCsv } from '../../data/tables.js';

const TODAY = '2025-02-03';

/** SHA-256 over every table's CSV, streams included: equal digests mean identical data sets. */
function digest(data: SwedenData): string {
  const h = createHash('sha256');
  for (const t of smallTables(data)) for (const chunk of csvChunks(t.columns, t.rows)) h.update(chunk);
  for (const { rows } of data.stockLines()) for (const chunk of stockLineCsv(rows)) h.update(chunk);
  for (const { rows } of data.sales()) for (const chunk of salesCsv(rows)) h.update(chunk);
  return h.digest('hex');
}

// Scale 1 is generated once and shared by the tests that need national figures; its 1.8 million
// sales rows are summed in one pass, on first use.
const national = generateSweden({ scale: 1, seed: 42, today: TODAY });

interface SalesSummary {
  /** Packs in weeks starting in January and July 2024, by ATC group. */
  j01: { jan: number; jul: number };
  c: { jan: number; jul: number };
  weeks: { jan: Set<string>; jul: Set<string> };
  lastYear: { all: number; stockholm: number };
}
let summary: SalesSummary | undefined;
function salesSummary(): SalesSummary {
  if (summary) return summary;
  const atc = new Map(national.packageModels.map((m) => [m.row.id, m.spec.atc]));
  const s: SalesSummary = {
    j01: { jan: 0, jul: 0 },
    c: { jan: 0, jul: 0 },
    weeks: { jan: new Set(), jul: new Set() },
    lastYear: { all: 0, stockholm: 0 },
  };
  const from = dayNumber(TODAY) - 365;
  for (const { rows } of national.sales()) {
    for (const r of rows) {
      if (dayNumber(r.period_start) >= from) {
        s.lastYear.all += r.quantity;
        if (r.region_code === '01') s.lastYear.stockholm += r.quantity;
      }
      if (r.period_days !== 7) continue;
      const month = r.period_start.startsWith('2024-01')
        ? 'jan'
        : r.period_start.startsWith('2024-07')
          ? 'jul'
          : null;
      if (!month) continue;
      s.weeks[month].add(r.period_start);
      const a = atc.get(r.package_id) ?? '';
      if (a.startsWith('J01')) s.j01[month] += r.quantity;
      else if (a.startsWith('C')) s.c[month] += r.quantity;
    }
  }
  return (summary = s);
}

describe('synthetic Sweden: determinism', () => {
  it('gives identical data for the same seed and different data for another seed', () => {
    const a = digest(generateSweden({ scale: 0.02, seed: 7, today: TODAY }));
    const b = digest(generateSweden({ scale: 0.02, seed: 7, today: TODAY }));
    const c = digest(generateSweden({ scale: 0.02, seed: 8, today: TODAY }));
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  });

  it('gives the same rows however the streams are chunked', () => {
    const data = generateSweden({ scale: 0.02, seed: 7, today: TODAY });
    const big = [...data.sales(1_000_000)].flatMap((c) => c.rows);
    const small = [...data.sales(500)].flatMap((c) => c.rows);
    expect(small).toEqual(big);
  });

  it('refuses a scale out of range and a date that does not exist', () => {
    expect(() => generateSweden({ scale: 0 })).toThrow(/scale 0 is out of range/);
    expect(() => generateSweden({ today: '2025-02-30' })).toThrow();
  });
});

describe('synthetic Sweden: geography', () => {
  it('has exactly the 21 regions with their SCB codes, names and six civil areas', () => {
    expect(national.regions.map((r) => r.code)).toEqual([
      '01',
      '03',
      '04',
      '05',
      '06',
      '07',
      '08',
      '09',
      '10',
      '12',
      '13',
      '14',
      '17',
      '18',
      '19',
      '20',
      '21',
      '22',
      '23',
      '24',
      '25',
    ]);
    const byCode = new Map(national.regions.map((r) => [r.code, r]));
    expect(byCode.get('01')?.name).toBe('Region Stockholm');
    expect(byCode.get('12')?.name).toBe('Region Skåne');
    expect(byCode.get('14')?.name).toBe('Västra Götalandsregionen');
    expect(byCode.get('25')?.name).toBe('Region Norrbotten');
    expect(new Set(national.regions.map((r) => r.civil_area))).toEqual(
      new Set(['Norra', 'Mellersta', 'Stockholm', 'Östra', 'Västra', 'Södra']),
    );
    expect(national.regions.every((r) => r.population_date === '2023-08-31')).toBe(true);
    // About 10.5 million people in August 2023.
    const total = national.regions.reduce((a, r) => a + r.population, 0);
    expect(total).toBeGreaterThan(10_400_000);
    expect(total).toBeLessThan(10_650_000);
  });

  it('maps all 290 municipalities to a region whose code begins theirs, summing to the region population ± 3 %', () => {
    expect(national.municipalities).toHaveLength(290);
    expect(new Set(national.municipalities.map((m) => m.code)).size).toBe(290);
    const regionCodes = new Set(national.regions.map((r) => r.code));
    for (const m of national.municipalities) {
      expect(regionCodes.has(m.region_code)).toBe(true);
      expect(m.code.slice(0, 2)).toBe(m.region_code);
    }
    for (const r of national.regions) {
      const sum = national.municipalities
        .filter((m) => m.region_code === r.code)
        .reduce((a, m) => a + m.population, 0);
      expect(Math.abs(sum / r.population - 1)).toBeLessThan(0.03);
    }
    expect(MUNICIPALITIES.find((m) => m.code === '0180')?.name).toBe('Stockholm');
    expect(MUNICIPALITIES.find((m) => m.code === '2584')?.name).toBe('Kiruna');
  });

  it('spreads the 1,400 community pharmacies by population: Stockholm most, every region some', () => {
    const pharmacies = national.locations.filter((l) => l.kind === 'community_pharmacy');
    expect(pharmacies).toHaveLength(1400);
    const perRegion = new Map<string, number>();
    for (const p of pharmacies) perRegion.set(p.region_code, (perRegion.get(p.region_code) ?? 0) + 1);
    const total = REGIONS.reduce((a, r) => a + r.population, 0);
    for (const r of REGIONS) {
      const n = perRegion.get(r.code) ?? 0;
      expect(n).toBeGreaterThan(0);
      // Within one percentage point of the population share (Stockholm: 23.3 % → 326 ± 14).
      expect(Math.abs(n / 1400 - r.population / total)).toBeLessThan(0.01);
    }
    const most = [...perRegion.entries()].sort((a, b) => b[1] - a[1])[0];
    expect(most?.[0]).toBe('01');
    // Every municipality has a pharmacy at scale 1.
    expect(new Set(pharmacies.map((p) => p.municipality_code)).size).toBe(290);
  });

  it('has the other location kinds in their ranges, with codes in their series and positions in Sweden', () => {
    const count = (kind: string) => national.locations.filter((l) => l.kind === kind).length;
    expect(count('dose_pharmacy')).toBeGreaterThanOrEqual(4);
    expect(count('dose_pharmacy')).toBeLessThanOrEqual(6);
    expect(count('wholesaler_warehouse')).toBe(5);
    expect(count('regional_preparedness_stock')).toBe(21);
    expect(count('state_security_stock')).toBeGreaterThanOrEqual(3);
    for (const r of REGIONS) {
      const hospitals = national.locations.filter(
        (l) => l.kind === 'hospital_pharmacy' && l.region_code === r.code,
      );
      expect(hospitals.length).toBeGreaterThanOrEqual(2);
      expect(hospitals.length).toBeLessThanOrEqual(5);
    }
    const prefixes: Record<string, string> = {
      wholesaler_warehouse: 'SE-WHS-',
      community_pharmacy: 'SE-APO-',
      dose_pharmacy: 'SE-DOS-',
      hospital_pharmacy: 'SE-SJH-',
      care_unit_store: 'SE-VNL-',
      municipal_store: 'SE-KOM-',
      state_security_stock: 'SE-SSL-',
      regional_preparedness_stock: 'SE-RBL-',
    };
    for (const l of national.locations) {
      expect(l.code.startsWith(prefixes[l.kind] ?? '?')).toBe(true);
      expect(l.latitude).toBeGreaterThan(55);
      expect(l.latitude).toBeLessThan(69.1);
      expect(l.longitude).toBeGreaterThan(10.5);
      expect(l.longitude).toBeLessThan(24.5);
    }
    expect(national.locations.find((l) => l.kind === 'state_security_stock')?.organisation_id).toBe(
      national.organisations.find((o) => o.code === 'SOS')?.id,
    );
  });

  it('keeps all 21 regions at a small scale, with few pharmacies and about 50 packages', () => {
    const small = generateSweden({ scale: 0.02, today: TODAY });
    expect(small.regions).toHaveLength(21);
    expect(
      new Set(small.locations.filter((l) => l.kind === 'community_pharmacy').map((l) => l.region_code)).size,
    ).toBe(21);
    expect(small.locations.filter((l) => l.kind === 'community_pharmacy').length).toBeLessThan(40);
    expect(small.packages.length).toBeGreaterThanOrEqual(30);
    expect(small.packages.length).toBeLessThanOrEqual(60);
  });

  it('grows locations sub-linearly (about 2,000 at scale 15) and packages linearly', () => {
    // Only the catalogue and locations are built here; no sales are generated.
    const big = generateSweden({ scale: 15, today: TODAY });
    expect(big.locations.length).toBeGreaterThan(1800);
    expect(big.locations.length).toBeLessThanOrEqual(2100);
    expect(big.packages).toHaveLength(30_000 + EXAMPLE_PACKAGES.length);
  });
});

describe('synthetic Sweden: actors and catalogue', () => {
  it('has the authorities, Nationellt CT, regions, municipalities and firms with stable codes', () => {
    const codes = new Set(national.organisations.map((o) => o.code));
    for (const code of [
      'LV',
      'TLV',
      'SOS',
      'EHM',
      'FOHM',
      'NCT',
      'REG-01',
      'REG-25',
      'KOM-0180',
      'WHS-1',
      'WHS-2',
      'APO-1',
      'DOS-1',
      'COMP-001',
    ]) {
      expect(codes.has(code)).toBe(true);
    }
    const kind = (k: string) => national.organisations.filter((o) => o.kind === k).length;
    expect(kind('authority')).toBe(5);
    expect(kind('joint_function')).toBe(1);
    expect(kind('region')).toBe(21);
    expect(kind('municipality')).toBe(290);
    expect(kind('wholesaler')).toBe(2);
    expect(kind('dose_pharmacy_operator')).toBeGreaterThanOrEqual(3);
    expect(kind('company')).toBe(60);
    expect(national.organisations.find((o) => o.code === 'REG-12')?.region_code).toBe('12');
    for (const o of national.organisations) expect(o.org_number).toMatch(/^\d{6}-\d{4}$/);
    expect(new Set(national.organisations.map((o) => o.org_number)).size).toBe(national.organisations.length);
  });

  it('has about 2,000 packages with ~8 % parallel-traded, ~2 % licence and some veterinary medicines', () => {
    // 2,000 generated, and the three the examples in docs/examples/ name.
    expect(national.packages).toHaveLength(2000 + EXAMPLE_PACKAGES.length);
    expect(national.packages.filter((p) => p.parallel_traded)).toHaveLength(160);
    expect(national.packages.filter((p) => p.licence)).toHaveLength(40);
    expect(national.packages.some((p) => p.parallel_traded && p.licence)).toBe(false);
    const importers = new Set(
      national.organisations.filter((o) => o.name.includes('Parallellimport')).map((o) => o.id),
    );
    for (const p of national.packages.filter((x) => x.parallel_traded))
      expect(importers.has(p.company_id)).toBe(true);
    const vet = national.medicines.filter((m) => m.species === 'veterinary');
    expect(vet.length).toBeGreaterThan(0);
    expect(vet.every((m) => m.atc_code.startsWith('Q'))).toBe(true);
    const groups = new Set(national.medicines.map((m) => m.atc_code.slice(0, 3)));
    for (const g of ['J01', 'R03', 'B05', 'N02', 'A10', 'L01', 'N05', 'N06', 'H02', 'QJ0'])
      expect(groups.has(g)).toBe(true);
  });

  it('uses obviously fictitious identifiers', () => {
    const examples = new Set(EXAMPLE_PACKAGES.map((p) => p.nplPackId));
    for (const p of national.packages.filter((x) => !examples.has(x.npl_pack_id))) {
      expect(p.npl_pack_id).toMatch(/^99\d{12}$/);
      expect(p.gtin).toMatch(/^0735999\d{7}$/);
      expect(p.nordic_article_number).toMatch(/^9\d{5}$/);
    }
    for (const m of national.medicines) expect(m.npl_id).toMatch(/^99\d{12}$/);
    expect(new Set(national.packages.map((p) => p.gtin)).size).toBe(national.packages.length);
  });

  it('holds the codes docs/examples/ names: its pharmacies, hospital pharmacy, organisations and packages', () => {
    const org = (id: number) => national.organisations.find((o) => o.id === id)?.code;
    const location = (code: string) => national.locations.find((l) => l.code === code);
    for (const code of EXAMPLE_CODES.pharmacies) {
      expect(location(code)?.kind).toBe('community_pharmacy');
      expect(org(location(code)?.organisation_id ?? 0)).toBe(EXAMPLE_CODES.pharmacyChain);
    }
    expect(location(EXAMPLE_CODES.pharmacies[0])?.gln).toBe(EXAMPLE_CODES.pharmacyGln);
    expect(location(EXAMPLE_CODES.hospital)).toMatchObject({ kind: 'hospital_pharmacy', region_code: '01' });
    expect(org(location(EXAMPLE_CODES.hospital)?.organisation_id ?? 0)).toBe('REG-01');
    for (const [code, number] of Object.entries(EXAMPLE_CODES.organisationNumbers))
      expect(national.organisations.find((o) => o.code === code)?.org_number).toBe(number);
    for (const e of EXAMPLE_PACKAGES) {
      const p = national.packages.find((x) => x.npl_pack_id === e.nplPackId);
      expect(p).toMatchObject({
        gtin: e.gtin,
        nordic_article_number: e.nordicArticleNumber,
        withdrawn_on: null,
      });
      expect(org(p?.company_id ?? 0)).toBe(e.company);
      // No demand: the examples' facts are the only ones about them.
      expect(national.packageModels.some((m) => m.row.id === p?.id)).toBe(false);
    }
    expect(national.shortageNotices.every((n) => n.package_id <= national.packageModels.length)).toBe(true);
  });

  it('lists 60–100 prioritised substances from the catalogue (Socialstyrelsen, 2023-05-12)', () => {
    const [list] = national.productLists;
    expect(list).toMatchObject({ code: 'sos-prioritised', version: '2023-05-12' });
    expect(list?.issuer_id).toBe(national.organisations.find((o) => o.code === 'SOS')?.id);
    expect(national.productListItems.length).toBeGreaterThanOrEqual(60);
    expect(national.productListItems.length).toBeLessThanOrEqual(100);
    const substances = new Set(national.medicines.map((m) => `${m.atc_code}|${m.substance}`));
    for (const item of national.productListItems)
      expect(substances.has(`${item.atc_code}|${item.substance}`)).toBe(true);
  });

  it('has demo personas whose tokens are stored only as their SHA-256, one per persona', () => {
    expect(national.apiTokens).toHaveLength(DEMO_PERSONAS.length);
    const lv = national.apiTokens.find((t) => t.token_sha256 === hashToken('demo-lv'));
    expect(lv?.role).toBe('coordinator');
    expect(lv?.organisation_id).toBe(national.organisations.find((o) => o.code === 'LV')?.id);
    for (const t of national.apiTokens) {
      expect(t.token_sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(t.label).toMatch(/DEMO ONLY/);
    }
    expect(DEMO_PERSONAS.map((p) => p.token)).toEqual([
      'demo-lv',
      'demo-sos',
      'demo-tlv',
      'demo-nct',
      'demo-region-01',
      'demo-region-12',
      'demo-apotek',
      'demo-partihandel',
      'demo-foretag',
      'demo-kommun',
      'demo-admin',
    ]);
  });
});

describe('synthetic Sweden: sales', () => {
  it('peaks J01 antibiotics in winter: mid-January 1.4 × summer, mean January/July per week 1.3–1.5', () => {
    // Worked number: the factor is 1 + 0.4·((1 + cos(2π(d − Jan 15)/365.25)) / 2)², i.e. 1.40 on 15 January.
    expect(winterFactor(dayNumber('2024-01-15'))).toBeCloseTo(1.4, 3);
    expect(winterFactor(dayNumber('2024-07-15'))).toBeCloseTo(1.0, 2);

    const { j01, c, weeks } = salesSummary();
    const ratio = (g: { jan: number; jul: number }) => g.jan / weeks.jan.size / (g.jul / weeks.jul.size);
    expect(ratio(j01)).toBeGreaterThan(1.3);
    expect(ratio(j01)).toBeLessThan(1.5);
    // Cardiovascular medicines are flat: within ± 10 %.
    expect(ratio(c)).toBeGreaterThan(0.9);
    expect(ratio(c)).toBeLessThan(1.1);
  });

  it('writes weekly rows for the history, daily rows for the last weeks, location rows for the last 14 days only, each in its channel', () => {
    const data = generateSweden({ scale: 0.05, today: TODAY });
    const w = data.salesWindow;
    const today = dayNumber(TODAY);
    expect(today - w.weeklyStart).toBeGreaterThanOrEqual(724);
    expect(today - w.weeklyStart).toBeLessThanOrEqual(730);
    const hospitalOrDose = new Set(
      data.locations
        .filter((l) => l.kind === 'hospital_pharmacy' || l.kind === 'dose_pharmacy')
        .map((l) => l.id),
    );
    const kindOf = new Map(data.locations.map((l) => [l.id, l.kind]));
    let locationRows = 0;
    const wrong: string[] = [];
    for (const { rows } of data.sales()) {
      for (const r of rows) {
        const day = dayNumber(r.period_start);
        if (r.quantity <= 0 || day >= today) wrong.push(`${r.period_start} ${r.quantity}`);
        if (r.period_days === 7 && ((day + 3) % 7 !== 0 || day + 7 > w.dailyStart))
          wrong.push(`week ${r.period_start}`);
        if (r.period_days === 1 && day < w.dailyStart) wrong.push(`day ${r.period_start}`);
        if (r.location_id !== null) {
          locationRows++;
          if (!hospitalOrDose.has(r.location_id) || day < today - 14)
            wrong.push(`location ${r.location_id} ${r.period_start}`);
          // Each location row in its channel, so that no region-level row displaces it.
          if (r.channel !== channelOfLocationKind(kindOf.get(r.location_id)!))
            wrong.push(`channel ${r.channel} at ${r.location_id}`);
        } else if (r.channel !== 'community_dispensing') wrong.push(`region row ${r.channel}`);
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(locationRows).toBeGreaterThan(0);
  });

  it('sells in proportion to population: Stockholm about 23 % of the last year', () => {
    const { all, stockholm } = salesSummary().lastYear;
    expect(stockholm / all).toBeGreaterThan(0.21);
    expect(stockholm / all).toBeLessThan(0.26);
  });
});

describe('synthetic Sweden: stock and notices', () => {
  it('counts most locations early today, one in eight yesterday, the stale warehouse 4 days ago, and a week earlier for some', () => {
    const today = dayNumber(TODAY);
    const latest = new Map<number, string>();
    for (const s of national.stockSnapshots) {
      const was = latest.get(s.location_id);
      if (was === undefined || s.counted_at > was) latest.set(s.location_id, s.counted_at);
    }
    expect(latest.size).toBe(national.locations.length);
    const back = [...latest.entries()].map(([id, at]) => ({
      id,
      back: today - dayNumber(at.slice(0, 10)),
      at,
    }));
    const countedToday = back.filter((b) => b.back === 0);
    // Before 06:00 UTC, so that the demo's counts lie in the past once the morning has begun.
    for (const b of countedToday) expect(Number(b.at.slice(11, 13))).toBeLessThan(6);
    expect(countedToday.length / back.length).toBeGreaterThan(0.8);
    expect(back.filter((b) => b.back === 1).length).toBeGreaterThan(0);
    const stale = back.filter((b) => b.back > 1);
    expect(stale.map((b) => b.back)).toEqual([STALE_WAREHOUSE_DAYS]);
    const kinds = new Map(national.locations.map((l) => [l.id, l.kind]));
    expect(kinds.get(stale[0]!.id)).toBe('wholesaler_warehouse');
    expect(national.stockSnapshots.length).toBeGreaterThan(national.locations.length);
  });

  it('leaves Region Gävleborg’s last 5 days of sales unreported, the other regions through yesterday', () => {
    const today = dayNumber(TODAY);
    const last = new Map<string, number>();
    for (const chunk of national.sales()) {
      for (const r of chunk.rows) {
        const end = dayNumber(r.period_start) + r.period_days - 1;
        last.set(r.region_code, Math.max(last.get(r.region_code) ?? 0, end));
      }
    }
    for (const [region, day] of last) {
      expect(today - day, region).toBe(region === LATE_SALES_REGION ? 1 + LATE_SALES_DAYS : 1);
    }
  });

  it('holds stock consistent with demand: community pharmacies carry 10–60 days for most lines', () => {
    const locations = new Map(national.locationModels.map((l) => [l.row.id, l]));
    const snapshotLocation = new Map(national.stockSnapshots.map((s) => [s.id, s.location_id]));
    const models = new Map(national.packageModels.map((m) => [m.row.id, m]));
    const total = REGIONS.reduce((a, r) => a + r.population, 0);
    const covers: number[] = [];
    const levels = new Map<string, Set<number>>();
    const perPharmacy = new Map<number, number>();
    for (const { rows } of national.stockLines()) {
      for (const line of rows) {
        const l = locations.get(snapshotLocation.get(line.snapshot_id) ?? 0);
        const m = models.get(line.package_id);
        if (!l || !m) throw new Error('a stock line refers to nothing');
        const kindLevels = levels.get(l.row.kind) ?? new Set<number>();
        kindLevels.add(line.stock_level);
        levels.set(l.row.kind, kindLevels);
        if (l.row.kind !== 'community_pharmacy') continue;
        perPharmacy.set(line.snapshot_id, (perPharmacy.get(line.snapshot_id) ?? 0) + 1);
        if (m.scarce) continue;
        const region = REGIONS[l.regionIndex];
        const perDay = (m.annual / 365) * ((region?.population ?? 0) / total) * l.share * m.community;
        covers.push(line.quantity / perDay);
      }
    }
    const within = covers.filter((c) => c >= 10 && c <= 60).length / covers.length;
    expect(within).toBeGreaterThan(0.75);
    const sizes = [...perPharmacy.values()].sort((a, b) => a - b);
    expect(sizes[Math.floor(sizes.length / 2)]).toBeGreaterThan(100);
    expect(levels.get('state_security_stock')).toEqual(new Set([3]));
    expect(levels.get('regional_preparedness_stock')).toEqual(new Set([2]));
    expect(levels.get('community_pharmacy')).toEqual(new Set([1]));
  });

  it('has active, coming, ended, on-time and late notices, and a correction', () => {
    const today = TODAY;
    const n = national.shortageNotices;
    const active = n.filter(
      (x) => x.kind === 'shortage' && x.expected_start <= today && (x.expected_end ?? '9999') >= today,
    );
    const coming = n.filter((x) => x.expected_start > today);
    expect(active.length).toBeGreaterThanOrEqual(2);
    expect(coming.length).toBeGreaterThanOrEqual(2);
    expect(n.some((x) => (x.expected_end ?? '9999') < today)).toBe(true);
    const stops = n.filter((x) => x.kind === 'sales_stop');
    expect(stops.filter((x) => x.late)).toHaveLength(1);
    expect(stops.filter((x) => !x.late).length).toBeGreaterThanOrEqual(1);
    const late = stops.find((x) => x.late);
    // Notified 20 days before today, starting 14 days after: 34 days ahead, under two months.
    expect(dayNumber(late?.expected_start ?? '') - dayNumber(late?.notified_at.slice(0, 10) ?? '')).toBe(34);
    const correction = n.find((x) => x.supersedes_id !== null);
    expect(correction?.reference).toBe(n.find((x) => x.id === correction?.supersedes_id)?.reference);
  });
});
