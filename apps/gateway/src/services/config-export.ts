import type { ConfigDocumentInput } from '@switchboard/core/contracts/config-document';
import { policies, roles, upstreams, userRoles, users, virtualServerEntries, virtualServers } from '@switchboard/db/schema';
import { asc } from 'drizzle-orm';
import type { ServiceContext } from './context.ts';

/** `API-Key` on upstream `docs` → `DOCS_API_KEY`: a stable, obvious variable name. */
export const placeholderName = (...parts: string[]) => parts.join('_').toUpperCase().replace(/[^A-Z0-9_]/g, '_');
const placeholder = (...parts: string[]) => `\${${placeholderName(...parts)}}`;

/**
 * The configuration document for everything stored. Secrets are omitted: each is written
 * as a `${VAR}` placeholder, so re-importing the document with those variables set
 * restores the deployment. Passwords are never exported (only their hashes exist).
 */
export async function exportConfig(ctx: ServiceContext): Promise<ConfigDocumentInput> {
  const doc: Required<ConfigDocumentInput> = { mcpServers: {}, virtualServers: {}, users: {}, roles: {}, policies: [] };
  const upstreamRows = await ctx.db.select().from(upstreams).orderBy(asc(upstreams.name));
  const upstreamNames = new Map(upstreamRows.map((u) => [u.id, u.name]));
  for (const u of upstreamRows) {
    const extras = {
      ...(u.description && { description: u.description }),
      ...(!u.enabled && { disabled: true }),
      ...(u.connectAtBoot && { connectAtBoot: true }),
      ...(u.timeoutMs !== 60_000 && { timeoutMs: u.timeoutMs }),
      ...(u.protocol !== 'auto' && { protocol: u.protocol }),
      // the mode and its non-secret options (a service credential is a secret: left out)
      ...(u.credentialMode !== 'shared' && {
        credentials: { mode: u.credentialMode, ...Object.fromEntries(Object.entries(u.credentialOptions).filter(([k]) => k !== 'serviceCredential')) } as never,
      }),
    };
    doc.mcpServers[u.name] =
      u.transport === 'stdio'
        ? {
            command: u.command!,
            args: u.args,
            ...(Object.keys(u.env).length && { env: Object.fromEntries(Object.keys(u.env).map((k) => [k, placeholder(u.name, k)])) }),
            ...(u.cwd && { cwd: u.cwd }),
            ...(u.maxMessageBytes !== null && { maxMessageBytes: u.maxMessageBytes }),
            ...extras,
          }
        : {
            type: u.transport,
            url: u.url!,
            ...(Object.keys(u.headers).length && {
              headers: Object.fromEntries(Object.keys(u.headers).map((k) => [k, placeholder(u.name, k)])),
            }),
            ...(u.bearerToken && { bearerToken: placeholder(u.name, 'token') }),
            ...extras,
          };
  }

  const serverRows = await ctx.db.select().from(virtualServers).orderBy(asc(virtualServers.name));
  const serverNames = new Map(serverRows.map((s) => [s.id, s.name]));
  const entryRows = await ctx.db.select().from(virtualServerEntries).orderBy(asc(virtualServerEntries.createdAt));
  for (const s of serverRows) {
    const mine = entryRows.filter((e) => e.virtualServerId === s.id);
    const singles = (kind: 'tool' | 'resource' | 'prompt') =>
      mine
        .filter((e) => e.kind === kind)
        .map((e) => ({
          upstream: upstreamNames.get(e.upstreamId)!,
          name: e.name!,
          ...(e.exposedName && { exposedName: e.exposedName }),
          ...(e.description && { description: e.description }),
        }));
    doc.virtualServers[s.name] = {
      id: s.id,
      ...(s.description && { description: s.description }),
      upstreams: mine.filter((e) => e.kind === 'upstream').map((e) => upstreamNames.get(e.upstreamId)!),
      tools: singles('tool'),
      resources: singles('resource'),
      prompts: singles('prompt'),
      prefix: s.prefixMode,
      auth: s.authMode,
      defaultAccess: s.defaultAccess,
      ...(s.auditPayloads && { auditPayloads: true }),
      ...(!s.enabled && { disabled: true }),
    };
  }

  const roleRows = await ctx.db.select().from(roles).orderBy(asc(roles.name));
  const roleNames = new Map(roleRows.map((r) => [r.id, r.name]));
  const userRows = await ctx.db.select().from(users).orderBy(asc(users.email));
  const userEmails = new Map(userRows.map((u) => [u.id, u.email]));
  const membership = await ctx.db.select().from(userRoles);
  const policyRows = await ctx.db.select().from(policies).orderBy(asc(policies.createdAt), asc(policies.id));
  const globalTools = (subjectId: string, effect: 'allow' | 'deny') =>
    policyRows
      .filter((p) => p.subjectId === subjectId && p.effect === effect && p.kind === 'tool' && !p.virtualServerId)
      .map((p) => p.pattern)
      .sort(); // rules are a set; sorted so exports are stable and diffable

  for (const r of roleRows) {
    doc.roles[r.name] = {
      ...(r.description && { description: r.description }),
      allowed_tools: globalTools(r.id, 'allow'),
      denied_tools: globalTools(r.id, 'deny'),
    };
  }
  for (const u of userRows) {
    doc.users[u.email] = {
      ...(u.name && { name: u.name }),
      ...(u.isAdmin && { admin: true }),
      ...(u.disabled && { disabled: true }),
      roles: membership.filter((m) => m.userId === u.id).map((m) => roleNames.get(m.roleId)!).sort(),
      allowed_tools: globalTools(u.id, 'allow'),
      denied_tools: globalTools(u.id, 'deny'),
    };
  }
  for (const p of policyRows) {
    if (p.kind === 'tool' && !p.virtualServerId) continue; // already in allowed_tools/denied_tools
    const subject = p.subjectType === 'user' ? userEmails.get(p.subjectId) : roleNames.get(p.subjectId);
    if (!subject) continue; // a dangling rule whose subject is gone
    doc.policies.push({
      subject: `${p.subjectType}:${subject}`,
      ...(p.virtualServerId && { virtualServer: serverNames.get(p.virtualServerId)! }),
      effect: p.effect,
      kind: p.kind,
      pattern: p.pattern,
    });
  }
  return doc;
}
