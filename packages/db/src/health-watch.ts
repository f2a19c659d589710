import type postgres from 'postgres';

/**
 * Whether the database answers, as seen by a watchdog of its own. A database host that
 * stops answering (a partition, a paused VM) leaves the pool's open connections waiting
 * with no error for minutes: requests hung 15–18 s and more. The watchdog pings on its own
 * connection with a deadline; requests that need the database are refused at once while
 * it is down, and those waiting when it goes down are answered then (http/database-gate.ts).
 */
export interface DatabaseHealth {
  readonly available: boolean;
  /** Resolves when the database next becomes unavailable (never, for the embedded one). */
  whenUnavailable(): Promise<void>;
  stop(): Promise<void>;
}

export const alwaysAvailable: DatabaseHealth = {
  available: true,
  whenUnavailable: () => new Promise(() => {}),
  stop: async () => {},
};

export interface HealthWatchOptions {
  /** Opens the watchdog's own one-connection client. */
  connect: () => postgres.Sql;
  intervalMs: number;
  /** A ping not answered by then means the database is unavailable. */
  timeoutMs: number;
  onChange?: (available: boolean) => void;
}

export function watchDatabaseHealth({ connect, intervalMs, timeoutMs, onChange }: HealthWatchOptions): DatabaseHealth {
  let available = true;
  let signalDown: () => void = () => {};
  let down = new Promise<void>((resolve) => {
    signalDown = resolve;
  });
  let sql: postgres.Sql | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const set = (next: boolean) => {
    if (next === available) return;
    available = next;
    if (next) {
      down = new Promise<void>((resolve) => {
        signalDown = resolve;
      });
    } else {
      signalDown();
    }
    onChange?.(next);
  };
  const ping = async () => {
    sql ??= connect();
    let deadline: NodeJS.Timeout | undefined;
    const answered = await Promise.race([
      sql`select 1`.then(
        () => true,
        () => false,
      ),
      new Promise<false>((resolve) => {
        deadline = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
    clearTimeout(deadline);
    if (!answered) {
      // its connection may be the one stuck: the next ping starts afresh
      const stale = sql;
      sql = undefined;
      void stale.end({ timeout: 0 }).catch(() => {});
    }
    set(answered);
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = ping().finally(schedule);
    }, intervalMs);
    timer.unref();
  };
  schedule();
  return {
    get available() {
      return available;
    },
    whenUnavailable: () => down,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      await sql?.end({ timeout: 1 }).catch(() => {});
    },
  };
}
