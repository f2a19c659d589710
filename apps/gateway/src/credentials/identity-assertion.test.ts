import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { signAccessToken } from '@switchboard/auth/oauth/access-token';
import { textOf } from '@switchboard/core/upstream/test-upstreams';
import { auditEvents, users } from '@switchboard/db/schema';
import { eq } from 'drizzle-orm';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EchoUpstream, startEchoUpstream } from '../testing/credential-upstreams.ts';
import { createTestGateway, type TestGateway } from '../testing/test-gateway.ts';
import { GATEWAY_SUBJECT } from './identity-assertion.ts';

const SERVER_ID = '6e2d8b4f-3c5a-4f7b-8d9e-1a2b3c4d5e6f';
const PUBLIC = 'https://gw.example.com';
const RESOURCE = `${PUBLIC}/servers/${SERVER_ID}/mcp`;

/**
 * Identity assertion: the upstream is an internal service that trusts the gateway. Each
 * call carries a short-lived JWT the gateway signed for the person; the upstream verifies
 * it through the gateway's published JWKS (fetched from the running gateway), so it can
 * authorize per person without an OAuth server of its own.
 */
describe('identity assertion', () => {
  let gw: TestGateway;
  let upstream: EchoUpstream;
  const ids: Record<string, string> = {};
  const clients: Client[] = [];

  async function connect(userId: string) {
    const token = await signAccessToken(gw.oauth.context.keys.signingKey(), { issuer: PUBLIC, subject: userId, audience: RESOURCE, clientId: 'test-client', scope: 'mcp', ttlSeconds: 600 });
    const client = new Client({ name: 'assertion-test', version: '1' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(RESOURCE), {
        fetch: (url, init) => gw.fetch(String(url), init as RequestInit),
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
    clients.push(client);
    return client;
  }

  beforeAll(async () => {
    // The upstream knows the gateway only by its JWKS URL, issuer and the audience it expects (its own URL).
    let verify: ((authorization: string) => Promise<Record<string, unknown>>) | undefined;
    upstream = await startEchoUpstream({ verify: (authorization) => verify!(authorization) });
    gw = await createTestGateway('pglite');
    const jwks = createRemoteJWKSet(new URL(`${gw.url}/oauth/jwks.json`));
    verify = async (authorization) => {
      const jwt = /^Bearer (.+)$/.exec(authorization)?.[1];
      if (!jwt) throw new Error('no bearer assertion');
      const { payload } = await jwtVerify(jwt, jwks, { issuer: PUBLIC, audience: upstream.url, maxTokenAge: '10 minutes' });
      return { sub: payload.sub, email: payload.email ?? null, roles: payload.roles ?? null, lifetime: (payload.exp ?? 0) - (payload.iat ?? 0) };
    };
    const res = await gw.api('POST', '/api/v1/import', {
      mcpServers: { internal: { type: 'http', url: upstream.url, credentials: { mode: 'identity-assertion', lifetimeSeconds: 120 } } },
      virtualServers: { dev: { id: SERVER_ID, upstreams: ['internal'], auth: 'oauth', defaultAccess: 'allow' } },
      users: { 'alice@example.com': { roles: ['eng'] }, 'bob@example.com': {} },
      roles: { eng: {} },
    });
    expect(res.status).toBe(200);
    for (const row of await gw.database.db.select().from(users)) ids[row.email.split('@')[0]!] = row.id;
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => {})));
    await gw?.close();
    await upstream?.stop();
  });

  it('reaches the upstream as each person, in a JWT it verifies through the gateway’s JWKS', async () => {
    const alice = await connect(ids.alice!);
    const bob = await connect(ids.bob!);
    const whoami = async (client: Client) => JSON.parse(textOf(await client.callTool({ name: 'internal__whoami', arguments: {} })));
    expect(await whoami(alice)).toEqual({ sub: ids.alice, email: 'alice@example.com', roles: ['eng'], lifetime: 120 });
    expect(await whoami(bob)).toEqual({ sub: ids.bob, email: 'bob@example.com', roles: [], lifetime: 120 });
    expect(await whoami(alice)).toMatchObject({ sub: ids.alice });
  });

  it('lists the catalog with the gateway’s own assertion (no person), and never sends the upstream an unsigned request', async () => {
    const subjects = await Promise.all(
      upstream.seen.map(async (authorization) => {
        const jwt = /^Bearer (.+)$/.exec(authorization)?.[1];
        return jwt ? JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()).sub : null;
      }),
    );
    expect(subjects).not.toContain(null);
    expect(new Set(subjects)).toEqual(new Set([GATEWAY_SUBJECT, ids.alice, ids.bob]));
  });

  it('is not an access token of the gateway: its MCP endpoints refuse one', async () => {
    const assertion = /^Bearer (.+)$/.exec(upstream.seen.find((a) => a.includes('.'))!)![1]!;
    const res = await gw.fetch(RESOURCE, {
      method: 'POST',
      headers: { authorization: `Bearer ${assertion}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
    });
    expect(res.status).toBe(401);
  });

  it('records the mode in the audit trail', async () => {
    await gw.audit.flush();
    const events = await gw.database.db.select().from(auditEvents).where(eq(auditEvents.upstreamName, 'internal'));
    expect(events.length).toBeGreaterThan(0);
    expect(new Set(events.map((e) => e.credentialMode))).toEqual(new Set(['identity-assertion']));
  });
});
