import type { ServerContext } from '@modelcontextprotocol/server';

const SEVERITY = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'] as const;
export type LogLevel = (typeof SEVERITY)[number];
export const LOG_LEVEL_META = 'io.modelcontextprotocol/logLevel';

const rank = (level: unknown) => SEVERITY.indexOf(level as LogLevel);

/**
 * Which log messages one downstream request should receive. A 2026-07-28 request names its
 * level in `_meta` (no level: no logs); a 2025-era session sets one with logging/setLevel
 * (none set: everything, as 2025 servers behave).
 */
export function requestLogLevel(ctx: ServerContext, sessionLevel: LogLevel | undefined): LogLevel | 'all' | 'none' {
  const requested = ctx.mcpReq._meta?.[LOG_LEVEL_META];
  if (rank(requested) >= 0) return requested as LogLevel;
  if (ctx.mcpReq._meta && 'io.modelcontextprotocol/protocolVersion' in ctx.mcpReq._meta) return 'none';
  return sessionLevel ?? 'all';
}

export function wants(threshold: LogLevel | 'all' | 'none', level: unknown): boolean {
  if (threshold === 'none') return false;
  if (threshold === 'all') return true;
  return rank(level) >= rank(threshold);
}

/** The level to ask a 2026-07-28 upstream for: as fine as this request wants. */
export function upstreamLogLevel(threshold: LogLevel | 'all' | 'none'): LogLevel | undefined {
  if (threshold === 'none') return undefined;
  return threshold === 'all' ? 'debug' : threshold;
}
