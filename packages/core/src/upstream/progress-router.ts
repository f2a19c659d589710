/**
 * Routes upstream `notifications/progress` to the forwarded request they belong to.
 *
 * Each forwarded request that wants progress gets a token of ours (a string, so it never
 * collides with the SDK's numeric ones); the caller maps it back to its downstream token.
 * We do not use the SDK's per-call `onprogress`: it drops its handler as soon as the
 * response arrives, and notification handlers run a microtask later than responses, so
 * progress written right before a result would be lost ("unknown progress token").
 */
import type { Client } from '@modelcontextprotocol/client';
import type { ForwardOptions } from './types.ts';

type OnProgress = NonNullable<ForwardOptions['onProgress']>;

export class ProgressRouter {
  private readonly handlers = new Map<string, OnProgress>();
  private next = 0;

  /** Replaces the SDK's own progress dispatch on `client`. */
  attach(client: Client): void {
    client.setNotificationHandler('notifications/progress', (notification) => {
      const { progressToken, progress, total, message } = notification.params;
      this.handlers.get(String(progressToken))?.({
        progress,
        ...(total !== undefined && { total }),
        ...(message !== undefined && { message }),
      });
    });
  }

  /** A fresh token routed to `onProgress` until released. */
  register(onProgress: OnProgress): string {
    const token = `switchboard-${++this.next}`;
    this.handlers.set(token, onProgress);
    return token;
  }

  release(token: string): void {
    this.handlers.delete(token);
  }
}

/** `params` with `_meta.progressToken` set to ours (the rest of `_meta` kept). */
export function withProgressToken(params: Record<string, unknown> | undefined, token: string): Record<string, unknown> {
  const meta = (params?._meta ?? {}) as Record<string, unknown>;
  return { ...params, _meta: { ...meta, progressToken: token } };
}
