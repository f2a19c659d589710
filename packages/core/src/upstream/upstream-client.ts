/**
 * The SDK `Client` as the engine configures it for one upstream, plus the bits of client
 * set-up that depend on the negotiated era.
 */
import { Client, type McpSubscription, type StandardSchemaV1 } from '@modelcontextprotocol/client';
import type { UpstreamSpec } from './types.ts';

export interface UpstreamClientOptions {
  clientInfo?: { name: string; version: string };
  /** How long an `auto` upstream's `server/discover` probe may take (the era is the spec's `protocol`). */
  probeTimeoutMs?: number;
}

/**
 * Elicitation and sampling are relayed to the downstream client that caused them (see
 * UpstreamConnection). 2026-07-28 requests carry the end client's own capabilities in
 * their envelope, which overrides these (less `roots`: see upstreamCapabilities in the
 * gateway's forwarding.ts). Roots are never offered: a client's roots name directories on
 * its own machine, and servers take them as their access boundary, replacing what the
 * administrator configured (server-filesystem does); they are also deprecated as of
 * 2026-07-28 (SEP-2577).
 */
export const UPSTREAM_CLIENT_CAPABILITIES = { elicitation: { form: {} }, sampling: {} };

export const clientInfoOf = (options: UpstreamClientOptions) => options.clientInfo ?? { name: 'switchboard', version: '0.1.0' };

export function createUpstreamClient(spec: UpstreamSpec, options: UpstreamClientOptions): Client {
  const legacyOnly = spec.transport === 'sse' || spec.protocol === 'legacy';
  return new Client(clientInfoOf(options), {
    capabilities: UPSTREAM_CLIENT_CAPABILITIES,
    // SSE upstreams predate 2026-07-28: probing them would only cost a round trip; a `legacy`
    // pin means the administrator wants a 2025-era session whatever is offered. On stdio the
    // SDK probes on a disposable sibling process, and a silent probe means "legacy", so the
    // probe budget is the delay a legacy server that ignores unknown requests costs us.
    versionNegotiation: legacyOnly
      ? { mode: 'legacy' }
      : { mode: 'auto', probe: { timeoutMs: options.probeTimeoutMs ?? 10_000 } },
    // a 2026-07-28 `input_required` result surfaces as an error until the router relays it
    inputRequired: { autoFulfill: false },
  });
}

/** Results pass through untouched (the downstream side re-validates); only "is an object" is checked. */
export const ANY_RESULT: StandardSchemaV1<unknown, Record<string, unknown>> = {
  '~standard': {
    version: 1,
    vendor: 'switchboard',
    validate: (value) =>
      typeof value === 'object' && value !== null && !Array.isArray(value)
        ? { value: value as Record<string, unknown> }
        : { issues: [{ message: 'result is not an object' }] },
  },
};

/**
 * 2026-07-28 upstreams send list changes only on a `subscriptions/listen` stream (the SDK
 * opens one by itself only for its own `listChanged` option, and not on a `prior` connect).
 * Resolves undefined when there is nothing to listen for.
 */
export async function listenForListChanges(
  client: Client,
  timeoutMs: number,
  resourceUris: Iterable<string> = [],
): Promise<McpSubscription | undefined> {
  const caps = client.getServerCapabilities() ?? {};
  const uris = caps.resources?.subscribe ? [...resourceUris] : [];
  const filter = {
    ...(caps.tools?.listChanged && { toolsListChanged: true }),
    ...(caps.resources?.listChanged && { resourcesListChanged: true }),
    ...(caps.prompts?.listChanged && { promptsListChanged: true }),
    // 2026-07-28 has no resources/subscribe: updates ride the same listen stream.
    ...(uris.length > 0 && { resourceSubscriptions: uris }),
  };
  if (Object.keys(filter).length === 0) return undefined;
  return client.listen(filter, { timeout: timeoutMs });
}
