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

/**
 * Field names whose values are secrets wherever they appear (a token shown once at
 * creation, a password, a client secret, a header or env value): what the admin trail
 * stores of them is `{ hasValue: true }`, the API's own way to show a secret.
 */
const SECRET_FIELDS = new Set([
  'token',
  'password',
  'secret',
  'clientsecret',
  'client_secret',
  'bearertoken',
  'apikey',
  'accesstoken',
  'refreshtoken',
  'privatekey',
  'value',
]);
/** Maps whose every value is secret (as encryptMap stores them): keys are kept, values masked. */
const SECRET_MAPS = new Set(['headers', 'env']);

const masked = (value: unknown): unknown => (value === null || value === undefined || typeof value === 'boolean' ? value : { hasValue: true });

/** A deep copy of an API object with every secret value masked (see SECRET_FIELDS); `{ hasValue }` passes as is. */
export function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const name = key.toLowerCase();
    if (SECRET_FIELDS.has(name) && (typeof v !== 'object' || v === null)) out[key] = masked(v);
    else if (SECRET_MAPS.has(name) && typeof v === 'object' && v !== null && !Array.isArray(v)) {
      out[key] = Object.fromEntries(Object.entries(v).map(([k, inner]) => [k, typeof inner === 'string' ? { hasValue: true } : maskSecrets(inner)]));
    } else out[key] = maskSecrets(v);
  }
  return out;
}
