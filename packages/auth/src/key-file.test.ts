import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SecretKeyError } from './errors.ts';
import { loadOrCreateKeyFile } from './key-file.ts';
import { generateSecretKey } from './secret-box.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sb-auth-key-file-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<SecretKeyError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error instanceof SecretKeyError) return error;
  throw new Error(`expected a SecretKeyError, got ${String(error)}`);
}

describe('loadOrCreateKeyFile', () => {
  it('creates a 0600 key file in a new 0700 directory, then reuses it', async () => {
    const path = join(dir, 'nested', 'data', 'secret-key.json');
    const first = await loadOrCreateKeyFile(path);
    expect(first.created).toBe(true);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'nested', 'data'))).mode & 0o777).toBe(0o700);

    const doc = JSON.parse(await readFile(path, 'utf8'));
    expect(doc.activeKeyId).toBe(first.ring.activeId);
    expect(Buffer.from(doc.keys[0].key, 'base64')).toHaveLength(32);

    const second = await loadOrCreateKeyFile(path);
    expect(second.created).toBe(false);
    expect(second.ring.activeId).toBe(first.ring.activeId);
    expect(second.ring.decrypt(first.ring.encrypt('persisted'))).toBe('persisted');
  });

  it('refuses a file readable by group or others', async () => {
    const path = join(dir, 'key.json');
    await loadOrCreateKeyFile(path);
    await chmod(path, 0o644);
    const error = await failure(loadOrCreateKeyFile(path));
    expect(error.code).toBe('key_file_permissions');
    expect(error.message).toContain(`chmod 600 ${path}`);
    expect(error.message).toContain('644');
  });

  it('creates exactly one key when several callers race on a fresh path', async () => {
    const path = join(dir, 'fresh', 'key.json');
    const results = await Promise.all(Array.from({ length: 5 }, () => loadOrCreateKeyFile(path)));
    expect(new Set(results.map((r) => r.ring.activeId)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const sealed = results[0]!.ring.encrypt('shared');
    for (const { ring } of results) expect(ring.decrypt(sealed)).toBe('shared');
    expect(await readdir(join(dir, 'fresh'))).toEqual(['key.json']); // no temp files left
  });

  it('reads a hand-written file with several keys and an active id', async () => {
    const [a, b] = [generateSecretKey('a'), generateSecretKey('b')];
    const path = join(dir, 'key.json');
    const keys = [a, b].map(({ id, key }) => ({ id, key: key.toString('base64') }));
    await writeFile(path, JSON.stringify({ activeKeyId: 'b', keys }), { mode: 0o600 });
    const { ring, created } = await loadOrCreateKeyFile(path);
    expect(created).toBe(false);
    expect(ring.ids).toEqual(['a', 'b']);
    expect(ring.activeId).toBe('b');
  });

  it('reports an invalid file by path, without echoing its contents', async () => {
    const path = join(dir, 'key.json');
    const key = generateSecretKey('a').key.toString('base64');
    const cases: [string, RegExp][] = [
      [`{"keys": [{"id": "a", "key": "${key}"`, /is not valid JSON/],
      [`["${key}"]`, /must be \{"activeKeyId"/],
      [`{"keys": [{"id": "a", "key": 5}]}`, /keys\[0\] must be/],
      [`{"keys": [{"id": "a", "key": "${key.slice(0, 20)}"}]}`, /keys\[0\] \("a"\): key must decode to 32 bytes/],
      [`{"activeKeyId": "z", "keys": [{"id": "a", "key": "${key}"}]}`, /active key id "z"/],
      [`{"activeKeyId": 1, "keys": [{"id": "a", "key": "${key}"}]}`, /"activeKeyId" must be a string/],
      ['{"keys": []}', /key ring is empty/],
    ];
    for (const [text, message] of cases) {
      await writeFile(path, text, { mode: 0o600 });
      const error = await failure(loadOrCreateKeyFile(path));
      expect(error.code).toBe('invalid_key_file');
      expect(error.message).toContain(path);
      expect(error.message).toMatch(message);
      expect(error.message).not.toContain(key.slice(0, 20));
    }
  });
});
