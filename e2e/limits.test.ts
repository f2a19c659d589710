/**
 * Rate limits across processes (issue 16): real gateway processes on one real Postgres,
 * the HTTP conformance fixture as upstream, raw 2026-07-28 callers with OAuth tokens.
 *
 *  - a person's quota (30 calls per hour) holds on one replica, and on two replicas called
 *    at once — the budget is leased from one shared bucket, so two replicas do not give
 *    60 — within 5 % (at most one lease per replica unused); another person is unaffected;
 *  - client registrations (DCR) are limited per client address across both replicas,
 *    refused with HTTP 429 and Retry-After.
 *
 * (The 50 calls/s load test is limits/limiter-load.test.ts: the same leased buckets on one
 * real Postgres, where the callers can offer far more than 50/s even on a loaded machine.)
 * Loops are bounded in time and count; assertions are on counts, not speed.
 */
import { Agent, request } from 'node:http';
import { formatKeyRing, generateSecretKey } from '@switchboard/auth/secret-box';
import { startHttpFixture } from '@switchboard/core/upstream/test-upstreams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgresServer } from '../packages/db/src/testing/postgres-server.ts';
import { Cleanup, freePort } from './support/gateway.ts';
import { connectWithOAuth, signInLocally } from './support/oauth.ts';
import { type GatewayProcess, killGateways, PROCESS_ADMIN_TOKEN, processApi, startGatewayProcess } from './support/gateway-process.ts';

const SERVER_ID = '6a2c4e8f-0b1d-4f3a-9c5e-7d9b1f3a5c70';
const QUOTA = 30;
/** The load runs until every replica refused this many calls (the budget is spent), bounded by LOAD_MS and MAX_CALLS. */
const REFUSALS = 5;
const LOAD_MS = 60_000;
const MAX_CALLS = 2_000;
const WORKERS = 4;
const REGISTRATIONS_PER_MINUTE = 3;
const RATE_LIMITED = -32029;
const SESSIONS_PER_CALLER = 3;

const people = {
  alice: { email: 'alice@example.com', password: 'alice-password-123' },
  bob: { email: 'bob@example.com', password: 'bob-password-1234' },
};

const cleanup = new Cleanup();
afterAll(async () => {
  await killGateways();
  await cleanup.run();
});

/**
 * A 2026-07-28 caller in raw JSON-RPC over a keep-alive connection (no session, the
 * envelope in each request): the cheapest conforming client, so the test machine can
 * offer several times the limit even when loaded.
 */
function caller(gw: GatewayProcess, token: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  cleanup.add(async () => agent.destroy());
  const url = new URL(`${gw.url}/servers/${SERVER_ID}/mcp`);
  const headers = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    authorization: `Bearer ${token}`,
    'mcp-protocol-version': '2026-07-28',
    'mcp-method': 'tools/call',
    'mcp-name': 'fx__test_simple_text',
  };
  const meta = {
    'io.modelcontextprotocol/protocolVersion': '2026-07-28',
    'io.modelcontextprotocol/clientInfo': { name: 'limits-load', version: '1' },
    'io.modelcontextprotocol/clientCapabilities': {},
  };
  let id = 0;
  return () =>
    new Promise<{ result?: unknown; error?: { code: number; data?: { retryAfter?: number } } }>((resolve, reject) => {
      const body = JSON.stringify({ jsonrpc: '2.0', id: ++id, method: 'tools/call', params: { name: 'fx__test_simple_text', arguments: {}, _meta: meta } });
      const req = request(url, { method: 'POST', agent, headers }, (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          data += chunk;
        });
        res.on('end', () => {
          try {
            const json = String(res.headers['content-type']).startsWith('text/event-stream')
              ? JSON.parse(data.split('\n').find((l) => l.startsWith('data:') && l.length > 6)!.slice(5))
              : JSON.parse(data);
            resolve(json);
          } catch {
            reject(new Error(`HTTP ${res.statusCode}: ${data.slice(0, 200)}`));
          }
        });
      });
      req.on('error', reject);
      req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
      req.end(body);
    });
}

type Call = ReturnType<typeof caller>;

interface Tally {
  ok: number;
  limited: number;
  other: string[];
}

/** Calls `fx__test_simple_text` in a loop until `until`, or `budget.left` calls are used up. */
/** Calls `fx__test_simple_text` in a loop until `until`, or `budget.left` calls are used up. */
async function hammer(call: Call, until: number, budget: { left: number }, tally: Tally, pauseMs = 0, enough = () => false) {
  while (Date.now() < until && budget.left-- > 0 && !enough()) {
    try {
      const answer = await call();
      if (answer.result) tally.ok++;
      else if (answer.error?.code === RATE_LIMITED && typeof answer.error.data?.retryAfter === 'number') tally.limited++;
      else tally.other.push(JSON.stringify(answer).slice(0, 300));
    } catch (error) {
      tally.other.push(String(error));
    }
    if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
  }
}

describe('rate limits across gateway processes on one Postgres', () => {
  let a: GatewayProcess;
  let b: GatewayProcess;
  const tokens: Record<'alice' | 'bob', string> = { alice: '', bob: '' };
  let ruleId = '';

  beforeAll(async () => {
    const pg = await startPostgresServer();
    cleanup.add(() => pg.stop());
    const fx = await startHttpFixture();
    cleanup.add(() => fx.stop());
    const portA = await freePort();
    const common = {
      SWITCHBOARD_SECRET_KEYS: formatKeyRing([generateSecretKey('k1')]),
      SWITCHBOARD_ADMIN_TOKEN: PROCESS_ADMIN_TOKEN,
      // one public URL for both: tokens name it as their audience
      SWITCHBOARD_PUBLIC_URL: `http://127.0.0.1:${portA}`,
      DATABASE_URL: pg.url,
      SWITCHBOARD_DCR_RATE_LIMIT: String(REGISTRATIONS_PER_MINUTE),
      SWITCHBOARD_MAX_SESSIONS_PER_CALLER: String(SESSIONS_PER_CALLER),
    };
    a = await startGatewayProcess({ ...common, PORT: String(portA) });
    b = await startGatewayProcess(common);
    const imported = await processApi(a.url, 'POST', '/import', {
      mcpServers: { fx: { type: 'http', url: fx.url } },
      virtualServers: { limited: { id: SERVER_ID, upstreams: ['fx'], auth: 'oauth', defaultAccess: 'allow' } },
      users: { [people.alice.email]: { password: people.alice.password }, [people.bob.email]: { password: people.bob.password } },
      limits: { 'alice-quota': { user: people.alice.email, tools: 'fx:*', quota: { count: QUOTA, per: 'hour' } } },
    });
    expect(imported.status).toBe(200);
    for (const name of ['alice', 'bob'] as const) {
      const { client, provider } = await connectWithOAuth('v2', `${a.url}/servers/${SERVER_ID}/mcp`, (url) => signInLocally(url, people[name]));
      await client.close();
      tokens[name] = provider.tokens()!.access_token as string;
    }
    const rules = (await (await processApi(a.url, 'GET', '/rate-limits')).json()) as { items: Array<{ id: string }> };
    ruleId = rules.items[0]!.id;
  });

  /**
   * Alice on `replicas` at once (WORKERS callers on each) until each replica refused her
   * REFUSALS times, and Bob, slower, on the first meanwhile. The rule is renamed first, so
   * each run starts on a fresh budget.
   */
  async function load(replicas: GatewayProcess[], run: string) {
    expect((await processApi(a.url, 'PATCH', `/rate-limits/${ruleId}`, { name: `alice-quota-${run}` })).status).toBe(200);
    // every replica has heard of the change (it reloads on the notification)
    await new Promise((r) => setTimeout(r, 1000));
    const alice = replicas.map((): Tally => ({ ok: 0, limited: 0, other: [] }));
    const bob: Tally = { ok: 0, limited: 0, other: [] };
    const budget = { left: MAX_CALLS };
    const until = Date.now() + LOAD_MS;
    const spent = () => alice.every((t) => t.limited >= REFUSALS);
    await Promise.all([
      ...replicas.flatMap((gw, i) => Array.from({ length: WORKERS }, () => hammer(caller(gw, tokens.alice), until, budget, alice[i]!, 0, spent))),
      hammer(caller(replicas[0]!, tokens.bob), until, { left: 40 }, bob, 50, spent),
    ]);
    const admitted = alice.reduce((sum, t) => sum + t.ok, 0);
    console.info(`${run}: alice admitted ${alice.map((t) => t.ok).join(' + ')} = ${admitted} of a quota of ${QUOTA}; bob ${bob.ok} ok, ${bob.limited} limited`);
    return { alice, admitted, bob };
  }

  it.each([
    ['one replica', 1],
    ['two replicas', 2],
  ])('%s: a person gets their quota within 5 %, not a quota per replica; another person is not limited', async (run, count) => {
    const { alice, admitted, bob } = await load([a, b].slice(0, count), run.replace(' ', '-'));
    for (const tally of alice) expect(tally.other).toEqual([]);
    expect(admitted).toBeLessThanOrEqual(QUOTA);
    expect(admitted).toBeGreaterThanOrEqual(Math.floor(QUOTA * 0.95));
    // each replica served part of it (the budget is shared, not held by one)
    for (const tally of alice) expect(tally.ok).toBeGreaterThan(0);
    expect(bob.other).toEqual([]);
    expect(bob.limited).toBe(0);
    expect(bob.ok).toBeGreaterThan(0);
  });

  it('limits client registrations per address across both replicas: 429 with Retry-After', async () => {
    const register = (gw: GatewayProcess) =>
      fetch(`${gw.url}/oauth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_name: 'limits-e2e', redirect_uris: ['http://127.0.0.1:9/cb'], token_endpoint_auth_method: 'none' }),
      });
    const statuses: Record<'a' | 'b', number[]> = { a: [], b: [] };
    for (let i = 0; i < 2 * REGISTRATIONS_PER_MINUTE + 2; i++) {
      const which = i % 2 === 0 ? 'a' : 'b';
      const res = await register(which === 'a' ? a : b);
      statuses[which].push(res.status);
      if (res.status === 429) {
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect(((await res.json()) as { error: string }).error).toBe('rate_limited');
      } else await res.body?.cancel();
    }
    // both replicas together admitted at most the limit (a bucket of 3, refilled 1 per 20 s),
    // and each refused the rest: the limit is not per replica
    const admitted = [...statuses.a, ...statuses.b].filter((s) => s === 201).length;
    expect(admitted).toBeLessThanOrEqual(REGISTRATIONS_PER_MINUTE);
    expect(admitted).toBeGreaterThan(0);
    expect(statuses.a).toContain(429);
    expect(statuses.b).toContain(429);
  });
  it("holds a caller's share of sessions across both replicas: 429 with Retry-After on either, room again once one ends", async () => {
    const initialize = JSON.stringify({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'session-cap', version: '1' } },
    });
    const headers = (token: string) => ({ 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}` });
    const open = async (gw: GatewayProcess, token = tokens.alice) => {
      const res = await fetch(`${gw.url}/servers/${SERVER_ID}/mcp`, { method: 'POST', headers: headers(token), body: initialize });
      await res.body?.cancel();
      return { status: res.status, session: res.headers.get('mcp-session-id'), retryAfter: res.headers.get('retry-after') };
    };
    // (her sign-in above may have left a session of hers open: she opens, alternating, until refused)
    const opened: Array<Awaited<ReturnType<typeof open>>> = [];
    for (let i = 0; i <= SESSIONS_PER_CALLER; i++) {
      const next = await open(i % 2 === 0 ? a : b);
      if (next.status !== 200) break;
      opened.push(next);
    }
    expect(opened.length).toBeGreaterThan(0);
    expect(opened.length).toBeLessThanOrEqual(SESSIONS_PER_CALLER);
    // now either replica refuses her: the share is hers on both together, not on each
    for (const gw of [a, b]) expect(await open(gw)).toMatchObject({ status: 429, retryAfter: '30' });
    // another person is not affected
    expect((await open(b, tokens.bob)).status).toBe(200);
    // ending one of hers (on the replica that did not open it) makes room again
    const ended = await fetch(`${b.url}/servers/${SERVER_ID}/mcp`, { method: 'DELETE', headers: { ...headers(tokens.alice), 'mcp-session-id': opened[0]!.session! } });
    expect(ended.status).toBe(200);
    expect((await open(b)).status).toBe(200);
    expect((await open(a)).status).toBe(429);
  });
});
