/**
 * An HTTP upstream that forgot our 2025-era session (issue 20, #9): server-everything
 * answers HTTP 400 ("No valid session ID provided") after a restart, others 404. Either
 * way the connection initializes a new session once and the call goes through; an
 * upstream that refuses the fresh session too fails the call clearly, at once.
 */
import { once } from 'node:events';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { UpstreamConnection } from './connection.ts';
import { callTool, httpSpec, type Served, startEverythingHttp, textOf } from './test-upstreams.ts';
import { UpstreamError } from './types.ts';

const started: Served[] = [];
const connections: UpstreamConnection[] = [];
afterAll(async () => {
  await Promise.all(connections.map((connection) => connection.stop()));
  await Promise.all(started.map((served) => served.stop()));
});

const open = (url: string) => {
  // pings every 30 s (the default): a recovery must not wait for one
  const connection = new UpstreamConnection(httpSpec('everything-http', url, { protocol: 'legacy', timeoutMs: 20_000 }));
  connections.push(connection);
  return connection;
};

/**
 * A proxy in front of `target` that, once `forget` is set, answers every `tools/call` as
 * server-everything answers a session it does not know: 400 with a JSON-RPC error for its id.
 */
async function forgetfulProxy(target: string) {
  const upstream = new URL(target);
  const state = { forget: false, refused: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = raw.length ? (JSON.parse(raw.toString('utf8')) as { id?: unknown; method?: string }) : undefined;
      if (state.forget && body?.method === 'tools/call') {
        state.refused += 1;
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: 'Bad Request: No valid session ID provided' }, id: body.id }));
        return;
      }
      const out = httpRequest(upstream, { method: req.method, headers: { ...req.headers, host: upstream.host } }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      out.on('error', () => res.destroy());
      out.end(raw);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const stop = () => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
  started.push({ url: '', stop });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`, state };
}

describe('an HTTP upstream that forgot our session', () => {
  it('server-everything restarted under the gateway (HTTP 400): the next call re-initializes and succeeds at once', async () => {
    const first = await startEverythingHttp();
    started.push(first);
    const connection = open(first.url);
    expect(textOf(await connection.request('tools/call', callTool('echo', { message: 'before' })))).toBe('Echo: before');
    await first.stop();
    const again = await startEverythingHttp(Number(new URL(first.url).port));
    started.push(again);

    const t0 = Date.now();
    const result = await connection.request('tools/call', callTool('echo', { message: 'after' }));
    const recoveredMs = Date.now() - t0;
    expect(textOf(result)).toBe('Echo: after');
    expect(recoveredMs).toBeLessThan(5_000);
    // methods on the SDK's path (ping) use the renewed session too
    await expect(connection.request('ping', {})).resolves.toBeDefined();
    expect(connection.status().state).toBe('connected');
  });

  it("the same on the SDK client's path (ping is not relayed): renewed once, at once", async () => {
    const first = await startEverythingHttp();
    started.push(first);
    const connection = open(first.url);
    await connection.request('ping', {});
    await first.stop();
    started.push(await startEverythingHttp(Number(new URL(first.url).port)));
    const t0 = Date.now();
    await expect(connection.request('ping', {})).resolves.toBeDefined();
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(textOf(await connection.request('tools/call', callTool('echo', { message: 'after' })))).toBe('Echo: after');
  });

  it('an upstream that refuses the fresh session too: one re-initialize, then a clear error, not a hang', async () => {
    const everything = await startEverythingHttp();
    started.push(everything);
    const proxy = await forgetfulProxy(everything.url);
    const connection = open(proxy.url);
    expect(textOf(await connection.request('tools/call', callTool('echo', { message: 'x' })))).toBe('Echo: x');
    proxy.state.forget = true;
    const t0 = Date.now();
    const error = await connection.request('tools/call', callTool('echo', { message: 'y' })).catch((e: unknown) => e);
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).code).toBe('upstream_unavailable');
    expect((error as UpstreamError).message).toBe(
      'upstream everything-http rejected a new session too: HTTP 400 (Bad Request: No valid session ID provided)',
    );
    // exactly two tries: the original and one after a fresh initialize
    expect(proxy.state.refused).toBe(2);
  });
});
