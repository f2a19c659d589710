import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, apiDownload, apiRequest, SESSION_ENDED } from './client.ts';
import { createTokenStore, type TokenStore } from './token-store.ts';

/** A Storage backed by a Map: the unit tests run in Node, which has no sessionStorage. */
function memoryStorage(): Storage {
  const data = new Map<string, string>();
  return {
    get length() {
      return data.size;
    },
    clear: () => data.clear(),
    getItem: (key) => data.get(key) ?? null,
    key: (index) => [...data.keys()][index] ?? null,
    removeItem: (key) => void data.delete(key),
    setItem: (key, value) => void data.set(key, String(value)),
  };
}

function jsonResponse(status: number, body: unknown, statusText = ''): Response {
  return new Response(JSON.stringify(body), {
    status,
    statusText,
    headers: { 'Content-Type': 'application/json' },
  });
}

let storage: Storage;
let store: TokenStore;
let fetchMock: ReturnType<typeof vi.fn<typeof fetch>>;

beforeEach(() => {
  storage = memoryStorage();
  store = createTokenStore(() => storage);
  fetchMock = vi.fn<typeof fetch>();
  vi.stubGlobal('fetch', fetchMock);
});

afterEach(() => {
  vi.unstubAllGlobals();
});

/** The URL and init of the n-th fetch call. */
function call(n = 0): { url: string; init: RequestInit; headers: Headers } {
  const [url, init = {}] = fetchMock.mock.calls[n] ?? [];
  return { url: String(url), init, headers: new Headers(init.headers) };
}

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the request to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('apiRequest', () => {
  it('prefixes /api/v1, sends the bearer token and returns the parsed body', async () => {
    store.signIn('  tok-123  ');
    fetchMock.mockResolvedValue(jsonResponse(200, { items: [{ id: 'a' }], nextCursor: null }));

    const page = await apiRequest('/upstreams', { query: { limit: 50, cursor: undefined, q: null } }, store);

    expect(page).toEqual({ items: [{ id: 'a' }], nextCursor: null });
    expect(call().url).toBe('/api/v1/upstreams?limit=50');
    expect(call().init.method).toBe('GET');
    expect(call().headers.get('authorization')).toBe('Bearer tok-123');
    expect(call().headers.get('accept')).toBe('application/json');
    expect(storage.getItem('switchboard.adminToken')).toBe('tok-123');
  });

  it('sends no Authorization header when signed out or when auth is off', async () => {
    fetchMock.mockImplementation(async () => jsonResponse(200, { status: 'ok' }));
    await apiRequest('/upstreams', {}, store);
    store.signIn('tok');
    await apiRequest('/readyz', { base: '', auth: false }, store);

    expect(call(0).headers.has('authorization')).toBe(false);
    expect(call(1).url).toBe('/readyz');
    expect(call(1).headers.has('authorization')).toBe(false);
  });

  it('serialises a JSON body with its content type', async () => {
    fetchMock.mockResolvedValue(jsonResponse(201, { id: 'new' }));

    const created = await apiRequest('/upstreams', { method: 'POST', body: { name: 'docs' } }, store);

    expect(created).toEqual({ id: 'new' });
    expect(call().init.method).toBe('POST');
    expect(call().init.body).toBe('{"name":"docs"}');
    expect(call().headers.get('content-type')).toBe('application/json');
  });

  it('resolves to undefined for an empty 204 response', async () => {
    fetchMock.mockResolvedValue(new Response(null, { status: 204 }));
    await expect(apiRequest('/upstreams/x', { method: 'DELETE' }, store)).resolves.toBeUndefined();
  });

  it('turns an { error: { code, message } } body into an ApiError', async () => {
    store.signIn('tok');
    fetchMock.mockResolvedValue(jsonResponse(409, { error: { code: 'name_taken', message: 'docs already exists' } }));

    const error = await rejection(apiRequest('/upstreams', { method: 'POST', body: {} }, store));

    expect(error.status).toBe(409);
    expect(error.code).toBe('name_taken');
    expect(error.message).toBe('docs already exists');
    expect(error.name).toBe('ApiError');
    expect(store.getToken()).toBe('tok'); // only a 401 signs out
  });

  it('falls back to http_<status> when the failure body is not an API error', async () => {
    fetchMock.mockResolvedValue(new Response('<html>Bad Gateway</html>', { status: 502, statusText: 'Bad Gateway' }));

    const error = await rejection(apiRequest('/upstreams', {}, store));

    expect(error.status).toBe(502);
    expect(error.code).toBe('http_502');
    expect(error.message).toBe('The gateway answered HTTP 502 Bad Gateway.');
  });

  it('ignores an error object whose fields are not strings', async () => {
    fetchMock.mockResolvedValue(jsonResponse(500, { error: { code: 42 } }));

    const error = await rejection(apiRequest('/upstreams', {}, store));

    expect(error.code).toBe('http_500');
  });

  it('signs out on 401 and tells the user why', async () => {
    store.signIn('expired');
    const listener = vi.fn();
    store.subscribe(listener);
    fetchMock.mockResolvedValue(jsonResponse(401, { error: { code: 'unauthorized', message: 'invalid token' } }));

    const error = await rejection(apiRequest('/upstreams', {}, store));

    expect(error.status).toBe(401);
    expect(error.code).toBe('unauthorized');
    expect(store.getState()).toEqual({ token: null, csrfToken: null, notice: SESSION_ENDED });
    expect(storage.getItem('switchboard.adminToken')).toBeNull();
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('keeps a token that replaced the rejected one while the request was in flight', async () => {
    store.signIn('old');
    let respond: (response: Response) => void = () => {};
    fetchMock.mockReturnValue(
      new Promise((resolve) => {
        respond = resolve;
      }),
    );

    const pending = apiRequest('/upstreams', {}, store);
    store.signIn('new');
    respond(jsonResponse(401, { error: { code: 'unauthorized', message: 'invalid token' } }));
    await rejection(pending);

    expect(store.getToken()).toBe('new');
  });

  it('reports an unreachable gateway as network_error with status 0', async () => {
    fetchMock.mockRejectedValue(new TypeError('fetch failed'));

    const error = await rejection(apiRequest('/upstreams', {}, store));

    expect(error.status).toBe(0);
    expect(error.code).toBe('network_error');
  });

  it('with a cookie session, sends the CSRF token on changes only, and no Authorization', async () => {
    store.adoptSession('csrf-1');
    fetchMock.mockImplementation(async () => jsonResponse(200, {}));
    await apiRequest('/roles', {}, store);
    await apiRequest('/roles', { method: 'POST', body: { name: 'x' } }, store);

    expect(call(0).headers.has('x-csrf-token')).toBe(false);
    expect(call(0).init.credentials).toBe('same-origin');
    expect(call(1).headers.get('x-csrf-token')).toBe('csrf-1');
    expect(call(1).headers.has('authorization')).toBe(false);
  });

  it('ends a cookie session on 401, but not when a public endpoint answers 401', async () => {
    store.adoptSession('csrf-1');
    fetchMock.mockImplementation(async () => jsonResponse(401, { error: { code: 'invalid_credentials', message: 'wrong' } }));
    await rejection(apiRequest('/session', { method: 'POST', auth: false, body: {} }, store));
    expect(store.getState().csrfToken).toBe('csrf-1');

    await rejection(apiRequest('/upstreams', {}, store));
    expect(store.getState()).toEqual({ token: null, csrfToken: null, notice: SESSION_ENDED });
  });

  it('lets a cancellation through unchanged', async () => {
    const controller = new AbortController();
    controller.abort();
    const abort = new DOMException('aborted', 'AbortError');
    fetchMock.mockRejectedValue(abort);

    await expect(apiRequest('/upstreams', { signal: controller.signal }, store)).rejects.toBe(abort);
  });

  it('rejects a successful response that is not JSON', async () => {
    fetchMock.mockResolvedValue(new Response('<!doctype html>', { status: 200 }));

    const error = await rejection(apiRequest('/upstreams', {}, store));

    expect(error.code).toBe('invalid_response');
  });
});

describe('apiDownload', () => {
  it('returns the body as a Blob with the bearer token, and an ApiError on failure', async () => {
    store.signIn('tok');
    fetchMock.mockResolvedValueOnce(new Response('a,b\n1,2\n', { status: 200, headers: { 'Content-Type': 'text/csv' } }));
    const blob = await apiDownload('/audit-events/export', { query: { format: 'csv' } }, store);
    expect(await blob.text()).toBe('a,b\n1,2\n');
    expect(call().url).toBe('/api/v1/audit-events/export?format=csv');
    expect(call().headers.get('authorization')).toBe('Bearer tok');

    fetchMock.mockResolvedValueOnce(jsonResponse(403, { error: { code: 'forbidden', message: 'no' } }));
    const error = await rejection(apiDownload('/export', {}, store));
    expect(error.code).toBe('forbidden');
  });
});

describe('token store', () => {
  it('restores the token from storage and survives storage that throws', () => {
    storage.setItem('switchboard.adminToken', 'saved');
    expect(createTokenStore(() => storage).getToken()).toBe('saved');

    const broken = createTokenStore(() => {
      throw new Error('SecurityError');
    });
    expect(broken.getToken()).toBeNull();
    broken.signIn('in-memory');
    expect(broken.getToken()).toBe('in-memory');
  });

  it('keeps the same snapshot until something changes', () => {
    const first = store.getState();
    store.signOut();
    expect(store.getState()).toBe(first);
    store.signIn('t');
    expect(store.getState()).not.toBe(first);
    expect(store.getState()).toEqual({ token: 't', csrfToken: null, notice: null });
  });
});
