import { Hono } from 'hono';
import { accepts } from 'hono/accepts';
import { bearerAuth } from 'hono/bearer-auth';
import type { GatewayMetrics } from './gateway-metrics.ts';

const PROMETHEUS = 'text/plain';
const OPENMETRICS = 'application/openmetrics-text';

export interface ExpositionOptions {
  metrics: GatewayMetrics;
  /** When set, a scrape must send `Authorization: Bearer <token>` (compared in constant time by hono's bearerAuth). */
  token?: string;
}

/**
 * `GET /metrics`: the Prometheus text format, or OpenMetrics when the Accept header
 * prefers it (Prometheus ≥ 2.5 asks for it first), optionally behind a bearer token.
 */
export function metricsEndpoint({ metrics, token }: ExpositionOptions) {
  const app = new Hono();
  if (token) app.use('/metrics', bearerAuth({ token, realm: 'metrics' }));
  app.get('/metrics', async (c) => {
    const format = accepts(c, { header: 'Accept', supports: [PROMETHEUS, OPENMETRICS], default: PROMETHEUS });
    const { body, contentType } = await metrics.scrape(format === OPENMETRICS);
    return c.body(body, 200, { 'content-type': contentType, 'cache-control': 'no-store' });
  });
  return app;
}

/**
 * `/metrics` on the main port when it is not served there (metrics off, or on a port of
 * their own): a plain 404 — without this the console's single-page app answered it with HTML.
 */
export function metricsNotHere(reason: string) {
  const app = new Hono();
  app.all('/metrics', (c) => c.json({ error: { code: 'not_found', message: reason } }, 404));
  return app;
}
