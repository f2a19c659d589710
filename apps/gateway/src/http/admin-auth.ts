import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import { AppError } from '../errors.ts';
import { authenticateApiToken, touchApiToken } from '../services/api-tokens.ts';
import type { ServiceContext } from '../services/context.ts';
import type { AppEnv } from './env.ts';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The bearer credential, only from the Authorization header (never a query string). */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header?.match(/^Bearer[ ]+([^\s]+)\s*$/i);
  return match?.[1];
}

/**
 * Admin API authentication: `Authorization: Bearer <api token>`. 401 when absent or not a
 * live token, 403 when the token lacks the scope for this method.
 */
export function requireAdmin(ctx: ServiceContext, logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const presented = bearerToken(c.req.header('authorization'));
    if (!presented) throw new AppError(401, 'unauthorized', 'an admin API token is required (Authorization: Bearer <token>)');
    const token = await authenticateApiToken(ctx, presented);
    if (!token) throw new AppError(401, 'invalid_token', 'the API token is unknown, revoked or expired');
    const allowed = token.scopes.includes('admin') || (token.scopes.includes('admin:read') && READ_METHODS.has(c.req.method));
    if (!allowed) throw new AppError(403, 'forbidden', 'this token is not allowed to make changes (scope admin:read)');
    c.set('adminToken', token);
    touchApiToken(ctx, token).catch((err) => logger.warn({ err }, 'could not record API token use'));
    await next();
  };
}
