/**
 * A 2025-era Streamable HTTP session spoken with plain fetch, so a test controls the
 * JSON-RPC ids exactly (the SDK clients pick their own).
 */
const PROTOCOL = '2025-11-25';

export interface RpcResponse {
  jsonrpc: '2.0';
  id: number | string | null;
  // biome-ignore lint/suspicious/noExplicitAny: tests assert on arbitrary result shapes
  result?: any;
  error?: { code: number; message: string; data?: unknown };
}

/** The JSON-RPC response to `id` in a JSON or SSE (`text/event-stream`) body. */
async function responseOf(res: Response, id: number | string): Promise<RpcResponse> {
  const text = await res.text();
  if (!res.headers.get('content-type')?.includes('text/event-stream')) return JSON.parse(text) as RpcResponse;
  for (const event of text.split(/\r?\n\r?\n/)) {
    const data = event
      .split(/\r?\n/)
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).trimStart())
      .join('\n');
    if (!data) continue;
    const message = JSON.parse(data) as RpcResponse & { method?: string };
    if (message.method === undefined && message.id === id) return message;
  }
  throw new Error(`no response to id ${id} in: ${text.slice(0, 500)}`);
}

export class RawSession {
  private constructor(
    private readonly url: string,
    readonly sessionId: string,
  ) {}

  /** `capabilities` as declared at initialize (none by default: such tools/calls take the gateway's fast path). */
  static async open(url: string, clientName: string, capabilities: Record<string, unknown> = {}): Promise<RawSession> {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 0,
        method: 'initialize',
        params: { protocolVersion: PROTOCOL, capabilities, clientInfo: { name: clientName, version: '1.0.0' } },
      }),
      signal: AbortSignal.timeout(60_000),
    });
    const sessionId = res.headers.get('mcp-session-id');
    const init = await responseOf(res, 0);
    if (!sessionId || !init.result) throw new Error(`initialize failed: ${res.status} ${JSON.stringify(init)}`);
    const session = new RawSession(url, sessionId);
    const initialized = await session.post({ jsonrpc: '2.0', method: 'notifications/initialized' });
    await initialized.body?.cancel();
    return session;
  }

  private post(message: unknown): Promise<Response> {
    return fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-session-id': this.sessionId,
        'mcp-protocol-version': PROTOCOL,
      },
      body: JSON.stringify(message),
      signal: AbortSignal.timeout(60_000),
    });
  }

  async request(id: number | string, method: string, params: Record<string, unknown>): Promise<RpcResponse> {
    return responseOf(await this.post({ jsonrpc: '2.0', id, method, params }), id);
  }

  /** The raw HTTP response to one request, for tests about how the answer is framed. */
  send(id: number | string, method: string, params: Record<string, unknown>): Promise<Response> {
    return this.post({ jsonrpc: '2.0', id, method, params });
  }

  async close(): Promise<void> {
    const res = await fetch(this.url, {
      method: 'DELETE',
      headers: { 'mcp-session-id': this.sessionId, 'mcp-protocol-version': PROTOCOL },
      signal: AbortSignal.timeout(10_000),
    });
    await res.body?.cancel();
  }
}
