import { API_BASE, ApiError, buildUrl, credentialHeaders, errorFromBody, parseJson } from './client.ts';

/**
 * POSTs JSON and reads the answer as server-sent events (`event:` / `data:` blocks), each
 * handed to `onEvent` as it arrives. Aborting `signal` closes the request (the gateway
 * takes that as a cancellation). Errors before the stream starts are the API's errors.
 */
export async function postEventStream(path: string, body: unknown, onEvent: (event: string, data: unknown) => void, signal?: AbortSignal): Promise<void> {
  const headers = credentialHeaders('POST');
  headers.set('Accept', 'text/event-stream');
  headers.set('Content-Type', 'application/json');
  let response: Response;
  try {
    response = await fetch(buildUrl(API_BASE, path, undefined), { method: 'POST', headers, body: JSON.stringify(body), signal, credentials: 'same-origin' });
  } catch (cause) {
    if (signal?.aborted) throw cause;
    throw new ApiError(0, 'network_error', 'Cannot reach the gateway. Is it running?');
  }
  if (!response.ok || !response.body) {
    const text = await response.text();
    throw errorFromBody(response.status, response.statusText, text ? parseJson(text) : undefined);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    const blocks = buffer.split(/\r?\n\r?\n/);
    buffer = blocks.pop() ?? '';
    for (const block of blocks) {
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      if (data.length) onEvent(event, parseJson(data.join('\n')));
    }
  }
}
