import { generateSecretKey, KeyRing } from '@switchboard/auth/secret-box';
import { fixtureStdio } from '@switchboard/core/upstream/test-upstreams';
import type { DatabaseHandle } from '@switchboard/db/client';
import { type Backend, openTestDatabase } from '@switchboard/db/testing/test-database';
import { pino } from 'pino';
import { createApp } from '../app.ts';
import { AuditWriter } from '../audit/audit-writer.ts';
import { loadConfig } from '../config.ts';
import { FederationRegistry } from '../federation/registry.ts';
import { createOAuth, type OAuthRuntime, type OAuthSetupOptions } from '../oauth/setup.ts';
import type { Deps } from '../deps.ts';
import { createApiToken } from '../services/api-tokens.ts';
import type { ServiceContext } from '../services/context.ts';

export interface TestGateway {
  app: ReturnType<typeof createApp>;
  ctx: ServiceContext;
  database: DatabaseHandle;
  registry: FederationRegistry;
  /** The audit queue: `flush()` before reading events. */
  audit: AuditWriter;
  adminToken: string;
  oauth: OAuthRuntime;
  /** `app.request` as a socket would deliver it: with the Host header of the URL. */
  fetch(url: string, init?: RequestInit): Promise<Response>;
  /** `app.request` with the admin token and JSON encoding. */
  api(method: string, path: string, body?: unknown, token?: string | null): Promise<Response>;
  close(): Promise<void>;
}

/** The real app on a real, migrated database (PGlite or Postgres), called in-process. */
export async function createTestGateway(backend: Backend, env: Record<string, string> = {}, oauthOptions: OAuthSetupOptions = {}): Promise<TestGateway> {
  const database = await openTestDatabase(backend);
  const config = loadConfig({ SWITCHBOARD_DATA_DIR: '/nonexistent', SWITCHBOARD_CONSOLE_DIR: '/nonexistent', SWITCHBOARD_PUBLIC_URL: 'https://gw.example.com', ...env });
  const logger = pino({ level: 'silent' });
  const ctx: ServiceContext = {
    db: database.db,
    secrets: new KeyRing([generateSecretKey('test')]),
    publicUrl: 'https://gw.example.com',
  };
  const audit = new AuditWriter({ db: database.db, logger });
  const registry = new FederationRegistry({ ctx, logger, version: 'test', audit });
  ctx.federation = registry;
  await registry.reload();
  const auditRetention = { stop: async () => {} };
  const oauth = await createOAuth(ctx, config, logger, database, oauthOptions);
  oauth.context.onUsersChanged = () => void registry.configChanged();
  oauth.verifier.knownUser = (id) => registry.access.current.user(id);
  const deps: Deps = { config, logger, database, ctx, bootstrap: { kind: 'existing-tokens' }, registry, audit, auditRetention, oauth };
  const app = createApp(deps, { substitutionEnv: env });
  const { token: adminToken } = await createApiToken(ctx, { name: 'test admin', scopes: ['admin'] });
  return {
    app,
    ctx,
    database,
    adminToken,
    fetch(url, init = {}) {
      const headers = new Headers(init.headers);
      if (!headers.has('host')) headers.set('host', new URL(url, 'http://localhost').host);
      return Promise.resolve(app.request(url, { ...init, headers }));
    },
    api(method, path, body, token = adminToken) {
      const headers: Record<string, string> = {};
      if (token) headers.authorization = `Bearer ${token}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      return Promise.resolve(
        app.request(path, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) }),
      );
    },
    registry,
    audit,
    oauth,
    async close() {
      oauth.stop();
      await registry.close();
      await audit.close();
      await database.close();
    },
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
