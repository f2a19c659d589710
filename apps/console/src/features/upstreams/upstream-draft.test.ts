import { upstreamCreateSchema, upstreamUpdateSchema } from '@switchboard/core/contracts/upstreams';
import { describe, expect, it } from 'vitest';
import { validate } from '../../lib/form-errors.ts';
import type { Upstream } from '@switchboard/core/contracts/upstreams';
import { declaredNames, draftFrom, emptyDraft, toCreate, toUpdate } from './upstream-draft.ts';

const stored: Upstream = {
  id: '0b5e7c1a-9d2f-4c7e-8a51-3f6d2e9b1c40',
  name: 'docs',
  description: null,
  transport: 'streamable-http',
  command: null,
  args: [],
  cwd: null,
  url: 'https://docs.example.com/mcp',
  env: {},
  headers: { 'X-Key': { hasValue: true } },
  bearerToken: { hasValue: true },
  enabled: true,
  connectAtBoot: false,
  timeoutMs: 60000,
  maxMessageBytes: null,
  protocol: 'auto',
  credentials: { mode: 'shared', userValues: [], options: {} },
  status: null,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
};

describe('upstream drafts', () => {
  it('builds a stdio create body that the API contract accepts', () => {
    const draft = { ...emptyDraft(), name: 'everything', command: 'npx', args: '-y\n@modelcontextprotocol/server-everything\n', env: [{ key: 'K', value: 'v', stored: false }] };
    const checked = validate(upstreamCreateSchema, toCreate(draft));
    expect(checked.ok).toBe(true);
    expect(toCreate(draft)).toMatchObject({ transport: 'stdio', args: ['-y', '@modelcontextprotocol/server-everything'], env: { K: 'v' } });
  });

  it('reports contract errors by field', () => {
    const checked = validate(upstreamCreateSchema, toCreate({ ...emptyDraft(), transport: 'streamable-http', name: 'bad name', url: 'ftp://x' }));
    expect(checked.ok).toBe(false);
    if (!checked.ok) {
      expect(Object.keys(checked.errors)).toEqual(expect.arrayContaining(['name', 'url']));
    }
  });

  it('patches remote upstreams without resending stored secrets', () => {
    const draft = draftFrom(stored);
    const patch = toUpdate({ ...draft, description: 'Docs' });
    expect(patch).toMatchObject({ description: 'Docs', url: 'https://docs.example.com/mcp', headers: {} });
    expect(patch).not.toHaveProperty('bearerToken');
    expect(validate(upstreamUpdateSchema, patch).ok).toBe(true);
  });

  it('carries the protocol pin: new drafts are automatic, a stored pin round-trips, the contract checks it', () => {
    const draft = { ...emptyDraft(), name: 'docs', transport: 'streamable-http' as const, url: 'https://docs.example.com/mcp' };
    expect(draft.protocol).toBe('auto');
    const created = validate(upstreamCreateSchema, toCreate({ ...draft, protocol: 'legacy' }));
    expect(created.ok && created.data.protocol).toBe('legacy');

    const pinned = draftFrom({ ...stored, protocol: 'legacy' });
    expect(pinned.protocol).toBe('legacy');
    expect(toUpdate(pinned)).toMatchObject({ protocol: 'legacy' });
    expect(toUpdate({ ...pinned, protocol: 'auto' })).toMatchObject({ protocol: 'auto' });
    expect(validate(upstreamUpdateSchema, toUpdate(pinned)).ok).toBe(true);

    const bogus = validate(upstreamCreateSchema, toCreate({ ...draft, protocol: 'modern' as never }));
    expect(bogus.ok === false && Object.keys(bogus.errors)).toEqual(['protocol']);
  });

  it('neither sends nor needs the protocol for a legacy SSE upstream (it is 2025-era anyway)', () => {
    const sse = draftFrom({ ...stored, transport: 'sse', url: 'http://127.0.0.1:9000/sse', protocol: 'legacy' });
    expect(toUpdate(sse)).not.toHaveProperty('protocol');
    const created = validate(upstreamCreateSchema, toCreate({ ...sse, name: 'old' }));
    expect(created.ok && created.data.protocol).toBe('auto');
  });

  it('sends the credential mode it edits, keeps modes it does not, and finds the names people supply', () => {
    const perUser = { ...emptyDraft(), name: 'gh', transport: 'streamable-http' as const, url: 'https://gh.example.com/mcp', credentialMode: 'per-user' as const };
    perUser.headers = [{ key: 'Authorization', value: 'Bearer ${user:GITHUB_TOKEN}', stored: false }];
    expect(validate(upstreamCreateSchema, toCreate(perUser)).ok).toBe(true);
    expect(toCreate(perUser).credentials).toEqual({ mode: 'per-user' });
    expect(declaredNames(perUser)).toEqual(['GITHUB_TOKEN']);
    const assertion = { ...draftFrom(stored), credentialMode: 'identity-assertion' as const, assertionLifetime: '120' };
    expect(toUpdate(assertion).credentials).toEqual({ mode: 'identity-assertion', lifetimeSeconds: 120 });
    expect(validate(upstreamUpdateSchema, toUpdate(assertion)).ok).toBe(true);
    const oauth = draftFrom({ ...stored, credentials: { mode: 'oauth', userValues: [], options: { scopes: 'repo' } } });
    expect(toUpdate(oauth).credentials).toBeUndefined();
  });
});
