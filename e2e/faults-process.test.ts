/**
 * Process- and storage-side faults (issue 20): each must stay local to the process, the
 * request or the replica that caused it. Real gateway processes, real PGlite and Postgres.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, isRunning, spawnGateway } from './support/gateway-process.ts';

const TOKEN = 'faults-process-admin-token-'.padEnd(48, 'x');
const started: GatewayProcess[] = [];
const scratch: string[] = [];
afterAll(async () => {
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
