import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { errorBodySchema } from '@switchboard/core/contracts/common';
import {
  type ConsoleSession,
  consoleProvidersSchema,
  consoleSessionSchema,
  consoleSignInSchema,
  consoleTokenCheckSchema,
  consoleTokenInfoSchema,
} from '@switchboard/core/contracts/console-session';
import { identityProviders } from '@switchboard/db/schema';
import { asc, eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { AppError } from '../errors.ts';
import {
  CONSOLE_SESSION_TTL_SECONDS,
  CSRF_HEADER,
  clearConsoleCookie,
  readConsoleCookie,
  writeConsoleCookie,
} from '../http/console-cookie.ts';
import { csrfMatches } from '../http/csrf.ts';
import { jsonResponse } from '../http/crud.ts';
import type { AppEnv } from '../http/env.ts';
import { validationHook } from '../http/validation.ts';
import { wrongKeyKind } from '../http/request-credential.ts';
import { authenticateApiToken, isMcpKey } from '../services/api-tokens.ts';
import type { ServiceContext } from '../services/context.ts';
import { verifyLocalLogin } from '../services/local-login.ts';
import { createWebSession, endWebSession, findWebSession } from '../services/web-sessions.ts';

const signedOut: ConsoleSession = { user: null, csrfToken: null, expiresAt: null };
const tags = ['session'];
/** These routes are how one gets a credential: no bearer token is needed for them. */
const security: [] = [];

/**
 * `/api/v1/session`: console sign-in for every local person (the admin API still takes
 * administrators only; others use `/api/v1/me`). The session lives in an
 * HttpOnly, SameSite=Strict cookie; mutations through the admin API also need its CSRF
 * token in `X-CSRF-Token` (see http/request-credential.ts).
 */
export function consoleSessionRoutes(ctx: ServiceContext) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const current = (c: Context) => findWebSession(ctx, 'console', readConsoleCookie(c, ctx.publicUrl));

  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      tags,
      security,
      summary: 'Sign in to the console with a local account (administrators manage everything; other people their own area)',
      request: { body: { ...jsonResponse(consoleSignInSchema, 'Email and password'), required: true } },
      responses: {
        200: jsonResponse(consoleSessionSchema, 'Signed in; the session cookie is set'),
        400: jsonResponse(errorBodySchema, 'Invalid input'),
        401: jsonResponse(errorBodySchema, 'Wrong email or password'),
        429: jsonResponse(errorBodySchema, 'Too many failed attempts, or too many attempts from this address; try again later (Retry-After)'),
      },
    }),
    async (c) => {
      const { email, password } = c.req.valid('json');
      const wait = (await ctx.addressLimits?.take('login', c)) ?? 0;
      if (wait > 0) {
        c.header('Retry-After', String(wait));
        throw new AppError(429, 'rate_limited', 'too many sign-in attempts from this address; try again later');
      }
      const login = await verifyLocalLogin(ctx, email, password);
      if (!login.ok && login.reason === 'locked') {
        c.header('Retry-After', String(login.retryAfterSeconds ?? 60));
        throw new AppError(429, 'locked', 'too many failed sign-in attempts; try again later');
      }
      if (!login.ok) throw new AppError(401, 'invalid_credentials', 'wrong email or password');
      await endWebSession(ctx, readConsoleCookie(c, ctx.publicUrl));
      const session = await createWebSession(ctx, { kind: 'console', userId: login.user.id, ttlSeconds: CONSOLE_SESSION_TTL_SECONDS });
      writeConsoleCookie(c, ctx.publicUrl, session.token, session.expiresAt);
      const { id, email: userEmail, name, isAdmin } = login.user;
      return c.json(
        { user: { id, email: userEmail, name, isAdmin }, csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags,
      security,
      summary: 'Who is signed in to the console (user is null when nobody is)',
      responses: { 200: jsonResponse(consoleSessionSchema, 'The session') },
    }),
    async (c) => {
      c.header('Cache-Control', 'no-store');
      const session = await current(c);
      if (!session) return c.json(signedOut, 200);
      const { userId: id, email, name, isAdmin, csrfToken, expiresAt } = session;
      return c.json({ user: { id, email, name, isAdmin }, csrfToken, expiresAt: expiresAt.toISOString() }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/',
      tags,
      security,
      summary: 'Sign out of the console',
      responses: { 204: { description: 'Signed out' }, 403: jsonResponse(errorBodySchema, 'Missing or wrong X-CSRF-Token') },
    }),
    async (c) => {
      const token = readConsoleCookie(c, ctx.publicUrl);
      const session = await findWebSession(ctx, 'console', token);
      if (session && !csrfMatches(c.req.header(CSRF_HEADER), session.csrfToken)) {
        throw new AppError(403, 'csrf_failed', 'the X-CSRF-Token header is missing or does not match the session');
      }
      await endWebSession(ctx, token);
      clearConsoleCookie(c, ctx.publicUrl);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/token',
      tags,
      security,
      summary: 'Check an admin API token before the console signs in with it',
      request: { body: { ...jsonResponse(consoleTokenCheckSchema, 'The token'), required: true } },
      responses: {
        200: jsonResponse(consoleTokenInfoSchema, 'A live token that may use the admin API'),
        400: jsonResponse(errorBodySchema, 'Invalid input'),
        401: jsonResponse(errorBodySchema, 'Unknown, revoked or expired token'),
      },
    }),
    async (c) => {
      c.header('Cache-Control', 'no-store');
      // The same check the admin API makes on every request (http/request-credential.ts).
      const token = await authenticateApiToken(ctx, c.req.valid('json').token);
      if (!token) throw new AppError(401, 'invalid_token', 'this token is not valid: it is unknown, revoked or expired');
      if (isMcpKey(token)) throw wrongKeyKind();
      return c.json({ scopes: token.scopes, readOnly: !token.scopes.includes('admin') }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/providers',
      tags,
      security,
      summary: 'The OpenID providers the console offers for sign-in',
      responses: { 200: jsonResponse(consoleProvidersSchema, 'Enabled providers') },
    }),
    async (c) => {
      const rows = await ctx.db
        .select({ slug: identityProviders.slug, displayName: identityProviders.displayName })
        .from(identityProviders)
        .where(eq(identityProviders.enabled, true))
        .orderBy(asc(identityProviders.displayName));
      return c.json({ items: rows.map((r) => ({ ...r, loginUrl: `/console/login/${encodeURIComponent(r.slug)}` })) }, 200);
    },
  );
  return app;
}
