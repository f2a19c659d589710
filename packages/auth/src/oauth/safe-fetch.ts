import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request } from 'node:https';
import type { LookupFunction } from 'node:net';
import { isPublicAddress } from './public-address.ts';

export interface SafeFetchOptions {
  maxBytes?: number;
  timeoutMs?: number;
  maxRedirects?: number;
  /** Which resolved addresses may be contacted. Tests widen it; production keeps the default. */
  isAllowedAddress?: (address: string) => boolean;
  /** Extra trusted CA (PEM), for tests with a local https server. */
  ca?: string;
}

export class SafeFetchError extends Error {
  override readonly name = 'SafeFetchError';
}

/**
 * Fetches a JSON document from a URL someone else chose (a CIMD client_id), so it cannot be
 * turned against our network: https only; every address the name resolves to must be
 * public, and the connection goes to the address that was checked (no second DNS answer
 * can swap in 127.0.0.1); every redirect hop is checked the same way; body size and total
 * time are capped.
 */
export async function fetchPublicJson(url: string, options: SafeFetchOptions = {}): Promise<unknown> {
  const deadline = AbortSignal.timeout(options.timeoutMs ?? 5000);
  let current = url;
  for (let hop = 0; hop <= (options.maxRedirects ?? 3); hop++) {
    const response = await getOnce(current, options, deadline);
    if (response.location === undefined) return parseJson(response.body, response.contentType);
    current = new URL(response.location, current).toString();
  }
  throw new SafeFetchError('too many redirects');
}

function checkedLookup(isAllowed: (address: string) => boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as LookupAddress[];
      const refused = list.find((a) => !isAllowed(a.address));
      if (refused || list.length === 0) {
        return callback(new SafeFetchError(`${hostname} resolves to a non-public address`), '', 0);
      }
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

interface OutgoingRequest {
  method: string;
  headers: Record<string, string>;
  body?: string;
}

/** One request, no redirect followed: https only, every resolved address checked, the body capped. */
function requestOnce(url: string, outgoing: OutgoingRequest, options: SafeFetchOptions, signal: AbortSignal): Promise<RawResponse> {
  const target = new URL(url);
  if (target.protocol !== 'https:') return Promise.reject(new SafeFetchError('only https URLs can be fetched'));
  if (target.username || target.password) return Promise.reject(new SafeFetchError('URLs with credentials are refused'));
  const isAllowed = options.isAllowedAddress ?? isPublicAddress;
  // An IP literal never goes through DNS lookup, so check it here.
  const literal = target.hostname.replace(/^\[|\]$/g, '');
  if (/^[\d.]+$|:/.test(literal) && !isAllowed(literal)) return Promise.reject(new SafeFetchError(`${literal} is not a public address`));
  const maxBytes = options.maxBytes ?? 10_240;
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      { method: outgoing.method, headers: outgoing.headers, lookup: checkedLookup(isAllowed), signal, ca: options.ca, agent: false },
      (res) => {
        const status = res.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            req.destroy(new SafeFetchError(`the document is larger than ${maxBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => resolve({ status, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', (error) => reject(error instanceof SafeFetchError ? error : new SafeFetchError(describe(error))));
    req.end(outgoing.body);
  });
}

async function getOnce(url: string, options: SafeFetchOptions, signal: AbortSignal): Promise<{ location?: string; body: Buffer; contentType: string }> {
  const response = await requestOnce(url, { method: 'GET', headers: { accept: 'application/json' } }, options, signal);
  const location = response.headers.location;
  if ([301, 302, 303, 307, 308].includes(response.status) && typeof location === 'string') return { location, body: Buffer.alloc(0), contentType: '' };
  if (response.status !== 200) throw new SafeFetchError(`the document answered HTTP ${response.status}`);
  return { body: response.body, contentType: String(response.headers['content-type'] ?? '') };
}

/**
 * The same guard as a `fetch` (for libraries that take one, e.g. openid-client's
 * `customFetch`): one request to a URL someone else chose, https only, every resolved
 * address allowed, the address checked is the one connected to, the body capped. Redirects
 * are not followed (the 3xx is the answer): OAuth clients treat them as errors anyway.
 */
export async function guardedFetch(url: string, init: { method?: string; headers?: ConstructorParameters<typeof Headers>[0]; body?: unknown; signal?: AbortSignal | null }, options: SafeFetchOptions = {}): Promise<Response> {
  const deadline = AbortSignal.timeout(options.timeoutMs ?? 5000);
  const signal = init.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
  const headers = Object.fromEntries(new Headers(init.headers).entries());
  const body = init.body === undefined || init.body === null ? undefined : String(init.body);
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  const raw = await requestOnce(url, { method: init.method ?? 'GET', headers, body }, { maxBytes: 1_048_576, ...options }, signal);
  const answer = new Headers();
  for (const [name, value] of Object.entries(raw.headers)) {
    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) answer.append(name, one);
  }
  const empty = raw.status === 204 || raw.status === 304;
  return new Response(empty ? null : new Uint8Array(raw.body), { status: raw.status, headers: answer });
}

function describe(error: Error): string {
  if (error.name === 'AbortError' || error.name === 'TimeoutError') return 'the document took too long to fetch';
  return `the document could not be fetched (${(error as { code?: string }).code ?? 'network error'})`;
}

function parseJson(body: Buffer, contentType: string): unknown {
  if (!/^application\/([a-z0-9.+-]*\+)?json\b/i.test(contentType)) throw new SafeFetchError('the document is not JSON (content-type)');
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new SafeFetchError('the document is not valid JSON');
  }
}
