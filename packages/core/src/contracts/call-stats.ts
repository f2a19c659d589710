import { z } from 'zod';

/** Latency percentiles in milliseconds, estimated from histogram buckets (null: no call yet). */
export const latencyPercentilesSchema = z.object({
  p50: z.number().nullable(),
  p95: z.number().nullable(),
  p99: z.number().nullable(),
});

const countsShape = {
  /** Every call, whatever its outcome. */
  calls: z.number().int(),
  /** Outcomes tool_error, upstream_failure and timeout (as the audit trail's error rate counts them). */
  errors: z.number().int(),
  /** Refused by the access policy (or, for an upstream row, by anything before it was asked). */
  denied: z.number().int(),
  /** errors / calls (0 with no call). */
  errorRate: z.number(),
  latencyMs: latencyPercentilesSchema,
};

export const toolCallStatsSchema = z.object({
  virtualServerId: z.string(),
  upstream: z.string(),
  /** The tool's exposed name on that virtual server. */
  tool: z.string(),
  ...countsShape,
});

export const upstreamCallStatsSchema = z.object({
  upstream: z.string(),
  ...countsShape,
});

/**
 * `GET /api/v1/stats/calls`: per tool and per upstream, the calls this gateway process
 * answered since it started, read from its Prometheus metrics (the same counters and
 * histograms `/metrics` exposes; percentiles interpolated inside the histogram's buckets,
 * as Prometheus' histogram_quantile does). With several replicas each reports its own.
 */
export const callStatsSchema = z
  .object({
    /** When this process started counting. */
    since: z.string(),
    tools: z.array(toolCallStatsSchema),
    upstreams: z.array(upstreamCallStatsSchema),
  })
  .meta({ id: 'CallStats' });

export type LatencyPercentiles = z.infer<typeof latencyPercentilesSchema>;
export type ToolCallStats = z.infer<typeof toolCallStatsSchema>;
export type UpstreamCallStats = z.infer<typeof upstreamCallStatsSchema>;
export type CallStats = z.infer<typeof callStatsSchema>;
