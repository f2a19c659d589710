import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { adminEventExportQuerySchema, adminEventListQuerySchema, adminEventSchema } from '@switchboard/core/contracts/admin-events';
import { pageOf } from '@switchboard/core/contracts/common';
import { errorResponses, jsonResponse } from '../http/crud.ts';
import type { AppEnv } from '../http/env.ts';
import { exportResponse } from '../http/export-response.ts';
import { validationHook } from '../http/validation.ts';
import { listAdminEvents } from '../services/admin-events.ts';
import { exportAdminEvents } from '../services/admin-events-export.ts';
import type { ServiceContext } from '../services/context.ts';

/** The admin trail (who changed what), read-only: a filtered, paginated list and a streaming export. */
export function adminEventRoutes(ctx: ServiceContext) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['admin-events'],
      summary: 'List administrative changes, newest first, with filters',
      request: { query: adminEventListQuerySchema },
      responses: { 200: jsonResponse(pageOf(adminEventSchema), 'A page of changes'), ...errorResponses },
    }),
    async (c) => c.json((await listAdminEvents(ctx, c.req.valid('query'))) as never, 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/export',
      tags: ['admin-events'],
      summary: 'Export matching administrative changes, oldest first, as JSON Lines or CSV (streamed)',
      request: { query: adminEventExportQuerySchema },
      responses: {
        200: {
          description: 'One change per line (JSONL), or a CSV with a header row',
          content: { 'application/x-ndjson': { schema: z.string() }, 'text/csv': { schema: z.string() } },
        },
        ...errorResponses,
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      return exportResponse(exportAdminEvents(ctx, query), query.format, 'admin-events') as never;
    },
  );
  return app;
}
