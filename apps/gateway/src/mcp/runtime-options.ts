/**
 * How a VirtualServerRuntime is set up: what it federates, its session limits, and how it
 * learns each caller's visibility and audit recorder.
 */
import type { UpstreamDirectory, VirtualServerRouter, Visibility } from '@switchboard/core/federation/router';
import type { RoutingTable } from '@switchboard/core/federation/routing-table';
import type { CallAuditor } from './call-audit.ts';
import type { Principal } from './principal.ts';

/** What a caller may see (policy) and where their calls are recorded (audit). */
export interface Caller {
  visibility?: Visibility;
  audit?: CallAuditor;
}

export interface RuntimeOptions {
  name: string;
  version: string;
  directory: UpstreamDirectory;
  table: RoutingTable;
  /** Runs before each request: connects lazy upstreams so their names are routable. */
  prepare?: () => Promise<void>;
  /** Legacy (2025-era) sessions idle longer than this are closed. */
  sessionIdleMs?: number;
  /** Cap on open legacy sessions (Streamable HTTP and SSE together). */
  maxSessions?: number;
  /** Interval of keep-alive comments on SSE streams. */
  sseKeepAliveMs?: number;
  /** Per principal: their (live) visibility and audit recorder; absent = everything visible, nothing recorded. */
  caller?: (principal: Principal, router: VirtualServerRouter) => Caller;
}
