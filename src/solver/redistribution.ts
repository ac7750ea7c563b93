/**
 * The redistribution planner (issue 13 item 3): builds the sparse arc set and the LP of
 * src/domain/redistribution.ts, solves phase 1 (max lowest coverage) and phase 2 (min transport at
 * that optimum) with HiGHS in a worker, and turns the solution into a plan of batch transfers.
 */
import { AppError } from '../domain/errors.js';
import {
  arcColumn,
  buildArcs,
  buildModel,
  modelToLp,
  phaseTwoBound,
  planFromSolution,
  type RedistributionInstance,
  type RedistributionPlan,
} from '../domain/redistribution.js';
import { HighsSolver } from './highs.js';

/** The planner's time limit per LP phase when the caller gives none (ours): 30 s. */
export const DEFAULT_PLAN_TIME_LIMIT_MS = 30_000;

export interface PlanRun {
  plan: RedistributionPlan;
  /** The two LPs as CPLEX LP text (phase 2 with t* filled in). */
  lp: { phase1: string; phase2: string };
  /** Time inside HiGHS per phase (ms). */
  solveMs: { phase1: number; phase2: number };
}

/** Plans a redistribution: two LP solves in one HiGHS worker, each within `timeLimitMs`. */
export async function planRedistribution(
  instance: RedistributionInstance,
  options: { timeLimitMs?: number; solver?: HighsSolver } = {},
): Promise<PlanRun> {
  const timeLimitMs = options.timeLimitMs ?? DEFAULT_PLAN_TIME_LIMIT_MS;
  const arcSet = buildArcs(instance);
  const model = buildModel(instance, arcSet.arcs);
  const phase1 = modelToLp(model, null);
  if (model.counted.length === 0 || model.arcs.length === 0) {
    const plan = planFromSolution(model, arcSet, { lowestCoverage: null, transport: 0 }, []);
    return { plan, lp: { phase1, phase2: phase1 }, solveMs: { phase1: 0, phase2: 0 } };
  }
  const solver = options.solver ?? new HighsSolver();
  try {
    const first = await solver.solve(phase1, timeLimitMs);
    if (first.status !== 'Optimal') {
      throw new AppError('conflict', `phase 1 (lowest coverage) ended as '${first.status}', not optimal`);
    }
    const optimum = first.columns.t ?? first.objective;
    const phase2 = modelToLp(model, phaseTwoBound(optimum));
    const second = await solver.solve(phase2, timeLimitMs);
    if (second.status !== 'Optimal') {
      throw new AppError('conflict', `phase 2 (transport) ended as '${second.status}', not optimal`);
    }
    const quantities = model.arcs.map((_a, k) => second.columns[arcColumn(k)] ?? 0);
    const plan = planFromSolution(
      model,
      arcSet,
      { lowestCoverage: optimum, transport: second.objective },
      quantities,
    );
    return { plan, lp: { phase1, phase2 }, solveMs: { phase1: first.solveMs, phase2: second.solveMs } };
  } finally {
    if (!options.solver) await solver.close();
  }
}
