import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RoutingError, VirtualServerRouter } from '../federation/router.ts';
import { buildRoutingTable, type UpstreamView } from '../federation/routing-table.ts';
import type { McpTool } from '../upstream/types.ts';
import type { PolicyRule } from './access-view.ts';
import { matchesPattern } from './pattern.ts';
import { liveVisibility, type PolicyData, PolicySnapshot } from './policy-snapshot.ts';

const VS = '00000000-0000-4000-8000-000000000001';
const OTHER_VS = '00000000-0000-4000-8000-000000000002';
const ALICE = '00000000-0000-4000-8000-0000000000a1';
const ENG = '00000000-0000-4000-8000-0000000000e1';
const OPS = '00000000-0000-4000-8000-0000000000e2';

let nextId = 0;
const rule = (r: Partial<PolicyRule> & Pick<PolicyRule, 'pattern'>): PolicyRule => ({
  id: `rule-${++nextId}`,
  subjectType: 'user',
  subjectId: ALICE,
  virtualServerId: null,
  effect: 'allow',
  kind: 'tool',
  ...r,
});

const data = (rules: PolicyRule[], extra: Partial<PolicyData> = {}): PolicyData => ({
  rules,
  users: [{ id: ALICE, email: 'alice@example.com', disabled: false }],
  memberships: [
    { userId: ALICE, roleId: ENG },
    { userId: ALICE, roleId: OPS },
  ],
  servers: [
    { id: VS, defaultAccess: 'deny' },
    { id: OTHER_VS, defaultAccess: 'allow' },
  ],
  ...extra,
});

// Random rules over a small universe so that they overlap and conflict.
const names = ['deploy', 'read_file', 'read_page', 'search', 'write'];
const upstreams = ['docs', 'ops', 'everything'];
const patternArb = fc.oneof(
  fc.constant('*'),
  fc.tuple(fc.constantFrom(...upstreams, '*', 'd*'), fc.constantFrom(...names, '*', 'read_*', '*e')).map(([u, n]) => `${u}:${n}`),
);
const ruleArb = fc.record({
  subject: fc.constantFrom(['user', ALICE] as const, ['role', ENG] as const, ['role', OPS] as const, ['role', 'not-a-member'] as const),
  virtualServerId: fc.constantFrom(null, VS, OTHER_VS),
  effect: fc.constantFrom('allow' as const, 'deny' as const),
  kind: fc.constantFrom('tool' as const, 'prompt' as const),
  pattern: patternArb,
});
const rulesArb = fc.array(ruleArb, { maxLength: 12 }).map((rs) =>
  rs.map((r) => rule({ subjectType: r.subject[0], subjectId: r.subject[1], virtualServerId: r.virtualServerId, effect: r.effect, kind: r.kind, pattern: r.pattern })),
);

/** The rule as specified, evaluated naively: applicable rules, deny beats allow, else the default. */
function reference(rules: PolicyRule[], server: string, defaultAllow: boolean, kind: string, upstream: string, name: string) {
  const applicable = rules.filter(
    (r) =>
      r.kind === kind &&
      (r.virtualServerId === null || r.virtualServerId === server) &&
      ((r.subjectType === 'user' && r.subjectId === ALICE) || (r.subjectType === 'role' && (r.subjectId === ENG || r.subjectId === OPS))) &&
      matchesPattern(r.pattern, upstream, name),
  );
  if (applicable.some((r) => r.effect === 'deny')) return false;
  if (applicable.some((r) => r.effect === 'allow')) return true;
  return defaultAllow;
}

const upstreamView = (name: string, tools: string[]): [string, UpstreamView] => [
  name,
  {
    id: name,
    name,
    catalog: {
      tools: tools.map((n): McpTool => ({ name: n, inputSchema: { type: 'object' } })),
      prompts: [],
      resources: [],
      resourceTemplates: [],
      capabilities: {},
      serverInfo: null,
      instructions: null,
    },
  },
];

describe('policy evaluation', () => {
  it('matches the specification: deny beats allow, user and role rules, per-server or global, else the default', () => {
    fc.assert(
      fc.property(rulesArb, fc.constantFrom(VS, OTHER_VS), fc.constantFrom(...upstreams), fc.constantFrom(...names), (rules, server, upstream, name) => {
        const snapshot = new PolicySnapshot(data(rules));
        for (const kind of ['tool', 'prompt'] as const) {
          const expected = reference(rules, server, server === OTHER_VS, kind, upstream, name);
          expect(snapshot.allows(server, ALICE, kind, upstream, name)).toBe(expected);
          const decision = snapshot.explain(server, ALICE, kind, upstream, name);
          expect(decision.allowed).toBe(expected);
          if (decision.rule) {
            expect(decision.rule.effect).toBe(expected ? 'allow' : 'deny');
            expect(matchesPattern(decision.rule.pattern, upstream, name)).toBe(true);
          } else expect(decision.reason).toBe('default');
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('a matching deny always wins, whatever allows exist', () => {
    fc.assert(
      fc.property(rulesArb, fc.constantFrom(...upstreams), fc.constantFrom(...names), fc.constantFrom(['user', ALICE] as const, ['role', OPS] as const), (rules, upstream, name, [type, id]) => {
        const deny = rule({ subjectType: type, subjectId: id, effect: 'deny', pattern: `${upstream}:${name}` });
        const allowAll = rule({ pattern: '*' });
        const snapshot = new PolicySnapshot(data([allowAll, ...rules, deny]));
        expect(snapshot.allows(VS, ALICE, 'tool', upstream, name)).toBe(false);
        expect(snapshot.allows(OTHER_VS, ALICE, 'tool', upstream, name)).toBe(false);
        expect(snapshot.explain(VS, ALICE, 'tool', upstream, name).rule?.effect).toBe('deny');
      }),
    );
  });

  it('callers without a user get the default; disabled and unknown users get nothing', () => {
    const snapshot = new PolicySnapshot(
      data([rule({ pattern: '*' })], {
        users: [
          { id: ALICE, email: 'alice@example.com', disabled: true },
          { id: 'bob', email: 'bob@example.com', disabled: false },
        ],
      }),
    );
    expect(snapshot.explain(OTHER_VS, null, 'tool', 'docs', 'search')).toEqual({ allowed: true, reason: 'no-user', rule: null });
    expect(snapshot.explain(VS, null, 'tool', 'docs', 'search')).toEqual({ allowed: false, reason: 'no-user', rule: null });
    expect(snapshot.explain(OTHER_VS, ALICE, 'tool', 'docs', 'search')).toEqual({ allowed: false, reason: 'user-disabled', rule: null });
    expect(snapshot.explain(OTHER_VS, 'ghost', 'tool', 'docs', 'search').reason).toBe('unknown-user');
    expect(snapshot.explain('no-such-server', 'bob', 'tool', 'docs', 'search')).toEqual({ allowed: false, reason: 'unknown-server', rule: null });
    expect(snapshot.userActive(ALICE)).toBe(false);
    expect(snapshot.userActive('bob')).toBe(true);
    expect(snapshot.userActive('ghost')).toBe(false);
  });

  it('rules of one kind do not decide another, and another server’s rules do not apply', () => {
    const snapshot = new PolicySnapshot(
      data([rule({ kind: 'prompt', pattern: '*' }), rule({ virtualServerId: OTHER_VS, pattern: 'docs:*' }), rule({ kind: 'resource', pattern: 'docs:file:///pub/*' })]),
    );
    expect(snapshot.allows(VS, ALICE, 'tool', 'docs', 'search')).toBe(false);
    expect(snapshot.allows(VS, ALICE, 'prompt', 'docs', 'search')).toBe(true);
    expect(snapshot.allows(VS, ALICE, 'resource', 'docs', 'file:///pub/a')).toBe(true);
    expect(snapshot.allows(VS, ALICE, 'resource', 'docs', 'file:///etc/a')).toBe(false);
  });

  it('listing and calling are the same decision: a tool is listed exactly when it can be routed', () => {
    const tools = upstreams.flatMap((u) => names.map((n) => ({ upstream: u, name: n })));
    const catalogs = new Map(upstreams.map((u) => upstreamView(u, names)));
    const table = buildRoutingTable({ id: VS, name: 'vs', prefixMode: 'always', enabled: true, entries: upstreams.map((u) => ({ upstreamId: u, kind: 'upstream' as const })) }, catalogs);
    fc.assert(
      fc.property(rulesArb, (rules) => {
        const snapshot = new PolicySnapshot(data(rules));
        const visible = liveVisibility(() => snapshot, VS, ALICE);
        const router = new VirtualServerRouter({ get: () => undefined }, table);
        const listed = new Set(router.listTools(visible).map((t) => t.name));
        for (const t of tools) {
          const exposed = `${t.upstream}__${t.name}`;
          let routable = true;
          try {
            router.toolRoute(exposed, visible);
          } catch (error) {
            expect(error).toBeInstanceOf(RoutingError);
            routable = false;
          }
          expect(listed.has(exposed)).toBe(routable);
          expect(routable).toBe(snapshot.allows(VS, ALICE, 'tool', t.upstream, t.name));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('a hidden tool is refused with exactly the unknown-tool error', () => {
    const snapshot = new PolicySnapshot(data([rule({ pattern: 'docs:search' })]));
    const catalogs = new Map([upstreamView('docs', ['search', 'deploy'])]);
    const table = buildRoutingTable({ id: VS, name: 'vs', prefixMode: 'always', enabled: true, entries: [{ upstreamId: 'docs', kind: 'upstream' }] }, catalogs);
    const router = new VirtualServerRouter({ get: () => undefined }, table);
    const visible = liveVisibility(() => snapshot, VS, ALICE);
    const failure = (name: string) => {
      try {
        router.toolRoute(name, visible);
      } catch (error) {
        return { type: (error as Error).constructor, code: (error as RoutingError).rpcCode, message: (error as Error).message.replace(name, '<name>') };
      }
      return undefined;
    };
    expect(failure('docs__search')).toBeUndefined();
    expect(failure('docs__deploy')).toEqual(failure('docs__no_such_tool'));
  });

  it('a live visibility follows the current snapshot', () => {
    let current = new PolicySnapshot(data([rule({ pattern: 'docs:*' })]));
    const visible = liveVisibility(() => current, VS, ALICE);
    expect(visible.tool('docs', 'search')).toBe(true);
    current = new PolicySnapshot(data([rule({ pattern: 'docs:*' }), rule({ subjectType: 'role', subjectId: ENG, effect: 'deny', pattern: 'docs:search' })]));
    expect(visible.tool('docs', 'search')).toBe(false);
    expect(visible.tool('docs', 'read_page')).toBe(true);
  });
});
