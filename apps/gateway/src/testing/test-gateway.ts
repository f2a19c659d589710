import { randomBytes } from 'node:crypto';
import { generateApiToken } from '@switchboard/auth/api-token';
import { fixtureStdio } from '@switchboard/core/upstream/test-upstreams';
import type { DatabaseHandle } from '@switchboard/db/client';
import { type Backend, openTestDatabase } from '@switchboard/db/testing/test-database';
import { type Logger, pino } from 'pino';
import type { AuditWriter } from '../audit/audit-writer.ts';
import { loadConfig } from '../config.ts';
import type { FederationRegistry } from '../federation/registry.ts';
import type { OAuthRuntime, OAuthSetupOptions } from '../oauth/setup.ts';
import { startGateway } from '../server.ts';
import type { ServiceContext } from '../services/context.ts';
import { socketFetch } from './socket-fetch.ts';

export interface TestGateway {
  /** Where the gateway listens (loopback, a free port). */
  url: string;
  ctx: ServiceContext;
  database: DatabaseHandle;
  registry: FederationRegistry;
  /** The audit queue: `flush()` before reading events. */
  audit: AuditWriter;
  adminToken: string;
  oauth: OAuthRuntime;
  /** A request over the real socket, with the Host header of the URL (the gateway's public URL by default). */
  fetch(url: string, init?: RequestInit): Promise<Response>;
  /** A request with the admin token and JSON encoding. */
  api(method: string, path: string, body?: unknown, token?: string | null): Promise<Response>;
  close(): Promise<void>;
}

/**
 * The real gateway, started by the function production starts it with (startGateway: the
 * one composition root, the one request listener) on a real, migrated database (PGlite or
 * Postgres) and a free loopback port. Requests go over the socket, so MCP requests reach
 * the entry, the lean adapters and the SDK's exactly as in production.
 */
export async function createTestGateway(
  backend: Backend,
  env: Record<string, string> = {},
  oauthOptions: OAuthSetupOptions = {},
  /** Where the gateway logs (default: nowhere); a test reading its output passes its own. */
  logger: Logger = pino({ level: 'silent' }),
): Promise<TestGateway> {
  const database = await openTestDatabase(backend);
  const adminToken = generateApiToken().token;
  const config = loadConfig({
    SWITCHBOARD_DATA_DIR: '/nonexistent',
    SWITCHBOARD_CONSOLE_DIR: '/nonexistent',
    SWITCHBOARD_PUBLIC_URL: 'https://gw.example.com',
    HOST: '127.0.0.1',
    PORT: '0',
    SWITCHBOARD_SECRET_KEYS: `test:${randomBytes(32).toString('base64')}`,
    SWITCHBOARD_ADMIN_TOKEN: adminToken,
    ...env,
  });
  const gateway = await startGateway(config, logger, env, { database, oauth: { cimdFetch: oauthOptions.cimdFetch } });
  const { deps } = gateway;
  const fetch = socketFetch(gateway.url);
  return {
    url: gateway.url,
    ctx: deps.ctx,
    database: deps.database,
    registry: deps.registry,
    audit: deps.audit,
    oauth: deps.oauth,
    adminToken,
    fetch: (url, init) => fetch(new URL(url, deps.config.publicUrl).toString(), init),
    api(method, path, body, token = adminToken) {
      const headers: Record<string, string> = {};
      if (token) headers.authorization = `Bearer ${token}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      return fetch(new URL(path, deps.config.publicUrl).toString(), {
        method,
        headers,
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
    },
    close: () => gateway.stop(),
  };
}

/**
 * The configuration document most tests start from: our fixture server over stdio as
 * upstream `fx`, all of it on virtual server `dev` (`serverId`), without auth, everything allowed.
 */
export function fixtureDocument(serverId: string) {
  const fixture = fixtureStdio();
  return {
    mcpServers: { fx: { command: fixture.command, args: fixture.args, cwd: fixture.cwd } },
    virtualServers: { dev: { id: serverId, upstreams: ['fx'], auth: 'none', defaultAccess: 'allow' } },
  };
}

/** A test gateway with fixtureDocument(serverId) imported. */
export async function createFixtureGateway(backend: Backend, serverId: string): Promise<TestGateway> {
  const gw = await createTestGateway(backend);
  const res = await gw.api('POST', '/api/v1/import', fixtureDocument(serverId));
  if (res.status !== 200) {
    const body = await res.text();
    await gw.close();
    throw new Error(`importing the fixture document failed: ${res.status} ${body}`);
  }
  return gw;
}

/** A response body as loosely-typed JSON, for assertions. */
// biome-ignore lint/suspicious/noExplicitAny: tests assert on arbitrary response shapes
export async function json(response: Response | Promise<Response>): Promise<any> {
  return (await response).json();
}
