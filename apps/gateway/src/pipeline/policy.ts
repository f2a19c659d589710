import type { Stage } from './call.ts';
import { PolicyDenied } from './outcome.ts';
import { unknownName } from './route.ts';

/**
 * Policy: may this caller use what the name routes to? The same visibility decides what
 * the lists show (the router's list methods), so listing and calling never disagree. A
 * hidden name is refused exactly like an unknown one.
 */
export function policy(): Stage {
  return (call, next) => {
    const route = call.route!;
    const visible = call.caller.visibility?.[call.kind](route.upstreamName, route.item) ?? true;
    if (!visible) {
      const unknown = unknownName(call.kind, call.name);
      throw new PolicyDenied(unknown.rpcCode, unknown.message);
    }
    return next(call);
  };
}
