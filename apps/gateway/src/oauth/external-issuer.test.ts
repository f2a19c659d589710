import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { backends } from '@switchboard/db/testing/test-database';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initializeRequest } from '../testing/oauth-helpers.ts';
import { createTestGateway, json, type TestGateway } from '../testing/test-gateway.ts';

const EXTERNAL = 'https://idp.example.com';
const ISSUER = 'https://gw.example.com';

/** A real JWKS endpoint on loopback, and tokens signed by its key as an external authorization server would. */
async function externalIssuer() {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'ext-1', alg: 'RS256', use: 'sig' };
  const server: Server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
  const sign = (claims: Record<string, unknown>, audience: string, expiresInSeconds = 300) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'ext-1' })
      .setIssuer(EXTERNAL)
      .setSubject(String(claims.email))
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSeconds)
      .sign(privateKey);
  return { jwksUrl, sign, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe.each(backends)('external issuer mode on %s', (backend) => {
  let idp: Awaited<ReturnType<typeof externalIssuer>>;
  let gw: TestGateway;
  let strict: TestGateway;
  let serverId: string;
  let resource: string;

  beforeAll(async () => {
    idp = await externalIssuer();
    const env = { SWITCHBOARD_EXTERNAL_ISSUER: EXTERNAL, SWITCHBOARD_EXTERNAL_JWKS_URL: idp.jwksUrl, SWITCHBOARD_EXTERNAL_ALGORITHMS: 'RS256' };
    gw = await createTestGateway(backend, env);
    strict = await createTestGateway(backend, { ...env, SWITCHBOARD_EXTERNAL_CLOCK_TOLERANCE: '0' });
    for (const g of [gw, strict]) {
      expect((await g.api('POST', '/api/v1/virtual-servers', { id: '3f0c9a4e-2b1d-4e8f-9a7c-5d6e7f8a9b0c', name: 'dev', defaultAccess: 'allow' })).status).toBe(201);
    }
    serverId = '3f0c9a4e-2b1d-4e8f-9a7c-5d6e7f8a9b0c';
    resource = `${ISSUER}/servers/${serverId}/mcp`;
  });
  afterAll(async () => {
    await gw?.close();
    await strict?.close();
    await idp?.close();
  });

  it('maps roles from the token claims with the same mappings as an OIDC login, and follows their changes', async () => {
    const role = await json(gw.api('POST', '/api/v1/roles', { name: 'eng' }));
    const locked = await json(gw.api('POST', '/api/v1/virtual-servers', { name: 'locked', defaultAccess: 'deny' }));
    const policy = { subjectType: 'role', subjectId: role.id, virtualServerId: locked.id, pattern: 'docs:*' };
    expect((await gw.api('POST', '/api/v1/policies', policy)).status).toBe(201);
    const mayUseDocs = (userId: string) => gw.registry.access.current.allows(locked.id, userId, 'tool', 'docs', 'search');
    // The mappings an OIDC login with this issuer uses (an identity provider for the same issuer).
    const provider = await gw.api('POST', '/api/v1/identity-providers', {
      slug: 'corp',
      displayName: 'Corp',
      issuer: EXTERNAL,
      clientId: 'switchboard',
      roleMappings: [{ claim: 'groups', value: 'eng', role: 'eng' }],
    });
    expect(provider.status).toBe(201);
    const email = 'erin@example.com';
    const rolesOf = async () => {
      const { items } = await json(gw.api('GET', '/api/v1/users?limit=200'));
      return (items as Array<{ email: string; roles: string[] }>).find((u) => u.email === email)?.roles;
    };

    const withGroup = await idp.sign({ email, groups: ['eng', 'other'] }, resource);
    expect((await gw.fetch(resource, initializeRequest(withGroup))).status).toBe(200);
    expect(await rolesOf()).toEqual(['eng']);
    const userId = (await json(gw.api('GET', '/api/v1/users?limit=200'))).items.find((u: { email: string }) => u.email === email).id;
    // The policy snapshot hears of it too (the registry reloads): the role's policy now applies.
    for (let i = 0; i < 100 && !mayUseDocs(userId); i++) await new Promise((r) => setTimeout(r, 20));
    expect(mayUseDocs(userId)).toBe(true);

    const withoutGroup = await idp.sign({ email, groups: 'other' }, resource);
    expect((await gw.fetch(resource, initializeRequest(withoutGroup))).status).toBe(200);
    expect(await rolesOf()).toEqual([]);
    for (let i = 0; i < 100 && mayUseDocs(userId); i++) await new Promise((r) => setTimeout(r, 20));
    expect(mayUseDocs(userId)).toBe(false);
  });

  it('keeps a small, configurable clock tolerance for the external issuer only', async () => {
    const late = await idp.sign({ email: 'late@example.com' }, resource, -2);
    expect((await gw.fetch(resource, initializeRequest(late))).status).toBe(200); // default 5 s
    expect((await strict.fetch(resource, initializeRequest(late))).status).toBe(401); // SWITCHBOARD_EXTERNAL_CLOCK_TOLERANCE=0
  });
});
