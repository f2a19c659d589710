import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SecretKeyError } from './errors.ts';
import {
  decodeSecretKey,
  formatKeyRing,
  generateSecretKey,
  isCiphertext,
  KeyRing,
  keyIdOf,
  needsReencrypt,
  parseKeyRing,
  type SecretKey,
} from './secret-box.ts';

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

describe('KeyRing', () => {
  it('round-trips text, including empty and non-ASCII strings', () => {
    const ring = new KeyRing([a]);
    for (const plaintext of ['', 'hunter2', 'ключ 🔑 '.repeat(100)]) {
      const ciphertext = ring.encrypt(plaintext);
      expect(ciphertext).toMatch(/^sb1\.a\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
      expect(ring.decrypt(ciphertext)).toBe(plaintext);
    }
  });

  it('uses a fresh IV each time', () => {
    const ring = new KeyRing([a]);
    expect(ring.encrypt('same')).not.toBe(ring.encrypt('same'));
  });

  it('exposes ids, the active id and membership', () => {
    const ring = new KeyRing([a, b], 'b');
    expect(ring.ids).toEqual(['a', 'b']);
    expect(ring.activeId).toBe('b');
    expect(ring.has('a')).toBe(true);
    expect(ring.has('c')).toBe(false);
    expect(new KeyRing([a, b]).activeId).toBe('a');
  });

  it('decrypts values from before a rotation and flags them for re-encryption', () => {
    const old = new KeyRing([a]).encrypt('upstream secret');
    const rotated = new KeyRing([b, a]);
    expect(rotated.activeId).toBe('b');
    expect(rotated.decrypt(old)).toBe('upstream secret');
    expect(needsReencrypt(rotated, old)).toBe(true);
    const fresh = rotated.encrypt('upstream secret');
    expect(isCiphertext(fresh) && keyIdOf(fresh)).toBe('b');
    expect(needsReencrypt(rotated, fresh)).toBe(false);
  });

  it('rejects invalid rings', () => {
    const short: SecretKey = { id: 'short', key: randomBytes(16) };
    expect(codeOf(() => new KeyRing([]))).toBe('invalid_key_ring');
    expect(codeOf(() => new KeyRing([a, { id: 'a', key: randomBytes(32) }]))).toBe('invalid_key_ring');
    expect(codeOf(() => new KeyRing([short]))).toBe('invalid_key_ring');
    expect(codeOf(() => new KeyRing([a], 'nope'))).toBe('invalid_key_ring');
    expect(codeOf(() => new KeyRing([{ id: 'has.dot', key: randomBytes(32) }]))).toBe('invalid_key_ring');
    expect(codeOf(() => new KeyRing([{ id: 'x'.repeat(33), key: randomBytes(32) }]))).toBe('invalid_key_ring');
    expect(errorOf(() => new KeyRing([a, b, { ...b }])).message).toMatch(/duplicate key id "b"/);
  });

  it('keeps key bytes out of inspection and JSON', () => {
    const ring = new KeyRing([a]);
    const hex = a.key.toString('hex');
    expect(JSON.stringify(ring)).toBe('{}');
    expect(inspect(ring, { showHidden: true, depth: 5 })).not.toContain(hex);
  });

  it('is unaffected by the caller later zeroing its key buffer', () => {
    const key = generateSecretKey('z');
    const ring = new KeyRing([key]);
    const ciphertext = ring.encrypt('x');
    key.key.fill(0);
    expect(ring.decrypt(ciphertext)).toBe('x');
  });
});

describe('parseKeyRing / formatKeyRing', () => {
  it('parses base64, base64url, padded or not, with whitespace', () => {
    const key = randomBytes(32);
    const variants = [key.toString('base64'), key.toString('base64url'), key.toString('base64').replace(/=+$/, '')];
    for (const encoded of variants) {
      const ring = parseKeyRing(` k1 : ${encoded} ,\n k2:${b.key.toString('base64')} ,`);
      expect(ring.ids).toEqual(['k1', 'k2']);
      expect(ring.activeId).toBe('k1');
      expect(ring.decrypt(new KeyRing([{ id: 'k1', key }]).encrypt('ok'))).toBe('ok');
    }
  });

  it('honours an explicit active id', () => {
    expect(parseKeyRing(formatKeyRing([a, b]), 'b').activeId).toBe('b');
    expect(parseKeyRing(formatKeyRing([a, b]), '').activeId).toBe('a');
  });

  it('is the inverse of formatKeyRing', () => {
    const spec = formatKeyRing([a, b]);
    const ring = parseKeyRing(spec);
    expect(ring.ids).toEqual(['a', 'b']);
    expect(ring.decrypt(new KeyRing([b]).encrypt('round'))).toBe('round');
    expect(formatKeyRing([a, b])).toBe(spec);
  });

  it('gives a specific error per kind of mistake, never echoing key material', () => {
    const good = a.key.toString('base64');
    const short = randomBytes(16).toString('base64');
    const cases: [string, RegExp][] = [
      ['', /spec is empty/],
      [' , ', /spec is empty/],
      [good, /entry 1: expected "id:<base64 key>" but found no ":"/],
      [`a:${good},${short}`, /entry 2: expected "id:<base64 key>"/],
      [`:${good}`, /entry 1: key id must be 1-32 characters/],
      [`bad.id:${good}`, /entry 1: key id must be 1-32 characters/],
      [`a:${good},b:not*base64!`, /entry 2 \("b"\): key is not base64 or base64url/],
      [`a:${short}`, /entry 1 \("a"\): key must decode to 32 bytes, got 16/],
      [`a:${good},a:${good}`, /duplicate key id "a"/],
      ['a:', /entry 1 \("a"\): key is not base64/],
    ];
    for (const [spec, message] of cases) {
      const error = errorOf(() => parseKeyRing(spec));
      expect(error.code).toBe('invalid_key_ring');
      expect(error.message).toMatch(message);
      expect(error.message).not.toContain(good);
      expect(error.message).not.toContain(short);
    }
    expect(errorOf(() => parseKeyRing(`a:${good}`, 'missing')).message).toMatch(/active key id "missing"/);
  });

  it('validates ids when generating and decoding', () => {
    expect(generateSecretKey('k-2024_01').key).toHaveLength(32);
    expect(codeOf(() => generateSecretKey('no spaces'))).toBe('invalid_key_ring');
    expect(decodeSecretKey('x', a.key.toString('base64url')).key.equals(a.key)).toBe(true);
    expect(codeOf(() => formatKeyRing([]))).toBe('invalid_key_ring');
  });
});
