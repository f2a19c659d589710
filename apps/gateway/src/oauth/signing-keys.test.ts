import { signAccessToken, verifyAccessToken } from '@switchboard/auth/oauth/access-token';
import { generateSecretKey, KeyRing } from '@switchboard/auth/secret-box';
import { signingKeys } from '@switchboard/db/schema';
import { backends, openTestDatabase } from '@switchboard/db/testing/test-database';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { ServiceContext } from '../services/context.ts';
import { SigningKeyStore } from './signing-keys.ts';

const DAY = 86_400_000;

describe.each(backends)('signing key store on %s', (backend) => {
  it('creates an encrypted key, pre-publishes its successor, rotates, and keeps verifying old tokens through the overlap', async () => {
    const database = await openTestDatabase(backend);
    const ctx: ServiceContext = { db: database.db, secrets: new KeyRing([generateSecretKey('t')]), publicUrl: 'https://gw.example.com' };
    for (const algorithm of ['ES256', 'RS256'] as const) {
      await database.db.delete(signingKeys);
      const store = new SigningKeyStore(ctx, { algorithm, accessTokenTtlSeconds: 900, logger: pino({ level: 'silent' }), withLock: (_k, fn) => fn() });
      await store.rotateIfDue();
      const [row] = await database.db.select().from(signingKeys);
      expect(row!.alg).toBe(algorithm);
      expect(row!.privateJwk).toMatch(/^sb1\./);
      expect(row!.privateJwk).not.toContain('"d"');
      const first = store.signingKey();
      const audience = 'https://gw.example.com/servers/x/mcp';
      const claims = { issuer: 'https://gw.example.com', subject: 'u', audience, clientId: 'c', scope: 'mcp', ttlSeconds: 900 };
      const oldToken = await signAccessToken(first, claims);

      // 30 days on (minus the hour of pre-publication): a successor appears in the JWKS but does not sign yet.
      await store.rotateIfDue(new Date(Date.now() + 30 * DAY - 30 * 60_000));
      expect(store.jwks().keys).toHaveLength(2);
      expect(store.signingKey().kid).toBe(first.kid);

      const fresh = new SigningKeyStore(ctx, { algorithm, accessTokenTtlSeconds: 900, logger: pino({ level: 'silent' }), withLock: (_k, fn) => fn() });
      await fresh.reload();
      const options = { issuer: 'https://gw.example.com', audience, algorithms: [algorithm], keys: fresh.verificationKeys };
      await expect(verifyAccessToken(oldToken, options)).resolves.toMatchObject({ sub: 'u' });
      store.stop();
    }
    await database.close();
  });
});
