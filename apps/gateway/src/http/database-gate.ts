import type { DatabaseHealth } from '@switchboard/db/health-watch';
import type { Context, MiddlewareHandler } from 'hono';

/** Seconds a client is told to wait before trying again. */
export const DATABASE_RETRY_AFTER_S = 5;

export function databaseUnavailable(c: Context) {
  c.header('Retry-After', String(DATABASE_RETRY_AFTER_S));
  return c.json({ error: { code: 'database_unavailable', message: 'the database is unavailable; try again shortly' } }, 503);
}

/**
 * For routes that need the database (admin API, OAuth, login): while the health watchdog
 * says the database does not answer, refuse at once with 503 and Retry-After; a request
 * already waiting when it stops answering is answered then, instead of hanging on a
 * connection that may never reply. (The MCP path reads only memory and is not gated.)
 */
export function databaseGate(health: DatabaseHealth): MiddlewareHandler {
  return async (c, next) => {
    if (!health.available) return databaseUnavailable(c);
    const handled = next().then(() => 'handled' as const);
    const outcome = await Promise.race([handled, health.whenUnavailable().then(() => 'unavailable' as const)]);
    if (outcome === 'handled') return;
    // the handler goes on in the background; whatever it ends with is not sent
    handled.catch(() => {});
    return databaseUnavailable(c);
  };
}
