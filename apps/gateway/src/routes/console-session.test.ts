import { identityProviders } from '@switchboard/db/schema';
import { backends } from '@switchboard/db/testing/test-database';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, json, type TestGateway } from '../testing/test-gateway.ts';

const ADMIN = { email: 'root@example.com', password: 'correct horse battery' };
const COOKIE = '__Host-switchboard_console';

describe.each(backends)('console session on %s', (backend) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await createTestGateway(backend);
    expect((await gw.api('POST', '/api/v1/users', { ...ADMIN, isAdmin: true })).status).toBe(201);
    expect((await gw.api('POST', '/api/v1/users', { email: 'bob@example.com', password: 'bobs password' })).status).toBe(201);
  });
  afterAll(() => gw.close());

  /** A request as the browser sends it: the cookie, and the CSRF header when given. */
  const browser = (method: string, path: string, opts: { cookie?: string; csrf?: string; body?: unknown } = {}) => {
    const headers: Record<string, string> = {};
    if (opts.cookie) headers.cookie = `${COOKIE}=${opts.cookie}`;
    if (opts.csrf) headers['x-csrf-token'] = opts.csrf;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    return gw.fetch(path, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  };

  async function signIn(credentials = ADMIN) {
    const res = await browser('POST', '/api/v1/session', { body: credentials });
    const setCookie = res.headers.get('set-cookie') ?? '';
    const cookie = setCookie.match(new RegExp(`^${COOKIE}=([^;]+)`))?.[1];
    return { res, setCookie, cookie, body: await json(res) };
  }

  it('signs an administrator in with a hardened cookie and tells who is signed in', async () => {
    const { res, setCookie, cookie, body } = await signIn();
    expect(res.status).toBe(200);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).toMatch(/Secure/i);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).not.toMatch(/Domain=/i);
    expect(body.user.email).toBe(ADMIN.email);
    expect(body.csrfToken).toMatch(/^[\w-]{40,}$/);
    expect(setCookie).not.toContain(body.csrfToken);
    const me = await json(browser('GET', '/api/v1/session', { cookie }));
    expect(me.user).toEqual(body.user);
    expect(me.csrfToken).toBe(body.csrfToken);
  });

  it('answers signed-out without a cookie or with an unknown one', async () => {
    const empty = { user: null, csrfToken: null, expiresAt: null };
    expect(await json(browser('GET', '/api/v1/session'))).toEqual(empty);
    expect(await json(browser('GET', '/api/v1/session', { cookie: 'forged' }))).toEqual(empty);
  });

  it('rejects a wrong password (401) and malformed input (400)', async () => {
    const wrong = await signIn({ ...ADMIN, password: 'nope nope nope' });
    expect(wrong.res.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_credentials');
    expect(wrong.cookie).toBeUndefined();
    expect((await browser('POST', '/api/v1/session', { body: { email: 'x' } })).status).toBe(400);
  });

  it('signs a non-admin in to their own area; the admin API still refuses them (403)', async () => {
    const bob = await signIn({ email: 'bob@example.com', password: 'bobs password' });
    expect(bob.res.status).toBe(200);
    expect(bob.body.user).toMatchObject({ email: 'bob@example.com', isAdmin: false });
    expect((await json(browser('GET', '/api/v1/session', { cookie: bob.cookie }))).user).toEqual(bob.body.user);
    const users = await browser('GET', '/api/v1/users', { cookie: bob.cookie });
    expect(users.status).toBe(403);
    expect((await json(users)).error).toEqual({ code: 'forbidden', message: 'only administrators can use the admin API' });
    expect((await browser('GET', '/api/v1/me/keys', { cookie: bob.cookie })).status).toBe(200);
  });

  it('ignores a sign-in posted by a cross-site form (not JSON), so no login CSRF', async () => {
    const res = await gw.fetch('/api/v1/session', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify(ADMIN),
    });
    expect([400, 415]).toContain(res.status);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('locks the account after repeated failures (429 with Retry-After)', async () => {
    await gw.api('POST', '/api/v1/users', { email: 'locked@example.com', password: 'locked password', isAdmin: true });
    for (let i = 0; i < 5; i++) await signIn({ email: 'locked@example.com', password: 'wrong wrong' });
    const locked = await signIn({ email: 'locked@example.com', password: 'locked password' });
    expect(locked.res.status).toBe(429);
    expect(Number(locked.res.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('lets the cookie read the admin API, and change it only with the CSRF header', async () => {
    const { cookie, body } = await signIn();
    expect((await browser('GET', '/api/v1/upstreams', { cookie })).status).toBe(200);
    const noCsrf = await browser('POST', '/api/v1/roles', { cookie, body: { name: 'csrf-less' } });
    expect(noCsrf.status).toBe(403);
    expect((await json(noCsrf)).error.code).toBe('csrf_failed');
    const wrongCsrf = await browser('POST', '/api/v1/roles', { cookie, csrf: 'x'.repeat(43), body: { name: 'csrf-wrong' } });
    expect(wrongCsrf.status).toBe(403);
    const ok = await browser('POST', '/api/v1/roles', { cookie, csrf: body.csrfToken, body: { name: 'csrf-ok' } });
    expect(ok.status).toBe(201);
    const token = await json(browser('POST', '/api/v1/api-tokens', { cookie, csrf: body.csrfToken, body: { name: 'mine' } }));
    expect(token.token).toMatch(/^sb_/);
  });

  it('keeps bearer tokens working unchanged, and a bearer header wins over a cookie', async () => {
    expect((await gw.api('GET', '/api/v1/roles')).status).toBe(200);
    const res = await gw.fetch('/api/v1/roles', {
      headers: { authorization: 'Bearer sb_unknownunknownunknownunknownunknown', cookie: `${COOKIE}=whatever` },
    });
    expect(res.status).toBe(401);
    expect((await json(res)).error.code).toBe('invalid_token');
  });

  it('checks an admin token at sign-in: 200 with its scopes, 401 invalid_token when unknown or revoked', async () => {
    const check = (token: string) => browser('POST', '/api/v1/session/token', { body: { token } });
    const good = await check(gw.adminToken);
    expect(good.status).toBe(200);
    expect(await json(good)).toEqual({ scopes: ['admin'], readOnly: false });
    const wrong = await check('sb_wrongwrongwrongwrongwrongwrongwrongwrong');
    expect(wrong.status).toBe(401);
    expect((await json(wrong)).error).toEqual({ code: 'invalid_token', message: 'this token is not valid: it is unknown, revoked or expired' });
    const reader = await json(gw.api('POST', '/api/v1/api-tokens', { name: 'reader', scopes: ['admin:read'] }));
    expect(await json(check(reader.token))).toEqual({ scopes: ['admin:read'], readOnly: true });
    expect((await gw.api('DELETE', `/api/v1/api-tokens/${reader.id}`)).status).toBeLessThan(300);
    expect((await check(reader.token)).status).toBe(401);
    expect((await browser('POST', '/api/v1/session/token', { body: {} })).status).toBe(400);
  });

  it('does not accept, on the admin API, a session of a user who lost admin rights', async () => {
    const user = await json(gw.api('POST', '/api/v1/users', { email: 'demoted@example.com', password: 'demoted password', isAdmin: true }));
    const { cookie } = await signIn({ email: 'demoted@example.com', password: 'demoted password' });
    expect((await browser('GET', '/api/v1/users', { cookie })).status).toBe(200);
    await gw.api('PATCH', `/api/v1/users/${user.id}`, { isAdmin: false });
    expect((await browser('GET', '/api/v1/users', { cookie })).status).toBe(403);
    expect((await json(browser('GET', '/api/v1/session', { cookie }))).user).toMatchObject({ email: 'demoted@example.com', isAdmin: false });
  });

  it('signs out (CSRF required), after which the cookie is worthless', async () => {
    const { cookie, body } = await signIn();
    expect((await browser('DELETE', '/api/v1/session', { cookie })).status).toBe(403);
    const out = await browser('DELETE', '/api/v1/session', { cookie, csrf: body.csrfToken });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(new RegExp(`^${COOKIE}=;.*Max-Age=0`, 'i'));
    expect((await json(browser('GET', '/api/v1/session', { cookie }))).user).toBeNull();
    const after = await browser('GET', '/api/v1/upstreams', { cookie });
    expect(after.status).toBe(401);
  });

  it('is described in the OpenAPI document as needing no credential, like the playground and sessions routes beside it', async () => {
    const doc = await json(gw.fetch('/api/v1/openapi.json'));
    expect(doc.paths['/session'].post.security).toEqual([]);
    expect(doc.paths['/session/providers'].get.security).toEqual([]);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/virtual-servers/{id}/playground/tools', '/virtual-servers/{id}/playground/tools/call', '/sessions']),
    );
  });

  it('lists the enabled identity providers for the sign-in page, without a credential', async () => {
    await gw.database.db.insert(identityProviders).values([
      { slug: 'corp', displayName: 'Corp SSO', issuer: 'https://idp.example.com', clientId: 'sb' },
      { slug: 'old', displayName: 'Old IdP', issuer: 'https://old.example.com', clientId: 'sb', enabled: false },
    ]);
    const res = await browser('GET', '/api/v1/session/providers');
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ items: [{ slug: 'corp', displayName: 'Corp SSO', loginUrl: '/console/login/corp' }] });
  });
});

describe('console cookie over plain http', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await createTestGateway('pglite');
    gw.ctx.publicUrl = 'http://localhost:4444';
    await gw.api('POST', '/api/v1/users', { ...ADMIN, isAdmin: true });
  });
  afterAll(() => gw.close());

  it('drops the __Host- prefix and Secure, which http cannot carry', async () => {
    const res = await gw.fetch('/api/v1/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^switchboard_console=/);
    expect(setCookie).not.toMatch(/Secure/i);
    const cookie = setCookie.match(/^switchboard_console=([^;]+)/)?.[1];
    const me = await json(gw.fetch('/api/v1/session', { headers: { cookie: `switchboard_console=${cookie}` } }));
    expect(me.user.email).toBe(ADMIN.email);
  });
});
