import { users } from '@switchboard/db/schema';
import { eq } from 'drizzle-orm';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import { AppError } from '../errors.ts';
import { authenticateApiToken, isMcpKey, touchApiToken } from '../services/api-tokens.ts';
import type { ServiceContext } from '../services/context.ts';
import { findWebSession } from '../services/web-sessions.ts';
import { bearerToken, wrongKeyKind } from './admin-auth.ts';
import { CSRF_HEADER, readConsoleCookie } from './console-cookie.ts';
import { csrfMatches } from './csrf.ts';
import type { AppEnv } from './env.ts';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * `/api/v1/me/*`: any signed-in person, administrator or not, acting on their own things
 * only. Accepted: the console session cookie (changes carry its CSRF token, as on the
 * admin API), or an admin API token that belongs to a person (automation of one's own
 * keys and connections). A personal MCP key is refused: it is for MCP endpoints only, so
 * a leaked key cannot mint more keys.
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
      c.set('person', { id: session.userId, email: session.email, name: session.name, isAdmin: session.isAdmin });
      await next();
      return;
    }
    const presented = bearerToken(authorization);
    if (!presented) throw new AppError(401, 'unauthorized', 'sign in to the console, or send an API token of yours (Authorization: Bearer <token>)');
    const token = await authenticateApiToken(ctx, presented);
    if (!token) throw new AppError(401, 'invalid_token', 'the API token is unknown, revoked or expired');
    if (isMcpKey(token)) throw wrongKeyKind();
    if (!READ_METHODS.has(c.req.method) && !token.scopes.includes('admin')) {
      throw new AppError(403, 'forbidden', 'this token is not allowed to make changes (scope admin:read)');
    }
    const [owner] = token.userId
      ? await ctx.db.select({ id: users.id, email: users.email, name: users.name, isAdmin: users.isAdmin, disabled: users.disabled }).from(users).where(eq(users.id, token.userId))
      : [];
    if (!owner || owner.disabled) throw new AppError(403, 'no_person', 'this API token belongs to no (enabled) person, so it has no keys or connections of its own');
    c.set('person', { id: owner.id, email: owner.email, name: owner.name, isAdmin: owner.isAdmin });
    touchApiToken(ctx, token).catch((err) => logger.warn({ err }, 'could not record API token use'));
    await next();
  };
}
