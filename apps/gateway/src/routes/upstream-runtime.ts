import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { errorBodySchema } from '@switchboard/core/contracts/common';
import { connectionTestSchema } from '@switchboard/core/contracts/connection-test';
import { upstreamCatalogSchema, upstreamCreateSchema, upstreamStatusSchema } from '@switchboard/core/contracts/upstreams';
import { UpstreamError } from '@switchboard/core/upstream/types';
import { AppError, notFound } from '../errors.ts';
import { errorResponses, idParams, jsonResponse } from '../http/crud.ts';
import type { AppEnv } from '../http/env.ts';
import { validationHook } from '../http/validation.ts';
import type { ServiceContext } from '../services/context.ts';
import { getCatalogRow, saveCatalog } from '../services/upstream-catalogs.ts';
import { testUpstreamConnection } from '../services/upstream-test.ts';
import { findUpstreamRow } from '../services/upstreams.ts';

type CatalogRow = NonNullable<Awaited<ReturnType<typeof getCatalogRow>>>;
const catalogBody = ({ tools, resources, resourceTemplates, prompts, serverInfo, instructions, refreshedAt, checkedAt }: CatalogRow) => ({
  tools,
  resources,
  resourceTemplates,
  prompts,
  serverInfo,
  instructions,
  refreshedAt: refreshedAt.toISOString(),
  checkedAt: checkedAt.toISOString(),
});

const missing = { 404: jsonResponse(errorBodySchema, 'No such upstream') };

/** The live side of an upstream: connection status, its catalog, and refreshing it. */
export function upstreamRuntimeRoutes(ctx: ServiceContext) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/status',
      tags: ['upstreams'],
      summary: 'Connection status of an upstream in this gateway process',
      request: { params: idParams },
      responses: { 200: jsonResponse(upstreamStatusSchema, 'The status'), ...errorResponses, ...missing },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await findUpstreamRow(ctx, id);
      const status = ctx.federation?.status(id);
      if (!status) throw notFound('running upstream', id);
      return c.json(status, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/catalog',
      tags: ['upstreams'],
      summary: 'The tools, resources and prompts the upstream offered when last listed',
      request: { params: idParams },
      responses: {
        200: jsonResponse(upstreamCatalogSchema, 'The catalog'),
        204: { description: 'Not listed yet (the gateway connects on first use, or POST …/refresh)' },
        ...errorResponses,
        ...missing,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await findUpstreamRow(ctx, id);
      const row = await getCatalogRow(ctx.db, id);
      // Not listed yet is a normal state (connect-on-use), not an error: 204, no body.
      if (!row) return c.body(null, 204);
      return c.json(catalogBody(row), 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/refresh',
      tags: ['upstreams'],
      summary: 'Connect if needed and list the upstream again',
      request: { params: idParams },
      responses: {
        200: jsonResponse(upstreamCatalogSchema, 'The fresh catalog'),
        ...errorResponses,
        ...missing,
        503: jsonResponse(errorBodySchema, 'The upstream could not be reached'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await findUpstreamRow(ctx, id);
      if (!ctx.federation) throw new AppError(503, 'upstream_unavailable', 'federation is not running');
      try {
        const catalog = await ctx.federation.refresh(id);
        await saveCatalog(ctx.db, id, catalog);
        const row = await getCatalogRow(ctx.db, id);
        return c.json(row ? catalogBody(row) : { ...catalog, refreshedAt: new Date().toISOString(), checkedAt: new Date().toISOString() }, 200);
      } catch (error) {
        if (error instanceof UpstreamError) throw new AppError(503, 'upstream_unavailable', error.message);
        throw error;
      }
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/restart',
      tags: ['upstreams'],
      summary: 'Replace the connection with a fresh one (restarts a stdio process)',
      request: { params: idParams },
      responses: { 200: jsonResponse(upstreamStatusSchema, 'The status after restarting'), ...errorResponses, ...missing },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await findUpstreamRow(ctx, id);
      const status = await ctx.federation?.restart(id);
      if (!status) throw notFound('running upstream', id);
      return c.json(status, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/test',
      tags: ['upstreams'],
      summary: 'Try an upstream definition before saving it: connect, list, disconnect',
      request: { body: { ...jsonResponse(upstreamCreateSchema, 'The upstream as it would be created'), required: true } },
      responses: { 200: jsonResponse(connectionTestSchema, 'Whether it connected, and what it offers'), ...errorResponses },
    }),
    async (c) => c.json(await testUpstreamConnection(c.req.valid('json')), 200),
  );
  return app;
}
