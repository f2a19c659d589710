import { fileURLToPath } from 'node:url';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
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
    if (handle.kind === 'postgres') {
      await migratePostgres(handle.db as unknown as PostgresJsDatabase<Schema>, { migrationsFolder: folder });
    } else {
      await migratePglite(handle.db as unknown as PgliteDatabase<Schema>, { migrationsFolder: folder });
    }
  });
}
