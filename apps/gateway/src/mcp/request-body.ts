import { DEFAULT_MAX_REQUEST_BODY_SIZE, readRequestBody } from '@modelcontextprotocol/server';
import { rpcErrorResponse } from './errors.ts';

/**
 * A POST body on an MCP endpoint, read the way the SDK's handlers read theirs: at most
 * `limit` bytes (their 4 MiB default), refused with a 413 beyond it, so a path that reads
 * the body itself (the fast paths, the HTTP+SSE transport) never buffers more than they would.
 */
export async function readMcpBody(request: Request, limit = DEFAULT_MAX_REQUEST_BODY_SIZE): Promise<string | Response> {
  try {
    const body = await readRequestBody(request, limit);
    return body.tooLarge ? rpcErrorResponse(413, -32000, `Payload Too Large: the body exceeds ${limit} bytes`) : body.text;
  } catch {
    return rpcErrorResponse(400, -32700, 'Parse error: the body could not be read');
  }
}
