import { randomBytes } from 'node:crypto';
import { KeyRing } from '@switchboard/auth/secret-box';
import type { DatabaseHandle } from '@switchboard/db/client';
import { upstreamOauthAuthorizations, upstreams, users } from '@switchboard/db/schema';
import { backends, openTestDatabase } from '@switchboard/db/testing/test-database';
import { isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '../services/context.ts';
import { consumePendingAuthorization, createPendingAuthorization } from './authorizations.ts';

describe.each(backends)('pending upstream authorizations on %s', (backend) => {
  let database: DatabaseHandle;
  let ctx: ServiceContext;
  let input: Parameters<typeof createPendingAuthorization>[1];

  beforeAll(async () => {
    database = await openTestDatabase(backend);
    ctx = { db: database.db, secrets: new KeyRing([{ id: 'k1', key: randomBytes(32) }]), publicUrl: 'http://gw.test' };
    const [user] = await database.db.insert(users).values({ email: 'ada@example.com' }).returning();
    const [upstream] = await database.db.insert(upstreams).values({ name: 'secure', transport: 'streamable-http', url: 'http://127.0.0.1:1/mcp' }).returning();
    input = { userId: user!.id, upstreamId: upstream!.id, issuer: 'http://as.test', codeVerifier: 'verifier-0123456789', browserBinding: 'browser-a' };
  });
  afterAll(() => database.close());

  it('stores only hashes of state and binding, and the verifier encrypted', async () => {
    const state = await createPendingAuthorization(ctx, input);
    const rows = await database.db.select().from(upstreamOauthAuthorizations);
    const raw = JSON.stringify(rows);
    expect(raw).not.toContain(state);
    expect(raw).not.toContain('browser-a');
    expect(raw).not.toContain('verifier-0123456789');
  });

  it('is taken once, by the browser that started it', async () => {
    const state = await createPendingAuthorization(ctx, input);
    expect(await consumePendingAuthorization(ctx, state, 'browser-b')).toEqual({ ok: false, reason: 'foreign' });
    expect(await consumePendingAuthorization(ctx, state, undefined)).toEqual({ ok: false, reason: 'foreign' });
    const taken = await consumePendingAuthorization(ctx, state, 'browser-a');
    expect(taken).toEqual({ ok: true, pending: { userId: input.userId, upstreamId: input.upstreamId, issuer: 'http://as.test', codeVerifier: 'verifier-0123456789' } });
    expect(await consumePendingAuthorization(ctx, state, 'browser-a')).toEqual({ ok: false, reason: 'used' });
    expect(await consumePendingAuthorization(ctx, 'made-up-state', 'browser-a')).toEqual({ ok: false, reason: 'unknown' });
  });

  it('expires', async () => {
    const state = await createPendingAuthorization(ctx, input);
    await database.db.update(upstreamOauthAuthorizations).set({ expiresAt: new Date(Date.now() - 1000) }).where(isNull(upstreamOauthAuthorizations.usedAt));
    expect(await consumePendingAuthorization(ctx, state, 'browser-a')).toEqual({ ok: false, reason: 'expired' });
  });

  it('lets one of two simultaneous callbacks through', async () => {
    const state = await createPendingAuthorization(ctx, input);
    const results = await Promise.all([1, 2, 3].map(() => consumePendingAuthorization(ctx, state, 'browser-a')));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });
});
