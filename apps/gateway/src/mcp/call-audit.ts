import { ProtocolError } from '@modelcontextprotocol/server';
import { RoutingError, type VirtualServerRouter, type Visibility } from '@switchboard/core/federation/router';
import { routeResource } from '@switchboard/core/federation/routing-table';
import { UpstreamError } from '@switchboard/core/upstream/types';
import type { AuditSink } from '../audit/audit-writer.ts';
import { auditPayload } from '../audit/payload.ts';
import { downstreamResult } from './forwarding.ts';
import type { Principal } from './principal.ts';

export type AuditKind = 'tool' | 'resource' | 'prompt';
type Outcome = 'ok' | 'tool_error' | 'denied' | 'upstream_failure' | 'timeout';

/** One call being timed; exactly one of `ok` / `failed` records its event. */
export interface AuditedCall {
  ok(result: Record<string, unknown>): void;
  failed(error: unknown): void;
}

/** Records `tools/call`, `resources/read` and `prompts/get` of one caller on one virtual server. */
export interface CallAuditor {
  start(kind: AuditKind, exposedName: string, args: unknown): AuditedCall;
}

export interface CallAuditorOptions {
  sink: AuditSink;
  virtualServerId: string;
  principal: Principal;
  router: () => VirtualServerRouter;
  /** The caller's visibility: a name that exists but is hidden is recorded as denied by policy. */
  visibility?: Visibility;
  userEmail: () => string | null;
  /** Whether the server currently stores arguments and results (read per call: it can change live). */
  payloads: () => boolean;
}

/** What an exposed name routes to (ignoring visibility): the upstream and its own name of the item. */
function target(router: VirtualServerRouter, kind: AuditKind, name: string) {
  const table = router.routingTable;
  if (kind === 'tool') {
    const route = table.tools.get(name);
    return route && { upstreamName: route.upstreamName, item: route.name };
  }
  if (kind === 'prompt') {
    const route = table.prompts.get(name);
    return route && { upstreamName: route.upstreamName, item: route.name };
  }
  const route = routeResource(table, name);
  return route && { upstreamName: route.upstreamName, item: name };
}

/** A failed call's outcome and a short, stable error code (never a message: they can carry data). */
export function classifyFailure(error: unknown): { outcome: Outcome; errorCode: string } {
  if (error instanceof UpstreamError) {
    if (error.code === 'upstream_timeout') return { outcome: 'timeout', errorCode: 'timeout' };
    if (error.code === 'upstream_cancelled') return { outcome: 'upstream_failure', errorCode: 'cancelled' };
    if (error.code === 'upstream_error') return { outcome: 'upstream_failure', errorCode: `rpc_${error.rpcCode ?? 'unknown'}` };
    return { outcome: 'upstream_failure', errorCode: 'unavailable' };
  }
  if (error instanceof RoutingError) return { outcome: 'upstream_failure', errorCode: `rpc_${error.rpcCode}` };
  if (error instanceof ProtocolError) {
    const reason = (error.data as { reason?: unknown } | undefined)?.reason;
    if (reason === 'timeout') return { outcome: 'timeout', errorCode: 'timeout' };
    if (typeof reason === 'string') return { outcome: 'upstream_failure', errorCode: reason };
    return { outcome: 'upstream_failure', errorCode: `rpc_${error.code}` };
  }
  return { outcome: 'upstream_failure', errorCode: 'internal' };
}

export function createCallAuditor(options: CallAuditorOptions): CallAuditor {
  const { principal } = options;
  return {
    start(kind, exposedName, args) {
      const started = performance.now();
      const occurredAt = new Date();
      const routed = target(options.router(), kind, exposedName);
      const visible = routed && (options.visibility?.[kind](routed.upstreamName, routed.item) ?? true);
      const payloads = options.payloads();
      let done = false;
      const record = (outcome: Outcome, errorCode: string | null, result?: unknown) => {
        if (done) return;
        done = true;
        options.sink.record({
          occurredAt,
          userId: principal.userId,
          userEmail: options.userEmail(),
          clientId: principal.clientId,
          virtualServerId: options.virtualServerId,
          kind,
          exposedName,
          upstreamName: routed?.upstreamName ?? null,
          upstreamItem: routed?.item ?? null,
          outcome,
          durationMs: Math.round(performance.now() - started),
          errorCode,
          arguments: payloads ? auditPayload(args) : null,
          // As the client received it: without the upstream hop's `_meta`.
          result: payloads && result !== undefined ? auditPayload(downstreamResult(result as Record<string, unknown>)) : null,
        });
      };
      return {
        ok(result) {
          record(kind === 'tool' && result.isError === true ? 'tool_error' : 'ok', null, result);
        },
        failed(error) {
          // Refused before reaching an upstream: hidden by policy, or no such name at all.
          if (!visible) return record('denied', routed ? 'policy' : 'not_found');
          const { outcome, errorCode } = classifyFailure(error);
          record(outcome, errorCode);
        },
      };
    },
  };
}

/** Runs a call under `auditor` (when there is one): the outcome is recorded whether it succeeds or throws. */
export async function audited<T extends Record<string, unknown>>(
  auditor: CallAuditor | undefined,
  kind: AuditKind,
  exposedName: string,
  args: unknown,
  run: () => Promise<T>,
): Promise<T> {
  const call = auditor?.start(kind, exposedName, args);
  try {
    const result = await run();
    call?.ok(result);
    return result;
  } catch (error) {
    call?.failed(error);
    throw error;
  }
}
