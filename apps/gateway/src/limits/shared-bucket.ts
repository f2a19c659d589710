import { type BucketShape, type BucketState, fullBucket, msUntil, take } from '@switchboard/core/limits/token-bucket';
import type { LimitStore } from './limit-store.ts';

/** How a bucket reaches the shared store and learns how many replicas share it. */
export interface BucketEnvironment {
  store: LimitStore;
  /** Replicas alive, as last counted (≥ 1): a bucket's share while the database is away. */
  replicas(): number;
  /** Told once per outage: the database could not be reached for a lease. */
  onStoreError(error: unknown): void;
}

/** How long a call waits for a lease; a database slower than this counts as away (the local share serves). */
const LEASE_WAIT_MS = 1_000;
/** After a failed lease, leases are not asked for again before this (the local share serves). */
const STORE_RETRY_MS = 2_000;
/**
 * A lease is this much of a rate's budget — or twice the database's round trip, if that is
 * longer, so that a slow database does not cap the rate at one lease per round trip — or
 * this share of a quota. It is the most one replica can hold unused.
 */
const LEASE_MS = 100;
const LEASE_QUOTA_SHARE = 0.01;
/** Leases one waiting call asks for before giving up (each round hands out at least one token). */
const MAX_LEASE_ROUNDS = 20;

/** Milliseconds to wait before trying again (0 = admitted). */
export type Admission = number;

/**
 * One bucket (rule × key × window) as this replica serves it: from a lease of whole tokens
 * taken from the shared row, in memory. When the lease runs low a new one is fetched in
 * the background; a call waits for the database only when the lease is empty and the
 * shared bucket may still hold tokens. When the shared bucket was found empty, calls are
 * refused locally until enough has refilled for the next lease to be worth asking for.
 * Unused tokens go back when the bucket falls idle. If the database cannot be reached,
 * the bucket's share for one replica (capacity and rate ÷ replicas alive) serves instead.
 */
export class SharedBucket {
  private leased = 0;
  private fetching: Promise<void> | undefined;
  /** The shared bucket was empty: not worth asking before this. */
  private emptyUntil = 0;
  private storeDownUntil = 0;
  private fallback: BucketState | undefined;
  lastUsed = 0;
  /** The database's round trip for a lease, smoothed (ms). */
  private latency = 0;
  /** Calls waiting for a lease now: a quota's next lease asks for at least one token each. */
  private waiting = 0;

  constructor(
    readonly id: string,
    readonly shape: BucketShape,
    /** When the row may be swept: the end of a quota's window (+ margin), or when a rate's bucket is full again. */
    private readonly expiresAt: () => Date,
    private readonly env: BucketEnvironment,
    /** For a quota: its window's end (a spent quota waits for that); undefined for a rate. */
    private readonly windowEndsAt?: number,
  ) {}

  /** How many tokens a lease asks for. */
  private get want(): number {
    const { refillPerMs, capacity } = this.shape;
    // A quota's lease is small (1 % of it): calls waiting together are each counted in it.
    const lease = refillPerMs > 0 ? refillPerMs * Math.max(LEASE_MS, 2 * this.latency) : Math.max(capacity * LEASE_QUOTA_SHARE, this.waiting);
    return Math.max(1, Math.min(Math.ceil(lease), Math.floor(capacity)));
  }

  /** Whole tokens held in this replica's lease. */
  get held() {
    return this.leased;
  }

  /** Takes one token: 0 when admitted, else the milliseconds to wait. Synchronous while the lease lasts. */
  take(now: number): Admission | Promise<Admission> {
    this.lastUsed = now;
    if (this.leased >= 1) {
      this.leased--;
      if (this.leased < this.want / 2 && !this.fetching && now >= this.emptyUntil && now >= this.storeDownUntil) void this.fetch();
      return 0;
    }
    if (now < this.storeDownUntil) return this.takeLocalShare(now);
    if (!this.fetching && now < this.emptyUntil) return this.emptyUntil - now;
    return this.takeAfterLease();
  }

  /** Gives a token taken for a call that another rule then refused. */
  refund() {
    this.leased++;
  }

  /**
   * Waits for a lease. Calls waiting together are all counted in the next lease, and a call
   * whose token went to a call that arrived meanwhile asks again: only an empty shared
   * bucket (or a database slower than LEASE_WAIT_MS) refuses, never a busy one.
   */
  private async takeAfterLease(): Promise<Admission> {
    this.waiting++;
    try {
      for (let round = 0; round < MAX_LEASE_ROUNDS; round++) {
        const fetch = this.fetching ?? this.fetch();
        const arrived = await Promise.race([fetch.then(() => true), delay(LEASE_WAIT_MS)]);
        const now = Date.now();
        if (this.leased >= 1) {
          this.leased--;
          return 0;
        }
        if (!arrived) this.storeDownUntil = now + STORE_RETRY_MS;
        if (now < this.storeDownUntil) return this.takeLocalShare(now);
        if (now < this.emptyUntil) return this.emptyUntil - now;
      }
      return Math.max(1, this.emptyUntil - Date.now());
    } finally {
      this.waiting--;
    }
  }

  private fetch(): Promise<void> {
    const asked = Date.now();
    const want = this.want;
    this.fetching = this.env.store
      .take(this.id, this.shape, want, this.expiresAt())
      .then(
        ({ taken, tokens }) => {
          const now = Date.now();
          this.latency = this.latency === 0 ? now - asked : 0.7 * this.latency + 0.3 * (now - asked);
          this.leased += taken;
          this.fallback = undefined;
          if (taken >= want) return;
          // Empty (or nearly): ask again once half a lease has refilled — soon enough that
          // the shared bucket does not overflow its capacity meanwhile (tokens are not lost).
          const wait = msUntil(this.shape, { tokens, at: asked }, Math.max(1, Math.ceil(want / 2)), asked);
          this.emptyUntil = Number.isFinite(wait) ? asked + wait : (this.windowEndsAt ?? asked + 60_000);
        },
        (error: unknown) => {
          if (Date.now() >= this.storeDownUntil) this.env.onStoreError(error);
          this.storeDownUntil = Date.now() + STORE_RETRY_MS;
        },
      )
      .finally(() => {
        this.fetching = undefined;
      });
    return this.fetching;
  }

  /** The database is away: this replica's share of the bucket, counted here alone. */
  private takeLocalShare(now: number): Admission {
    const replicas = Math.max(1, this.env.replicas());
    const share: BucketShape = {
      capacity: Math.max(1, Math.floor(this.shape.capacity / replicas)),
      refillPerMs: this.shape.refillPerMs / replicas,
    };
    const result = take(share, this.fallback ?? fullBucket(share, now), 1, now);
    this.fallback = result.state;
    if (result.taken === 1) return 0;
    const wait = msUntil(share, result.state, 1, now);
    return Number.isFinite(wait) ? Math.max(1, wait) : Math.max(1, (this.windowEndsAt ?? now + 60_000) - now);
  }

  /** Hands the unused lease back to the shared bucket (the bucket fell idle, or the process stops). */
  async release(): Promise<void> {
    const tokens = this.leased;
    if (tokens < 1) return;
    this.leased = 0;
    await this.env.store.giveBack(this.id, this.shape.capacity, tokens).catch(() => {
      this.leased += tokens;
    });
  }
}

const delay = (ms: number) => new Promise<false>((resolve) => setTimeout(() => resolve(false), ms).unref());
