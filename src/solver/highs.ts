/**
 * HiGHS in a worker thread with a time limit (STYLE.md: optimisation). The worker
 * (highs.worker.ts) solves CPLEX LP text; HiGHS stops itself at the time limit, and should it not
 * answer in time plus a grace period, the worker is terminated: a clear error, never a hang.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { AppError } from '../domain/errors.js';
import { HIGHS_WORKER_SOURCE } from './highs.worker.js';

const highsPath = createRequire(import.meta.url).resolve('highs');

/** What HiGHS answered for one LP. */
export interface LpResult {
  /** HiGHS's model status, e.g. 'Optimal', 'Infeasible', 'Time limit reached'. */
  status: string;
  objective: number;
  /** Primal value of each column, by name. */
  columns: Record<string, number>;
  /** Time inside HiGHS (ms), without messaging. */
  solveMs: number;
}

interface WorkerAnswer {
  id: number;
  status?: string;
  objective?: number;
  columns?: Record<string, number>;
  solveMs?: number;
  error?: string;
}

/** Extra time (ms) given past HiGHS's own time limit before the worker is ended (ours). */
export const SOLVER_GRACE_MS = 2_000;

/** A HiGHS worker for one or more solves; `close()` ends it. */
export class HighsSolver {
  private worker: Worker | null = null;
  private nextId = 1;

  private start(): Worker {
    if (!this.worker) {
      this.worker = new Worker(HIGHS_WORKER_SOURCE, { eval: true, workerData: { highsPath } });
      this.worker.unref();
    }
    return this.worker;
  }

  /**
   * Solves one LP within `timeLimitMs`. Rejects with an `unavailable` AppError when the limit passes
   * (HiGHS's own limit or the hard stop) and with `invalid` when HiGHS cannot read the LP.
   */
  solve(lp: string, timeLimitMs: number): Promise<LpResult> {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise<LpResult>((resolve, reject) => {
      const timeout = () =>
        new AppError('unavailable', `the solver did not finish within ${timeLimitMs / 1000} s (time limit)`);
      const cleanup = () => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
      };
      const timer = setTimeout(() => {
        cleanup();
        void this.close();
        reject(timeout());
      }, timeLimitMs + SOLVER_GRACE_MS);
      const onError = (error: Error) => {
        cleanup();
        this.worker = null;
        reject(new AppError('unavailable', `the solver failed: ${error.message}`));
      };
      const onMessage = (answer: WorkerAnswer) => {
        if (answer.id !== id) return;
        cleanup();
        if (answer.error !== undefined) {
          reject(AppError.invalid(`the solver could not read the model: ${answer.error}`));
        } else if (answer.status === 'Time limit reached') {
          reject(timeout());
        } else {
          resolve({
            status: answer.status ?? 'unknown',
            objective: answer.objective ?? Number.NaN,
            columns: answer.columns ?? {},
            solveMs: answer.solveMs ?? 0,
          });
        }
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.postMessage({ id, lp, timeLimitSeconds: timeLimitMs / 1000 });
    });
  }

  /** Ends the worker. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }
}
