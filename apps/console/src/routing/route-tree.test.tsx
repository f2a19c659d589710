// @vitest-environment jsdom
import { QueryClient } from '@tanstack/react-query';
import { createMemoryHistory } from '@tanstack/react-router';
import { describe, expect, it } from 'vitest';
import { pageTitle } from '../layout/page-outlet.tsx';
import { createConsoleRouter } from './route-tree.tsx';
import { auditSearch, parseSearch, playgroundSearch, stringifySearch } from './search.ts';

/** Where the console's router takes `url`: the page's route, its params and its search (as the page reads it). */
async function resolve(url: string) {
  const router = createConsoleRouter({ queryClient: new QueryClient() }, createMemoryHistory({ initialEntries: [url] }));
  await router.load();
  const leaf = router.state.matches.at(-1)!;
  return { routeId: leaf.routeId as string, params: leaf.params, search: leaf.search, router };
}

describe('the console routes', () => {
  it('match literal segments before params, and decode params', async () => {
    expect(await resolve('/upstreams')).toMatchObject({ routeId: '/upstreams', params: {} });
    expect(await resolve('/upstreams/new')).toMatchObject({ routeId: '/upstreams/new' });
    expect(await resolve('/upstreams/a%20b')).toMatchObject({ routeId: '/upstreams/$id', params: { id: 'a b' } });
    expect(await resolve('/virtual-servers/42/edit')).toMatchObject({ routeId: '/virtual-servers/$id/edit', params: { id: '42' } });
    expect(await resolve('/connections/github')).toMatchObject({ routeId: '/connections/$upstream', params: { upstream: 'github' } });
    expect(await resolve('/')).toMatchObject({ routeId: '/' });
  });

  it('say there is no such page for an unknown path', async () => {
    const { router, routeId } = await resolve('/no/such/page');
    // only the frame matches: it shows its "No such page" (the root's notFoundComponent)
    expect(routeId).toBe('__root__');
    expect(router.state.matches).toHaveLength(1);
  });

  it('type the search params each page keeps, dropping empty and unknown ones', async () => {
    const audit = await resolve('/audit?client=Claude&tool=&junk=1&user=123');
    expect(audit.search).toMatchObject({ client: 'Claude', user: '123' });
    // the page reads its own params through the route's validator: unknown and empty ones are dropped
    expect(auditSearch(audit.search)).toEqual({ client: 'Claude', user: '123' });
    expect((await resolve('/access?server=s1&user=a%40b.c')).search).toEqual({ server: 's1', user: 'a@b.c' });
    expect((await resolve('/playground?server=s1&as=a%40b.c&view=prompts&item=p')).search).toEqual({ server: 's1', as: 'a@b.c', view: 'prompts', item: 'p' });
    // an unknown view is the default one (tools)
    expect(playgroundSearch((await resolve('/playground?view=bogus')).search)).toEqual({});
    expect(playgroundSearch({ view: 'tools' })).toEqual({});
    expect((await resolve('/admin-changes?actor=x&since=2026-01-01')).search).toEqual({ actor: 'x', since: '2026-01-01' });
  });

  it('build links as plain query strings, leaving out empty values', async () => {
    const { router } = await resolve('/');
    expect(router.buildLocation({ to: '/audit', search: { user: 'a@b.c', tool: '', outcome: undefined } }).href).toBe('/audit?user=a%40b.c');
    expect(router.buildLocation({ to: '/audit', search: {} }).href).toBe('/audit');
    expect(router.buildLocation({ to: '/upstreams/$id', params: { id: 'a b' } }).href).toBe('/upstreams/a%20b');
  });

  it('title each page, and hide administration from other people', async () => {
    const title = async (url: string, isAdmin = true) => pageTitle((await resolve(url)).router.state.matches, isAdmin);
    expect(await title('/')).toBe('Dashboard · Switchboard');
    expect(await title('/', false)).toBe('My servers · Switchboard');
    expect(await title('/upstreams/u1')).toBe('Upstream · Switchboard');
    expect(await title('/upstreams/u1', false)).toBe('No such page · Switchboard');
    expect(await title('/keys', false)).toBe('My keys · Switchboard');
    expect(await title('/nope')).toBe('No such page · Switchboard');
  });
});

describe('search strings', () => {
  it('stay plain key=value pairs: no JSON in values', () => {
    expect(parseSearch('?user=123&q=a%20b')).toEqual({ user: '123', q: 'a b' });
    expect(stringifySearch({ user: '123', q: 'a b', empty: '', gone: undefined })).toBe('?user=123&q=a+b');
    expect(stringifySearch({})).toBe('');
  });
});
