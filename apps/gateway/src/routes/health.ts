import { Hono } from 'hono';
import type { DatabaseHandle } from '@switchboard/db/client';
import type { Logger } from 'pino';

/** Liveness says the process answers; readiness says it can reach its database. */
export function healthRoutes(database: DatabaseHandle, logger: Logger, isShuttingDown: () => boolean) {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    if (isShuttingDown()) return c.json({ status: 'shutting_down' }, 503);
    // (a ping would hang as long as the database is silent: the watchdog already knows)
    if (!database.health.available) return c.json({ status: 'unavailable', database: database.kind }, 503);
    try {
      // a database that stops answering mid-ping is reported when the watchdog notices
      const down = database.health.whenUnavailable().then(() => {
        throw new Error('the database stopped answering');
      });
      down.catch(() => {});
      await Promise.race([database.ping(), down]);
      return c.json({ status: 'ready', database: database.kind });
    } catch (err) {
      logger.warn({ err }, 'readiness check failed');
      return c.json({ status: 'unavailable', database: database.kind }, 503);
    }
  });
  return app;
}
