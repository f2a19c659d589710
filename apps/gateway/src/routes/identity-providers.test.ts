import { identityProviders, idpRoleMappings, userIdentities } from '@switchboard/db/schema';
import { backends } from '@switchboard/db/testing/test-database';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionUser } from '../oauth/provision-user.ts';
import { createTestGateway, json, type TestGateway } from '../testing/test-gateway.ts';

const provider = (slug: string, extra: Record<string, unknown> = {}) => ({
  slug,
  displayName: `Provider ${slug}`,
  issuer: 'https://idp.example.com/realms/main',
  clientId: 'switchboard',
  clientSecret: 'idp-client-secret-value',
  ...extra,
});

describe.each(backends)('identity providers API on %s', (backend) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await createTestGateway(backend);
    for (const name of ['eng', 'ops']) expect((await gw.api('POST', '/api/v1/roles', { name })).status).toBe(201);
  });
  afterAll(() => gw?.close());

  const error = async (res: Response) => ((await json(res)) as { error: { code: string; message: string } }).error;
  const row = async (id: string) => (await gw.ctx.db.select().from(identityProviders).where(eq(identityProviders.id, id)))[0]!;

  it('creates with defaults, keeps the secret encrypted and write-only, and names the callback URL', async () => {
    const res = await gw.api('POST', '/api/v1/identity-providers', provider('okta', { roleMappings: [{ claim: 'groups', value: 'engineers', role: 'eng' }] }));
    expect(res.status).toBe(201);
    const text = await res.text();
    expect(text).not.toContain('idp-client-secret-value');
    const created = JSON.parse(text);
    expect(created).toMatchObject({
      slug: 'okta',
      clientSecret: { hasValue: true },
      scopes: ['openid', 'email', 'profile'],
      emailClaim: 'email',
      enabled: true,
      roleMappings: [{ claim: 'groups', value: 'engineers', role: 'eng' }],
      callbackUrl: 'https://gw.example.com/oauth/callback/okta',
    });
    const stored = await row(created.id);
    expect(stored.clientSecret).not.toContain('idp-client-secret-value');
    expect(gw.ctx.secrets.decrypt(stored.clientSecret!)).toBe('idp-client-secret-value');
    expect(await json(gw.api('GET', `/api/v1/identity-providers/${created.id}`))).toEqual(created);
    const list = await json(gw.api('GET', '/api/v1/identity-providers'));
    expect(list.items.map((p: { slug: string }) => p.slug)).toContain('okta');
  });

  it('accepts a public client (no secret) and plain http only on loopback', async () => {
    const local = await gw.api('POST', '/api/v1/identity-providers', provider('local-dex', { issuer: 'http://127.0.0.1:5556/dex', clientSecret: undefined }));
    expect(local.status).toBe(201);
    const localProvider = await json(local);
    expect(localProvider.clientSecret).toEqual({ hasValue: false });
    const insecure = await gw.api('POST', '/api/v1/identity-providers', provider('plain', { issuer: 'http://idp.example.com' }));
    expect(insecure.status).toBe(400);
    expect((await error(insecure)).message).toMatch(/^issuer: must be an https URL/);
    const lookalike = await gw.api('POST', '/api/v1/identity-providers', provider('lookalike', { issuer: 'http://localhost.evil.example/' }));
    expect((await error(lookalike)).message).toMatch(/^issuer: /);
    const query = await gw.api('POST', '/api/v1/identity-providers', provider('query', { issuer: 'https://idp.example.com/?tenant=x' }));
    expect((await error(query)).message).toBe('issuer: must not contain a query, fragment or credentials');
    const patched = await gw.api('PATCH', `/api/v1/identity-providers/${localProvider.id}`, { issuer: 'http://10.0.0.5/dex' });
    expect(patched.status).toBe(400);
  });

  it('refuses a mapping to an unknown role, naming the entry, and leaves nothing behind', async () => {
    const res = await gw.api(
      'POST',
      '/api/v1/identity-providers',
      provider('unknown-role', { roleMappings: [{ claim: 'groups', value: 'a', role: 'eng' }, { claim: 'groups', value: 'b', role: 'nope' }] }),
    );
    expect(res.status).toBe(400);
    expect((await error(res)).message).toBe('roleMappings.1.role: no role named "nope"');
    const slugs = (await gw.ctx.db.select({ slug: identityProviders.slug }).from(identityProviders)).map((r) => r.slug);
    expect(slugs).not.toContain('unknown-role');
  });

  it('409 for a taken slug, on create and on rename', async () => {
    expect((await gw.api('POST', '/api/v1/identity-providers', provider('taken'))).status).toBe(201);
    const dup = await gw.api('POST', '/api/v1/identity-providers', provider('taken'));
    expect(dup.status).toBe(409);
    expect((await error(dup)).message).toContain('"taken"');
    const other = await json(gw.api('POST', '/api/v1/identity-providers', provider('other')));
    expect((await gw.api('PATCH', `/api/v1/identity-providers/${other.id}`, { slug: 'taken' })).status).toBe(409);
  });

  it('updates: absent keeps the secret, a string replaces it, null removes it; mappings are replaced', async () => {
    const created = await json(gw.api('POST', '/api/v1/identity-providers', provider('patchy', { roleMappings: [{ claim: 'groups', value: 'x', role: 'eng' }] })));
    const renamed = await json(gw.api('PATCH', `/api/v1/identity-providers/${created.id}`, { displayName: 'Renamed', slug: 'patchy2' }));
    expect(renamed).toMatchObject({ displayName: 'Renamed', clientSecret: { hasValue: true }, callbackUrl: 'https://gw.example.com/oauth/callback/patchy2' });
    expect(renamed.roleMappings).toEqual(created.roleMappings);
    expect(Date.parse(renamed.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.updatedAt));
    expect(gw.ctx.secrets.decrypt((await row(created.id)).clientSecret!)).toBe('idp-client-secret-value');

    await gw.api('PATCH', `/api/v1/identity-providers/${created.id}`, { clientSecret: 'rotated-secret' });
    expect(gw.ctx.secrets.decrypt((await row(created.id)).clientSecret!)).toBe('rotated-secret');
    const mappings = [
      { claim: 'groups', value: 'ops-team', role: 'ops' },
      { claim: 'department', value: 'eng', role: 'eng' },
      { claim: 'groups', value: 'ops-team', role: 'ops' },
    ];
    const cleared = await json(gw.api('PATCH', `/api/v1/identity-providers/${created.id}`, { clientSecret: null, roleMappings: mappings }));
    expect(cleared.clientSecret).toEqual({ hasValue: false });
    expect((await row(created.id)).clientSecret).toBeNull();
    // Repeated entries collapse; the list comes back sorted by claim, value, role.
    expect(cleared.roleMappings).toEqual([mappings[1], mappings[0]]);
    expect((await gw.api('PATCH', '/api/v1/identity-providers/0b5e7c1a-9d2f-4c7e-8a51-3f6d2e9b1c40', { enabled: false })).status).toBe(404);
  });

  it('stores mappings that login uses to grant roles', async () => {
    const created = await json(gw.api('POST', '/api/v1/identity-providers', provider('mapped', { roleMappings: [{ claim: 'groups', value: 'sre', role: 'ops' }] })));
    const result = await provisionUser(gw.ctx, await row(created.id), { sub: 'u-1', email: 'sre@example.com', groups: ['sre', 'other'] });
    expect(result.ok).toBe(true);
    const user = await json(gw.api('GET', `/api/v1/users/${result.ok ? result.user.id : ''}`));
    expect(user.roles).toEqual(['ops']);
  });

  it('deletes a provider with its identities and mappings; the users stay', async () => {
    const created = await json(gw.api('POST', '/api/v1/identity-providers', provider('doomed', { roleMappings: [{ claim: 'groups', value: 'x', role: 'eng' }] })));
    const user = await json(gw.api('POST', '/api/v1/users', { email: 'linked@example.com' }));
    await gw.ctx.db.insert(userIdentities).values({ userId: user.id, identityProviderId: created.id, subject: 'sub-1' });
    expect((await gw.api('DELETE', `/api/v1/identity-providers/${created.id}`)).status).toBe(204);
    expect(await gw.ctx.db.select().from(userIdentities).where(eq(userIdentities.identityProviderId, created.id))).toEqual([]);
    expect(await gw.ctx.db.select().from(idpRoleMappings).where(eq(idpRoleMappings.identityProviderId, created.id))).toEqual([]);
    expect((await gw.api('GET', `/api/v1/users/${user.id}`)).status).toBe(200);
    expect((await gw.api('GET', `/api/v1/identity-providers/${created.id}`)).status).toBe(404);
    expect((await gw.api('DELETE', `/api/v1/identity-providers/${created.id}`)).status).toBe(404);
  });
});
