import { Agent as HttpAgent, type IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/**
 * A `fetch` for the SDK's Streamable HTTP client transport, on node:http with keep-alive
 * agents. Measured on the relay path, undici's fetch and its web streams cost more CPU than
 * the whole rest of a forwarded call; a JSON answer is read into one buffer here, and only
 * event streams become web streams. Anything unusual (non-string bodies) uses global fetch.
 */
const agents = {
  'http:': new HttpAgent({ keepAlive: true, maxSockets: 512 }),
  'https:': new HttpsAgent({ keepAlive: true, maxSockets: 512 }),
};

/** The shared keep-alive agent for `protocol` (`http:` / `https:`); also used by the relay. */
export function agentFor(protocol: string): HttpAgent | undefined {
  return agents[protocol as keyof typeof agents];
}

function headersOf(res: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  return headers;
}

/** A minimal byte stream over the response (cheaper than Readable.toWeb's general adapter). */
function webStream(res: IncomingMessage): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      res.on('data', (chunk: Buffer) => controller.enqueue(chunk));
      res.on('end', () => controller.close());
      res.on('error', (error) => controller.error(error));
    },
    cancel() {
      res.destroy();
    },
  });
}

export function nodeFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  if (input instanceof Request || (init.body != null && typeof init.body !== 'string')) return fetch(input, init);
  const url = new URL(String(input));
  const agent = agentFor(url.protocol);
  if (!agent) return fetch(input, init);
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((value, name) => {
    headers[name] = value;
  });
  const body = init.body as string | undefined;
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  return new Promise<Response>((resolve, reject) => {
    const signal = init.signal ?? undefined;
    if (signal?.aborted) return reject(signal.reason ?? new DOMException('aborted', 'AbortError'));
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { method: init.method ?? 'GET', headers, agent }, (res) => {
      const status = res.statusCode ?? 500;
      const responseHeaders = headersOf(res);
      if (status === 204 || status === 304 || init.method === 'HEAD') {
        res.resume();
        return resolve(new Response(null, { status, headers: responseHeaders }));
      }
      if ((res.headers['content-type'] ?? '').includes('text/event-stream')) {
        return resolve(new Response(webStream(res), { status, headers: responseHeaders }));
      }
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve(new Response(Buffer.concat(chunks), { status, headers: responseHeaders })));
      res.on('error', reject);
    });
    const onAbort = () => req.destroy(signal?.reason instanceof Error ? signal.reason : new DOMException('aborted', 'AbortError'));
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('close', () => signal?.removeEventListener('abort', onAbort));
    // Same shape as fetch's network failure, so the SDK maps it the same way.
    req.on('error', (cause) => reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause })));
    req.end(body);
  });
}
