import { ConfigError, loadConfig, substitutionEnv } from './config.ts';
import packageJson from '../package.json' with { type: 'json' };
import { createLogger } from './logger.ts';
import { startGateway } from './server.ts';
import { startTracingSdk } from './tracing/sdk.ts';

async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env, process.argv.slice(2));
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  // Before anything else: the tracer the gateway takes later is the SDK's only once it runs.
  const tracing = config.tracing ? await startTracingSdk(packageJson.version) : undefined;
  const logger = createLogger(config.logLevel, { traceIds: config.tracing });
  // Absolute paths, before anything can fail: where this start reads and writes.
  const where = { dataDir: config.dataDir, configFile: config.configFile, database: config.database.kind };
  logger.info(where, 'Switchboard is starting');
  const gateway = await startGateway(config, logger, substitutionEnv(process.env)).catch((error: Error) => {
    logger.fatal({ err: { message: error.message, name: error.name } }, 'could not start');
    process.exit(1);
  });
  logger.info({ url: gateway.url, publicUrl: config.publicUrl, ...where }, 'Switchboard is listening');
  if (gateway.deps.bootstrap.kind === 'generated') {
    // Printed once, outside the JSON log stream, because this is the only time it exists in clear.
    process.stdout.write(
      `\n  Switchboard admin API token (shown once, store it now):\n\n    ${gateway.deps.bootstrap.token}\n\n  Console: ${config.publicUrl}/   API: ${config.publicUrl}/api/v1/openapi.json\n  Data: ${config.dataDir}${config.configFile ? `   Config: ${config.configFile}` : ''}\n  Lost it later? \`npm run admin-token\` issues a new one (see the README).\n\n`,
    );
  } else if (gateway.deps.bootstrap.kind === 'existing-tokens') {
    logger.info('admin API tokens exist; a lost one is replaced with `npm run admin-token` (see the README)');
  } else if (gateway.deps.bootstrap.kind === 'env-token-revoked') {
    logger.warn('SWITCHBOARD_ADMIN_TOKEN is set but that token was revoked; it stays revoked');
  }

  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    gateway
      .stop()
      // the spans of the last requests are exported before the process ends
      .then(() => tracing?.shutdown())
      .then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

await main();
