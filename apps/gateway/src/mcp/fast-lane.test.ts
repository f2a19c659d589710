/**
 * The fast lane's contract, over a real socket with @hono/node-server's real listener
 * behind it: it finishes only what a fast path answered, and everything else reaches Hono
 * with its body intact and the lane's admission verdict attached. (The lane inside the
 * whole gateway is exercised by every e2e suite: their sessions open through it.)
 */
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Admit, Admitted } from './admission.ts';
import { rpcErrorResponse } from './errors.ts';
import type { FastPost } from './fast-call.ts';
import { admittedByLane, createFastLane } from './fast-lane.ts';
import { anonymous } from './principal.ts';
import type { VirtualServerRuntime } from './virtual-server-runtime.ts';

const SERVER_ID = '3f9e1c2a-7b4d-4e6f-8a1b-2c3d4e5f6a7b';
const PATH = `/servers/${SERVER_ID}/mcp`;
const JSON_POST = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

/** What Hono received from the lane, per request. */
interface HandedOn {
  body: string;
  verdict: Admitted | Response | undefined;
}

let server: Server;
let url: string;
let handedOn: HandedOn[];
/** What the runtime's fast path does with a POST (per test). */
let fastPath: (post: FastPost, res: import('node:http').ServerResponse) => Promise<boolean>;
/** The admission the lane applies (per test). */
let admission: Admit;
let seen: FastPost[];
/** The lane's log lines (per test). */
let logged: Array<Record<string, unknown>>;

const runtime = {
  serveFast: async (post: FastPost, _principal: unknown, res: import('node:http').ServerResponse) => {
    seen.push(post);
    return fastPath(post, res);
  },
} as unknown as VirtualServerRuntime;
const admitted: Admitted = { id: SERVER_ID, runtime, principal: anonymous };

beforeAll(async () => {
  const app = new Hono<{ Bindings: { incoming: IncomingMessage } }>();
  app.all('*', async (c) => {
    handedOn.push({ body: await c.req.text(), verdict: admittedByLane(c.env.incoming) });
    return c.json({ from: 'hono' }, 299 as never);
  });
  const hono = getRequestListener(app.fetch);
  const lane = createFastLane({ admit: (...args) => admission(...args), logger: pino({ level: 'info' }, { write: (line: string) => logged.push(JSON.parse(line)) }) });
  server = createServer((req, res) => lane(req, res, () => void hono(req, res)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  handedOn = [];
  seen = [];
  logged = [];
  admission = async () => admitted;
  fastPath = async () => false;
});

/** A raw request, so duplicate headers and a chunked body can be sent as they are. */
function send(path: string, headers: Array<[string, string]>, body?: string, chunked = false): Promise<{ status: number; text: string; requestId?: string }> {
  return new Promise((resolve, reject) => {
    // (raw header pairs: Node adds no Host of its own then)
    const flat = ['host', new URL(url).host, ...headers.flat()];
    if (body !== undefined && !chunked) flat.push('content-length', String(Buffer.byteLength(body)));
    const req = request(`${url}${path}`, { method: 'POST', headers: flat }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, requestId: res.headers['x-request-id'] as string | undefined }));
    });
    req.on('error', reject);
    if (chunked && body !== undefined) req.write(body);
    req.end(chunked ? undefined : body);
  });
}
const jsonHeaders = (extra: Array<[string, string]> = []): Array<[string, string]> => [...Object.entries(JSON_POST), ...extra];
const CALL = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x__echo', arguments: { text: 'ü' } } });

describe('the MCP fast lane', () => {
  it('finishes a request a fast path answered; Hono never sees it', async () => {
    fastPath = async (post, res) => {
      const body = await post.body();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ echoed: JSON.parse(body as string).params.arguments.text }));
      return true;
    };
    const answer = await send(PATH, jsonHeaders(), CALL);
    expect(answer).toMatchObject({ status: 200, text: JSON.stringify({ echoed: 'ü' }) });
    expect(handedOn).toEqual([]);
  });

  it('names the request in its answer and its log line as Hono does: the client\'s X-Request-Id when sane, else a fresh UUID', async () => {
    fastPath = async (_post, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      return true;
    };
    expect((await send(PATH, jsonHeaders([['x-request-id', 'trace-42']]), CALL)).requestId).toBe('trace-42');
    const fresh = await send(PATH, jsonHeaders([['x-request-id', 'not sane!']]), CALL);
    expect(fresh.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // its request lines say so, under the same ids
    expect(logged.map(({ requestId, lane, status, path }) => ({ requestId, lane, status, path }))).toEqual([
      { requestId: 'trace-42', lane: 'fast', status: 200, path: PATH },
      { requestId: fresh.requestId, lane: 'fast', status: 200, path: PATH },
    ]);
    // handed on, Hono's own middleware names and logs it (here: nobody does)
    fastPath = async () => false;
    expect((await send(PATH, jsonHeaders([['x-request-id', 'trace-43']]), CALL)).requestId).toBeUndefined();
    expect(logged).toHaveLength(2);
  });

  it('hands on what no fast path took, with the body it read and its admission verdict', async () => {
    const answer = await send(PATH, jsonHeaders(), CALL);
    expect(answer.status).toBe(299);
    expect(handedOn).toEqual([{ body: CALL, verdict: admitted }]);
  });

  it('hands on a rejected caller with the rejection, so it is not judged twice', async () => {
    const rejection = rpcErrorResponse(401, -32001, 'no');
    admission = async () => rejection;
    await send(PATH, jsonHeaders(), CALL);
    expect(seen).toEqual([]);
    expect(handedOn).toEqual([{ body: CALL, verdict: rejection }]);
  });

  it('reads repeated headers the way the Hono route does (joined, none dropped)', async () => {
    await send(PATH, jsonHeaders([['authorization', 'Bearer one'], ['authorization', 'Bearer two']]), CALL);
    expect(seen[0]?.header('authorization')).toBe('Bearer one, Bearer two');
    expect(seen[0]?.header('mcp-session-id')).toBeNull();
  });

  it.each([
    ['another path', `/servers/${SERVER_ID}/sse`, jsonHeaders(), false],
    ['a query string', `${PATH}?x=1`, jsonHeaders(), false],
    ['no Content-Length (chunked)', PATH, jsonHeaders(), true],
    ['a body that is not JSON', PATH, [['content-type', 'text/plain'], ['accept', JSON_POST.accept]] as Array<[string, string]>, false],
    ['a client that takes only JSON', PATH, [['content-type', 'application/json'], ['accept', 'application/json']] as Array<[string, string]>, false],
  ])('leaves %s to Hono untouched', async (_what, path, headers, chunked) => {
    const answer = await send(path, headers, CALL, chunked);
    expect(answer.status).toBe(299);
    expect(handedOn).toEqual([{ body: CALL, verdict: undefined }]);
    expect(seen).toEqual([]);
  });

  it('answers a failure of its own with a JSON-RPC error, no internals', async () => {
    admission = async () => {
      throw new Error('database exploded at /secret/path');
    };
    const answer = await send(PATH, jsonHeaders(), CALL);
    expect(answer.status).toBe(500);
    expect(JSON.parse(answer.text)).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32603, message: 'internal error' } });
  });
});
