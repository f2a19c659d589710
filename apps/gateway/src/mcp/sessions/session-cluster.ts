import { randomBytes } from 'node:crypto';
import type { DatabaseHandle } from '@switchboard/db/client';
import type { Logger } from 'pino';
import { type RelayMessage, SessionRelay } from './session-relay.ts';
import { SessionStore } from './session-store.ts';
import { STANDALONE_STREAM, StandaloneStreams } from './standalone-streams.ts';

type Json = Record<string, unknown>;

export interface SessionClusterOptions {
  /** The shared database; absent = sessions live in this process only (unit tests). */
  database?: Pick<DatabaseHandle, 'db' | 'listen' | 'notify'>;
  logger: Logger;
  /** Sessions idle this long on every replica are deleted (their rows and events). */
  idleMs: number;
  keepAliveMs?: number;
}

/**
 * What the virtual servers of one process share about 2025-era sessions: the store
 * (Postgres), the relay to the other replicas, the standalone streams held here, and the
 * timers that write touches behind the calls and reap abandoned sessions. Relay messages
 * are handed to every runtime (`handlers`); the one holding the session acts.
 */
export class SessionCluster {
  /** This process's name in relay messages and server→client request ids. */
  readonly replica = `r${randomBytes(6).toString('hex')}`;
  readonly store?: SessionStore;
  readonly relay?: SessionRelay;
  readonly streams: StandaloneStreams;
  private readonly handlers = new Set<(message: RelayMessage) => void>();
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(private readonly options: SessionClusterOptions) {
    const { database, logger } = options;
    if (database) {
      this.store = new SessionStore({ db: database.db, logger });
      this.relay = new SessionRelay({ signals: database, store: this.store, replica: this.replica, logger });
    }
    this.streams = new StandaloneStreams({ store: this.store, keepAliveMs: options.keepAliveMs });
  }

  async start(): Promise<void> {
    if (!this.store) return;
    await this.relay?.start((message) => {
      if (message.k === 'event') this.streams.deliver(message.s, message.id, message.m);
      else for (const handler of this.handlers) handler(message);
    });
    const flush = setInterval(() => void this.store?.flush(), 2000);
    // Reap at half the idle limit (at most every minute): an abandoned row outlives it by < 50 %.
    const reap = setInterval(
      () =>
        void this.store?.reap(this.options.idleMs).catch((err) => this.options.logger.debug({ err: { message: (err as Error).message } }, 'session reaper deferred')),
      Math.min(60_000, Math.max(1000, this.options.idleMs / 2)),
    );
    for (const timer of [flush, reap]) {
      timer.unref();
      this.timers.push(timer);
    }
  }

  onRelay(handler: (message: RelayMessage) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  /**
   * An event for a session's standalone stream, produced here: stored (its id orders the
   * stream), written if the stream is here, relayed otherwise. Without the database it can
   * only reach a stream held here, without an id.
   */
  async standalone(sessionId: string, message: Json): Promise<void> {
    let id: number | undefined;
    try {
      id = this.store ? await this.store.appendStandalone(sessionId, STANDALONE_STREAM, message) : undefined;
    } catch {
      id = undefined;
    }
    if (this.streams.holds(sessionId) || id === undefined) return this.streams.deliver(sessionId, id, message);
    await this.relay?.publish({ k: 'event', s: sessionId, stream: STANDALONE_STREAM, id, m: message });
  }

  publish(message: RelayMessage): void {
    void this.relay?.publish(message);
  }

  /** Shutdown: the streams held here end (clients reconnect elsewhere), touches are written. */
  async stop(): Promise<void> {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    this.streams.endAll();
    // bounded: a database that stopped answering must not hold the shutdown
    const bounded = (work: Promise<unknown> | undefined) =>
      Promise.race([work?.catch(() => {}), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    await bounded(this.store?.flush());
    await bounded(this.relay?.stop());
  }
}
