import { upstreams } from '@switchboard/db/schema';
import { backends } from '@switchboard/db/testing/test-database';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, json, type TestGateway } from '../testing/test-gateway.ts';

const stdioUpstream = (name: string) => ({
  name,
  transport: 'stdio',
  command: 'npx',
  args: ['-y', '@modelcontextprotocol/server-everything'],
  env: { API_KEY: 'super-secret-env-value' },
});

describe.each(backends)('admin API on %s', (backend) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await createTestGateway(backend);
  });
  afterAll(() => gw.close());

  const error = async (res: Response) => ((await json(res)) as { error: { code: string; message: string } }).error;

  it('401 without a token, with WWW-Authenticate', async () => {
    const res = await gw.api('GET', '/api/v1/upstreams', undefined, null);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect((await error(res)).code).toBe('unauthorized');
  });

  it('401 with an unknown token, and a token in the query string is not accepted', async () => {
    expect((await gw.api('GET', '/api/v1/upstreams', undefined, 'sb_notarealtokennotarealtokennotarealtokenxxx')).status).toBe(401);
    const res = await gw.fetch(`/api/v1/upstreams?access_token=${gw.adminToken}`);
    expect(res.status).toBe(401);
  });

  it('403 when a read-only token tries to write, 200 when it reads', async () => {
    const created = await json(gw.api('POST', '/api/v1/api-tokens', { name: 'ci read', scopes: ['admin:read'] }));
    expect((await gw.api('GET', '/api/v1/roles', undefined, created.token)).status).toBe(200);
    const res = await gw.api('POST', '/api/v1/roles', { name: 'nope' }, created.token);
    expect(res.status).toBe(403);
    expect((await error(res)).code).toBe('forbidden');
  });

  it('400 for invalid input, naming the field', async () => {
    const res = await gw.api('POST', '/api/v1/upstreams', { name: 'bad name!', transport: 'stdio', command: 'x' });
    expect(res.status).toBe(400);
    const body = await error(res);
    expect(body.code).toBe('invalid_input');
    expect(body.message).toMatch(/^name: /);
    const res2 = await gw.api('POST', '/api/v1/upstreams', { name: 'x', transport: 'carrier-pigeon' });
    expect((await error(res2)).message).toContain('transport: must be one of stdio, sse, streamable-http');
    const res3 = await gw.api('POST', '/api/v1/roles', { name: 'ok', colour: 'red' });
    expect((await error(res3)).message).toContain('unknown field(s) colour');
  });

  it('400 for malformed JSON, never 500', async () => {
    const res = await gw.api('POST', '/api/v1/roles', '{"name": "eng",');
    expect(res.status).toBe(400);
    expect((await error(res)).code).toBe('invalid_json');
  });

  it('404 for an unknown id, a malformed id and an unknown path', async () => {
    const unknown = await gw.api('GET', '/api/v1/upstreams/0b5e7c1a-9d2f-4c7e-8a51-3f6d2e9b1c40');
    expect(unknown.status).toBe(404);
    expect((await error(unknown)).code).toBe('not_found');
    expect((await gw.api('GET', '/api/v1/upstreams/not-a-uuid')).status).toBe(404);
    expect((await gw.api('DELETE', '/api/v1/roles/0b5e7c1a-9d2f-4c7e-8a51-3f6d2e9b1c40')).status).toBe(404);
    expect((await gw.api('GET', '/api/v1/nothing-here')).status).toBe(404);
  });

  it('409 when a name is taken, on create and on rename', async () => {
    expect((await gw.api('POST', '/api/v1/upstreams', stdioUpstream('dup'))).status).toBe(201);
    const res = await gw.api('POST', '/api/v1/upstreams', stdioUpstream('dup'));
    expect(res.status).toBe(409);
    expect((await error(res)).message).toContain('"dup"');
    const other = await json(gw.api('POST', '/api/v1/upstreams', stdioUpstream('dup2')));
    expect((await gw.api('PATCH', `/api/v1/upstreams/${other.id}`, { name: 'dup' })).status).toBe(409);
  });

  it('413 when the body is too large', async () => {
    const res = await gw.api('POST', '/api/v1/roles', { name: 'big', description: 'x'.repeat(2_000_000) });
    expect(res.status).toBe(413);
    expect((await error(res)).code).toBe('payload_too_large');
  });

  it('paginates with a cursor, covering every row exactly once', async () => {
    const names = ['p-a', 'p-b', 'p-c', 'p-d', 'p-e'];
    for (const name of names) expect((await gw.api('POST', '/api/v1/roles', { name })).status).toBe(201);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await gw.api('GET', `/api/v1/roles?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      const page = (await json(res)) as { items: { name: string }[]; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((r) => r.name));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    expect(seen.filter((n) => n.startsWith('p-')).sort()).toEqual(names);
    expect(new Set(seen).size).toBe(seen.length);
    expect((await gw.api('GET', '/api/v1/roles?cursor=garbage')).status).toBe(400);
    expect((await gw.api('GET', '/api/v1/roles?limit=0')).status).toBe(400);
  });

  it('never echoes a secret, and stores it encrypted', async () => {
    const res = await gw.api('POST', '/api/v1/upstreams', {
      name: 'remote',
      transport: 'streamable-http',
      url: 'https://docs.example.com/mcp',
      headers: { 'X-Api-Key': 'header-secret-value' },
      bearerToken: 'bearer-secret-value',
    });
    expect(res.status).toBe(201);
    const created = await json(res);
    expect(created.headers).toEqual({ 'X-Api-Key': { hasValue: true } });
    expect(created.bearerToken).toEqual({ hasValue: true });
    const stdio = await json(gw.api('POST', '/api/v1/upstreams', stdioUpstream('with-env')));
    expect(stdio.env).toEqual({ API_KEY: { hasValue: true } });
    const everywhere = [
      JSON.stringify(created),
      await (await gw.api('GET', `/api/v1/upstreams/${created.id}`)).text(),
      await (await gw.api('GET', '/api/v1/upstreams?limit=200')).text(),
      await (await gw.api('GET', '/api/v1/export')).text(),
      JSON.stringify(await gw.database.db.select().from(upstreams)),
    ].join('\n');
    for (const secret of ['header-secret-value', 'bearer-secret-value', 'super-secret-env-value']) {
      expect(everywhere).not.toContain(secret);
    }
  });

  it('merges secret maps on update: set, remove, keep', async () => {
    const created = await json(gw.api('POST', '/api/v1/upstreams', { ...stdioUpstream('merge'), env: { A: '1', B: '2' } }));
    const res = await gw.api('PATCH', `/api/v1/upstreams/${created.id}`, { env: { B: null, C: '3' } });
    expect((await json(res)).env).toEqual({ A: { hasValue: true }, C: { hasValue: true } });
    const [row] = (await gw.database.db.select().from(upstreams)).filter((u) => u.id === created.id);
    expect(gw.ctx.secrets.decrypt(row!.env.A!)).toBe('1');
    expect(gw.ctx.secrets.decrypt(row!.env.C!)).toBe('3');
  });

  it('a revoked token stops working at once', async () => {
    const created = await json(gw.api('POST', '/api/v1/api-tokens', { name: 'temp' }));
    expect(created.token).toMatch(/^sb_/);
    expect((await gw.api('GET', '/api/v1/users', undefined, created.token)).status).toBe(200);
    const listed = await (await gw.api('GET', '/api/v1/api-tokens?limit=200')).text();
    expect(listed).not.toContain(created.token);
    const revoked = await gw.api('DELETE', `/api/v1/api-tokens/${created.id}`);
    expect((await json(revoked)).revokedAt).not.toBeNull();
    const res = await gw.api('GET', '/api/v1/users', undefined, created.token);
    expect(res.status).toBe(401);
    expect((await error(res)).code).toBe('invalid_token');
  });
});
