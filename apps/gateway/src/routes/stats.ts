import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { callStatsSchema } from '@switchboard/core/contracts/call-stats';
import { AppError } from '../errors.ts';
import { errorResponses, jsonResponse } from '../http/crud.ts';
import type { AppEnv } from '../http/env.ts';
import { validationHook } from '../http/validation.ts';
import { callStats } from '../metrics/call-stats.ts';
import type { ServiceContext } from '../services/context.ts';

/**
 * `/stats`: live figures of this gateway process, read from its metrics (the dashboard's
 * latency percentiles and error rates). The audit trail's `/audit-events/stats` answers
 * the time series across every replica from the database; this one, per tool and
 * upstream, costs no query.
 */
export function statsRoutes(ctx: ServiceContext) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openapi(
    createRoute({
      method: 'get',
      path: '/calls',
      tags: ['stats'],
      summary: 'Calls, error rate and p50/p95/p99 latency per tool and per upstream since this process started',
      responses: { 200: jsonResponse(callStatsSchema, 'The statistics'), ...errorResponses },
    }),
    async (c) => {
      if (!ctx.metrics) throw new AppError(404, 'metrics_disabled', 'metrics are off on this gateway (SWITCHBOARD_METRICS=off)');
      return c.json(await callStats(ctx.metrics), 200);
    },
  );
  return app;
}
