import { INVALID_REQUEST, ProtocolError } from '@modelcontextprotocol/server';
import type { Credentials } from '../credentials/credentials.ts';
import type { Stage } from './call.ts';

/**
 * Credentials: whose credential reaches the upstream. A shared upstream (the default) costs
 * one map lookup and nothing else. For a per-person upstream the caller's own credential
 * (their secret values, OAuth token, exchanged token or a signed assertion) is resolved —
 * from memory after the person's first call — and put on the call; forward then sends it
 * on that person's own upstream connection. A missing one throws CredentialRequired
 * (answered with the connect link by the error stage).
 */
export function credentials(options: { credentials: Credentials }): Stage {
  const { credentials } = options;
  return async (call, next) => {
    const upstream = credentials.upstream(call.route!.upstreamId);
    if (!upstream) {
      call.credentialMode = 'shared';
      return next(call);
    }
    call.credentialMode = upstream.mode;
    const subject = credentials.subjectOf(call.caller.principal, call.caller.userEmail());
    if (!subject) {
      throw new ProtocolError(INVALID_REQUEST, `upstream "${upstream.name}" acts as each person, and this virtual server does not identify its callers`, {
        upstream: upstream.name,
        reason: 'no_person',
      });
    }
    call.credential = await credentials.resolve(upstream, subject);
    return next(call);
  };
}
