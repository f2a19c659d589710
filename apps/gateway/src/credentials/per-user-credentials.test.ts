import { Writable } from 'node:stream';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { signAccessToken } from '@switchboard/auth/oauth/access-token';
import { envEcho, textOf, waitFor } from '@switchboard/core/upstream/test-upstreams';
import { auditEvents, upstreams, userConnections, users } from '@switchboard/db/schema';
import { eq } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSRF_HEADER, consoleCookie } from '../http/console-cookie.ts';
import { createWebSession } from '../services/web-sessions.ts';
import { type EchoUpstream, startEchoUpstream } from '../testing/credential-upstreams.ts';
import { createTestGateway, json, type TestGateway } from '../testing/test-gateway.ts';

const SERVER_ID = '5d1c7a3e-2b4f-4e6a-9c8d-0f1e2a3b4c5d';
const PUBLIC = 'https://gw.example.com';
const RESOURCE = `${PUBLIC}/servers/${SERVER_ID}/mcp`;
const SECRETS = { carol: 'carol-secret-4d19', service: 'service-token-9f2c', alice: 'alice-secret-51b7', bob: 'bob-secret-c03e', aliceEnv: 'alice-env-77aa', bobEnv: 'bob-env-88bb' };

/**
 * Per-user secrets end to end, through the real gateway: an HTTP upstream whose headers
 * carry `${user:GITHUB_TOKEN}` and a stdio upstream whose env carries `${user:SECRET}`;
 * two people connect their own values through `/me/connections` and each call reaches the
 * upstream as them. A missing value answers with the connect link.
 */
describe('per-user secrets', () => {
  let gw: TestGateway;
  let echo: EchoUpstream;
  let logs = '';
  const ids: Record<string, string> = {};
  const clients: Client[] = [];

  /** An access token of the gateway's own authorization server for the person (what an MCP client gets after logging in). */
  const tokenFor = (userId: string) =>
    signAccessToken(gw.oauth.context.keys.signingKey(), { issuer: PUBLIC, subject: userId, audience: RESOURCE, clientId: 'test-client', scope: 'mcp', ttlSeconds: 600 });

  async function connect(userId: string, capabilities: Record<string, unknown> = {}) {
    const client = new Client({ name: 'creds-test', version: '1' }, { versionNegotiation: { mode: 'legacy' }, capabilities });
    if ('elicitation' in capabilities) client.setRequestHandler('elicitation/create', async () => ({ action: 'decline' }));
    const transport = new StreamableHTTPClientTransport(new URL(RESOURCE), {
      fetch: (url, init) => gw.fetch(String(url), init as RequestInit),
      requestInit: { headers: { authorization: `Bearer ${await tokenFor(userId)}` } },
    });
    await client.connect(transport);
    clients.push(client);
    return client;
  }

  /** A console session of the person (any person, not only admins): what /me takes. */
  async function asPerson(userId: string) {
    const session = await createWebSession(gw.ctx, { kind: 'console', userId, ttlSeconds: 600 });
    const cookie = `${consoleCookie(PUBLIC).name}=${session.token}`;
    return (method: string, path: string, body?: unknown) =>
      gw.fetch(path, {
        method,
        headers: { cookie, [CSRF_HEADER]: session.csrfToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
  }

  beforeAll(async () => {
    echo = await startEchoUpstream();
    const capture = new Writable({
      write(chunk, _encoding, done) {
        logs += chunk;
        done();
      },
    });
    gw = await createTestGateway('pglite', {}, {}, pino({ level: 'trace' }, capture));
    const env = envEcho('envy');
    const res = await gw.api('POST', '/api/v1/import', {
      mcpServers: {
        gh: {
          type: 'http',
          url: echo.url,
          headers: { Authorization: 'Bearer ${user:GITHUB_TOKEN}' },
          credentials: { mode: 'per-user', serviceCredential: { GITHUB_TOKEN: SECRETS.service } },
        },
        envy: { command: env.command, args: env.args, cwd: env.cwd ?? undefined, env: { SECRET: '${user:SECRET}' }, credentials: 'per-user' },
      },
      virtualServers: { dev: { id: SERVER_ID, upstreams: ['gh', 'envy'], auth: 'oauth', defaultAccess: 'allow' } },
      users: { 'alice@example.com': { name: 'Alice' }, 'bob@example.com': { name: 'Bob' }, 'carol@example.com': { name: 'Carol' } },
    });
    expect(res.status).toBe(200);
    for (const row of await gw.database.db.select().from(users)) ids[row.email.split('@')[0]!] = row.id;
    for (const row of await gw.database.db.select().from(upstreams)) ids[row.name] = row.id;
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => {})));
    await gw?.close();
    await echo?.stop();
  });

  it('shows the mode and the names people supply, never the service credential', async () => {
    const gh = await json(gw.api('GET', `/api/v1/upstreams/${ids.gh}`));
    expect(gh.credentials).toEqual({ mode: 'per-user', userValues: ['GITHUB_TOKEN'], options: { serviceCredential: { GITHUB_TOKEN: { hasValue: true } } } });
    const envy = await json(gw.api('GET', `/api/v1/upstreams/${ids.envy}`));
    expect(envy.credentials).toEqual({ mode: 'per-user', userValues: ['SECRET'], options: {} });
    // a placeholder in a shared upstream is refused, with the reason
    const refused = await gw.api('POST', '/api/v1/upstreams', { name: 'oops', transport: 'streamable-http', url: echo.url, headers: { Authorization: 'Bearer ${user:X}' } });
    expect(refused.status).toBe(400);
    expect((await json(refused)).error.message).toMatch(/only filled in for a per-user upstream/);
  });

  it('answers a call without the person’s value with the connect link: URL elicitation for clients that open URLs, a tool error for others', async () => {
    const alice = await connect(ids.alice!, { elicitation: { url: {} } });
    // listed with the service credential, before anyone connected
    expect((await alice.listTools()).tools.map((t) => t.name)).toContain('gh__whoami');
    const error = await alice.callTool({ name: 'gh__whoami', arguments: {} }).then(
      () => expect.unreachable('the call should need a connection'),
      (e: unknown) => e as { code: number; data: { elicitations: Array<Record<string, unknown>> } },
    );
    expect(error.code).toBe(-32042);
    expect(error.data.elicitations).toEqual([
      { mode: 'url', elicitationId: expect.any(String), url: `${PUBLIC}/connections/gh`, message: expect.stringContaining('upstream "gh" needs your own credential') },
    ]);

    const bob = await connect(ids.bob!);
    const result = await bob.callTool({ name: 'gh__whoami', arguments: {} });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain(`Open ${PUBLIC}/connections/gh to connect, then try again.`);
  });

  it('asks a 2026-07-28 client that opens URLs to open the link (input_required); once the person connected, its retry succeeds', async () => {
    const opened: string[] = [];
    const carol = new Client({ name: 'creds-test-modern', version: '1' }, { versionNegotiation: { mode: 'auto' }, capabilities: { elicitation: { url: {} } } });
    carol.setRequestHandler('elicitation/create', async (request) => {
      const params = request.params as { mode?: string; url?: string };
      opened.push(`${params.mode} ${params.url}`);
      // the person opens the link and enters their value in the console
      const put = await (await asPerson(ids.carol!))('PUT', '/api/v1/me/connections/gh', { values: { GITHUB_TOKEN: SECRETS.carol } });
      expect(put.status).toBe(200);
      return { action: 'accept' };
    });
    await carol.connect(
      new StreamableHTTPClientTransport(new URL(RESOURCE), {
        fetch: (url, init) => gw.fetch(String(url), init as RequestInit),
        requestInit: { headers: { authorization: `Bearer ${await tokenFor(ids.carol!)}` } },
      }),
    );
    clients.push(carol);
    expect(carol.getProtocolEra()).toBe('modern');
    expect(textOf(await carol.callTool({ name: 'gh__whoami', arguments: {} }))).toBe(`Bearer ${SECRETS.carol}`);
    expect(opened).toEqual([`url ${PUBLIC}/connections/gh`]);
  });

  it('lists, for a person who is not an admin, what needs their credential; refuses unknown names', async () => {
    const bob = await asPerson(ids.bob!);
    const list = await json(bob('GET', '/api/v1/me/connections'));
    expect(list.items.map((c: { upstream: { name: string }; status: string; values: unknown }) => [c.upstream.name, c.status, c.values])).toEqual([
      ['envy', 'not_connected', [{ name: 'SECRET', hasValue: false }]],
      ['gh', 'not_connected', [{ name: 'GITHUB_TOKEN', hasValue: false }]],
    ]);
    const unknown = await bob('PUT', '/api/v1/me/connections/gh', { values: { GITHUB_TOKEN: 'x', OTHER: 'y' } });
    expect(unknown.status).toBe(400);
    expect((await json(unknown)).error.message).toMatch(/values\.OTHER/);
    // the admin API stays closed to them
    expect((await bob('GET', '/api/v1/users')).status).toBe(403);
  });

  it('after connecting, the same session’s retry reaches the HTTP upstream with that person’s value, and only theirs', async () => {
    const alice = await connect(ids.alice!, { elicitation: { url: {} } });
    const bob = await connect(ids.bob!);
    const put = await (await asPerson(ids.alice!))('PUT', '/api/v1/me/connections/gh', { values: { GITHUB_TOKEN: SECRETS.alice } });
    expect(put.status).toBe(200);
    expect(await json(put)).toMatchObject({ status: 'connected', values: [{ name: 'GITHUB_TOKEN', hasValue: true }] });
    expect((await (await asPerson(ids.bob!))('PUT', `/api/v1/me/connections/${ids.gh}`, { values: { GITHUB_TOKEN: SECRETS.bob } })).status).toBe(200);

    for (let i = 0; i < 3; i++) {
      expect(textOf(await alice.callTool({ name: 'gh__whoami', arguments: {} }))).toBe(`Bearer ${SECRETS.alice}`);
      expect(textOf(await bob.callTool({ name: 'gh__whoami', arguments: {} }))).toBe(`Bearer ${SECRETS.bob}`);
    }
    // the catalog with the service credential, and each person's calls with their own (Carol connected in an earlier test)
    expect(new Set(echo.seen)).toEqual(new Set([`Bearer ${SECRETS.service}`, `Bearer ${SECRETS.carol}`, `Bearer ${SECRETS.alice}`, `Bearer ${SECRETS.bob}`]));
    expect(gw.registry.status(ids.gh!)?.personalConnections).toBe(3);
  });

  it('on a stdio upstream, runs one process per person with only their value; its tools are listed once the first person connects', async () => {
    const alice = await connect(ids.alice!);
    expect((await alice.listTools()).tools.map((t) => t.name)).not.toContain('envy__env');
    expect((await (await asPerson(ids.alice!))('PUT', '/api/v1/me/connections/envy', { values: { SECRET: SECRETS.aliceEnv } })).status).toBe(200);
    await waitFor(async () => (await alice.listTools()).tools.some((t) => t.name === 'envy__env'), 'envy to be listed with Alice’s credential');
    expect((await (await asPerson(ids.bob!))('PUT', '/api/v1/me/connections/envy', { values: { SECRET: SECRETS.bobEnv } })).status).toBe(200);
    const bob = await connect(ids.bob!);
    const seen = async (client: Client) => JSON.parse(textOf(await client.callTool({ name: 'envy__env', arguments: { name: 'SECRET' } }))) as { value: string; pid: number };
    const [a, b] = [await seen(alice), await seen(bob)];
    expect(a.value).toBe(SECRETS.aliceEnv);
    expect(b.value).toBe(SECRETS.bobEnv);
    expect(a.pid).not.toBe(b.pid);
    expect(await seen(alice)).toEqual(a);
  });

  it('disconnecting takes effect at the next call; admins see status, never values, and can revoke', async () => {
    const bob = await connect(ids.bob!);
    expect((await (await asPerson(ids.bob!))('DELETE', '/api/v1/me/connections/gh')).status).toBe(204);
    const result = await bob.callTool({ name: 'gh__whoami', arguments: {} });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('/connections/gh');

    const aliceView = await json(gw.api('GET', `/api/v1/users/${ids.alice}/connections`));
    expect(aliceView.items.map((c: { upstream: { name: string }; status: string }) => [c.upstream.name, c.status])).toEqual([
      ['envy', 'connected'],
      ['gh', 'connected'],
    ]);
    expect(JSON.stringify(aliceView)).not.toContain(SECRETS.alice);
    expect((await gw.api('DELETE', `/api/v1/users/${ids.alice}/connections/gh`)).status).toBe(204);
    const after = await json(gw.api('GET', `/api/v1/users/${ids.alice}/connections`));
    expect(after.items.find((c: { upstream: { name: string } }) => c.upstream.name === 'gh').status).toBe('not_connected');
  });

  it('records the credential mode in the audit trail, and keeps every secret out of the database rows and the logs', async () => {
    await gw.audit.flush();
    const events = await gw.database.db.select().from(auditEvents).where(eq(auditEvents.upstreamName, 'gh'));
    expect(events.some((e) => e.credentialMode === 'per-user' && e.outcome === 'ok')).toBe(true);
    expect(events.some((e) => e.credentialMode === 'per-user' && e.outcome === 'denied' && e.errorCode === 'credential_required')).toBe(true);
    const rows = JSON.stringify([await gw.database.db.select().from(userConnections), await gw.database.db.select().from(upstreams), events]);
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of Object.values(SECRETS)) {
      expect(rows).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
  });
});
