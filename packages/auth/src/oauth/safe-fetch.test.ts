import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../testing/self-signed.ts';
import { fetchPublicJson, guardedFetch, SafeFetchError } from './safe-fetch.ts';

let server: Server;
let base: string;
let ca: string;

beforeAll(async () => {
  const tls = selfSignedCertificate();
  ca = tls.cert;
  const key = tls.key;
  server = createServer({ key, cert: ca }, (req, res) => {
    const port = (server.address() as AddressInfo).port;
    if (req.url === '/echo') {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => res.writeHead(201, { 'content-type': 'application/json', 'x-seen': req.method ?? '' }).end(JSON.stringify({ body, type: req.headers['content-type'] })));
      return;
    }
    if (req.url === '/doc') return res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    if (req.url === '/big') return res.writeHead(200, { 'content-type': 'application/json' }).end(`"${'x'.repeat(50_000)}"`);
    if (req.url === '/html') return res.writeHead(200, { 'content-type': 'text/html' }).end('<p>hi</p>');
    if (req.url === '/to-http') return res.writeHead(302, { location: `http://127.0.0.1:${port}/doc` }).end();
    if (req.url === '/to-other') return res.writeHead(302, { location: `https://127.0.0.2:${port}/doc` }).end();
    if (req.url === '/hop') return res.writeHead(302, { location: '/doc' }).end();
    if (req.url === '/loop') return res.writeHead(302, { location: '/loop' }).end();
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

// Tests reach a loopback server, so they allow exactly 127.0.0.1; production allows public addresses only.
const onlyLoopbackOne = () => ({ ca, isAllowedAddress: (address: string) => address === '127.0.0.1' });

describe('fetchPublicJson', () => {
  it('refuses loopback and private targets by default, whatever the spelling', async () => {
    for (const url of [`${base}/doc`, base.replace('127.0.0.1', 'localhost'), 'https://[::ffff:127.0.0.1]/doc', 'https://10.1.2.3/doc', 'https://2130706433/doc', 'https://169.254.169.254/latest']) {
      await expect(fetchPublicJson(url, { ca, timeoutMs: 2000 })).rejects.toBeInstanceOf(SafeFetchError);
    }
  });

  it('fetches JSON from an allowed address and follows a checked redirect', async () => {
    await expect(fetchPublicJson(`${base}/doc`, onlyLoopbackOne())).resolves.toEqual({ ok: true });
    await expect(fetchPublicJson(`${base}/hop`, onlyLoopbackOne())).resolves.toEqual({ ok: true });
  });

  it('checks every redirect hop: no downgrade to http, no hop to a refused address, bounded hops', async () => {
    await expect(fetchPublicJson(`${base}/to-http`, onlyLoopbackOne())).rejects.toThrow('only https');
    await expect(fetchPublicJson(`${base}/to-other`, onlyLoopbackOne())).rejects.toThrow('not a public address');
    await expect(fetchPublicJson(`${base}/loop`, onlyLoopbackOne())).rejects.toThrow('too many redirects');
  });

  it('caps the size and insists on JSON', async () => {
    await expect(fetchPublicJson(`${base}/big`, { ...onlyLoopbackOne(), maxBytes: 10_000 })).rejects.toThrow('larger than');
    await expect(fetchPublicJson(`${base}/html`, onlyLoopbackOne())).rejects.toThrow('not JSON');
    await expect(fetchPublicJson(`${base}/missing`, onlyLoopbackOne())).rejects.toThrow('HTTP 404');
  });
});

describe('guardedFetch (the same guard as a fetch, for openid-client)', () => {
  it('refuses loopback, private and plain-http targets by default', async () => {
    for (const url of [`${base}/echo`, 'https://10.1.2.3/x', 'https://[::1]/x', base.replace('https:', 'http:')]) {
      await expect(guardedFetch(url, { method: 'POST', body: 'a=1' }, { ca, timeoutMs: 2000 })).rejects.toBeInstanceOf(SafeFetchError);
    }
  });

  it('sends the method, headers and form body and answers a Response', async () => {
    const response = await guardedFetch(`${base}/echo`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'x', a: 'b c' }) }, onlyLoopbackOne());
    expect(response.status).toBe(201);
    expect(response.headers.get('x-seen')).toBe('POST');
    expect(await response.json()).toEqual({ body: 'grant_type=x&a=b+c', type: 'application/x-www-form-urlencoded' });
  });

  it('does not follow a redirect (the 3xx is the answer)', async () => {
    const response = await guardedFetch(`${base}/to-other`, {}, onlyLoopbackOne());
    expect(response.status).toBe(302);
  });
});
