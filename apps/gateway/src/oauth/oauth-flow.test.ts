import { backends } from '@switchboard/db/testing/test-database';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeUrl, initializeRequest, loginAndConsent, pkcePair, tokenRequest } from '../testing/oauth-helpers.ts';
import { TestBrowser } from '../testing/test-browser.ts';
import { createTestGateway, json, type TestGateway } from '../testing/test-gateway.ts';

const ISSUER = 'https://gw.example.com';
const REDIRECT = 'http://127.0.0.1:7777/callback';
const alice = { email: 'alice@example.com', password: 'correct horse battery' };

describe.each(backends)('OAuth authorization code flow on %s', (backend) => {
  let gw: TestGateway;
  let serverId: string;
  let siblingId: string;
  let resource: string;

  beforeAll(async () => {
    gw = await createTestGateway(backend);
    const created = await json(gw.api('POST', '/api/v1/virtual-servers', { name: 'dev', defaultAccess: 'allow' }));
    const sibling = await json(gw.api('POST', '/api/v1/virtual-servers', { name: 'ops', defaultAccess: 'allow' }));
    serverId = created.id;
    siblingId = sibling.id;
    resource = `${ISSUER}/servers/${serverId}/mcp`;
    expect((await gw.api('POST', '/api/v1/users', { ...alice, name: 'Alice' })).status).toBe(201);
  });
  afterAll(() => gw?.close());

  async function register(body: Record<string, unknown> = {}) {
    const response = await gw.fetch(`${ISSUER}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'], client_name: 'Test Client', ...body }),
    });
    expect(response.status).toBe(201);
    return response.json() as Promise<{ client_id: string; client_secret?: string }>;
  }

  async function authorize(clientId: string, browser = new TestBrowser(gw.fetch)) {
    const { verifier, challenge } = pkcePair();
    const redirect = await loginAndConsent(browser, authorizeUrl({ issuer: ISSUER, clientId, redirectUri: REDIRECT, resource, challenge }), alice);
    return { redirect, verifier, browser };
  }

  async function token(fields: Record<string, string>, basic?: { id: string; secret: string }) {
    const response = await gw.fetch(`${ISSUER}/oauth/token`, tokenRequest(fields, basic));
    return { status: response.status, body: await json(response), headers: response.headers };
  }

  it('publishes discovery documents the MCP spec requires', async () => {
    const as = await json(gw.fetch(`${ISSUER}/.well-known/oauth-authorization-server`));
    expect(as).toMatchObject({
      issuer: ISSUER,
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
      client_id_metadata_document_supported: true,
      registration_endpoint: `${ISSUER}/oauth/register`,
    });
    expect(await json(gw.fetch(`${ISSUER}/.well-known/openid-configuration`))).toEqual(as);
    const prm = await json(gw.fetch(`${ISSUER}/.well-known/oauth-protected-resource/servers/${serverId}/mcp`));
    expect(prm).toMatchObject({ resource, authorization_servers: [ISSUER] });
    const jwks = await json(gw.fetch(`${ISSUER}/oauth/jwks.json`));
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', alg: 'ES256', use: 'sig' });
    expect(jwks.keys[0].d).toBeUndefined();
  });

  it('answers an unauthenticated MCP request with a challenge naming the resource metadata', async () => {
    const response = await gw.fetch(resource, initializeRequest());
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer resource_metadata="${ISSUER}/.well-known/oauth-protected-resource/servers/${serverId}/mcp", scope="mcp"`,
    );
  });

  it('runs login → consent → code → token → MCP, and remembers consent', async () => {
    const { client_id } = await register();
    const { redirect, verifier, browser } = await authorize(client_id);
    expect(redirect.origin + redirect.pathname).toBe(REDIRECT);
    expect(redirect.searchParams.get('state')).toBe('st-123');
    expect(redirect.searchParams.get('iss')).toBe(ISSUER);
    const code = redirect.searchParams.get('code')!;
    const tokens = await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier, client_id, resource });
    expect(tokens.status).toBe(200);
    expect(tokens.headers.get('cache-control')).toBe('no-store');
    expect(tokens.body).toMatchObject({ token_type: 'Bearer', expires_in: 900, scope: 'mcp' });
    expect(tokens.body.refresh_token).toMatch(/^sbr_/);
    const claims = JSON.parse(Buffer.from(tokens.body.access_token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ iss: ISSUER, aud: resource, client_id, scope: 'mcp' });

    const mcp = await gw.fetch(resource, initializeRequest(tokens.body.access_token));
    expect(mcp.status).toBe(200);
    const sibling = await gw.fetch(`${ISSUER}/servers/${siblingId}/mcp`, initializeRequest(tokens.body.access_token));
    expect(sibling.status).toBe(401);
    expect(sibling.headers.get('www-authenticate')).toContain('error="invalid_token"');

    // Same browser, same client: consent is remembered, the code comes back at once.
    const again = await authorize(client_id, browser);
    expect(again.redirect.searchParams.get('code')).toBeTruthy();
  });

  it('rotates refresh tokens and revokes the family when an old one is reused', async () => {
    const { client_id } = await register();
    const { redirect, verifier } = await authorize(client_id);
    const first = await token({ grant_type: 'authorization_code', code: redirect.searchParams.get('code')!, redirect_uri: REDIRECT, code_verifier: verifier, client_id });
    const second = await token({ grant_type: 'refresh_token', refresh_token: first.body.refresh_token, client_id });
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.body.refresh_token);
    expect((await gw.fetch(resource, initializeRequest(second.body.access_token))).status).toBe(200);

    const reused = await token({ grant_type: 'refresh_token', refresh_token: first.body.refresh_token, client_id });
    expect(reused).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const afterReuse = await token({ grant_type: 'refresh_token', refresh_token: second.body.refresh_token, client_id });
    expect(afterReuse).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('refuses to widen scope or change resource on refresh', async () => {
    const { client_id } = await register();
    const { redirect, verifier } = await authorize(client_id);
    const first = await token({ grant_type: 'authorization_code', code: redirect.searchParams.get('code')!, redirect_uri: REDIRECT, code_verifier: verifier, client_id });
    const wider = await token({ grant_type: 'refresh_token', refresh_token: first.body.refresh_token, client_id, scope: 'mcp email' });
    expect(wider).toMatchObject({ status: 400, body: { error: 'invalid_scope' } });
    // The failed attempt spent the token (rotation happens first); a fresh chain proves resource binding.
    const { redirect: r2, verifier: v2 } = await authorize(client_id);
    const fresh = await token({ grant_type: 'authorization_code', code: r2.searchParams.get('code')!, redirect_uri: REDIRECT, code_verifier: v2, client_id });
    const moved = await token({ grant_type: 'refresh_token', refresh_token: fresh.body.refresh_token, client_id, resource: `${ISSUER}/servers/${siblingId}/mcp` });
    expect(moved).toMatchObject({ status: 400, body: { error: 'invalid_target' } });
  });

  it('makes codes single-use: a replay fails and revokes what the code issued', async () => {
    const { client_id } = await register();
    const { redirect, verifier } = await authorize(client_id);
    const code = redirect.searchParams.get('code')!;
    const first = await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier, client_id });
    expect(first.status).toBe(200);
    const replay = await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier, client_id });
    expect(replay).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const refresh = await token({ grant_type: 'refresh_token', refresh_token: first.body.refresh_token, client_id });
    expect(refresh).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('authenticates confidential clients with their secret and revokes via RFC 7009', async () => {
    const { client_id, client_secret } = await register({ token_endpoint_auth_method: 'client_secret_basic' });
    expect(client_secret).toMatch(/^sbcs_/);
    const { redirect, verifier } = await authorize(client_id);
    const fields = { grant_type: 'authorization_code', code: redirect.searchParams.get('code')!, redirect_uri: REDIRECT, code_verifier: verifier };
    const noSecret = await token({ ...fields, client_id });
    expect(noSecret).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    const { redirect: r2, verifier: v2 } = await authorize(client_id);
    const ok = await token({ ...fields, code: r2.searchParams.get('code')!, code_verifier: v2 }, { id: client_id, secret: client_secret! });
    expect(ok.status).toBe(200);
    const revoke = await gw.fetch(`${ISSUER}/oauth/revoke`, tokenRequest({ token: ok.body.refresh_token }, { id: client_id, secret: client_secret! }));
    expect(revoke.status).toBe(200);
    const after = await token({ grant_type: 'refresh_token', refresh_token: ok.body.refresh_token }, { id: client_id, secret: client_secret! });
    expect(after).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('keeps clients, consents, refresh tokens and keys across a restart', async () => {
    const { client_id } = await register();
    const { redirect, verifier, browser } = await authorize(client_id);
    const tokens = await token({ grant_type: 'authorization_code', code: redirect.searchParams.get('code')!, redirect_uri: REDIRECT, code_verifier: verifier, client_id });
    const { createOAuth } = await import('./setup.ts');
    const { loadConfig } = await import('../config.ts');
    const { pino } = await import('pino');
    const restarted = await createOAuth(gw.ctx, loadConfig({ SWITCHBOARD_DATA_DIR: '/nonexistent' }), pino({ level: 'silent' }), gw.database);
    try {
      expect(restarted.context.keys.jwks()).toEqual(gw.oauth.context.keys.jwks());
      expect('kind' in (await restarted.verifier.verify(serverId, tokens.body.access_token))).toBe(true);
    } finally {
      restarted.stop();
    }
    const refreshed = await token({ grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token, client_id });
    expect(refreshed.status).toBe(200);
    const again = await authorize(client_id, browser);
    expect(again.redirect.searchParams.get('code')).toBeTruthy();
  });
});
