import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import {
  auditEventSchema,
  auditExportQuerySchema,
  auditListQuerySchema,
  auditStatsQuerySchema,
  auditStatsSchema,
} from '@switchboard/core/contracts/audit-events';
import { pageOf } from '@switchboard/core/contracts/common';
import { errorResponses, jsonResponse } from '../http/crud.ts';
import type { AppEnv } from '../http/env.ts';
import { exportResponse } from '../http/export-response.ts';
import { validationHook } from '../http/validation.ts';
import { listAuditEvents } from '../services/audit-events.ts';
import { exportAuditEvents } from '../services/audit-export.ts';
import { auditStats } from '../services/audit-stats.ts';
import type { ServiceContext } from '../services/context.ts';

/** The audit trail, read-only: a filtered, paginated list, a streaming export, and dashboard stats. */
export function auditEventRoutes(ctx: ServiceContext) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      tags: ['audit-events'],
      summary: 'List audit events, newest first, with filters',
      request: { query: auditListQuerySchema },
      responses: { 200: jsonResponse(pageOf(auditEventSchema), 'A page of events'), ...errorResponses },
    }),
    async (c) => c.json(await listAuditEvents(ctx, c.req.valid('query')) as never, 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/export',
      tags: ['audit-events'],
      summary: 'Export matching audit events, oldest first, as JSON Lines or CSV (streamed)',
      request: { query: auditExportQuerySchema },
      responses: {
        200: {
          description: 'One event per line (JSONL), or a CSV with a header row',
          content: { 'application/x-ndjson': { schema: z.string() }, 'text/csv': { schema: z.string() } },
        },
        ...errorResponses,
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      return exportResponse(exportAuditEvents(ctx, query), query.format, 'audit-events') as never;
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/stats',
      tags: ['audit-events'],
      summary: 'Calls per minute, failures and denials over the last minutes, and the latest denied calls',
      request: { query: auditStatsQuerySchema },
      responses: { 200: jsonResponse(auditStatsSchema, 'The statistics'), ...errorResponses },
    }),
    async (c) => c.json((await auditStats(ctx, c.req.valid('query').minutes)) as never, 200),
  );
  return app;
}
