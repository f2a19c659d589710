import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HeaderReader } from './admission.ts';

/** Fields Node keeps only the first of in `headers` (the rest it drops); read from the raw list instead. */
const FIRST_ONLY = new Set(['authorization', 'content-type', 'host']);

/**
 * Headers as a web Headers reads them: repeated fields joined with ", ", none dropped.
 * (`headersDistinct` would say the same, at an array per field.)
 */
export function headerReader(req: IncomingMessage): HeaderReader {
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

/** Framing headers that describe the socket's body, not the text the web Request is given. */
const FRAMING = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'expect']);

/**
 * The web Request the SDK's transports take, built from what the entry already read: the
 * body as text (never read twice), aborted when the client goes away.
 */
export function webRequest(req: IncomingMessage, res: ServerResponse, header: HeaderReader, body: string | undefined): Request {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) if (!FRAMING.has(raw[i]!.toLowerCase())) headers.append(raw[i]!, raw[i + 1]!);
  const aborted = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) aborted.abort();
  });
  const url = `http://${header('host') ?? 'localhost'}${req.url ?? '/'}`;
  return new Request(url, { method: req.method, headers, body, signal: aborted.signal });
}

/**
 * Writes a web Response (an SDK transport's answer, maybe a long-lived event stream) to
 * the Node response: its headers and those every answer carries at once, then each chunk as it comes, respecting backpressure;
 * the stream is cancelled when the client goes away.
 */
export async function sendResponse(res: ServerResponse, response: Response, answerHeaders: string[]): Promise<void> {
  const headers = [...answerHeaders];
  for (const [name, value] of response.headers) headers.push(name, value);
  res.writeHead(response.status, headers);
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  const gone = () => void reader.cancel().catch(() => {});
  res.once('close', gone);
  // an event stream's headers go now: the client waits for them before the first event
  if (response.headers.get('content-type')?.startsWith('text/event-stream')) res.flushHeaders();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
      if (res.destroyed) break;
    }
    res.end();
  } catch {
    res.destroy();
  } finally {
    res.off('close', gone);
  }
}
