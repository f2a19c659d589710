/**
 * Micro-benchmark of the access-policy check that guards every list and call
 * (packages/core/src/policy). Loads 1,000 policies over 100 roles (plus user rules and
 * global ones) and times `PolicySnapshot.allows` for a typical user (5 roles) and a worst
 * case (all 100 roles), over a catalog of 200 tools on 10 upstreams. Target: ≤ 5 µs/check.
 *
 *   node --import tsx bench/policy-check.ts [--checks 1000000]
 */
import { performance } from 'node:perf_hooks';
import type { PolicyRule } from '../packages/core/src/policy/access-view.ts';
import { type PolicyData, PolicySnapshot } from '../packages/core/src/policy/policy-snapshot.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const CHECKS = arg('checks', 1_000_000);
const TARGET_US = 5;

// Deterministic pseudo-random numbers, so runs compare.
let seed = 42;
const rand = (n: number) => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed % n;
};
const uuid = (prefix: number, n: number) => `${prefix.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

const SERVERS = Array.from({ length: 5 }, (_, i) => uuid(1, i));
const ROLES = Array.from({ length: 100 }, (_, i) => uuid(2, i));
const USERS = Array.from({ length: 1000 }, (_, i) => uuid(3, i));
const UPSTREAMS = Array.from({ length: 10 }, (_, i) => `upstream${i}`);
const VERBS = ['read', 'write', 'list', 'delete', 'search', 'create', 'update', 'deploy'];
const TOOLS = UPSTREAMS.flatMap((u) => Array.from({ length: 20 }, (_, i) => ({ upstream: u, name: `${VERBS[i % VERBS.length]}_thing_${i}` })));

function pattern(): string {
  const u = UPSTREAMS[rand(UPSTREAMS.length)]!;
  const tool = TOOLS[rand(TOOLS.length)]!;
  switch (rand(6)) {
    case 0:
      return `${u}:*`;
    case 1:
      return `*:${VERBS[rand(VERBS.length)]}_*`;
    case 2:
      return `${u}:${VERBS[rand(VERBS.length)]}_*_${rand(20)}`;
    case 3:
      return `up*:*_thing_${rand(20)}`;
    default:
      return `${tool.upstream}:${tool.name}`;
  }
}

function policyData(): PolicyData {
  const rules: PolicyRule[] = [];
  let n = 0;
  const add = (subjectType: 'user' | 'role', subjectId: string) =>
    rules.push({
      id: uuid(4, n++),
      subjectType,
      subjectId,
      virtualServerId: rand(3) === 0 ? null : SERVERS[rand(SERVERS.length)]!,
      effect: rand(5) === 0 ? 'deny' : 'allow',
      kind: rand(10) === 0 ? 'prompt' : 'tool',
      pattern: pattern(),
    });
  for (let i = 0; i < 900; i++) add('role', ROLES[i % ROLES.length]!); // 9 per role
  for (let i = 0; i < 100; i++) add('user', USERS[rand(USERS.length)]!);
  return {
    rules,
    users: USERS.map((id, i) => ({ id, email: `user${i}@example.com`, disabled: false })),
    memberships: [
      ...USERS.flatMap((userId) => Array.from({ length: 5 }, () => ({ userId, roleId: ROLES[rand(ROLES.length)]! }))),
      ...ROLES.map((roleId) => ({ userId: USERS[0]!, roleId })), // user 0 has every role: the worst case
    ],
    servers: SERVERS.map((id) => ({ id, defaultAccess: 'deny' as const })),
  };
}

function time(label: string, checks: number, fn: (i: number) => boolean) {
  let allowed = 0;
  for (let i = 0; i < Math.min(checks, 50_000); i++) if (fn(i)) allowed++; // warm-up (JIT)
  allowed = 0;
  const start = performance.now();
  for (let i = 0; i < checks; i++) if (fn(i)) allowed++;
  const us = ((performance.now() - start) * 1000) / checks;
  console.log(`${label.padEnd(44)} ${us.toFixed(3).padStart(8)} µs/check   (${((allowed / checks) * 100).toFixed(0)}% allowed)`);
  return us;
}

const data = policyData();
const buildStart = performance.now();
const snapshot = new PolicySnapshot(data);
const buildMs = performance.now() - buildStart;
console.log(`policies ${data.rules.length}, roles ${ROLES.length}, users ${USERS.length}, tools ${TOOLS.length} on ${UPSTREAMS.length} upstreams, ${CHECKS.toLocaleString('en')} checks`);
console.log(`snapshot build (compile every rule)           ${buildMs.toFixed(2).padStart(8)} ms`);

const server = SERVERS[0]!;
const typical = USERS[1]!;
const worst = USERS[0]!;
const results = [
  time('typical user (5 roles), one session', CHECKS, (i) => {
    const t = TOOLS[i % TOOLS.length]!;
    return snapshot.allows(server, typical, 'tool', t.upstream, t.name);
  }),
  time('worst case: user in all 100 roles', CHECKS, (i) => {
    const t = TOOLS[i % TOOLS.length]!;
    return snapshot.allows(server, worst, 'tool', t.upstream, t.name);
  }),
  time('1,000 users interleaved (view cache lookups)', CHECKS, (i) => {
    const t = TOOLS[i % TOOLS.length]!;
    return snapshot.allows(SERVERS[i % SERVERS.length]!, USERS[(i * 7) % USERS.length]!, 'tool', t.upstream, t.name);
  }),
];
// Cold: the first check of each (server, user) after a policy change compiles that user's view.
const fresh = new PolicySnapshot(data);
const coldStart = performance.now();
for (const user of USERS) fresh.allows(server, user, 'tool', TOOLS[0]!.upstream, TOOLS[0]!.name);
console.log(`first check per user after a change (compile)  ${(((performance.now() - coldStart) * 1000) / USERS.length).toFixed(3).padStart(8)} µs/user`);

const worstUs = Math.max(...results);
console.log(`\npolicy check ≤ ${TARGET_US} µs/call: ${worstUs <= TARGET_US ? 'PASS' : 'FAIL'} (worst ${worstUs.toFixed(3)} µs)`);
if (worstUs > TARGET_US) process.exitCode = 1;
