import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import { AppError } from '../errors.ts';
import { authenticateApiToken, touchApiToken } from '../services/api-tokens.ts';
import type { ServiceContext } from '../services/context.ts';
import { findWebSession } from '../services/web-sessions.ts';
import { bearerToken } from './admin-auth.ts';
import { CSRF_HEADER, readConsoleCookie } from './console-cookie.ts';
import { csrfMatches } from './csrf.ts';
import type { AppEnv } from './env.ts';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Self-service authentication (`/api/v1/me/…`): any signed-in person, not only admins —
 * the console session cookie (changes carry its CSRF token), or an API token that belongs
 * to a person (`admin:read` tokens only read). Sets `person`.
 */
export function requirePerson(ctx: ServiceContext, logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const authorization = c.req.header('authorization');
    const cookie = authorization ? undefined : readConsoleCookie(c, ctx.publicUrl);
    if (cookie) {
      const session = await findWebSession(ctx, 'console', cookie);
      if (!session) throw new AppError(401, 'unauthorized', 'the console session has ended; sign in again');
      if (!READ_METHODS.has(c.req.method) && !csrfMatches(c.req.header(CSRF_HEADER), session.csrfToken)) {
        throw new AppError(403, 'csrf_failed', 'the X-CSRF-Token header is missing or does not match the session');
      }
      c.set('person', { id: session.userId, email: session.email, isAdmin: session.isAdmin });
      await next();
      return;
    }
    const presented = bearerToken(authorization);
    if (!presented) throw new AppError(401, 'unauthorized', 'sign in to the console, or send an API token of yours (Authorization: Bearer <token>)');
    const token = await authenticateApiToken(ctx, presented);
    if (!token) throw new AppError(401, 'invalid_token', 'the API token is unknown, revoked or expired');
    if (!token.userId) throw new AppError(403, 'forbidden', 'this API token belongs to no person: /me needs a token of yours, or the console session');
    const writes = token.scopes.includes('admin');
    if (!writes && !(token.scopes.includes('admin:read') && READ_METHODS.has(c.req.method))) {
      throw new AppError(403, 'forbidden', 'this token is not allowed to make changes (scope admin:read)');
    }
    c.set('person', { id: token.userId, email: null, isAdmin: writes });
    touchApiToken(ctx, token).catch((err) => logger.warn({ err }, 'could not record API token use'));
    await next();
  };
}
