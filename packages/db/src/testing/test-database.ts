import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { inject } from 'vitest';
import { type DatabaseHandle, openDatabase } from '../client.ts';
import { migrateDatabase } from '../migrate.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export type Backend = 'pglite' | 'postgres';
/** Every storage and service test runs against both. */
export const backends: Backend[] = ['pglite', 'postgres'];

/** A fresh, migrated database; for Postgres a new database in the shared test server. */
export async function openTestDatabase(backend: Backend): Promise<DatabaseHandle> {
  if (backend === 'pglite') {
    const handle = await openDatabase({ kind: 'pglite' });
    await migrateDatabase(handle);
    return handle;
  }
  const url = await createTestDatabase();
  const handle = await openDatabase({ kind: 'postgres', url, maxConnections: 5 });
  await migrateDatabase(handle);
  return handle;
}

/** Creates an empty database in the shared test server and returns its URL. */
export async function createTestDatabase(): Promise<string> {
  const adminUrl = inject('postgresUrl');
  const name = `sb_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
