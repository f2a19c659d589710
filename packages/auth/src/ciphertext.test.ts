import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isCiphertext, keyIdOf } from './ciphertext.ts';
import { SecretKeyError } from './errors.ts';
import { generateSecretKey, KeyRing, needsReencrypt } from './secret-box.ts';

const a = generateSecretKey('a');
const b = generateSecretKey('b');

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof SecretKeyError) return error.code;
    throw error;
  }
  return undefined;
}

function errorOf(fn: () => unknown): SecretKeyError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SecretKeyError) return error;
    throw error;
  }
  throw new Error('expected a SecretKeyError');
}

// Flip one bit of the character at `index`, keeping it in the base64url alphabet.
function flipChar(text: string, index: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const next = alphabet[alphabet.indexOf(text[index]!) ^ 1]!;
  return text.slice(0, index) + next + text.slice(index + 1);
}

describe('tamper detection', () => {
  const ring = new KeyRing([a, b]);
  const ciphertext = ring.encrypt('the secret');
  const [version, keyId, iv, body] = ciphertext.split('.') as [string, string, string, string];

  it('fails on a flipped byte in the body or IV', () => {
    expect(codeOf(() => ring.decrypt([version, keyId, iv, flipChar(body, 3)].join('.')))).toBe('decrypt_failed');
    expect(codeOf(() => ring.decrypt([version, keyId, flipChar(iv, 0), body].join('.')))).toBe('decrypt_failed');
  });

  it('fails on a truncated tag', () => {
    expect(codeOf(() => ring.decrypt([version, keyId, iv, body.slice(0, -4)].join('.')))).toBe('decrypt_failed');
  });

  it('fails when the key id is swapped for another key of the ring (AAD)', () => {
    expect(keyId).toBe('a');
    expect(codeOf(() => ring.decrypt(['sb1', 'b', iv, body].join('.')))).toBe('decrypt_failed');
  });

  it('binds the key id even when two ids share key material', () => {
    // Without the id in the AAD, relabelling would go unnoticed here.
    const twins = new KeyRing([a, { id: 'twin', key: a.key }]);
    expect(twins.decrypt(ciphertext)).toBe('the secret');
    expect(codeOf(() => twins.decrypt(['sb1', 'twin', iv, body].join('.')))).toBe('decrypt_failed');
  });

  it('fails when a same-id key holds different material', () => {
    const impostor = new KeyRing([{ id: 'a', key: randomBytes(32) }]);
    expect(codeOf(() => impostor.decrypt(ciphertext))).toBe('decrypt_failed');
  });

  it('reports an unknown key id by name without key material', () => {
    const error = errorOf(() => new KeyRing([b]).decrypt(ciphertext));
    expect(error.code).toBe('unknown_key_id');
    expect(error.message).toContain('"a"');
    expect(error.message).not.toContain(a.key.toString('base64url'));
    expect(codeOf(() => ring.decrypt(['sb1', 'other', iv, body].join('.')))).toBe('unknown_key_id');
  });

  it('fails on malformed values', () => {
    for (const bad of ['', 'plain text', `sb2.a.${iv}.${body}`, `sb1.a.${iv}`, `sb1.a.${iv}.${body}.x`, `sb1.a.${iv}=.${body}`]) {
      expect(codeOf(() => ring.decrypt(bad))).toBe('decrypt_failed');
      expect(isCiphertext(bad)).toBe(false);
      expect(codeOf(() => keyIdOf(bad))).toBe('malformed_ciphertext');
    }
  });
});

describe('keyIdOf / isCiphertext', () => {
  it('reads the key id of a well-formed value', () => {
    const ciphertext = new KeyRing([b]).encrypt('x');
    expect(isCiphertext(ciphertext)).toBe(true);
    expect(keyIdOf(ciphertext)).toBe('b');
    expect(isCiphertext(42)).toBe(false);
    expect(codeOf(() => needsReencrypt(new KeyRing([b]), 'nope'))).toBe('malformed_ciphertext');
  });
});
