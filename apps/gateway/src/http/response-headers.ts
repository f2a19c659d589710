import { randomUUID } from 'node:crypto';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { AppEnv } from './env.ts';

type SecureHeadersOptions = NonNullable<Parameters<typeof secureHeaders>[0]>;

/*
 * Hono's requestId and secureHeaders, minus their work on responses an MCP handler already
 * wrote to the socket itself (nothing set on `c.res` reaches the client there). Profiled
 * under the benchmark, the two cost ~4% of the gateway's CPU per proxied call, mostly
 * setting headers on that placeholder response. Every response Hono writes still gets
 * both; the MCP fast lane (mcp/fast-lane.ts) names the answers it writes itself.
 */

const ID_HEADER = 'X-Request-Id';
const VALID_ID = /^[\w\-=]{1,255}$/;

/** The client's `X-Request-Id` when sane, else a fresh UUID. */
export const requestIdFrom = (incoming: string | null | undefined): string =>
  incoming !== undefined && incoming !== null && VALID_ID.test(incoming) ? incoming : randomUUID();

/** `requestId` as Hono's (an incoming `X-Request-Id` kept when sane, else a UUID), its header set on the way out. */
export function requestIds(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const id = requestIdFrom(c.req.header(ID_HEADER));
    c.set('requestId', id);
    await next();
    if (c.res !== RESPONSE_ALREADY_SENT) c.res.headers.set(ID_HEADER, id);
  };
}

/**
 * Hono's `secureHeaders`, run once the response exists. Only for options without CSP nonce
 * callbacks (those must run before the handler, which this skips): the gateway sets none.
 */
export function securityHeaders(options: Omit<SecureHeadersOptions, 'contentSecurityPolicy' | 'contentSecurityPolicyReportOnly'>): MiddlewareHandler<AppEnv> {
  const apply = secureHeaders(options);
  const done = async () => {};
  return async (c, next) => {
    await next();
    if (c.res !== RESPONSE_ALREADY_SENT) await apply(c, done);
  };
}
