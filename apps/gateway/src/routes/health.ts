import { Hono } from 'hono';
import type { DatabaseHandle } from '@switchboard/db/client';
import type { Logger } from 'pino';

/**
 * Liveness says the process answers. Readiness says "send me traffic": 503 only while this
 * replica drains. A database outage is reported in the body (`status: degraded`) but is
 * not a reason to leave the rotation: every replica shares the one database, so failing
 * readiness would take them all out at once — while open sessions are still served from
 * memory (DESIGN.md, Replicas). Requests that need the database answer 503 on their own.
 */
export function healthRoutes(database: DatabaseHandle, logger: Logger, isShuttingDown: () => boolean) {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    if (isShuttingDown()) return c.json({ status: 'shutting_down' }, 503);
    return c.json({ status: (await databaseAnswers(database, logger)) ? 'ready' : 'degraded', database: database.kind });
  });
  return app;
}

/** Whether the database answers a ping now (at once false when the watchdog already knows it is down). */
async function databaseAnswers(database: DatabaseHandle, logger: Logger): Promise<boolean> {
  if (!database.health.available) return false;
  try {
    // a database that stops answering mid-ping is reported when the watchdog notices
    const down = database.health.whenUnavailable().then(() => {
      throw new Error('the database stopped answering');
    });
    down.catch(() => {});
    await Promise.race([database.ping(), down]);
    return true;
  } catch (err) {
    logger.warn({ err }, 'readiness check: the database does not answer');
    return false;
  }
}
