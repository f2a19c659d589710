import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { clientAddress } from './client-address.ts';
import { TrustedProxies } from './trusted-proxies.ts';

describe('TrustedProxies', () => {
  it('believes single addresses and CIDR ranges of both families, nothing else', () => {
    const trusted = TrustedProxies.parse('10.1.2.3, 172.28.0.0/16,fd00::/8');
    expect(['10.1.2.3', '172.28.0.1', '172.28.255.254', 'fd00::1'].map((a) => trusted.has(a))).toEqual([true, true, true, true]);
    expect(['10.1.2.4', '172.29.0.1', 'fe80::1', 'not-an-ip', ''].map((a) => trusted.has(a))).toEqual([false, false, false, false, false]);
  });

  it('reads the client from X-Forwarded-For only through a trusted hop, skipping trusted hops', () => {
    const trusted = TrustedProxies.parse('172.28.0.0/16');
    expect(clientAddress('::ffff:172.28.0.5', '203.0.113.9, 172.28.0.7', trusted)).toBe('203.0.113.9');
    expect(clientAddress('198.51.100.1', '203.0.113.9', trusted)).toBe('198.51.100.1');
    expect(clientAddress('172.28.0.5', null, trusted)).toBe('172.28.0.5');
  });

  it('refuses a malformed entry at start, naming it', () => {
    for (const bad of ['10.0.0.0/33', 'proxy.local', '10.0.0.0/x']) {
      expect(() => loadConfig({ SWITCHBOARD_TRUSTED_PROXIES: bad })).toThrow(bad);
    }
  });
});
