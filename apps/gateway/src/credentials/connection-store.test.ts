import { generateSecretKey, KeyRing } from '@switchboard/auth/secret-box';
import { type DatabaseHandle, openDatabase } from '@switchboard/db/client';
import { migrateDatabase } from '@switchboard/db/migrate';
import { upstreams, userConnections, users } from '@switchboard/db/schema';
import { createTestDatabase } from '@switchboard/db/testing/test-database';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { UserConnectionStore } from './connection-store.ts';

/**
 * A person's connection is read once per replica and then served from memory; a change
 * made through one replica must reach the others (NOTIFY), or one replica would keep
 * sending a replaced or withdrawn secret (or, for OAuth, a rotated-away token).
 */
describe('user connections across replicas (Postgres)', () => {
  const opened: Array<{ store: UserConnectionStore; database: DatabaseHandle }> = [];
  afterAll(async () => {
    for (const { store, database } of opened) {
      await store.stop();
      await database.close();
    }
  });
  const ring = new KeyRing([generateSecretKey('k')]);

  async function replica(url: string) {
    const database = await openDatabase({ kind: 'postgres', url, maxConnections: 3 });
    const store = new UserConnectionStore({ db: database.db, secrets: ring, logger: pino({ level: 'silent' }), signals: database });
    await store.start();
    opened.push({ store, database });
    return store;
  }

  const eventually = async (check: () => Promise<boolean>, what: string) => {
    for (let i = 0; i < 200 && !(await check()); i++) await new Promise((r) => setTimeout(r, 50));
    expect(await check(), what).toBe(true);
  };

  it('a change through one replica replaces the other replica’s cached connection, and tells it', async () => {
    const url = await createTestDatabase();
    const setup = await openDatabase({ kind: 'postgres', url, maxConnections: 2 });
    await migrateDatabase(setup);
    const [user] = await setup.db.insert(users).values({ email: 'rep@example.com' }).returning();
    const [upstream] = await setup.db.insert(upstreams).values({ name: 'gh', transport: 'streamable-http', url: 'https://gh.example.com/mcp', credentialMode: 'per-user' }).returning();
    await setup.close();
    const [a, b] = [await replica(url), await replica(url)];
    const changedOnB: string[] = [];
    b.onChange((userId, upstreamId) => changedOnB.push(`${userId}:${upstreamId}`));
    const valueOn = async (store: UserConnectionStore) => ((await store.get(user!.id, upstream!.id))?.payload as { values?: { T?: string } } | undefined)?.values?.T;

    await a.save({ userId: user!.id, upstreamId: upstream!.id, kind: 'secrets', payload: { values: { T: 'first' } } });
    expect(await valueOn(b)).toBe('first'); // read once, now cached on b
    await a.save({ userId: user!.id, upstreamId: upstream!.id, kind: 'secrets', payload: { values: { T: 'second' } } });
    await eventually(async () => (await valueOn(b)) === 'second', 'replica b serves the new value');
    expect(changedOnB).toContain(`${user!.id}:${upstream!.id}`);

    await a.setStatus(user!.id, upstream!.id, 'needs_authorization');
    await eventually(async () => (await b.get(user!.id, upstream!.id))?.status === 'needs_authorization', 'replica b sees the new status');
    await a.remove(user!.id, upstream!.id);
    await eventually(async () => (await b.get(user!.id, upstream!.id)) === undefined, 'replica b forgets the removed connection');

    // stored as one ciphertext: the row holds no value in clear
    await a.save({ userId: user!.id, upstreamId: upstream!.id, kind: 'secrets', payload: { values: { T: 'third-value' } } });
    const [row] = await opened[0]!.database.db.select().from(userConnections);
    expect(row!.payload).toMatch(/^sb1\./);
    expect(JSON.stringify(row)).not.toContain('third-value');
  });
});
