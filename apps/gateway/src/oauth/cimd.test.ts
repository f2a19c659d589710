import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { selfSignedCertificate } from '@switchboard/auth/testing/self-signed';
import { backends } from '@switchboard/db/testing/test-database';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeUrl, initializeRequest, loginAndConsent, pkcePair, tokenRequest } from '../testing/oauth-helpers.ts';
import { isPage, TestBrowser } from '../testing/test-browser.ts';
import { createTestGateway, json, type TestGateway } from '../testing/test-gateway.ts';

const ISSUER = 'https://gw.example.com';
const REDIRECT = 'http://127.0.0.1:8123/callback';
const alice = { email: 'alice@example.com', password: 'correct horse battery' };

/**
 * Client ID Metadata Documents: the client_id is an https URL; the gateway fetches the
 * document (here from a local https server the test explicitly allows — production only
 * reaches public addresses) and trusts only what it says about itself.
 */
describe.each(backends)('CIMD clients on %s', (backend) => {
  let gw: TestGateway;
  let server: Server;
  let base: string;
  let resource: string;
  const documents = new Map<string, unknown>();

  beforeAll(async () => {
    const tls = selfSignedCertificate();
    server = createServer(tls, (req, res) => {
      const doc = documents.get(req.url ?? '');
      if (!doc) return res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(doc));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    gw = await createTestGateway(backend, {}, { cimdFetch: { ca: tls.cert, isAllowedAddress: (a) => a === '127.0.0.1' } });
    const vs = await json(gw.api('POST', '/api/v1/virtual-servers', { name: 'dev', defaultAccess: 'allow' }));
    resource = `${ISSUER}/servers/${vs.id}/mcp`;
    await gw.api('POST', '/api/v1/users', alice);
    documents.set('/good.json', { client_id: `${base}/good.json`, client_name: 'Metadata Client', redirect_uris: [REDIRECT] });
    documents.set('/liar.json', { client_id: 'https://other.example/client.json', client_name: 'Liar', redirect_uris: [REDIRECT] });
    documents.set('/secret.json', { client_id: `${base}/secret.json`, redirect_uris: [REDIRECT], token_endpoint_auth_method: 'client_secret_basic' });
    documents.set('/other-redirect.json', { client_id: `${base}/other-redirect.json`, redirect_uris: ['https://elsewhere.example/cb'] });
  });
  afterAll(async () => {
    await gw?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('authorizes a client by its metadata document URL, showing its self-declared name and redirect host', async () => {
    const clientId = `${base}/good.json`;
    const { verifier, challenge } = pkcePair();
    const browser = new TestBrowser(gw.fetch);
    const url = authorizeUrl({ issuer: ISSUER, clientId, redirectUri: REDIRECT, resource, challenge });
    const login = await browser.navigate(url);
    if (!isPage(login)) throw new Error('expected the login page');
    const consent = await browser.submit(login, alice);
    expect(isPage(consent) && consent.html).toContain('Metadata Client');
    expect(isPage(consent) && consent.html).toContain('127.0.0.1:8123');
    const redirect = await loginAndConsent(browser, url, alice);
    const response = await gw.fetch(`${ISSUER}/oauth/token`, tokenRequest({ grant_type: 'authorization_code', code: redirect.searchParams.get('code')!, redirect_uri: REDIRECT, code_verifier: verifier, client_id: clientId }));
    const tokens = await json(response);
    expect(response.status).toBe(200);
    expect((await gw.fetch(resource, initializeRequest(tokens.access_token))).status).toBe(200);
  });

  it.each([
    ['names another client_id', '/liar.json', 'names a different client_id'],
    ['asks for a shared secret', '/secret.json', 'client metadata document is invalid'],
    ['does not exist', '/missing.json', 'HTTP 404'],
  ])('refuses a document that %s, on an error page', async (_label, path, message) => {
    const response = await gw.fetch(authorizeUrl({ issuer: ISSUER, clientId: `${base}${path}`, redirectUri: REDIRECT, resource, challenge: pkcePair().challenge }), { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain(message);
  });

  it('refuses a redirect URI the document does not list', async () => {
    const response = await gw.fetch(authorizeUrl({ issuer: ISSUER, clientId: `${base}/other-redirect.json`, redirectUri: REDIRECT, resource, challenge: pkcePair().challenge }), { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('does not match any URI registered');
  });
});
