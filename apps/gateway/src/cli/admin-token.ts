import { existsSync } from 'node:fs';
import { openDatabase } from '@switchboard/db/client';
import { migrateDatabase } from '@switchboard/db/migrate';
import { type Config, ConfigError, loadConfig } from '../config.ts';
import { issueRecoveryAdminToken } from '../services/admin-bootstrap.ts';
import { loadKeyRing } from '../services/secret-keys.ts';

/**
 * `npm run admin-token`: a new admin API token, issued from the host, for when the one the
 * first start printed is lost. It opens the database the gateway uses, found from the same
 * environment (SWITCHBOARD_DATA_DIR or DATABASE_URL, relative paths taken from where the
 * command is run, as `npm start` does). The token alone goes to stdout, for scripts.
 */
class CliError extends Error {}

/** The embedded database belongs to one process: a gateway answering on its port holds it. */
async function gatewayAnswers(config: Config): Promise<boolean> {
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host === '::' ? '::1' : config.host;
  try {
    const res = await fetch(`http://${host.includes(':') ? `[${host}]` : host}:${config.port}/healthz`, { signal: AbortSignal.timeout(1000) });
    return res.ok;
  } catch {
    return false;
  }
}

try {
  const config = loadConfig(process.env);
  if (config.database.kind === 'pglite') {
    if (!existsSync(config.database.dataDir)) {
      throw new CliError(
        `no embedded database in ${config.dataDir}: run this from the directory you ran \`npm start\` in, or set SWITCHBOARD_DATA_DIR`,
      );
    }
    if (await gatewayAnswers(config)) {
      throw new CliError(`a gateway is running on port ${config.port} with the embedded database, which only one process can open: stop it, then run this again`);
    }
  }
  const database = await openDatabase(config.database);
  try {
    await migrateDatabase(database);
    const { ring } = await loadKeyRing({ spec: config.secretKeys, activeId: config.activeSecretKey, dataDir: config.dataDir });
    const token = await issueRecoveryAdminToken({ db: database.db, secrets: ring, publicUrl: config.publicUrl });
    process.stderr.write(`A new admin API token for the gateway on ${config.database.kind === 'pglite' ? config.dataDir : 'DATABASE_URL'} (earlier tokens stay valid; revoke them under Settings → API tokens):\n`);
    process.stdout.write(`${token}\n`);
  } finally {
    await database.close();
  }
} catch (error) {
  const known = error instanceof ConfigError || error instanceof CliError;
  process.stderr.write(`${known ? (error as Error).message : `admin-token failed: ${(error as Error).message}`}\n`);
  process.exit(1);
}
