import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { createApp } from './app.ts';
import type { Config } from './config.ts';
import { createDeps, type Deps } from './deps.ts';
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
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
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

function closeServer(server: ServerType, timeoutMs: number): Promise<void> {
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
