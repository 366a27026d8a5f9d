/**
 * "The database cannot be reached" as one question, so every layer (the pool's circuit, the API's
 * error mapping, the settings cache) agrees on what an outage is. Anything else — a constraint
 * violation, a syntax error, a slow query cancelled by statement_timeout — is a real error of the
 * request and must not be reported as an outage.
 */

/** Thrown without touching the network while the circuit says the database is down (see client.ts). */
export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
  readonly code = 'LECTERN_DB_UNAVAILABLE';
}

/** Socket-level failures: the server is not there, went away, or cannot be routed to. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'LECTERN_DB_UNAVAILABLE',
]);

/**
 * SQLSTATEs that mean the server is going away or not accepting work: class 08 (connection
 * exception), 57P01 admin_shutdown (`pg_ctl stop -m fast` ends every session with it), 57P02
 * crash_shutdown, 57P03 cannot_connect_now (starting up or in recovery), 53300 too_many_connections.
 */
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** pg's own messages for a dead or unusable connection (it gives them no code). */
const PG_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'Connection terminated due to connection timeout',
];

/** pg-pool's wait for a free client ran out: the pool is saturated, not necessarily the database down. */
export function isPoolWaitTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === 'timeout exceeded when trying to connect';
}

function matchesOne(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || SQLSTATES.has(code) || code.startsWith('08')) return true;
  }
  return typeof message === 'string' && PG_MESSAGES.some((m) => message.startsWith(m));
}

/**
 * True when `error` (or anything it wraps: `cause`, an AggregateError's `errors` — Node reports a
 * refused dual-stack connect that way) says the database is unreachable or refusing connections.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const current = queue.shift();
    if (typeof current !== 'object' || current === null || seen.has(current)) continue;
    seen.add(current);
    if (matchesOne(current)) return true;
    const { cause, errors } = current as { cause?: unknown; errors?: unknown };
    if (cause !== undefined) queue.push(cause);
    if (Array.isArray(errors)) queue.push(...errors);
  }
  return false;
}
