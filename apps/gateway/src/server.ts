import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { createApp } from './app.ts';
import type { Config } from './config.ts';
import { createDeps, type Deps } from './deps.ts';
import { createAdmission } from './mcp/admission.ts';
import { startReplicaSync } from './federation/replica-sync.ts';
import { createFastLane } from './mcp/fast-lane.ts';
import { ConfigFileWatcher } from './services/config-file.ts';
import type { Logger } from 'pino';

export interface RunningGateway {
  deps: Deps;
  configFile?: ConfigFileWatcher;
  url: string;
  /** Stops accepting, lets in-flight requests finish (bounded), closes the database. */
  stop(): Promise<void>;
}

/** Boots the whole gateway: storage, migrations, keys, HTTP. Used by index.ts and tests. */
export async function startGateway(
  config: Config,
  logger: Logger,
  env: Record<string, string | undefined>,
): Promise<RunningGateway> {
  const deps = await createDeps(config, logger);
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
      deps.oauth.stop();
      await deps.registry.close();
      await deps.auditRetention.stop();
      await deps.audit.close();
      await deps.database.close();
      throw error;
    }
    configFile.start();
  }
  let shuttingDown = false;
  const app = createApp(deps, { substitutionEnv: env, isShuttingDown: () => shuttingDown });
  const hono = getRequestListener(app.fetch);
  const admit = createAdmission({ ctx: deps.ctx, registry: deps.registry, allowedHosts: config.allowedHosts, bearer: deps.oauth.verifier });
  const fastLane = createFastLane({ admit, logger });
  const { headersMs, requestMs } = config.httpTimeouts;
  const server = createServer(
    {
      headersTimeout: headersMs,
      requestTimeout: requestMs,
      // Node checks those deadlines on this interval (30 s by default, which would let a
      // trickling client stay that much longer)
      connectionsCheckingInterval: Math.min(1000, headersMs),
    },
    (req, res) => fastLane(req, res, () => void hono(req, res)),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  // Replicas only: with the embedded database there is no other writer to miss.
  const replicaSync =
    deps.database.kind === 'postgres'
      ? startReplicaSync({
          db: deps.database.db,
          logger: logger.child({ component: 'replica-sync' }),
          reload: () => deps.registry.reload(),
          intervalMs: config.replicaCheckIntervalMs,
        })
      : undefined;
  let stopping: Promise<void> | undefined;
  return {
    deps,
    configFile,
    url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
    stop() {
      stopping ??= (async () => {
        shuttingDown = true;
        configFile?.close();
        // Stop accepting and let in-flight requests finish; long-lived MCP streams (GET,
        // SSE) never finish by themselves, so the sessions are closed right after.
        const closed = closeServer(server, config.shutdownTimeoutMs);
        await deps.registry.closeSessions();
        await closed;
        deps.oauth.stop();
        await replicaSync?.stop();
        await deps.registry.close();
        // Every call has been answered and recorded by now: write the rest, then close the pool.
        await deps.auditRetention.stop();
        await deps.audit.close();
        await deps.database.close();
      })();
      return stopping;
    },
  };
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
