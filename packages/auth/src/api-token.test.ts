import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { constantTimeEqualHex, generateApiToken, hashApiToken, looksLikeApiToken } from './api-token.ts';

describe('generateApiToken', () => {
  it('returns an sb_ token, its SHA-256 hex hash and a display prefix', () => {
    const { token, hash, prefix } = generateApiToken();
    expect(token).toMatch(/^sb_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token.slice(3), 'base64url')).toHaveLength(32);
    expect(hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(prefix).toBe(token.slice(0, 10));
    expect(looksLikeApiToken(token)).toBe(true);
  });

  it('never repeats', () => {
    const tokens = new Set(Array.from({ length: 100 }, () => generateApiToken().token));
    expect(tokens.size).toBe(100);
  });
});

describe('hashApiToken', () => {
  it('is deterministic and matches the generated hash', () => {
    const { token, hash } = generateApiToken();
    expect(hashApiToken(token)).toBe(hash);
    expect(hashApiToken(`${token}x`)).not.toBe(hash);
  });
});

describe('looksLikeApiToken', () => {
  it('rejects anything not shaped like a token', () => {
    const { token } = generateApiToken();
    for (const bad of ['', 'sb_', token.slice(0, -1), `${token}A`, `xx_${token.slice(3)}`, `${token.slice(0, -1)}=`, ` ${token}`]) {
      expect(looksLikeApiToken(bad)).toBe(false);
    }
  });
});

describe('constantTimeEqualHex', () => {
  it('compares hex case-insensitively and rejects mismatches', () => {
    const { hash } = generateApiToken();
    expect(constantTimeEqualHex(hash, hash)).toBe(true);
    expect(constantTimeEqualHex(hash, hash.toUpperCase())).toBe(true);
    expect(constantTimeEqualHex(hash, generateApiToken().hash)).toBe(false);
    expect(constantTimeEqualHex(hash, hash.slice(0, -2))).toBe(false);
    expect(constantTimeEqualHex(`${hash.slice(0, -1)}g`, `${hash.slice(0, -1)}g`)).toBe(false);
    expect(constantTimeEqualHex('abc', 'abc')).toBe(false);
    // An empty stored hash must never match an empty candidate.
    expect(constantTimeEqualHex('', '')).toBe(false);
  });
});
