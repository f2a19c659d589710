import { randomUUID } from 'node:crypto';
import { oauthClients, oauthRefreshTokens } from '@switchboard/db/schema';
import { backends } from '@switchboard/db/testing/test-database';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, json, type TestGateway } from '../testing/test-gateway.ts';

describe.each(backends)('dependents on %s', (backend) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await createTestGateway(backend);
  });
  afterAll(() => gw.close());

  const created = async (path: string, body: unknown) => {
    const res = await gw.api('POST', path, body);
    expect(res.status).toBe(201);
    return (await json(res)).id as string;
  };

  /** A person signed in to a virtual server through OAuth: a live refresh token (and a used and a revoked one that do not count). */
  async function signIn(userId: string, virtualServerId: string, clientId: string) {
    const expiresAt = new Date(Date.now() + 3_600_000);
    const common = { clientId, userId, virtualServerId, resource: 'r', scope: '', expiresAt };
    await gw.database.db.insert(oauthRefreshTokens).values([
      { ...common, tokenHash: randomUUID(), familyId: randomUUID() },
      { ...common, tokenHash: randomUUID(), familyId: randomUUID(), usedAt: new Date() },
      { ...common, tokenHash: randomUUID(), familyId: randomUUID(), revokedAt: new Date() },
    ]);
  }

  it('names the virtual servers using an upstream and counts the people signed in to them; a user\'s clients and tokens', async () => {
    const docs = await created('/api/v1/upstreams', { name: 'docs', transport: 'streamable-http', url: 'http://127.0.0.1:9/mcp' });
    const idle = await created('/api/v1/upstreams', { name: 'idle', transport: 'streamable-http', url: 'http://127.0.0.1:9/mcp' });
    const a = await created('/api/v1/virtual-servers', { name: 'alpha', entries: [{ kind: 'upstream', upstreamId: docs }] });
    const b = await created('/api/v1/virtual-servers', { name: 'beta', entries: [{ kind: 'upstream', upstreamId: docs }] });
    await created('/api/v1/virtual-servers', { name: 'gamma', entries: [{ kind: 'upstream', upstreamId: idle }] });
    const ann = await created('/api/v1/users', { email: 'ann@example.com' });
    const bob = await created('/api/v1/users', { email: 'bob@example.com' });
    const [client] = await gw.database.db
      .insert(oauthClients)
      .values({ clientId: 'c1', kind: 'dcr', redirectUris: ['http://127.0.0.1/cb'] })
      .returning();
    await signIn(ann, a, client!.id);
    await signIn(ann, b, client!.id);
    await signIn(bob, b, client!.id);
    await gw.api('POST', '/api/v1/api-tokens', { name: 'unowned' });

    const upstream = await json(gw.api('GET', `/api/v1/upstreams/${docs}/dependents`));
    expect(upstream).toEqual({
      virtualServers: [
        { id: a, name: 'alpha' },
        { id: b, name: 'beta' },
      ],
      openSessions: 0,
      signedInPeople: 2,
      signedInClients: 0,
      apiTokens: 0,
    });
    expect((await json(gw.api('GET', `/api/v1/upstreams/${idle}/dependents`))).signedInPeople).toBe(0);
    expect((await json(gw.api('GET', `/api/v1/virtual-servers/${a}/dependents`))).signedInPeople).toBe(1);
    expect(await json(gw.api('GET', `/api/v1/users/${ann}/dependents`))).toMatchObject({ signedInClients: 2, apiTokens: 0, virtualServers: [] });
    expect((await gw.api('GET', `/api/v1/users/${randomUUID()}/dependents`)).status).toBe(404);
    expect((await gw.api('GET', '/api/v1/upstreams/not-a-uuid/dependents')).status).toBe((await gw.api('GET', '/api/v1/upstreams/not-a-uuid')).status);
  });
});
