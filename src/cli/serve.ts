import { cliTexts } from './messages.js';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { buildApp, type App } from '../api/app.js';
import { RETRY_AFTER_SECONDS, type ErrorBody } from '../api/errors.js';
import type { Store } from '../store/database.js';
import { superviseAfterRefresh } from '../store/supervision.repository.js';
import { keepSalesMonthsAfterRefresh } from '../store/obligation/months.js';
import { PictureMaintainer } from '../store/picture/maintainer.js';
import { Alerts, mailConfigFromEnv } from '../api/alert.delivery.js';

export const DEFAULT_PORT = 8080;

/**
 * How long a stop (SIGTERM, SIGINT) may take before the process exits regardless (exit code 1). Our
 * choice, below the 30 s a service manager (systemd, Kubernetes) waits by default before it kills.
 * A stop normally ends well before it: see `REQUEST_GRACE_MS` and `REFUSAL_MS`.
 */
export const SHUTDOWN_DEADLINE_MS = 10_000;

/**
 * On a stop, requests in flight get this long to finish: an upload that arrives whole in time is
 * taken and receipted as usual. What is still running then is refused (see `stopServer`). Our choice,
 * half of `SHUTDOWN_DEADLINE_MS`.
 */
export const REQUEST_GRACE_MS = 5_000;

/**
 * After the grace period, refused requests get this long to have their answer (503) written before
 * every connection still open is closed. Our choice; grace + refusal stays below the deadline.
 */
export const REFUSAL_MS = 1_500;

/** What a request refused by a stop is told. */
export const STOPPING_MESSAGE =
  'the server is stopping: this request did not finish in time and nothing of it was stored; send it ' +
  'again when the server is back (a report sent again with the same clientRef is never counted twice)';

/** The port from PORT, or 8080. */
export function portFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.PORT;
  if (raw === undefined || raw === '') return DEFAULT_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(cliTexts().portInvalid(raw));
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
  const log = (message: string) => process.stderr.write(`${message}\n`);
  // Alerts (docs/alerts.md): evaluated after each refresh of the picture and on a timer, delivered in
  // the background. Their links point at BEREDSKAP_PUBLIC_URL, or this server's own address.
  const publicUrl = process.env.BEREDSKAP_PUBLIC_URL;
  const configuredUrl = publicUrl !== undefined && publicUrl !== '' ? publicUrl : undefined;
  const alerts = new Alerts(store, {
    mail: mailConfigFromEnv(),
    baseUrl: configuredUrl ?? `http://${host}:${port}`,
    log,
  });
  // Supervision of the stockpiling obligations (docs/obligations.md) is recorded after each refresh too.
  const picture = new PictureMaintainer(store, {
    log,
    onRefreshed: () => {
      alerts.evaluateSoon();
      superviseAfterRefresh(store.db, log);
      keepSalesMonthsAfterRefresh(store.db, log);
    },
  });
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
  const app = await buildApp({ store, logger: process.env.LOG_REQUESTS === '1', picture, alerts });
  app.addHook('onClose', async () => alerts.stop());
  trackRequests(app);
  const address = await app.listen({ port, host });
  if (configuredUrl === undefined) alerts.baseUrl = address.replace(/\/+$/, '');
  alerts.start();
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

interface InFlight {
  req: IncomingMessage;
  res: ServerResponse;
}

/** Requests in flight per app, seen at the HTTP level (below Fastify's per-plugin hooks). */
const inFlightOf = new WeakMap<App, Set<InFlight>>();

function trackRequests(app: App): void {
  const inFlight = new Set<InFlight>();
  inFlightOf.set(app, inFlight);
  app.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const entry = { req, res };
    inFlight.add(entry);
    res.once('close', () => inFlight.delete(entry));
  });
}

/**
 * Stops the server within a bounded time, even while the picture is being refreshed and requests are
 * stuck (issue 11 item 7):
 *
 * 1. No refresh starts any more; the one under way (the maintainer's, or `POST /api/picture/refresh`)
 *    is interrupted, which changes nothing (one transaction, rolled back; the next start refreshes
 *    again). Waiting for a national full refresh to end would take minutes.
 * 2. The server stops listening; idle connections close; a new request on an open one gets 503.
 * 3. Requests in flight get `REQUEST_GRACE_MS` to finish.
 * 4. Then what still runs is refused: an upload whose body has not all arrived is answered 503 at
 *    once (nothing of it was read into the database), and the database work of requests still at it
 *    is ended (`Store.cancelRequests`: their transactions roll back, they answer 503), so no report
 *    is left half written. After `REFUSAL_MS` every connection still open is closed.
 * 5. The store closes.
 */
export async function stopServer(app: App, picture: PictureMaintainer, store: Store): Promise<void> {
  const maintainerStopped = picture.stop();
  await store.refresh.interrupt();
  await maintainerStopped;
  const inFlight = inFlightOf.get(app) ?? new Set<InFlight>();
  const timers: NodeJS.Timeout[] = [];
  timers.push(
    setTimeout(() => {
      for (const { req, res } of inFlight) if (!req.complete) refuse(res);
      store.cancelRequests().catch(() => undefined);
      timers.push(setTimeout(() => app.server.closeAllConnections(), REFUSAL_MS));
    }, REQUEST_GRACE_MS),
  );
  try {
    await app.close();
  } finally {
    for (const t of timers) clearTimeout(t);
  }
  await store.close();
}

/** Answers 503 to a request whose body is still arriving, and closes its connection. */
function refuse(res: ServerResponse): void {
  if (res.headersSent || res.writableEnded) {
    res.destroy();
    return;
  }
  const body: ErrorBody = {
    error: { kind: 'unavailable', message: STOPPING_MESSAGE, problems: [], correlationId: randomUUID() },
  };
  const text = JSON.stringify(body);
  res.writeHead(503, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'retry-after': String(RETRY_AFTER_SECONDS),
    connection: 'close',
  });
  // End our side only: the client still sending its body reads the answer, then the connection closes
  // (closing at once, with its bytes unread, could reset the connection before it reads the answer).
  res.end(text, () => res.socket?.end());
}
