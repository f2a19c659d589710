import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { errorBodySchema, pageOf, pageQuerySchema } from '@switchboard/core/contracts/common';
import { oauthClientSchema } from '@switchboard/core/contracts/oauth-clients';
import { errorResponses, idParams, jsonResponse, searchQuery } from '../http/crud.ts';
import type { AppEnv } from '../http/env.ts';
import { validationHook } from '../http/validation.ts';
import type { ServiceContext } from '../services/context.ts';
import { getOAuthClient, listOAuthClients, revokeOAuthClient } from '../services/oauth-clients.ts';

/**
 * Clients of the authorization server. They register themselves (DCR) or are identified
 * by their metadata document (CIMD), so the API only reads and revokes them.
 */
export function oauthClientRoutes(ctx: ServiceContext) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const notFound = { 404: jsonResponse(errorBodySchema, 'No such OAuth client') };
  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['oauth-clients'],
      summary: 'List OAuth clients',
      request: { query: pageQuerySchema.extend(searchQuery.shape) },
      responses: { 200: jsonResponse(pageOf(oauthClientSchema), 'A page of OAuth clients'), ...errorResponses },
    }),
    async (c) => c.json(await listOAuthClients(ctx, c.req.valid('query')), 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}',
      tags: ['oauth-clients'],
      summary: 'Get an OAuth client',
      request: { params: idParams },
      responses: { 200: jsonResponse(oauthClientSchema, 'The OAuth client'), ...errorResponses, ...notFound },
    }),
    async (c) => c.json(await getOAuthClient(ctx, c.req.valid('param').id), 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/revoke',
      tags: ['oauth-clients'],
      summary: 'Revoke an OAuth client, its refresh tokens and its consents',
      request: { params: idParams },
      responses: { 200: jsonResponse(oauthClientSchema, 'The revoked OAuth client'), ...errorResponses, ...notFound },
    }),
    async (c) => {
      const id = c.req.valid('param').id;
      return c.json(await ctx.db.transaction((db) => revokeOAuthClient({ ...ctx, db }, id)), 200);
    },
  );
  return app;
}
