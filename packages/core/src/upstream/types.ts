/**
 * The runtime view of an upstream MCP server and its connection, shared by the pool
 * (which owns connections) and the router (which sends requests through them).
 * No database or HTTP-framework types here: the gateway maps its rows onto these.
 */

/**
 * How the engine opens a session with an upstream. `auto` probes `server/discover`
 * (2026-07-28, stateless) and falls back to `initialize`; `legacy` never probes and always
 * opens a 2025-era session: for an upstream whose 2026-07-28 support is broken, or costs
 * more than its sessions do. Legacy SSE upstreams are 2025-era whatever this says.
 */
export type UpstreamProtocol = 'auto' | 'legacy';

/** An upstream as the engine needs it: secrets already decrypted, in memory only. */
export type UpstreamSpec = {
  id: string;
  name: string;
  enabled: boolean;
  /** Connect when the pool starts, instead of on first use. */
  connectAtBoot: boolean;
  /** Default per-request timeout. */
  timeoutMs: number;
  protocol: UpstreamProtocol;
  /**
   * The largest single message accepted from a stdio upstream, in bytes (default 10 MiB,
   * the SDK's buffer cap). A bigger one fails only the request it answers.
   */
  maxMessageBytes?: number | null;
  /**
   * An upstream whose credentials are per person and that has nothing to list its catalog
   * with yet (no service credential, nobody connected): the shared connection does not
   * connect. Calls with a person's credential still go on their own connection.
   */
  awaitingCredential?: boolean;
  /**
   * The upstream acts as each person: its shared connection (made with a service or the
   * first person's credential) lists the catalog and serves nobody's requests; a request
   * without a person's credential (ForwardOptions.credential) is refused.
   */
  perPerson?: boolean;
} & (
  | { transport: 'stdio'; command: string; args: string[]; env: Record<string, string>; cwd?: string | null }
  | { transport: 'sse' | 'streamable-http'; url: string; headers: Record<string, string>; bearerToken?: string | null }
);

export type UpstreamState = 'idle' | 'starting' | 'connected' | 'failing' | 'stopped';

export interface UpstreamStatus {
  state: UpstreamState;
  /** When the current state began (ISO-8601). */
  since: string;
  lastError: string | null;
  /** Protocol version negotiated with the upstream, once connected. */
  protocolVersion: string | null;
  restarts: number;
  inFlight: number;
  /** Downstream sessions with a dedicated connection to this upstream (see ForwardOptions.isolationKey). */
  isolatedSessions: number;
  /** People's own connections to this upstream (per-person credentials; on stdio, processes). */
  personalConnections: number;
  /** Counts of the catalog last seen. */
  tools: number;
  resources: number;
  prompts: number;
}

/** What an upstream offers, as last listed (all pages). Items are the MCP objects as sent. */
export interface Catalog {
  tools: McpTool[];
  resources: McpResource[];
  resourceTemplates: McpResourceTemplate[];
  prompts: McpPrompt[];
  capabilities: Record<string, unknown>;
  serverInfo: { name: string; version: string; [key: string]: unknown } | null;
  instructions: string | null;
}

export type McpTool = { name: string; description?: string; inputSchema: Record<string, unknown>; [key: string]: unknown };
export type McpResource = { uri: string; name: string; [key: string]: unknown };
export type McpResourceTemplate = { uriTemplate: string; name: string; [key: string]: unknown };
export type McpPrompt = { name: string; description?: string; [key: string]: unknown };

/** Options for one request forwarded to an upstream on behalf of one downstream client. */
export interface ForwardOptions {
  /** Aborting sends `notifications/cancelled` upstream and rejects with an UpstreamError. */
  signal?: AbortSignal;
  /** Overrides the upstream's default timeout. */
  timeoutMs?: number;
  /** Progress from the upstream for this request, already matched to it. */
  onProgress?: (progress: { progress: number; total?: number; message?: string }) => void;
  /**
   * Log messages (`notifications/message`) the upstream sends while this request runs.
   * The protocol does not tie a log message to a request, so a message is delivered here
   * only when this is the one request in flight that wants logs on its connection;
   * otherwise it goes to the pool's onNotification (never to the wrong client).
   */
  onLog?: (params: Record<string, unknown>) => void;
  /**
   * A 2025-era upstream's request to the client (elicitation, sampling) made while this
   * request runs, relayed to the downstream client that caused it. Like logs, it is routed
   * only when this is the one request in flight on the connection (or the connection is
   * this session's own, see isolationKey); otherwise the upstream gets an error rather
   * than another person's answer.
   */
  onServerRequest?: (method: string, params: Record<string, unknown> | undefined) => Promise<Record<string, unknown>>;
  /**
   * The downstream session this request comes from, when its client can answer requests
   * to the client. An upstream that cannot tie those to a call (2025-era, stdio or legacy
   * SSE) then serves it on a connection dedicated to this session, within the pool's cap.
   */
  isolationKey?: string;
  /**
   * The caller's own credential for an upstream whose credentials are per person: the
   * request goes on the connection of `credential.key` (made with these headers/env), never
   * on the shared one and never on another key's.
   */
  credential?: UpstreamCredential;
}

/**
 * What one person's connection to an upstream is made with. One connection per `key`
 * (one person, one upstream); when `version` changes (new values, a refreshed token, a
 * renewed assertion) that connection is replaced. `headers` are laid over the upstream's
 * (HTTP), `env` over its environment (stdio: one process per key).
 */
export interface UpstreamCredential {
  key: string;
  version: string;
  headers?: Record<string, string>;
  env?: Record<string, string>;
}

export type UpstreamErrorCode =
  | 'upstream_unavailable' // cannot connect / crashed / disabled
  | 'upstream_timeout'
  | 'upstream_cancelled'
  | 'upstream_error'; // the upstream answered with a JSON-RPC error (see `rpcCode`)

/** Every failure of a forwarded request, with a stable code and no internals. */
export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  constructor(
    readonly code: UpstreamErrorCode,
    message: string,
    /** The upstream's JSON-RPC error code, when it sent one. */
    readonly rpcCode?: number,
    readonly data?: unknown,
  ) {
    super(message);
  }
}
