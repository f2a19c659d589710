import { OpenAPIHono } from '@hono/zod-openapi';
import type { Logger } from 'pino';
import { requireAdmin } from '../http/admin-auth.ts';
import { adminTrail, changesNothing } from '../http/admin-trail.ts';
import { requirePerson } from '../http/person-auth.ts';
import type { AppEnv } from '../http/env.ts';
import { validationHook } from '../http/validation.ts';
import type { ServiceContext } from '../services/context.ts';
import { apiTokenRoutes } from './api-tokens.ts';
import { adminEventRoutes } from './admin-events.ts';
import { auditEventRoutes } from './audit-events.ts';
import { configDocumentRoutes } from './config-document.ts';
import { consoleSessionRoutes } from './console-session.ts';
import { dependentRoutes } from './dependents.ts';
import { identityProviderRoutes } from './identity-providers.ts';
import { meRoutes } from './me.ts';
import type { AuthorizeUrl } from './me-connection-authorize.ts';
import { meConnectionRoutes, userConnectionRoutes } from './me-connections.ts';
import { oauthClientRoutes } from './oauth-clients.ts';
import { oauthConsentRoutes } from './oauth-consents.ts';
import { playgroundRoutes } from './playground.ts';
import { policyRoutes } from './policies.ts';
import { rateLimitRoutes } from './rate-limits.ts';
import { roleRoutes } from './roles.ts';
import { secretRoutes } from './secrets.ts';
import { sessionRoutes } from './sessions.ts';
import { statsRoutes } from './stats.ts';
import { upstreamRuntimeRoutes } from './upstream-runtime.ts';
import { upstreamRoutes } from './upstreams.ts';
import { userKeyRoutes } from './user-keys.ts';
import { userRoutes } from './users.ts';
import { virtualServerAccessRoutes } from './virtual-server-access.ts';
import { virtualServerRoutes } from './virtual-servers.ts';

export interface AdminApiOptions {
  ctx: ServiceContext;
  logger: Logger;
  substitutionEnv: Record<string, string | undefined>;
  version: string;
  /** Called after every successful change, before the response: live state follows the database. */
  onConfigChanged: () => Promise<void>;
  /** `POST /me/connections/{upstream}/authorize`: where the person goes to connect (upstream-oauth/). */
  authorizeUrl?: AuthorizeUrl;
}

/** `/api/v1`: every admin resource, behind API-token auth, described at /openapi.json. */
export function adminApi({ ctx, logger, substitutionEnv, version, onConfigChanged, authorizeUrl }: AdminApiOptions) {
  const api = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  api.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'An admin API token (`sb_…`)',
  });
  api.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Switchboard admin API', version },
    servers: [{ url: `${ctx.publicUrl}/api/v1` }],
    security: [{ bearerAuth: [] }],
  });
  // Console sign-in is how a browser gets a credential, so it comes before the auth check too.
  api.route('/session', consoleSessionRoutes(ctx));
  // Every signed-in person's own area (not only admins): its own auth, before the admin check.
  api.use('/me/*', requirePerson(ctx, logger));
  api.route('/me', meRoutes(ctx, { onKeysChanged: onConfigChanged }));
  api.route('/me/connections', meConnectionRoutes(ctx, onConfigChanged, authorizeUrl));
  // Registered after the document route, so /openapi.json stays public and everything else needs a token
  // (`/me/*` has requirePerson instead, so an unknown path there is a 404, not an admin refusal; and
  // what a person does in their own area is not an administrator's change).
  const isMe = (path: string) => path.startsWith('/api/v1/me/') || path === '/api/v1/me';
  const admin = requireAdmin(ctx, logger);
  const trail = adminTrail(ctx);
  api.use('*', (c, next) => (isMe(c.req.path) ? next() : admin(c, next)));
  api.use('*', (c, next) => (isMe(c.req.path) ? next() : trail(c, next)));
  api.use('*', async (c, next) => {
    await next();
    if (c.req.method !== 'GET' && c.res.status < 400 && !changesNothing(c)) await onConfigChanged();
  });
  api.route('/upstreams', upstreamRoutes(ctx));
  api.route('/upstreams', upstreamRuntimeRoutes(ctx));
  api.route('/virtual-servers', virtualServerRoutes(ctx));
  api.route('/virtual-servers', playgroundRoutes(ctx));
  api.route('/virtual-servers', virtualServerAccessRoutes(ctx));
  api.route('/users', userRoutes(ctx));
  api.route('/users', userConnectionRoutes(ctx));
  api.route('/users', userKeyRoutes(ctx));
  api.route('/roles', roleRoutes(ctx));
  api.route('/policies', policyRoutes(ctx));
  api.route('/rate-limits', rateLimitRoutes(ctx));
  api.route('/api-tokens', apiTokenRoutes(ctx));
  api.route('/identity-providers', identityProviderRoutes(ctx));
  api.route('/oauth-clients', oauthClientRoutes(ctx));
  api.route('/oauth-consents', oauthConsentRoutes(ctx));
  api.route('/secrets', secretRoutes(ctx));
  api.route('/sessions', sessionRoutes(ctx));
  api.route('/stats', statsRoutes(ctx));
  api.route('/audit-events', auditEventRoutes(ctx));
  api.route('/admin-events', adminEventRoutes(ctx));
  api.route('/', configDocumentRoutes(ctx, substitutionEnv));
  api.route('/', dependentRoutes(ctx));
  return api;
}
