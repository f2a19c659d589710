import { fileURLToPath } from 'node:url';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import type { DatabaseHandle, Schema } from './client.ts';

/** The committed drizzle-kit migrations at the repository root. */
export const migrationsFolder = fileURLToPath(new URL('../../../migrations', import.meta.url));

/** Arbitrary but fixed: every Switchboard replica contends for the same lock. */
const MIGRATION_LOCK_KEY = 0x5b0a_d001;

/**
 * Applies pending migrations. Replicas booting together serialise on an advisory lock;
 * the second finds nothing left to apply.
 */
export async function migrateDatabase(handle: DatabaseHandle, folder = migrationsFolder): Promise<void> {
  await handle.withAdvisoryLock(MIGRATION_LOCK_KEY, async () => {
    // Imported on demand, like the drivers in client.ts: only the one in use is loaded.
    if (handle.kind === 'postgres') {
      const { migrate: migratePostgres } = await import('drizzle-orm/postgres-js/migrator');
      await handle.withoutStatementTimeout((db) => migratePostgres(db as unknown as PostgresJsDatabase<Schema>, { migrationsFolder: folder }));
    } else {
      const { migrate: migratePglite } = await import('drizzle-orm/pglite/migrator');
      await migratePglite(handle.db as unknown as PgliteDatabase<Schema>, { migrationsFolder: folder });
    }
  });
}
