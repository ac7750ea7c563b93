/**
 * The HiGHS worker (issue 13 item 3): solves one CPLEX LP text per message off the main thread, so a
 * long solve never blocks the server and the caller can end it at its time limit (./highs.ts).
 *
 * Presolve is off (ours): on the sparse redistribution LPs of bench/allocation.ts it cost more than it saved.
 *
 * Kept as source text run with `eval: true` (CommonJS, plain JavaScript): the worker then starts
 * without a TypeScript loader, under tsx, Vitest and a built server alike. It loads HiGHS from the
 * path in `workerData.highsPath`.
 */
export const HIGHS_WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const highsReady = require(workerData.highsPath)();
parentPort.on('message', async (message) => {
  const { id, lp, timeLimitSeconds } = message;
  try {
    const highs = await highsReady;
    const started = performance.now();
    const solution = highs.solve(lp, { time_limit: timeLimitSeconds, presolve: 'off', output_flag: false });
    const columns = {};
    for (const [name, column] of Object.entries(solution.Columns)) columns[name] = column.Primal;
    parentPort.postMessage({
      id,
      status: solution.Status,
      objective: solution.ObjectiveValue,
      columns,
      solveMs: performance.now() - started,
    });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
`;
