import type { BucketShape } from '@switchboard/core/limits/token-bucket';
import type { Database } from '@switchboard/db/client';
import { limitCounters } from '@switchboard/db/schema';
import { and, count, eq, gt, like, lt, sql } from 'drizzle-orm';

/** What a lease request got: whole tokens handed out, and what the shared bucket holds after. */
export interface Lease {
  taken: number;
  tokens: number;
}

const REPLICA_PREFIX = 'replica:';

/**
 * The shared side of the limits: buckets as rows of `limit_counters`, each take of a lease
 * one atomic statement. It is the token-bucket arithmetic of
 * packages/core/src/limits/token-bucket.ts in SQL, on the database's clock (replicas'
 * clocks may disagree; the database's is the one clock they share):
 *
 *   tokens ← min(capacity, tokens + rate × elapsed);  taken ← min(want, ⌊tokens⌋);  tokens ← tokens − taken
 *
 * A first take creates the row full. Concurrent takes on one row serialise on its lock
 * (READ COMMITTED re-evaluates SET against the newest row), so two replicas never take
 * the same token.
 */
export class LimitStore {
  constructor(private readonly db: Database) {}

  async take(bucket: string, shape: BucketShape, want: number, expiresAt: Date): Promise<Lease> {
    const capacity = shape.capacity;
    const perSecond = shape.refillPerMs * 1000;
    const now = sql`clock_timestamp()`;
    const available = sql`least(${capacity}::float8, ${limitCounters.tokens} + ${perSecond}::float8 * greatest(0, extract(epoch from (${now} - ${limitCounters.refreshedAt}))))`;
    const taking = sql`least(${want}::float8, floor(${available}))`;
    const first = Math.min(want, Math.floor(capacity));
    const [row] = await this.db
      .insert(limitCounters)
      .values({ bucket, tokens: capacity - first, taken: first, refreshedAt: now, expiresAt })
      .onConflictDoUpdate({
        target: limitCounters.bucket,
        set: { tokens: sql`${available} - ${taking}`, taken: taking, refreshedAt: now, expiresAt },
      })
      .returning({ taken: limitCounters.taken, tokens: limitCounters.tokens });
    return { taken: row!.taken, tokens: row!.tokens };
  }

  /** Unused tokens of a lease go back (never above the bucket's capacity). */
  async giveBack(bucket: string, capacity: number, tokens: number): Promise<void> {
    await this.db
      .update(limitCounters)
      .set({ tokens: sql`least(${capacity}::float8, ${limitCounters.tokens} + ${tokens}::float8)` })
      .where(eq(limitCounters.bucket, bucket));
  }

  /** What a bucket holds now, without taking (the explain API); undefined when never used (it is full). */
  async peek(bucket: string, shape: BucketShape): Promise<number | undefined> {
    const perSecond = shape.refillPerMs * 1000;
    const [row] = await this.db
      .select({
        tokens: sql<number>`least(${shape.capacity}::float8, ${limitCounters.tokens} + ${perSecond}::float8 * greatest(0, extract(epoch from (clock_timestamp() - ${limitCounters.refreshedAt}))))`,
      })
      .from(limitCounters)
      .where(eq(limitCounters.bucket, bucket));
    return row === undefined ? undefined : Number(row.tokens);
  }

  /** This replica is alive (for `ttlMs`); answers how many replicas are. */
  async heartbeat(replicaId: string, ttlMs: number): Promise<number> {
    const expiresAt = new Date(Date.now() + ttlMs);
    await this.db
      .insert(limitCounters)
      .values({ bucket: REPLICA_PREFIX + replicaId, tokens: 0, expiresAt })
      .onConflictDoUpdate({ target: limitCounters.bucket, set: { expiresAt } });
    const [row] = await this.db
      .select({ replicas: count() })
      .from(limitCounters)
      .where(and(like(limitCounters.bucket, `${REPLICA_PREFIX}%`), gt(limitCounters.expiresAt, sql`now()`)));
    return Math.max(1, Number(row?.replicas ?? 1));
  }

  async leave(replicaId: string): Promise<void> {
    await this.db.delete(limitCounters).where(eq(limitCounters.bucket, REPLICA_PREFIX + replicaId));
  }

  /** Drops rows past their expiry (a rate's row by then would be full again; a quota's window is over). */
  async sweep(): Promise<void> {
    await this.db.delete(limitCounters).where(lt(limitCounters.expiresAt, sql`now()`));
  }
}
