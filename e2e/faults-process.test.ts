/**
 * Process- and storage-side faults (issue 20): each must stay local to the process, the
 * request or the replica that caused it. Real gateway processes, real PGlite and Postgres.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { formatKeyRing, generateSecretKey } from '@switchboard/auth/secret-box';
import { startHttpFixture } from '@switchboard/core/upstream/test-upstreams';
import { afterAll, describe, expect, it } from 'vitest';
import { startPostgresServer } from '../packages/db/src/testing/postgres-server.ts';
import { connect } from 'node:net';
import { connectClient } from './support/clients.ts';
import { RawSession } from './support/raw-session.ts';
import { ADMIN_TOKEN, Cleanup, freePort, openGateway, startE2eGateway } from './support/gateway.ts';
import { type GatewayProcess, isRunning, spawnGateway } from './support/gateway-process.ts';
import { connectWithOAuth, signInLocally } from './support/oauth.ts';
import { startTcpProxy } from '../packages/db/src/testing/tcp-proxy.ts';

const TOKEN = 'faults-process-admin-token-'.padEnd(48, 'x');
const started: GatewayProcess[] = [];
const scratch: string[] = [];
const cleanup = new Cleanup();
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
afterAll(async () => {
  await cleanup.run();
  await Promise.all(started.map((gw) => gw.kill()));
  await Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true })));
});

const api = (url: string, method: string, path: string, body?: unknown) =>
  fetch(`${url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });

async function running(env: Record<string, string>): Promise<GatewayProcess> {
  const gw = await spawnGateway(env);
  if (!isRunning(gw)) throw new Error(`gateway exited with ${gw.code}:\n${gw.output}`);
  started.push(gw);
  return gw;
}

describe('two processes on one embedded data directory (issue 20 #4)', () => {
  it('the second exits naming the first; after the first is killed (stale lock) the next one starts with every write', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-faults-lock-'));
    scratch.push(dir);
    const env = { SWITCHBOARD_DATA_DIR: dir, SWITCHBOARD_ADMIN_TOKEN: TOKEN };
    const first = await running(env);
    const created = await api(first.url, 'POST', '/roles', { name: 'written-by-first' });
    expect(created.status).toBe(201);

    const second = await spawnGateway(env);
    if (isRunning(second)) started.push(second);
    expect(isRunning(second)).toBe(false);
    const exited = second as { code: number | null; output: string };
    expect(exited.code).toBe(1);
    expect(exited.output).toContain(`another Switchboard (pid ${first.child.pid}) is using ${join(dir, 'pglite')}`);

    await first.kill(); // SIGKILL: its lock file stays behind
    const third = await running(env);
    const roles = (await (await api(third.url, 'GET', '/roles')).json()) as { items: Array<{ name: string }> };
    expect(roles.items.map((r) => r.name)).toContain('written-by-first');
  });
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
    const common = { SWITCHBOARD_SECRET_KEYS: formatKeyRing([generateSecretKey('k1')]), SWITCHBOARD_ADMIN_TOKEN: TOKEN, SWITCHBOARD_PUBLIC_URL: publicUrl };
    const a = await running({ ...common, PORT: String(portA), DATABASE_URL: pg.url });
    const b = await running({ ...common, DATABASE_URL: viaProxy.toString() });
    const imported = await api(a.url, 'POST', '/import', {
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
    const users = (await (await api(a.url, 'GET', '/users?limit=100')).json()) as { items: Array<{ id: string; email: string }> };
    const idOf = (email: string) => users.items.find((u) => u.email === email)!.id;
    expect((await api(a.url, 'PATCH', `/users/${idOf(bob.email)}`, { disabled: true })).status).toBe(200);
    const policy = { subjectType: 'user', subjectId: idOf(alice.email), effect: 'deny', pattern: 'fx:test_simple_text' };
    expect((await api(a.url, 'POST', '/policies', policy)).status).toBe(201);
    const added = await api(a.url, 'POST', '/import', {
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
    const ready = await timed('/readyz');
    expect(ready.status).toBe(503);
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

describe('slow clients (issue 20 #10)', () => {
  /**
   * Opens a raw connection, writes `head`, then one more byte of `trickle` every 300 ms;
   * resolves with how long the server kept the connection and what it answered (bounded).
   */
  function trickle(url: string, head: string, drip: string, boundMs: number): Promise<{ ms: number; answer: string }> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve) => {
      const started = Date.now();
      let answer = '';
      const socket = connect(Number(port), hostname, () => socket.write(head));
      const dripper = setInterval(() => socket.write(drip), 300);
      const done = () => {
        clearInterval(dripper);
        clearTimeout(bound);
        socket.destroy();
        resolve({ ms: Date.now() - started, answer });
      };
      const bound = setTimeout(done, boundMs);
      socket.on('data', (chunk) => {
        answer += chunk;
      });
      socket.on('close', done);
      socket.on('error', () => {});
    });
  }

  it('closes a connection trickling its body or its headers after the configured timeouts; SSE streams live on', async () => {
    const fx = await startHttpFixture();
    cleanup.add(() => fx.stop());
    const SERVER_ID = '4d2f6a8c-1e3b-4c5d-9f7a-2b4c6d8e0f1a';
    const limited = await openGateway(cleanup, SERVER_ID, { fx: { type: 'http', url: fx.url } }, { SWITCHBOARD_HEADERS_TIMEOUT_MS: '1500', SWITCHBOARD_REQUEST_TIMEOUT_MS: '2500' });
    // a legacy SSE stream (one long response) outlives both limits
    const sse = await connectClient('v1-sse', limited, SERVER_ID);
    const body = await trickle(
      limited.url,
      `POST /servers/${SERVER_ID}/mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: 100000\r\n\r\n{`,
      ' ',
      15_000,
    );
    console.log(`body trickle: closed after ${body.ms} ms: ${body.answer.split('\r\n')[0]}`);
    expect(body.answer).toMatch(/^HTTP\/1\.1 408/);
    expect(body.ms).toBeLessThan(2500 + 2000);
    const headers = await trickle(limited.url, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n', 'X: y\r\n', 15_000);
    console.log(`header trickle: closed after ${headers.ms} ms: ${headers.answer.split('\r\n')[0]}`);
    expect(headers.answer).toMatch(/^HTTP\/1\.1 408/);
    expect(headers.ms).toBeLessThan(1500 + 2000);
    expect(await sse.listToolNames()).toContain('fx__test_simple_text');
    await sse.close();
  });
});

describe('memory of the first start on an empty data directory (issue 20 #11)', () => {
  const rssMb = async (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

  it('is that of any later start: the embedded database is created in a short-lived process', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-faults-rss-'));
    scratch.push(dir);
    const env = { SWITCHBOARD_DATA_DIR: dir, SWITCHBOARD_ADMIN_TOKEN: TOKEN };
    const measure = async () => {
      const gw = await running(env);
      await sleep(3000);
      const rss = await rssMb(gw.child.pid!);
      gw.child.kill('SIGTERM');
      await gw.exited();
      return rss;
    };
    const first = await measure();
    const second = await measure();
    console.log(`RSS 3 s after listening: first start ${first.toFixed(0)} MB, second start ${second.toFixed(0)} MB`);
    expect(first).toBeLessThan(second * 1.5);
  });
});

describe('one hostile request and the audit trail (issue 20 #2)', () => {
  it('a tool name with a NUL from an anonymous caller is audited (as U+FFFD) and every call after it too', async () => {
    const fx = await startHttpFixture();
    cleanup.add(() => fx.stop());
    const SERVER_ID = '6f8a0c2e-4b6d-4e8f-a1c3-5e7a9c1e3b5d';
    const gw = await openGateway(cleanup, SERVER_ID, { fx: { type: 'http', url: fx.url } });
    const session = await RawSession.open(gw.mcpUrl(SERVER_ID), 'hostile');
    const refused = await session.request(1, 'tools/call', { name: 'fx__evil\u0000tool', arguments: {} });
    expect(refused.error ?? refused.result?.isError).toBeTruthy();
    for (let i = 2; i <= 4; i++) {
      const ok = await session.request(i, 'tools/call', { name: 'fx__test_simple_text', arguments: {} });
      expect(ok.result?.isError).toBeFalsy();
    }
    await session.close();

    // the writer flushes every second; give it a few
    let names: string[] = [];
    for (const started = Date.now(); Date.now() - started < 6000; await sleep(250)) {
      const { body } = await gw.api('GET', `/api/v1/audit-events?virtualServer=${SERVER_ID}`);
      names = body.items.map((e: { exposedName: string }) => e.exposedName);
      if (names.length >= 4) break;
    }
    expect(names.filter((n) => n === 'fx__test_simple_text')).toHaveLength(3);
    expect(names).toContain('fx__evil\ufffdtool');
    expect(gw.running.deps.audit.stats()).toMatchObject({ queued: 0, deadLettered: 0, dropped: 0 });
  });
});
