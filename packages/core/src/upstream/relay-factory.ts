/**
 * Which requests take a relay (http-relay.ts, stdio-relay.ts) instead of the SDK client,
 * and the relay for a freshly connected Streamable HTTP or stdio upstream, built from what
 * the SDK negotiated.
 */
import {
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  type Client,
  PROTOCOL_VERSION_META_KEY,
  type StreamableHTTPClientTransport,
} from '@modelcontextprotocol/client';
import type { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { HttpRelay, type HttpRelayOptions } from './http-relay.ts';
import type { RelaySession } from './relay-wire.ts';
import { StdioRelay } from './stdio-relay.ts';
import { httpHeaders, type UpstreamTransport } from './transport-factory.ts';
import type { UpstreamSpec } from './types.ts';
import { clientInfoOf, UPSTREAM_CLIENT_CAPABILITIES, type UpstreamClientOptions } from './upstream-client.ts';

/**
 * The hot methods: one request, one answer, nothing the SDK keeps state about.
 * Subscriptions, pings, completions, logging/setLevel and the rest stay on the SDK client.
 */
export const RELAYED_METHODS = new Set([
  'tools/call',
  'tools/list',
  'resources/read',
  'resources/list',
  'resources/templates/list',
  'prompts/get',
  'prompts/list',
]);

/** The methods whose 2026-07-28 results may be `input_required` (and, before, may ask the client). */
export const INPUT_REQUIRED_METHODS = new Set(['tools/call', 'prompts/get', 'resources/read']);

/** A relay speaking exactly as `client` negotiated, or undefined when the upstream is legacy SSE. */
export function relayFor(
  spec: UpstreamSpec,
  client: Client,
  handle: UpstreamTransport,
  options: UpstreamClientOptions,
  onNotification: HttpRelayOptions['onNotification'],
): HttpRelay | StdioRelay | undefined {
  if (spec.transport === 'sse') return undefined;
  const protocolVersion = client.getNegotiatedProtocolVersion();
  if (!protocolVersion) return undefined;
  // the envelope the SDK client attaches to every request on a 2026-07-28 connection
  const envelope = client.getProtocolEra() === 'modern' && {
    [PROTOCOL_VERSION_META_KEY]: protocolVersion,
    [CLIENT_INFO_META_KEY]: clientInfoOf(options),
    [CLIENT_CAPABILITIES_META_KEY]: UPSTREAM_CLIENT_CAPABILITIES,
  };
  if (spec.transport === 'stdio') {
    const session: RelaySession = envelope ? { era: 'modern', protocolVersion, envelope } : { era: 'legacy', protocolVersion };
    return StdioRelay.attach(handle.transport as StdioClientTransport, handle.reader, session);
  }
  const headers = httpHeaders(spec.headers, spec.bearerToken);
  if (envelope) {
    return new HttpRelay({ url: spec.url, headers, session: { era: 'modern', protocolVersion, envelope }, onNotification });
  }
  const { sessionId } = handle.transport as StreamableHTTPClientTransport;
  return new HttpRelay({ url: spec.url, headers, session: { era: 'legacy', protocolVersion, sessionId }, onNotification });
}
