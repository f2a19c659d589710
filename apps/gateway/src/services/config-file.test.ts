import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { startGateway } from '../server.ts';
import { json } from '../testing/test-gateway.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const doc = (servers: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ mcpServers: servers, virtualServers: { dev: { id: '6a0c9e0e-1f6b-4b8e-9b1a-3c2d4e5f6a7b', upstreams: Object.keys(servers), auth: 'none', defaultAccess: 'allow' } }, ...extra });

const poll = async <T>(fn: () => Promise<T>, until: (value: T) => boolean, ms = 10_000): Promise<T> => {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (until(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('--config file', () => {
  it('is applied at boot, re-applied on change, and a broken edit changes nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-config-'));
    dirs.push(dir);
    const file = join(dir, 'switchboard.json');
    await writeFile(file, doc({ a: { command: 'node', args: ['a.js'], env: { TOKEN: '${A_TOKEN:-dev}' } } }));
    const token = 'c'.repeat(40);
    const gw = await startGateway(
      loadConfig({ PORT: '0', SWITCHBOARD_DATA_DIR: join(dir, 'data'), SWITCHBOARD_ADMIN_TOKEN: token, SWITCHBOARD_CONSOLE_DIR: '/nonexistent' }, ['--config', file]),
      pino({ level: 'silent' }),
      {},
    );
    const names = async () =>
      (await json(fetch(`${gw.url}/api/v1/upstreams`, { headers: { authorization: `Bearer ${token}` } }))).items.map((u: { name: string }) => u.name).sort();
    try {
      expect(await names()).toEqual(['a']);
      // An editor's atomic save: write elsewhere, rename over the file.
      await writeFile(join(dir, 'tmp.json'), doc({ a: { command: 'node', args: ['a.js'] }, b: { type: 'http', url: 'http://127.0.0.1:9/mcp' } }));
      await rename(join(dir, 'tmp.json'), file);
      expect(await poll(names, (n) => n.length === 2)).toEqual(['a', 'b']);

      await writeFile(file, doc({ c: { command: 'node' } }).replace('"upstreams":["c"]', '"upstreams":["nope"]'));
      await new Promise((r) => setTimeout(r, 600));
      await gw.configFile?.settled();
      expect(await names()).toEqual(['a', 'b']);

      await writeFile(file, doc({ b: { type: 'http', url: 'http://127.0.0.1:9/mcp' } }));
      expect(await poll(names, (n) => n.length === 1)).toEqual(['b']);
    } finally {
      await gw.stop();
    }
  });

  it('logs the keys it ignores and the commands it cannot find, and applies the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-config-'));
    dirs.push(dir);
    const file = join(dir, 'switchboard.json');
    await writeFile(file, doc({ a: { command: 'no-such-mcp-server-7f3a', autoApprove: ['echo'] } }));
    const lines: { msg: string; warnings?: string[] }[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const gw = await startGateway(
      loadConfig({ PORT: '0', SWITCHBOARD_DATA_DIR: join(dir, 'data'), SWITCHBOARD_CONSOLE_DIR: '/nonexistent' }, ['--config', file]),
      logger,
      { PATH: process.env.PATH },
    );
    await gw.stop();
    const warned = lines.find((l) => l.msg === 'configuration file applied with warnings');
    expect(warned?.warnings).toEqual([
      'mcpServers.a: ignored key "autoApprove"',
      expect.stringMatching(/^mcpServers\.a: spawn no-such-mcp-server-7f3a ENOENT/),
    ]);
  });

  it('refuses to start on an invalid file, saying where', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-config-'));
    dirs.push(dir);
    const file = join(dir, 'bad.json');
    await writeFile(file, JSON.stringify({ mcpServers: { x: { type: 'http', url: 'not a url' } } }));
    await expect(
      startGateway(loadConfig({ PORT: '0', SWITCHBOARD_DATA_DIR: join(dir, 'data') }, ['--config', file]), pino({ level: 'silent' }), {}),
    ).rejects.toThrow(/mcpServers\.x/);
  });
});
