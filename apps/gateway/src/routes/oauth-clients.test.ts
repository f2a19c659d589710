import { oauthConsents, oauthRefreshTokens } from '@switchboard/db/schema';
import { backends } from '@switchboard/db/testing/test-database';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeUrl, loginAndConsent, pkcePair, tokenRequest } from '../testing/oauth-helpers.ts';
import { isPage, TestBrowser } from '../testing/test-browser.ts';
import { createTestGateway, json, type TestGateway } from '../testing/test-gateway.ts';

const ISSUER = 'https://gw.example.com';
const REDIRECT = 'http://127.0.0.1:7777/callback';
const alice = { email: 'alice@example.com', password: 'correct horse battery' };
const bob = { email: 'bob@example.com', password: 'another horse battery' };

/** The admin API's view of the authorization server's clients and consents, checked through the real flow. */
describe.each(backends)('OAuth clients and consents API on %s', (backend) => {
  let gw: TestGateway;
  let serverId: string;
  let resource: string;
  const users: Record<string, string> = {};

  beforeAll(async () => {
    gw = await createTestGateway(backend);
    serverId = (await json(gw.api('POST', '/api/v1/virtual-servers', { name: 'dev', defaultAccess: 'allow' }))).id;
    resource = `${ISSUER}/servers/${serverId}/mcp`;
    for (const person of [alice, bob]) users[person.email] = (await json(gw.api('POST', '/api/v1/users', person))).id;
  });
  afterAll(() => gw?.close());

  async function register(name: string) {
    const response = await gw.fetch(`${ISSUER}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'], client_name: name }),
    });
    const { client_id } = (await response.json()) as { client_id: string };
    const page = await json(gw.api('GET', '/api/v1/oauth-clients?limit=200'));
    const id = page.items.find((c: { clientId: string }) => c.clientId === client_id).id as string;
    return { clientId: client_id, id };
  }

  const authorizeLink = (clientId: string, challenge: string) => authorizeUrl({ issuer: ISSUER, clientId, redirectUri: REDIRECT, resource, challenge });

  /** Logs in, consents, and exchanges the code: the refresh token and the browser that consented. */
  async function connect(clientId: string, person = alice, browser = new TestBrowser(gw.fetch)) {
    const { verifier, challenge } = pkcePair();
    const redirect = await loginAndConsent(browser, authorizeLink(clientId, challenge), person);
    const fields = { grant_type: 'authorization_code', code: redirect.searchParams.get('code')!, redirect_uri: REDIRECT, code_verifier: verifier, client_id: clientId };
    const tokens = await json(gw.fetch(`${ISSUER}/oauth/token`, tokenRequest(fields)));
    expect(tokens.refresh_token).toMatch(/^sbr_/);
    return { refreshToken: tokens.refresh_token as string, browser };
  }

  async function refresh(clientId: string, refreshToken: string) {
    const response = await gw.fetch(`${ISSUER}/oauth/token`, tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId }));
    return { status: response.status, body: await json(response) };
  }

  const consentsOf = async (query: string) => (await json(gw.api('GET', `/api/v1/oauth-consents${query}`))).items;

  it('lists clients with how many users consented, pages through them, and gets one', async () => {
    const client = await register('Listed Client');
    await connect(client.clientId, alice);
    await connect(client.clientId, bob);
    const fetched = await json(gw.api('GET', `/api/v1/oauth-clients/${client.id}`));
    expect(fetched).toMatchObject({
      id: client.id,
      clientId: client.clientId,
      kind: 'dcr',
      clientName: 'Listed Client',
      redirectUris: [REDIRECT],
      tokenEndpointAuthMethod: 'none',
      revokedAt: null,
      consentCount: 2,
    });
    await register('Second Client');
    const first = await json(gw.api('GET', '/api/v1/oauth-clients?limit=1'));
    expect(first.items).toHaveLength(1);
    const second = await json(gw.api('GET', `/api/v1/oauth-clients?limit=1&cursor=${first.nextCursor}`));
    expect(second.items[0].id).not.toBe(first.items[0].id);
    expect((await gw.api('GET', '/api/v1/oauth-clients/0b5e7c1a-9d2f-4c7e-8a51-3f6d2e9b1c40')).status).toBe(404);
  });

  it('lists consents with user, client and server names, filtered by user and client', async () => {
    const client = await register('Filtered Client');
    const other = await register('Other Client');
    await connect(client.clientId, alice);
    await connect(client.clientId, bob);
    await connect(other.clientId, alice);
    const forClient = await consentsOf(`?client=${client.id}`);
    expect(forClient).toHaveLength(2);
    const aliceOnClient = await consentsOf(`?client=${client.id}&user=${users[alice.email]}`);
    expect(aliceOnClient).toEqual([
      expect.objectContaining({
        userId: users[alice.email],
        userEmail: alice.email,
        clientId: client.id,
        clientName: 'Filtered Client',
        virtualServerId: serverId,
        virtualServerName: 'dev',
        scope: 'mcp',
      }),
    ]);
    const aliceAll = await consentsOf(`?user=${users[alice.email]}&limit=200`);
    expect(aliceAll.map((c: { clientId: string }) => c.clientId)).toEqual(expect.arrayContaining([client.id, other.id]));
    expect(aliceAll.every((c: { userEmail: string }) => c.userEmail === alice.email)).toBe(true);
    const bad = await gw.api('GET', '/api/v1/oauth-consents?user=not-a-uuid');
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.message).toMatch(/^user: /);
  });

  it('withdrawing a consent asks again at the next authorize and ends refresh for that user only', async () => {
    const client = await register('Consent Client');
    const aliceGrant = await connect(client.clientId, alice);
    const bobGrant = await connect(client.clientId, bob);
    const [consent] = await consentsOf(`?client=${client.id}&user=${users[alice.email]}`);
    expect((await gw.api('DELETE', `/api/v1/oauth-consents/${consent.id}`)).status).toBe(204);

    expect(await refresh(client.clientId, aliceGrant.refreshToken)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect((await refresh(client.clientId, bobGrant.refreshToken)).status).toBe(200);
    const tokens = await gw.ctx.db.select().from(oauthRefreshTokens).where(eq(oauthRefreshTokens.clientId, client.id));
    const aliceTokens = tokens.filter((t) => t.userId === users[alice.email]);
    expect(aliceTokens.length).toBeGreaterThan(0);
    expect(aliceTokens.every((t) => t.revokedAt !== null)).toBe(true);
    expect(tokens.some((t) => t.userId === users[bob.email] && t.revokedAt === null)).toBe(true);
    expect(await consentsOf(`?client=${client.id}&user=${users[alice.email]}`)).toEqual([]);
    expect((await json(gw.api('GET', `/api/v1/oauth-clients/${client.id}`))).consentCount).toBe(1);

    // The same browser is still signed in, yet sees the consent page instead of being sent straight back.
    const page = await aliceGrant.browser.navigate(authorizeLink(client.clientId, pkcePair().challenge));
    expect(isPage(page) && page.html.includes('action="/consent"')).toBe(true);
    expect((await gw.api('DELETE', `/api/v1/oauth-consents/${consent.id}`)).status).toBe(404);

    // Consenting again works, and the consent is listed again.
    await connect(client.clientId, alice, aliceGrant.browser);
    expect(await consentsOf(`?client=${client.id}&user=${users[alice.email]}`)).toHaveLength(1);
  });

  it('revoking a client ends its refresh tokens and consents; the AS refuses it afterwards', async () => {
    const client = await register('Revoked Client');
    const spare = await register('Unaffected Client');
    const grant = await connect(client.clientId, alice);
    await connect(client.clientId, bob);
    const spareGrant = await connect(spare.clientId, alice);

    const revoked = await gw.api('POST', `/api/v1/oauth-clients/${client.id}/revoke`);
    expect(revoked.status).toBe(200);
    const body = await json(revoked);
    expect(body).toMatchObject({ id: client.id, consentCount: 0 });
    expect(Date.parse(body.revokedAt)).not.toBeNaN();

    const tokens = await gw.ctx.db.select().from(oauthRefreshTokens).where(eq(oauthRefreshTokens.clientId, client.id));
    expect(tokens.length).toBeGreaterThan(0);
    expect(tokens.every((t) => t.revokedAt !== null)).toBe(true);
    const consents = await gw.ctx.db.select().from(oauthConsents).where(eq(oauthConsents.clientId, client.id));
    expect(consents).toHaveLength(2);
    expect(consents.every((c) => c.revokedAt !== null)).toBe(true);
    expect(await consentsOf(`?client=${client.id}`)).toEqual([]);

    expect(await refresh(client.clientId, grant.refreshToken)).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    const page = await grant.browser.navigate(authorizeLink(client.clientId, pkcePair().challenge));
    expect(isPage(page) && page.status).toBe(400);
    expect(isPage(page) && page.html).toContain('this client has been revoked');
    expect((await refresh(spare.clientId, spareGrant.refreshToken)).status).toBe(200);

    // Revoking again changes nothing, and keeps the first revocation time.
    const again = await json(gw.api('POST', `/api/v1/oauth-clients/${client.id}/revoke`));
    expect(again.revokedAt).toBe(body.revokedAt);
    expect((await gw.api('POST', '/api/v1/oauth-clients/0b5e7c1a-9d2f-4c7e-8a51-3f6d2e9b1c40/revoke')).status).toBe(404);
  });

  it('needs a token with write scope to revoke', async () => {
    const client = await register('Guarded Client');
    const reader = await json(gw.api('POST', '/api/v1/api-tokens', { name: 'reader', scopes: ['admin:read'] }));
    expect((await gw.api('GET', '/api/v1/oauth-consents', undefined, reader.token)).status).toBe(200);
    expect((await gw.api('POST', `/api/v1/oauth-clients/${client.id}/revoke`, undefined, reader.token)).status).toBe(403);
    expect((await gw.api('GET', '/api/v1/oauth-clients', undefined, null)).status).toBe(401);
  });
});
