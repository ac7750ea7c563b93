import { PROBLEM_CAP } from '../domain/report.js';
import { AppError, type Problem } from '../domain/errors.js';

/**
 * The problems found in one report. Every problem is counted; the first `cap` are kept with where,
 * which field, what value and what was expected, and the rest are summarised as "… and N more".
 */
export class ProblemList {
  private readonly kept: Problem[] = [];
  private count = 0;

  constructor(private readonly cap = PROBLEM_CAP) {}

  add(problem: Problem): void {
    this.count++;
    if (this.kept.length < this.cap) this.kept.push(problem);
  }

  get total(): number {
    return this.count;
  }

  get any(): boolean {
    return this.count > 0;
  }

  /** The kept problems, plus one closing line when some were left out. */
  list(): Problem[] {
    if (this.count <= this.kept.length) return [...this.kept];
    return [
      ...this.kept,
      {
        message: `… and ${this.count - this.kept.length} more problems (only the first ${this.cap} are listed)`,
      },
    ];
  }

  /** The refusal of the whole report: nothing of it is stored (all or nothing). */
  toError(what: string): AppError {
    const first = this.kept[0];
    const more = this.count > 1 ? ` (and ${this.count - 1} more)` : '';
    return AppError.invalid(
      `${what} was refused with ${this.count} ${this.count === 1 ? 'problem' : 'problems'}; nothing of it was stored. ` +
        `First: ${first?.message ?? 'unknown'}${more}`,
      this.list(),
    );
  }
}
