import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { connectionListSchema, connectionSchema, connectionValuesSchema } from '@switchboard/core/contracts/credentials';
import { errorResponses, jsonResponse } from '../http/crud.ts';
import type { AppEnv } from '../http/env.ts';
import { validationHook } from '../http/validation.ts';
import type { ServiceContext } from '../services/context.ts';
import { type AuthorizeUrl, meAuthorizeRoute } from './me-connection-authorize.ts';
import { findConnectable, getConnection, listConnections, removeConnection, setConnectionValues } from '../services/user-connections.ts';

const upstreamParams = z.object({ upstream: z.string().min(1).max(100).describe('The upstream id or name') });
const personOf = (c: { get(key: 'person'): AppEnv['Variables']['person'] }) => c.get('person')!;

/**
 * `/me/connections`: the signed-in person's own credentials for upstreams that act as each
 * person. Values are write-only; a change applies to the person's next call (their
 * upstream connection is remade with it) on every replica.
 */
export function meConnectionRoutes(ctx: ServiceContext, onChanged: () => Promise<void>, authorizeUrl?: AuthorizeUrl) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  if (authorizeUrl) app.route('/', meAuthorizeRoute(ctx, authorizeUrl));
  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['me'],
      summary: 'Upstreams that need your own credential, and where you stand with each',
      responses: { 200: jsonResponse(connectionListSchema, 'Your connections'), ...errorResponses },
    }),
    async (c) => {
      const person = personOf(c);
      const items = await listConnections(ctx, person.id, (u) => ctx.federation?.upstreamVisibleTo?.(u.id, person.id) ?? true);
      return c.json({ items }, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/{upstream}',
      tags: ['me'],
      summary: 'Your connection to one upstream',
      request: { params: upstreamParams },
      responses: { 200: jsonResponse(connectionSchema, 'Your connection'), ...errorResponses },
    }),
    async (c) => c.json(await getConnection(ctx, personOf(c).id, findConnectable(ctx, c.req.valid('param').upstream)), 200),
  );
  app.openapi(
    createRoute({
      method: 'put',
      path: '/{upstream}',
      tags: ['me'],
      summary: 'Set your values for a per-user upstream (write-only)',
      request: { params: upstreamParams, body: { content: { 'application/json': { schema: connectionValuesSchema } }, required: true } },
      responses: { 200: jsonResponse(connectionSchema, 'Connected'), ...errorResponses },
    }),
    async (c) => {
      const upstream = findConnectable(ctx, c.req.valid('param').upstream);
      const connection = await setConnectionValues(ctx, personOf(c).id, upstream, c.req.valid('json'));
      await onChanged();
      return c.json(connection, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/{upstream}',
      tags: ['me'],
      summary: 'Disconnect: your credential for the upstream is deleted',
      request: { params: upstreamParams },
      responses: { 204: { description: 'Disconnected' }, ...errorResponses },
    }),
    async (c) => {
      await removeConnection(ctx, personOf(c).id, findConnectable(ctx, c.req.valid('param').upstream));
      await onChanged();
      return c.body(null, 204);
    },
  );
  return app;
}

/** `/users/{id}/connections` (admins): a person's connection status, never the values; revoke one. */
export function userConnectionRoutes(ctx: ServiceContext) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const userParams = z.object({ id: z.uuid() });
  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/connections',
      tags: ['users'],
      summary: "A person's connections to upstreams that act as each person (status only)",
      request: { params: userParams },
      responses: { 200: jsonResponse(connectionListSchema, 'Their connections'), ...errorResponses },
    }),
    async (c) => c.json({ items: await listConnections(ctx, c.req.valid('param').id) }, 200),
  );
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/{id}/connections/{upstream}',
      tags: ['users'],
      summary: "Revoke a person's connection to an upstream",
      request: { params: userParams.extend(upstreamParams.shape) },
      responses: { 204: { description: 'Revoked' }, ...errorResponses },
    }),
    async (c) => {
      const { id, upstream } = c.req.valid('param');
      await removeConnection(ctx, id, findConnectable(ctx, upstream));
      return c.body(null, 204);
    },
  );
  return app;
}
