import { type TokenStore, tokenStore } from './token-store.ts';

/** Base path of the admin REST API. */
export const API_BASE = '/api/v1';

/**
 * A failed request. `code` is the API's stable error code (`{ error: { code, message } }`);
 * for failures without such a body it is `http_<status>`, and `network_error` (status 0)
 * when the gateway could not be reached at all.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Sent as JSON. */
  body?: unknown;
  /** Appended as a query string; null and undefined values are left out. */
  query?: Record<string, QueryValue>;
  signal?: AbortSignal;
  /** Prefix for `path`; `''` for gateway endpoints outside the API such as `/readyz`. */
  base?: string;
  /** Send the admin token (default true). A 401 on an authenticated request signs out. */
  auth?: boolean;
}

export const SESSION_ENDED = 'Your session ended: the gateway no longer accepts this sign-in. Sign in again.';

export function buildUrl(base: string, path: string, query: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null) params.set(key, String(value));
  }
  const search = params.toString();
  return `${base}${path}${search ? `?${search}` : ''}`;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function errorFromBody(status: number, statusText: string, body: unknown): ApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  if (error && typeof error.code === 'string' && typeof error.message === 'string') {
    return new ApiError(status, error.code, error.message);
  }
  const reason = statusText ? ` ${statusText}` : '';
  return new ApiError(status, `http_${status}`, `The gateway answered HTTP ${status}${reason}.`);
}

/** The credential every request carries: the admin token, or for changes the session's CSRF token. */
export function credentialHeaders(method: string, auth = true, store: TokenStore = tokenStore): Headers {
  const headers = new Headers();
  const { token, csrfToken } = store.getState();
  if (auth && token) headers.set('Authorization', `Bearer ${token}`);
  // The session cookie goes along by itself (same origin); changes also need its CSRF token.
  if (!token && csrfToken && method !== 'GET') headers.set('X-CSRF-Token', csrfToken);
  return headers;
}

/** The one way the console talks to the gateway. Resolves to the parsed JSON body. */
export async function apiRequest<T>(
  path: string,
  options: RequestOptions = {},
  store: TokenStore = tokenStore,
): Promise<T> {
  const { method = 'GET', body, query, signal, base = API_BASE, auth = true } = options;
  const headers = credentialHeaders(method, auth, store);
  headers.set('Accept', 'application/json');
  const { token, csrfToken } = store.getState();
  if (body !== undefined) headers.set('Content-Type', 'application/json');

  let response: Response;
  try {
    response = await fetch(buildUrl(base, path, query), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
      credentials: 'same-origin',
    });
  } catch (cause) {
    if (signal?.aborted) throw cause; // cancelled by the caller (e.g. TanStack Query)
    throw new ApiError(0, 'network_error', 'Cannot reach the gateway. Is it running?');
  }

  const text = await response.text();
  const parsed = text ? parseJson(text) : undefined;
  if (!response.ok) {
    const error = errorFromBody(response.status, response.statusText, parsed);
    // Only if the rejected credential is still the current one (not replaced meanwhile).
    const current = store.getState();
    const sameCredential = token ? current.token === token : csrfToken !== null && current.csrfToken === csrfToken;
    if (response.status === 401 && auth && sameCredential) store.signOut(SESSION_ENDED);
    throw error;
  }
  if (text && parsed === undefined) {
    throw new ApiError(response.status, 'invalid_response', 'The gateway sent a response that is not JSON.');
  }
  return parsed as T;
}

/**
 * A file from the API (an export): the body as a Blob, with the same credentials and
 * error handling as `apiRequest`. The caller saves it (see `saveBlob`).
 */
export async function apiDownload(
  path: string,
  options: Pick<RequestOptions, 'query' | 'signal'> = {},
  store: TokenStore = tokenStore,
): Promise<Blob> {
  const { token } = store.getState();
  const headers = new Headers();
  if (token) headers.set('Authorization', `Bearer ${token}`);
  let response: Response;
  try {
    response = await fetch(buildUrl(API_BASE, path, options.query), { headers, signal: options.signal, credentials: 'same-origin' });
  } catch (cause) {
    if (options.signal?.aborted) throw cause;
    throw new ApiError(0, 'network_error', 'Cannot reach the gateway. Is it running?');
  }
  if (!response.ok) {
    const text = await response.text();
    throw errorFromBody(response.status, response.statusText, text ? parseJson(text) : undefined);
  }
  return response.blob();
}

/** Offers a Blob to the user as a downloaded file. */
export function saveBlob(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
