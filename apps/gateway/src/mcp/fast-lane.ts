import type { IncomingMessage, ServerResponse } from 'node:http';
import { DEFAULT_MAX_REQUEST_BODY_SIZE } from '@modelcontextprotocol/server';
import type { Logger } from 'pino';
import { logRequest } from '../http/request-log.ts';
import { requestIdFrom } from '../http/response-headers.ts';
import type { Admit, Admitted, HeaderReader } from './admission.ts';
import { plainJsonPost } from './fast-call.ts';
import { readIncoming } from './request-body.ts';

/**
 * The hot MCP POSTs — `tools/call` on an open 2025-era session or from a 2026-07-28
 * client — answered straight from Node's request, before Hono. Measured under the
 * benchmark, Hono's routing, context and middleware chain were about a quarter of the
 * bytes the gateway allocated per relayed call, and the garbage collector a fifth of its
 * CPU. Everything else on the path is the same code the Hono route runs: admission
 * (admission.ts) and the runtime's fast paths.
 *
 * The lane only ever finishes a request a fast path answered. Anything else — a rejected
 * caller, another method, a fallback to the SDK — goes on to Hono untouched but for its
 * body, which the lane has read: it travels as `rawBody` (which @hono/node-server reads
 * in place of the socket), with the lane's admission verdict so nothing is judged twice.
 * A request whose length is unknown or over the MCP limit never enters the lane.
 */

const MCP_POST = /^\/servers\/([0-9a-fA-F-]{36})\/mcp$/;
const REQUEST_ID = 'x-request-id';

const verdicts = new WeakMap<IncomingMessage, Admitted | Response>();

/** The admission the lane already made for a request it handed on. */
export const admittedByLane = (incoming: IncomingMessage): Admitted | Response | undefined => verdicts.get(incoming);

export interface FastLaneOptions {
  admit: Admit;
  logger: Logger;
}

/** Fields Node keeps only the first of in `headers` (the rest it drops); read from the raw list instead. */
const FIRST_ONLY = new Set(['authorization', 'content-type', 'host']);

/**
 * Headers as a web Headers reads them, which is what the Hono route sees: repeated fields
 * joined with ", ", none dropped. (`headersDistinct` would say the same, at an array per field.)
 */
function headerReader(req: IncomingMessage): HeaderReader {
  return (name) => {
    if (!FIRST_ONLY.has(name)) {
      const value = req.headers[name];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    }
    let joined: string | null = null;
    const raw = req.rawHeaders;
    for (let i = 0; i < raw.length; i += 2) {
      if (raw[i]!.length === name.length && raw[i]!.toLowerCase() === name) joined = joined === null ? raw[i + 1]! : `${joined}, ${raw[i + 1]}`;
    }
    return joined;
  };
}

/** A Node request listener in front of `next` (Hono's); see the comment above. */
export function createFastLane({ admit, logger }: FastLaneOptions) {
  return function fastLane(req: IncomingMessage, res: ServerResponse, next: () => void): void {
    const match = req.method === 'POST' ? MCP_POST.exec(req.url ?? '') : null;
    const length = Number(req.headers['content-length']);
    if (!match || !(length >= 0 && length <= DEFAULT_MAX_REQUEST_BODY_SIZE)) {
      next();
      return;
    }
    const header = headerReader(req);
    if (!plainJsonPost(header)) {
      next();
      return;
    }
    serve(req, res, next, match[1]!, header).catch((error: unknown) => {
      logger.error({ err: error }, 'MCP fast lane failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32603, message: 'internal error' } }));
      else res.destroy();
    });
  };

  async function serve(req: IncomingMessage, res: ServerResponse, next: () => void, serverId: string, header: HeaderReader): Promise<void> {
    const started = performance.now();
    let text: string | undefined;
    try {
      text = await readIncoming(req, DEFAULT_MAX_REQUEST_BODY_SIZE);
    } catch {
      // the client went away mid-body: nobody is left to answer
      res.destroy();
      return;
    }
    if (text === undefined) {
      // (unreachable: Node ends the body at its Content-Length, checked above)
      res.writeHead(413, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32000, message: 'Payload Too Large' } }));
      return;
    }
    const body = text;
    // Every answer names its request, as Hono's requestIds does for the answers it writes.
    const requestId = requestIdFrom(header(REQUEST_ID));
    res.setHeader(REQUEST_ID, requestId);
    const handOn = (verdict: Admitted | Response) => {
      // Hono names what it answers itself (and logs it under that id)
      res.removeHeader(REQUEST_ID);
      (req as IncomingMessage & { rawBody?: Buffer }).rawBody = Buffer.from(body, 'utf8');
      verdicts.set(req, verdict);
      next();
    };
    const admitted = await admit(serverId, header, req.url ?? '');
    if (admitted instanceof Response) return handOn(admitted);
    const answered = await admitted.runtime.serveFast({ header, body: async () => body }, admitted.principal, res);
    if (!answered) return handOn(admitted);
    if (logger.isLevelEnabled('info')) logRequest(logger, requestId, 'POST', req.url ?? '', res.statusCode, started, 'fast');
  }
}
