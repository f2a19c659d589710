import { randomBytes } from 'node:crypto';
import { link, mkdir, open, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SecretKeyError } from './errors.ts';
import { decodeSecretKey, generateSecretKey, KeyRing, type SecretKey } from './secret-box.ts';

/**
 * The embedded default: with no key ring configured, secrets are sealed under a key kept in a
 * local file, `{ "activeKeyId": "...", "keys": [{ "id": "...", "key": "<base64>" }] }`.
 * Losing this file makes every stored secret unreadable, hence the care taken creating it.
 */
export async function loadOrCreateKeyFile(path: string): Promise<{ ring: KeyRing; created: boolean }> {
  const existing = await readKeyFile(path);
  if (existing) return { ring: existing, created: false };

  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  // A random suffix keeps this id from colliding with ids an operator later picks for rotation.
  const key = generateSecretKey(`local-${randomBytes(4).toString('hex')}`);
  if (await createExclusive(path, serialize(key))) return { ring: new KeyRing([key]), created: true };

  // Another process created the file first: use its key, never ours.
  const winner = await readKeyFile(path);
  if (!winner) throw fileError('invalid_key_file', path, 'was created by another process and then removed');
  return { ring: winner, created: false };
}

function serialize({ id, key }: SecretKey): string {
  return `${JSON.stringify({ activeKeyId: id, keys: [{ id, key: key.toString('base64') }] }, null, 2)}\n`;
}

/**
 * Writes a private temp file (flag 'wx', mode 0600), fsyncs it, then link()s it to `path`.
 * link is atomic and fails with EEXIST when `path` exists, so of several concurrent starters
 * exactly one creates the key, and no reader ever sees a half-written file. Returns false on EEXIST.
 */
async function createExclusive(path: string, content: string): Promise<boolean> {
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await link(temp, path);
    await syncDirectory(dirname(path));
    return true;
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

// Persist the new directory entry too; a key lost in a crash would orphan secrets sealed under it.
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Not every platform can fsync a directory; the file itself is already synced.
  }
}

/** Reads and validates the key file, or returns undefined when it does not exist. */
async function readKeyFile(path: string): Promise<KeyRing | undefined> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  try {
    // fstat on the open handle, so the mode checked is that of the file actually read.
    const { mode } = await handle.stat();
    // Windows has no POSIX mode bits to check.
    if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
      const shown = (mode & 0o777).toString(8).padStart(3, '0');
      throw fileError('key_file_permissions', path, `is accessible by group or others (mode ${shown}); run: chmod 600 ${path}`);
    }
    return parseKeyFile(await handle.readFile('utf8'), path);
  } finally {
    await handle.close();
  }
}

function parseKeyFile(text: string, path: string): KeyRing {
  const shape = 'must be {"activeKeyId": "<id>", "keys": [{"id": "<id>", "key": "<base64 of 32 bytes>"}]}';
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    // JSON.parse messages quote the input, which here is key material: say only where.
    throw fileError('invalid_key_file', path, `is not valid JSON; it ${shape}`);
  }
  if (!isRecord(doc) || !Array.isArray(doc.keys)) throw fileError('invalid_key_file', path, shape);
  const { activeKeyId } = doc;
  if (activeKeyId !== undefined && typeof activeKeyId !== 'string') {
    throw fileError('invalid_key_file', path, '"activeKeyId" must be a string');
  }
  try {
    const keys = doc.keys.map((entry: unknown, index) => {
      if (!isRecord(entry) || typeof entry.id !== 'string' || typeof entry.key !== 'string') {
        throw fileError('invalid_key_file', path, `keys[${index}] must be {"id": string, "key": base64 string}`);
      }
      return decodeSecretKey(entry.id, entry.key, `keys[${index}]`);
    });
    return new KeyRing(keys, activeKeyId);
  } catch (error) {
    if (error instanceof SecretKeyError && error.code === 'invalid_key_ring') {
      throw fileError('invalid_key_file', path, error.message);
    }
    throw error;
  }
}

function fileError(code: 'invalid_key_file' | 'key_file_permissions', path: string, problem: string) {
  return new SecretKeyError(code, `key file ${path}: ${problem}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function errnoCode(error: unknown): string | undefined {
  return isRecord(error) && typeof error.code === 'string' ? error.code : undefined;
}
