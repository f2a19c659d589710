import type { Catalog } from '@switchboard/core/upstream/types';
import type { DatabaseHandle } from '@switchboard/db/client';
import { upstreams } from '@switchboard/db/schema';
import { backends, openTestDatabase } from '@switchboard/db/testing/test-database';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCatalogRow, saveCatalog } from './upstream-catalogs.ts';

const catalog = (tools: string[]): Catalog => ({
  tools: tools.map((name) => ({ name, inputSchema: { type: 'object' } })) as Catalog['tools'],
  resources: [],
  resourceTemplates: [],
  prompts: [],
  capabilities: {},
  serverInfo: null,
  instructions: null,
});

describe.each(backends)('upstream catalogs on %s', (backend) => {
  let database: DatabaseHandle;
  let id = '';
  beforeAll(async () => {
    database = await openTestDatabase(backend);
    const [row] = await database.db.insert(upstreams).values({ name: 'fx', transport: 'stdio', command: 'node' }).returning();
    id = row!.id;
  });
  afterAll(() => database.close());

  it('records every listing in checkedAt, and in refreshedAt only when the lists changed', async () => {
    const t0 = new Date('2026-01-01T00:00:00Z');
    const t1 = new Date('2026-01-01T00:10:00Z');
    const t2 = new Date('2026-01-01T00:20:00Z');
    await saveCatalog(database.db, id, catalog(['echo']), t0);
    await saveCatalog(database.db, id, catalog(['echo']), t1);
    let row = await getCatalogRow(database.db, id);
    expect(row).toMatchObject({ refreshedAt: t0, checkedAt: t1 });
    await saveCatalog(database.db, id, catalog(['echo', 'add']), t2);
    row = await getCatalogRow(database.db, id);
    expect(row).toMatchObject({ refreshedAt: t2, checkedAt: t2 });
    expect(row!.tools.map((t) => t.name)).toEqual(['echo', 'add']);
  });
});
