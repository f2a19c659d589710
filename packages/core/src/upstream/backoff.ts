/**
 * Exponential backoff with "full jitter" (AWS architecture blog): the delay for
 * attempt n is uniform in [0, min(maxMs, baseMs * factor^n)). Jitter spreads the
 * reconnects of many gateway replicas (or many upstreams that died together)
 * instead of having them stampede a recovering server in lockstep.
 */
export interface BackoffOptions {
  /** Ceiling of the first delay. Default 500 ms. */
  baseMs?: number;
  /** Growth per attempt. Default 2. */
  factor?: number;
  /** Cap on the ceiling, so retries never stop but never wait longer than this. Default 30 s. */
  maxMs?: number;
  /** Uniform random in [0, 1); injectable for tests. Default Math.random. */
  random?: () => number;
}

/** The delay before retry number `attempt` (0-based). */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const { baseMs = 500, factor = 2, maxMs = 30_000, random = Math.random } = options;
  // clamp the exponent so huge attempt counts cannot overflow to Infinity/NaN
  const ceiling = Math.min(maxMs, baseMs * factor ** Math.min(Math.max(attempt, 0), 64));
  return Math.floor(random() * ceiling);
}

/** A stateful attempt counter around {@link backoffDelay}. */
export interface Backoff {
  /** The delay for the next attempt; advances the counter. */
  next(): number;
  /** Start over from the first delay (after a connection proved stable). */
  reset(): void;
  readonly attempts: number;
}

export function createBackoff(options: BackoffOptions = {}): Backoff {
  let attempts = 0;
  return {
    next: () => backoffDelay(attempts++, options),
    reset: () => {
      attempts = 0;
    },
    get attempts() {
      return attempts;
    },
  };
}
