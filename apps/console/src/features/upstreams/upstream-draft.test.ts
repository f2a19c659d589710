import { upstreamCreateSchema, upstreamUpdateSchema } from '@switchboard/core/contracts/upstreams';
import { describe, expect, it } from 'vitest';
import { validate } from '../../lib/form-errors.ts';
import { draftFrom, emptyDraft, toCreate, toUpdate } from './upstream-draft.ts';

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
    const draft = draftFrom({
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
      status: null,
      createdAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-01-01T00:00:00Z',
    });
    const patch = toUpdate({ ...draft, description: 'Docs' });
    expect(patch).toMatchObject({ description: 'Docs', url: 'https://docs.example.com/mcp', headers: {} });
    expect(patch).not.toHaveProperty('bearerToken');
    expect(validate(upstreamUpdateSchema, patch).ok).toBe(true);
  });
});
