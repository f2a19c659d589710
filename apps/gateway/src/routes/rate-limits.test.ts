import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, json, type TestGateway } from '../testing/test-gateway.ts';

/** `/api/v1/rate-limits` and the config document's `limits` section. */
describe('rate-limit rules through the admin API', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await createTestGateway('pglite');
    const res = await gw.api('POST', '/api/v1/import', {
      virtualServers: { dev: {} },
      users: { 'alice@example.com': {} },
      roles: { eng: {} },
      limits: {
        'eng-daily': { role: 'eng', virtualServer: 'dev', tools: 'docs:*', quota: { count: 1000, per: 'day' } },
        'alice-fast': { user: 'alice@example.com', rate: { count: 50, per: 'second', burst: 10 }, concurrency: 4 },
        'slow-upstream': { tools: 'slow:*', concurrency: 2, shared: true },
      },
    });
    expect(res.status).toBe(200);
    expect((await json(res)).limits).toEqual({ created: 3, updated: 0, deleted: 0 });
  });
  afterAll(() => gw.close());

  it('exports the rules by name, and re-importing the export changes nothing', async () => {
    const doc = await json(gw.api('GET', '/api/v1/export'));
    expect(doc.limits).toEqual({
      'alice-fast': { user: 'alice@example.com', tools: '*', rate: { count: 50, per: 'second', burst: 10 }, concurrency: 4, shared: false },
      'eng-daily': { role: 'eng', virtualServer: 'dev', tools: 'docs:*', quota: { count: 1000, per: 'day' }, shared: false },
      'slow-upstream': { tools: 'slow:*', concurrency: 2, shared: true },
    });
    const before = await json(gw.api('GET', '/api/v1/rate-limits'));
    const again = await json(gw.api('POST', '/api/v1/import', doc));
    expect(again.limits).toEqual({ created: 0, updated: 3, deleted: 0 });
    expect((await json(gw.api('GET', '/api/v1/export'))).limits).toEqual(doc.limits);
    // unchanged rules keep their version (and so the budgets counted under it)
    expect((await json(gw.api('GET', '/api/v1/rate-limits'))).items).toEqual(before.items);
  });

  it('refuses bad rules with a clear 400, a taken name with 409', async () => {
    const bad = async (body: unknown, message: RegExp) => {
      const res = await gw.api('POST', '/api/v1/rate-limits', body);
      expect(res.status).toBe(400);
      expect((await json(res)).error.message).toMatch(message);
    };
    await bad({ name: 'nothing' }, /at least one of rate, quota or concurrency/);
    await bad({ name: 'x', rate: { count: 0, per: 'second' } }, /rate\.count/);
    await bad({ name: 'x', rate: { count: 5, per: 'week' } }, /rate\.per/);
    await bad({ name: 'x', pattern: 'no colon', concurrency: 1 }, /pattern/);
    await bad({ name: 'x', subject: { type: 'user', id: '00000000-0000-4000-8000-000000000000' }, concurrency: 1 }, /no user/);
    const taken = await gw.api('POST', '/api/v1/rate-limits', { name: 'slow-upstream', concurrency: 1 });
    expect(taken.status).toBe(409);
    const rules = await json(gw.api('GET', '/api/v1/rate-limits?q=alice'));
    expect(rules.items.map((r: { name: string }) => r.name)).toEqual(['alice-fast']);
    const emptied = await gw.api('PATCH', `/api/v1/rate-limits/${rules.items[0].id}`, { rate: null, concurrency: null });
    expect(emptied.status).toBe(400);
  });

  it('a config document rule naming someone unknown is refused, naming the path', async () => {
    const res = await gw.api('POST', '/api/v1/import', { limits: { ghost: { user: 'ghost@example.com', concurrency: 1 } } });
    expect(res.status).toBe(400);
    expect((await json(res)).error.message).toMatch(/limits\.ghost\.user: no user/);
  });

  it('deleting a role deletes the rules that name it', async () => {
    const roles = await json(gw.api('GET', '/api/v1/roles'));
    const eng = roles.items.find((r: { name: string }) => r.name === 'eng');
    expect((await gw.api('DELETE', `/api/v1/roles/${eng.id}`)).status).toBe(204);
    const names = (await json(gw.api('GET', '/api/v1/rate-limits'))).items.map((r: { name: string }) => r.name);
    expect(names).not.toContain('eng-daily');
  });
});
