import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { AppEnv } from './env.ts';

/** One log line per request with its id, method, path (no query string: it may hold secrets), status and time. */
export function requestLog(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    // At `warn` and above (busy production setups) this costs nothing per request.
    if (!logger.isLevelEnabled('info')) return next();
    const started = performance.now();
    await next();
    logRequest(logger, c.get('requestId'), c.req.method, c.req.path, c.res.status, started);
  };
}

/**
 * The request line, also written by the MCP entry for what it serves; its lines carry
 * `lane`: `lean` or `sdk`, so an operator can tell which adapter served a request.
 */
export function logRequest(logger: Logger, requestId: string, method: string, path: string, status: number, started: number, lane?: 'lean' | 'sdk'): void {
  // (an undefined `lane` is left out of the line)
  logger.info({ requestId, method, path, status, ms: Math.round((performance.now() - started) * 10) / 10, lane }, 'request');
}
