import { LOG_LEVEL_META_KEY, PROTOCOL_VERSION_META_KEY, type ServerContext } from '@modelcontextprotocol/server';

const SEVERITY = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'] as const;
export type LogLevel = (typeof SEVERITY)[number];

/** How much of the upstream's logging one downstream request receives. */
export type LogThreshold = LogLevel | 'all' | 'none';

const rank = (level: unknown) => SEVERITY.indexOf(level as LogLevel);

export const isLogLevel = (value: unknown): value is LogLevel => rank(value) >= 0;

/**
 * Which log messages one downstream request should receive. A 2026-07-28 request names its
 * level in `_meta` (no level: no logs); a 2025-era session sets one with logging/setLevel
 * (none set: everything, as 2025 servers behave).
 */
export function logThreshold(meta: Record<string, unknown> | undefined, sessionLevel: LogLevel | undefined): LogThreshold {
  const requested = meta?.[LOG_LEVEL_META_KEY];
  if (isLogLevel(requested)) return requested;
  if (meta && PROTOCOL_VERSION_META_KEY in meta) return 'none';
  return sessionLevel ?? 'all';
}

/** {@link logThreshold} of an SDK request. */
export const requestLogLevel = (ctx: ServerContext, sessionLevel: LogLevel | undefined): LogThreshold =>
  logThreshold(ctx.mcpReq._meta as Record<string, unknown> | undefined, sessionLevel);

export function wants(threshold: LogThreshold, level: unknown): boolean {
  if (threshold === 'none') return false;
  if (threshold === 'all') return true;
  return rank(level) >= rank(threshold);
}

/** The level to ask a 2026-07-28 upstream for: as fine as this request wants. */
export function upstreamLogLevel(threshold: LogThreshold): LogLevel | undefined {
  if (threshold === 'none') return undefined;
  return threshold === 'all' ? 'debug' : threshold;
}
