import type { VirtualServerRouter } from '@switchboard/core/federation/router';
import type { Logger } from 'pino';
import type { AuditSink } from '../audit/audit-writer.ts';
import type { CallRecorder } from '../metrics/call-recorder.ts';
import { audit } from './audit.ts';
import { type CallHandler, compose, type Stage } from './call.ts';
import type { InFlightCalls } from './drain.ts';
import { mapErrors } from './errors.ts';
import { forward } from './forward.ts';
import { inputBridge, type InputBridgeOptions } from './input-bridge.ts';
import { metrics } from './metrics.ts';
import { policy } from './policy.ts';
import { project } from './project.ts';
import { route } from './route.ts';

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
}

/**
 * The one way a tools/call, resources/read or prompts/get reaches an upstream, whoever
 * asks: the SDK Server's handlers (mcp/gateway-server.ts), the lean path of each protocol
 * era (mcp/lean/), the console playground (services/playground.ts). Each of them only
 * decodes its request into an McpCall and encodes what comes back.
 *
 *   audit ▸ metrics ▸ map errors ▸ drain ▸ route ▸ policy ▸ input bridge ▸ (credentials ▸ limits ▸ guardrails) ▸ project ▸ forward
 *
 * A new stage is one file and one line here.
 */
export function createCallPipeline(options: PipelineOptions): CallHandler {
  const stages: Stage[] = [
    ...(options.audit ? [audit({ ...options.audit, virtualServerId: options.virtualServerId })] : []),
    ...(options.metrics ? [metrics(options.metrics)] : []),
    mapErrors({ logger: options.logger }),
    ...(options.inFlight ? [options.inFlight.stage()] : []),
    route({ router: options.router, prepare: options.prepare }),
    policy(),
    ...(options.bridge ? [inputBridge(options.bridge)] : []),
    project(),
  ];
  return compose(stages, forward({ router: options.router }));
}
