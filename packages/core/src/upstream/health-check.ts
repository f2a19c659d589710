/**
 * Ping-based liveness for one connected upstream. A stdio server that crashes closes its
 * pipes and is noticed at once; one that hangs (deadlock, busy loop) or an HTTP server
 * that silently went away is only noticed by asking.
 */
import type { Client } from '@modelcontextprotocol/client';
import { describeError } from './errors.ts';
import type { Logger } from './logger.ts';

export interface HealthCheckOptions {
  intervalMs: number;
  timeoutMs: number;
  /** Consecutive failed pings before the upstream is declared dead (one slow ping under load is not). */
  maxMisses?: number;
  logger: Logger;
  logContext: object;
  onUnhealthy(reason: string): void;
}

/** Starts pinging; returns the stop function. No-op (and no timer) for `intervalMs <= 0`. */
export function startHealthCheck(client: Client, options: HealthCheckOptions): () => void {
  if (options.intervalMs <= 0) return () => {};
  const maxMisses = options.maxMisses ?? 2;
  let misses = 0;
  let busy = false;
  let stopped = false;
  const timer = setInterval(() => {
    if (busy || stopped) return;
    busy = true;
    client
      .ping({ timeout: options.timeoutMs })
      .then(
        () => {
          misses = 0;
        },
        (error: unknown) => {
          misses += 1;
          options.logger.warn({ ...options.logContext, misses, err: describeError(error) }, 'upstream ping failed');
          if (misses >= maxMisses && !stopped) {
            stopped = true;
            options.onUnhealthy(`health check failed: ${misses} pings without answer (${describeError(error)})`);
          }
        },
      )
      .finally(() => {
        busy = false;
      });
  }, options.intervalMs);
  // never keep the process alive just to ping
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
