import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { acquireDataDirLock } from './data-dir-lock.ts';
import { createDataDirInChild } from './pglite-first-start.ts';
import { alwaysAvailable, type DatabaseHealth, watchDatabaseHealth } from './health-watch.ts';
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
  | {
      kind: 'postgres';
      url: string;
      maxConnections?: number;
      /** A connection attempt that has not completed by then fails (default 5 s): a silent host fails fast. */
      connectTimeoutMs?: number;
      /** The server cancels a statement running longer (default 30 s; 0 = no limit). */
      statementTimeoutMs?: number;
      /** The health watchdog's ping unanswered this long means the database is unavailable (default 2 s). */
      healthTimeoutMs?: number;
    }
  | {
      kind: 'pglite';
      /** absent = in memory */
      dataDir?: string;
      /** Start from a snapshot (`snapshot()` of another database) instead of an empty cluster: tests, where initdb dominates. */
      snapshot?: Blob;
    };

export interface DatabaseHandle {
  readonly db: Database;
  readonly kind: DatabaseOptions['kind'];
  /**
   * Runs `fn` with a database of its own that has no statement timeout (migrations: one
   * may rightly run long on a large table). The embedded database has none anyway.
   */
  withoutStatementTimeout<T>(fn: (db: Database) => Promise<T>): Promise<T>;
  /** Runs `fn` while holding a cluster-wide advisory lock (serialises replicas). */
  withAdvisoryLock<T>(key: number, fn: () => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  /** Whether the database answers right now (a watchdog's view; always, for the embedded one). */
  readonly health: DatabaseHealth;
  /**
   * Cluster-wide signals (Postgres LISTEN/NOTIFY): how replicas learn of each other's changes.
   * Notifications sent while the listening connection was down are lost: `onReconnect` runs
   * each time it is listening again after a drop, so the caller can catch up.
   */
  listen(channel: string, onMessage: (payload: string) => void, onReconnect?: () => void): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  /** PGlite only: the whole cluster as a tarball, to start other databases from. */
  snapshot?(): Promise<Blob>;
  close(): Promise<void>;
}

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  return options.kind === 'postgres' ? openPostgres(options) : openPglite(options.dataDir, options.snapshot);
}

/**
 * How long postgres.js waits before connecting again after `retries` failed attempts, in
 * seconds. Its default grows to 10–20 s, and the LISTEN connection keeps failing through an
 * outage: after 20 s of a stopped Postgres a replica stayed deaf to notifications (config
 * changes, session relay) for up to 20 s more after the database was back. Capped at 1 s:
 * a connection refused costs nothing, and the jitter keeps replicas from reconnecting in step.
 */
export function reconnectDelaySeconds(retries: number): number {
  return Math.min(0.05 * 2 ** retries, 1) * (0.5 + Math.random() / 2);
}

async function openPostgres({
  url,
  maxConnections: max = 10,
  connectTimeoutMs = 5000,
  statementTimeoutMs = 30_000,
  healthTimeoutMs = 2000,
}: Extract<DatabaseOptions, { kind: 'postgres' }>): Promise<DatabaseHandle> {
  const [{ default: postgres }, { drizzle: drizzlePostgres }] = await Promise.all([
    import('postgres'),
    import('drizzle-orm/postgres-js'),
  ]);
  // Notices (e.g. "relation already exists, skipping") are not errors; keep them out of logs.
  // Without these a request met a database that stopped answering by hanging 15–18 s.
  const client = postgres(url, {
    max,
    onnotice: () => {},
    connect_timeout: connectTimeoutMs / 1000,
    connection: { statement_timeout: statementTimeoutMs },
    backoff: reconnectDelaySeconds,
  });
  const db = drizzlePostgres(client, { schema }) as unknown as Database;
  const health = watchDatabaseHealth({
    connect: () => postgres(url, { max: 1, onnotice: () => {}, connect_timeout: healthTimeoutMs / 1000, idle_timeout: 0, max_lifetime: null }),
    intervalMs: 1000,
    timeoutMs: healthTimeoutMs,
  });
  return {
    db,
    kind: 'postgres',
    health,
    async withAdvisoryLock(key, fn) {
      // A session-level lock must be taken and released on the same connection.
      const conn = await client.reserve();
      try {
        // waiting for another replica's migrations may take longer than any statement should
        await conn`set statement_timeout = 0`;
        await conn`select pg_advisory_lock(${key})`;
        try {
          return await fn();
        } finally {
          await conn`select pg_advisory_unlock(${key})`;
          await conn`reset statement_timeout`;
        }
      } finally {
        conn.release();
      }
    },
    async withoutStatementTimeout(fn) {
      const single = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: connectTimeoutMs / 1000 });
      try {
        return await fn(drizzlePostgres(single, { schema }) as unknown as Database);
      } finally {
        await single.end({ timeout: 5 });
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
      await health.stop();
      await client.end({ timeout: 5 });
    },
  };
}

async function openPglite(dataDir?: string, snapshot?: Blob): Promise<DatabaseHandle> {
  const [{ PGlite }, { drizzle: drizzlePglite }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('drizzle-orm/pglite'),
  ]);
  // Postgres' default 128 MB buffer pool lives inside PGlite's WASM heap and costs about as
  // much resident memory; the gateway's working set (configuration, tokens, recent audit
  // rows) fits easily in 16 MB, and the file system cache sits behind it anyway.
  const options = { postgresqlconf: 'shared_buffers = 16MB', ...(snapshot && { loadDataDir: snapshot }) };
  // A second process on the same directory would corrupt it: refuse before opening.
  const lock = dataDir ? await acquireDataDirLock(dataDir) : undefined;
  let client: InstanceType<typeof PGlite>;
  try {
    // A fresh directory is created (initdb) and migrated by a short-lived process: doing it
    // here left this process 366–766 MB larger until it restarted (pglite-first-start.ts).
    if (dataDir && !existsSync(join(dataDir, 'PG_VERSION'))) await createDataDirInChild(dataDir, options);
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
    withoutStatementTimeout: (fn) => fn(db),
    health: alwaysAvailable,
    async ping() {
      await db.execute(sql`select 1`);
    },
    async listen(channel, onMessage) {
      return client.listen(channel, onMessage);
    },
    async notify(channel, payload) {
      await client.query('select pg_notify($1, $2)', [channel, payload]);
    },
    snapshot: () => client.dumpDataDir('none'),
    async close() {
      try {
        await client.close();
      } finally {
        lock?.release();
      }
    },
  };
}
