import type { KeyRing } from '@switchboard/auth/secret-box';
import type { Database, DatabaseHandle } from '@switchboard/db/client';
import { type UserConnectionKind, type UserConnectionStatus, userConnections } from '@switchboard/db/schema';
import { and, asc, eq } from 'drizzle-orm';
import type { Logger } from 'pino';

export const CHANNEL = 'switchboard_user_connections';
/** Entries are small, but one per (person, upstream) ever used: bounded so a stream of people cannot grow memory forever. */
const MAX_CACHED = 50_000;

/** One person's connection to one upstream, its payload decrypted (in memory only). */
export interface StoredConnection {
  userId: string;
  upstreamId: string;
  kind: UserConnectionKind;
  status: UserConnectionStatus;
  /** The kind's JSON document: `{ values }` for `secrets`, a token set for `oauth`. */
  payload: unknown;
  expiresAt: Date | null;
  metadata: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

export interface SaveConnection {
  userId: string;
  upstreamId: string;
  kind: UserConnectionKind;
  status?: UserConnectionStatus;
  payload: unknown;
  expiresAt?: Date | null;
  metadata?: Record<string, unknown>;
}

export type ConnectionChange = (userId: string, upstreamId: string) => void;

/**
 * user_connections: each person's own credential per upstream, the payload encrypted with
 * the key ring as ONE ciphertext. Read through an in-memory cache (the call path reads a
 * person's connection from the database once, then from here); every change here drops
 * the entry and tells the other replicas (NOTIFY) to drop theirs. A replica whose listener
 * was down forgets everything (it may have missed changes), as it does on every
 * configuration reload.
 */
export class UserConnectionStore {
  private readonly cache = new Map<string, Promise<StoredConnection | undefined>>();
  private readonly listeners: ConnectionChange[] = [];
  private unlisten?: () => Promise<void>;

  constructor(
    private readonly options: {
      db: Database;
      secrets: KeyRing;
      logger: Logger;
      signals?: Pick<DatabaseHandle, 'listen' | 'notify'>;
    },
  ) {}

  /** Follows the other replicas' changes. */
  async start(): Promise<void> {
    if (!this.options.signals) return;
    this.unlisten = await this.options.signals.listen(
      CHANNEL,
      (payload) => {
        const [userId, upstreamId] = payload.split(':');
        if (userId && upstreamId) this.changed(userId, upstreamId);
      },
      () => this.clear(),
    );
  }

  async stop(): Promise<void> {
    await this.unlisten?.().catch(() => {});
  }

  /** Called with (person, upstream) whenever a connection changed here or on another replica. */
  onChange(listener: ConnectionChange): void {
    this.listeners.push(listener);
  }

  /** The person's connection to the upstream (cached; a failed read is not). */
  get(userId: string, upstreamId: string): Promise<StoredConnection | undefined> {
    const key = `${userId}:${upstreamId}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    const loading = this.load(userId, upstreamId);
    this.cache.set(key, loading);
    loading.catch(() => {
      if (this.cache.get(key) === loading) this.cache.delete(key);
    });
    return loading;
  }

  /** Creates or replaces the person's connection (payload encrypted). */
  async save(input: SaveConnection): Promise<void> {
    const values = {
      kind: input.kind,
      status: input.status ?? 'connected',
      payload: this.options.secrets.encrypt(JSON.stringify(input.payload)),
      expiresAt: input.expiresAt ?? null,
      metadata: input.metadata ?? {},
    };
    await this.options.db
      .insert(userConnections)
      .values({ userId: input.userId, upstreamId: input.upstreamId, ...values })
      .onConflictDoUpdate({ target: [userConnections.userId, userConnections.upstreamId], set: { ...values, updatedAt: new Date() } });
    await this.announce(input.userId, input.upstreamId);
  }

  /** Marks the connection (e.g. `needs_authorization` after a refused refresh); false when there is none. */
  async setStatus(userId: string, upstreamId: string, status: UserConnectionStatus): Promise<boolean> {
    const updated = await this.options.db
      .update(userConnections)
      .set({ status, updatedAt: new Date() })
      .where(and(eq(userConnections.userId, userId), eq(userConnections.upstreamId, upstreamId)))
      .returning({ id: userConnections.id });
    if (updated.length > 0) await this.announce(userId, upstreamId);
    return updated.length > 0;
  }

  /** Deletes the connection; false when there was none. */
  async remove(userId: string, upstreamId: string): Promise<boolean> {
    const deleted = await this.options.db
      .delete(userConnections)
      .where(and(eq(userConnections.userId, userId), eq(userConnections.upstreamId, upstreamId)))
      .returning({ id: userConnections.id });
    await this.announce(userId, upstreamId);
    return deleted.length > 0;
  }

  /** The upstream's earliest connection still `connected` (configuration loads: what lists a catalog without a service credential). */
  async firstConnected(upstreamId: string): Promise<StoredConnection | undefined> {
    const [row] = await this.options.db
      .select()
      .from(userConnections)
      .where(and(eq(userConnections.upstreamId, upstreamId), eq(userConnections.status, 'connected')))
      .orderBy(asc(userConnections.createdAt))
      .limit(1);
    return row && this.decrypted(row);
  }

  /** Forgets every cached connection (a configuration reload; a lost listener). */
  clear(): void {
    this.cache.clear();
  }

  private async announce(userId: string, upstreamId: string): Promise<void> {
    this.changed(userId, upstreamId);
    await this.options.signals
      ?.notify(CHANNEL, `${userId}:${upstreamId}`)
      .catch((err) => this.options.logger.warn({ err }, 'could not tell the other replicas about a connection change'));
  }

  private changed(userId: string, upstreamId: string): void {
    this.cache.delete(`${userId}:${upstreamId}`);
    for (const listener of this.listeners) listener(userId, upstreamId);
  }

  private async load(userId: string, upstreamId: string): Promise<StoredConnection | undefined> {
    const [row] = await this.options.db
      .select()
      .from(userConnections)
      .where(and(eq(userConnections.userId, userId), eq(userConnections.upstreamId, upstreamId)));
    return row && this.decrypted(row);
  }

  private decrypted(row: typeof userConnections.$inferSelect): StoredConnection {
    const { id: _id, payload, ...rest } = row;
    return { ...rest, payload: JSON.parse(this.options.secrets.decrypt(payload)) as unknown };
  }
}
