import { describe, expect, it } from 'vitest';
import type { LimitRule } from '../contracts/rate-limits.ts';
import { LimitRules } from './limit-rules.ts';

const SERVER = '00000000-0000-4000-8000-000000000001';
const OTHER = '00000000-0000-4000-8000-000000000002';
const ALICE = '00000000-0000-4000-8000-00000000000a';
const ENG = '00000000-0000-4000-8000-0000000000e0';

const rule = (name: string, fields: Partial<LimitRule>): LimitRule => ({
  id: `00000000-0000-4000-8000-${name.padStart(12, '0')}`,
  name,
  subject: null,
  virtualServerId: null,
  pattern: '*',
  rate: { count: 1, per: 'second' },
  quota: null,
  concurrency: null,
  shared: false,
  updatedAt: '2026-01-01T00:00:00Z',
  ...fields,
});

const rules = new LimitRules([
  rule('1', {}),
  rule('2', { subject: { type: 'user', id: ALICE }, pattern: 'docs:search' }),
  rule('3', { subject: { type: 'role', id: ENG }, virtualServerId: SERVER, pattern: 'slow:*' }),
]);
const names = (found: { rule: LimitRule }[]) => found.map((f) => f.rule.name);

describe('limit rules', () => {
  it('match by subject, virtual server and pattern', () => {
    const alice = { userId: ALICE, roles: [ENG] };
    expect(names(rules.matching(SERVER, alice, 'docs', 'search'))).toEqual(['1', '2']);
    expect(names(rules.matching(SERVER, alice, 'slow', 'anything'))).toEqual(['1', '3']);
    expect(names(rules.matching(OTHER, alice, 'slow', 'anything'))).toEqual(['1']);
    expect(names(rules.matching(SERVER, { userId: 'someone', roles: [] }, 'docs', 'search'))).toEqual(['1']);
  });

  it('a caller with no user falls only under rules for everybody', () => {
    expect(names(rules.matching(SERVER, { userId: null, roles: [] }, 'slow', 'x'))).toEqual(['1']);
    expect(names(rules.forSubject(SERVER, { userId: ALICE, roles: [ENG] }))).toEqual(['1', '2', '3']);
  });
});
