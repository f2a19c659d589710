import { createLocalJWKSet } from 'jose';
import { describe, expect, it } from 'vitest';
import { AccessTokenError, signAccessToken, verifyAccessToken } from './access-token.ts';
import { activeKey, generateSigningKey, importSigningKey, type KeyWindow, nextKeyWindow, publishedKeys } from './signing-key.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const schedule = { rotateEveryMs: 30 * DAY, prepublishMs: HOUR, overlapMs: DAY };
const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms);

describe('signing key schedule', () => {
  it('creates an immediately active key when there is none', () => {
    expect(nextKeyWindow([], at(0), schedule)).toEqual({ activatesAt: at(0), expiresAt: at(31 * DAY + HOUR) });
  });

  it('pre-publishes the successor before rotation and keeps the old key published through the overlap', () => {
    const first: KeyWindow = { kid: 'a', activatesAt: at(0), expiresAt: at(31 * DAY + HOUR) };
    expect(nextKeyWindow([first], at(10 * DAY), schedule)).toBeUndefined();
    const window = nextKeyWindow([first], at(30 * DAY - HOUR), schedule);
    expect(window?.activatesAt).toEqual(at(30 * DAY));
    const second: KeyWindow = { kid: 'b', ...window! };
    expect(nextKeyWindow([first, second], at(30 * DAY - HOUR / 2), schedule)).toBeUndefined();
    expect(activeKey([first, second], at(30 * DAY - 1))?.kid).toBe('a');
    expect(activeKey([first, second], at(30 * DAY))?.kid).toBe('b');
    expect(publishedKeys([first, second], at(30 * DAY + HOUR)).map((k) => k.kid)).toEqual(['a', 'b']);
    expect(publishedKeys([first, second], at(32 * DAY)).map((k) => k.kid)).toEqual(['b']);
  });

  it('replaces a key about to expire at once', () => {
    const stale: KeyWindow = { kid: 'a', activatesAt: at(0), expiresAt: at(31 * DAY + HOUR) };
    expect(nextKeyWindow([stale], at(31 * DAY), schedule)?.activatesAt).toEqual(at(31 * DAY));
  });
});

describe('access tokens', () => {
  async function setup() {
    const generated = await generateSigningKey('ES256');
    const key = await importSigningKey(generated.kid, generated.alg, generated.privateJwk);
    const keys = createLocalJWKSet({ keys: [generated.publicJwk] });
    return { key, keys };
  }
  const claims = { issuer: 'https://gw.example', subject: 'user-1', audience: 'https://gw.example/servers/a/mcp', clientId: 'c1', scope: 'mcp', ttlSeconds: 60 };
  const verifyOptions = (keys: ReturnType<typeof createLocalJWKSet>) => ({
    issuer: 'https://gw.example',
    audience: 'https://gw.example/servers/a/mcp',
    algorithms: ['ES256'],
    keys,
    requireAtJwtType: true,
  });

  it('round-trips with kid, typ at+jwt and the claims', async () => {
    const { key, keys } = await setup();
    const token = await signAccessToken(key, claims);
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString());
    expect(header).toMatchObject({ alg: 'ES256', kid: key.kid, typ: 'at+jwt' });
    const payload = await verifyAccessToken(token, verifyOptions(keys));
    expect(payload).toMatchObject({ sub: 'user-1', client_id: 'c1', scope: 'mcp', aud: claims.audience });
  });

  it.each([
    ['wrong audience', { audience: 'https://gw.example/servers/b/mcp' }, 'wrong_audience'],
    ['wrong issuer', { issuer: 'https://evil.example' }, 'wrong_issuer'],
    ['expired', { ttlSeconds: -60 }, 'expired'],
  ] as const)('refuses a token with %s', async (_label, override, reason) => {
    const { key, keys } = await setup();
    const token = await signAccessToken(key, { ...claims, ...override });
    await expect(verifyAccessToken(token, verifyOptions(keys))).rejects.toMatchObject({ reason });
  });

  it('allows no clock leeway unless asked: a token 2 s past exp is refused, accepted only with a tolerance', async () => {
    const { key, keys } = await setup();
    const token = await signAccessToken(key, { ...claims, ttlSeconds: -2 });
    await expect(verifyAccessToken(token, verifyOptions(keys))).rejects.toMatchObject({ reason: 'expired' });
    await expect(verifyAccessToken(token, { ...verifyOptions(keys), clockToleranceSeconds: 5 })).resolves.toMatchObject({ sub: 'user-1' });
  });

  it('carries the grant id when given one', async () => {
    const { key, keys } = await setup();
    const payload = await verifyAccessToken(await signAccessToken(key, { ...claims, grantId: 'g-1' }), verifyOptions(keys));
    expect(payload.grant_id).toBe('g-1');
  });

  it('refuses a tampered payload, alg none and a foreign key', async () => {
    const { key, keys } = await setup();
    const token = await signAccessToken(key, claims);
    const [h, p, s] = token.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...payload, sub: 'admin' })).toString('base64url')}.${s}`;
    await expect(verifyAccessToken(tampered, verifyOptions(keys))).rejects.toMatchObject({ reason: 'bad_signature' });
    const noneHeader = Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt', kid: key.kid })).toString('base64url');
    await expect(verifyAccessToken(`${noneHeader}.${p}.`, verifyOptions(keys))).rejects.toBeInstanceOf(AccessTokenError);
    const other = await setup();
    const foreign = await signAccessToken(other.key, claims);
    await expect(verifyAccessToken(foreign, verifyOptions(keys))).rejects.toMatchObject({ reason: 'unknown_key' });
  });
});
