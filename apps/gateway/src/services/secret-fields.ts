import type { KeyRing } from '@switchboard/auth/secret-box';
import type { SecretState } from '@switchboard/core/contracts/common';

/** Encrypts every value of a map (env vars, headers). */
export function encryptMap(ring: KeyRing, values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, ring.encrypt(v)]));
}

export function decryptMap(ring: KeyRing, values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, ring.decrypt(v)]));
}

/** Applies a merge patch: string sets (encrypted), null removes, absent keeps. */
export function mergeEncryptedMap(
  ring: KeyRing,
  current: Record<string, string>,
  patch: Record<string, string | null>,
): Record<string, string> {
  const next = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete next[key];
    else next[key] = ring.encrypt(value);
  }
  return next;
}

/** What the API shows of a secret map: the keys, and that each has a value. */
export function describeMap(values: Record<string, string>): Record<string, SecretState> {
  return Object.fromEntries(Object.keys(values).map((k) => [k, { hasValue: true }]));
}
