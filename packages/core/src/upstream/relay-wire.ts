/**
 * The protocol details of the relay (http-relay.ts) that do not touch a socket: the
 * outgoing headers and params per era, and how an upstream's JSON-RPC answer becomes the
 * engine's result or error. Each mirrors what the SDK client does for the same message,
 * so a relayed call and an SDK call are indistinguishable to the upstream and the caller.
 */
import { UpstreamError } from './types.ts';

/** What the SDK negotiated for one connection, and the relay keeps sending. */
export interface RelaySession {
  /** `modern` = 2026-07-28 (stateless, per-request envelope); `legacy` = 2025-era sessions. */
  era: 'legacy' | 'modern';
  protocolVersion: string;
  /** The `Mcp-Session-Id` the upstream assigned at initialize (legacy era only). */
  sessionId?: string;
  /** The 2026-07-28 `_meta` envelope (protocol version, client info and capabilities). */
  envelope?: Record<string, unknown>;
}

export interface RpcMessage {
  jsonrpc?: string;
  id?: string | number | null;
  method?: string;
  params?: Record<string, unknown>;
  result?: unknown;
  error?: { code?: unknown; message?: unknown; data?: unknown };
}

/** Where a 2026-07-28 request's `Mcp-Name` header comes from (the SDK's table, for the relayed methods). */
const NAME_SOURCE: Record<string, string> = { 'tools/call': 'name', 'prompts/get': 'name', 'resources/read': 'uri' };

/**
 * An HTTP field value as the spec's SEP-2243 encoding has it (the SDK's own helper is not
 * exported): printable ASCII without edge whitespace passes as is, anything else is
 * UTF-8 base64 inside `=?base64?…?=`.
 */
export function encodeHeaderValue(value: string): string {
  const plain = value.length > 0 && value === value.trim() && /^[\t\x20-\x7e]*$/.test(value) && !(value.startsWith('=?base64?') && value.endsWith('?='));
  return plain ? value : `=?base64?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

/** Headers every relayed request of this session carries (the per-call ones come from `callHeaders`). */
export function sessionHeaders(session: RelaySession, configured: Record<string, string>): Record<string, string> {
  const headers: Record<string, string> = {};
  // configured headers first: the protocol's own names below must not be overridable
  for (const [name, value] of Object.entries(configured)) headers[name.toLowerCase()] = value;
  headers['content-type'] = 'application/json';
  headers.accept = 'application/json, text/event-stream';
  headers['mcp-protocol-version'] = session.protocolVersion;
  if (session.era === 'legacy' && session.sessionId) headers['mcp-session-id'] = session.sessionId;
  return headers;
}

/** 2026-07-28 servers cross-check `Mcp-Method` / `Mcp-Name` against the body (SEP-2243). */
export function callHeaders(session: RelaySession, base: Record<string, string>, method: string, params: Record<string, unknown> | undefined) {
  if (session.era !== 'modern') return base;
  const field = NAME_SOURCE[method];
  const name = field ? params?.[field] : undefined;
  return { ...base, 'mcp-method': method, ...(typeof name === 'string' && { 'mcp-name': encodeHeaderValue(name) }) };
}

/** The params as sent: on 2026-07-28 the envelope goes into `_meta` (the caller's own keys win, as in the SDK). */
export function outgoingParams(session: RelaySession, params: Record<string, unknown> | undefined) {
  if (session.era !== 'modern' || !session.envelope) return params;
  const meta = params?._meta as Record<string, unknown> | undefined;
  return { ...params, _meta: { ...session.envelope, ...meta } };
}

/**
 * The result as the SDK client would hand it over with `ANY_RESULT`: `resultType` removed;
 * on 2026-07-28 it is required, and `input_required` is returned as such only where the
 * caller relays it (elsewhere it is an error, as with the SDK's auto-fulfilment off).
 */
export function decodeResult(session: RelaySession, method: string, raw: unknown, allowInputRequired: boolean): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new UpstreamError('upstream_error', `Invalid result for ${method}: not an object`, -32603);
  }
  const { resultType, ...rest } = raw as Record<string, unknown>;
  if (session.era === 'legacy' || resultType === 'complete') return rest;
  if (resultType === 'input_required' && allowInputRequired) {
    const { inputRequests, requestState, _meta } = rest;
    if (inputRequests === undefined && typeof requestState !== 'string') {
      throw new UpstreamError('upstream_error', `Invalid result for ${method}: input_required carries neither inputRequests nor requestState`, -32603);
    }
    // Never declared to upstreams (see UPSTREAM_CLIENT_CAPABILITIES): one that asks anyway is
    // not put through to the client, whose answer would hand it the client's directories.
    if (asksForRoots(inputRequests)) {
      throw new UpstreamError('upstream_error', `Invalid result for ${method}: input_required asks for roots, which this gateway never passes on`, -32603);
    }
    return {
      resultType,
      inputRequests: inputRequests ?? {},
      ...(typeof requestState === 'string' && { requestState }),
      ...(_meta !== undefined && { _meta }),
    };
  }
  const problem = resultType === undefined ? 'missing required resultType' : `unsupported result type '${String(resultType)}'`;
  throw new UpstreamError('upstream_error', `Invalid result for ${method}: ${problem}`, -32603);
}

function asksForRoots(inputRequests: unknown): boolean {
  if (typeof inputRequests !== 'object' || inputRequests === null) return false;
  return Object.values(inputRequests).some((request) => (request as { method?: unknown } | null)?.method === 'roots/list');
}

/** A JSON-RPC error answer, kept verbatim (code, message, data) like the SDK's ProtocolError. */
export function rpcError(error: NonNullable<RpcMessage['error']>): UpstreamError {
  const code = typeof error.code === 'number' ? error.code : -32603;
  return new UpstreamError('upstream_error', String(error.message ?? 'upstream error'), code, error.data);
}
