/**
 * One connection attempt to an upstream: its SDK client and transport, and what hangs off
 * them once connected (the relay, the change subscription, the health pings). An
 * UpstreamConnection replaces the whole thing on every reconnect and decides when; this
 * module only knows how to set one up, read from it and take it down.
 */
import type { Client, McpSubscription, PriorDiscovery } from '@modelcontextprotocol/client';
import type { CallRouter } from './call-router.ts';
import type { UpstreamConnectionOptions } from './connection-options.ts';
import { fetchCatalog, type RawRequest } from './catalog.ts';
import { describeError, unavailable } from './errors.ts';
import { startHealthCheck } from './health-check.ts';
import { endChild } from './stdio-child.ts';
import type { HttpRelay } from './http-relay.ts';
import type { Logger } from './logger.ts';
import { relayFor } from './relay-factory.ts';
import type { StdioRelay } from './stdio-relay.ts';
import { createUpstreamTransport, type UpstreamTransport } from './transport-factory.ts';
import type { Catalog, UpstreamSpec } from './types.ts';
import { createUpstreamClient, listenForListChanges } from './upstream-client.ts';

export interface Live {
  /** The connection's generation this attempt belongs to: events of older ones are ignored. */
  gen: number;
  client: Client;
  handle: UpstreamTransport;
  connectedAt?: number;
  stopHealth?: () => void;
  subscription?: McpSubscription;
  /** The lean path for hot requests to a Streamable HTTP or stdio upstream (see http-relay.ts, stdio-relay.ts). */
  relay?: HttpRelay | StdioRelay;
  /** The connect under way or done (closeLive waits for it to wind down). */
  connecting?: Promise<void>;
}

/** What a successful connect learned: the version, and the era verdict that lets reconnects skip the probe. */
export interface Negotiated {
  protocolVersion: string | null;
  prior: PriorDiscovery;
}

/** What an attempt tells its connection; nothing arrives once `isCurrent` says it was replaced. */
export interface LiveEvents {
  isCurrent(): boolean;
  closed(): void;
  /** The upstream said one of its lists changed. */
  listChanged(): void;
  /** Anything else the upstream sent that no call takes (resource updates, stray logs, …). */
  notification(method: string, params: Record<string, unknown> | undefined): void;
}

/**
 * A new, unconnected attempt (a stdio upstream's process is spawned on connect), its
 * client already routing to `calls` and `events`.
 */
export function createLive(
  gen: number,
  spec: UpstreamSpec,
  options: UpstreamConnectionOptions,
  log: Logger,
  calls: CallRouter,
  events: LiveEvents,
): Live {
  const handle = createUpstreamTransport(spec, {
    baseEnv: options.baseEnv,
    onStderrLine: (line) => log.debug({ upstream: spec.id, line }, 'upstream stderr'),
    onOversized: ({ bytes, id }) => log.warn({ upstream: spec.id, bytes, id, limit: spec.maxMessageBytes }, 'upstream message over its size limit skipped'),
  });
  const client = createUpstreamClient(spec, options);
  client.onclose = () => events.closed();
  client.onerror = (error) => log.debug({ upstream: spec.id, err: error.message }, 'upstream client error');
  calls.attach(client, events.isCurrent, events.notification);
  const onListChanged = () => {
    if (events.isCurrent()) events.listChanged();
  };
  client.setNotificationHandler('notifications/tools/list_changed', onListChanged);
  client.setNotificationHandler('notifications/resources/list_changed', onListChanged);
  client.setNotificationHandler('notifications/prompts/list_changed', onListChanged);
  client.fallbackNotificationHandler = async (notification) => {
    if (events.isCurrent()) events.notification(notification.method, notification.params);
  };
  return { gen, client, handle };
}

/** Initializes (or, with `prior`, skips straight to the known era). */
export function connectLive(live: Live, options: UpstreamConnectionOptions, prior: PriorDiscovery | undefined): Promise<void> {
  live.connecting = live.client.connect(live.handle.transport, { prior, timeout: options.connectTimeoutMs ?? 30_000 });
  return live.connecting;
}

/** Builds the relay from what the client negotiated and returns the verdict to remember. */
export function settleLive(live: Live, spec: UpstreamSpec, options: UpstreamConnectionOptions, events: LiveEvents): Negotiated {
  const { client } = live;
  // what arrives on a relayed call's stream that is not that call's own
  live.relay = relayFor(spec, client, live.handle, options, (method, params) => {
    if (!events.isCurrent() || method === 'notifications/cancelled') return;
    if (method.endsWith('/list_changed')) events.listChanged();
    else events.notification(method, params);
  });
  const discover = client.getDiscoverResult();
  return {
    protocolVersion: client.getNegotiatedProtocolVersion() ?? null,
    prior: client.getProtocolEra() === 'modern' && discover ? { kind: 'modern', discover } : { kind: 'legacy' },
  };
}

/** Lists everything the upstream offers, with its identity as it introduced itself. */
export function fetchLiveCatalog(live: Live, send: RawRequest, log: Logger): Promise<Catalog> {
  const info = live.client.getServerVersion();
  return fetchCatalog(
    send,
    {
      capabilities: { ...live.client.getServerCapabilities() },
      serverInfo: info ? { ...info } : null,
      instructions: live.client.getInstructions() ?? null,
    },
    log,
  );
}

/**
 * Opens the 2026-07-28 change subscription (list changes and `resourceUris`' updates).
 * `onEnded` hears of it ending from the upstream's side while it is still the one wanted.
 * A failure to open is logged, not thrown: the connection works without it.
 */
export async function listenOnLive(
  live: Live,
  spec: UpstreamSpec,
  options: UpstreamConnectionOptions,
  log: Logger,
  resourceUris: Iterable<string>,
  onEnded: (how: string) => void,
): Promise<void> {
  try {
    const subscription = await listenForListChanges(live.client, options.connectTimeoutMs ?? 30_000, resourceUris);
    live.subscription = subscription;
    void subscription?.closed.then((how) => {
      if (how !== 'local' && live.subscription === subscription) onEnded(how);
    });
  } catch (error) {
    log.warn({ upstream: spec.id, err: describeError(error) }, 'cannot subscribe to list changes');
  }
}

/** Pings a 2025-era upstream (2026-07-28 has no ping) until stopped or unhealthy. */
export function startLiveHealth(
  live: Live,
  spec: UpstreamSpec,
  options: UpstreamConnectionOptions,
  log: Logger,
  onUnhealthy: (reason: string) => void,
): void {
  const interval = options.healthIntervalMs ?? 30_000;
  live.stopHealth = startHealthCheck(live.client, {
    intervalMs: live.client.getProtocolEra() === 'modern' ? 0 : interval,
    timeoutMs: Math.min(spec.timeoutMs, interval),
    logger: log,
    logContext: { upstream: spec.id },
    onUnhealthy,
  });
}

/** How long closeLive waits for an interrupted connect to reap its processes. */
const CONNECT_WIND_DOWN_MS = 5_000;

/**
 * Stops pings, fails relayed calls in flight and closes the transport; a stdio child gets
 * end of input, then SIGTERM, then SIGKILL, 2 s apart, and is waited for until it exited
 * (stdio-child.ts). The transport is closed directly, not only through the client: while the SDK still
 * negotiates the era, on stdio on a disposable sibling process, the client does not own
 * the transport yet and its close() reaches nothing, so a child stuck in the probe outlived
 * the gateway (issue 20, #13). Closing the transport aborts the probe, and the SDK reaps the
 * sibling (SIGTERM, SIGKILL after 1 s) before the connect settles, which is awaited here.
 */
export async function closeLive(live: Live, upstreamName: string): Promise<void> {
  live.stopHealth?.();
  live.relay?.close(unavailable(`the connection to upstream ${upstreamName} was closed`));
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, CONNECT_WIND_DOWN_MS);
  });
  await Promise.all([
    live.client.close().catch(() => {}),
    live.handle.transport.close().catch(() => {}),
    Promise.race([live.connecting?.catch(() => {}), bound]),
    live.handle.reader?.child && endChild(live.handle.reader.child),
  ]);
  clearTimeout(timer);
}
