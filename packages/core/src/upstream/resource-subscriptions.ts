/**
 * The resource subscriptions of one upstream connection, shared by every downstream session
 * (the gateway fans updates out). They survive reconnects. A 2026-07-28 upstream has no
 * resources/subscribe: the URIs go into the filter of its listen stream instead.
 */

/** How a subscription change reaches the upstream on the current connection. */
export interface SubscriptionTarget {
  /** 2026-07-28: change the listen stream's filter instead of sending the request. */
  modern: boolean;
  send(method: string, params: Record<string, unknown> | undefined): Promise<Record<string, unknown>>;
  /** Replaces the listen stream by one over the current URIs (2026-07-28). */
  relisten(): Promise<void>;
}

export class ResourceSubscriptions {
  private readonly uris = new Set<string>();

  /** The URIs some downstream session subscribed to. */
  get current(): Iterable<string> {
    return this.uris;
  }

  /** One `resources/subscribe` or `resources/unsubscribe` from a downstream session. */
  async change(target: SubscriptionTarget, method: string, params: Record<string, unknown> | undefined): Promise<Record<string, unknown>> {
    const uri = String(params?.uri ?? '');
    const subscribe = method === 'resources/subscribe';
    if (!target.modern) {
      const result = await target.send(method, params);
      this.record(uri, subscribe);
      return result;
    }
    const changed = subscribe !== this.uris.has(uri);
    this.record(uri, subscribe);
    if (changed) await target.relisten();
    return {};
  }

  /** After a reconnect to a 2025-era upstream: subscribes again to every URI (failures go to `onError`). */
  renew(send: SubscriptionTarget['send'], onError: (uri: string, error: unknown) => void): void {
    for (const uri of this.uris) void send('resources/subscribe', { uri }).catch((error: unknown) => onError(uri, error));
  }

  private record(uri: string, subscribe: boolean): void {
    if (subscribe) this.uris.add(uri);
    else this.uris.delete(uri);
  }
}
