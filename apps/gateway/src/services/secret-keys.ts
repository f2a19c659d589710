import { join } from 'node:path';
import { type KeyRing, keyIdOf, needsReencrypt, parseKeyRing } from '@switchboard/auth/secret-box';
import { loadOrCreateKeyFile } from '@switchboard/auth/key-file';
import type { Database } from '@switchboard/db/client';
import { identityProviders, signingKeys, upstreams } from '@switchboard/db/schema';
import { eq } from 'drizzle-orm';

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

/** Every ciphertext stored anywhere. One place to extend (and reencryptSecrets below with it). */
async function* storedSecrets(db: Database) {
  const rows = await db
    .select({ id: upstreams.id, env: upstreams.env, headers: upstreams.headers, bearerToken: upstreams.bearerToken })
    .from(upstreams);
  for (const row of rows) {
    yield { owner: `upstream ${row.id}`, values: [...Object.values(row.env), ...Object.values(row.headers), row.bearerToken] };
  }
  const providers = await db.select({ slug: identityProviders.slug, clientSecret: identityProviders.clientSecret }).from(identityProviders);
  for (const row of providers) yield { owner: `identity provider ${row.slug}`, values: [row.clientSecret] };
  const keys = await db.select({ kid: signingKeys.kid, privateJwk: signingKeys.privateJwk }).from(signingKeys);
  for (const row of keys) yield { owner: `signing key ${row.kid}`, values: [row.privateJwk] };
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
      if (changed > before) await tx.update(upstreams).set({ env, headers, bearerToken }).where(eq(upstreams.id, row.id));
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
    return changed;
  });
}
