import type { SafeFetchOptions } from '@switchboard/auth/oauth/safe-fetch';
import type { DatabaseHandle } from '@switchboard/db/client';
import type { Context } from 'hono';
import type { Logger } from 'pino';
import type { UserConnectionStore } from '../credentials/connection-store.ts';
import type { Credentials } from '../credentials/credentials.ts';
import type { CredentialUpstream } from '../credentials/types.ts';
import { readConsoleCookie } from '../http/console-cookie.ts';
import { ProviderClients } from '../oauth/identity-provider-client.ts';
import type { ServiceContext } from '../services/context.ts';
import { findWebSession } from '../services/web-sessions.ts';
import { startUpstreamAuthorization } from './connect-flow.ts';
import { browserBinding, connectRoutes } from './connect-routes.ts';
import { upstreamOAuthProvider } from './oauth-provider.ts';
import { tokenExchangeOptionsSchema } from './options.ts';
import { tokenExchangeProvider } from './token-exchange.ts';
import { UpstreamOAuthClients } from './upstream-clients.ts';

export interface UpstreamOAuthOptions {
  ctx: ServiceContext;
  credentials: Credentials;
  store: UserConnectionStore;
  logger: Logger;
  database: Pick<DatabaseHandle, 'withAdvisoryLock'>;
  /** A person connected an account: the configuration's live state reloads (as after `PUT /me/connections`). */
  onConnected?: () => Promise<void>;
  /** Tests only: what the outbound guard allows for URLs nobody configured (as `cimdFetch` for CIMD). */
  guard?: SafeFetchOptions;
}

/**
 * The gateway as an OAuth client of upstreams, for people: the `oauth` and `token-exchange`
 * credential providers, the connect pages, and what `POST /me/connections/{upstream}/authorize`
 * answers. Built once in deps.ts.
 */
export function createUpstreamOAuth(options: UpstreamOAuthOptions) {
  const { ctx, credentials, store, logger } = options;
  const log = logger.child({ component: 'upstream-oauth' });
  const clients = new UpstreamOAuthClients(ctx, options.guard);
  const oauth = upstreamOAuthProvider({ ctx, store, clients, logger: log, lock: options.database });
  const exchange = tokenExchangeProvider({ ctx, store, providers: new ProviderClients(ctx), logger: log });
  const find = (idOrName: string): CredentialUpstream | undefined => credentials.all().find((u) => u.id === idOrName || u.name === idOrName);
  const oauthUpstream = (id: string) => {
    const upstream = credentials.upstream(id);
    return upstream?.mode === 'oauth' ? upstream : undefined;
  };

  /**
   * Token exchange, from the connect page: exchange now (the first exchange also lets the
   * upstream's catalog be listed); undefined when it worked, else the provider to sign in with.
   */
  async function exchangeOrSignIn(upstream: CredentialUpstream, userId: string): Promise<string | undefined> {
    const parsed = tokenExchangeOptionsSchema.safeParse(upstream.options);
    if (!parsed.success) return undefined;
    const had = await store.get(userId, upstream.id);
    try {
      await exchange.resolve(upstream, { userId, email: null, roles: [], principal: { key: `user:${userId}`, kind: 'console', userId, clientId: null } });
    } catch (error) {
      log.info({ upstream: upstream.name, err: { message: (error as Error).message } }, 'token exchange from the connect page failed: signing in with the provider');
      return parsed.data.identityProvider;
    }
    if (had?.status !== 'connected') await options.onConnected?.();
    return undefined;
  }

  const routes = connectRoutes({ ctx, clients, store, logger: log, upstream: oauthUpstream, find, signInProvider: exchangeOrSignIn, onConnected: options.onConnected });

  return {
    oauth,
    exchange,
    routes,
    /**
     * The URL a person opens to connect the upstream. From the console (its session cookie
     * came with the request) the authorization starts here, bound to this browser, and the
     * URL is the AS's; from anything else (an API key) it is the gateway's connect page, which
     * binds the flow to whichever browser opens it.
     */
    async authorizeUrl(c: Context, userId: string, upstream: CredentialUpstream): Promise<string> {
      const connectPage = `${ctx.publicUrl}/connections/${encodeURIComponent(upstream.name)}/connect`;
      if (upstream.mode !== 'oauth') return connectPage;
      const session = await findWebSession(ctx, 'console', readConsoleCookie(c, ctx.publicUrl));
      if (!session || session.userId !== userId) return connectPage;
      try {
        const url = await startUpstreamAuthorization({ ctx, clients, store, upstream: oauthUpstream }, { upstream, userId, browserBinding: browserBinding(c, ctx.publicUrl) });
        return url.toString();
      } catch (error) {
        log.warn({ upstream: upstream.name, err: { message: (error as Error).message } }, 'could not start an upstream authorization');
        throw error;
      }
    },
  };
}

export type UpstreamOAuth = ReturnType<typeof createUpstreamOAuth>;
