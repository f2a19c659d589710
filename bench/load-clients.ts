/**
 * The load generator's two clients (see load.ts): `lean`, raw JSON-RPC over keep-alive
 * node:http, exactly the bytes a conforming client sends; and `sdk`, the official v2
 * Client, to cross-check protocol behaviour. Each opens one session and calls the echo tool.
 */
import { type Agent, request } from 'node:http';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { LoadOptions } from './load.ts';

export interface Session {
  call(text: string): Promise<void>;
  close(): Promise<void>;
  /** A lean 2025-era session's request headers (with `Mcp-Session-Id`): to open its GET stream. */
  headers?: Record<string, string>;
}

const CLIENT_INFO = { name: 'switchboard-bench', version: '1.0.0' };
const LEGACY_VERSION = '2025-11-25';
const MODERN_VERSION = '2026-07-28';

function checkEcho(result: unknown, text: string): void {
  const r = result as { isError?: boolean; content?: Array<{ type: string; text?: string }> } | undefined;
  if (r?.isError || r?.content?.[0]?.text !== text) throw new Error(`unexpected result: ${JSON.stringify(result).slice(0, 200)}`);
}

interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function httpCall(agent: Agent, url: URL, method: string, headers: Record<string, string>, body: string | undefined, timeoutMs: number) {
  return new Promise<HttpReply>((resolve, reject) => {
    const req = request(url, { method, agent, headers }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        data += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data }));
      res.on('error', reject);
    });
    req.on('error', reject);
    // A socket idle timeout rather than AbortSignal.timeout(): measured ~50 µs/call cheaper here.
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.end(body);
  });
}

/** The JSON-RPC response with `id`, whether the server answered with JSON or with an SSE stream. */
function rpcResult(reply: HttpReply, id: number): unknown {
  if (reply.status !== 200) throw new Error(`HTTP ${reply.status}: ${reply.body.slice(0, 200)}`);
  let found: { id?: unknown; result?: unknown; error?: { code: number; message: string } } | undefined;
  if (String(reply.headers['content-type']).startsWith('text/event-stream')) {
    for (const line of reply.body.split('\n')) {
      // Skip other fields and empty `data:` priming events (servers with resumability send one first).
      const data = line.startsWith('data:') ? line.slice(5).trim() : '';
      if (!data) continue;
      const msg = JSON.parse(data);
      if (msg.id === id) {
        found = msg;
        break;
      }
    }
  } else {
    found = JSON.parse(reply.body);
  }
  if (!found) throw new Error('no JSON-RPC response in reply');
  if (found.error) throw new Error(`JSON-RPC ${found.error.code}: ${found.error.message}`);
  return found.result;
}

/** Raw JSON-RPC session: exactly the bytes a conforming client sends, without the SDK's bookkeeping. */
export async function openLeanSession(o: LoadOptions, agent: Agent): Promise<Session> {
  const url = new URL(o.url);
  let nextId = 1;
  const base: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...o.headers };
  const openTimeoutMs = o.openTimeoutMs ?? 60_000;
  const rpc = async (method: string, params: Record<string, unknown>, headers: Record<string, string>, timeoutMs = o.callTimeoutMs) => {
    const id = nextId++;
    const reply = await httpCall(agent, url, 'POST', headers, JSON.stringify({ jsonrpc: '2.0', id, method, params }), timeoutMs);
    return { reply, result: rpcResult(reply, id) };
  };

  if (o.era === 'modern') {
    // 2026-07-28: no session; every request carries the envelope and routing headers.
    const meta = {
      'io.modelcontextprotocol/protocolVersion': MODERN_VERSION,
      'io.modelcontextprotocol/clientInfo': CLIENT_INFO,
      'io.modelcontextprotocol/clientCapabilities': {},
    };
    const headers = (method: string, name?: string) => ({
      ...base,
      'mcp-protocol-version': MODERN_VERSION,
      'mcp-method': method,
      ...(name ? { 'mcp-name': name } : {}),
    });
    await rpc('server/discover', { _meta: meta }, headers('server/discover'), openTimeoutMs);
    const callHeaders = headers('tools/call', o.tool);
    return {
      call: async (text) => checkEcho((await rpc('tools/call', { name: o.tool, arguments: { text }, _meta: meta }, callHeaders)).result, text),
      close: async () => {},
    };
  }

  // Opening may legitimately be slow (supergateway spawns a process per session): own timeout.
  const init = await rpc('initialize', { protocolVersion: LEGACY_VERSION, capabilities: {}, clientInfo: CLIENT_INFO }, base, openTimeoutMs);
  const sessionId = init.reply.headers['mcp-session-id'];
  const version = (init.result as { protocolVersion?: string }).protocolVersion ?? LEGACY_VERSION;
  const headers = { ...base, 'mcp-protocol-version': version, ...(typeof sessionId === 'string' ? { 'mcp-session-id': sessionId } : {}) };
  const ack = await httpCall(agent, url, 'POST', headers, '{"jsonrpc":"2.0","method":"notifications/initialized"}', openTimeoutMs);
  if (ack.status >= 300) throw new Error(`notifications/initialized: HTTP ${ack.status}`);
  return {
    headers,
    call: async (text) => checkEcho((await rpc('tools/call', { name: o.tool, arguments: { text } }, headers)).result, text),
    // DELETE ends the session server-side, so sessions don't pile up across runs.
    close: async () => {
      if (typeof sessionId === 'string') await httpCall(agent, url, 'DELETE', headers, undefined, o.callTimeoutMs);
    },
  };
}

export async function openSdkSession(o: LoadOptions): Promise<Session> {
  const client = new Client(CLIENT_INFO, {
    versionNegotiation: { mode: o.era === 'modern' ? { pin: MODERN_VERSION } : 'legacy' },
  });
  const transport = new StreamableHTTPClientTransport(new URL(o.url), { requestInit: { headers: o.headers ?? {} } });
  await client.connect(transport);
  return {
    call: async (text) => checkEcho(await client.callTool({ name: o.tool, arguments: { text } }, { timeout: o.callTimeoutMs }), text),
    close: async () => {
      if (o.era === 'legacy') await transport.terminateSession().catch(() => {});
      await client.close();
    },
  };
}
