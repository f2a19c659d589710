/**
 * Real SDK clients in front of the gateway, behind one small interface so a test can run
 * the same scenario with each of them:
 *   v2-modern      `@modelcontextprotocol/client`, versionNegotiation 'auto' → 2026-07-28, stateless
 *   v2-legacy      `@modelcontextprotocol/client`, default 'legacy' → initialize + Mcp-Session-Id
 *   v1-streamable  `@modelcontextprotocol/sdk` 1.x Streamable HTTP → 2025-11-25 session
 *   v1-sse         `@modelcontextprotocol/sdk` 1.x old HTTP+SSE on `/servers/{id}/sse` → 2024-11-05
 * By default a client declares elicitation and answers `elicitation/create` with `answer`;
 * with `elicitation: false` it declares no capabilities at all (like many real clients),
 * which sends its 2025-era `tools/call`s down the gateway's lean adapter (mcp/lean/legacy-call.ts).
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport as V1SseTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport as V1StreamableTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema, ElicitRequestSchema, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import type { E2eGateway } from './gateway.ts';

export const CLIENT_KINDS = ['v2-modern', 'v2-legacy', 'v1-streamable', 'v1-sse'] as const;
export type ClientKind = (typeof CLIENT_KINDS)[number];

export interface Progress {
  progress: number;
  total?: number;
  message?: string;
}

export interface ToolResult {
  content?: Array<{ type: string; text?: string }>;
  isError?: boolean;
  structuredContent?: unknown;
}

export interface CallOptions {
  onprogress?: (progress: Progress) => void;
  /** Client-side request timeout (default 60 s): a hang still fails the test in bounded time. */
  timeoutMs?: number;
  /** Aborting cancels the call (the client sends `notifications/cancelled` or drops the request). */
  signal?: AbortSignal;
}

export interface TestClient {
  kind: ClientKind;
  /** What was negotiated: `modern` (2026-07-28) or a 2025-era version string. */
  protocol: string;
  listToolNames(): Promise<string[]>;
  callTool(name: string, args?: Record<string, unknown>, options?: CallOptions): Promise<ToolResult>;
  onToolListChanged(handler: () => void): void;
  /** Elicitation requests this client has answered. */
  elicitations: Array<{ message: string }>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** Declare the elicitation capability and answer requests (default true). */
  elicitation?: boolean;
  /** The content this client's user "types" into an elicitation form. */
  answer?: { username: string; email: string };
  /** Sees every JSON-RPC message a v2 client POSTs (to check the ids it used). */
  onSend?: (message: { id?: unknown; method?: string }) => void;
  /** Sent as `Authorization: Bearer <token>` on every request (an API key; later an OAuth access token). */
  token?: string;
  /** Every HTTP request of the client goes through this fetch (e.g. to see which replica answered). */
  fetch?: typeof fetch;
}

const info = (kind: string) => ({ name: `e2e-${kind}`, version: '1.0.0' });
const DEFAULT_ANSWER = { username: 'ada', email: 'ada@example.com' };

export async function connectClient(
  kind: ClientKind,
  gw: E2eGateway,
  serverId: string,
  options: ConnectOptions = {},
): Promise<TestClient> {
  const answer = options.answer ?? DEFAULT_ANSWER;
  const elicit = options.elicitation ?? true;
  const elicitations: Array<{ message: string }> = [];
  const auth: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  if (kind === 'v2-modern' || kind === 'v2-legacy') {
    const client = new Client(info(kind), {
      capabilities: elicit ? { elicitation: { form: {} } } : {},
      ...(kind === 'v2-modern' && { versionNegotiation: { mode: 'auto' as const } }),
    });
    if (elicit) {
      client.setRequestHandler('elicitation/create', async (request) => {
        elicitations.push({ message: request.params.message });
        return { action: 'accept', content: { ...answer } };
      });
    }
    const transport = new StreamableHTTPClientTransport(new URL(gw.mcpUrl(serverId)), {
      requestInit: { headers: auth },
      fetch: (url, init) => {
        if (options.onSend && typeof init?.body === 'string') options.onSend(JSON.parse(init.body));
        return (options.fetch ?? fetch)(url, init);
      },
    });
    await client.connect(transport);
    return {
      kind,
      protocol: client.getProtocolEra() === 'modern' ? 'modern' : (client.getNegotiatedProtocolVersion() ?? 'unknown'),
      elicitations,
      async listToolNames() {
        return (await client.listTools()).tools.map((t) => t.name);
      },
      async callTool(name, args = {}, call = {}) {
        return (await client.callTool(
          { name, arguments: args },
          { onprogress: call.onprogress, timeout: call.timeoutMs ?? 60_000, signal: call.signal },
        )) as ToolResult;
      },
      onToolListChanged(handler) {
        client.setNotificationHandler('notifications/tools/list_changed', () => handler());
      },
      async close() {
        if (transport.sessionId) await transport.terminateSession().catch(() => {});
        await client.close();
      },
    };
  }
  const client = new V1Client(info(kind), { capabilities: elicit ? { elicitation: {} } : {} });
  if (elicit) {
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      elicitations.push({ message: request.params.message });
      return { action: 'accept', content: { ...answer } };
    });
  }
  const streamable = kind === 'v1-streamable' ? new V1StreamableTransport(new URL(gw.mcpUrl(serverId)), { requestInit: { headers: auth }, fetch: options.fetch }) : undefined;
  // The SSE stream is opened by an EventSource, which takes headers only through its fetch.
  const sse = () =>
    new V1SseTransport(new URL(gw.sseUrl(serverId)), {
      requestInit: { headers: auth },
      fetch: options.fetch,
      eventSourceInit: { fetch: (url, init) => (options.fetch ?? fetch)(url, { ...init, headers: { ...Object.fromEntries(new Headers(init?.headers)), ...auth } }) },
    });
  await client.connect(streamable ?? sse());
  return {
    kind,
    protocol: streamable?.protocolVersion ?? '2024-11-05',
    elicitations,
    async listToolNames() {
      return (await client.listTools()).tools.map((t) => t.name);
    },
    async callTool(name, args = {}, call = {}) {
      return (await client.callTool({ name, arguments: args }, CallToolResultSchema, {
        onprogress: call.onprogress,
        timeout: call.timeoutMs ?? 60_000,
        signal: call.signal,
      })) as ToolResult;
    },
    onToolListChanged(handler) {
      client.setNotificationHandler(ToolListChangedNotificationSchema, () => handler());
    },
    async close() {
      if (streamable?.sessionId) await streamable.terminateSession().catch(() => {});
      await client.close();
    },
  };
}

/** The text parts of a tool result, joined. */
export const textOf = (result: ToolResult) => (result.content ?? []).map((c) => c.text ?? `[${c.type}]`).join(' ');

/** Rejects when `promise` takes longer than `ms`: every wait in these tests is bounded. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
