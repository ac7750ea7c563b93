/**
 * bench/allocation: a redistribution of one group over about 2,000 locations (issue 13 item 9), solved
 * to optimality by ours (HiGHS in a worker, src/solver/redistribution.ts) and, in the same run, the
 * same model written as CPLEX LP files solved by GLPK's glpsol. Prints both objectives of both phases
 * (they must agree within 1e-6 relative) and the time ratio glpsol ÷ ours (target ≥ 1, aim 2).
 *
 *   npx tsx bench/allocation.ts [--locations 2000] [--seed 13] [--rounds 3] [--cases 200]
 *   npm run bench:allocation
 *
 * Data: test/support/redistribution-cases.ts `nationalCase` (pharmacies spread over Sweden's bounding
 * box, 15 % well stocked, the rest short; arcs: each location's 8 nearest donors within 150 km). Also
 * runs `--cases` small generated cases against the independent max-flow/min-cost-flow check
 * (test/support/redistribution-check.ts), from the printed seed.
 * Times: ours = the two phases' wall time through the worker (worker started and HiGHS loaded before
 * the clock starts, as in a running server); glpsol = the two processes' wall time (reading the file
 * included, as glpsol cannot do otherwise). Best of --rounds.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildArcs, buildModel, modelToLp, phaseTwoBound } from '../src/domain/redistribution.js';
import { HighsSolver } from '../src/solver/highs.js';
import { planRedistribution } from '../src/solver/redistribution.js';
import { independentOptimum } from '../test/support/redistribution-check.js';
import { nationalCase, smallCase } from '../test/support/redistribution-cases.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const n = arg('locations', 2000);
const seed = arg('seed', 13);
const rounds = arg('rounds', 3);
const cases = arg('cases', 200);
const dir = mkdtempSync(join(tmpdir(), 'bench-allocation-'));

function glpsol(lp: string, name: string): { objective: number; ms: number } {
  const file = join(dir, `${name}.lp`);
  const out = join(dir, `${name}.out`);
  writeFileSync(file, lp);
  const started = performance.now();
  execFileSync('glpsol', ['--lp', file, '-o', out], { stdio: 'ignore' });
  const ms = performance.now() - started;
  const text = readFileSync(out, 'utf8');
  if (!/Status:\s+OPTIMAL/.test(text)) throw new Error(`glpsol ${name}: not optimal`);
  const match = /Objective:\s+obj = ([-0-9.e+]+)/.exec(text);
  return { objective: Number(match![1]), ms };
}

const relative = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));

const instance = nationalCase(seed, n);
const arcSet = buildArcs(instance);
const model = buildModel(instance, arcSet.arcs);
console.log(
  `bench/allocation: ${n} locations (seed ${seed}), ${arcSet.arcs.length} arcs, ${model.counted.length} in the max-min, ${model.unreachable.length} unreachable`,
);

const solver = new HighsSolver();
await solver.solve('Maximize\n obj: x\nSubject To\n c: x <= 1\nEnd\n', 10_000); // start the worker, load HiGHS
let ours = { ms: Infinity, t: 0, transport: 0, transfers: 0 };
for (let r = 0; r < rounds; r++) {
  const started = performance.now();
  const run = await planRedistribution(instance, { solver, timeLimitMs: 120_000 });
  const ms = performance.now() - started;
  if (ms < ours.ms) {
    ours = {
      ms,
      t: run.plan.lowestCoverageOptimum!,
      transport: run.plan.transportOptimum,
      transfers: run.plan.transfers.length,
    };
  }
}
let glpk = { ms: Infinity, t: 0, transport: 0 };
for (let r = 0; r < rounds; r++) {
  const first = glpsol(modelToLp(model, null), 'phase1');
  const second = glpsol(modelToLp(model, phaseTwoBound(first.objective)), 'phase2');
  if (first.ms + second.ms < glpk.ms)
    glpk = { ms: first.ms + second.ms, t: first.objective, transport: second.objective };
}
const agreeT = relative(ours.t, glpk.t);
const agreeCost = relative(ours.transport, glpk.transport);
console.log(
  `ours (HiGHS in a worker): lowest coverage ${ours.t.toFixed(6)} days, transport ${ours.transport.toFixed(3)} units×km, ${ours.transfers} batch transfers, ${ours.ms.toFixed(0)} ms (best of ${rounds})`,
);
console.log(
  `glpsol:                   lowest coverage ${glpk.t.toFixed(6)} days, transport ${glpk.transport.toFixed(3)} units×km, ${glpk.ms.toFixed(0)} ms (best of ${rounds})`,
);
console.log(
  `objectives agree within 1e-6 relative: ${agreeT <= 1e-6 && agreeCost <= 1e-6 ? 'yes' : 'NO'} (phase 1 ${agreeT.toExponential(2)}, phase 2 ${agreeCost.toExponential(2)})`,
);
console.log(`ratio glpsol ÷ ours: ${(glpk.ms / ours.ms).toFixed(2)}× (target ≥ 1, aim 2)`);

let worst = 0;
for (let i = 0; i < cases; i++) {
  const small = smallCase(seed * 1000 + i);
  const { plan } = await planRedistribution(small, { solver });
  const expected = independentOptimum({
    transferDate: small.transferDate,
    minRemainingShelfLifeDays: small.parameters.minRemainingShelfLifeDays,
    locations: small.locations.map((l) => ({ ...l, floorDays: l.floorDays ?? 14 })),
    arcs: small.arcs!,
  });
  const d1 =
    expected.lowestCoverage === null
      ? plan.lowestCoverageOptimum === null
        ? 0
        : 1
      : relative(plan.lowestCoverageOptimum ?? NaN, expected.lowestCoverage);
  const d2 = relative(plan.transportOptimum, expected.transport);
  worst = Math.max(worst, d1, d2);
  if (!(d1 <= 1e-6 && d2 <= 1e-6))
    console.log(
      `  case seed ${seed * 1000 + i}: HiGHS ${plan.lowestCoverageOptimum}/${plan.transportOptimum}, check ${expected.lowestCoverage}/${expected.transport}`,
    );
}
console.log(
  `independent check (max flow + min-cost flow) on ${cases} small cases from seed ${seed * 1000}: worst relative difference ${worst.toExponential(2)}`,
);
await solver.close();
