import type { Limiter } from '../limits/limiter.ts';
import type { Stage } from './call.ts';

/**
 * Limits: the rate, quota and concurrency rules this call falls under (who calls, on which
 * virtual server, which upstream item), decided in memory from leased budgets (see
 * limits/limiter.ts). A refused call throws LimitExceeded: the error stage answers it
 * with a retryAfter, the audit records it as `limited`. A concurrency slot is held until
 * the call's answer (or failure) comes back.
 */
export function limits(options: { limiter: Limiter; virtualServerId: string }): Stage {
  const { limiter, virtualServerId } = options;
  return async (call, next) => {
    if (limiter.idle) return next(call);
    const route = call.route!;
    const { principal } = call.caller;
    const release = await limiter.admit({
      virtualServerId,
      key: principal.userId ? `user:${principal.userId}` : principal.key,
      userId: principal.userId,
      upstream: route.upstreamName,
      item: route.item,
    });
    if (!release) return next(call);
    try {
      return await next(call);
    } finally {
      release();
    }
  };
}
