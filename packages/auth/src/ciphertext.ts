import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SecretKeyError } from './errors.ts';

/**
 * The `sb1.<keyId>.<iv>.<ciphertext+tag>` envelope and the raw AES-256-GCM seal/open under it.
 * Key lookup lives in KeyRing (secret-box.ts); this file only knows one key at a time.
 */

// Bump when the envelope or algorithm changes, so values written today stay readable.
export const CIPHERTEXT_VERSION = 'sb1';
// No '.', so the id can never be confused with the envelope separators.
export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
// 96-bit random nonces are GCM's native size; collision risk is negligible far beyond the
// number of secrets one gateway will ever encrypt under a key.
const IV_BYTES = 12;
const TAG_BYTES = 16;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export type Envelope = { keyId: string; iv: Buffer; body: Buffer };

// Buffer.from skips characters it does not understand, so insist on the canonical encoding:
// one stored value then has exactly one spelling.
function decodeBase64url(text: string): Buffer | undefined {
  if (!BASE64URL.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}

export function parseEnvelope(value: string): Envelope | undefined {
  const parts = value.split('.');
  if (parts.length !== 4) return undefined;
  const [version, keyId, ivText, bodyText] = parts as [string, string, string, string];
  if (version !== CIPHERTEXT_VERSION || !KEY_ID_PATTERN.test(keyId)) return undefined;
  const iv = decodeBase64url(ivText);
  const body = decodeBase64url(bodyText);
  if (!iv || iv.length !== IV_BYTES || !body || body.length < TAG_BYTES) return undefined;
  return { keyId, iv, body };
}

/** True when `value` is structurally an sb1 ciphertext (says nothing about whether it decrypts). */
export function isCiphertext(value: unknown): value is string {
  return typeof value === 'string' && parseEnvelope(value) !== undefined;
}

/** The id of the key a ciphertext was sealed with. Throws `malformed_ciphertext`. */
export function keyIdOf(ciphertext: string): string {
  const envelope = parseEnvelope(ciphertext);
  if (!envelope) throw new SecretKeyError('malformed_ciphertext', 'value is not an sb1 ciphertext');
  return envelope.keyId;
}

// Version and key id are authenticated, so relabelling a value with another id fails to open.
function aadFor(keyId: string): Buffer {
  return Buffer.from(`${CIPHERTEXT_VERSION}.${keyId}`, 'utf8');
}

export function seal(keyId: string, key: Buffer, plaintext: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aadFor(keyId));
  const encrypted = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const body = Buffer.concat([encrypted, cipher.getAuthTag()]);
  return [CIPHERTEXT_VERSION, keyId, iv.toString('base64url'), body.toString('base64url')].join('.');
}

export function open(envelope: Envelope, key: Buffer): string {
  const { keyId, iv, body } = envelope;
  const split = body.length - TAG_BYTES;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aadFor(keyId));
    decipher.setAuthTag(body.subarray(split));
    return Buffer.concat([decipher.update(body.subarray(0, split)), decipher.final()]).toString('utf8');
  } catch {
    // OpenSSL's reason adds nothing useful; GCM cannot tell tampering from a wrong key.
    throw new SecretKeyError(
      'decrypt_failed',
      `could not decrypt value under key "${keyId}": it was altered, corrupted or sealed with a different key of that id`,
    );
  }
}
