import { identityProviders } from '@switchboard/db/schema';
import { and, eq } from 'drizzle-orm';
import { type Context, Hono } from 'hono';
import * as oidc from 'openid-client';
import { z } from 'zod';
import { CONSOLE_SESSION_TTL_SECONDS, writeConsoleCookie } from '../http/console-cookie.ts';
import type { AppEnv } from '../http/env.ts';
import { createWebSession } from '../services/web-sessions.ts';
import type { OAuthContext } from './context.ts';
import { cookieJar } from './cookies.ts';
import { ProviderClients } from './identity-provider-client.ts';
import { LOGIN_SESSION_SECONDS } from './login-routes.ts';
import { errorPage } from './pages/error-page.ts';
import { provisionUser } from './provision-user.ts';
import { safeReturnTo } from './return-to.ts';
import { keepsLoginTokens } from '../upstream-oauth/token-exchange.ts';
import { tokenPayload } from '../upstream-oauth/token-payload.ts';

const PENDING_SECONDS = 600;

/** What the browser carries between leaving for the provider and coming back, sealed with the key ring. */
const pendingSchema = z.object({
  slug: z.string(),
  state: z.string(),
  nonce: z.string(),
  verifier: z.string(),
  returnTo: z.string(),
  purpose: z.enum(['authorize', 'console']),
  expiresAt: z.number(),
});

/**
 * Login through an upstream OpenID provider, where Switchboard is one confidential client
 * ("DCR proxy"): state, nonce and PKCE on every login, the issuer checked by openid-client.
 * The pending login is sealed (AES-GCM) into a cookie of this browser, so the callback only
 * completes in the browser that started it — a crafted callback link is useless elsewhere.
 */
export function oidcLoginRoutes(oauth: OAuthContext) {
  const app = new Hono<AppEnv>();
  const jar = cookieJar(oauth.issuer);
  const clients = new ProviderClients(oauth.ctx);
  const callbackUrl = (slug: string) => `${oauth.issuer}/oauth/callback/${slug}`;

  async function provider(slug: string) {
    const [row] = await oauth.ctx.db
      .select()
      .from(identityProviders)
      .where(and(eq(identityProviders.slug, slug), eq(identityProviders.enabled, true)));
    return row;
  }

  async function start(c: Context<AppEnv>, purpose: 'authorize' | 'console') {
    const row = await provider(c.req.param('slug') ?? '');
    if (!row) return errorPage(c, 'Unknown sign-in method', 'This identity provider is not configured.');
    let config: oidc.Configuration;
    try {
      config = await clients.configuration(row);
    } catch (err) {
      oauth.logger.warn({ err, provider: row.slug }, 'identity provider discovery failed');
      return errorPage(c, 'Sign-in is unavailable', `${row.displayName} cannot be reached right now. Try again later.`);
    }
    const verifier = oidc.randomPKCECodeVerifier();
    const pending = {
      slug: row.slug,
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      verifier,
      returnTo: purpose === 'console' ? '/' : safeReturnTo(c.req.query('return_to')),
      purpose,
      expiresAt: Date.now() + PENDING_SECONDS * 1000,
    };
    jar.set(c, 'oidc', oauth.ctx.secrets.encrypt(JSON.stringify(pending)), PENDING_SECONDS);
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: callbackUrl(row.slug),
      scope: row.scopes.join(' '),
      response_type: 'code',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    return c.redirect(url.toString(), 302);
  }

  app.get('/oauth/login/:slug', (c) => start(c, 'authorize'));
  app.get('/console/login/:slug', (c) => start(c, 'console'));

  app.get('/oauth/callback/:slug', async (c) => {
    const failed = (message: string) => errorPage(c, 'Sign-in failed', message);
    const pending = readPending(oauth, jar.get(c, 'oidc'));
    jar.clear(c, 'oidc');
    if (!pending || pending.slug !== c.req.param('slug') || pending.expiresAt < Date.now()) {
      return failed('This sign-in was not started in this browser, or it took too long. Please start again.');
    }
    const row = await provider(pending.slug);
    if (!row) return failed('This identity provider is not configured.');
    let claims: Record<string, unknown>;
    let sealedTokens: string | undefined;
    try {
      const config = await clients.configuration(row);
      const current = new URL(callbackUrl(row.slug));
      current.search = new URL(c.req.url).search;
      const tokens = await oidc.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      claims = { ...(tokens.claims() ?? {}) };
      // Kept (encrypted) only where an upstream exchanges them (RFC 8693): see upstream-oauth/token-exchange.ts.
      if (await keepsLoginTokens(oauth.ctx, row.slug)) sealedTokens = oauth.ctx.secrets.encrypt(JSON.stringify(tokenPayload(tokens)));
      if (tokens.access_token && !(row.emailClaim in claims)) {
        Object.assign(claims, await oidc.fetchUserInfo(config, tokens.access_token, claims.sub as string), claims);
      }
    } catch (err) {
      oauth.logger.warn({ err: { message: (err as Error).message, code: (err as { code?: string }).code }, provider: row.slug }, 'identity provider login failed');
      oauth.events?.oauthEvent('login_failed');
      return failed(`${row.displayName} did not complete the sign-in. Please start again.`);
    }
    const result = await provisionUser(oauth.ctx, row, claims, sealedTokens);
    oauth.events?.oauthEvent(result.ok ? 'login' : 'login_failed');
    if (!result.ok) return failed(result.message);
    oauth.onUsersChanged?.();
    if (pending.purpose === 'console') {
      // Every person may use the console: non-administrators see only their own area (My servers, connections, keys).
      const session = await createWebSession(oauth.ctx, { kind: 'console', userId: result.user.id, ttlSeconds: CONSOLE_SESSION_TTL_SECONDS });
      writeConsoleCookie(c, oauth.issuer, session.token, session.expiresAt);
      return c.redirect('/', 303);
    }
    const session = await createWebSession(oauth.ctx, { kind: 'login', userId: result.user.id, ttlSeconds: LOGIN_SESSION_SECONDS });
    jar.set(c, 'login', session.token, LOGIN_SESSION_SECONDS);
    return c.redirect(pending.returnTo, 303);
  });

  return app;
}

function readPending(oauth: OAuthContext, sealed: string | undefined) {
  if (!sealed || sealed.length > 4000) return undefined;
  try {
    return pendingSchema.parse(JSON.parse(oauth.ctx.secrets.decrypt(sealed)));
  } catch {
    return undefined;
  }
}
