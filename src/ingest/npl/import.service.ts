import { createHash } from 'node:crypto';
import { calendarDateInSweden } from '../../domain/calendar.js';
import type { Problem } from '../../domain/errors.js';
import { diffRegister, type PackageSnapshot } from '../../domain/master-data.js';
import type { Store } from '../../store/database.js';
import {
  auditImport,
  completeImport,
  insertImport,
  latestAcceptedAsOf,
  loadPackageSnapshots,
  medicinesToWrite,
  packagesWithStockOrSales,
  resolveNplOrganisations,
  upsertMedicines,
  writePackages,
  type MedicineValues,
} from '../../store/master-data.repository.js';
import { parseDate } from '../values.js';
import { ProblemList } from '../problems.js';
import { mapExport } from './mapper.js';
import { readLexicon, readProduct, type Lexicon, type NplProductRecord } from './reader.js';
import type { NplSource } from './source.js';

/** One NPL export to take in. */
export interface NplImportRequest {
  source: NplSource;
  /**
   * The export's date: history changes on this day. Default: the date a directory or zip name starts
   * with (Läkemedelsverket names its files '2025-02-21_Total_NPL.zip'), else today in Sweden.
   */
  asOf?: string | undefined;
  /** 'total' (default): the whole register, so a package it no longer names is withdrawn. 'delta': only what changed. */
  mode?: 'total' | 'delta' | undefined;
  /** Who sends it: null for the CLI operator. */
  organisationId?: number | null | undefined;
  tokenId?: number | null | undefined;
  now?: Date | undefined;
  /** Called as files are read and as the import writes. */
  onProgress?: ((p: { phase: 'read' | 'write'; done: number; total: number }) => void) | undefined;
}

/** What the sender gets back: the import's id and what it changed. */
export interface NplImportReceipt {
  id: number;
  asOf: string;
  mode: 'total' | 'delta';
  contentSha256: string;
  summary: Record<string, number>;
  changes: {
    added: string[];
    changed: { nplPackId: string; fields: string[] }[];
    withdrawn: { nplPackId: string; stockOrSales: boolean }[];
  };
  warnings: Problem[];
}

/** How many files are read at once: file system latency hides behind parsing. */
const READ_AHEAD = 16;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The date at the start of a name such as '2025-02-21_Total_NPL.zip', if it is a real date. */
export function dateInName(name: string): string | undefined {
  const m = /(\d{4}-\d{2}-\d{2})/.exec(name);
  return m?.[1] !== undefined ? parseDate(m[1]) : undefined;
}

/**
 * Imports an NPL export, all or nothing: every file is read and checked first; any problem refuses the
 * whole export (stored as a refused import with its problems, and audited) and changes nothing.
 * Otherwise one transaction writes the organisations, medicines, packages and their history, the
 * import with its change lists, and the audit entry.
 */
export async function importNpl(store: Store, req: NplImportRequest): Promise<NplImportReceipt> {
  const mode = req.mode ?? 'total';
  const now = req.now ?? new Date();
  const asOf = req.asOf ?? dateInName(req.source.name) ?? calendarDateInSweden(now);
  const problems = new ProblemList();
  const lexicons = new Map<string, Lexicon>();
  const records: NplProductRecord[] = [];
  const files = req.source.files;
  const hashes = new Array<string>(files.length);
  let done = 0;

  // Lexicons first (they are few and small), then the products, READ_AHEAD files in flight.
  const order = [...files.keys()].sort((a, b) => {
    const ka = files[a]!.kind === 'lexicon' ? 0 : 1;
    const kb = files[b]!.kind === 'lexicon' ? 0 : 1;
    return ka - kb || a - b;
  });
  const perFile: Problem[][] = new Array<Problem[]>(files.length);
  const productOf: (NplProductRecord | undefined)[] = new Array<NplProductRecord | undefined>(files.length);
  let next = 0;
  const worker = async () => {
    while (next < order.length) {
      const index = order[next++]!;
      const file = files[index]!;
      const bytes = await file.read();
      hashes[index] = createHash('sha256').update(file.name).update('\0').update(bytes).digest('hex');
      const found: Problem[] = [];
      let text: string | undefined;
      try {
        text = utf8.decode(bytes);
      } catch {
        found.push({
          at: file.name,
          expected: 'UTF-8 text',
          message: `${file.name} is not UTF-8 text`,
        });
      }
      if (text !== undefined) {
        if (file.kind === 'lexicon') {
          const lexicon = readLexicon(text, file.lexicon ?? file.name, file.name, found);
          lexicons.set(lexicon.name, lexicon);
        } else productOf[index] = readProduct(text, file.name, found);
      }
      perFile[index] = found;
      done++;
      req.onProgress?.({ phase: 'read', done, total: files.length });
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_AHEAD, Math.max(1, files.length)) }, worker));
  for (let i = 0; i < files.length; i++) {
    for (const p of perFile[i] ?? []) problems.add(p);
    const record = productOf[i];
    if (record) records.push(record);
  }
  if (records.length === 0 && !problems.any) {
    problems.add({
      at: req.source.name,
      expected: 'npl:medprod documents (Productdata/*.xml)',
      message: `${req.source.name} holds no product file`,
    });
  }
  const contentSha256 = createHash('sha256').update(hashes.join('\n')).digest('hex');
  const { mapped, warnings } = mapExport(records, lexicons, problems);

  const header = {
    register: 'npl' as const,
    organisationId: req.organisationId ?? null,
    tokenId: req.tokenId ?? null,
    source: req.source.name,
    contentSha256,
    asOf,
    mode,
    receivedAt: now,
  };
  if (!problems.any) {
    const latest = await latestAcceptedAsOf(store.db, 'npl');
    if (latest !== undefined && asOf < latest) {
      problems.add({
        field: 'asOf',
        value: asOf,
        expected: `${latest} or later`,
        message: `the export is of ${asOf}, older than the last one imported (${latest}): history only moves forward`,
      });
    }
  }
  if (problems.any) {
    const error = problems.toError(`the NPL export ${req.source.name}`);
    const id = await insertImport(store.db, header, 'rejected', {
      list: problems.list(),
      total: problems.total,
    });
    await auditImport(store.db, {
      importId: id,
      register: 'npl',
      status: 'rejected',
      organisationId: header.organisationId,
      tokenId: header.tokenId,
      detail: {
        source: header.source,
        problemCount: problems.total,
        firstProblem: error.problems[0]?.message,
      },
    });
    throw error;
  }

  const packageCount = mapped.products.reduce((n, p) => n + p.packages.length, 0);
  return store.bulkTransaction(async (trx, copy) => {
    req.onProgress?.({ phase: 'write', done: 0, total: 4 });
    const id = await insertImport(trx, header, 'accepted');
    const orgs = await resolveNplOrganisations(trx, mapped.organisations);
    const orgId = (nplOrgId: string): number => {
      const found = orgs.ids.get(nplOrgId);
      if (found === undefined) throw new Error(`NPL organisation ${nplOrgId} was not resolved`);
      return found;
    };
    const medicines: MedicineValues[] = mapped.products.map((p) => ({
      nplId: p.nplId,
      name: p.name,
      atcCode: p.atcCode,
      substance: p.substance,
      form: p.form,
      strength: p.strength,
      species: p.species,
      holderId: orgId(p.holder),
      formCode: p.formCode,
      substanceCodes: p.substanceCodes,
      productClass: p.productClass,
    }));
    const incoming: PackageSnapshot[] = [];
    for (const p of mapped.products) {
      const holderId = orgId(p.holder);
      const sellerId = orgId(p.seller);
      for (const k of p.packages) {
        incoming.push({
          nplPackId: k.nplPackId,
          nplId: p.nplId,
          name: p.name,
          atcCode: p.atcCode,
          substance: p.substance,
          form: p.form,
          strength: p.strength,
          species: p.species,
          productClass: p.productClass,
          holderId,
          sellerId,
          nordicArticleNumber: k.nordicArticleNumber,
          gtin: k.gtin,
          packSize: k.packSize,
          packUnit: k.packUnit,
          description: k.description,
          parallelTraded: k.parallelTraded,
          licence: k.licence,
          marketStatus: k.marketStatus,
        });
      }
    }
    req.onProgress?.({ phase: 'write', done: 1, total: 4 });
    const stored = await loadPackageSnapshots(trx);
    const diff = diffRegister(stored, incoming, mode);
    const keep = await packagesWithStockOrSales(
      trx,
      diff.withdrawn.map((w) => w.packageId),
    );
    const withdrawn = diff.withdrawn.map((w) => ({
      nplPackId: w.snapshot.nplPackId,
      stockOrSales: keep.has(w.packageId),
    }));
    req.onProgress?.({ phase: 'write', done: 2, total: 4 });
    await upsertMedicines(trx, copy, await medicinesToWrite(trx, medicines));
    await writePackages(trx, copy, diff.staged, asOf, id);
    req.onProgress?.({ phase: 'write', done: 3, total: 4 });

    const withStock = withdrawn.filter((w) => w.stockOrSales);
    const allWarnings = [...warnings];
    if (withStock.length > 0) {
      allWarnings.push({
        field: 'withdrawn',
        value: withStock.slice(0, 20).map((w) => w.nplPackId),
        message: `${withStock.length} packages no longer in the register still have stock or sales: they are kept and marked withdrawn (${withStock
          .slice(0, 5)
          .map((w) => w.nplPackId)
          .join(', ')}${withStock.length > 5 ? ', …' : ''})`,
      });
    }
    const summary = {
      files: files.length,
      products: mapped.products.length,
      packages: packageCount,
      added: diff.added.length,
      changed: diff.changed.length,
      unchanged: diff.unchanged,
      withdrawn: withdrawn.length,
      withdrawnWithStockOrSales: withStock.length,
      organisationsCreated: orgs.created,
      organisationsRenamed: orgs.renamed,
      packSizesUnknown: mapped.unknownPackSizes,
    };
    const changes = { added: diff.added, changed: diff.changed, withdrawn };
    await completeImport(trx, id, { summary, changes, warnings: allWarnings });
    await auditImport(trx, {
      importId: id,
      register: 'npl',
      status: 'accepted',
      organisationId: header.organisationId,
      tokenId: header.tokenId,
      detail: { source: header.source, asOf, mode, ...summary },
    });
    req.onProgress?.({ phase: 'write', done: 4, total: 4 });
    return { id, asOf, mode, contentSha256, summary, changes, warnings: allWarnings };
  });
}
