import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { openSessionsSchema } from '@switchboard/core/contracts/sessions';
import { errorResponses, jsonResponse } from '../http/crud.ts';
import type { AppEnv } from '../http/env.ts';
import { validationHook } from '../http/validation.ts';
import type { ServiceContext } from '../services/context.ts';

/** `/sessions`: how many MCP sessions are open, per virtual server (for the dashboard). */
export function sessionRoutes(ctx: ServiceContext) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['sessions'],
      summary: 'MCP sessions open in this gateway process, per virtual server',
      responses: { 200: jsonResponse(openSessionsSchema, 'Open sessions'), ...errorResponses },
    }),
    async (c) => {
      const byVirtualServer = (ctx.federation?.openSessions?.() ?? []).filter((s) => s.sessions > 0);
      return c.json({ total: byVirtualServer.reduce((n, s) => n + s.sessions, 0), byVirtualServer }, 200);
    },
  );
  return app;
}
