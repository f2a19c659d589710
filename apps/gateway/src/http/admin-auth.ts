import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import { AppError } from '../errors.ts';
import { authenticateApiToken, isMcpKey, touchApiToken } from '../services/api-tokens.ts';
import type { ServiceContext } from '../services/context.ts';
import { findWebSession } from '../services/web-sessions.ts';
import { CSRF_HEADER, readConsoleCookie } from './console-cookie.ts';
import { csrfMatches } from './csrf.ts';
import type { AppEnv } from './env.ts';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The bearer credential, only from the Authorization header (never a query string). */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header?.match(/^Bearer[ ]+([^\s]+)\s*$/i);
  return match?.[1];
}

/** A personal MCP key presented where an admin API token is needed. */
export const wrongKeyKind = () =>
  new AppError(
    403,
    'wrong_key_kind',
    'this is a personal MCP key (scope mcp): it works only on MCP endpoints of api-key virtual servers; the admin API needs an admin API token (scope admin or admin:read)',
  );

/**
 * Admin API authentication: `Authorization: Bearer <api token>`. 401 when absent or not a
 * live token, 403 when the token lacks the scope for this method. Without an Authorization
 * header, the console's session cookie of an administrator is accepted instead; changes
 * made with it must carry the session's CSRF token in `X-CSRF-Token`.
 */
export function requireAdmin(ctx: ServiceContext, logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const authorization = c.req.header('authorization');
    const cookie = authorization ? undefined : readConsoleCookie(c, ctx.publicUrl);
    if (cookie) {
      const session = await findWebSession(ctx, 'console', cookie);
      if (!session) throw new AppError(401, 'unauthorized', 'the console session has ended; sign in again');
      if (!session.isAdmin) throw new AppError(403, 'forbidden', 'only administrators can use the admin API');
      if (!READ_METHODS.has(c.req.method) && !csrfMatches(c.req.header(CSRF_HEADER), session.csrfToken)) {
        throw new AppError(403, 'csrf_failed', 'the X-CSRF-Token header is missing or does not match the session');
      }
      c.set('consoleUser', { id: session.userId, email: session.email, name: session.name });
      await next();
      return;
    }
    const presented = bearerToken(authorization);
    if (!presented) throw new AppError(401, 'unauthorized', 'an admin API token is required (Authorization: Bearer <token>)');
    const token = await authenticateApiToken(ctx, presented);
    if (!token) throw new AppError(401, 'invalid_token', 'the API token is unknown, revoked or expired');
    if (isMcpKey(token)) throw wrongKeyKind();
    const allowed = token.scopes.includes('admin') || (token.scopes.includes('admin:read') && READ_METHODS.has(c.req.method));
    if (!allowed) throw new AppError(403, 'forbidden', 'this token is not allowed to make changes (scope admin:read)');
    c.set('adminToken', token);
    touchApiToken(ctx, token).catch((err) => logger.warn({ err }, 'could not record API token use'));
    await next();
  };
}
