import { describe, expect, it } from 'vitest';
import { backoffDelay, createBackoff } from './backoff.ts';

describe('backoffDelay', () => {
  it('grows exponentially up to the cap (random → 1)', () => {
    const options = { baseMs: 100, factor: 2, maxMs: 1000, random: () => 0.999999 };
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, options))).toEqual([99, 199, 399, 799, 999, 999]);
  });

  it('applies full jitter: the delay is random × ceiling', () => {
    expect(backoffDelay(3, { baseMs: 100, factor: 2, maxMs: 10_000, random: () => 0.5 })).toBe(400);
    expect(backoffDelay(3, { baseMs: 100, random: () => 0 })).toBe(0);
  });

  it('never overflows for huge attempt counts', () => {
    const delay = backoffDelay(10_000, { baseMs: 500, maxMs: 30_000, random: () => 0.5 });
    expect(delay).toBe(15_000);
  });

  it('uses sane defaults', () => {
    for (let n = 0; n < 50; n += 1) {
      const delay = backoffDelay(n);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(30_000);
    }
  });
});

describe('createBackoff', () => {
  it('counts attempts and resets', () => {
    const backoff = createBackoff({ baseMs: 10, factor: 10, maxMs: 10_000, random: () => 0.5 });
    expect([backoff.next(), backoff.next(), backoff.next()]).toEqual([5, 50, 500]);
    expect(backoff.attempts).toBe(3);
    backoff.reset();
    expect(backoff.attempts).toBe(0);
    expect(backoff.next()).toBe(5);
  });
});
