import type { IncomingMessage } from 'node:http';
import { DEFAULT_MAX_REQUEST_BODY_SIZE, readRequestBody } from '@modelcontextprotocol/server';
import { rpcErrorResponse } from './errors.ts';

/**
 * A POST body on an MCP endpoint, read the way the SDK's handlers read theirs: at most
 * `limit` bytes (their 4 MiB default), refused with a 413 beyond it, so a path that reads
 * the body itself (the fast paths, the HTTP+SSE transport) never buffers more than they would.
 *
 * @param incoming the Node request behind `request`, when served over a real socket and
 * nothing has read its body yet: read directly. Going through `request.body` makes
 * @hono/node-server build a full web Request and a web stream over the socket, measured at
 * a quarter of the gateway's CPU for a relayed call on the stdio path.
 */
export async function readMcpBody(request: Request, limit = DEFAULT_MAX_REQUEST_BODY_SIZE, incoming?: IncomingMessage): Promise<string | Response> {
  const tooLarge = () => rpcErrorResponse(413, -32000, `Payload Too Large: the body exceeds ${limit} bytes`);
  try {
    if (incoming && !incoming.readableDidRead) {
      const text = await readIncoming(incoming, limit);
      return text ?? tooLarge();
    }
    const body = await readRequestBody(request, limit);
    return body.tooLarge ? tooLarge() : body.text;
  } catch {
    return rpcErrorResponse(400, -32700, 'Parse error: the body could not be read');
  }
}

/** The body as UTF-8 text, or undefined past `limit` bytes (the rest is left for Node to discard). */
export function readIncoming(incoming: IncomingMessage, limit: number): Promise<string | undefined> {
  if (Number(incoming.headers['content-length']) > limit) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (error: Error | undefined, text?: string) => {
      incoming.off('data', onData).off('end', onEnd).off('error', onError).off('aborted', onAborted);
      if (error) reject(error);
      else resolve(text);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) {
        incoming.pause();
        finish(undefined, undefined);
      } else chunks.push(chunk);
    };
    const onEnd = () => finish(undefined, (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8'));
    const onError = (error: Error) => finish(error);
    const onAborted = () => finish(new Error('the client aborted the request'));
    incoming.on('data', onData).on('end', onEnd).on('error', onError).on('aborted', onAborted);
  });
}
