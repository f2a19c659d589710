import { AsyncLocalStorage } from 'node:async_hooks';
import type { ForwardOptions } from './types.ts';

type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * A call's own HTTP headers (ForwardOptions.headers: the gateway's trace context) on the
 * requests the SDK's transports send for it. The relay (http-relay.ts) takes them directly;
 * the SDK client has no per-request headers, so the headers travel with the call's async
 * context to the transport's `fetch`, which adds them. Calls without headers (tracing off)
 * run as they are: no context is entered.
 */
const current = new AsyncLocalStorage<NonNullable<ForwardOptions['headers']>>();

export function withCallHeaders<T>(headers: ForwardOptions['headers'], fn: () => T): T {
  return headers ? current.run(headers, fn) : fn();
}

/** `base`, adding the current call's headers (never over a header the transport set itself). */
export function fetchWithCallHeaders(base: FetchLike): FetchLike {
  return (input, init) => {
    const extra = current.getStore();
    if (!extra) return base(input, init);
    const headers = new Headers(init?.headers);
    for (const [name, value] of Object.entries(extra)) if (value && !headers.has(name)) headers.set(name, value);
    return base(input, { ...init, headers });
  };
}
