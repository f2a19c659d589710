import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamConnection } from './connection.ts';
import { httpSpec } from './test-upstreams.ts';
import { createLineTail, SAFE_ENV_KEYS, safeBaseEnv } from './transport-factory.ts';

describe('safeBaseEnv', () => {
  it('keeps the short allowlist and nothing else', () => {
    const env = safeBaseEnv({ PATH: '/bin', HOME: '/home/gw', DATABASE_URL: 'postgres://secret', LANG: 'C.UTF-8', USER: undefined });
    expect(env).toEqual({ PATH: '/bin', HOME: '/home/gw', LANG: 'C.UTF-8' });
    expect(SAFE_ENV_KEYS).not.toContain('DATABASE_URL');
  });

  it('drops exported shell functions', () => {
    expect(safeBaseEnv({ SHELL: '() { :; }; echo pwned' })).toEqual({});
  });
});

describe('createLineTail', () => {
  it('keeps the last N complete lines across chunk boundaries', () => {
    const tail = createLineTail(2);
    tail.push('one\ntw');
    tail.push('o\nthree\n\nfour');
    expect(tail.text()).toBe('two\nthree\nfour');
    tail.push('\n');
    expect(tail.text()).toBe('three\nfour');
  });

  it('truncates endless lines', () => {
    const tail = createLineTail(5);
    tail.push('x'.repeat(5000));
    expect(tail.text().length).toBe(1000);
  });
});

describe('HTTP headers', () => {
  const seen: IncomingHttpHeaders[] = [];
  let server: Server;
  let base: string;
  beforeAll(async () => {
    // not an MCP server: it records what arrives and refuses it
    server = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(403).end();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  for (const transport of ['streamable-http', 'sse'] as const) {
    it(`${transport}: sends the configured headers and the bearer token (replacing any Authorization header)`, async () => {
      seen.length = 0;
      const spec = httpSpec(`headers-${transport}`, `${base}/mcp`, {
        transport,
        headers: { 'X-Tenant': 'acme', authorization: 'Basic stale' },
        bearerToken: 'tok-123',
      });
      const connection = new UpstreamConnection(spec, { backoff: { baseMs: 60_000 } });
      await expect(connection.ensureConnected()).rejects.toMatchObject({ code: 'upstream_unavailable' });
      await connection.stop();
      expect(seen.length).toBeGreaterThan(0);
      expect(seen[0]).toMatchObject({ 'x-tenant': 'acme', authorization: 'Bearer tok-123' });
      expect(connection.status().lastError).toMatch(/connect failed/);
    });
  }
});
