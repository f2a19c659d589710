import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resourceMetadataFrom } from './discovery.ts';
import { OutboundPolicy, OutboundRefusedError } from './outbound.ts';

let server: Server;
let origin: string;

beforeAll(async () => {
  server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('OutboundPolicy: configured origins as typed, everything else guarded like CIMD', () => {
  it('reaches a loopback origin the administrator configured (the upstream URL), plain http included', async () => {
    const policy = new OutboundPolicy([`${origin}/mcp`]);
    const response = await policy.fetch(`${origin}/.well-known/oauth-protected-resource/mcp`, { method: 'GET', headers: {}, body: undefined, redirect: 'manual' });
    expect(await response.json()).toEqual({ ok: true });
    expect(policy.allowsHttp).toBe(true);
  });

  it('refuses the same server when a document, not the administrator, named it (another port is another origin)', async () => {
    const policy = new OutboundPolicy(['http://127.0.0.1:1/mcp']);
    await expect(policy.fetch(`${origin}/x`, { method: 'GET', headers: {}, body: undefined, redirect: 'manual' })).rejects.toBeInstanceOf(OutboundRefusedError);
    await expect(policy.fetch(origin.replace('http:', 'https:'), { method: 'GET', headers: {}, body: undefined, redirect: 'manual' })).rejects.toThrow(/not a public address/);
  });

  it('refuses endpoints a document names on private addresses, localhost or plain http before any request', () => {
    const policy = new OutboundPolicy([`${origin}/mcp`]);
    for (const url of ['https://10.0.0.5/token', 'https://169.254.169.254/latest', 'https://[::1]:8443/x', 'https://localhost/x', 'http://as.example.com/token', 'https://[::ffff:127.0.0.1]/x']) {
      expect(() => policy.checkEndpoint('the token endpoint', url), url).toThrow(OutboundRefusedError);
    }
    expect(() => policy.checkEndpoint('the token endpoint', 'https://as.example.com/token')).not.toThrow();
    expect(() => policy.checkEndpoint('the token endpoint', `${origin}/token`)).not.toThrow();
  });
});

describe('resourceMetadataFrom', () => {
  it('reads resource_metadata from a Bearer challenge, quoted or not, and nothing else', () => {
    expect(resourceMetadataFrom('Bearer realm="x", resource_metadata="https://a.example/.well-known/oauth-protected-resource/mcp"')).toBe(
      'https://a.example/.well-known/oauth-protected-resource/mcp',
    );
    expect(resourceMetadataFrom('Bearer resource_metadata=https://a.example/prm, error="invalid_token"')).toBe('https://a.example/prm');
    expect(resourceMetadataFrom('Basic realm="x"')).toBeUndefined();
    expect(resourceMetadataFrom(null)).toBeUndefined();
  });
});
