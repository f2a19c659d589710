/**
 * Whether an error means "the database cannot be reached right now" (as opposed to a
 * bad query or bad data): the request that met it answers 503 with Retry-After instead of
 * a 500, and the caller may simply try again.
 */
const CONNECTION_CODES = new Set([
  // postgres.js
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  // the socket underneath
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs of an unavailable server: class 08 (connection exception), 57P01–57P03
 * (shutting down, crashed, not yet accepting), 53300 (too many connections), 57014
 * (statement timeout: the server is too slow to answer in time).
 */
const UNAVAILABLE_STATE = /^(08...|57P0[123]|53300|57014)$/;

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (CONNECTION_CODES.has(code) || UNAVAILABLE_STATE.test(code))) return true;
  }
  return false;
}
