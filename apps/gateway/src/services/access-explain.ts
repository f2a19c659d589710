import type { AccessExplanation, AccessItem } from '@switchboard/core/contracts/access';
import type { Decision } from '@switchboard/core/policy/policy-snapshot';
import { roles, userRoles, users, virtualServers } from '@switchboard/db/schema';
import { eq, inArray } from 'drizzle-orm';
import { AppError, notFound } from '../errors.ts';
import type { ServiceContext } from './context.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function findUser(ctx: ServiceContext, ref: string) {
  const key = ref.trim().toLowerCase();
  const [user] = await ctx.db
    .select({ id: users.id, email: users.email, disabled: users.disabled })
    .from(users)
    .where(UUID.test(key) ? eq(users.id, key) : eq(users.email, key));
  if (!user) throw notFound('user', ref);
  return user;
}

/** Emails and role names of the subjects of the deciding rules, so the answer reads as "role eng denies …". */
async function subjectNames(ctx: ServiceContext, decisions: Decision[]) {
  const ids = (type: 'user' | 'role') => [...new Set(decisions.filter((d) => d.rule?.subjectType === type).map((d) => d.rule!.subjectId))];
  const [userIds, roleIds] = [ids('user'), ids('role')];
  const [userRows, roleRows] = await Promise.all([
    userIds.length ? ctx.db.select({ id: users.id, name: users.email }).from(users).where(inArray(users.id, userIds)) : [],
    roleIds.length ? ctx.db.select({ id: roles.id, name: roles.name }).from(roles).where(inArray(roles.id, roleIds)) : [],
  ]);
  return new Map([...userRows, ...roleRows].map((r) => [r.id, r.name]));
}

/**
 * "Why can't Alice see `deploy`?": every tool, prompt, resource and resource template the
 * virtual server exposes right now, each with the decision the live evaluator makes for
 * the user — the same snapshot and the same function the MCP endpoints use. Upstreams not
 * connected yet are connected first; the answer says which ones it could not list.
 */
export async function explainAccess(ctx: ServiceContext, serverId: string, userRef: string): Promise<AccessExplanation> {
  const [server] = await ctx.db
    .select({ id: virtualServers.id, defaultAccess: virtualServers.defaultAccess })
    .from(virtualServers)
    .where(eq(virtualServers.id, serverId));
  if (!server) throw notFound('virtual server', serverId);
  const user = await findUser(ctx, userRef);
  const state = await ctx.federation?.accessState?.(serverId);
  if (!state) throw new AppError(503, 'not_loaded', 'the virtual server is not loaded yet; try again shortly');
  const { table, policy, upstreams } = state;

  const items: Array<Omit<AccessItem, 'rule'> & { decision: Decision }> = [];
  const add = (kind: AccessItem['kind'], exposedName: string, upstream: string, name: string) => {
    const decision = policy.explain(serverId, user.id, kind, upstream, name);
    items.push({ kind, exposedName, upstream, name, allowed: decision.allowed, reason: decision.reason, decision });
  };
  for (const [exposed, route] of table.tools) add('tool', exposed, route.upstreamName, route.name);
  for (const [exposed, route] of table.prompts) add('prompt', exposed, route.upstreamName, route.name);
  for (const [uri, route] of table.resources) add('resource', uri, route.upstreamName, route.uri);
  for (const t of table.templates) add('resource', t.template.uriTemplate, t.upstreamName, t.uriTemplate);

  const names = await subjectNames(ctx, items.map((i) => i.decision));
  const roleRows = await ctx.db
    .select({ name: roles.name })
    .from(userRoles)
    .innerJoin(roles, eq(roles.id, userRoles.roleId))
    .where(eq(userRoles.userId, user.id))
    .orderBy(roles.name);
  return {
    virtualServerId: serverId,
    defaultAccess: server.defaultAccess,
    user: { ...user, roles: roleRows.map((r) => r.name) },
    upstreams,
    limits: (await ctx.federation?.limitsFor?.(serverId, user.id)) ?? [],
    items: items.map(({ decision, ...item }) => ({
      ...item,
      rule: decision.rule && {
        id: decision.rule.id,
        subjectType: decision.rule.subjectType,
        subjectId: decision.rule.subjectId,
        subjectName: names.get(decision.rule.subjectId) ?? null,
        virtualServerId: decision.rule.virtualServerId,
        effect: decision.rule.effect,
        pattern: decision.rule.pattern,
      },
    })),
  };
}
