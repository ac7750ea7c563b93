import { buildApp, type App } from '../api/app.js';
import type { Store } from '../store/database.js';

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

/** Starts the HTTP server and closes it (and the store) on SIGINT/SIGTERM. Returns the base URL. */
export async function startServer(
  store: Store,
  port: number,
  host = process.env.HOST ?? '127.0.0.1',
): Promise<{ app: App; url: string }> {
  const app = await buildApp({ store, logger: process.env.LOG_REQUESTS === '1' });
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
