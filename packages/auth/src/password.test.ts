import { randomBytes, scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PasswordError } from './errors.ts';
import { hashPassword, MAX_PASSWORD_LENGTH, verifyPassword } from './password.ts';

const b64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');

describe('hashPassword / verifyPassword', () => {
  it('produces a salted PHC string that verifies', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(stored).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
    expect(await hashPassword('correct horse battery staple')).not.toBe(stored);
  });

  it('reads parameters from the stored string, so they can change later', async () => {
    const salt = randomBytes(16);
    // Test-only: a cheap hash built by hand, as an older or newer parameter set would be.
    const hash = scryptSync('pw', salt, 32, { N: 2 ** 10, r: 4, p: 2 });
    const stored = `$scrypt$ln=10,r=4,p=2$${b64(salt)}$${b64(hash)}`;
    expect(await verifyPassword('pw', stored)).toBe(true);
    expect(await verifyPassword('pw', stored.replace('r=4', 'r=5'))).toBe(false);
  });

  it('treats Unicode-equivalent spellings as the same password', async () => {
    const stored = await hashPassword('caf\u00e9');
    expect(await verifyPassword('cafe\u0301', stored)).toBe(true);
  });

  it('returns false, without throwing, for malformed stored strings', async () => {
    const good = await hashPassword('pw');
    const [, , params, salt, hash] = good.split('$') as [string, string, string, string, string];
    const malformed = [
      '',
      'pw',
      '$scrypt$',
      good.slice(1),
      `${good}$`,
      `$argon2id$${params}$${salt}$${hash}`,
      `$scrypt$ln=15,r=8$${salt}$${hash}`,
      `$scrypt$r=8,ln=15,p=1$${salt}$${hash}`,
      `$scrypt$ln=x,r=8,p=1$${salt}$${hash}`,
      `$scrypt$ln=0,r=8,p=1$${salt}$${hash}`,
      `$scrypt$ln=30,r=8,p=1$${salt}$${hash}`, // would need terabytes of memory
      `$scrypt$ln=15,r=99,p=1$${salt}$${hash}`,
      `$scrypt$${params}$${salt}!$${hash}`,
      `$scrypt$${params}$${salt}==$${hash}`,
      `$scrypt$${params}$$${hash}`,
      `$scrypt$${params}$${salt}$${hash.slice(0, 10)}`,
      `$scrypt$${params}$${salt}$`,
    ];
    for (const stored of malformed) {
      await expect(verifyPassword('pw', stored), stored).resolves.toBe(false);
    }
    await expect(verifyPassword('pw', null as unknown as string)).resolves.toBe(false);
  });

  it('rejects over-long passwords', async () => {
    const tooLong = 'a'.repeat(MAX_PASSWORD_LENGTH + 1);
    const error = await hashPassword(tooLong).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PasswordError);
    expect((error as PasswordError).code).toBe('password_too_long');
    await expect(hashPassword('a'.repeat(MAX_PASSWORD_LENGTH))).resolves.toMatch(/^\$scrypt\$/);
    expect(await verifyPassword(tooLong, await hashPassword('pw'))).toBe(false);
  });
});
