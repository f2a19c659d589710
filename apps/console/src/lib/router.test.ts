import { describe, expect, it } from 'vitest';
import { matchPath, withQuery } from './router.tsx';

describe('matchPath', () => {
  it('matches literal segments and captures params, decoded', () => {
    expect(matchPath('/upstreams', '/upstreams')).toEqual({});
    expect(matchPath('/upstreams/:id', '/upstreams/a%20b')).toEqual({ id: 'a b' });
    expect(matchPath('/upstreams/:id', '/upstreams/')).toBeNull();
    expect(matchPath('/upstreams/:id', '/virtual-servers/1')).toBeNull();
    expect(matchPath('/', '/')).toEqual({});
  });
});

describe('withQuery', () => {
  it('leaves out empty values', () => {
    expect(withQuery('/audit', { user: 'a@b.c', tool: '', outcome: undefined })).toBe('/audit?user=a%40b.c');
    expect(withQuery('/audit', {})).toBe('/audit');
  });
});
