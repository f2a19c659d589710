import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { errorBodySchema } from '@switchboard/core/contracts/common';
import { playgroundCallResultSchema, playgroundCallSchema, playgroundToolsSchema } from '@switchboard/core/contracts/playground';
import { errorResponses, idParams, jsonResponse } from '../http/crud.ts';
import type { AppEnv } from '../http/env.ts';
import { validationHook } from '../http/validation.ts';
import type { ServiceContext } from '../services/context.ts';
import { callPlaygroundTool, listPlaygroundTools } from '../services/playground.ts';

const tags = ['virtual-servers'];
const unavailable = {
  404: jsonResponse(errorBodySchema, 'No such virtual server, or no such tool on it'),
  409: jsonResponse(errorBodySchema, 'The virtual server is disabled'),
  503: jsonResponse(errorBodySchema, 'The virtual server is not running here'),
};

/** `/virtual-servers/{id}/playground`: try a virtual server's tools as the administrator. */
export function playgroundRoutes(ctx: ServiceContext) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/playground/tools',
      tags,
      summary: 'The tools a virtual server exposes, with their input schemas (connects its upstreams)',
      request: { params: idParams },
      responses: { 200: jsonResponse(playgroundToolsSchema, 'The tools'), ...errorResponses, ...unavailable },
    }),
    async (c) => c.json({ items: await listPlaygroundTools(ctx, c.req.valid('param').id) }, 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/playground/tools/call',
      tags,
      summary: 'Call one tool of a virtual server as the signed-in administrator (audited)',
      request: { params: idParams, body: { ...jsonResponse(playgroundCallSchema, 'The tool and its arguments'), required: true } },
      responses: { 200: jsonResponse(playgroundCallResultSchema, 'How the call went'), ...errorResponses, ...unavailable },
    }),
    async (c) => {
      const user = c.get('consoleUser');
      const token = c.get('adminToken');
      const caller = user ? { userId: user.id, userEmail: user.email } : { userId: token?.userId ?? null, userEmail: null };
      return c.json(await callPlaygroundTool(ctx, c.req.valid('param').id, c.req.valid('json'), caller), 200);
    },
  );
  return app;
}
