import { backends } from '@switchboard/db/testing/test-database';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestGateway, json, type TestGateway } from '../testing/test-gateway.ts';

describe.each(backends)('users API on %s', (backend) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await createTestGateway(backend);
  });
  afterAll(() => gw.close());

  const create = async (email: string, extra: Record<string, unknown> = {}) => {
    const res = await gw.api('POST', '/api/v1/users', { email, ...extra });
    expect(res.status).toBe(201);
    return (await json(res)).id as string;
  };

  it('refuses to demote, disable or delete the last active administrator (409 last_admin)', async () => {
    const root = await create('root@example.com', { isAdmin: true });
    for (const [method, body] of [
      ['PATCH', { isAdmin: false }],
      ['PATCH', { disabled: true }],
      ['DELETE', undefined],
    ] as const) {
      const res = await gw.api(method, `/api/v1/users/${root}`, body);
      expect(res.status).toBe(409);
      const { error } = await json(res);
      expect(error.code).toBe('last_admin');
      expect(error.message).toMatch(/last active administrator/);
    }
    const kept = await json(gw.api('GET', `/api/v1/users/${root}`));
    expect(kept).toMatchObject({ isAdmin: true, disabled: false });

    // A disabled administrator does not count: they cannot sign in either.
    const other = await create('other-admin@example.com', { isAdmin: true, disabled: true });
    expect((await gw.api('PATCH', `/api/v1/users/${root}`, { isAdmin: false })).status).toBe(409);

    // Once someone else is an active administrator, the first one may go.
    expect((await gw.api('PATCH', `/api/v1/users/${other}`, { disabled: false })).status).toBe(200);
    expect((await gw.api('PATCH', `/api/v1/users/${root}`, { isAdmin: false })).status).toBe(200);
    expect((await gw.api('DELETE', `/api/v1/users/${other}`)).status).toBe(409);
    expect((await gw.api('DELETE', `/api/v1/users/${root}`)).status).toBe(204);
    // Non-administrators are never held back.
    const plain = await create('plain@example.com');
    expect((await gw.api('PATCH', `/api/v1/users/${plain}`, { disabled: true })).status).toBe(200);
    expect((await gw.api('DELETE', `/api/v1/users/${plain}`)).status).toBe(204);
  });

  it('searches users server-side by part of the email or name (?q=), paging with the cursor', async () => {
    for (let i = 0; i < 5; i++) await create(`searchable-${i}@corp.example`, { name: `Finder ${i}` });
    await create('someone-else@example.com', { name: 'Other 100%_' });
    const byEmail = await json(gw.api('GET', '/api/v1/users?q=SEARCHABLE&limit=2'));
    expect(byEmail.items).toHaveLength(2);
    expect(byEmail.nextCursor).toBeTruthy();
    const rest = await json(gw.api('GET', `/api/v1/users?q=searchable&limit=10&cursor=${byEmail.nextCursor}`));
    const emails = [...byEmail.items, ...rest.items].map((u: { email: string }) => u.email).sort();
    expect(emails).toEqual([0, 1, 2, 3, 4].map((i) => `searchable-${i}@corp.example`));
    expect(rest.nextCursor).toBeNull();
    expect((await json(gw.api('GET', '/api/v1/users?q=finder%203'))).items.map((u: { email: string }) => u.email)).toEqual([
      'searchable-3@corp.example',
    ]);
    // LIKE wildcards are matched literally.
    expect((await json(gw.api('GET', '/api/v1/users?q=%25_'))).items.map((u: { email: string }) => u.email)).toEqual([
      'someone-else@example.com',
    ]);
  });
});
