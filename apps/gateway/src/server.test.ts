import { mkdtemp, rm, stat } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatKeyRing, generateSecretKey } from '@switchboard/auth/secret-box';
import { upstreams } from '@switchboard/db/schema';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { startGateway } from './server.ts';
import { json } from './testing/test-gateway.ts';
import { MissingSecretKeyError } from './services/secret-keys.ts';

const logger = pino({ level: 'silent' });
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function dataDir() {
  const dir = await mkdtemp(join(tmpdir(), 'sb-gw-'));
  dirs.push(dir);
  return dir;
}

const boot = (env: Record<string, string>) =>
  startGateway(loadConfig({ PORT: '0', SWITCHBOARD_CONSOLE_DIR: '/nonexistent', ...env }), logger, {});

async function call(url: string, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await json(res) };
}

describe('the embedded gateway across restarts', () => {
  it('keeps everything, and secrets still decrypt', async () => {
    const dir = await dataDir();
    const first = await boot({ SWITCHBOARD_DATA_DIR: dir });
    expect(first.deps.bootstrap.kind).toBe('generated');
    const token = first.deps.bootstrap.kind === 'generated' ? first.deps.bootstrap.token : '';
    expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
    const created = await call(first.url, token, 'POST', '/api/v1/upstreams', {
      name: 'keeper',
      transport: 'stdio',
      command: 'node',
      env: { SECRET: 'survives-restarts' },
    });
    expect(created.status).toBe(201);
    await first.stop();
    const keyFile = await stat(join(dir, 'secret-keys.json'));
    expect(keyFile.mode & 0o077).toBe(0);

    const second = await boot({ SWITCHBOARD_DATA_DIR: dir });
    try {
      expect(second.deps.bootstrap.kind).toBe('existing-tokens'); // printed once, not again
      const fetched = await call(second.url, token, 'GET', `/api/v1/upstreams/${created.body.id}`);
      expect(fetched.status).toBe(200);
      expect(fetched.body.env).toEqual({ SECRET: { hasValue: true } });
      const [row] = await second.deps.database.db.select().from(upstreams);
      expect(second.deps.ctx.secrets.decrypt(row!.env.SECRET!)).toBe('survives-restarts');
    } finally {
      await second.stop();
    }
  });

  it('registers SWITCHBOARD_ADMIN_TOKEN and honours its revocation', async () => {
    const dir = await dataDir();
    const envToken = 'x'.repeat(40);
    const first = await boot({ SWITCHBOARD_DATA_DIR: dir, SWITCHBOARD_ADMIN_TOKEN: envToken });
    expect(first.deps.bootstrap.kind).toBe('env-token-registered');
    const tokens = await call(first.url, envToken, 'GET', '/api/v1/api-tokens');
    expect(tokens.status).toBe(200);
    const id = tokens.body.items[0].id;
    expect((await call(first.url, envToken, 'DELETE', `/api/v1/api-tokens/${id}`)).status).toBe(200);
    await first.stop();
    const second = await boot({ SWITCHBOARD_DATA_DIR: dir, SWITCHBOARD_ADMIN_TOKEN: envToken });
    try {
      expect(second.deps.bootstrap.kind).toBe('env-token-revoked');
      expect((await call(second.url, envToken, 'GET', '/api/v1/users')).status).toBe(401);
    } finally {
      await second.stop();
    }
  });
});

describe('secret keys', () => {
  it('refuses to start when stored secrets need a key the ring lacks, and rotates with rekey', async () => {
    const dir = await dataDir();
    const oldKey = generateSecretKey('old');
    const newKey = generateSecretKey('new');
    const token = 'y'.repeat(40);
    const env = { SWITCHBOARD_DATA_DIR: dir, SWITCHBOARD_ADMIN_TOKEN: token };
    const first = await boot({ ...env, SWITCHBOARD_SECRET_KEYS: formatKeyRing([oldKey]) });
    await call(first.url, token, 'POST', '/api/v1/upstreams', {
      name: 'remote',
      transport: 'sse',
      url: 'https://example.com/sse',
      bearerToken: 'rotate-me',
    });
    await first.stop();

    await expect(boot({ ...env, SWITCHBOARD_SECRET_KEYS: formatKeyRing([newKey]) })).rejects.toThrow(MissingSecretKeyError);

    const rotating = await boot({ ...env, SWITCHBOARD_SECRET_KEYS: formatKeyRing([newKey, oldKey]) });
    const rekey = await call(rotating.url, token, 'POST', '/api/v1/secrets/rekey');
    // The upstream's bearer token and the token signing key created at first boot.
    expect(rekey.body).toEqual({ activeKeyId: 'new', reencrypted: 2 });
    await rotating.stop();

    const rotated = await boot({ ...env, SWITCHBOARD_SECRET_KEYS: formatKeyRing([newKey]) });
    try {
      const [row] = await rotated.deps.database.db.select().from(upstreams);
      expect(rotated.deps.ctx.secrets.decrypt(row!.bearerToken!)).toBe('rotate-me');
    } finally {
      await rotated.stop();
    }
  });
});

describe('graceful shutdown', () => {
  it('stops accepting, reports not ready, and lets an in-flight request finish', async () => {
    const token = 'z'.repeat(40);
    const gw = await boot({ SWITCHBOARD_DATA_DIR: await dataDir(), SWITCHBOARD_ADMIN_TOKEN: token });
    const body = JSON.stringify({ name: 'in-flight' });
    // A request whose body is still arriving when shutdown starts.
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(`${gw.url}/api/v1/roles`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': body.length },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (d) => {
          text += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.write(body.slice(0, 5));
      setTimeout(() => {
        stopping = gw.stop();
        setTimeout(() => req.end(body.slice(5)), 200);
      }, 200);
    });
    let stopping: Promise<void> | undefined;
    const result = await response;
    expect(result.status).toBe(201);
    expect(JSON.parse(result.text).name).toBe('in-flight');
    await stopping;
    await expect(fetch(`${gw.url}/healthz`)).rejects.toThrow();
  });
});
