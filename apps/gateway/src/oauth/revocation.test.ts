import { backends } from '@switchboard/db/testing/test-database';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { authorizeUrl, initializeRequest, loginAndConsent, pkcePair, tokenRequest } from '../testing/oauth-helpers.ts';
import { TestBrowser } from '../testing/test-browser.ts';
import { createTestGateway, json, type TestGateway } from '../testing/test-gateway.ts';
import { createOAuth } from './setup.ts';

const ISSUER = 'https://gw.example.com';
const REDIRECT = 'http://127.0.0.1:7777/callback';

/** `iat` has second precision: wait for the next second so a new token postdates a revocation. */
const nextSecond = () => new Promise((r) => setTimeout(r, 1010 - (Date.now() % 1000)));

describe.each(backends)('revocation reaches access tokens on %s', (backend) => {
  let gw: TestGateway;
  let serverId: string;
  let resource: string;
  let userCount = 0;

  beforeAll(async () => {
    gw = await createTestGateway(backend);
    serverId = (await json(gw.api('POST', '/api/v1/virtual-servers', { name: 'dev', defaultAccess: 'allow' }))).id;
    resource = `${ISSUER}/servers/${serverId}/mcp`;
  });
  afterAll(() => gw?.close());

  async function newUser() {
    const person = { email: `user${++userCount}@example.com`, password: 'correct horse battery' };
    const { id } = await json(gw.api('POST', '/api/v1/users', person));
    return { ...person, id: id as string };
  }

  async function register() {
    const response = await gw.fetch(`${ISSUER}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'] }),
    });
    return ((await response.json()) as { client_id: string }).client_id;
  }

  /** A full login → consent → code; returns the code (unexchanged) and its verifier. */
  async function codeFor(clientId: string, person: { email: string; password: string }, browser = new TestBrowser(gw.fetch)) {
    const { verifier, challenge } = pkcePair();
    const redirect = await loginAndConsent(browser, authorizeUrl({ issuer: ISSUER, clientId, redirectUri: REDIRECT, resource, challenge }), person);
    return { code: redirect.searchParams.get('code')!, verifier, browser };
  }

  async function exchange(clientId: string, code: string, verifier: string) {
    const response = await gw.fetch(`${ISSUER}/oauth/token`, tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier, client_id: clientId }));
    return { status: response.status, body: await json(response) };
  }

  async function tokensFor(clientId: string, person: { email: string; password: string }) {
    const { code, verifier } = await codeFor(clientId, person);
    const tokens = await exchange(clientId, code, verifier);
    expect(tokens.status).toBe(200);
    return tokens.body as { access_token: string; refresh_token: string };
  }

  const status = async (token: string) => (await gw.fetch(resource, initializeRequest(token))).status;

  it('a replayed authorization code revokes the access token of its first exchange', async () => {
    const clientId = await register();
    const { code, verifier } = await codeFor(clientId, await newUser());
    const first = await exchange(clientId, code, verifier);
    expect(await status(first.body.access_token)).toBe(200); // now in the verified-token cache
    expect((await exchange(clientId, code, verifier)).status).toBe(400);
    const refused = await gw.fetch(resource, initializeRequest(first.body.access_token));
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('POST /oauth/revoke of an access token ends it; another client cannot revoke it', async () => {
    const clientId = await register();
    const other = await register();
    const tokens = await tokensFor(clientId, await newUser());
    expect(await status(tokens.access_token)).toBe(200);
    const foreign = await gw.fetch(`${ISSUER}/oauth/revoke`, tokenRequest({ token: tokens.access_token, client_id: other }));
    expect(foreign.status).toBe(200);
    expect(await status(tokens.access_token)).toBe(200);
    const revoke = await gw.fetch(`${ISSUER}/oauth/revoke`, tokenRequest({ token: tokens.access_token, token_type_hint: 'access_token', client_id: clientId }));
    expect(revoke.status).toBe(200);
    expect(await status(tokens.access_token)).toBe(401);
    // Only that token: the grant's refresh token still works and its new access token too.
    const refreshed = await gw.fetch(`${ISSUER}/oauth/token`, tokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: clientId }));
    expect(refreshed.status).toBe(200);
    expect(await status(((await refreshed.json()) as { access_token: string }).access_token)).toBe(200);
  });

  it('revoking a refresh token revokes the access tokens of its grant (RFC 7009 §2.1)', async () => {
    const clientId = await register();
    const tokens = await tokensFor(clientId, await newUser());
    expect(await status(tokens.access_token)).toBe(200);
    expect((await gw.fetch(`${ISSUER}/oauth/revoke`, tokenRequest({ token: tokens.refresh_token, client_id: clientId }))).status).toBe(200);
    expect(await status(tokens.access_token)).toBe(401);
  });

  it('revoking a client in the admin API ends its access tokens at once', async () => {
    const clientId = await register();
    const tokens = await tokensFor(clientId, await newUser());
    expect(await status(tokens.access_token)).toBe(200);
    const { items } = await json(gw.api('GET', '/api/v1/oauth-clients?limit=200'));
    const row = items.find((c: { clientId: string }) => c.clientId === clientId);
    expect((await gw.api('POST', `/api/v1/oauth-clients/${row.id}/revoke`)).status).toBe(200);
    expect(await status(tokens.access_token)).toBe(401);
  });

  it('withdrawing a consent ends its access tokens at once; a fresh consent works again', async () => {
    const clientId = await register();
    const person = await newUser();
    const other = await newUser();
    const tokens = await tokensFor(clientId, person);
    const bystander = await tokensFor(clientId, other);
    expect(await status(tokens.access_token)).toBe(200);
    const { items } = await json(gw.api('GET', `/api/v1/oauth-consents?user=${person.id}`));
    expect(items).toHaveLength(1);
    expect((await gw.api('DELETE', `/api/v1/oauth-consents/${items[0].id}`)).status).toBe(204);
    expect(await status(tokens.access_token)).toBe(401);
    expect(await status(bystander.access_token)).toBe(200); // same client, another user's consent
    await nextSecond();
    const again = await tokensFor(clientId, person);
    expect(await status(again.access_token)).toBe(200);
  });

  it('disabling a user ends their access tokens; re-enabled, new tokens work', async () => {
    const clientId = await register();
    const person = await newUser();
    const tokens = await tokensFor(clientId, person);
    expect(await status(tokens.access_token)).toBe(200);
    expect((await gw.api('PATCH', `/api/v1/users/${person.id}`, { disabled: true })).status).toBe(200);
    expect(await status(tokens.access_token)).toBe(401);
    expect((await gw.api('PATCH', `/api/v1/users/${person.id}`, { disabled: false })).status).toBe(200);
    expect(await status(tokens.access_token)).toBe(401);
    await nextSecond();
    expect(await status((await tokensFor(clientId, person)).access_token)).toBe(200);
  });

  it('a replica that starts later knows the revocations made before (loaded at boot)', async () => {
    const clientId = await register();
    const tokens = await tokensFor(clientId, await newUser());
    await gw.fetch(`${ISSUER}/oauth/revoke`, tokenRequest({ token: tokens.access_token, client_id: clientId }));
    const { revocations: current } = gw.ctx;
    const later = await createOAuth(gw.ctx, loadConfig({ SWITCHBOARD_DATA_DIR: '/nonexistent' }), pino({ level: 'silent' }), gw.database);
    try {
      expect(await later.verifier.verify(serverId, tokens.access_token)).toMatchObject({ status: 401, error: 'invalid_token' });
    } finally {
      later.stop();
      gw.ctx.revocations = current;
    }
  });
});
