/**
 * Which failures mean "the database is not available right now" rather than a fault of the request
 * or of our code: it cannot be reached, it went away while the request ran (stopped, restarted,
 * crashed), it is starting up, it has no connection to spare, or a statement ran past its timeout.
 * The API answers these with 503 and a retry hint (src/api/errors.ts), never with a 500.
 */

/** Socket errors of a connection that could not be made or was lost. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** SQLSTATEs (PostgreSQL appendix A) of a server that is going away, starting, full or timing out. */
const SQLSTATES = new Set([
  '57P01', // admin_shutdown: terminated by an administrator, a fast stop, or our own shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or in recovery
  '53300', // too_many_connections
  '57014', // query_canceled: statement_timeout, or cancelled at shutdown
  '25P03', // idle_in_transaction_session_timeout
]);

/** What pg says, without a code, when its connection ends or cannot be made in time. */
const PG_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'Query read timeout',
  'Cannot use a pool after calling end on the pool',
];

/** Whether `err` says the database is unavailable (see above); a transient condition worth a retry. */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; message?: unknown; errors?: unknown; cause?: unknown };
  if (typeof e.code === 'string') {
    if (NETWORK_CODES.has(e.code) || SQLSTATES.has(e.code) || e.code.startsWith('08')) return true;
  }
  if (typeof e.message === 'string' && PG_MESSAGES.some((m) => (e.message as string).includes(m)))
    return true;
  // Node reports a refused connection to every address of a host as an AggregateError.
  if (Array.isArray(e.errors) && e.errors.some(isDatabaseUnavailable)) return true;
  return e.cause !== undefined && e.cause !== err && isDatabaseUnavailable(e.cause);
}
