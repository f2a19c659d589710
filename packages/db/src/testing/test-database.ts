import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { inject } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../client.ts';
import { migrateDatabase } from '../migrate.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
    /** A migrated database of the shared test server, copied for each test database. */
    postgresTemplate: string;
  }
}

export type Backend = 'pglite' | 'postgres';
/** Every storage and service test runs against both. */
export const backends: Backend[] = ['pglite', 'postgres'];

/**
 * A migrated PGlite cluster, made once per test worker: every test database starts from
 * its snapshot, skipping initdb and the migrations (seconds each, a few hundred ms this way).
 */
let pgliteTemplate: Promise<Blob> | undefined;

function migratedPgliteSnapshot(): Promise<Blob> {
  pgliteTemplate ??= (async () => {
    const handle = await openDatabase({ kind: 'pglite' });
    try {
      await migrateDatabase(handle);
      return await handle.snapshot!();
    } finally {
      await handle.close();
    }
  })();
  return pgliteTemplate;
}

/** A fresh, migrated database; for Postgres a new database in the shared test server. */
export async function openTestDatabase(backend: Backend): Promise<DatabaseHandle> {
  if (backend === 'pglite') return openDatabase({ kind: 'pglite', snapshot: await migratedPgliteSnapshot() });
  const url = await createTestDatabase(inject('postgresTemplate'));
  return openDatabase({ kind: 'postgres', url, maxConnections: 5 });
}

/** Creates a database in the shared test server (empty, or a copy of `template`) and returns its URL. */
export async function createTestDatabase(template?: string): Promise<string> {
  const adminUrl = inject('postgresUrl');
  const name = `sb_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}${template ? ` template ${template}` : ''}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
