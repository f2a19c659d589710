import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { CredentialUpstream } from '../credentials/types.ts';
import { AppError, badRequest } from '../errors.ts';
import { errorResponses, jsonResponse } from '../http/crud.ts';
import type { AppEnv } from '../http/env.ts';
import { validationHook } from '../http/validation.ts';
import type { ServiceContext } from '../services/context.ts';
import { findConnectable } from '../services/user-connections.ts';

/** Where the person's browser goes to connect the upstream (upstream-oauth/setup.ts). */
export type AuthorizeUrl = (c: Context, userId: string, upstream: CredentialUpstream) => Promise<string>;

const authorizeAnswer = z.object({ url: z.url().describe('Open this in the browser to connect') }).meta({ id: 'ConnectionAuthorization' });

/**
 * `POST /me/connections/{upstream}/authorize`: for an `oauth` upstream, the authorization
 * server's URL (from the console: the flow is started and bound to this browser) or the
 * gateway's connect page; for `token-exchange`, the connect page (a sign-in with the
 * identity provider when needed). Other modes are not connected by authorizing.
 */
export function meAuthorizeRoute(ctx: ServiceContext, authorizeUrl: AuthorizeUrl) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openapi(
    createRoute({
      method: 'post',
      path: '/{upstream}/authorize',
      tags: ['me'],
      summary: 'Start connecting your account at an upstream (OAuth, token exchange): returns the URL to open',
      request: { params: z.object({ upstream: z.string().min(1).max(100).describe('The upstream id or name') }) },
      responses: { 200: jsonResponse(authorizeAnswer, 'The URL to open'), ...errorResponses },
    }),
    async (c) => {
      const upstream = findConnectable(ctx, c.req.valid('param').upstream);
      if (upstream.mode !== 'oauth' && upstream.mode !== 'token-exchange') {
        throw badRequest(`upstream "${upstream.name}" is not connected by authorizing (mode ${upstream.mode})`, 'wrong_mode');
      }
      try {
        return c.json({ url: await authorizeUrl(c, c.get('person')!.id, upstream) }, 200);
      } catch (error) {
        if (error instanceof AppError) throw error;
        // the reason (discovery, registration) is in the gateway's log; people get no internal URLs
        throw new AppError(503, 'authorization_unavailable', `the authorization server of upstream "${upstream.name}" cannot be used right now; ask an administrator to check its OAuth settings`);
      }
    },
  );
  return app;
}
