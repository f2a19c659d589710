import { describe, expect, it } from 'vitest';
import { histogramQuantile } from './histogram-quantile.ts';

const INF = Number.POSITIVE_INFINITY;

describe('histogramQuantile', () => {
  it('interpolates inside the bucket that holds the rank, from 0 in the first one', () => {
    // 10 observations ≤ 0.1, 10 more in (0.1, 0.2]
    const buckets = [
      { le: 0.1, count: 10 },
      { le: 0.2, count: 20 },
      { le: INF, count: 20 },
    ];
    expect(histogramQuantile(0.25, buckets)).toBeCloseTo(0.05);
    expect(histogramQuantile(0.5, buckets)).toBeCloseTo(0.1);
    expect(histogramQuantile(0.75, buckets)).toBeCloseTo(0.15);
    expect(histogramQuantile(0.99, buckets)).toBeCloseTo(0.198);
  });

  it('skips empty buckets and answers the highest finite bound for ranks in +Inf', () => {
    const buckets = [
      { le: 0.1, count: 0 },
      { le: 1, count: 4 },
      { le: 5, count: 4 },
      { le: INF, count: 8 },
    ];
    expect(histogramQuantile(0.5, buckets)).toBeCloseTo(1);
    expect(histogramQuantile(0.25, buckets)).toBeCloseTo(0.55);
    expect(histogramQuantile(0.99, buckets)).toBe(5);
  });

  it('is undefined without observations, and order of the buckets does not matter', () => {
    expect(histogramQuantile(0.5, [{ le: 1, count: 0 }, { le: INF, count: 0 }])).toBeUndefined();
    expect(histogramQuantile(0.5, [{ le: INF, count: 2 }, { le: 2, count: 2 }])).toBeCloseTo(1);
  });
});
