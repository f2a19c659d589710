import type { TrustedProxies } from '../http/trusted-proxies.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Tracer } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { clientAddress } from '../http/client-address.ts';
import { logRequest } from '../http/request-log.ts';
import { answerHeaderList, REQUEST_ID_HEADER, requestIdFrom } from '../http/response-headers.ts';
import type { Admit, Admitted, HeaderReader } from './admission.ts';
import { rpcErrorResponse } from './errors.ts';
import { plainJsonPost } from './lean/reply.ts';
import type { McpPost } from './mcp-post.ts';
import { headerReader, sendResponse, webRequest } from './node-http.ts';
import { readIncoming } from './request-body.ts';
import { McpRequestSpan } from '../tracing/request-span.ts';
import type { Served } from './virtual-server-runtime.ts';

/** `/servers/{id}/mcp` (Streamable HTTP), `/sse` and `/messages` (HTTP+SSE, 2024-11-05). */
const ENDPOINT = /^\/servers\/([^/?#]+)\/(mcp|sse|messages)(?:\?|$)/;

export interface McpEntryOptions {
  admit: Admit;
  logger: Logger;
  /** The one body limit of MCP POSTs (bytes). */
  maxBodyBytes: number;
  /** Proxies whose X-Forwarded-For names the client (see http/client-address.ts). */
  trustedProxies: TrustedProxies;
  /** True once graceful shutdown began: new requests are turned away (calls in flight finish). */
  draining: () => boolean;
  /** Set when tracing is on: each request gets a server span (tracing/request-span.ts). */
  tracer?: Tracer;
  /** Named in `X-Switchboard-Replica` on every answer, when set. */
  replicaName?: string;
}

const shuttingDown = () =>
  rpcErrorResponse(503, -32000, 'The gateway is restarting; retry shortly', { 'Retry-After': '1', Connection: 'close' });

const parse = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/**
 * The one entry of every MCP endpoint, in front of Hono: each request is admitted once
 * (Host/Origin, credentials, the virtual server — admission.ts), its body read once under
 * the limit and parsed once, its answer given the headers every answer carries, and one
 * request line logged. Then the runtime serves it on the lean adapter or the SDK's. Any
 * other URL is not ours: the listener returns false and Hono takes it.
 */
export function createMcpEntry({ admit, logger, maxBodyBytes, trustedProxies, draining, tracer, replicaName }: McpEntryOptions) {
  const replicaHeader = replicaName ? ['x-switchboard-replica', replicaName] : [];
  return function mcpEntry(req: IncomingMessage, res: ServerResponse): boolean {
    const match = ENDPOINT.exec(req.url ?? '');
    if (!match) return false;
    const started = performance.now();
    const header = headerReader(req);
    const requestId = requestIdFrom(header(REQUEST_ID_HEADER.toLowerCase()));
    const answerHeaders = replicaName ? [...answerHeaderList(requestId), ...replicaHeader] : answerHeaderList(requestId);
    const span = tracer && new McpRequestSpan(tracer, match[1]!, match[2] as Endpoint, req.method ?? 'GET');
    let failure: unknown;
    serve(req, res, match[1]!, match[2] as Endpoint, header, answerHeaders, span)
      .then((served) => (served === 'answered' ? 'lean' : sendResponse(res, served, answerHeaders).then(() => 'sdk' as const)))
      .catch((error: unknown) => {
        failure = error;
        logger.error({ err: error, requestId }, 'MCP request failed');
        if (!res.headersSent) res.writeHead(500, [...answerHeaders, 'content-type', 'application/json']).end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32603, message: 'internal error' } }));
        else res.destroy();
        return undefined;
      })
      .then((lane) => {
        if (!logger.isLevelEnabled('info')) return span?.end(header, res.statusCode, failure);
        const log = () => logRequest(logger, requestId, req.method ?? '', (req.url ?? '').split('?')[0]!, res.statusCode, started, lane);
        if (!span) return log();
        span.end(header, res.statusCode, failure);
        span.within(log);
      });
    return true;
  };

  type Endpoint = 'mcp' | 'sse' | 'messages';

  async function serve(
    req: IncomingMessage,
    res: ServerResponse,
    serverId: string,
    endpoint: Endpoint,
    header: HeaderReader,
    answerHeaders: string[],
    span: McpRequestSpan | undefined,
  ): Promise<Served> {
    const method = req.method ?? 'GET';
    if (draining()) return shuttingDown();
    const address = clientAddress(req.socket.remoteAddress, header('x-forwarded-for'), trustedProxies);
    const admitted = await admit(serverId, header, req.url ?? '');
    if (admitted instanceof Response) return admitted;
    if (endpoint === 'sse') {
      // not HEAD: that would open a session nobody reads
      if (method !== 'GET') return rpcErrorResponse(405, -32000, 'Method not allowed: open the stream with GET', { Allow: 'GET' });
      return admitted.runtime.openSse(admitted.principal, `/servers/${admitted.id}/messages`, address);
    }
    if (endpoint === 'messages' && method !== 'POST') return rpcErrorResponse(405, -32000, 'Method not allowed: POST messages here', { Allow: 'POST' });
    let text: string | undefined;
    if (method === 'POST') {
      try {
        text = await readIncoming(req, maxBodyBytes);
      } catch {
        res.destroy(); // the client went away mid-body: nobody is left to answer
        return 'answered';
      }
      if (text === undefined) return rpcErrorResponse(413, -32000, `Payload Too Large: the body exceeds ${maxBodyBytes} bytes`);
    }
    const parsed = text === undefined ? undefined : parse(text);
    const post: McpPost = { method, header, text, parsed, plain: method === 'POST' && plainJsonPost(header), clientAddress: address, answerHeaders };
    if (span) post.trace = span.start(header, parsed);
    return dispatch(req, res, admitted, endpoint, post);
  }

  function dispatch(req: IncomingMessage, res: ServerResponse, admitted: Admitted, endpoint: Endpoint, post: McpPost): Served | Promise<Served> {
    if (endpoint === 'messages') return postMessages(req, admitted, post);
    return admitted.runtime.serve(post, admitted.principal, res, () => webRequest(req, res, post.header, post.text));
  }

  async function postMessages(req: IncomingMessage, admitted: Admitted, { header, parsed, trace }: McpPost): Promise<Served> {
    const sessionId = new URL(req.url ?? '', 'http://localhost').searchParams.get('sessionId');
    if (!sessionId) return rpcErrorResponse(400, -32000, 'Bad Request: the sessionId query parameter is required');
    return admitted.runtime.postSse({ contentType: header('content-type'), parsed }, sessionId, admitted.principal, trace);
  }
}
