/** A histogram's cumulative buckets: upper bound (`Infinity` for +Inf) → observations at or below it. */
export type Buckets = ReadonlyArray<{ le: number; count: number }>;

/**
 * The q-quantile (0 < q < 1) of a histogram, estimated as Prometheus' histogram_quantile
 * does: find the bucket holding the q-th observation and interpolate linearly inside it
 * (the first bucket starts at 0); in the +Inf bucket, the highest finite bound. Undefined
 * with no observation.
 */
export function histogramQuantile(q: number, buckets: Buckets): number | undefined {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted.at(-1)?.count ?? 0;
  if (total === 0) return undefined;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const { le, count } of sorted) {
    if (count >= rank && count > below) {
      if (le === Number.POSITIVE_INFINITY) return lower;
      return lower + (le - lower) * ((rank - below) / (count - below));
    }
    if (le !== Number.POSITIVE_INFINITY) lower = le;
    below = count;
  }
  return lower;
}
