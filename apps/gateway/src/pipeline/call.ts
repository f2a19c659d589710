import type { Context } from '@opentelemetry/api';
import type { ToolRoute } from '@switchboard/core/federation/routing-table';
import type { Visibility } from '@switchboard/core/federation/router';
import type { ForwardOptions } from '@switchboard/core/upstream/types';
import type { Principal } from '../mcp/principal.ts';
import type { LogThreshold } from '../mcp/logging.ts';
import type { CredentialMode, ResolvedCredential } from '../credentials/types.ts';
import type { Outcome } from './outcome.ts';

/** The three requests that reach an upstream tool, resource or prompt (and are audited). */
export type CallKind = 'tool' | 'resource' | 'prompt';

/** How the caller's answer is written: 2025-era (sessions) or 2026-07-28 (stateless envelope). */
export type Era = 'legacy' | 'modern';

/** Who is calling, and what they may see; the same for every request of one session. */
export interface CallerContext {
  principal: Principal;
  /** The caller's live visibility (access policy); absent = everything visible. */
  visibility?: Visibility;
  /** The person's e-mail, as the audit trail copies it in. */
  userEmail(): string | null;
  /** Who really made the call when it is made for someone else (an admin trying tools "as user X"). */
  actor?: string;
}

/** What the caller's side of the connection can do while the call runs. */
export interface Downstream {
  /** What the client declared it can answer (2025: at initialize; 2026: in the request envelope). */
  clientCapabilities?: Record<string, unknown>;
  /** Which upstream log messages the client wants (see mcp/logging.ts). */
  logThreshold: LogThreshold;
  /** An `input_required` result from a 2026-07-28 upstream: handed to the caller, or refused (it cannot answer one). */
  inputRequired: 'relay' | 'refuse';
  /** The era's projection of a tool result (see project.ts). */
  project(result: Record<string, unknown>, outputSchema: Record<string, unknown> | undefined): Record<string, unknown>;
  /** Cancellation, progress, logs and server-to-client requests, wired to the caller. */
  hooks: Omit<ForwardOptions, 'timeoutMs'>;
  /** Answers to an earlier `input_required`, carried by a 2025-era client's retry. */
  inputResponses?: unknown;
  timeoutMs?: number;
}

/**
 * One tools/call, resources/read or prompts/get on its way through the pipeline: what
 * the adapter (SDK handler, lean path, playground) decoded, and what the stages learn.
 */
export interface McpCall {
  kind: CallKind;
  /** The exposed tool or prompt name, or the resource URI. */
  name: string;
  /** The request's params as the client sent them (its `_meta` still in). */
  params: Record<string, unknown>;
  era: Era;
  caller: CallerContext;
  downstream: Downstream;
  /** Set by the route stage: the upstream serving the name, and the item's own name there. */
  route?: CallRoute;
  /**
   * Set when tracing is on: the OpenTelemetry context of the call's request span (from
   * mcp/entry.ts), the parent of the call's own spans. Passed along here, not kept in an
   * AsyncLocalStorage (see tracing/synchronous-context.ts).
   */
  trace?: Context;
  /**
   * Set when tracing is on, by the upstream call's span: the W3C trace context the upstream
   * receives (in `_meta`, and as headers on HTTP), replacing the caller's own.
   */
  upstreamTrace?: { traceparent?: string; tracestate?: string };
  /** Set by the credentials stage: whose credentials the upstream's mode calls for (audited). */
  credentialMode?: CredentialMode;
  /** Set by the credentials stage for a per-person upstream: the caller's own credential (forward uses their connection). */
  credential?: ResolvedCredential;
  /** Set when a failure was answered as a result (a tool error): how the audit trail names it. */
  refusal?: { outcome: Outcome; errorCode: string };
}

export interface CallRoute {
  upstreamId: string;
  upstreamName: string;
  /** The upstream's own name of the tool or prompt, or the URI of a resource. */
  item: string;
  /** The tool as the virtual server lists it (for its output schema). */
  tool?: ToolRoute['tool'];
  /** Set when the server namespaces resource URIs: an upstream URI → the one its clients know. */
  clientUri?: (uri: string) => string;
}

export type CallResult = Record<string, unknown>;
export type CallHandler = (call: McpCall) => Promise<CallResult>;

/**
 * One stage of the pipeline, written like a Hono middleware: it may look at the call,
 * refuse it (throw), pass it on (`next(call)`) and look at or change what comes back.
 */
export type Stage = (call: McpCall, next: CallHandler) => Promise<CallResult>;

/**
 * Runs `stages` in order around `last` (the stage that answers without a next). Each
 * stage's `next` is bound here, once: a call allocates no closure per stage.
 */
export function compose(stages: Stage[], last: CallHandler): CallHandler {
  return stages.reduceRight<CallHandler>((next, stage) => (call) => stage(call, next), last);
}
