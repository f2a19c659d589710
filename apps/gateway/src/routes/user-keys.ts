import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { apiTokenCreatedSchema, apiTokenSchema, mcpKeyCreateSchema } from '@switchboard/core/contracts/api-tokens';
import { errorBodySchema, pageOf, pageQuerySchema } from '@switchboard/core/contracts/common';
import { errorResponses, jsonResponse } from '../http/crud.ts';
import type { AppEnv } from '../http/env.ts';
import { validationHook } from '../http/validation.ts';
import { AppError } from '../errors.ts';
import type { ServiceContext } from '../services/context.ts';
import { listMyKeys, mintMcpKey } from '../services/mcp-keys.ts';
import { getUser } from '../services/users.ts';

const tags = ['users'];
const userParams = z.object({ id: z.uuid() });

/**
 * `/users/{id}/mcp-keys` (admins): a person's MCP keys, and minting one on their behalf —
 * for accounts that never sign in themselves (a CI bot, a service). The key acts as that
 * person, exactly like one they mint at `/me/keys`: their allowlist and credentials apply,
 * they see it in their own area and can revoke it; the admin trail records who minted it
 * (never its value). Revoking goes through `DELETE /api-tokens/{id}`.
 */
export function userKeyRoutes(ctx: ServiceContext) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const notFound = { 404: jsonResponse(errorBodySchema, 'No such user') };
  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/mcp-keys',
      tags,
      summary: "A person's MCP keys (never their values)",
      request: { params: userParams, query: pageQuerySchema },
      responses: { 200: jsonResponse(pageOf(apiTokenSchema), 'A page of their keys'), ...errorResponses, ...notFound },
    }),
    async (c) => {
      const user = await getUser(ctx, c.req.valid('param').id);
      return c.json(await listMyKeys(ctx, user.id, c.req.valid('query')), 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/mcp-keys',
      tags,
      summary: 'Mint an MCP key that acts as this person; the response is the only time its value is shown',
      request: { params: userParams, body: { ...jsonResponse(mcpKeyCreateSchema, 'The new key'), required: true } },
      responses: {
        201: jsonResponse(apiTokenCreatedSchema, 'The key, with its value'),
        ...errorResponses,
        ...notFound,
        409: jsonResponse(errorBodySchema, 'The person is disabled, or has too many live keys'),
      },
    }),
    async (c) => {
      const user = await getUser(ctx, c.req.valid('param').id);
      if (user.disabled) throw new AppError(409, 'user_disabled', `${user.email} is disabled: enable them before minting a key`);
      return c.json(await mintMcpKey(ctx, user.id, c.req.valid('json')), 201);
    },
  );
  return app;
}
