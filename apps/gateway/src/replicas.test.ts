import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatKeyRing, generateSecretKey } from '@switchboard/auth/secret-box';
import { createTestDatabase } from '@switchboard/db/testing/test-database';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';

const gatewayDir = fileURLToPath(new URL('..', import.meta.url));
const journal = JSON.parse(readFileSync(new URL('../../../migrations/meta/_journal.json', import.meta.url), 'utf8')) as { entries: unknown[] };
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

interface Started {
  child: ChildProcess;
  url: string;
  output: string;
}

/** Runs the real entry point as its own process and waits for its "listening" log line. */
function startProcess(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
    cwd: gatewayDir,
    env: { PATH: process.env.PATH, PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`gateway did not start:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      const line = output.split('\n').find((l) => l.includes('Switchboard is listening'));
      if (line) {
        clearTimeout(timer);
        // Give the banner (written right after the log line) a moment to arrive too.
        setTimeout(() => resolve({ child, url: JSON.parse(line).url, output }), 300);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk) => {
      output += chunk;
    });
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code}:\n${output}`)));
  }).then((started) => {
    const s = started as Started;
    child.stdout!.on('data', (chunk) => {
      s.output += chunk;
    });
    return s;
  });
}

describe('two gateway processes on one Postgres', () => {
  it('both start together, migrations are applied once, one initial token is minted', async () => {
    const databaseUrl = await createTestDatabase();
    const env = { DATABASE_URL: databaseUrl, SWITCHBOARD_SECRET_KEYS: formatKeyRing([generateSecretKey('k1')]) };
    const [a, b] = await Promise.all([startProcess(env), startProcess(env)]);
    for (const gw of [a, b]) expect((await fetch(`${gw.url}/readyz`)).status).toBe(200);

    const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    try {
      const [migrations] = await sql`select count(*)::int as n from drizzle.__drizzle_migrations`;
      expect(migrations?.n).toBe(journal.entries.length); // each applied exactly once
      const [tokens] = await sql`select count(*)::int as n from api_tokens`;
      expect(tokens?.n).toBe(1);
    } finally {
      await sql.end();
    }
    const banners = [a, b].filter((gw) => gw.output.includes('Switchboard admin API token'));
    expect(banners).toHaveLength(1);
    const token = banners[0]!.output.match(/\b(sb_[A-Za-z0-9_-]{43})\b/)?.[1];
    // The token one replica printed works on the other: state lives in Postgres.
    for (const gw of [a, b]) {
      const res = await fetch(`${gw.url}/api/v1/upstreams`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
    }
    // A change made through one replica reaches the other's MCP endpoints (LISTEN/NOTIFY).
    const vsId = '8d2f4a6c-1e3b-4c5d-9e7f-0a1b2c3d4e5f';
    const initialize = () =>
      fetch(`${b.url}/servers/${vsId}/mcp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } }),
      });
    expect((await initialize()).status).toBe(404);
    const created = await fetch(`${a.url}/api/v1/virtual-servers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: vsId, name: 'shared', authMode: 'none', defaultAccess: 'allow' }),
    });
    expect(created.status).toBe(201);
    let status = 404;
    for (let i = 0; i < 50 && status === 404; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await initialize()).status;
    }
    expect(status).toBe(200);

    // Logs never contain the token (only the one-time banner on stdout does).
    for (const gw of [a, b]) {
      const logLines = gw.output.split('\n').filter((l) => l.startsWith('{'));
      expect(logLines.join('\n')).not.toContain(token);
    }

    const exits = [a, b].map((gw) => new Promise<number | null>((resolve) => gw.child.once('exit', resolve)));
    for (const gw of [a, b]) gw.child.kill('SIGTERM');
    expect(await Promise.all(exits)).toEqual([0, 0]);
  });

  it('exits non-zero with a clear message on invalid configuration', async () => {
    await expect(startProcess({ PORT: 'not-a-port' })).rejects.toThrow(/exited with 1:[\s\S]*PORT:/);
  });
});
