/**
 * Process- and storage-side faults (issue 20) on the embedded database: each must stay
 * local to the process or the request that caused it. Real gateway processes and PGlite.
 * (With Postgres: faults-process-postgres.test.ts.)
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHttpFixture } from '@switchboard/core/upstream/test-upstreams';
import { afterAll, describe, expect, it } from 'vitest';
import { connectClient } from './support/clients.ts';
import { Cleanup, openGateway } from './support/gateway.ts';
import { hasStarted, killGateways, PROCESS_ADMIN_TOKEN, processApi, spawnGateway, startGatewayProcess, trackGateway } from './support/gateway-process.ts';
import { RawSession } from './support/raw-session.ts';

const scratch: string[] = [];
const cleanup = new Cleanup();
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
afterAll(async () => {
  await cleanup.run();
  await killGateways();
  await Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('two processes on one embedded data directory (issue 20 #4)', () => {
  it('the second exits naming the first; after the first is killed (stale lock) the next one starts with every write', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-faults-lock-'));
    scratch.push(dir);
    const env = { SWITCHBOARD_DATA_DIR: dir, SWITCHBOARD_ADMIN_TOKEN: PROCESS_ADMIN_TOKEN };
    const first = await startGatewayProcess(env);
    const created = await processApi(first.url, 'POST', '/roles', { name: 'written-by-first' });
    expect(created.status).toBe(201);

    const second = await spawnGateway(env);
    if (hasStarted(second)) trackGateway(second);
    expect(hasStarted(second)).toBe(false);
    const exited = second as { code: number | null; output: string };
    expect(exited.code).toBe(1);
    expect(exited.output).toContain(`another Switchboard (pid ${first.child.pid}) is using ${join(dir, 'pglite')}`);

    await first.kill(); // SIGKILL: its lock file stays behind
    const third = await startGatewayProcess(env);
    const roles = (await (await processApi(third.url, 'GET', '/roles')).json()) as { items: Array<{ name: string }> };
    expect(roles.items.map((r) => r.name)).toContain('written-by-first');
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
    const env = { SWITCHBOARD_DATA_DIR: dir, SWITCHBOARD_ADMIN_TOKEN: PROCESS_ADMIN_TOKEN };
    const measure = async () => {
      const gw = await startGatewayProcess(env);
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
