import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import packageJson from '../package.json' with { type: 'json' };
import type { Deps } from './deps.ts';
import { AppError } from './errors.ts';
import type { AppEnv } from './http/env.ts';
import { databaseGate } from './http/database-gate.ts';
import { createErrorHandler } from './http/error-handler.ts';
import { requestLog } from './http/request-log.ts';
import { answerHeaders } from './http/response-headers.ts';
import { adminApi } from './routes/admin-api.ts';
import { consoleRoutes } from './routes/console.ts';
import { healthRoutes } from './routes/health.ts';
import { metricsEndpoint, metricsNotHere } from './metrics/exposition.ts';
import { oauthRoutes } from './oauth/routes.ts';

export interface AppOptions {
  /** Variables `${VAR}` may name in imported documents (the gateway's own secrets removed). */
  substitutionEnv: Record<string, string | undefined>;
  isShuttingDown?: () => boolean;
}

export function createApp(deps: Deps, options: AppOptions) {
  const { config, logger, ctx, database, registry } = deps;
  const app = new Hono<AppEnv>();
  app.use('*', answerHeaders());
  app.use('*', requestLog(logger));
  const limitBody = bodyLimit({
    maxSize: config.maxBodyBytes,
    onError: () => {
      throw new AppError(413, 'payload_too_large', `request body exceeds ${config.maxBodyBytes} bytes`);
    },
  });
  for (const path of ['/api/*', '/oauth/*', '/login', '/consent', '/connections/*']) app.use(path, limitBody);
  for (const path of ['/api/*', '/oauth/*', '/login', '/consent', '/connections/*']) app.use(path, databaseGate(database.health));
  app.route('/', healthRoutes(database, logger, options.isShuttingDown ?? (() => false)));
  app.route('/', metricsRoute(deps));
  app.route(
    '/api/v1',
    adminApi({
      ctx,
      logger,
      substitutionEnv: options.substitutionEnv,
      version: packageJson.version,
      onConfigChanged: () => registry.configChanged(),
      authorizeUrl: deps.upstreamOAuth.authorizeUrl,
    }),
  );
  app.route('/', oauthRoutes(deps.oauth.context));
  // connecting a person's account at an upstream's authorization server (before the console's catch-all)
  app.route('/', deps.upstreamOAuth.routes);
  // (the MCP endpoints are served before Hono: mcp/entry.ts)
  app.all('/api/*', () => {
    throw new AppError(404, 'not_found', 'no such API endpoint');
  });
  app.route('/', consoleRoutes(config.consoleDir));
  app.onError(createErrorHandler(logger));
  return app;
}

/** `/metrics` on the main port: the exposition, or a 404 saying why not (never the console's HTML). */
function metricsRoute({ metrics, config }: Deps) {
  if (!metrics) return metricsNotHere('metrics are off (SWITCHBOARD_METRICS=off)');
  if (config.metrics.port !== undefined) return metricsNotHere('metrics are served on their own port (SWITCHBOARD_METRICS_PORT)');
  return metricsEndpoint({ metrics, token: config.metrics.token });
}
