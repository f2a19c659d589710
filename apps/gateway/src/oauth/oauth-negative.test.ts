import { generateSigningKey, importSigningKey } from '@switchboard/auth/oauth/signing-key';
import { signAccessToken } from '@switchboard/auth/oauth/access-token';
import { hashApiToken } from '@switchboard/auth/api-token';
import { oauthCodes } from '@switchboard/db/schema';
import { eq } from 'drizzle-orm';
import { backends } from '@switchboard/db/testing/test-database';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeUrl, initializeRequest, loginAndConsent, pkcePair, tokenRequest } from '../testing/oauth-helpers.ts';
import { isPage, TestBrowser } from '../testing/test-browser.ts';
import { createTestGateway, json, type TestGateway } from '../testing/test-gateway.ts';

const ISSUER = 'https://gw.example.com';
const REDIRECT = 'https://app.example.net/callback';
const alice = { email: 'alice@example.com', password: 'correct horse battery' };
const bob = { email: 'bob@example.com', password: 'another fine password' };

describe.each(backends)('OAuth refusals on %s', (backend) => {
  let gw: TestGateway;
  let serverId: string;
  let resource: string;
  let clientId: string;

  beforeAll(async () => {
    gw = await createTestGateway(backend);
    serverId = (await json(gw.api('POST', '/api/v1/virtual-servers', { name: 'dev', defaultAccess: 'allow' }))).id;
    resource = `${ISSUER}/servers/${serverId}/mcp`;
    await gw.api('POST', '/api/v1/users', alice);
    await gw.api('POST', '/api/v1/users', bob);
    const registered = await json(
      gw.fetch(`${ISSUER}/oauth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ redirect_uris: [REDIRECT, 'http://127.0.0.1:5000/cb'], token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'], client_name: 'Neg' }),
      }),
    );
    clientId = registered.client_id;
  });
  afterAll(() => gw?.close());

  const url = (overrides: Partial<Parameters<typeof authorizeUrl>[0]> = {}) =>
    authorizeUrl({ issuer: ISSUER, clientId, redirectUri: REDIRECT, resource, challenge: pkcePair().challenge, ...overrides });

  async function tokensFor(user = alice) {
    const { verifier, challenge } = pkcePair();
    const redirect = await loginAndConsent(new TestBrowser(gw.fetch), url({ challenge }), user);
    const response = await gw.fetch(`${ISSUER}/oauth/token`, tokenRequest({ grant_type: 'authorization_code', code: redirect.searchParams.get('code')!, redirect_uri: REDIRECT, code_verifier: verifier, client_id: clientId }));
    return response.json() as Promise<{ access_token: string; refresh_token: string }>;
  }

  it('shows "wrong email or password" and no session for a bad password', async () => {
    const browser = new TestBrowser(gw.fetch);
    const login = await browser.navigate(url());
    if (!isPage(login)) throw new Error('expected the login page');
    const result = await browser.submit(login, { email: alice.email, password: 'wrong password!' });
    expect(isPage(result) && result.status).toBe(401);
    expect(isPage(result) && result.html).toContain('Wrong email or password.');
    expect(browser.cookie(ISSUER, 'sb_login')).toBeUndefined();
  });

  it('refuses a login form without the CSRF token of this browser', async () => {
    const response = await gw.fetch(`${ISSUER}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...alice, csrf_token: 'forged', return_to: '/' }).toString(),
    });
    expect(response.status).toBe(401);
    expect(response.headers.getSetCookie().some((c) => c.startsWith('sb_login='))).toBe(false);
  });

  it('redirects access_denied with state and iss when consent is denied', async () => {
    const redirect = await loginAndConsent(new TestBrowser(gw.fetch), url({ state: 'deny-state' }), alice, 'deny');
    expect(Object.fromEntries(redirect.searchParams)).toMatchObject({ error: 'access_denied', state: 'deny-state', iss: ISSUER });
  });

  it.each([
    ['trailing slash', `${REDIRECT}/`],
    ['different case', REDIRECT.replace('app', 'APP')],
    ['extra query', `${REDIRECT}?x=1`],
    ['userinfo', 'https://app.example.net@evil.example/callback'],
    ['another port on a non-loopback host', 'https://app.example.net:8443/callback'],
    ['another host', 'https://evil.example/callback'],
  ])('shows an error page and never redirects for a redirect URI with %s', async (_label, redirectUri) => {
    const response = await gw.fetch(url({ redirectUri }), { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain('does not match any URI registered');
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('accepts another port only on a loopback redirect URI', async () => {
    const response = await gw.fetch(url({ redirectUri: 'http://127.0.0.1:61234/cb' }), { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toMatch(/^\/login\?/);
  });

  it('shows an error page for an unknown client', async () => {
    const response = await gw.fetch(url({ clientId: 'sbc_unknown' }), { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });

  it.each([
    ['missing PKCE', { challenge: undefined }, 'invalid_request'],
    ['plain PKCE', { method: 'plain' }, 'invalid_request'],
    ['missing resource', { resource: '' }, 'invalid_target'],
    ['unknown resource', { resource: `${ISSUER}/servers/00000000-0000-4000-8000-000000000000/mcp` }, 'invalid_target'],
    ['unknown scope', { scope: 'admin' }, 'invalid_scope'],
    ['implicit flow', { extra: { response_type: 'token' } }, 'unsupported_response_type'],
  ] as const)('redirects %s back to the client as an error with state and iss', async (_label, overrides, error) => {
    const response = await gw.fetch(url(overrides as never), { redirect: 'manual' });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(REDIRECT);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({ error, state: 'st-123', iss: ISSUER });
  });

  it('refuses a wrong PKCE verifier', async () => {
    const { challenge } = pkcePair();
    const redirect = await loginAndConsent(new TestBrowser(gw.fetch), url({ challenge }), alice);
    const response = await gw.fetch(`${ISSUER}/oauth/token`, tokenRequest({ grant_type: 'authorization_code', code: redirect.searchParams.get('code')!, redirect_uri: REDIRECT, code_verifier: pkcePair().verifier, client_id: clientId }));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_grant', error_description: 'code_verifier does not match the code_challenge' });
  });

  it('binds a code to its client, redirect URI and resource, and to 60 seconds', async () => {
    const other = await json(
      gw.fetch(`${ISSUER}/oauth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' }),
      }),
    );
    const attempt = async (changes: Record<string, string>, expire = false) => {
      const { verifier, challenge } = pkcePair();
      const redirect = await loginAndConsent(new TestBrowser(gw.fetch), url({ challenge }), alice);
      const code = redirect.searchParams.get('code')!;
      if (expire) await gw.ctx.db.update(oauthCodes).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(oauthCodes.codeHash, hashApiToken(code)));
      const fields = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier, client_id: clientId, ...changes };
      const response = await gw.fetch(`${ISSUER}/oauth/token`, tokenRequest(fields));
      return { status: response.status, body: await json(response) };
    };
    expect(await attempt({ client_id: other.client_id })).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_description: 'the authorization code was issued to another client' } });
    expect(await attempt({ redirect_uri: 'http://127.0.0.1:5000/cb' })).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_description: 'redirect_uri does not match the authorization request' } });
    expect(await attempt({ resource: `${ISSUER}/servers/${serverId}/mcp/` })).toMatchObject({ status: 400, body: { error: 'invalid_target' } });
    expect(await attempt({}, true)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const [row] = await gw.ctx.db.select().from(oauthCodes).limit(1);
    expect(row!.expiresAt.getTime() - row!.createdAt.getTime()).toBeLessThanOrEqual(60_000);
  });

  it('refuses a client choosing its own client_id or a hostile redirect URI at registration', async () => {
    const register = (body: unknown) => gw.fetch(`${ISSUER}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const chosen = await json(register({ client_id: 'i-pick-this', redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' }));
    expect(chosen.client_id).not.toBe('i-pick-this');
    for (const uri of ['http://app.example.net/cb', 'javascript:alert(1)', 'https://app.example.net/cb#x', 'https://u@app.example.net/cb']) {
      const response = await register({ redirect_uris: [uri] });
      expect(response.status).toBe(400);
      expect((await json(response)).error).toBe('invalid_redirect_uri');
    }
    const malformed = await gw.fetch(`${ISSUER}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' });
    expect(malformed.status).toBe(400);
    expect((await json(malformed)).error).toBe('invalid_client_metadata');
  });

  it('refuses a CIMD client_id pointing at loopback or a private address, without redirecting', async () => {
    for (const cimd of ['https://127.0.0.1/client.json', 'https://10.0.0.8/client.json', 'https://[::ffff:127.0.0.1]/c.json', 'https://localhost/c.json']) {
      const response = await gw.fetch(url({ clientId: cimd }), { redirect: 'manual' });
      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
      expect(await response.text()).toContain('client metadata document refused');
    }
  });

  describe('at the MCP endpoint', () => {
    const payload = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

    it('refuses alg none, a tampered signature, a foreign key, an expired token and a wrong audience', async () => {
      const { access_token } = await tokensFor();
      const [header, body, signature] = access_token.split('.') as [string, string, string];
      const claims = payload(access_token);
      const foreignKey = await generateSigningKey();
      const foreign = await importSigningKey(foreignKey.kid, foreignKey.alg, foreignKey.privateJwk);
      const ownKey = gw.oauth.context.keys.signingKey();
      const sign = (overrides: Record<string, unknown>, key = ownKey) =>
        signAccessToken(key, { issuer: ISSUER, subject: claims.sub, audience: resource, clientId, scope: 'mcp', ttlSeconds: 60, ...overrides });
      const cases = {
        algNone: `${b64({ alg: 'none', typ: 'at+jwt', kid: JSON.parse(Buffer.from(header, 'base64url').toString()).kid })}.${body}.`,
        tampered: `${header}.${b64({ ...claims, sub: '00000000-0000-4000-8000-000000000000' })}.${signature}`,
        foreignKey: await sign({}, foreign),
        expired: await sign({ ttlSeconds: -120 }),
        wrongAudience: await sign({ audience: `${ISSUER}/servers/11111111-1111-4111-8111-111111111111/mcp` }),
        wrongIssuer: await sign({ issuer: 'https://evil.example' }),
      };
      for (const [label, token] of Object.entries(cases)) {
        const response = await gw.fetch(resource, initializeRequest(token));
        expect([label, response.status]).toEqual([label, 401]);
        expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
      }
      const noScope = await sign({ scope: 'email' });
      const forbidden = await gw.fetch(resource, initializeRequest(noScope));
      expect(forbidden.status).toBe(403);
      expect(forbidden.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    });

    it('refuses a token in the query string', async () => {
      const { access_token } = await tokensFor();
      const response = await gw.fetch(`${resource}?access_token=${access_token}`, initializeRequest());
      expect(response.status).toBe(400);
    });

    it("refuses a session id presented with another user's token", async () => {
      const aliceTokens = await tokensFor(alice);
      const bobTokens = await tokensFor(bob);
      const opened = await gw.fetch(resource, initializeRequest(aliceTokens.access_token));
      const sessionId = opened.headers.get('mcp-session-id')!;
      expect(sessionId).toBeTruthy();
      const hijack = await gw.fetch(resource, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${bobTokens.access_token}`, 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
      });
      expect(hijack.status).toBe(404);
    });

    it('refuses the tokens of a disabled user and their refresh tokens', async () => {
      const carol = { email: 'carol@example.com', password: 'carol password 1' };
      const user = await json(gw.api('POST', '/api/v1/users', carol));
      const tokens = await tokensFor(carol);
      expect((await gw.fetch(resource, initializeRequest(tokens.access_token))).status).toBe(200);
      await gw.api('PATCH', `/api/v1/users/${user.id}`, { disabled: true });
      expect((await gw.fetch(resource, initializeRequest(tokens.access_token))).status).toBe(401);
      const refresh = await gw.fetch(`${ISSUER}/oauth/token`, tokenRequest({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: clientId }));
      expect(await refresh.json()).toMatchObject({ error: 'invalid_grant' });
    });
  });
});
