/**
 * `/metrics` around real calls: a real gateway (PGlite), our fixture server and the
 * misbehaving one over stdio, MCP requests over the socket (a 2025-era session: the lean
 * adapter for tools/call, the SDK's for resources and prompts; and a 2026-07-28 stateless
 * call), scraped before and after; the exposition parsed by parse-prometheus-text-format.
 */
import { mcpKeyFor } from '../testing/mcp-keys.ts';
import { fixtureStdio, misbehaving } from '@switchboard/core/upstream/test-upstreams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Exposition, parseExposition } from '../testing/scrape.ts';
import { createTestGateway, json, type TestGateway } from '../testing/test-gateway.ts';

const SERVER_ID = '7c0e9a41-3b2d-4f5e-9a8b-1c2d3e4f5a6b';
const URL_PATH = `/servers/${SERVER_ID}/mcp`;
const fx = fixtureStdio();
const bad = misbehaving();
const DOCUMENT = {
  mcpServers: {
    fx: { command: fx.command, args: fx.args, cwd: fx.cwd },
    bad: { command: bad.command, args: bad.args, cwd: bad.cwd, timeoutMs: 500 },
  },
  virtualServers: { dev: { id: SERVER_ID, upstreams: ['fx', 'bad'], auth: 'api-key', defaultAccess: 'allow' } },
  users: { 'm@example.com': { denied_tools: ['fx:test_image_content'] } },
};
const JSON_AND_SSE = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

async function scrape(gw: TestGateway, init: RequestInit = {}): Promise<Exposition> {
  const res = await gw.fetch('/metrics', init);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parseExposition(await res.text());
}

/** A 2025-era session: JSON-RPC requests over POSTs carrying its Mcp-Session-Id. */
async function openSession(gw: TestGateway, key: string) {
  const headers = { ...JSON_AND_SSE, authorization: `Bearer ${key}` };
  const init = await gw.fetch(URL_PATH, {
    method: 'POST',
    headers,
    body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'm', version: '1' } } }),
  });
  const session = init.headers.get('mcp-session-id')!;
  await init.text();
  const sessionHeaders = { ...headers, 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' };
  await (await gw.fetch(URL_PATH, { method: 'POST', headers: sessionHeaders, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) })).text();
  let id = 1;
  return async (method: string, params: Record<string, unknown>) => {
    const res = await gw.fetch(URL_PATH, { method: 'POST', headers: sessionHeaders, body: JSON.stringify({ jsonrpc: '2.0', id: id++, method, params }) });
    const text = await res.text();
    expect(res.status).toBe(200);
    return text;
  };
}

/** Connects every upstream (they connect on first use), so the calls below are routed. */
async function upstreamsConnected(gw: TestGateway) {
  const { items } = await json(gw.api('GET', '/api/v1/upstreams'));
  for (const { id } of items as Array<{ id: string }>) {
    const res = await gw.api('POST', `/api/v1/upstreams/${id}/refresh`);
    expect(res.status, await res.text()).toBe(200);
  }
}

/** One 2026-07-28 stateless tools/call. */
async function modernCall(gw: TestGateway, key: string, name: string) {
  const _meta = {
    'io.modelcontextprotocol/protocolVersion': '2026-07-28',
    'io.modelcontextprotocol/clientInfo': { name: 'm', version: '1' },
    'io.modelcontextprotocol/clientCapabilities': {},
  };
  const headers = { ...JSON_AND_SSE, authorization: `Bearer ${key}`, 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': name };
  const res = await gw.fetch(URL_PATH, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: {}, _meta } }) });
  expect(res.status).toBe(200);
  return res.text();
}

describe('metrics around real calls', () => {
  let gw: TestGateway;
  let key: string;
  beforeAll(async () => {
    gw = await createTestGateway('pglite');
    const imported = await gw.api('POST', '/api/v1/import', DOCUMENT);
    if (imported.status !== 200) throw new Error(`import failed: ${await imported.text()}`);
    const [user] = (await json(gw.api('GET', '/api/v1/users'))).items;
    key = (await mcpKeyFor(gw, user.email, { name: 'm' })).token;
  });
  afterAll(async () => {
    await gw?.close();
  });

  it('counts each call by tool and outcome, times it, and reads the live state at scrape time', async () => {
    await upstreamsConnected(gw);
    const call = await openSession(gw, key);
    const vs = SERVER_ID;
    const before = await scrape(gw);

    const tool = (name: string) => call('tools/call', { name, arguments: {} });
    await tool('fx__test_simple_text');
    await tool('fx__test_simple_text');
    await modernCall(gw, key, 'fx__test_simple_text');
    await tool('fx__test_error_handling');
    await tool('fx__test_image_content'); // hidden from this user by policy
    await modernCall(gw, key, 'fx__test_image_content');
    await tool('fx__no_such_tool');
    await tool('bad__hang'); // answers nothing: the upstream's 500 ms timeout
    expect(await call('resources/read', { uri: 'test://static-text' })).toContain('"result"');
    expect(await call('prompts/get', { name: 'fx__test_simple_prompt' })).toContain('"result"');
    await gw.audit.flush();
    const after = await scrape(gw);

    const moved = (name: string, labels: Record<string, string>) => after.value(name, labels) - before.value(name, labels);
    const calls = (upstream: string, t: string, outcome: string) => moved('switchboard_tool_calls_total', { virtual_server: vs, upstream, tool: t, outcome });
    expect(calls('fx', 'fx__test_simple_text', 'ok')).toBe(3);
    expect(calls('fx', 'fx__test_error_handling', 'tool_error')).toBe(1);
    expect(calls('fx', 'fx__test_image_content', 'denied')).toBe(2);
    expect(calls('bad', 'bad__hang', 'timeout')).toBe(1);
    // a name that routes nowhere is counted under one placeholder, never under the client's string
    expect(calls('_none', '_unknown', 'denied')).toBe(1);
    expect(after.value('switchboard_tool_calls_total', { tool: 'fx__no_such_tool' })).toBe(0);
    expect(moved('switchboard_tool_calls_total', {})).toBe(8);

    const duration = (t: string, suffix: string, extra: Record<string, string> = {}) =>
      moved(`switchboard_tool_call_duration_seconds_${suffix}`, { virtual_server: vs, tool: t, ...extra });
    expect(duration('fx__test_simple_text', 'count')).toBe(3);
    expect(duration('fx__test_simple_text', 'bucket', { le: '+Inf' })).toBe(3);
    expect(duration('bad__hang', 'count')).toBe(1);
    // the hang took the upstream's timeout: not in the 0.25 s bucket, in the 1 s one
    expect(duration('bad__hang', 'bucket', { le: '0.25' })).toBe(0);
    expect(duration('bad__hang', 'bucket', { le: '1' })).toBe(1);
    expect(moved('switchboard_tool_call_duration_seconds_sum', { tool: 'bad__hang' })).toBeGreaterThanOrEqual(0.5);

    const items = (kind: string) => moved('switchboard_resource_prompt_requests_total', { virtual_server: vs, upstream: 'fx', kind, outcome: 'ok' });
    expect(items('resource')).toBe(1);
    expect(items('prompt')).toBe(1);
    expect(moved('switchboard_resource_prompt_request_duration_seconds_count', { kind: 'resource' })).toBe(1);
    // refusals are counted, not timed: the upstream's latency is that of what it was asked
    // (3 ok + 1 tool error + a resource + a prompt on fx)
    expect(duration('fx__test_image_content', 'count')).toBe(0);
    expect(moved('switchboard_tool_call_duration_seconds_count', { upstream: 'fx' }) + moved('switchboard_resource_prompt_request_duration_seconds_count', { upstream: 'fx' })).toBe(6);
    expect(moved('switchboard_policy_denials_total', { virtual_server: vs, kind: 'tool' })).toBe(2);

    // state, read at scrape time
    expect(after.value('switchboard_upstream_state', { upstream: 'fx', state: 'connected' })).toBe(1);
    expect(after.value('switchboard_upstream_state', { upstream: 'fx', state: 'failing' })).toBe(0);
    expect(after.value('switchboard_upstream_in_flight_calls', { upstream: 'fx' })).toBe(0);
    expect(after.value('switchboard_sessions_open', { era: '2025', transport: 'streamable-http' })).toBe(1);
    expect(after.value('switchboard_sessions_open', { era: '2025', transport: 'sse' })).toBe(0);
    // every call is one audit event, written by the flush above
    expect(moved('switchboard_audit_events_written_total', {})).toBe(10);
    expect(after.value('switchboard_audit_queue_depth')).toBe(0);
    expect(after.value('switchboard_audit_events_dropped_total')).toBe(0);
    expect(moved('switchboard_db_audit_insert_duration_seconds_count', {})).toBeGreaterThanOrEqual(1);
    expect(after.value('switchboard_db_up', { kind: 'pglite' })).toBe(1);
    expect(after.families.get('switchboard_db_ping_seconds')?.type).toBe('GAUGE');
    // Node's own (collectDefaultMetrics), in the gateway's registry
    expect(after.families.get('process_cpu_user_seconds_total')?.type).toBe('COUNTER');
    expect(after.families.get('nodejs_eventloop_lag_seconds')?.type).toBe('GAUGE');
    for (const [name, type] of [
      ['switchboard_tool_calls_total', 'COUNTER'],
      ['switchboard_tool_call_duration_seconds', 'HISTOGRAM'],
      ['switchboard_upstream_restarts_total', 'COUNTER'],
      ['switchboard_rate_limited_total', 'COUNTER'],
      ['switchboard_oauth_events_total', 'COUNTER'],
    ] as const) {
      expect(after.families.get(name)?.type, name).toBe(type);
    }

    // the dashboard's figures come from the same numbers
    const stats = await json(gw.api('GET', '/api/v1/stats/calls'));
    const row = (t: string) => stats.tools.find((r: { tool: string }) => r.tool === t);
    expect(row('fx__test_simple_text')).toMatchObject({ virtualServerId: vs, upstream: 'fx', calls: 3, errors: 0, denied: 0, errorRate: 0 });
    expect(row('fx__test_error_handling')).toMatchObject({ calls: 1, errors: 1, errorRate: 1 });
    expect(row('fx__test_image_content')).toMatchObject({ calls: 2, denied: 2, errors: 0 });
    expect(row('bad__hang').latencyMs.p50).toBeGreaterThanOrEqual(500);
    expect(row('bad__hang').latencyMs.p50).toBeLessThanOrEqual(1000);
    expect(stats.tools.some((r: { tool: string }) => r.tool === '_unknown')).toBe(false);
    const fxRow = stats.upstreams.find((r: { upstream: string }) => r.upstream === 'fx');
    // tools (3 ok, 1 tool error, 2 denied) + a resource + a prompt, since the gateway started (tools/list is not a call)
    expect(fxRow).toMatchObject({ calls: 8, errors: 1, denied: 2, errorRate: 1 / 8 });
    for (const q of ['p50', 'p95', 'p99']) expect(fxRow.latencyMs[q]).toBeGreaterThan(0);
  });

  it('answers OpenMetrics when the Accept header prefers it', async () => {
    const res = await gw.fetch('/metrics', {
      headers: { accept: 'application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.3,*/*;q=0.2' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    const text = await res.text();
    expect(text.endsWith('# EOF\n')).toBe(true);
    const parsed = parseExposition(text);
    // OpenMetrics names the counter family without `_total`; its samples keep it
    expect(parsed.families.get('switchboard_tool_calls')?.type).toBe('COUNTER');
    expect(parsed.value('switchboard_tool_calls_total', { tool: 'fx__test_simple_text', outcome: 'ok' })).toBeGreaterThanOrEqual(3);
    // a client that asks for anything gets the Prometheus text format, its counters still named `…_total`
    const plain = await gw.fetch('/metrics', { headers: { accept: '*/*' } });
    expect(plain.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(parseExposition(await plain.text()).families.get('switchboard_tool_calls_total')?.type).toBe('COUNTER');
  });

  it('counts authorization-server events', async () => {
    const before = await scrape(gw);
    const registered = await gw.fetch('/oauth/register', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_name: 'm', redirect_uris: ['http://127.0.0.1:9/cb'], token_endpoint_auth_method: 'none' }),
    });
    expect(registered.status).toBe(201);
    const { client_id } = await json(registered);
    const refused = await gw.fetch('/oauth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id, code: 'nope', code_verifier: 'x'.repeat(43), redirect_uri: 'http://127.0.0.1:9/cb' }),
    });
    expect(refused.status).toBe(400);
    await refused.text();
    const after = await scrape(gw);
    const moved = (event: string) => after.value('switchboard_oauth_events_total', { event }) - before.value('switchboard_oauth_events_total', { event });
    expect(moved('client_registered')).toBe(1);
    expect(moved('token_failed')).toBe(1);
    expect(moved('token_issued')).toBe(0);
  });
});

describe('metrics configuration', () => {
  const TOKEN = 'metrics-scrape-token-0123456789';
  let guarded: TestGateway;
  let off: TestGateway;
  beforeAll(async () => {
    [guarded, off] = await Promise.all([
      createTestGateway('pglite', { SWITCHBOARD_METRICS_PORT: '0', SWITCHBOARD_METRICS_TOKEN: TOKEN }),
      createTestGateway('pglite', { SWITCHBOARD_METRICS: 'off' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([guarded?.close(), off?.close()]);
  });

  it('serves a separate port behind a bearer token, and not the main port', async () => {
    const url = `${guarded.metricsUrl}/metrics`;
    expect(guarded.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(guarded.metricsUrl).not.toBe(guarded.url);
    const anonymous = await fetch(url);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    await anonymous.text();
    const wrong = await fetch(url, { headers: { authorization: `Bearer ${TOKEN.slice(0, -1)}x` } });
    expect(wrong.status).toBe(401);
    await wrong.text();
    const ok = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    const parsed = parseExposition(await ok.text());
    expect(parsed.families.get('switchboard_tool_calls_total')?.type).toBe('COUNTER');
    const elsewhere = await fetch(`${guarded.metricsUrl}/api/v1/upstreams`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(elsewhere.status).toBe(404);
    await elsewhere.text();
    // the main port answers a plain 404, not the console's page
    const main = await guarded.fetch('/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(main.status).toBe(404);
    expect(main.headers.get('content-type')).toMatch(/^application\/json/);
    expect((await json(main)).error.code).toBe('not_found');
  });

  it('off: no /metrics and no call statistics', async () => {
    const res = await off.fetch('/metrics');
    expect(res.status).toBe(404);
    expect((await json(res)).error.message).toMatch(/SWITCHBOARD_METRICS=off/);
    const stats = await off.api('GET', '/api/v1/stats/calls');
    expect(stats.status).toBe(404);
    expect((await json(stats)).error.code).toBe('metrics_disabled');
  });
});
