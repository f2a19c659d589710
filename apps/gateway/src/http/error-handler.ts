import { isDatabaseUnavailable } from '@switchboard/db/availability';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from 'pino';
import { AppError } from '../errors.ts';
import { databaseUnavailable } from './database-gate.ts';

const errorBody = (code: string, message: string) => ({ error: { code, message } });

/**
 * The single place errors become responses. Known errors keep their status and code;
 * anything else is logged with the request id and answered with a bare 500 — never a
 * stack trace or internal message to the client.
 */
export function createErrorHandler(logger: Logger) {
  return (error: Error, c: Context) => {
    if (error instanceof AppError) {
      if (error.status === 401) c.header('WWW-Authenticate', 'Bearer');
      return c.json(errorBody(error.code, error.message), error.status);
    }
    if (error instanceof HTTPException) {
      const status = error.status;
      if (status === 400 && /json/i.test(error.message)) {
        return c.json(errorBody('invalid_json', 'request body is not valid JSON'), 400);
      }
      if (status === 413) return c.json(errorBody('payload_too_large', 'request body is too large'), 413);
      if (status < 500) return c.json(errorBody('bad_request', error.message || 'bad request'), status);
    }
    if (isDatabaseUnavailable(error)) {
      // the message only: a query error carries the statement and its parameters
      logger.warn({ err: { message: (error.cause as Error | undefined)?.message ?? error.message }, requestId: c.get('requestId') }, 'database unavailable');
      return databaseUnavailable(c);
    }
    logger.error({ err: error, requestId: c.get('requestId') }, 'unhandled error');
    return c.json(errorBody('internal_error', 'internal server error'), 500);
  };
}
