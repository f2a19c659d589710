import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { type ExpositionOptions, metricsEndpoint } from './exposition.ts';

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/**
 * `SWITCHBOARD_METRICS_PORT`: a small HTTP server of its own that answers only
 * `GET /metrics` (everything else 404), bound to the gateway's host, so the scrape port
 * can be firewalled apart from the public one.
 */
export async function startMetricsServer(options: ExpositionOptions & { port: number; host: string }): Promise<MetricsServer> {
  const app = new Hono();
  app.route('/', metricsEndpoint(options));
  app.notFound((c) => c.text('not found', 404));
  const server = createServer(getRequestListener(app.fetch));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
