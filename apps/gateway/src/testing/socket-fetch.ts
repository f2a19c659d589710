import { request } from 'node:http';
import { Readable } from 'node:stream';

/**
 * `fetch` to a gateway listening on `origin`, over a real socket, that sends the Host
 * header the URL names (undici's fetch always sends the socket's address): tests address
 * the gateway by its public URL (`https://gw.example.com/…`), as clients behind a proxy do.
 */
export function socketFetch(origin: string) {
  const base = new URL(origin);
  return async (url: string, init: RequestInit = {}): Promise<Response> => {
    const target = new URL(url, 'http://localhost');
    const headers = new Headers(init.headers);
    if (!headers.has('host')) headers.set('host', target.host);
    const body = init.body === undefined || init.body === null ? undefined : Buffer.from(await new Response(init.body).arrayBuffer());
    if (body && !headers.has('content-length')) headers.set('content-length', String(body.length));
    return new Promise((resolve, reject) => {
      const outgoing = request(
        {
          host: base.hostname,
          port: base.port,
          method: init.method ?? 'GET',
          path: `${target.pathname}${target.search}`,
          headers: Object.fromEntries(headers),
          signal: init.signal ?? undefined,
          // a connection per request: a kept-alive socket the server closed after an early
          // answer (413 before the body was read) would fail the next test's request
          agent: false,
        },
        (incoming) => {
          const responseHeaders = new Headers();
          for (let i = 0; i < incoming.rawHeaders.length; i += 2) responseHeaders.append(incoming.rawHeaders[i]!, incoming.rawHeaders[i + 1]!);
          const status = incoming.statusCode ?? 500;
          const empty = status === 204 || status === 304 || init.method === 'HEAD';
          resolve(new Response(empty ? null : (Readable.toWeb(incoming) as ReadableStream), { status, headers: responseHeaders }));
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  };
}
