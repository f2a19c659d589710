import { backends } from '@switchboard/db/testing/test-database';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeUrl, initializeRequest, loginAndConsent, pkcePair, tokenRequest } from '../testing/oauth-helpers.ts';
import { TestBrowser } from '../testing/test-browser.ts';
import { createTestGateway, json, type TestGateway } from '../testing/test-gateway.ts';

const ISSUER = 'https://gw.example.com';
const REDIRECT = 'http://127.0.0.1:7777/callback';
const grace = { email: 'grace@example.com', password: 'correct horse battery', name: 'Grace Hopper' };

describe.each(backends)('OpenID Connect ID tokens on %s', (backend) => {
  let gw: TestGateway;
  let resource: string;
  let userId: string;
  let clientId: string;

  beforeAll(async () => {
    gw = await createTestGateway(backend);
    const server = await json(gw.api('POST', '/api/v1/virtual-servers', { name: 'dev', defaultAccess: 'allow' }));
    resource = `${ISSUER}/servers/${server.id}/mcp`;
    userId = (await json(gw.api('POST', '/api/v1/users', grace))).id;
    const registered = await gw.fetch(`${ISSUER}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'] }),
    });
    clientId = (await json(registered)).client_id;
  });
  afterAll(() => gw?.close());

  async function tokens(scope: string, nonce?: string) {
    const { verifier, challenge } = pkcePair();
    const url = authorizeUrl({ issuer: ISSUER, clientId, redirectUri: REDIRECT, resource, challenge, scope, extra: nonce ? { nonce } : {} });
    const redirect = await loginAndConsent(new TestBrowser(gw.fetch), url, grace);
    const response = await gw.fetch(
      `${ISSUER}/oauth/token`,
      tokenRequest({ grant_type: 'authorization_code', code: redirect.searchParams.get('code')!, redirect_uri: REDIRECT, code_verifier: verifier, client_id: clientId }),
    );
    expect(response.status).toBe(200);
    return json(response);
  }

  it('issues a signed ID token when openid is requested: aud = client_id, nonce echoed, auth_time, sub, claims per scope', async () => {
    const before = Math.floor(Date.now() / 1000);
    const body = await tokens('openid email profile mcp', 'n-0S6_WzA2Mj');
    expect(typeof body.id_token).toBe('string');
    const jwks = createLocalJWKSet(await json(gw.fetch(`${ISSUER}/oauth/jwks.json`)));
    const { payload } = await jwtVerify(body.id_token, jwks, { issuer: ISSUER, audience: clientId });
    expect(decodeProtectedHeader(body.id_token).typ).toBe('JWT');
    expect(payload).toMatchObject({ sub: userId, nonce: 'n-0S6_WzA2Mj', email: grace.email, name: grace.name, azp: clientId });
    expect(payload.auth_time).toBeGreaterThanOrEqual(before - 1);
    expect(payload.auth_time).toBeLessThanOrEqual(payload.iat!);
    // An ID token is no access token: the virtual server refuses it.
    expect((await gw.fetch(resource, initializeRequest(body.id_token))).status).toBe(401);
  });

  it('leaves out what the scopes do not allow, and issues none without openid', async () => {
    const minimal = await tokens('openid mcp');
    const claims = JSON.parse(Buffer.from(minimal.id_token.split('.')[1], 'base64url').toString());
    expect(claims.email).toBeUndefined();
    expect(claims.name).toBeUndefined();
    expect(claims.nonce).toBeUndefined();
    expect((await tokens('mcp')).id_token).toBeUndefined();
  });

  it('advertises in discovery what it issues', async () => {
    const discovery = await json(gw.fetch(`${ISSUER}/.well-known/openid-configuration`));
    expect(discovery.scopes_supported).toContain('openid');
    expect(discovery.id_token_signing_alg_values_supported).toContain('ES256');
    expect(discovery.claims_supported).toEqual(expect.arrayContaining(['sub', 'auth_time', 'nonce', 'email']));
  });
});
