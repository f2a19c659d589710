import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { apiTokenCreatedSchema, apiTokenCreateSchema, apiTokenSchema } from '@switchboard/core/contracts/api-tokens';
import { errorBodySchema, pageOf, pageQuerySchema } from '@switchboard/core/contracts/common';
import type { AppEnv } from '../http/env.ts';
import { errorResponses, idParams, jsonResponse } from '../http/crud.ts';
import { validationHook } from '../http/validation.ts';
import { createApiToken, getApiToken, listApiTokens, revokeApiToken } from '../services/api-tokens.ts';
import type { ServiceContext } from '../services/context.ts';

/** API tokens: the value is returned once at creation; DELETE revokes (the record stays). */
export function apiTokenRoutes(ctx: ServiceContext) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const notFound = { 404: jsonResponse(errorBodySchema, 'No such token') };
  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['api-tokens'],
      summary: 'List API tokens (never their values)',
      request: { query: pageQuerySchema },
      responses: { 200: jsonResponse(pageOf(apiTokenSchema), 'A page of tokens'), ...errorResponses },
    }),
    async (c) => c.json(await listApiTokens(ctx, c.req.valid('query')), 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}',
      tags: ['api-tokens'],
      summary: 'Get an API token',
      request: { params: idParams },
      responses: { 200: jsonResponse(apiTokenSchema, 'The token'), ...errorResponses, ...notFound },
    }),
    async (c) => c.json(await getApiToken(ctx, c.req.valid('param').id), 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      tags: ['api-tokens'],
      summary: 'Create an API token; the response is the only time its value is shown',
      request: { body: { ...jsonResponse(apiTokenCreateSchema, 'The new token'), required: true } },
      responses: { 201: jsonResponse(apiTokenCreatedSchema, 'The token, with its value'), ...errorResponses },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const owner = c.get('adminToken')?.userId ?? c.get('consoleUser')?.id ?? null;
      return c.json(await createApiToken(ctx, { ...input, userId: owner }), 201);
    },
  );
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/{id}',
      tags: ['api-tokens'],
      summary: 'Revoke an API token',
      request: { params: idParams },
      responses: { 200: jsonResponse(apiTokenSchema, 'The revoked token'), ...errorResponses, ...notFound },
    }),
    async (c) => c.json(await revokeApiToken(ctx, c.req.valid('param').id), 200),
  );
  return app;
}
