import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { apiTokenCreatedSchema, apiTokenSchema, mcpKeyCreateSchema } from '@switchboard/core/contracts/api-tokens';
import { errorBodySchema, pageOf, pageQuerySchema } from '@switchboard/core/contracts/common';
import { myServersSchema } from '@switchboard/core/contracts/my-servers';
import { errorResponses, idParams, jsonResponse } from '../http/crud.ts';
import type { AppEnv, Person } from '../http/env.ts';
import { validationHook } from '../http/validation.ts';
import type { ServiceContext } from '../services/context.ts';
import { listMyKeys, mintMcpKey, revokeMyKey } from '../services/mcp-keys.ts';
import { listMyServers } from '../services/my-servers.ts';

export interface MeRoutesOptions {
  /** A key minted or revoked: the in-memory key directory (every replica) follows before the answer. */
  onKeysChanged: () => Promise<void>;
}

const tags = ['me'];

/**
 * `/api/v1/me`: every signed-in person's own area — what they may use, their personal MCP
 * keys (and their upstream connections). Nobody reaches another person's things here;
 * administrators do that through the admin API. Mounted behind `requirePerson`
 * (http/person-auth.ts), which sets `person`.
 */
export function meRoutes(ctx: ServiceContext, { onKeysChanged }: MeRoutesOptions) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const person = (c: { get(key: 'person'): Person | undefined }) => c.get('person')!;
  const notFound = { 404: jsonResponse(errorBodySchema, 'No such key of yours') };

  app.openapi(
    createRoute({
      method: 'get',
      path: '/servers',
      tags,
      summary: 'The virtual servers you may use, with the tools your policy allows',
      responses: { 200: jsonResponse(myServersSchema, 'Your servers'), ...errorResponses },
    }),
    async (c) => c.json({ items: await listMyServers(ctx, person(c).id) }, 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/keys',
      tags,
      summary: 'Your personal MCP keys (never their values)',
      request: { query: pageQuerySchema },
      responses: { 200: jsonResponse(pageOf(apiTokenSchema), 'A page of your keys'), ...errorResponses },
    }),
    async (c) => c.json(await listMyKeys(ctx, person(c).id, c.req.valid('query')), 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/keys',
      tags,
      summary: 'Mint a personal MCP key; the response is the only time its value is shown',
      description:
        'The key works only on MCP endpoints of `api-key` virtual servers (optionally only those in `virtualServerIds`), where it acts as you: your allowlist and credentials apply.',
      request: { body: { ...jsonResponse(mcpKeyCreateSchema, 'The new key'), required: true } },
      responses: {
        201: jsonResponse(apiTokenCreatedSchema, 'The key, with its value'),
        ...errorResponses,
        409: jsonResponse(errorBodySchema, 'Too many live keys'),
      },
    }),
    async (c) => {
      const created = await mintMcpKey(ctx, person(c).id, c.req.valid('json'));
      await onKeysChanged();
      return c.json(created, 201);
    },
  );
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/keys/{id}',
      tags,
      summary: 'Revoke one of your MCP keys (refused from the next request on)',
      request: { params: idParams },
      responses: { 200: jsonResponse(apiTokenSchema, 'The revoked key'), ...errorResponses, ...notFound },
    }),
    async (c) => {
      const revoked = await revokeMyKey(ctx, person(c).id, c.req.valid('param').id);
      await onKeysChanged();
      return c.json(revoked, 200);
    },
  );
  return app;
}
