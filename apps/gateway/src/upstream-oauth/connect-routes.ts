import { randomBytes } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { html } from 'hono/html';
import type { Logger } from 'pino';
import { readConsoleCookie } from '../http/console-cookie.ts';
import type { AppEnv } from '../http/env.ts';
import { cookieJar } from '../oauth/cookies.ts';
import { errorPage } from '../oauth/pages/error-page.ts';
import { renderPage } from '../oauth/pages/layout.ts';
import { findWebSession } from '../services/web-sessions.ts';
import { PENDING_AUTHORIZATION_SECONDS } from './authorizations.ts';
import { clientMetadataPath, gatewayClientMetadata, upstreamCallbackPath } from './client-identity.ts';
import { type ConnectFlowDeps, completeUpstreamAuthorization, startUpstreamAuthorization } from './connect-flow.ts';
import type { OAuthUpstream } from './upstream-clients.ts';

export interface ConnectRoutesDeps extends ConnectFlowDeps {
  logger: Logger;
  /** A per-person upstream by id or name, with its credential mode; undefined when none. */
  find(idOrName: string): (OAuthUpstream & { mode: string }) | undefined;
  /** Token exchange: the slug of the provider to sign in with, when the person has no usable login token yet. */
  signInProvider(upstream: OAuthUpstream & { mode: string }, userId: string): Promise<string | undefined>;
}

/** The companion cookie the pending authorization is bound to (see `browserBinding`). */
export function browserBinding(c: Context, publicUrl: string): string {
  const jar = cookieJar(publicUrl);
  const existing = jar.get(c, 'upstream_oauth');
  const binding = existing && /^[A-Za-z0-9_-]{43}$/.test(existing) ? existing : randomBytes(32).toString('base64url');
  // Lax, not the console cookie's Strict: the AS sends the browser back with a cross-site
  // redirect, on which a Strict cookie is not sent. Several flows at once share one value.
  jar.set(c, 'upstream_oauth', binding, PENDING_AUTHORIZATION_SECONDS, 'Lax');
  return binding;
}

/**
 * The person's side of connecting an upstream account, all server-rendered like /login:
 * `GET /connections/{upstream}/connect` (the link an MCP client is given; signs the person
 * in first if needed, then sends them to the upstream's AS), `GET /oauth/upstream-callback`
 * (the AS sends them back; tokens stored; "connected, you can close this tab"), and the
 * gateway's Client ID Metadata Document.
 */
export function connectRoutes(deps: ConnectRoutesDeps) {
  const app = new Hono<AppEnv>();
  const { publicUrl } = deps.ctx;

  app.get(clientMetadataPath, (c) => {
    c.header('Cache-Control', 'public, max-age=3600');
    return c.json(gatewayClientMetadata(publicUrl));
  });

  /** Who is at this browser: a console session, or a sign-in at the authorization server's pages. */
  async function person(c: Context) {
    const consoleSession = await findWebSession(deps.ctx, 'console', readConsoleCookie(c, publicUrl));
    return consoleSession ?? (await findWebSession(deps.ctx, 'login', cookieJar(publicUrl).get(c, 'login')));
  }

  app.get('/connections/:upstream/connect', async (c) => {
    const upstream = deps.find(c.req.param('upstream'));
    if (!upstream) return errorPage(c, 'Unknown upstream', 'No upstream by this name needs your own account.');
    const here = `/connections/${encodeURIComponent(upstream.name)}/connect`;
    const who = await person(c);
    if (!who) return c.redirect(`/login?return_to=${encodeURIComponent(here)}`, 302);
    if (upstream.mode === 'token-exchange') {
      const slug = await deps.signInProvider(upstream, who.userId);
      if (!slug) return connectedPage(c, upstream.name);
      if (c.req.query('signed_in') === '1') return errorPage(c, 'Not connected', 'Your identity provider did not give Switchboard a token it can exchange.');
      return c.redirect(`/oauth/login/${encodeURIComponent(slug)}?return_to=${encodeURIComponent(`${here}?signed_in=1`)}`, 302);
    }
    if (upstream.mode !== 'oauth') return c.redirect(`/connections/${encodeURIComponent(upstream.name)}`, 302);
    try {
      const url = await startUpstreamAuthorization(deps, { upstream, userId: who.userId, browserBinding: browserBinding(c, publicUrl) });
      return c.redirect(url.toString(), 302);
    } catch (error) {
      deps.logger.warn({ upstream: upstream.name, err: { message: (error as Error).message } }, 'could not start an upstream authorization');
      return renderPage(
        c,
        { title: 'Cannot connect', status: 502 },
        html`<h1>Cannot connect ${upstream.name}</h1><p class="sub">Its authorization server cannot be used right now. Ask an administrator to check the upstream's OAuth settings.</p>`,
      );
    }
  });

  app.get(upstreamCallbackPath, async (c) => {
    const callbackUrl = new URL(`${publicUrl}${upstreamCallbackPath}`);
    callbackUrl.search = new URL(c.req.url).search;
    const outcome = await completeUpstreamAuthorization(deps, { callbackUrl, browserBinding: cookieJar(publicUrl).get(c, 'upstream_oauth') });
    if (!outcome.ok) {
      if (outcome.log) deps.logger.warn(outcome.log, 'upstream authorization callback failed');
      return renderPage(c, { title: outcome.title, status: outcome.status }, html`<h1>${outcome.title}</h1><p class="sub">${outcome.message}</p>`);
    }
    return connectedPage(c, outcome.upstream.name);
  });

  return app;
}

function connectedPage(c: Context, upstreamName: string) {
  return renderPage(
    c,
    { title: 'Connected' },
    html`<h1>Connected</h1><p class="sub">Your account is connected to <strong>${upstreamName}</strong>. You can close this tab and retry your request.</p>`,
  );
}
