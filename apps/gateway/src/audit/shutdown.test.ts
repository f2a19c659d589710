import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { startGateway } from '../server.ts';
import { fixtureDocument } from '../testing/test-gateway.ts';

const SERVER_ID = '2e4a6c8e-0b1d-4f3a-9c5e-7a9b1d3f5c7e';
const TOKEN = 'shutdown-test-admin-token-'.padEnd(48, 'x');

describe('audit on graceful shutdown', () => {
  let dir: string;
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes the calls answered just before stop', async () => {
    dir = await mkdtemp(join(tmpdir(), 'sb-audit-'));
    const boot = () =>
      startGateway(
        loadConfig({ PORT: '0', SWITCHBOARD_DATA_DIR: dir, SWITCHBOARD_ADMIN_TOKEN: TOKEN, SWITCHBOARD_CONSOLE_DIR: '/nonexistent' }),
        pino({ level: 'silent' }),
        {},
      );
    const api = (url: string, method: string, path: string, body?: unknown) =>
      fetch(`${url}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });

    const first = await boot();
    const imported = await api(first.url, 'POST', '/import', fixtureDocument(SERVER_ID));
    expect(imported.status).toBe(200);
    const client = new Client({ name: 'shutdown', version: '1' }, { versionNegotiation: { mode: 'legacy' } });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${first.url}/servers/${SERVER_ID}/mcp`)));
    await Promise.all([1, 2, 3].map(() => client.callTool({ name: 'fx__test_simple_text', arguments: {} })));
    await client.close();
    await first.stop(); // no explicit flush: the shutdown sequence drains the queue

    const second = await boot();
    try {
      const res = await api(second.url, 'GET', `/audit-events?virtualServer=${SERVER_ID}`);
      const { items } = (await res.json()) as { items: Array<{ exposedName: string; outcome: string; userId: string | null }> };
      expect(items).toHaveLength(3);
      expect(items.every((e) => e.exposedName === 'fx__test_simple_text' && e.outcome === 'ok' && e.userId === null)).toBe(true);
    } finally {
      await second.stop();
    }
  });
});
