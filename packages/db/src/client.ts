import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { acquireDataDirLock } from './data-dir-lock.ts';
import * as schema from './schema/index.ts';

// The drivers are imported on demand: only the one in use is loaded and parsed (measured
// in the bundled gateway on Postgres: ~1 MB less heap; the WASM heap is only ever
// allocated by `new PGlite`).

export type Schema = typeof schema;
/** The one database type services see, whichever driver is underneath. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];
/** Services accept either the database or an open transaction. */
export type Executor = Database | Transaction;

export type DatabaseOptions =
  | { kind: 'postgres'; url: string; maxConnections?: number }
  | { kind: 'pglite'; dataDir?: string /* absent = in memory */ };

export interface DatabaseHandle {
  readonly db: Database;
  readonly kind: DatabaseOptions['kind'];
  /** Runs `fn` while holding a cluster-wide advisory lock (serialises replicas). */
  withAdvisoryLock<T>(key: number, fn: () => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  /**
   * Cluster-wide signals (Postgres LISTEN/NOTIFY): how replicas learn of each other's changes.
   * Notifications sent while the listening connection was down are lost: `onReconnect` runs
   * each time it is listening again after a drop, so the caller can catch up.
   */
  listen(channel: string, onMessage: (payload: string) => void, onReconnect?: () => void): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  close(): Promise<void>;
}

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  return options.kind === 'postgres' ? openPostgres(options.url, options.maxConnections) : openPglite(options.dataDir);
}

async function openPostgres(url: string, max = 10): Promise<DatabaseHandle> {
  const [{ default: postgres }, { drizzle: drizzlePostgres }] = await Promise.all([
    import('postgres'),
    import('drizzle-orm/postgres-js'),
  ]);
  // Notices (e.g. "relation already exists, skipping") are not errors; keep them out of logs.
  const client = postgres(url, { max, onnotice: () => {}, connect_timeout: 10 });
  const db = drizzlePostgres(client, { schema }) as unknown as Database;
  return {
    db,
    kind: 'postgres',
    async withAdvisoryLock(key, fn) {
      // A session-level lock must be taken and released on the same connection.
      const conn = await client.reserve();
      try {
        await conn`select pg_advisory_lock(${key})`;
        try {
          return await fn();
        } finally {
          await conn`select pg_advisory_unlock(${key})`;
        }
      } finally {
        conn.release();
      }
    },
    async ping() {
      await client`select 1`;
    },
    async listen(channel, onMessage, onReconnect) {
      // postgres.js re-runs LISTEN on a new connection after a drop and calls this again then.
      let listening = false;
      const { unlisten } = await client.listen(channel, onMessage, () => {
        if (listening) onReconnect?.();
        listening = true;
      });
      return unlisten;
    },
    async notify(channel, payload) {
      await client.notify(channel, payload);
    },
    async close() {
      await client.end({ timeout: 5 });
    },
  };
}

async function openPglite(dataDir?: string): Promise<DatabaseHandle> {
  const [{ PGlite }, { drizzle: drizzlePglite }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('drizzle-orm/pglite'),
  ]);
  // Postgres' default 128 MB buffer pool lives inside PGlite's WASM heap and costs about as
  // much resident memory; the gateway's working set (configuration, tokens, recent audit
  // rows) fits easily in 16 MB, and the file system cache sits behind it anyway.
  const options = { postgresqlconf: 'shared_buffers = 16MB' };
  // A second process on the same directory would corrupt it: refuse before opening.
  const lock = dataDir ? await acquireDataDirLock(dataDir) : undefined;
  let client: InstanceType<typeof PGlite>;
  try {
    client = dataDir ? await PGlite.create(dataDir, options) : await PGlite.create(options);
  } catch (error) {
    lock?.release();
    throw error;
  }
  const db = drizzlePglite(client, { schema }) as unknown as Database;
  return {
    db,
    kind: 'pglite',
    // PGlite is a single-process database: its data directory is locked to this process
    // (data-dir-lock.ts), so the in-process queue already serialises everything.
    withAdvisoryLock: (_key, fn) => fn(),
    async ping() {
      await db.execute(sql`select 1`);
    },
    async listen(channel, onMessage) {
      return client.listen(channel, onMessage);
    },
    async notify(channel, payload) {
      await client.query('select pg_notify($1, $2)', [channel, payload]);
    },
    async close() {
      try {
        await client.close();
      } finally {
        lock?.release();
      }
    },
  };
}
