import { randomUUID } from 'node:crypto';
import { type Database, type DatabaseHandle, openDatabase } from '@switchboard/db/client';
import { pino } from 'pino';
import { Limiter, LimitStore } from './limiter.ts';

/**
 * For tests: `count` limiters on one Postgres, each with its own connection pool and
 * replica id — exactly what each gateway process holds. `store` makes a limiter's store
 * (the real one by default).
 */
export async function limitersOnPostgres(url: string, count: number, store = (db: Database) => new LimitStore(db)) {
  const handles: DatabaseHandle[] = [];
  const limiters: Limiter[] = [];
  for (let i = 0; i < count; i++) {
    const database = await openDatabase({ kind: 'postgres', url, maxConnections: 3 });
    handles.push(database);
    const limiter = new Limiter({ store: store(database.db), logger: pino({ level: 'silent' }), replicaId: randomUUID(), rolesOf: () => [] });
    await limiter.start();
    limiters.push(limiter);
  }
  return {
    limiters,
    async close() {
      for (const limiter of limiters) await limiter.stop();
      for (const handle of handles) await handle.close();
    },
  };
}
