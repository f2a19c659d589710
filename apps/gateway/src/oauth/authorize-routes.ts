import { Hono } from 'hono';
import type { Context } from 'hono';
import type { AppEnv } from '../http/env.ts';
import { findWebSession } from '../services/web-sessions.ts';
import {
  type AuthorizeParams,
  AuthorizePageError,
  AuthorizeRedirectError,
  authorizationResponseUrl,
  type AuthorizeRequest,
  pickAuthorizeParams,
  validateAuthorizeRequest,
} from './authorize-request.ts';
import { hasConsent, recordConsent } from './consents.ts';
import type { OAuthContext } from './context.ts';
import { cookieJar } from './cookies.ts';
import { csrfMatches } from '../http/csrf.ts';
import { formFields } from './form.ts';
import { issueAuthorizationCode } from './grants.ts';
import { consentPage } from './pages/consent-page.ts';
import { errorPage } from './pages/error-page.ts';

/**
 * `/oauth/authorize` and the consent form. Each step re-validates the whole request from
 * its parameters (nothing is trusted from an earlier step), the user comes from the login
 * session cookie, and consent needs that session's CSRF token.
 */
export function authorizeRoutes(oauth: OAuthContext) {
  const app = new Hono<AppEnv>();
  const jar = cookieJar(oauth.issuer);

  async function validate(c: Context, params: AuthorizeParams): Promise<AuthorizeRequest | Response> {
    try {
      return await validateAuthorizeRequest(oauth.ctx, params, oauth.clientLookup);
    } catch (error) {
      if (error instanceof AuthorizePageError) return errorPage(c, 'This sign-in link cannot be used', error.message);
      if (error instanceof AuthorizeRedirectError) {
        return c.redirect(
          authorizationResponseUrl(error.redirectUri, oauth.issuer, { error: error.error.code, error_description: error.error.description, state: error.state }),
          302,
        );
      }
      throw error;
    }
  }

  async function grant(c: Context, request: AuthorizeRequest, session: { userId: string; createdAt: Date }) {
    const code = await issueAuthorizationCode(oauth.ctx, request, session.userId, session.createdAt);
    c.header('Cache-Control', 'no-store');
    return c.redirect(authorizationResponseUrl(request.redirectUri, oauth.issuer, { code, state: request.state }), 302);
  }

  app.get('/oauth/authorize', async (c) => {
    const request = await validate(c, pickAuthorizeParams(c.req.query()));
    if (request instanceof Response) return request;
    const session = await findWebSession(oauth.ctx, 'login', jar.get(c, 'login'));
    if (!session) {
      const here = new URL(c.req.url);
      return c.redirect(`/login?return_to=${encodeURIComponent(`/oauth/authorize${here.search}`)}`, 302);
    }
    if (await hasConsent(oauth.ctx, session.userId, request)) return grant(c, request, session);
    return consentPage(c, request, session, session.csrfToken);
  });

  app.post('/consent', async (c) => {
    const form = await formFields(c);
    const request = await validate(c, pickAuthorizeParams(form));
    if (request instanceof Response) return request;
    const session = await findWebSession(oauth.ctx, 'login', jar.get(c, 'login'));
    if (!session) return errorPage(c, 'Please sign in again', 'Your sign-in session ended before you answered. Start again from your application.', 403);
    if (!csrfMatches(form.csrf_token, session.csrfToken)) {
      return errorPage(c, 'This form cannot be accepted', 'The consent form did not come from this sign-in session.', 403);
    }
    if (form.decision !== 'approve') {
      return c.redirect(
        authorizationResponseUrl(request.redirectUri, oauth.issuer, { error: 'access_denied', error_description: 'the user denied access', state: request.state }),
        302,
      );
    }
    await recordConsent(oauth.ctx, session.userId, request);
    return grant(c, request, session);
  });

  return app;
}
