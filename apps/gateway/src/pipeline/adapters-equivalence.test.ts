/**
 * The lean adapter and the SDK's give the same answers, errors and audit records for the
 * same calls, in each protocol era: two gateways on one configuration, one with the lean
 * adapter (the default) and one serving everything through the SDK (SWITCHBOARD_LEAN_MCP
 * =off), called over real sockets with the same requests.
 */
import { fixtureStdio, misbehaving } from '@switchboard/core/upstream/test-upstreams';
import { auditEvents } from '@switchboard/db/schema';
import { asc } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../services/api-tokens.ts';
import { createTestGateway, json, type TestGateway } from '../testing/test-gateway.ts';

const SERVER_ID = '5d1f0c7e-2a9b-4c3d-8e6f-7a8b9c0d1e2f';
const URL_PATH = `/servers/${SERVER_ID}/mcp`;
const fx = fixtureStdio();
const bad = misbehaving();
const DOCUMENT = {
  mcpServers: {
    fx: { command: fx.command, args: fx.args, cwd: fx.cwd },
    bad: { command: bad.command, args: bad.args, cwd: bad.cwd, timeoutMs: 500 },
  },
  virtualServers: { dev: { id: SERVER_ID, upstreams: ['fx', 'bad'], auth: 'api-key', auditPayloads: true } },
  users: { 'eq@example.com': { allowed_tools: ['fx:*', 'bad:*'], denied_tools: ['fx:test_image_content'] } },
};

/** The calls, in order (the last one crashes its upstream). */
const CASES: Array<[string, string, Record<string, unknown>]> = [
  ['ok', 'fx__test_simple_text', {}],
  ['structured', 'fx__test_structured_output', { a: 2, b: 3 }],
  ['tool error', 'fx__test_error_handling', {}],
  ['unknown tool', 'fx__no_such_tool', {}],
  ['denied', 'fx__test_image_content', {}],
  ['timeout', 'bad__hang', {}],
  ['upstream down', 'bad__crash', {}],
];

interface Side {
  gw: TestGateway;
  key: string;
}

async function side(lean: 'on' | 'off'): Promise<Side> {
  const gw = await createTestGateway('pglite', { SWITCHBOARD_LEAN_MCP: lean });
  const imported = await gw.api('POST', '/api/v1/import', DOCUMENT);
  if (imported.status !== 200) throw new Error(`import failed: ${await imported.text()}`);
  const [user] = (await json(gw.api('GET', '/api/v1/users'))).items;
  const { token } = await createApiToken(gw.ctx, { name: 'eq', scopes: ['mcp'], userId: user.id });
  await gw.registry.configChanged();
  return { gw, key: token };
}

const JSON_AND_SSE = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

/** The JSON-RPC response a POST got, from a JSON body or the event stream's last message. */
async function answer(res: Response): Promise<{ status: number; framing: string; message: Record<string, unknown> }> {
  const type = res.headers.get('content-type') ?? '';
  const text = await res.text();
  const framing = type.split(';')[0]!;
  if (framing === 'text/event-stream') {
    // (an event with empty data primes a resumable stream: it carries an id, no message)
    const data = text
      .split('\n')
      .filter((l) => l.startsWith('data: ') && l.length > 6)
      .map((l) => JSON.parse(l.slice(6)));
    return { status: res.status, framing, message: data.findLast((m) => 'id' in m && ('result' in m || 'error' in m)) };
  }
  return { status: res.status, framing, message: JSON.parse(text) };
}

/** A 2025-era session's tools/call (after initialize). */
async function legacyCaller({ gw, key }: Side) {
  const headers = { ...JSON_AND_SSE, authorization: `Bearer ${key}` };
  const init = await gw.fetch(URL_PATH, {
    method: 'POST',
    headers,
    body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'eq', version: '1' } } }),
  });
  const session = init.headers.get('mcp-session-id')!;
  await init.text();
  const sessionHeaders = { ...headers, 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' };
  await (await gw.fetch(URL_PATH, { method: 'POST', headers: sessionHeaders, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) })).text();
  return async (id: number, name: string, args: Record<string, unknown>) =>
    answer(await gw.fetch(URL_PATH, { method: 'POST', headers: sessionHeaders, body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } }) }));
}

/** A 2026-07-28 stateless tools/call. */
function modernCaller({ gw, key }: Side) {
  return async (id: number, name: string, args: Record<string, unknown>) => {
    const _meta = {
      'io.modelcontextprotocol/protocolVersion': '2026-07-28',
      'io.modelcontextprotocol/clientInfo': { name: 'eq', version: '1' },
      'io.modelcontextprotocol/clientCapabilities': {},
    };
    const headers = { ...JSON_AND_SSE, authorization: `Bearer ${key}`, 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': name };
    return answer(await gw.fetch(URL_PATH, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args, _meta } }) }));
  };
}

/** The audit trail without what differs run to run. */
async function trail(gw: TestGateway) {
  await gw.audit.flush();
  const rows = await gw.database.db.select().from(auditEvents).orderBy(asc(auditEvents.seq));
  // (the key's id differs between the two gateways; its name, which the audit also carries, does not)
  return rows.map(({ seq: _s, occurredAt: _o, durationMs: _d, userId: _u, clientId, ...row }) => ({ ...row, clientId: clientId?.replace(/^api-token:[0-9a-f-]{36}$/, 'api-token:<id>') }));
}

/** Connects every upstream (they connect on first use; the crashed one restarts with backoff). */
async function upstreamsBack(gw: TestGateway) {
  const { items } = await json(gw.api('GET', '/api/v1/upstreams'));
  for (const { id } of items as Array<{ id: string }>) {
    for (let attempt = 0; ; attempt++) {
      const res = await gw.api('POST', `/api/v1/upstreams/${id}/refresh`);
      await res.text();
      if (res.status === 200) break;
      if (attempt === 50) throw new Error(`upstream ${id} did not come back`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

describe('lean and SDK adapters are equivalent', () => {
  let lean: Side;
  let sdk: Side;
  beforeAll(async () => {
    [lean, sdk] = await Promise.all([side('on'), side('off')]);
  });
  afterAll(async () => {
    await Promise.all([lean?.gw.close(), sdk?.gw.close()]);
  });

  for (const [era, caller] of [
    ['2025-11-25 session', legacyCaller],
    ['2026-07-28 stateless', modernCaller],
  ] as const) {
    it(`${era}: same answers, errors and audit records for every outcome`, async () => {
      await Promise.all([upstreamsBack(lean.gw), upstreamsBack(sdk.gw)]);
      const [leanCall, sdkCall] = await Promise.all([caller(lean), caller(sdk)]);
      const before = [(await trail(lean.gw)).length, (await trail(sdk.gw)).length];
      for (const [index, [label, name, args]] of CASES.entries()) {
        const [a, b] = await Promise.all([leanCall(index + 1, name, args), sdkCall(index + 1, name, args)]);
        expect({ label, status: a.status, message: a.message }).toEqual({ label, status: b.status, message: b.message });
        // the lean adapter answered in its own framing (a JSON body); the SDK's session transport streams
        if (era.startsWith('2025')) expect([a.framing, b.framing]).toEqual(['application/json', 'text/event-stream']);
      }
      const [leanTrail, sdkTrail] = [(await trail(lean.gw)).slice(before[0]), (await trail(sdk.gw)).slice(before[1])];
      expect(leanTrail).toEqual(sdkTrail);
      expect(leanTrail.map((e) => [e.exposedName, e.outcome, e.errorCode])).toEqual([
        ['fx__test_simple_text', 'ok', null],
        ['fx__test_structured_output', 'ok', null],
        ['fx__test_error_handling', 'tool_error', null],
        ['fx__no_such_tool', 'denied', 'not_found'],
        ['fx__test_image_content', 'denied', 'policy'],
        ['bad__hang', 'timeout', 'timeout'],
        ['bad__crash', 'upstream_failure', 'unavailable'],
      ]);
    });
  }
});
