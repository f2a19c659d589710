import { describe, expect, it } from 'vitest';
import { clientAddress } from './client-address.ts';

describe('the client address', () => {
  const trusted = new Set(['10.0.0.1', '10.0.0.2']);
  it('is the socket peer unless that peer is a trusted proxy', () => {
    expect(clientAddress('::ffff:203.0.113.9', '198.51.100.1', trusted)).toBe('203.0.113.9');
    expect(clientAddress('203.0.113.9', null, trusted)).toBe('203.0.113.9');
  });
  it('behind trusted proxies, is the rightmost untrusted hop (a client-written prefix is ignored)', () => {
    expect(clientAddress('10.0.0.1', 'forged, 198.51.100.7, 10.0.0.2', trusted)).toBe('198.51.100.7');
    expect(clientAddress('10.0.0.1', '10.0.0.2', trusted)).toBe('10.0.0.2');
  });
});
