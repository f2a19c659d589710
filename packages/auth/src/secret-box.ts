import { hkdfSync, randomBytes } from 'node:crypto';
import { KEY_ID_PATTERN, keyIdOf, open, parseEnvelope, seal } from './ciphertext.ts';
import { SecretKeyError } from './errors.ts';

export { isCiphertext, keyIdOf } from './ciphertext.ts';

/** One AES-256 key; `id` is stored in every ciphertext so old values find their key after rotation. */
export type SecretKey = { id: string; key: Buffer };

const KEY_BYTES = 32;
const BASE64_ANY = /^[A-Za-z0-9+/_-]+={0,2}$/;
const ID_RULE = 'must be 1-32 characters of A-Z a-z 0-9 _ -';

const ringError = (message: string) => new SecretKeyError('invalid_key_ring', message);

// Ids are labels and safe to print. Something that fails the pattern may be a key pasted in the
// wrong place, so it is never echoed.
const showId = (id: string) => (KEY_ID_PATTERN.test(id) ? `"${id}"` : '(invalid id)');

/** Encrypts under the active key; decrypts under whichever key of the ring sealed the value. */
export class KeyRing {
  // Private fields keep key bytes out of console.log, util.inspect and JSON.stringify.
  readonly #keys = new Map<string, Buffer>();
  readonly #activeId: string;

  constructor(keys: readonly SecretKey[], activeId?: string) {
    if (keys.length === 0) throw ringError('key ring is empty: at least one key is required');
    for (const [index, { id, key }] of keys.entries()) {
      if (!KEY_ID_PATTERN.test(id)) throw ringError(`key ${index + 1}: id ${ID_RULE}`);
      if (this.#keys.has(id)) throw ringError(`duplicate key id ${showId(id)}`);
      if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES) {
        throw ringError(`key ${showId(id)} must be ${KEY_BYTES} bytes, got ${key?.length ?? 0}`);
      }
      this.#keys.set(id, Buffer.from(key)); // a copy: the caller may reuse or zero its buffer
    }
    const active = activeId ?? keys[0]!.id;
    if (!this.#keys.has(active)) throw ringError(`active key id ${showId(active)} is not in the key ring`);
    this.#activeId = active;
  }

  get activeId(): string {
    return this.#activeId;
  }

  get ids(): string[] {
    return [...this.#keys.keys()];
  }

  has(id: string): boolean {
    return this.#keys.has(id);
  }

  /**
   * A 32-byte key for one purpose (e.g. signing request state), derived from the active
   * key with HKDF: every replica with the same ring derives the same bytes, and the
   * purpose label keeps it apart from the encryption key and from other purposes.
   */
  derive(purpose: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.#keys.get(this.#activeId)!, Buffer.alloc(0), `switchboard/${purpose}`, KEY_BYTES));
  }

  encrypt(plaintext: string): string {
    return seal(this.#activeId, this.#keys.get(this.#activeId)!, plaintext);
  }

  /** Throws `unknown_key_id` when the sealing key is not in the ring, else `decrypt_failed`. */
  decrypt(ciphertext: string): string {
    const envelope = parseEnvelope(ciphertext);
    if (!envelope) throw new SecretKeyError('decrypt_failed', 'value is not a well-formed sb1 ciphertext');
    const key = this.#keys.get(envelope.keyId);
    if (!key) {
      throw new SecretKeyError(
        'unknown_key_id',
        `value was encrypted with key "${envelope.keyId}", which is not in the key ring (was it removed too early?)`,
      );
    }
    return open(envelope, key);
  }
}

/** True when the value should be rewritten under the ring's active key (after a rotation). */
export function needsReencrypt(ring: KeyRing, ciphertext: string): boolean {
  return keyIdOf(ciphertext) !== ring.activeId;
}

export function generateSecretKey(id: string): SecretKey {
  if (!KEY_ID_PATTERN.test(id)) throw ringError(`key id ${ID_RULE}`);
  return { id, key: randomBytes(KEY_BYTES) };
}

/**
 * Decodes a base64 or base64url key (padding optional). `where` prefixes error messages so
 * callers can say which entry of which source is wrong.
 */
export function decodeSecretKey(id: string, encoded: string, where = 'key'): SecretKey {
  if (!KEY_ID_PATTERN.test(id)) throw ringError(`${where}: key id ${ID_RULE}`);
  if (!BASE64_ANY.test(encoded)) throw ringError(`${where} (${showId(id)}): key is not base64 or base64url`);
  // Node's base64 decoder accepts both alphabets.
  const key = Buffer.from(encoded, 'base64');
  if (key.length !== KEY_BYTES) {
    throw ringError(
      `${where} (${showId(id)}): key must decode to ${KEY_BYTES} bytes, got ${key.length} (generate one with: openssl rand -base64 32)`,
    );
  }
  return { id, key };
}

/** Parses the env format `id1:<base64 key>,id2:<base64 key>`; whitespace around parts is ignored. */
export function parseKeyRing(spec: string, activeId?: string): KeyRing {
  const keys: SecretKey[] = [];
  for (const [index, raw] of spec.split(',').entries()) {
    const entry = raw.trim();
    if (entry === '') continue; // tolerate a trailing comma or blank line
    const where = `key ring entry ${index + 1}`;
    const colon = entry.indexOf(':');
    if (colon < 0) throw ringError(`${where}: expected "id:<base64 key>" but found no ":"`);
    keys.push(decodeSecretKey(entry.slice(0, colon).trim(), entry.slice(colon + 1).trim(), where));
  }
  if (keys.length === 0) throw ringError('key ring spec is empty: expected "id1:<base64 key>[,id2:<base64 key>...]"');
  return new KeyRing(keys, activeId?.trim() || undefined);
}

/** Inverse of parseKeyRing (base64url keys). Validates like KeyRing so the output always parses. */
export function formatKeyRing(keys: readonly SecretKey[]): string {
  new KeyRing(keys);
  return keys.map(({ id, key }) => `${id}:${key.toString('base64url')}`).join(',');
}
