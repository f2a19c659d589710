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

export const SESSION_ENDED = 'Your session ended: the gateway did not accept the API token. Sign in again.';

function buildUrl(base: string, path: string, query: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null) params.set(key, String(value));
  }
  const search = params.toString();
  return `${base}${path}${search ? `?${search}` : ''}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function errorFromBody(status: number, statusText: string, body: unknown): ApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  if (error && typeof error.code === 'string' && typeof error.message === 'string') {
    return new ApiError(status, error.code, error.message);
  }
  const reason = statusText ? ` ${statusText}` : '';
  return new ApiError(status, `http_${status}`, `The gateway answered HTTP ${status}${reason}.`);
}

/** The one way the console talks to the gateway. Resolves to the parsed JSON body. */
export async function apiRequest<T>(
  path: string,
  options: RequestOptions = {},
  store: TokenStore = tokenStore,
): Promise<T> {
  const { method = 'GET', body, query, signal, base = API_BASE, auth = true } = options;
  const headers = new Headers({ Accept: 'application/json' });
  const token = auth ? store.getToken() : null;
  if (token) headers.set('Authorization', `Bearer ${token}`);
  if (body !== undefined) headers.set('Content-Type', 'application/json');

  let response: Response;
  try {
    response = await fetch(buildUrl(base, path, query), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (cause) {
    if (signal?.aborted) throw cause; // cancelled by the caller (e.g. TanStack Query)
    throw new ApiError(0, 'network_error', 'Cannot reach the gateway. Is it running?');
  }

  const text = await response.text();
  const parsed = text ? parseJson(text) : undefined;
  if (!response.ok) {
    const error = errorFromBody(response.status, response.statusText, parsed);
    // Only if the rejected token is still the current one (not replaced meanwhile).
    if (response.status === 401 && token && store.getToken() === token) store.signOut(SESSION_ENDED);
    throw error;
  }
  if (text && parsed === undefined) {
    throw new ApiError(response.status, 'invalid_response', 'The gateway sent a response that is not JSON.');
  }
  return parsed as T;
}
