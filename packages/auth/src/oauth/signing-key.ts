import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { SigningKeyHandle, SigningPrivateKey } from './access-token.ts';

export type SigningAlgorithm = 'ES256' | 'RS256';

export interface GeneratedSigningKey {
  kid: string;
  alg: SigningAlgorithm;
  publicJwk: JWK;
  /** Serialised private JWK: the caller encrypts it before it touches storage. */
  privateJwk: string;
}

export async function generateSigningKey(alg: SigningAlgorithm = 'ES256'): Promise<GeneratedSigningKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return {
    kid,
    alg,
    publicJwk: { ...publicJwk, kid, alg, use: 'sig' },
    privateJwk: JSON.stringify(await exportJWK(privateKey)),
  };
}

export async function importSigningKey(kid: string, alg: SigningAlgorithm, privateJwk: string): Promise<SigningKeyHandle> {
  const privateKey = (await importJWK(JSON.parse(privateJwk) as JWK, alg)) as SigningPrivateKey;
  return { kid, alg, privateKey };
}

export interface KeyWindow {
  kid: string;
  activatesAt: Date;
  expiresAt: Date;
}

export interface KeySchedule {
  rotateEveryMs: number;
  /** A new key is published this long before it signs, so JWKS caches learn it first. */
  prepublishMs: number;
  /** How long a key stays published after its successor takes over: at least the token lifetime. */
  overlapMs: number;
}

/** The key that signs now: the most recently activated one that has not expired. */
export function activeKey<K extends KeyWindow>(keys: readonly K[], now: Date): K | undefined {
  return keys
    .filter((k) => k.activatesAt <= now && k.expiresAt > now)
    .sort((a, b) => b.activatesAt.getTime() - a.activatesAt.getTime())[0];
}

/** Keys whose tokens may still be presented (and upcoming ones): what the JWKS publishes. */
export function publishedKeys<K extends KeyWindow>(keys: readonly K[], now: Date): K[] {
  return keys.filter((k) => k.expiresAt > now);
}

/**
 * When the next key is due, its window; undefined when the current keys suffice. Without a
 * usable key the new one activates at once; otherwise it is pre-published.
 */
export function nextKeyWindow(keys: readonly KeyWindow[], now: Date, schedule: KeySchedule): { activatesAt: Date; expiresAt: Date } | undefined {
  const newest = [...keys].sort((a, b) => b.activatesAt.getTime() - a.activatesAt.getTime())[0];
  const current = activeKey(keys, now);
  const lifetime = schedule.rotateEveryMs + schedule.prepublishMs + schedule.overlapMs;
  if (!current) {
    if (newest && newest.activatesAt > now && newest.expiresAt > now) return undefined;
    return { activatesAt: now, expiresAt: new Date(now.getTime() + lifetime) };
  }
  if (newest && newest.activatesAt > current.activatesAt) return undefined;
  if (current.activatesAt.getTime() + schedule.rotateEveryMs - schedule.prepublishMs > now.getTime()) return undefined;
  // A key about to expire (the gateway was down past its rotation) is replaced at once,
  // so there is never a moment without a signing key.
  const late = current.expiresAt.getTime() - now.getTime() <= schedule.prepublishMs + schedule.overlapMs;
  const activatesAt = new Date(now.getTime() + (late ? 0 : schedule.prepublishMs));
  return { activatesAt, expiresAt: new Date(activatesAt.getTime() + lifetime) };
}
