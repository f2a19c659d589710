import { generateSecretKey, KeyRing, keyIdOf } from '@switchboard/auth/secret-box';
import type { DatabaseHandle } from '@switchboard/db/client';
import { identityProviders, signingKeys, upstreamOauthAuthorizations, upstreamOauthClients, upstreams, userConnections, userIdentities, users } from '@switchboard/db/schema';
import { backends, openTestDatabase } from '@switchboard/db/testing/test-database';
import { afterEach, describe, expect, it } from 'vitest';
import { assertKeysPresent, MissingSecretKeyError, reencryptSecrets } from './secret-keys.ts';

const oldKey = generateSecretKey('old');
const newKey = generateSecretKey('new');

/** Every kind of stored ciphertext, each encrypted under the `old` key. */
async function seed(db: DatabaseHandle['db']) {
  const ring = new KeyRing([oldKey]);
  const [upstream] = await db
    .insert(upstreams)
    .values({
      name: 'remote',
      transport: 'sse',
      url: 'https://example.com/sse',
      bearerToken: ring.encrypt('bearer-value'),
      credentialMode: 'per-user',
      credentialOptions: { serviceCredential: { TOKEN: ring.encrypt('service-value') }, note: 'plain' },
    })
    .returning();
  // a person's own credential for it
  const [person] = await db.insert(users).values({ email: 'p@example.com' }).returning();
  await db.insert(userConnections).values({ userId: person!.id, upstreamId: upstream!.id, kind: 'secrets', payload: ring.encrypt('{"values":{"TOKEN":"person-value"}}') });
  const [okta] = await db
    .insert(identityProviders)
    .values({
      slug: 'okta',
      displayName: 'Okta',
      issuer: 'https://idp.example.com',
      clientId: 'sb',
      clientSecret: ring.encrypt('idp-secret'),
    })
    .returning();
  // upstream OAuth: a registration at an AS, a person's login tokens, an authorization under way
  await db.insert(upstreamOauthClients).values({ issuer: 'https://as.example.com', redirectUri: 'https://gw/cb', clientId: 'c1', clientSecret: ring.encrypt('dcr-secret'), authMethod: 'client_secret_basic' });
  await db.insert(userIdentities).values({ userId: person!.id, identityProviderId: okta!.id, subject: 's1', tokens: ring.encrypt('{"access_token":"login"}') });
  await db.insert(upstreamOauthAuthorizations).values({
    stateHash: 'h1',
    userId: person!.id,
    upstreamId: upstream!.id,
    sessionHash: 'b1',
    codeVerifier: ring.encrypt('verifier'),
    issuer: 'https://as.example.com',
    expiresAt: new Date(Date.now() + 600_000),
  });
  // A public provider has no secret: nothing to check or re-encrypt.
  await db.insert(identityProviders).values({ slug: 'public', displayName: 'Public', issuer: 'https://idp2.example.com', clientId: 'sb' });
  const now = Date.now();
  await db.insert(signingKeys).values({
    kid: 'k1',
    alg: 'ES256',
    publicJwk: { kty: 'EC' },
    privateJwk: ring.encrypt('{"kty":"EC","d":"private"}'),
    activatesAt: new Date(now),
    expiresAt: new Date(now + 86_400_000),
  });
}

describe.each(backends)('secret key checks and re-keying on %s', (backend) => {
  let database: DatabaseHandle | undefined;
  afterEach(async () => {
    await database?.close();
    database = undefined;
  });

  it('refuses a ring that lacks the key of an identity provider secret or a signing key, naming them', async () => {
    database = await openTestDatabase(backend);
    await seed(database.db);
    await database.db.delete(upstreams);
    const error = await assertKeysPresent(database.db, new KeyRing([newKey])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingSecretKeyError);
    expect((error as Error).message).toContain('identity provider okta');
    expect((error as Error).message).toContain('signing key k1');
    expect((error as Error).message).toContain('key id(s) old');
    expect((error as Error).message).not.toContain('identity provider public');
    await expect(assertKeysPresent(database.db, new KeyRing([newKey, oldKey]))).resolves.toBeUndefined();
  });

  it('re-encrypts upstream secrets, identity provider secrets and signing keys under the active key', async () => {
    database = await openTestDatabase(backend);
    await seed(database.db);
    const rotating = new KeyRing([newKey, oldKey]);
    const before = await assertKeysPresent(database.db, new KeyRing([newKey])).catch((e: unknown) => (e as Error).message);
    expect(before).toMatch(/user connection [0-9a-f-]{36}/);
    expect(await reencryptSecrets(database.db, rotating)).toBe(8);
    expect(await reencryptSecrets(database.db, rotating)).toBe(0);

    const onlyNew = new KeyRing([newKey]);
    await expect(assertKeysPresent(database.db, onlyNew)).resolves.toBeUndefined();
    const providers = await database.db.select().from(identityProviders);
    const okta = providers.find((p) => p.slug === 'okta')!;
    expect(keyIdOf(okta.clientSecret!)).toBe('new');
    expect(onlyNew.decrypt(okta.clientSecret!)).toBe('idp-secret');
    expect(providers.find((p) => p.slug === 'public')!.clientSecret).toBeNull();
    const [key] = await database.db.select().from(signingKeys);
    expect(onlyNew.decrypt(key!.privateJwk)).toBe('{"kty":"EC","d":"private"}');
    const [upstream] = await database.db.select().from(upstreams);
    expect(onlyNew.decrypt(upstream!.bearerToken!)).toBe('bearer-value');
    const service = upstream!.credentialOptions as { serviceCredential: { TOKEN: string }; note: string };
    expect(onlyNew.decrypt(service.serviceCredential.TOKEN)).toBe('service-value');
    expect(service.note).toBe('plain');
    const [connection] = await database.db.select().from(userConnections);
    expect(onlyNew.decrypt(connection!.payload)).toBe('{"values":{"TOKEN":"person-value"}}');
    const [registration] = await database.db.select().from(upstreamOauthClients);
    expect(onlyNew.decrypt(registration!.clientSecret!)).toBe('dcr-secret');
    const [identity] = await database.db.select().from(userIdentities);
    expect(onlyNew.decrypt(identity!.tokens!)).toBe('{"access_token":"login"}');
    const [pending] = await database.db.select().from(upstreamOauthAuthorizations);
    expect(onlyNew.decrypt(pending!.codeVerifier)).toBe('verifier');
  });
});
