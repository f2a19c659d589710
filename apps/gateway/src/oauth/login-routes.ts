import { identityProviders } from '@switchboard/db/schema';
import { asc, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import type { AppEnv } from '../http/env.ts';
import { verifyLocalLogin } from '../services/local-login.ts';
import { createWebSession, endWebSession } from '../services/web-sessions.ts';
import type { OAuthContext } from './context.ts';
import { cookieJar } from './cookies.ts';
import { csrfMatches, newCsrfToken } from '../http/csrf.ts';
import { formFields } from './form.ts';
import { loginPage } from './pages/login-page.ts';
import { safeReturnTo } from './return-to.ts';

export const LOGIN_SESSION_SECONDS = 8 * 3600;
const LOGIN_CSRF_SECONDS = 3600;

export async function enabledProviders(oauth: OAuthContext) {
  return oauth.ctx.db
    .select({ slug: identityProviders.slug, displayName: identityProviders.displayName })
    .from(identityProviders)
    .where(eq(identityProviders.enabled, true))
    .orderBy(asc(identityProviders.displayName));
}

/**
 * The sign-in page of the authorization server: local users by password (throttled), or a
 * configured OpenID provider. Before a session exists, CSRF protection is a double-submit
 * token (cookie + hidden field), so a third-party page cannot log a victim into an
 * attacker's account.
 */
export function loginRoutes(oauth: OAuthContext) {
  const app = new Hono<AppEnv>();
  const jar = cookieJar(oauth.issuer);

  app.get('/login', async (c) => {
    const csrfToken = newCsrfToken();
    jar.set(c, 'login_csrf', csrfToken, LOGIN_CSRF_SECONDS, 'Strict');
    return loginPage(c, { returnTo: safeReturnTo(c.req.query('return_to')), csrfToken, providers: await enabledProviders(oauth) });
  });

  app.post('/login', async (c) => {
    const form = await formFields(c);
    const returnTo = safeReturnTo(form.return_to);
    const providers = await enabledProviders(oauth);
    const again = (error: string, status: 401 | 429) => {
      const csrfToken = newCsrfToken();
      jar.set(c, 'login_csrf', csrfToken, LOGIN_CSRF_SECONDS, 'Strict');
      return loginPage(c, { returnTo, csrfToken, providers, email: form.email, error, status });
    };
    if (!csrfMatches(form.csrf_token, jar.get(c, 'login_csrf'))) {
      return again('Your sign-in form expired. Please try again.', 401);
    }
    const wait = (await oauth.ctx.addressLimits?.take('login', c)) ?? 0;
    if (wait > 0) {
      c.header('Retry-After', String(wait));
      return again(`Too many sign-in attempts from your address. Try again in ${wait} seconds.`, 429);
    }
    const result = await verifyLocalLogin(oauth.ctx, form.email ?? '', form.password ?? '');
    oauth.events?.oauthEvent(result.ok ? 'login' : 'login_failed');
    if (!result.ok) {
      if (result.reason === 'locked') return again(`Too many failed attempts. Try again in ${result.retryAfterSeconds} seconds.`, 429);
      return again('Wrong email or password.', 401);
    }
    const session = await createWebSession(oauth.ctx, { kind: 'login', userId: result.user.id, ttlSeconds: LOGIN_SESSION_SECONDS });
    jar.set(c, 'login', session.token, LOGIN_SESSION_SECONDS);
    jar.clear(c, 'login_csrf');
    return c.redirect(returnTo, 303);
  });

  app.post('/logout', async (c) => {
    await endWebSession(oauth.ctx, jar.get(c, 'login'));
    jar.clear(c, 'login');
    return c.redirect('/login', 303);
  });

  return app;
}
