import type { AddressInfo } from 'node:net';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import type { Logger } from 'pino';
import { createApp } from './app.ts';
import type { Config } from './config.ts';
import { createDeps, type Deps, type DepsOverrides } from './deps.ts';
import { createMcpEntry } from './mcp/entry.ts';
import { mintInitialAdminToken } from './services/admin-bootstrap.ts';
import { ConfigFileWatcher } from './services/config-file.ts';

export interface RunningGateway {
  deps: Deps;
  configFile?: ConfigFileWatcher;
  app: ReturnType<typeof createApp>;
  url: string;
  /** Stops accepting, lets in-flight requests finish (bounded), closes the database. */
  stop(): Promise<void>;
}

/** Boots the whole gateway: storage, migrations, keys, HTTP. Used by index.ts and every in-process test. */
export async function startGateway(
  config: Config,
  logger: Logger,
  env: Record<string, string | undefined>,
  overrides: DepsOverrides = {},
): Promise<RunningGateway> {
  const deps = await createDeps(config, logger, overrides);
  let configFile: ConfigFileWatcher | undefined;
  if (config.configFile) {
    configFile = new ConfigFileWatcher({
      path: config.configFile,
      ctx: deps.ctx,
      logger,
      env,
      onApplied: () => deps.registry.configChanged(),
    });
    try {
      const summary = await configFile.applyNow();
      logger.info({ path: config.configFile, summary }, 'configuration file applied');
    } catch (error) {
      await closeDeps(deps);
      throw error;
    }
    configFile.start();
  }
  let shuttingDown = false;
  const app = createApp(deps, { substitutionEnv: env, isShuttingDown: () => shuttingDown });
  const { headersMs, requestMs } = config.httpTimeouts;
  const server = createServer(
    {
      headersTimeout: headersMs,
      requestTimeout: requestMs,
      // Node checks those deadlines on this interval (30 s by default, which would let a
      // trickling client stay that much longer)
      connectionsCheckingInterval: Math.min(1000, headersMs),
    },
    requestListener(deps, app, () => shuttingDown),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (error) => {
    configFile?.close();
    await closeDeps(deps);
    throw error;
  });
  const { port } = server.address() as AddressInfo;
  // Only now, listening with the config applied: a start that failed earlier left no token unseen.
  if (deps.bootstrap.kind === 'pending') deps.bootstrap = await mintInitialAdminToken(deps.database, deps.ctx);
  let stopping: Promise<void> | undefined;
  return {
    deps,
    configFile,
    app,
    url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
    stop() {
      stopping ??= (async () => {
        shuttingDown = true;
        configFile?.close();
        // Stop accepting; let every call in flight finish, whatever its session's kind (an
        // HTTP+SSE answer travels on the session's stream, so sessions stay open until then);
        // calls still running near the deadline are cancelled and answered with an error.
        // Then the sessions end (their streams close, clients reconnect elsewhere).
        const closed = closeServer(server, config.shutdownTimeoutMs);
        await deps.registry.inFlight.drain(Math.max(0, config.shutdownTimeoutMs - 1500));
        await deps.registry.closeSessions();
        await closed;
        await closeDeps(deps);
      })();
      return stopping;
    },
  };
}

/**
 * The process's one request listener: the MCP entry takes the MCP endpoints
 * (`/servers/{id}/mcp|sse|messages`), Hono everything else.
 */
function requestListener(deps: Deps, app: ReturnType<typeof createApp>, draining: () => boolean) {
  const hono = getRequestListener(app.fetch);
  const mcp = createMcpEntry({
    admit: deps.admit,
    logger: deps.logger,
    maxBodyBytes: deps.config.maxMcpBodyBytes,
    trustedProxies: deps.config.trustedProxies,
    draining,
  });
  return (req: IncomingMessage, res: ServerResponse) => {
    if (!mcp(req, res)) void hono(req, res);
  };
}

/** After the last request: OAuth timers, upstreams, then the audit queue is written and the pool closed. */
async function closeDeps(deps: Deps) {
  deps.oauth.stop();
  await deps.replicaSync?.stop();
  await deps.revocations.stop();
  await deps.credentials.store.stop();
  await deps.registry.close();
  // Every call has been answered and recorded by now: write the rest, then close the pool.
  await deps.auditRetention.stop();
  await deps.audit.close();
  await deps.database.close();
}

function closeServer(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => {
      if ('closeAllConnections' in server) server.closeAllConnections();
    }, timeoutMs);
    force.unref();
    // Keep-alive sockets would hold close() open until they time out: drop each one as
    // soon as it goes idle, i.e. once its in-flight request has been answered.
    const sweep = setInterval(() => {
      if ('closeIdleConnections' in server) server.closeIdleConnections();
    }, 50);
    server.close(() => {
      clearTimeout(force);
      clearInterval(sweep);
      resolve();
    });
    if ('closeIdleConnections' in server) server.closeIdleConnections();
  });
}
