import { clientRegistrationSchema, describeRegistrationError, registrationErrorCode } from '@switchboard/auth/oauth/client-metadata';
import { invalidRequest, OAuthError } from '@switchboard/auth/oauth/oauth-error';
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { AppEnv } from '../http/env.ts';
import { authenticateClient, type PresentedClientCredentials, registerClient, touchClient } from './clients.ts';
import type { OAuthContext } from './context.ts';
import { formFields } from './form.ts';
import { exchangeCode, exchangeRefreshToken, revokeToken } from './grants.ts';

/** RFC 6749 §5.2 error bodies, never cached; invalid_client over Basic gets a challenge. */
function oauthError(c: Context, error: OAuthError) {
  c.header('Cache-Control', 'no-store');
  if (error.status === 401) c.header('WWW-Authenticate', 'Basic realm="switchboard"');
  return c.json(error.toJSON(), error.status);
}

function clientCredentials(c: Context, form: Record<string, string>): PresentedClientCredentials {
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(c.req.header('authorization') ?? '');
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new OAuthError('invalid_client', 'malformed Basic credentials', 401);
    // RFC 6749 §2.3.1: both parts are form-urlencoded before base64.
    const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    return { clientId: decode(decoded.slice(0, colon)), clientSecret: decode(decoded.slice(colon + 1)), method: 'basic' };
  }
  if (form.client_secret) return { clientId: form.client_id, clientSecret: form.client_secret, method: 'post' };
  return { clientId: form.client_id, method: 'none' };
}

/** Token, revocation and dynamic registration endpoints. */
export function endpointRoutes(oauth: OAuthContext) {
  const app = new Hono<AppEnv>();

  app.onError((error, c) => {
    if (error instanceof OAuthError) return oauthError(c, error);
    throw error;
  });

  app.post('/oauth/token', async (c, next) => {
    // every refused grant is counted, whichever check refused it (the handler throws, onError answers)
    await next();
    if (c.res.status >= 400) oauth.events?.oauthEvent('token_failed');
  });

  app.post('/oauth/token', async (c) => {
    const form = await formFields(c);
    if (!form.grant_type) throw invalidRequest('grant_type is required (send application/x-www-form-urlencoded)');
    const client = await authenticateClient(oauth.ctx, clientCredentials(c, form), oauth.clientLookup);
    if (form.client_id && form.client_id !== client.clientId) throw invalidRequest('client_id does not match the authenticated client');
    let tokens: Awaited<ReturnType<typeof exchangeCode>>;
    if (form.grant_type === 'authorization_code') {
      tokens = await exchangeCode(oauth, client, { code: form.code, redirectUri: form.redirect_uri, codeVerifier: form.code_verifier, resource: form.resource });
    } else if (form.grant_type === 'refresh_token') {
      tokens = await exchangeRefreshToken(oauth, client, { refreshToken: form.refresh_token, scope: form.scope, resource: form.resource });
    } else {
      throw new OAuthError('unsupported_grant_type', 'supported grant types: authorization_code, refresh_token');
    }
    oauth.events?.oauthEvent(form.grant_type === 'refresh_token' ? 'token_refreshed' : 'token_issued');
    touchClient(oauth.ctx, client.id).catch((err) => oauth.logger.warn({ err }, 'could not record client use'));
    c.header('Cache-Control', 'no-store');
    c.header('Pragma', 'no-cache');
    return c.json(tokens);
  });

  app.post('/oauth/revoke', async (c) => {
    const form = await formFields(c);
    const client = await authenticateClient(oauth.ctx, clientCredentials(c, form), oauth.clientLookup);
    await revokeToken(oauth, client, form.token);
    return c.body(null, 200);
  });

  app.post('/oauth/register', async (c) => {
    // per client address, shared by every replica (limits/address-limits.ts)
    const wait = (await oauth.ctx.addressLimits?.take('registration', c)) ?? 0;
    if (wait > 0) {
      c.header('Retry-After', String(wait));
      return oauthError(c, new OAuthError('rate_limited', 'too many client registrations; try again later', 429));
    }
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw new OAuthError('invalid_client_metadata', 'the body must be a JSON object of client metadata');
    }
    const parsed = clientRegistrationSchema.safeParse(body);
    if (!parsed.success) throw new OAuthError(registrationErrorCode(parsed.error), describeRegistrationError(parsed.error));
    c.header('Cache-Control', 'no-store');
    const registered = await registerClient(oauth.ctx, parsed.data);
    oauth.events?.oauthEvent('client_registered');
    return c.json(registered, 201);
  });

  return app;
}
