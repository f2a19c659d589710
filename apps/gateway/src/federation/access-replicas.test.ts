import { generateSecretKey, KeyRing } from '@switchboard/auth/secret-box';
import { type DatabaseHandle, openDatabase } from '@switchboard/db/client';
import { migrateDatabase } from '@switchboard/db/migrate';
import { policies, users, virtualServers } from '@switchboard/db/schema';
import { createTestDatabase } from '@switchboard/db/testing/test-database';
import { eq } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import type { ServiceContext } from '../services/context.ts';
import { FederationRegistry } from './registry.ts';

const SERVER_ID = '5b3d1f7a-9c2e-4a6b-8d0f-1e3c5a7b9d2f';

describe('policy changes across replicas', () => {
  const opened: Array<{ registry: FederationRegistry; database: DatabaseHandle }> = [];
  afterAll(async () => {
    for (const { registry, database } of opened) {
      await registry.close();
      await database.close();
    }
  });

  async function replica(url: string) {
    const database = await openDatabase({ kind: 'postgres', url, maxConnections: 3 });
    const ctx: ServiceContext = { db: database.db, secrets: new KeyRing([generateSecretKey('k')]), publicUrl: 'https://gw.example.com' };
    const registry = new FederationRegistry({ ctx, logger: pino({ level: 'silent' }), version: 'test', signals: database });
    await registry.followReplicas();
    await registry.reload();
    opened.push({ registry, database });
    return { registry, database };
  }

  it('a change committed through one replica reaches the other replica’s in-memory snapshot', async () => {
    const url = await createTestDatabase();
    const setup = await openDatabase({ kind: 'postgres', url, maxConnections: 2 });
    await migrateDatabase(setup);
    await setup.close();
    const a = await replica(url);
    const b = await replica(url);

    const db = a.database.db;
    await db.insert(virtualServers).values({ id: SERVER_ID, name: 'shared', authMode: 'api-key' });
    const [user] = await db.insert(users).values({ email: 'dana@example.com' }).returning();
    await db.insert(policies).values({ subjectType: 'user', subjectId: user!.id, virtualServerId: SERVER_ID, pattern: 'docs:*' });
    await a.registry.configChanged();
    expect(a.registry.access.current.allows(SERVER_ID, user!.id, 'tool', 'docs', 'search')).toBe(true);

    const eventually = async (check: () => boolean, what: string) => {
      for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
      expect(check(), what).toBe(true);
    };
    await eventually(() => b.registry.access.current.allows(SERVER_ID, user!.id, 'tool', 'docs', 'search'), 'replica b follows the new policy');

    await db.update(users).set({ disabled: true }).where(eq(users.id, user!.id));
    await a.registry.configChanged();
    await eventually(() => !b.registry.access.current.userActive(user!.id), 'replica b sees the user disabled');
    expect(b.registry.access.current.allows(SERVER_ID, user!.id, 'tool', 'docs', 'search')).toBe(false);
  });
});
