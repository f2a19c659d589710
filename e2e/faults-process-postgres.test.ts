/**
 * Faults between gateway replicas and their Postgres (issue 20): a replica whose database
 * link is cut must catch up when it returns, and requests that need an unreachable
 * database must fail fast and clearly. A throwaway Postgres, a TCP proxy in between.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { formatKeyRing, generateSecretKey } from '@switchboard/auth/secret-box';
import { startHttpFixture } from '@switchboard/core/upstream/test-upstreams';
import { afterAll, describe, expect, it } from 'vitest';
import { startPostgresServer } from '../packages/db/src/testing/postgres-server.ts';
import { startTcpProxy } from '../packages/db/src/testing/tcp-proxy.ts';
import { ADMIN_TOKEN, Cleanup, freePort, startE2eGateway } from './support/gateway.ts';
import { killGateways, PROCESS_ADMIN_TOKEN, processApi, startGatewayProcess } from './support/gateway-process.ts';
import { connectWithOAuth, signInLocally } from './support/oauth.ts';

const cleanup = new Cleanup();
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
afterAll(async () => {
  await cleanup.run();
  await killGateways();
});

describe('a replica cut off its database (issue 20 #1)', () => {
  const SERVER_ID = '3c1e5a7b-2d4f-4e6a-8b0c-9d1e3f5a7b9c';
  const alice = { email: 'alice@example.com', password: 'alice-password-123' };
  const bob = { email: 'bob@example.com', password: 'bob-password-1234' };

  /** The tools `token` lists on `mcpUrl`, or the error that refused it. */
  async function toolsWith(mcpUrl: string, token: string): Promise<string[] | string> {
    const client = new Client({ name: 'replica-probe', version: '1' }, { versionNegotiation: { mode: 'legacy' } });
    const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), { requestInit: { headers: { authorization: `Bearer ${token}` } } });
    try {
      await client.connect(transport);
      return (await client.listTools()).tools.map((t) => t.name).sort();
    } catch (error) {
      return String(error);
    } finally {
      await client.close().catch(() => {});
    }
  }

  it('applies a user disabled, a deny policy and an upstream added meanwhile within 5 s of the link returning', async () => {
    const pg = await startPostgresServer();
    cleanup.add(() => pg.stop());
    const pgUrl = new URL(pg.url);
    const proxy = await startTcpProxy(Number(pgUrl.port));
    cleanup.add(() => proxy.close());
    const fx = await startHttpFixture();
    cleanup.add(() => fx.stop());
    const viaProxy = new URL(pg.url);
    viaProxy.port = String(proxy.port);

    const portA = await freePort();
    const publicUrl = `http://127.0.0.1:${portA}`;
    const common = { SWITCHBOARD_SECRET_KEYS: formatKeyRing([generateSecretKey('k1')]), SWITCHBOARD_ADMIN_TOKEN: PROCESS_ADMIN_TOKEN, SWITCHBOARD_PUBLIC_URL: publicUrl };
    const a = await startGatewayProcess({ ...common, PORT: String(portA), DATABASE_URL: pg.url });
    const b = await startGatewayProcess({ ...common, DATABASE_URL: viaProxy.toString() });
    const imported = await processApi(a.url, 'POST', '/import', {
      mcpServers: { fx: { type: 'http', url: fx.url } },
      virtualServers: { shared: { id: SERVER_ID, upstreams: ['fx'], auth: 'oauth', defaultAccess: 'allow' } },
      users: { [alice.email]: { password: alice.password }, [bob.email]: { password: bob.password } },
    });
    expect(imported.status).toBe(200);
    const mcpA = `${a.url}/servers/${SERVER_ID}/mcp`;
    const mcpB = `${b.url}/servers/${SERVER_ID}/mcp`;
    const tokenOf = async (user: { email: string; password: string }) => {
      const { client, provider } = await connectWithOAuth('v2', mcpA, (url) => signInLocally(url, user));
      await client.close();
      return provider.tokens().access_token as string;
    };
    const aliceToken = await tokenOf(alice);
    const bobToken = await tokenOf(bob);
    const before = await toolsWith(mcpB, aliceToken);
    expect(before).toContain('fx__test_simple_text');
    expect(await toolsWith(mcpB, bobToken)).toEqual(before);

    await proxy.cut();
    const users = (await (await processApi(a.url, 'GET', '/users?limit=100')).json()) as { items: Array<{ id: string; email: string }> };
    const idOf = (email: string) => users.items.find((u) => u.email === email)!.id;
    expect((await processApi(a.url, 'PATCH', `/users/${idOf(bob.email)}`, { disabled: true })).status).toBe(200);
    const policy = { subjectType: 'user', subjectId: idOf(alice.email), effect: 'deny', pattern: 'fx:test_simple_text' };
    expect((await processApi(a.url, 'POST', '/policies', policy)).status).toBe(201);
    const added = await processApi(a.url, 'POST', '/import', {
      mcpServers: { fx2: { type: 'http', url: fx.url } },
      virtualServers: { shared: { id: SERVER_ID, upstreams: ['fx', 'fx2'], auth: 'oauth', defaultAccess: 'allow' } },
    });
    expect(added.status).toBe(200);
    // the changes are live on A at once
    const onA = await toolsWith(mcpA, aliceToken);
    expect(onA).toContain('fx2__test_simple_text');
    expect(onA).not.toContain('fx__test_simple_text');
    await sleep(3000); // B notices its link is gone (its checks fail)

    await proxy.restore();
    const restoredAt = Date.now();
    let caughtUpMs: number | undefined;
    let last: { alice: string[] | string; bob: string[] | string } | undefined;
    while (Date.now() - restoredAt < 20_000) {
      last = { alice: await toolsWith(mcpB, aliceToken), bob: await toolsWith(mcpB, bobToken) };
      const aliceOk = Array.isArray(last.alice) && last.alice.includes('fx2__test_simple_text') && !last.alice.includes('fx__test_simple_text');
      const bobRefused = !Array.isArray(last.bob);
      if (aliceOk && bobRefused) {
        caughtUpMs = Date.now() - restoredAt;
        break;
      }
      await sleep(250);
    }
    console.log(`replica caught up ${caughtUpMs ?? 'never (20 s)'} ms after the link returned`);
    expect(last?.bob).toMatch(/cannot sign in/);
    expect(caughtUpMs).toBeDefined();
    expect(caughtUpMs).toBeLessThanOrEqual(5000);
  });
});

describe('requests that need an unreachable database (issue 20 #8)', () => {
  it('answer 503 database_unavailable with Retry-After at once, whether the database refuses or stops answering', async () => {
    const pg = await startPostgresServer();
    cleanup.add(() => pg.stop());
    const proxy = await startTcpProxy(Number(new URL(pg.url).port));
    cleanup.add(() => proxy.close());
    const via = new URL(pg.url);
    via.port = String(proxy.port);
    const gw = await startE2eGateway({ DATABASE_URL: via.toString(), SWITCHBOARD_SECRET_KEYS: formatKeyRing([generateSecretKey('k1')]) });
    cleanup.add(() => gw.stop());
    const timed = async (path: string) => {
      const started = Date.now();
      const res = await fetch(`${gw.url}${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, signal: AbortSignal.timeout(30_000) });
      return { ms: Date.now() - started, status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
    };
    expect((await timed('/api/v1/users')).status).toBe(200);

    // The link goes silent: open connections get no answer, new ones never complete.
    proxy.stall();
    const waiting = await timed('/api/v1/users');
    expect(waiting).toMatchObject({ status: 503, retryAfter: '5', body: { error: { code: 'database_unavailable' } } });
    expect(waiting.ms).toBeLessThan(5000);
    for (const path of ['/api/v1/users', '/api/v1/roles']) {
      const next = await timed(path);
      expect(next).toMatchObject({ status: 503, retryAfter: '5', body: { error: { code: 'database_unavailable' } } });
      expect(next.ms).toBeLessThan(500);
    }
    // Still in the load balancer's rotation (open sessions are served from memory), but it says so.
    const ready = await timed('/readyz');
    expect(ready).toMatchObject({ status: 200, body: { status: 'degraded' } });
    expect(ready.ms).toBeLessThan(500);
    console.log(`silent database: the waiting request answered 503 after ${waiting.ms} ms, the next ones at once`);

    await proxy.restore();
    const back = Date.now();
    while ((await timed('/api/v1/users')).status !== 200) {
      expect(Date.now() - back).toBeLessThan(5000);
      await sleep(100);
    }
    console.log(`database back: requests succeed again after ${Date.now() - back} ms`);

    // A database that refuses connections: a clear 503 too, never a 500.
    await proxy.cut();
    const refused = await timed('/api/v1/users');
    expect(refused).toMatchObject({ status: 503, retryAfter: '5', body: { error: { code: 'database_unavailable' } } });
    expect(refused.ms).toBeLessThan(3000);
    await proxy.restore();
  });
});
