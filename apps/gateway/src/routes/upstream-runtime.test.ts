import { freePort } from '@switchboard/core/upstream/test-upstreams';
import type { Catalog } from '@switchboard/core/upstream/types';
import { backends } from '@switchboard/db/testing/test-database';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveCatalog } from '../services/upstream-catalogs.ts';
import { createTestGateway, json, type TestGateway } from '../testing/test-gateway.ts';

const catalog: Catalog = { tools: [], resources: [], resourceTemplates: [], prompts: [], capabilities: {}, serverInfo: null, instructions: null };

describe.each(backends)('upstream catalog API on %s', (backend) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await createTestGateway(backend);
  });
  afterAll(() => gw.close());

  it('answers 204 for an upstream not listed yet (a normal state), then the catalog with when it was checked and changed', async () => {
    const created = await json(gw.api('POST', '/api/v1/upstreams', { name: 'later', transport: 'streamable-http', url: 'http://127.0.0.1:9/mcp' }));
    const before = await gw.api('GET', `/api/v1/upstreams/${created.id}/catalog`);
    expect(before.status).toBe(204);
    expect(await before.text()).toBe('');
    await saveCatalog(gw.database.db, created.id, catalog, new Date('2026-01-01T00:00:00Z'));
    await saveCatalog(gw.database.db, created.id, catalog, new Date('2026-01-01T00:30:00Z'));
    const after = await json(gw.api('GET', `/api/v1/upstreams/${created.id}/catalog`));
    expect(after).toMatchObject({ refreshedAt: '2026-01-01T00:00:00.000Z', checkedAt: '2026-01-01T00:30:00.000Z' });
  });

  it('says why an upstream could not be reached (ECONNREFUSED), not just "fetch failed"', async () => {
    const url = `http://127.0.0.1:${await freePort()}/mcp`;
    const tested = await json(gw.api('POST', '/api/v1/upstreams/test', { name: 'down', transport: 'streamable-http', url }));
    expect(tested.ok).toBe(false);
    expect(tested.error).toMatch(/ECONNREFUSED/);
    const created = await json(gw.api('POST', '/api/v1/upstreams', { name: 'down', transport: 'streamable-http', url }));
    const refreshed = await gw.api('POST', `/api/v1/upstreams/${created.id}/refresh`);
    expect(refreshed.status).toBe(503);
    expect((await json(refreshed)).error.message).toMatch(/ECONNREFUSED/);
  });
});
