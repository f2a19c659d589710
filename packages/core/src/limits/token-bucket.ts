/**
 * The arithmetic of a token bucket, as pure functions of time (milliseconds), so it can be
 * checked exhaustively (token-bucket.test.ts) and mirrored exactly by the shared counters'
 * SQL (apps/gateway/src/limits/limit-store.ts).
 *
 * A rate of N per period with a burst B is a bucket of capacity B refilled at N/period; a
 * quota of N per window is a bucket of capacity N that is never refilled (a new window is
 * a new bucket). Tokens are fractional while refilling; a call takes a whole one.
 */
export interface BucketShape {
  capacity: number;
  /** Tokens added per millisecond (0: a quota window). */
  refillPerMs: number;
}

export interface BucketState {
  tokens: number;
  /** When `tokens` was last brought up to date. */
  at: number;
}

export const fullBucket = (shape: BucketShape, now: number): BucketState => ({ tokens: shape.capacity, at: now });

/** The bucket as it stands at `now` (time never runs backwards: an earlier `now` changes nothing). */
export function refill(shape: BucketShape, state: BucketState, now: number): BucketState {
  if (now <= state.at) return state;
  return { tokens: Math.min(shape.capacity, state.tokens + (now - state.at) * shape.refillPerMs), at: now };
}

/** Takes up to `want` whole tokens at `now`: how many it got, and the bucket after. */
export function take(shape: BucketShape, state: BucketState, want: number, now: number): { taken: number; state: BucketState } {
  const current = refill(shape, state, now);
  const taken = Math.max(0, Math.min(want, Math.floor(current.tokens)));
  return { taken, state: { tokens: current.tokens - taken, at: current.at } };
}

/** Milliseconds from `now` until `count` whole tokens are there (Infinity if never: a spent quota). */
export function msUntil(shape: BucketShape, state: BucketState, count: number, now: number): number {
  const current = refill(shape, state, now);
  const missing = Math.min(count, shape.capacity) - current.tokens;
  if (missing <= 0) return 0;
  if (shape.refillPerMs <= 0) return Number.POSITIVE_INFINITY;
  return missing / shape.refillPerMs;
}

/** A rate as a bucket: `count` per `periodMs`, `burst` at once (default `count`). */
export const rateBucket = (count: number, periodMs: number, burst?: number): BucketShape => ({
  capacity: burst ?? count,
  refillPerMs: count / periodMs,
});

/** A quota window as a bucket: `count` calls, no refill. */
export const quotaBucket = (count: number): BucketShape => ({ capacity: count, refillPerMs: 0 });

/** The fixed window (UTC-aligned) `now` falls in: its index, and when it ends. */
export function windowOf(periodMs: number, now: number): { index: number; endsAt: number } {
  const index = Math.floor(now / periodMs);
  return { index, endsAt: (index + 1) * periodMs };
}
