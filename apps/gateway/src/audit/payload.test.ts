import { describe, expect, it } from 'vitest';
import { auditPayload, looksSecret, REDACTED } from './payload.ts';

describe('audit payloads', () => {
  it('redacts values under secret-looking keys, at any depth', () => {
    const stored = auditPayload({
      query: 'weather',
      password: 'hunter2',
      nested: { apiKey: 'k', Authorization: 'Bearer x', list: [{ client_secret: 's', keep: 1 }] },
      'x-auth-token': 't',
    });
    expect(stored).toEqual({
      query: 'weather',
      password: REDACTED,
      nested: { apiKey: REDACTED, Authorization: REDACTED, list: [{ client_secret: REDACTED, keep: 1 }] },
      'x-auth-token': REDACTED,
    });
    expect(JSON.stringify(stored)).not.toMatch(/hunter2|Bearer x/);
  });

  it('recognises the usual names and leaves ordinary ones', () => {
    for (const key of ['password', 'passwd', 'secret', 'accessToken', 'api_key', 'API-KEY', 'privateKey', 'cookie', 'credentials']) {
      expect(looksSecret(key), key).toBe(true);
    }
    for (const key of ['query', 'path', 'name', 'count', 'url']) expect(looksSecret(key), key).toBe(false);
  });

  it('caps large payloads, keeping a redacted preview and the original size', () => {
    const big = { token: 'secret-value', text: 'x'.repeat(20_000) };
    const stored = auditPayload(big, 1000) as { truncated: boolean; originalChars: number; preview: string };
    expect(stored.truncated).toBe(true);
    expect(stored.originalChars).toBeGreaterThan(20_000);
    expect(stored.preview.length).toBeLessThanOrEqual(1000);
    expect(stored.preview).not.toContain('secret-value');
    expect(JSON.stringify(stored).length).toBeLessThan(1200);
  });

  it('stores absent arguments as null and scalars as they are', () => {
    expect(auditPayload(undefined)).toBeNull();
    expect(auditPayload('plain')).toBe('plain');
    expect(auditPayload([1, 2])).toEqual([1, 2]);
  });
});
