import type { Tracer } from '@opentelemetry/api';
import type { VirtualServerRouter } from '@switchboard/core/federation/router';
import type { Logger } from 'pino';
import type { Limiter } from '../limits/limiter.ts';
import type { AuditSink } from '../audit/audit-writer.ts';
import type { CallRecorder } from '../metrics/call-recorder.ts';
import type { Credentials } from '../credentials/credentials.ts';
import { audit } from './audit.ts';
import { type CallHandler, compose, type Stage } from './call.ts';
import { credentials } from './credentials.ts';
import type { InFlightCalls } from './drain.ts';
import { mapErrors } from './errors.ts';
import { forward } from './forward.ts';
import { inputBridge, type InputBridgeOptions } from './input-bridge.ts';
import { metrics } from './metrics.ts';
import { limits } from './limits.ts';
import { policy } from './policy.ts';
import { project } from './project.ts';
import { route } from './route.ts';
import { callSpan, spanned, tracedAudit, tracedForward } from './traced-stages.ts';

export interface PipelineOptions {
  virtualServerId: string;
  router: () => VirtualServerRouter;
  logger: Logger;
  /** Connects the server's lazy upstreams before a name is routed. */
  prepare?: () => Promise<void> | undefined;
  /** Counts calls in flight and cancels them at the end of a shutdown's grace period. */
  inFlight?: InFlightCalls;
  /** Where calls are recorded; absent = not audited. */
  audit?: { sink: AuditSink; payloads(): boolean };
  /** Holds calls whose 2025-era upstream asks a 2026-07-28 client something; absent = not bridged. */
  bridge?: InputBridgeOptions;
  /** This virtual server's call metrics; absent = metrics off (SWITCHBOARD_METRICS=off). */
  metrics?: CallRecorder;
  /** Set when tracing is on (OTEL_*): the stages are wrapped in spans. Absent: no wrapper at all. */
  tracer?: Tracer;
  /** Rate limits, quotas and concurrency caps; absent = none. */
  limiter?: Limiter;
  /** Per-person upstream credentials; absent = every upstream is shared. */
  credentials?: Credentials;
}

/**
 * The one way a tools/call, resources/read or prompts/get reaches an upstream, whoever
 * asks: the SDK Server's handlers (mcp/gateway-server.ts), the lean path of each protocol
 * era (mcp/lean/), the console playground (services/playground.ts). Each of them only
 * decodes its request into an McpCall and encodes what comes back.
 *
 *   audit ▸ metrics ▸ map errors ▸ drain ▸ route ▸ policy ▸ input bridge ▸ limits ▸ credentials ▸ (guardrails) ▸ project ▸ forward
 *
 * A new stage is one file and one line here. With tracing on, the call is annotated on the
 * request's span and the stages that do work of their own get a child span each (wrapped
 * here: traced-stages.ts); with it off, the same stages run unwrapped.
 */
export function createCallPipeline(options: PipelineOptions): CallHandler {
  const { tracer } = options;
  const span = (name: string, stage: Stage) => (tracer ? spanned(tracer, name, stage) : stage);
  const auditing = options.audit;
  const auditStage = (sink: AuditSink) => audit({ sink, payloads: auditing!.payloads, virtualServerId: options.virtualServerId });
  const stages: Stage[] = [
    ...(tracer ? [callSpan(tracer, options.virtualServerId)] : []),
    ...(auditing ? [tracer ? tracedAudit(tracer, auditing.sink, auditStage) : auditStage(auditing.sink)] : []),
    ...(options.metrics ? [metrics(options.metrics)] : []),
    mapErrors({ logger: options.logger }),
    ...(options.inFlight ? [options.inFlight.stage()] : []),
    route({ router: options.router, prepare: options.prepare }),
    span('policy', policy()),
    ...(options.bridge ? [inputBridge(options.bridge)] : []),
    ...(options.limiter ? [limits({ limiter: options.limiter, virtualServerId: options.virtualServerId })] : []),
    ...(options.credentials ? [span('credentials', credentials({ credentials: options.credentials }))] : []),
    project(),
  ];
  const last = forward({ router: options.router });
  return compose(stages, tracer ? tracedForward(tracer, last) : last);
}
