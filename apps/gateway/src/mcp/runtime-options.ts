import type { Credentials } from '../credentials/credentials.ts';
/**
 * How a VirtualServerRuntime is set up: what it federates, its session limits, and how it
 * learns each caller's context and records their calls.
 */
import type { UpstreamDirectory } from '@switchboard/core/federation/router';
import type { RoutingTable } from '@switchboard/core/federation/routing-table';
import type { Logger } from 'pino';
import type { CallerContext } from '../pipeline/call.ts';
import type { PipelineOptions } from '../pipeline/pipeline.ts';
import type { Principal } from './principal.ts';
import type { SessionCluster } from './sessions/session-cluster.ts';

export interface RuntimeOptions {
  /** The virtual server's id (audit records name it). */
  id: string;
  name: string;
  version: string;
  logger: Logger;
  directory: UpstreamDirectory;
  table: RoutingTable;
  /** Where calls are recorded; absent = not audited. */
  audit?: PipelineOptions['audit'];
  /** This server's call metrics; absent = metrics off. */
  metrics?: PipelineOptions['metrics'];
  /** The process's in-flight calls (graceful shutdown drains them). */
  inFlight?: PipelineOptions['inFlight'];
  /** Held calls of modern clients answering 2025-era upstreams' questions. */
  bridge?: PipelineOptions['bridge'];
  /** Set when tracing is on. */
  tracer?: PipelineOptions['tracer'];
  /** Rate limits, quotas and concurrency caps of every call. */
  limiter?: PipelineOptions['limiter'];
  /** Runs before each request: connects lazy upstreams so their names are routable (undefined: nothing to wait for). */
  prepare?: () => Promise<void> | undefined;
  /** Legacy (2025-era) sessions idle longer than this are closed. */
  sessionIdleMs?: number;
  /** Cap on open legacy sessions (Streamable HTTP and SSE together). */
  maxSessions?: number;
  /** Cap on one caller's open legacy sessions, on all replicas together (an anonymous caller is its client address). */
  maxSessionsPerCaller?: number;
  /** Hot tools/call take the lean adapter (default) or, when false, the SDK's. */
  lean?: boolean;
  /** Interval of keep-alive comments on SSE streams. */
  sseKeepAliveMs?: number;
  /** Sessions shared with the other replicas (absent: this runtime's sessions live in memory only). */
  sessions?: SessionCluster;
  /** Per principal: who they are to the pipeline (their live visibility, their e-mail for the audit trail). */
  caller: (principal: Principal) => CallerContext;
  /** Per-person upstream credentials (the pipeline's credentials stage); absent = all shared. */
  credentials?: Credentials;
}
