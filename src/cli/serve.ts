import { buildApp, type App } from '../api/app.js';
import type { Store } from '../store/database.js';
import { PictureMaintainer } from '../store/picture/maintainer.js';

export const DEFAULT_PORT = 8080;

/**
 * How long a stop (SIGTERM, SIGINT) may take before the process exits regardless: requests in flight
 * get this long to finish. Our choice, below the 30 s a service manager (systemd, Kubernetes) waits by
 * default before it kills.
 */
export const SHUTDOWN_DEADLINE_MS = 10_000;

/** The port from PORT, or 8080. */
export function portFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.PORT;
  if (raw === undefined || raw === '') return DEFAULT_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a whole number from 0 to 65535, got '${raw}'`);
  }
  return port;
}

/**
 * Starts the HTTP server and stops it on SIGINT/SIGTERM (`stopServer`; a second signal exits at once).
 * Returns the base URL.
 *
 * The situational picture is kept up to date while it runs (PictureMaintainer): brought to today at
 * start-up — before listening when `pictureFirst` (the demo), otherwise in the background while the
 * picture's routes answer with the last picture, or 503 before the first — after every accepted
 * report, and when the day changes.
 */
export async function startServer(
  store: Store,
  port: number,
  options: { host?: string; pictureFirst?: boolean } = {},
): Promise<{ app: App; url: string }> {
  const host = options.host ?? process.env.HOST ?? '127.0.0.1';
  const picture = new PictureMaintainer(store, { log: (message) => process.stderr.write(`${message}\n`) });
  if (options.pictureFirst === true) {
    if (!(await picture.isCurrent()))
      process.stderr.write('Beräknar lägesbilden … / computing the situational picture …\n');
    await picture.ensureCurrent();
  } else {
    picture.ensureCurrent().catch((err: unknown) => {
      process.stderr.write(`lägesbild: ${err instanceof Error ? err.message : String(err)}\n`);
    });
  }
  picture.start();
  const app = await buildApp({ store, logger: process.env.LOG_REQUESTS === '1', picture });
  const address = await app.listen({ port, host });
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    process.stderr.write(`beredskap: ${signal}, stopping\n`);
    setTimeout(() => {
      process.stderr.write(`beredskap: not stopped within ${SHUTDOWN_DEADLINE_MS / 1000} s, exiting\n`);
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    stopServer(app, picture, store).then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(
          `beredskap: stopping failed: ${err instanceof Error ? err.message : String(err)}\n`,
        );
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return { app, url: address.replace('0.0.0.0', 'localhost').replace('127.0.0.1', 'localhost') };
}

/**
 * Stops the server promptly, even while the picture is being refreshed: no refresh starts any more,
 * the one under way (the maintainer's, or `POST /api/picture/refresh`) is interrupted, which changes
 * nothing (one transaction, rolled back; the next start refreshes again), requests in flight finish,
 * and the store closes. Waiting for a national full refresh to end would take minutes.
 */
export async function stopServer(app: App, picture: PictureMaintainer, store: Store): Promise<void> {
  const maintainerStopped = picture.stop();
  await store.refresh.interrupt();
  await maintainerStopped;
  await app.close();
  await store.close();
}
