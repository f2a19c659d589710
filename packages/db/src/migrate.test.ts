import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from './client.ts';
import { migrateDatabase, migrationsFolder } from './migrate.ts';
import { roles, upstreams } from './schema/index.ts';
import { backends, createTestDatabase, openTestDatabase } from './testing/test-database.ts';

describe.each(backends)('storage on %s', (backend) => {
  it('migrates idempotently and stores rows', async () => {
    const handle = await openTestDatabase(backend);
    try {
      await migrateDatabase(handle); // second run applies nothing and must not fail
      const [row] = await handle.db
        .insert(upstreams)
        .values({ name: 'everything', transport: 'stdio', command: 'npx', args: ['-y', 'x'] })
        .returning();
      expect(row?.id).toMatch(/^[0-9a-f-]{36}$/);
      const found = await handle.db.select().from(upstreams).where(eq(upstreams.name, 'everything'));
      expect(found[0]?.args).toEqual(['-y', 'x']);
      await expect(handle.db.insert(upstreams).values({ name: 'everything', transport: 'stdio' })).rejects.toThrow();
    } finally {
      await handle.close();
    }
  });

  it('rolls back a failed transaction completely', async () => {
    const handle = await openTestDatabase(backend);
    try {
      await expect(
        handle.db.transaction(async (tx) => {
          await tx.insert(roles).values({ name: 'eng' });
          await tx.insert(roles).values({ name: 'eng' });
        }),
      ).rejects.toThrow();
      expect(await handle.db.select().from(roles)).toEqual([]);
    } finally {
      await handle.close();
    }
  });
});

describe('postgres migrations under concurrency', () => {
  it('two processes migrating at once both succeed and apply each migration once', async () => {
    const url = await createTestDatabase();
    const a = await openDatabase({ kind: 'postgres', url });
    const b = await openDatabase({ kind: 'postgres', url });
    try {
      await Promise.all([migrateDatabase(a), migrateDatabase(b)]);
      const applied = await a.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
      const rows = applied as unknown as Array<{ n: number }>;
      const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] };
      expect(rows[0]?.n).toBe(journal.entries.length);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('embedded database on disk', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('keeps data across close and reopen', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-pglite-'));
    dirs.push(dir);
    const first = await openDatabase({ kind: 'pglite', dataDir: dir });
    await migrateDatabase(first);
    await first.db.insert(roles).values({ name: 'ops' });
    await first.close();
    const second = await openDatabase({ kind: 'pglite', dataDir: dir });
    await migrateDatabase(second);
    expect((await second.db.select().from(roles)).map((r) => r.name)).toEqual(['ops']);
    await second.close();
  });
});
