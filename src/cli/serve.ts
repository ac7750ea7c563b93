import { buildApp, type App } from '../api/app.js';
import type { Store } from '../store/database.js';
import { PictureMaintainer } from '../store/picture/maintainer.js';

export const DEFAULT_PORT = 8080;

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
 * Starts the HTTP server and closes it (and the store) on SIGINT/SIGTERM. Returns the base URL.
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
  const stop = () => {
    void app
      .close()
      .then(() => store.close())
      .finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return { app, url: address.replace('0.0.0.0', 'localhost').replace('127.0.0.1', 'localhost') };
}
