import type { Context } from '@opentelemetry/api';
import type { AuthInfo } from '@modelcontextprotocol/server';

/** Who is calling a virtual server, as established by its auth mode. */
export interface Principal {
  /** Stable identity for binding sessions: a session only ever serves the principal that opened it. */
  key: string;
  kind: 'anonymous' | 'api-token' | 'oauth' | 'console';
  userId: string | null;
  clientId: string | null;
}

export const anonymous: Principal = { key: 'anonymous', kind: 'anonymous', userId: null, clientId: null };

/**
 * The SDK carries caller identity as `AuthInfo`; ours rides in `extra`, and with tracing on
 * the request span's context too (traceOf).
 */
export function toAuthInfo(principal: Principal, trace?: Context): AuthInfo {
  return { token: '', clientId: principal.clientId ?? principal.key, scopes: [], extra: trace ? { principal, trace } : { principal } };
}

/** The request span's context a request's AuthInfo carries (toAuthInfo), if tracing is on. */
export function traceOf(authInfo: AuthInfo | undefined): Context | undefined {
  return authInfo?.extra?.trace as Context | undefined;
}

export function principalOf(authInfo: AuthInfo | undefined): Principal {
  return (authInfo?.extra?.principal as Principal | undefined) ?? anonymous;
}
