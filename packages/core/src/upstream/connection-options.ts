/**
 * How an UpstreamConnection is set up: client settings, timings, the callbacks through
 * which it reports, and the cap on its dedicated per-session connections.
 */
import type { PriorDiscovery } from '@modelcontextprotocol/client';
import type { BackoffOptions } from './backoff.ts';
import type { Logger } from './logger.ts';
import type { Catalog, UpstreamStatus } from './types.ts';
import type { UpstreamClientOptions } from './upstream-client.ts';

export interface UpstreamConnectionOptions extends UpstreamClientOptions {
  logger?: Logger;
  /** Ping interval for 2025-era upstreams (2026-07-28 has no ping). Default 30 s; 0 disables. */
  healthIntervalMs?: number;
  backoff?: BackoffOptions;
  /** Budget for spawning and handshaking. Default 30 s. */
  connectTimeoutMs?: number;
  /** Base environment of stdio upstreams (see `safeBaseEnv`). */
  baseEnv?: Record<string, string>;
  onCatalogChanged?(catalog: Catalog): void;
  onNotification?(method: string, params: Record<string, unknown> | undefined): void;
  onStatus?(status: UpstreamStatus): void;
  /**
   * Dedicated connections per downstream session (see ForwardOptions.isolationKey) at most
   * per upstream. Default 8; 0 disables.
   */
  maxIsolatedSessions?: number;
  /** A dedicated connection without calls for this long is stopped. Default 5 min. */
  isolatedIdleMs?: number;
  /**
   * Connections made with one person's credential (ForwardOptions.credential) at most per
   * upstream; on stdio each is a process. Default 64.
   */
  maxPersonalConnections?: number;
  /** A person's connection without calls for this long is stopped. Default 10 min. */
  personalIdleMs?: number;
  /**
   * Set on a dedicated connection: it serves one downstream session, so what the upstream
   * sends unattributed goes to that session's calls; it keeps no catalog and skips the
   * era probe (`prior` is the shared connection's verdict).
   */
  dedicated?: { prior?: PriorDiscovery };
}
