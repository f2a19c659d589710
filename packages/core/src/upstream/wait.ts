/** Small promise helpers for the connection's request path. */
import { setImmediate as macrotask } from 'node:timers/promises';
import { UpstreamError } from './types.ts';

/**
 * `promise`, unless the caller aborts or `ms` pass first (used while a request waits for
 * the upstream to connect, before the SDK's own per-request timeout takes over).
 */
export function within<T>(promise: Promise<T>, signal: AbortSignal | undefined, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const settle = (finish: () => void) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      finish();
    };
    const onAbort = () => settle(() => reject(new UpstreamError('upstream_cancelled', 'request cancelled by the client')));
    const timer = setTimeout(() => settle(() => reject(new UpstreamError('upstream_timeout', `${what} timed out`))), ms);
    signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => settle(() => resolve(value)),
      (error: unknown) => settle(() => reject(error)),
    );
  });
}

/**
 * Yields one macrotask. The SDK dispatches notification handlers a microtask later than
 * responses, so a progress notification written just before its result can still be
 * queued when the result arrives; yielding once lets it through before we move on.
 */
export const flushNotifications = () => macrotask();

/**
 * Wraps `run` so that at most one call runs and at most one waits behind it; callers that
 * arrive while one is waiting share it (a burst of list_changed → two listings, not ten).
 */
export function coalesced<T>(run: () => Promise<T>): () => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  let queued: Promise<T> | undefined;
  return () => {
    if (!queued) {
      const next = tail
        .catch(() => {})
        .then(() => {
          queued = undefined;
          return run();
        });
      queued = next;
      tail = next;
    }
    return queued;
  };
}
