import cliProgress from 'cli-progress';

/** What long work reports: which phase, how far. */
export interface PhaseProgress {
  phase: string;
  done: number;
  total: number;
}

/**
 * A progress bar per phase on a terminal; on a pipe (CI, logs), one line per finished phase.
 * Returns the callback to hand to long work, and `stop` to call when it ends.
 */
export function phaseProgress(labels: Record<string, string> = {}): {
  update: (p: PhaseProgress) => void;
  stop: () => void;
} {
  const tty = process.stderr.isTTY;
  const multi = tty
    ? new cliProgress.MultiBar(
        {
          format: ' {label} [{bar}] {percentage}% | {value}/{total}',
          hideCursor: true,
          clearOnComplete: false,
          stream: process.stderr,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  const bars = new Map<string, cliProgress.SingleBar | undefined>();
  const started = Date.now();
  return {
    update({ phase, done, total }) {
      const label = (labels[phase] ?? phase).padEnd(22);
      if (!bars.has(phase)) bars.set(phase, multi?.create(total, 0, { label }));
      const bar = bars.get(phase);
      if (bar) {
        bar.setTotal(total);
        bar.update(done, { label });
      } else if (done === total) {
        process.stderr.write(`${label} ${done}/${total} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
      }
    },
    stop() {
      multi?.stop();
    },
  };
}
