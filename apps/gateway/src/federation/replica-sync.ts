import type { Executor } from '@switchboard/db/client';
import { configVersion } from '@switchboard/db/schema';
import { eq, sql } from 'drizzle-orm';
import type { Logger } from 'pino';

/**
 * Catching up with the other replicas when a notification was missed. LISTEN/NOTIFY is
 * instant but lossy: a replica whose connection was down when another changed the
 * configuration never hears of it (a disabled user's token kept working there a minute
 * after the link returned). Every change also bumps one counter row; each replica reads it
 * every `intervalMs` and reloads when it moved, or when the database answers again after
 * failing (anything may have been missed meanwhile). Staleness after recovery is bounded
 * by about one interval plus one reload.
 */

/** Marks a configuration change (after it was written, before the replicas are notified). */
export async function bumpConfigVersion(db: Executor): Promise<void> {
  await db
    .insert(configVersion)
    .values({ id: 1, version: 1 })
    .onConflictDoUpdate({ target: configVersion.id, set: { version: sql`${configVersion.version} + 1` } });
}

export async function readConfigVersion(db: Executor): Promise<number> {
  const [row] = await db.select({ version: configVersion.version }).from(configVersion).where(eq(configVersion.id, 1));
  return row?.version ?? 0;
}

export interface ReplicaSyncOptions {
  db: Executor;
  logger: Logger;
  /** Rebuilds the in-memory configuration from the database (the registry's reload). */
  reload(): Promise<void>;
  intervalMs: number;
}

export function startReplicaSync({ db, logger, reload, intervalMs }: ReplicaSyncOptions): { stop(): Promise<void> } {
  // Unknown at first: the first check reloads once, covering a change made between boot's
  // load and that check.
  let applied: number | undefined;
  let failing = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const check = async () => {
    try {
      const version = await readConfigVersion(db);
      if (version !== applied || failing) {
        if (failing) logger.info({ version }, 'database reachable again; reloading the configuration');
        else if (applied !== undefined) logger.info({ version, applied }, 'configuration changed on another replica; reloading');
        await reload();
        applied = version;
      }
      failing = false;
    } catch (err) {
      if (!failing) logger.warn({ err: { message: (err as Error).message } }, 'cannot check the configuration version; will reload once the database answers');
      failing = true;
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = check().finally(schedule);
    }, intervalMs);
    timer.unref();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
