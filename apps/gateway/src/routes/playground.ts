import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { errorBodySchema } from '@switchboard/core/contracts/common';
import { playgroundCallResultSchema, playgroundCallSchema, playgroundListQuerySchema, playgroundToolsSchema } from '@switchboard/core/contracts/playground';
import { errorResponses, idParams, jsonResponse } from '../http/crud.ts';
import type { AppEnv } from '../http/env.ts';
import { validationHook } from '../http/validation.ts';
import type { ServiceContext } from '../services/context.ts';
import { callPlaygroundTool, listPlaygroundTools, type PlaygroundCaller } from '../services/playground.ts';

const tags = ['virtual-servers'];
const unavailable = {
  404: jsonResponse(errorBodySchema, 'No such virtual server, or no such user to act as'),
  409: jsonResponse(errorBodySchema, 'The virtual server is disabled'),
  503: jsonResponse(errorBodySchema, 'The virtual server is not running here'),
};

/** Who is at the console, from the admin API's authentication. */
function callerOf(c: Context<AppEnv>): PlaygroundCaller {
  const user = c.get('consoleUser');
  if (user) return { userId: user.id, label: user.email };
  const token = c.get('adminToken');
  return { userId: token?.userId ?? null, label: `api-token:${token?.id ?? 'unknown'}` };
}

/** `/virtual-servers/{id}/playground`: try a virtual server's tools as yourself (or, to debug access, as another person). */
export function playgroundRoutes(ctx: ServiceContext) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/playground/tools',
      tags,
      summary: 'The tools a virtual server lists to you (or to ?asUser=), with their input schemas (connects its upstreams)',
      request: { params: idParams, query: playgroundListQuerySchema },
      responses: { 200: jsonResponse(playgroundToolsSchema, 'The tools'), ...errorResponses, ...unavailable },
    }),
    async (c) => c.json({ items: await listPlaygroundTools(ctx, c.req.valid('param').id, callerOf(c), c.req.valid('query').asUser) }, 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/playground/tools/call',
      tags,
      summary: 'Call one tool of a virtual server as yourself or asUser, through the same access policy and audit as MCP clients',
      request: { params: idParams, body: { ...jsonResponse(playgroundCallSchema, 'The tool and its arguments'), required: true } },
      responses: { 200: jsonResponse(playgroundCallResultSchema, 'How the call went'), ...errorResponses, ...unavailable },
    }),
    async (c) => c.json(await callPlaygroundTool(ctx, c.req.valid('param').id, c.req.valid('json'), callerOf(c)), 200),
  );
  return app;
}
