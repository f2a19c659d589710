import { join } from 'node:path';
import { isCiphertext, type KeyRing, keyIdOf, needsReencrypt, parseKeyRing } from '@switchboard/auth/secret-box';
import { loadOrCreateKeyFile } from '@switchboard/auth/key-file';
import type { Database } from '@switchboard/db/client';
import { identityProviders, signingKeys, upstreamOauthAuthorizations, upstreamOauthClients, upstreams, userConnections, userIdentities } from '@switchboard/db/schema';
import { and, eq } from 'drizzle-orm';

export class MissingSecretKeyError extends Error {
  override readonly name = 'MissingSecretKeyError';
}

/**
 * The key ring: explicit from the environment, or (embedded mode only) a key file in the
 * data directory, created on first start with 0600 permissions.
 */
export async function loadKeyRing(options: {
  spec?: string;
  activeId?: string;
  dataDir: string;
}): Promise<{ ring: KeyRing; source: 'env' | 'key-file'; created: boolean }> {
  if (options.spec) return { ring: parseKeyRing(options.spec, options.activeId), source: 'env', created: false };
  const { ring, created } = await loadOrCreateKeyFile(join(options.dataDir, 'secret-keys.json'));
  return { ring, source: 'key-file', created };
}

/** The ciphertexts anywhere inside a JSON value (an upstream's credential options keep theirs among plain settings). */
function ciphertextsIn(value: unknown): string[] {
  if (typeof value === 'string') return isCiphertext(value) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(ciphertextsIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(ciphertextsIn);
  return [];
}

/** The same JSON value with each ciphertext passed through `reseal`. */
function resealIn(value: unknown, reseal: (ciphertext: string) => string): unknown {
  if (typeof value === 'string') return isCiphertext(value) ? reseal(value) : value;
  if (Array.isArray(value)) return value.map((item) => resealIn(item, reseal));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resealIn(v, reseal)]));
  return value;
}

/** Every ciphertext stored anywhere. One place to extend (and reencryptSecrets below with it). */
async function* storedSecrets(db: Database) {
  const rows = await db
    .select({ id: upstreams.id, env: upstreams.env, headers: upstreams.headers, bearerToken: upstreams.bearerToken, credentialOptions: upstreams.credentialOptions })
    .from(upstreams);
  for (const row of rows) {
    yield {
      owner: `upstream ${row.id}`,
      values: [...Object.values(row.env), ...Object.values(row.headers), row.bearerToken, ...ciphertextsIn(row.credentialOptions)],
    };
  }
  const connections = await db.select({ id: userConnections.id, payload: userConnections.payload }).from(userConnections);
  for (const row of connections) yield { owner: `user connection ${row.id}`, values: [row.payload] };
  const providers = await db.select({ slug: identityProviders.slug, clientSecret: identityProviders.clientSecret }).from(identityProviders);
  for (const row of providers) yield { owner: `identity provider ${row.slug}`, values: [row.clientSecret] };
  const keys = await db.select({ kid: signingKeys.kid, privateJwk: signingKeys.privateJwk }).from(signingKeys);
  for (const row of keys) yield { owner: `signing key ${row.kid}`, values: [row.privateJwk] };
  // upstream OAuth: the gateway's registrations at upstreams' authorization servers, people's
  // login tokens kept for token exchange, PKCE verifiers of authorizations under way
  const registrations = await db.select({ issuer: upstreamOauthClients.issuer, clientSecret: upstreamOauthClients.clientSecret }).from(upstreamOauthClients);
  for (const row of registrations) yield { owner: `upstream OAuth client at ${row.issuer}`, values: [row.clientSecret] };
  const identities = await db.select({ id: userIdentities.id, tokens: userIdentities.tokens }).from(userIdentities);
  for (const row of identities) yield { owner: `login tokens ${row.id}`, values: [row.tokens] };
  const pending = await db.select({ stateHash: upstreamOauthAuthorizations.stateHash, codeVerifier: upstreamOauthAuthorizations.codeVerifier }).from(upstreamOauthAuthorizations);
  for (const row of pending) yield { owner: 'an upstream authorization under way', values: [row.codeVerifier] };
}

/** Refuses to run when stored secrets were encrypted under a key the ring does not have. */
export async function assertKeysPresent(db: Database, ring: KeyRing): Promise<void> {
  const missing = new Set<string>();
  const owners = new Set<string>();
  for await (const { owner, values } of storedSecrets(db)) {
    for (const value of values) {
      if (value && !ring.has(keyIdOf(value))) {
        missing.add(keyIdOf(value));
        owners.add(owner);
      }
    }
  }
  if (missing.size > 0) {
    // Naming a few owners tells the operator which data is at stake without flooding the log.
    const some = [...owners].slice(0, 5).join(', ') + (owners.size > 5 ? `, and ${owners.size - 5} more` : '');
    throw new MissingSecretKeyError(
      `Stored secrets (${some}) are encrypted under key id(s) ${[...missing].join(', ')}, which SWITCHBOARD_SECRET_KEYS (or the data directory's key file) does not contain. Restore the key; refusing to start.`,
    );
  }
}

/** Re-encrypts every secret held under a non-active key; returns how many values changed. */
export async function reencryptSecrets(db: Database, ring: KeyRing): Promise<number> {
  return db.transaction(async (tx) => {
    let changed = 0;
    const reseal = (value: string) => {
      if (!needsReencrypt(ring, value)) return value;
      changed++;
      return ring.encrypt(ring.decrypt(value));
    };
    const resealMap = (map: Record<string, string>) =>
      Object.fromEntries(Object.entries(map).map(([k, v]) => [k, reseal(v)]));
    // Lock the rows so a concurrent edit cannot write a secret between our read and write.
    const rows = await tx.select().from(upstreams).for('update');
    for (const row of rows) {
      const before = changed;
      const env = resealMap(row.env);
      const headers = resealMap(row.headers);
      const bearerToken = row.bearerToken && reseal(row.bearerToken);
      const credentialOptions = resealIn(row.credentialOptions, reseal) as Record<string, unknown>;
      if (changed > before) await tx.update(upstreams).set({ env, headers, bearerToken, credentialOptions }).where(eq(upstreams.id, row.id));
    }
    const connections = await tx.select({ id: userConnections.id, payload: userConnections.payload }).from(userConnections).for('update');
    for (const row of connections) {
      if (needsReencrypt(ring, row.payload)) await tx.update(userConnections).set({ payload: reseal(row.payload) }).where(eq(userConnections.id, row.id));
    }
    const providers = await tx.select({ id: identityProviders.id, clientSecret: identityProviders.clientSecret }).from(identityProviders).for('update');
    for (const row of providers) {
      if (row.clientSecret && needsReencrypt(ring, row.clientSecret)) {
        await tx.update(identityProviders).set({ clientSecret: reseal(row.clientSecret) }).where(eq(identityProviders.id, row.id));
      }
    }
    const keys = await tx.select({ kid: signingKeys.kid, privateJwk: signingKeys.privateJwk }).from(signingKeys).for('update');
    for (const row of keys) {
      if (needsReencrypt(ring, row.privateJwk)) await tx.update(signingKeys).set({ privateJwk: reseal(row.privateJwk) }).where(eq(signingKeys.kid, row.kid));
    }
    const registrations = await tx.select().from(upstreamOauthClients).for('update');
    for (const row of registrations) {
      if (row.clientSecret && needsReencrypt(ring, row.clientSecret)) {
        await tx
          .update(upstreamOauthClients)
          .set({ clientSecret: reseal(row.clientSecret) })
          .where(and(eq(upstreamOauthClients.issuer, row.issuer), eq(upstreamOauthClients.redirectUri, row.redirectUri)));
      }
    }
    const identities = await tx.select({ id: userIdentities.id, tokens: userIdentities.tokens }).from(userIdentities).for('update');
    for (const row of identities) {
      if (row.tokens && needsReencrypt(ring, row.tokens)) await tx.update(userIdentities).set({ tokens: reseal(row.tokens) }).where(eq(userIdentities.id, row.id));
    }
    const pending = await tx.select({ stateHash: upstreamOauthAuthorizations.stateHash, codeVerifier: upstreamOauthAuthorizations.codeVerifier }).from(upstreamOauthAuthorizations).for('update');
    for (const row of pending) {
      if (needsReencrypt(ring, row.codeVerifier)) {
        await tx.update(upstreamOauthAuthorizations).set({ codeVerifier: reseal(row.codeVerifier) }).where(eq(upstreamOauthAuthorizations.stateHash, row.stateHash));
      }
    }
    return changed;
  });
}
