import { describe, expect, it } from 'vitest';
import { relative } from './time.tsx';

describe('relative time', () => {
  const now = Date.UTC(2026, 0, 10, 12, 0, 0);
  it('reads like a person would say it', () => {
    expect(relative(now - 10_000, now)).toBe('just now');
    expect(relative(now - 5 * 60_000, now)).toBe('5 min ago');
    expect(relative(now - 3 * 3_600_000, now)).toBe('3 h ago');
    expect(relative(now - 3 * 86_400_000, now)).toBe('3 d ago');
    expect(relative(now + 2 * 86_400_000, now)).toBe('in 2 d');
  });
});
