import type { AuditSink } from '../audit/audit-writer.ts';
import { auditPayload } from '../audit/payload.ts';
import type { CallResult, McpCall, Stage } from './call.ts';
import { CallFailure } from './errors.ts';
import { classifyFailure, type Outcome, outcomeOf } from './outcome.ts';

export interface AuditStageOptions {
  sink: AuditSink;
  virtualServerId: string;
  /** Whether the server currently stores arguments and results (read per call: it can change live). */
  payloads(): boolean;
}

const argumentsOf = (call: McpCall) => (call.kind === 'resource' ? { uri: call.name } : call.params.arguments);

/**
 * Audit: every call's outcome, duration and (on servers that store payloads, redacted)
 * arguments and result, queued for the audit writer — off the request's path. Refusals
 * are recorded too: a name hidden by policy as `denied`/`policy`, an unknown one as
 * `denied`/`not_found`.
 */
export function audit(options: AuditStageOptions): Stage {
  return async (call, next) => {
    const started = performance.now();
    const occurredAt = new Date();
    const payloads = options.payloads();
    const record = (outcome: Outcome, errorCode: string | null, result?: CallResult) => {
      const { principal } = call.caller;
      options.sink.record({
        occurredAt,
        userId: principal.userId,
        userEmail: call.caller.userEmail(),
        clientId: principal.clientId,
        actor: call.caller.actor ?? null,
        virtualServerId: options.virtualServerId,
        kind: call.kind,
        exposedName: call.name,
        upstreamName: call.route?.upstreamName ?? null,
        upstreamItem: call.route?.item ?? null,
        outcome,
        durationMs: Math.round(performance.now() - started),
        errorCode,
        credentialMode: call.credentialMode ?? null,
        arguments: payloads ? auditPayload(argumentsOf(call)) : null,
        result: payloads && result !== undefined ? auditPayload(result) : null,
      });
    };
    try {
      const result = await next(call);
      record(call.refusal?.outcome ?? outcomeOf(call.kind, result), call.refusal?.errorCode ?? null, result);
      return result;
    } catch (error) {
      // (the error stage runs inside this one: failures arrive classified)
      const { outcome, errorCode } = error instanceof CallFailure ? error : classifyFailure(error);
      record(outcome, errorCode);
      throw error;
    }
  };
}
