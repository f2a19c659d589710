import { openDatabase } from '@switchboard/db/client';
import { migrateDatabase } from '@switchboard/db/migrate';
import { ConfigError, loadConfig } from '../config.ts';
import { loadKeyRing, reencryptSecrets } from '../services/secret-keys.ts';

/** Re-encrypts every stored secret under the active key (same as POST /api/v1/secrets/rekey). */
try {
  const config = loadConfig(process.env);
  const database = await openDatabase(config.database);
  try {
    await migrateDatabase(database);
    const { ring } = await loadKeyRing({ spec: config.secretKeys, activeId: config.activeSecretKey, dataDir: config.dataDir });
    const count = await reencryptSecrets(database.db, ring);
    process.stdout.write(`re-encrypted ${count} secret value(s) under key ${ring.activeId}\n`);
  } finally {
    await database.close();
  }
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : `rekey failed: ${(error as Error).message}`}\n`);
  process.exit(1);
}
