import type { Context } from 'hono';
import type { Logger } from 'pino';
import { AppError } from '../errors.ts';
import { type AuthenticatedToken, authenticateApiToken, isMcpKey, touchApiToken } from '../services/api-tokens.ts';
import type { ServiceContext } from '../services/context.ts';
import { findWebSession, type WebSession } from '../services/web-sessions.ts';
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

export type RequestCredential = { kind: 'session'; session: WebSession } | { kind: 'token'; token: AuthenticatedToken };

/**
 * Who makes a request to the REST API, by the rules the admin API and `/me` share:
 * without an Authorization header, the console's session cookie (a change must carry the
 * session's CSRF token in `X-CSRF-Token`); otherwise `Bearer <api token>`, a live token
 * that is not a personal MCP key, whose scope allows the method (`admin:read`: reads
 * only). 401 when there is no live credential, 403 when it may not do this.
 */
export async function requestCredential(ctx: ServiceContext, c: Context<AppEnv>, logger: Logger, missing: string): Promise<RequestCredential> {
  const authorization = c.req.header('authorization');
  const reads = READ_METHODS.has(c.req.method);
  const cookie = authorization ? undefined : readConsoleCookie(c, ctx.publicUrl);
  if (cookie) {
    const session = await findWebSession(ctx, 'console', cookie);
    if (!session) throw new AppError(401, 'unauthorized', 'the console session has ended; sign in again');
    if (!reads && !csrfMatches(c.req.header(CSRF_HEADER), session.csrfToken)) {
      throw new AppError(403, 'csrf_failed', 'the X-CSRF-Token header is missing or does not match the session');
    }
    return { kind: 'session', session };
  }
  const presented = bearerToken(authorization);
  if (!presented) throw new AppError(401, 'unauthorized', missing);
  const token = await authenticateApiToken(ctx, presented);
  if (!token) throw new AppError(401, 'invalid_token', 'the API token is unknown, revoked or expired');
  if (isMcpKey(token)) throw wrongKeyKind();
  const allowed = token.scopes.includes('admin') || (reads && token.scopes.includes('admin:read'));
  if (!allowed) throw new AppError(403, 'forbidden', 'this token is not allowed to make changes (scope admin:read)');
  touchApiToken(ctx, token).catch((err) => logger.warn({ err }, 'could not record API token use'));
  return { kind: 'token', token };
}
