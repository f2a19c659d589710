import type { VirtualServerRouter } from '@switchboard/core/federation/router';
import type { Logger } from 'pino';
import type { AuditSink } from '../audit/audit-writer.ts';
import type { Credentials } from '../credentials/credentials.ts';
import { audit } from './audit.ts';
import { type CallHandler, compose, type Stage } from './call.ts';
import { credentials } from './credentials.ts';
import type { InFlightCalls } from './drain.ts';
import { mapErrors } from './errors.ts';
import { forward } from './forward.ts';
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
  /** Per-person upstream credentials; absent = every upstream is shared. */
  credentials?: Credentials;
}

/**
 * The one way a tools/call, resources/read or prompts/get reaches an upstream, whoever
 * asks: the SDK Server's handlers (mcp/gateway-server.ts), the lean path of each protocol
 * era (mcp/lean/), the console playground (services/playground.ts). Each of them only
 * decodes its request into an McpCall and encodes what comes back.
 *
 *   audit ▸ map errors ▸ drain ▸ route ▸ policy ▸ credentials ▸ (limits ▸ guardrails) ▸ project ▸ forward
 *
 * A new stage is one file and one line here.
 */
export function createCallPipeline(options: PipelineOptions): CallHandler {
  const stages: Stage[] = [
    ...(options.audit ? [audit({ ...options.audit, virtualServerId: options.virtualServerId })] : []),
    mapErrors({ logger: options.logger }),
    ...(options.inFlight ? [options.inFlight.stage()] : []),
    route({ router: options.router, prepare: options.prepare }),
    policy(),
    ...(options.credentials ? [credentials({ credentials: options.credentials })] : []),
    project(),
  ];
  return compose(stages, forward({ router: options.router }));
}
