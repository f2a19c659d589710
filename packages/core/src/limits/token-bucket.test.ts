import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BucketShape, fullBucket, msUntil, quotaBucket, rateBucket, refill, take, windowOf } from './token-bucket.ts';

const shapes = fc.record({
  count: fc.integer({ min: 1, max: 5000 }),
  periodMs: fc.constantFrom(1000, 60_000),
  burst: fc.option(fc.integer({ min: 1, max: 5000 }), { nil: undefined }),
});
/** Calls as (gap since the previous one in ms, tokens wanted). */
const calls = fc.array(fc.tuple(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 1, max: 50 })), { maxLength: 200 });

function run(shape: BucketShape, sequence: Array<[number, number]>) {
  let state = fullBucket(shape, 0);
  let now = 0;
  let admitted = 0;
  for (const [gap, want] of sequence) {
    now += gap;
    const result = take(shape, state, want, now);
    expect(result.taken).toBeGreaterThanOrEqual(0);
    expect(result.taken).toBeLessThanOrEqual(want);
    expect(Number.isInteger(result.taken)).toBe(true);
    state = result.state;
    admitted += result.taken;
  }
  return { admitted, now, state };
}

describe('token bucket', () => {
  it('never admits more than its burst plus what the rate refilled since', () => {
    fc.assert(
      fc.property(shapes, calls, ({ count, periodMs, burst }, sequence) => {
        const shape = rateBucket(count, periodMs, burst);
        const { admitted, now } = run(shape, sequence);
        expect(admitted).toBeLessThanOrEqual(shape.capacity + now * shape.refillPerMs + 1e-6);
      }),
    );
  });

  it('under constant demand admits the whole rate: within one token of burst + rate × time', () => {
    fc.assert(
      fc.property(shapes, fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 200 }), ({ count, periodMs, burst }, gap, steps) => {
        const shape = rateBucket(count, periodMs, burst);
        // asked often enough that the bucket never overflows between calls (a whole token
        // short of full, as only whole tokens are taken): nothing refilled is lost to the cap
        const room = Math.floor((shape.capacity - 1) / shape.refillPerMs);
        fc.pre(room >= 1);
        const every = Math.min(gap, room);
        const { admitted, now } = run(shape, Array.from({ length: steps }, () => [every, 1_000_000] as [number, number]));
        // (the bucket starts full: what would have refilled before the first call is not counted)
        expect(admitted).toBeGreaterThan(shape.capacity + (now - every) * shape.refillPerMs - 1 - 1e-6);
      }),
    );
  });

  it('holds tokens within [0, capacity] whatever happens', () => {
    fc.assert(
      fc.property(shapes, calls, ({ count, periodMs, burst }, sequence) => {
        const shape = rateBucket(count, periodMs, burst);
        let state = fullBucket(shape, 0);
        let now = 0;
        for (const [gap, want] of sequence) {
          now += gap;
          state = take(shape, state, want, now).state;
          expect(state.tokens).toBeGreaterThanOrEqual(0);
          expect(state.tokens).toBeLessThanOrEqual(shape.capacity);
        }
      }),
    );
  });

  it('msUntil says when a token will be there, and not a moment before', () => {
    fc.assert(
      fc.property(shapes, calls, fc.integer({ min: 1, max: 20 }), ({ count, periodMs, burst }, sequence, wanted) => {
        const shape = rateBucket(count, periodMs, burst);
        const { state, now } = run(shape, sequence);
        const need = Math.min(wanted, shape.capacity);
        const wait = msUntil(shape, state, need, now);
        expect(refill(shape, state, now + wait).tokens).toBeGreaterThanOrEqual(need - 1e-6);
        if (wait > 1) expect(refill(shape, state, now + wait - 1).tokens).toBeLessThan(need);
      }),
    );
  });

  it('a refill split into steps gives the same bucket as one refill (no drift)', () => {
    fc.assert(
      fc.property(shapes, fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 50 }), ({ count, periodMs, burst }, gaps) => {
        const shape = rateBucket(count, periodMs, burst);
        const start = { tokens: 0, at: 0 };
        let stepwise = start;
        let now = 0;
        for (const gap of gaps) {
          now += gap;
          stepwise = refill(shape, stepwise, now);
        }
        expect(stepwise.tokens).toBeCloseTo(refill(shape, start, now).tokens, 6);
      }),
    );
  });

  it('a quota window admits exactly its count, then nothing', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), calls, (count, sequence) => {
        const shape = quotaBucket(count);
        const { admitted, state, now } = run(shape, sequence);
        const wanted = sequence.reduce((sum, [, want]) => sum + want, 0);
        expect(admitted).toBe(Math.min(count, wanted));
        if (admitted === count) expect(msUntil(shape, state, 1, now)).toBe(Number.POSITIVE_INFINITY);
      }),
    );
  });

  it('fixed windows tile time: each instant is in exactly one, which ends after it', () => {
    fc.assert(
      fc.property(fc.constantFrom(3_600_000, 86_400_000), fc.integer({ min: 0, max: 4_000_000_000_000 }), (period, now) => {
        const { index, endsAt } = windowOf(period, now);
        expect(endsAt).toBeGreaterThan(now);
        expect(endsAt - period).toBeLessThanOrEqual(now);
        expect(windowOf(period, endsAt).index).toBe(index + 1);
      }),
    );
  });
});
