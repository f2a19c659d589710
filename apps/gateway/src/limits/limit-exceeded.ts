/**
 * The JSON-RPC error code of a call refused by a rate limit, quota or concurrency cap.
 * The MCP specification requires servers to rate-limit tool invocations (server/tools,
 * "Security considerations") but defines no error code for it, so this is one of the
 * codes JSON-RPC 2.0 leaves to implementations (-32000 to -32099, "server error"); its
 * `data.retryAfter` says in how many seconds to try again, like HTTP's Retry-After.
 */
export const RATE_LIMITED = -32029;

/** Which limit refused, for whom, and when to come back: what the caller, the audit and metrics see. */
export interface LimitRefusal {
  /** `call`: a rule of the limits stage; `registration` / `login`: the authorization server's own limits. */
  scope: 'call' | 'registration' | 'login';
  /** The rule's name (or the built-in limit's). */
  rule: string;
  limit: 'rate' | 'quota' | 'concurrency';
  retryAfterSeconds: number;
  virtualServerId?: string;
  upstream?: string;
}

/** A call refused by a limit (the error mapping answers it; the audit records it as `limited`). */
export class LimitExceeded extends Error {
  constructor(readonly refusal: LimitRefusal) {
    super(`rate limit "${refusal.rule}" exceeded (${refusal.limit}); retry after ${refusal.retryAfterSeconds} s`);
  }
}

