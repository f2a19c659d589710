import { type ScryptOptions, scrypt, randomBytes, timingSafeEqual } from 'node:crypto';
import { PasswordError } from './errors.ts';

/**
 * scrypt password hashes as PHC strings: `$scrypt$ln=15,r=8,p=1$<salt b64>$<hash b64>`.
 * Parameters are read back from each stored string, so they can be raised for new hashes
 * without invalidating old ones.
 */
type ScryptParams = { ln: number; r: number; p: number };

const CURRENT: ScryptParams = { ln: 15, r: 8, p: 1 };
const SALT_BYTES = 16;
const HASH_BYTES = 32;
// Bounds the work an unauthenticated login request can cause: scrypt's PBKDF2 step and NFKC
// normalization both scale with the input, and no real password is this long.
export const MAX_PASSWORD_LENGTH = 1024;
// Ceiling on the memory a stored string may ask for (about 128 * r * N bytes: just over 32 MiB
// for the defaults, which already exceeds Node's default maxmem of 32 MiB).
const MAX_MEMORY = 256 * 1024 * 1024;
const PARAMS_PATTERN = /^ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})$/;
const B64_PATTERN = /^[A-Za-z0-9+/]+$/;

export async function hashPassword(password: string): Promise<string> {
  const normalized = normalize(password);
  if (normalized === undefined) {
    throw new PasswordError('password_too_long', `password must be at most ${MAX_PASSWORD_LENGTH} characters`);
  }
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(normalized, salt, CURRENT, HASH_BYTES);
  const { ln, r, p } = CURRENT;
  return `$scrypt$ln=${ln},r=${r},p=${p}$${encode(salt)}$${encode(hash)}`;
}

/**
 * False for a wrong password, a malformed or unsupported stored string, or an over-long
 * password (hashPassword never accepts one, so it cannot match); never throws for those.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const normalized = normalize(password);
  const parsed = parse(stored);
  if (normalized === undefined || !parsed) return false;
  const candidate = await derive(normalized, parsed.salt, parsed.params, parsed.hash.length);
  return timingSafeEqual(candidate, parsed.hash);
}

// NFKC so that the same typed password matches whatever Unicode form a keyboard or OS produces
// (NIST SP 800-63B 5.1.1.2). Changing this later would break existing hashes, so it is fixed here.
function normalize(password: string): string | undefined {
  return password.length > MAX_PASSWORD_LENGTH ? undefined : password.normalize('NFKC');
}

function parse(stored: string): { params: ScryptParams; salt: Buffer; hash: Buffer } | undefined {
  if (typeof stored !== 'string') return undefined;
  const parts = stored.split('$');
  if (parts.length !== 5 || parts[0] !== '' || parts[1] !== 'scrypt') return undefined;
  const match = PARAMS_PATTERN.exec(parts[2]!);
  if (!match) return undefined;
  const params = { ln: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
  const salt = decode(parts[3]!);
  const hash = decode(parts[4]!);
  if (!salt || !hash || salt.length < 8 || hash.length < 16 || hash.length > 64) return undefined;
  return acceptable(params) ? { params, salt, hash } : undefined;
}

// Bounds keep a corrupted or hostile stored string from demanding unbounded memory or time.
function acceptable({ ln, r, p }: ScryptParams): boolean {
  return ln >= 1 && ln <= 24 && r >= 1 && p >= 1 && p <= 16 && memoryFor({ ln, r, p }) <= MAX_MEMORY;
}

function memoryFor({ ln, r, p }: ScryptParams): number {
  return 128 * r * (2 ** ln + p + 2);
}

function derive(password: string, salt: Buffer, params: ScryptParams, length: number): Promise<Buffer> {
  const options: ScryptOptions = { N: 2 ** params.ln, r: params.r, p: params.p, maxmem: MAX_MEMORY };
  // The callback form runs on libuv's thread pool; scryptSync would block the event loop ~100 ms.
  return new Promise((resolve, reject) => {
    scrypt(password, salt, length, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

// PHC strings use standard base64 without padding.
function encode(bytes: Buffer): string {
  return bytes.toString('base64').replace(/=+$/, '');
}

function decode(text: string): Buffer | undefined {
  if (!B64_PATTERN.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return encode(bytes) === text ? bytes : undefined;
}
