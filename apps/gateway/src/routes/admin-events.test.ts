/**
 * The admin trail over a real gateway: changes made through the admin API (CRUD routes,
 * actions, the configuration import) and the watched config file are recorded with who
 * made them and the object before and after, secrets masked; the list filters and pages;
 * the export streams JSON Lines and CSV; retention removes old records.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminEvents } from '@switchboard/db/schema';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteAdminEventsBefore } from '../services/admin-events.ts';
import { ConfigFileWatcher } from '../services/config-file.ts';
import { createTestGateway, json, type TestGateway } from '../testing/test-gateway.ts';

const SECRET = 'sk-live-never-in-the-trail-1f2e';
const OTHER_SECRET = 'sk-live-also-not-in-the-trail-9a8b';

// biome-ignore lint/suspicious/noExplicitAny: tests assert on arbitrary response shapes
type Json = any;

describe('admin events', () => {
  let gw: TestGateway;
  let tokenId: string;
  let upstreamId: string;
  const list = async (query = ''): Promise<Json> => json(gw.api('GET', `/api/v1/admin-events?${query}`));

  beforeAll(async () => {
    gw = await createTestGateway('pglite');
    tokenId = (await json(gw.api('GET', '/api/v1/api-tokens'))).items.find((t: Json) => t.name === 'SWITCHBOARD_ADMIN_TOKEN').id;
  });
  afterAll(() => gw.close());

  it('records create, update and delete of an upstream with who did it, before and after, the secret header masked', async () => {
    const created = await gw.api('POST', '/api/v1/upstreams', {
      name: 'docs',
      transport: 'streamable-http',
      url: 'http://127.0.0.1:9/mcp',
      headers: { Authorization: `Bearer ${SECRET}` },
      enabled: false,
    });
    expect(created.status).toBe(201);
    upstreamId = ((await created.json()) as Json).id;
    expect((await gw.api('PATCH', `/api/v1/upstreams/${upstreamId}`, { description: 'the docs', headers: { 'X-Api-Key': OTHER_SECRET } })).status).toBe(200);
    expect((await gw.api('DELETE', `/api/v1/upstreams/${upstreamId}`)).status).toBe(204);

    const page = await list(`objectId=${upstreamId}`);
    expect(page.items.map((e: Json) => e.action)).toEqual(['delete', 'update', 'create']);
    const [deleted, updated, create] = page.items;
    const actor = { kind: 'token', id: tokenId, name: 'SWITCHBOARD_ADMIN_TOKEN' };
    expect(create).toMatchObject({ actor, object: { type: 'upstreams', id: upstreamId, name: 'docs' }, before: null });
    expect(create.after).toMatchObject({ name: 'docs', url: 'http://127.0.0.1:9/mcp', headers: { Authorization: { hasValue: true } } });
    expect(create.after).not.toHaveProperty('status');
    expect(create.requestId).toEqual(expect.any(String));
    expect(updated.before).toMatchObject({ description: null, headers: { Authorization: { hasValue: true } } });
    expect(updated.after).toMatchObject({ description: 'the docs', headers: { Authorization: { hasValue: true }, 'X-Api-Key': { hasValue: true } } });
    expect(deleted).toMatchObject({ actor, before: { name: 'docs', description: 'the docs' }, after: null });
    const stored = JSON.stringify(await gw.ctx.db.select().from(adminEvents));
    expect(stored).not.toContain(SECRET);
    expect(stored).not.toContain(OTHER_SECRET);
  });

  it('leaves no record of a refused change, nor of a request that changes nothing', async () => {
    const before = (await list('objectType=upstreams')).items.length;
    expect((await gw.api('POST', '/api/v1/upstreams', { name: 'bad name!', transport: 'stdio', command: 'x' })).status).toBe(400);
    expect((await gw.api('DELETE', '/api/v1/upstreams/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    // a connection test before saving (nothing listens on port 9: it answers that it failed)
    expect((await gw.api('POST', '/api/v1/upstreams/test', { name: 'probe', transport: 'streamable-http', url: 'http://127.0.0.1:9/mcp' })).status).toBe(200);
    expect((await list('objectType=upstreams')).items).toHaveLength(before);
  });

  it('records actions outside CRUD, masking what the response showed once (a new API token)', async () => {
    const res = await gw.api('POST', '/api/v1/api-tokens', { name: 'ci', scopes: ['admin:read'] });
    expect(res.status).toBe(201);
    const created = (await res.json()) as Json;
    const [event] = (await list('objectType=api-tokens&action=create')).items;
    expect(event).toMatchObject({ object: { type: 'api-tokens', id: created.id, name: 'ci' }, after: { name: 'ci', token: { hasValue: true } } });
    expect(JSON.stringify(event)).not.toContain(created.token);
  });

  it('records an import as the configuration before and after (secrets as placeholders), and not an import that changed nothing', async () => {
    const doc = {
      mcpServers: { imported: { type: 'streamable-http', url: 'http://127.0.0.1:9/mcp', headers: { Authorization: `Bearer ${SECRET}` } } },
    };
    expect((await gw.api('POST', '/api/v1/import', doc)).status).toBe(200);
    expect((await gw.api('POST', '/api/v1/import', doc)).status).toBe(200);
    expect((await gw.api('POST', '/api/v1/import?dryRun=true', { mcpServers: {} })).status).toBe(200);
    const imports = (await list('action=import')).items;
    expect(imports).toHaveLength(1);
    expect(imports[0]).toMatchObject({ object: { type: 'config', id: null, name: 'import (merge)' }, actor: { kind: 'token', id: tokenId } });
    expect(Object.keys(imports[0].before.mcpServers ?? {})).not.toContain('imported');
    expect(Object.keys(imports[0].after.mcpServers)).toContain('imported');
    expect(JSON.stringify(imports[0])).not.toContain(SECRET);
  });

  it('records what the watched configuration file changed, naming the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-admin-events-'));
    try {
      const file = join(dir, 'switchboard.json');
      await writeFile(file, JSON.stringify({ mcpServers: { fromfile: { command: 'node', args: ['x.js'], env: { TOKEN: SECRET } } } }));
      const watcher = new ConfigFileWatcher({ path: file, ctx: gw.ctx, logger: pino({ level: 'silent' }), env: {}, onApplied: async () => {} });
      await watcher.applyNow();
      const [event] = (await list(`actor=${encodeURIComponent(file)}`)).items;
      expect(event).toMatchObject({ actor: { kind: 'config-file', id: null, name: file }, action: 'import', object: { type: 'config' } });
      expect(event.after.mcpServers.fromfile.env.TOKEN).toEqual({ hasValue: true });
      expect(JSON.stringify(event)).not.toContain(SECRET);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('filters by actor, object, action and time, and pages with a cursor', async () => {
    const all = (await list('limit=200')).items;
    expect(all.length).toBeGreaterThanOrEqual(6);
    expect((await list(`actor=${tokenId}&limit=200`)).items.every((e: Json) => e.actor.id === tokenId)).toBe(true);
    expect((await list('actor=SWITCHBOARD_ADMIN_TOKEN&limit=200')).items.length).toBe((await list(`actor=${tokenId}&limit=200`)).items.length);
    expect((await list('objectType=upstreams&action=update')).items.map((e: Json) => e.object.id)).toEqual([upstreamId]);
    const newest = all[0].occurredAt;
    expect((await list(`until=${encodeURIComponent(new Date(Date.parse(all.at(-1).occurredAt)).toISOString())}`)).items).toEqual([]);
    expect((await list(`since=${encodeURIComponent(newest)}`)).items.map((e: Json) => e.seq)).toContain(all[0].seq);

    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: Json = await list(`limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((e: Json) => e.seq));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((e: Json) => e.seq));
    expect((await gw.api('GET', '/api/v1/admin-events?cursor=nope')).status).toBe(400);
    expect((await gw.api('GET', '/api/v1/admin-events?since=yesterday')).status).toBe(400);
    expect((await gw.api('GET', '/api/v1/admin-events', undefined, null)).status).toBe(401);
  });

  it('exports as JSON Lines and CSV, oldest first, with the filters', async () => {
    const jsonl = await gw.api('GET', `/api/v1/admin-events/export?objectId=${upstreamId}`);
    expect(jsonl.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = (await jsonl.text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((e) => e.action)).toEqual(['create', 'update', 'delete']);
    const csv = await gw.api('GET', `/api/v1/admin-events/export?format=csv&objectId=${upstreamId}`);
    expect(csv.headers.get('content-disposition')).toContain('admin-events.csv');
    const rows = (await csv.text()).trim().split('\r\n');
    expect(rows[0]).toBe('seq,occurredAt,actorKind,actorId,actorName,action,objectType,objectId,objectName,before,after,requestId');
    expect(rows).toHaveLength(4);
    expect(rows[1]).toContain(',token,');
    expect(rows[1]).toContain(',create,upstreams,');
    expect(rows.join('\n')).not.toContain(SECRET);
  });

  it('drops records older than the retention cutoff', async () => {
    await gw.ctx.db.insert(adminEvents).values({ occurredAt: new Date('2020-01-01T00:00:00Z'), actorKind: 'token', actorName: 'old', action: 'create', objectType: 'roles' });
    expect((await list('actor=old')).items).toHaveLength(1);
    expect(await deleteAdminEventsBefore(gw.ctx, new Date('2021-01-01T00:00:00Z'))).toBe(1);
    expect((await list('actor=old')).items).toHaveLength(0);
  });
});
