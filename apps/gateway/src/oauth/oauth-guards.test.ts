import { backends } from '@switchboard/db/testing/test-database';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeUrl, pkcePair } from '../testing/oauth-helpers.ts';
import { isPage, parseForm, TestBrowser } from '../testing/test-browser.ts';
import { createTestGateway, json, type TestGateway } from '../testing/test-gateway.ts';

const ISSUER = 'https://gw.example.com';
const REDIRECT = 'http://127.0.0.1:9100/cb';
const dave = { email: 'dave@example.com', password: 'dave password 42' };

describe.each(backends)('OAuth abuse guards on %s', (backend) => {
  let gw: TestGateway;
  let clientId: string;

  beforeAll(async () => {
    gw = await createTestGateway(backend, { SWITCHBOARD_DCR_RATE_LIMIT: '3' });
    await gw.api('POST', '/api/v1/users', dave);
  });
  afterAll(() => gw?.close());

  const register = () =>
    gw.fetch(`${ISSUER}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none', client_name: 'Guarded' }),
    });

  it('rate-limits dynamic client registration', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await register()).status);
    expect(statuses).toEqual([201, 201, 201, 429]);
    const limited = await register();
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await limited.json()).toMatchObject({ error: 'rate_limited' });
    // X-Forwarded-For from a peer that is not a trusted proxy is not believed
    const spoofed = await gw.fetch(`${ISSUER}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9' },
      body: JSON.stringify({ redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' }),
    });
    expect(spoofed.status).toBe(429);
  });

  it('behind a trusted proxy, limits registrations and sign-ins per forwarded client address', async () => {
    const behind = await createTestGateway(backend, {
      SWITCHBOARD_TRUSTED_PROXIES: '127.0.0.1',
      SWITCHBOARD_DCR_RATE_LIMIT: '2',
      SWITCHBOARD_LOGIN_RATE_LIMIT: '2',
    });
    try {
      const registerFrom = (address: string) =>
        behind.fetch(`${ISSUER}/oauth/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
          body: JSON.stringify({ redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' }),
        });
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await registerFrom('198.51.100.1')).status);
      expect(statuses).toEqual([201, 201, 429]);
      expect((await registerFrom('198.51.100.2')).status).toBe(201);

      const signIn = (address: string) =>
        behind.fetch(`${ISSUER}/api/v1/session`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
          body: JSON.stringify({ email: 'nobody@example.com', password: 'not the password' }),
        });
      const attempts = [];
      for (let i = 0; i < 3; i++) attempts.push(await signIn('198.51.100.3'));
      expect(attempts.map((r) => r.status)).toEqual([401, 401, 429]);
      expect(Number(attempts[2]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await attempts[2]!.json()).toMatchObject({ error: { code: 'rate_limited' } });
      // the login page counts on the same budget of that address
      const browser = new TestBrowser((url, init) => {
        const headers = new Headers(init?.headers);
        headers.set('x-forwarded-for', '198.51.100.3');
        return behind.fetch(url, { ...init, headers });
      });
      const page = await browser.navigate(`${ISSUER}/login`);
      if (!isPage(page)) throw new Error('expected login');
      const refused = await browser.submit(page, dave);
      expect(isPage(refused) && refused.status).toBe(429);
      expect(isPage(refused) && refused.html).toContain('Too many sign-in attempts from your address');
      expect((await signIn('198.51.100.4')).status).toBe(401);
    } finally {
      await behind.close();
    }
  });

  it('refuses a consent form without the session CSRF token, and pages cannot be framed', async () => {
    const fresh = await createTestGateway(backend);
    try {
      const vs = await json(fresh.api('POST', '/api/v1/virtual-servers', { name: 'dev' }));
      await fresh.api('POST', '/api/v1/users', dave);
      const client = await json(fresh.fetch(`${ISSUER}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' }) }));
      clientId = client.client_id;
      const browser = new TestBrowser(fresh.fetch);
      const login = await browser.navigate(authorizeUrl({ issuer: ISSUER, clientId, redirectUri: REDIRECT, resource: `${ISSUER}/servers/${vs.id}/mcp`, challenge: pkcePair().challenge }));
      if (!isPage(login)) throw new Error('expected login');
      expect(login.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(login.headers.get('x-frame-options')).toBe('DENY');
      const consent = await browser.submit(login, dave);
      if (!isPage(consent)) throw new Error('expected consent');
      const form = parseForm(consent.html);
      const forged = await browser.navigate(`${ISSUER}/consent`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...form.fields, csrf_token: 'forged', decision: 'approve' }).toString(),
      });
      expect(isPage(forged) && forged.status).toBe(403);
      // Without the login cookie (another browser replaying the form), nothing is granted either.
      const stranger = new TestBrowser(fresh.fetch);
      const replay = await stranger.navigate(`${ISSUER}/consent`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...form.fields, decision: 'approve' }).toString(),
      });
      expect(isPage(replay) && replay.status).toBe(403);
    } finally {
      await fresh.close();
    }
  });

  it('locks an account after repeated wrong passwords, even for the right one', async () => {
    const browser = new TestBrowser(gw.fetch);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const page = await browser.navigate(`${ISSUER}/login`);
      if (!isPage(page)) throw new Error('expected login');
      const result = await browser.submit(page, { email: dave.email, password: `wrong-${i}-password` });
      statuses.push(isPage(result) ? result.status : 302);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const page = await browser.navigate(`${ISSUER}/login`);
    if (!isPage(page)) throw new Error('expected login');
    const right = await browser.submit(page, dave);
    expect(isPage(right) && right.status).toBe(429);
    expect(isPage(right) && right.html).toContain('Too many failed attempts');
  });

  it('never redirects a login off-site', async () => {
    const browser = new TestBrowser(gw.fetch);
    const page = await browser.navigate(`${ISSUER}/login?return_to=${encodeURIComponent('https://evil.example/')}`);
    if (!isPage(page)) throw new Error('expected login');
    expect(parseForm(page.html).fields.return_to).toBe('/');
  });
});
