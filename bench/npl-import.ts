/**
 * bench/npl-import: `beredskap import npl` on a national-size NPL export, against plain streaming XML
 * parsing of the same files, in one run.
 *
 *   npx tsx bench/npl-import.ts [--scale 15] [--dir DIR] [--no-pglite] [--no-postgres] [--rounds 2]
 *
 * The generator writes synthetic Sweden's catalogue as an NPL export (data/npl.ts: one npl:medprod
 * document per product in Productdata/, the lexicons in Lexicondata/); scale 15 gives about 15,000
 * products. Then, in the same run, each measured `rounds` times, alternating which goes first:
 *   plain saxes — every file read from disk (the same read-ahead as the import) and parsed by saxes
 *                 (namespaces on, as the importer has them) with empty handlers: no records, no checks;
 *   import      — `importNpl` into an empty, migrated database (a fresh one per round): read, parse
 *                 into records, every check, lexicons, organisations, one transaction writing medicine,
 *                 package, package_version, the import log and the audit entry.
 * It prints seconds and MB/s for both and the ratio plain / import (the share of the import's time
 * that parsing alone takes), the CPU time of this process for each (robust when the machine is shared;
 * PostgreSQL's own work is not in it), the load average, then the time of re-importing the same export into the filled database
 * (nothing changes). PostgreSQL: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres);
 * the bench creates and drops its own databases.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { SaxesParser } from 'saxes';
import { writeNplExport } from '../data/npl.js';
import { importNpl } from '../src/ingest/npl/import.service.js';
import { directorySource, type NplSource } from '../src/ingest/npl/source.js';
import { openStore, type Store } from '../src/store/database.js';
import { migrateToLatest } from '../src/store/migrate.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const SCALE = Number(option('scale', '15'));
const ROUNDS = Number(option('rounds', '2'));
const GIVEN_DIR = option('dir', '');
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const READ_AHEAD = 16;

const seconds = (ms: number) => (ms / 1000).toFixed(2);
/** CPU time of this process (user + system) since `from`, in ms: PGlite's work is all in it. */
const cpuMs = (from: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
};
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Reads and parses every file with saxes alone: the floor any streaming import stands on. */
async function plainParse(
  source: NplSource,
): Promise<{ ms: number; cpuMs: number; bytes: number; elements: number }> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let bytes = 0;
  let elements = 0;
  let next = 0;
  const worker = async () => {
    while (next < source.files.length) {
      const file = source.files[next++]!;
      const data = await file.read();
      bytes += data.length;
      const parser = new SaxesParser({ xmlns: true, fileName: file.name });
      parser.on('opentag', () => {
        elements++;
      });
      parser.on('text', () => {});
      parser.on('closetag', () => {});
      parser.write(decoder.decode(data)).close();
    }
  };
  await Promise.all(Array.from({ length: READ_AHEAD }, worker));
  return { ms: performance.now() - started, cpuMs: cpuMs(cpu), bytes, elements };
}

interface Backend {
  name: string;
  open(): Promise<Store & { drop(): Promise<void> }>;
}

const pglite: Backend = {
  name: 'PGlite',
  async open() {
    const store = await openStore({ dataDir: 'memory://' });
    await migrateToLatest(store.db);
    return {
      ...store,
      bulkTransaction: store.bulkTransaction.bind(store),
      close: () => store.close(),
      drop: () => Promise.resolve(),
    };
  },
};

const postgres: Backend = {
  name: 'PostgreSQL',
  async open() {
    const name = `bench_npl_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    const store = await openStore({ databaseUrl: url.toString() });
    await migrateToLatest(store.db);
    return {
      ...store,
      bulkTransaction: store.bulkTransaction.bind(store),
      close: () => store.close(),
      async drop() {
        const dropper = new pg.Client({ connectionString: ADMIN_URL });
        await dropper.connect();
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await dropper.end();
      },
    };
  },
};

async function main(): Promise<void> {
  let dir = GIVEN_DIR;
  let generated = false;
  if (!dir) {
    dir = await mkdtemp(join(tmpdir(), 'bench-npl-'));
    generated = true;
    const t = performance.now();
    const counts = await writeNplExport(dir, { scale: SCALE, seed: 42, today: '2025-02-03' });
    console.log(
      `NPL export of synthetic Sweden, scale ${SCALE}: ${counts.products} products, ${counts.packages} packages, ` +
        `${counts.organisations} organisations, ${(counts.bytes / 1e6).toFixed(1)} MB, written in ${seconds(performance.now() - t)} s`,
    );
  }
  try {
    const source = await directorySource(dir);
    // Warm the page cache so that neither side pays the first read from disk.
    for (const f of source.files) await readFile(join(dir, f.name));
    const backends = [
      ...(args.includes('--no-pglite') ? [] : [pglite]),
      ...(args.includes('--no-postgres') ? [] : [postgres]),
    ];
    for (const backend of backends) {
      const plain: number[] = [];
      const imports: number[] = [];
      const plainCpu: number[] = [];
      const importCpu: number[] = [];
      const reimports: number[] = [];
      let bytes = 0;
      let summary: Record<string, number> = {};
      for (let round = 0; round < ROUNDS; round++) {
        const store = await backend.open();
        try {
          const runPlain = async () => {
            const p = await plainParse(source);
            plain.push(p.ms);
            plainCpu.push(p.cpuMs);
            bytes = p.bytes;
          };
          const runImport = async () => {
            const t = performance.now();
            const cpu = process.cpuUsage();
            const receipt = await importNpl(store, { source, asOf: '2025-02-03' });
            imports.push(performance.now() - t);
            importCpu.push(cpuMs(cpu));
            summary = receipt.summary;
          };
          if (round % 2 === 0) {
            await runPlain();
            await runImport();
          } else {
            await runImport();
            await runPlain();
          }
          const t = performance.now();
          const again = await importNpl(store, { source, asOf: '2025-02-04' });
          reimports.push(performance.now() - t);
          if (again.summary.changed !== 0 || again.summary.added !== 0)
            throw new Error(`re-import changed something: ${JSON.stringify(again.summary)}`);
        } finally {
          await store.close();
          await store.drop();
        }
      }
      const p = median(plain);
      const i = median(imports);
      const mb = bytes / 1e6;
      console.log(
        `\n${backend.name}: ${summary.files} files (${mb.toFixed(1)} MB), ${summary.products} products, ` +
          `${summary.packages} packages, ${summary.organisationsCreated} organisations; median of ${ROUNDS} rounds`,
      );
      console.log(
        `  plain saxes parse  ${seconds(p).padStart(7)} s  ${(mb / (p / 1000)).toFixed(1).padStart(6)} MB/s  ` +
          `${Math.round(summary.products! / (p / 1000))} products/s  (CPU of this process ${seconds(median(plainCpu))} s)`,
      );
      console.log(
        `  full import        ${seconds(i).padStart(7)} s  ${(mb / (i / 1000)).toFixed(1).padStart(6)} MB/s  ` +
          `${Math.round(summary.products! / (i / 1000))} products/s  (CPU of this process ${seconds(median(importCpu))} s)`,
      );
      console.log(
        `  ratio plain/import ${(p / i).toFixed(2)}   (import takes ${(i / p).toFixed(1)}× the plain parse; ` +
          `by CPU of this process ${(median(plainCpu) / median(importCpu)).toFixed(2)})`,
      );
      console.log(`  re-import, nothing changed: ${seconds(median(reimports))} s`);
      console.log(
        `  load average at the end: ${loadavg()
          .map((l) => l.toFixed(1))
          .join(', ')} (${cpus().length} CPUs)`,
      );
    }
  } finally {
    if (generated) await rm(dir, { recursive: true, force: true });
  }
}

await main();
