import type { ConfigDocument, McpServerConfig } from '@switchboard/core/contracts/config-document';
import type { ImportCounts, ImportSummary } from '@switchboard/core/contracts/import-summary';
import type { UpstreamCreate } from '@switchboard/core/contracts/upstreams';
import type { VirtualServerEntry } from '@switchboard/core/contracts/virtual-servers';
import { policies, roles, upstreams, users, virtualServers } from '@switchboard/db/schema';
import { and, eq, isNull, notInArray } from 'drizzle-orm';
import { badRequest } from '../errors.ts';
import type { ServiceContext, TxContext } from './context.ts';
import { importExtraPolicies } from './config-import-policies.ts';
import { createRole, updateRole } from './roles.ts';
import { normalizeCredentialsConfig } from '@switchboard/core/contracts/credentials';
import { checkedUpstreamValues, createUpstream } from './upstreams.ts';
import { createUser, updateUser } from './users.ts';
import { createVirtualServer, updateVirtualServer } from './virtual-servers.ts';

export type ImportMode = 'merge' | 'replace';
type Counts = ImportCounts;
export type { ImportSummary };

/** Thrown at the end of a dry run so the transaction rolls back; carries the summary out. */
class DryRunRollback extends Error {
  constructor(readonly summary: ImportSummary) {
    super('dry run');
  }
}

const counts = (): Counts => ({ created: 0, updated: 0, deleted: 0 });

/** Claude's `mcpServers` entry → our create input (`http` is Claude Code's Streamable HTTP). */
export function upstreamInput(name: string, server: McpServerConfig): UpstreamCreate {
  const common = {
    name,
    description: server.description ?? null,
    enabled: !server.disabled,
    connectAtBoot: server.connectAtBoot ?? false,
    timeoutMs: server.timeoutMs ?? 60_000,
    protocol: server.protocol ?? 'auto',
    credentials: normalizeCredentialsConfig(server.credentials),
  };
  if ('command' in server) {
    return {
      ...common,
      transport: 'stdio',
      command: server.command,
      args: server.args,
      cwd: server.cwd ?? null,
      env: server.env,
      maxMessageBytes: server.maxMessageBytes ?? null,
    };
  }
  return {
    ...common,
    transport: server.type === 'sse' ? 'sse' : 'streamable-http',
    url: server.url,
    headers: server.headers,
    bearerToken: server.bearerToken ?? null,
  };
}

/**
 * Applies a configuration document in one transaction: all of it or nothing. Objects are
 * matched by name; `replace` also removes upstreams and virtual servers the document does
 * not name (users and roles are never removed by an import).
 */
export async function importConfig(
  ctx: ServiceContext,
  doc: ConfigDocument,
  mode: ImportMode,
  /** `warnings`: what parsing the document found worth a look (they travel in the answer). */
  options: { dryRun?: boolean; warnings?: string[] } = {},
): Promise<ImportSummary> {
  // A dry run is the real import, rolled back: the preview cannot drift from what applying does.
  return ctx.db.transaction(async (db) => {
    const tx: TxContext = { ...ctx, db };
    const summary: ImportSummary = {
      upstreams: counts(),
      virtualServers: counts(),
      users: counts(),
      roles: counts(),
      policies: counts(),
      dryRun: options.dryRun === true,
      changes: [],
      warnings: options.warnings ?? [],
    };
    const roleIds = await importRoles(tx, doc, summary);
    const upstreamIds = await importUpstreams(tx, doc, summary);
    const serverIds = await importVirtualServers(tx, doc, upstreamIds, summary);
    const userIds = await importUsers(tx, doc, summary);
    for (const [name, role] of Object.entries(doc.roles)) {
      await replaceGlobalToolRules(tx, 'role', roleIds.get(name)!, role, summary);
    }
    for (const [email, user] of Object.entries(doc.users)) {
      await replaceGlobalToolRules(tx, 'user', userIds.get(email)!, user, summary);
    }
    await importExtraPolicies(tx, doc, { roleIds, userIds, serverIds }, summary);
    if (mode === 'replace') {
      const keepUpstreams = [...upstreamIds.values()];
      const keepServers = [...serverIds.values()];
      const servers = await db
        .delete(virtualServers)
        .where(keepServers.length ? notInArray(virtualServers.id, keepServers) : undefined)
        .returning({ name: virtualServers.name });
      const gone = await db
        .delete(upstreams)
        .where(keepUpstreams.length ? notInArray(upstreams.id, keepUpstreams) : undefined)
        .returning({ name: upstreams.name });
      summary.virtualServers.deleted = servers.length;
      summary.upstreams.deleted = gone.length;
      for (const { name } of servers) summary.changes.push({ kind: 'virtualServer', name, action: 'deleted' });
      for (const { name } of gone) summary.changes.push({ kind: 'upstream', name, action: 'deleted' });
    }
    if (summary.dryRun) throw new DryRunRollback(summary);
    return summary;
  }).catch((error: unknown) => {
    if (error instanceof DryRunRollback) return error.summary;
    throw error;
  });
}

async function importRoles(tx: TxContext, doc: ConfigDocument, summary: ImportSummary) {
  const ids = new Map<string, string>();
  for (const [name, role] of Object.entries(doc.roles)) {
    const [existing] = await tx.db.select().from(roles).where(eq(roles.name, name));
    const saved = existing
      ? await updateRole(tx, existing.id, { description: role.description ?? null })
      : await createRole(tx, { name, description: role.description ?? null });
    summary.roles[existing ? 'updated' : 'created']++;
    summary.changes.push({ kind: 'role', name, action: existing ? 'updated' : 'created' });
    ids.set(name, saved.id);
  }
  return ids;
}

async function importUpstreams(tx: TxContext, doc: ConfigDocument, summary: ImportSummary) {
  const ids = new Map<string, string>();
  for (const [name, server] of Object.entries(doc.mcpServers)) {
    const input = upstreamInput(name, server);
    const [existing] = await tx.db.select({ id: upstreams.id }).from(upstreams).where(eq(upstreams.name, name));
    if (existing) {
      // The document is the whole definition: secrets not listed are removed.
      await tx.db.update(upstreams).set(checkedUpstreamValues(tx, input)).where(eq(upstreams.id, existing.id));
      ids.set(name, existing.id);
    } else {
      ids.set(name, (await createUpstream(tx, input)).id);
    }
    summary.upstreams[existing ? 'updated' : 'created']++;
    summary.changes.push({ kind: 'upstream', name, action: existing ? 'updated' : 'created' });
  }
  return ids;
}

async function upstreamIdByName(tx: TxContext, known: Map<string, string>, name: string, path: string) {
  const id = known.get(name) ?? (await tx.db.select({ id: upstreams.id }).from(upstreams).where(eq(upstreams.name, name)))[0]?.id;
  if (!id) throw badRequest(`${path}: no upstream named "${name}"`);
  known.set(name, id);
  return id;
}

async function importVirtualServers(
  tx: TxContext,
  doc: ConfigDocument,
  upstreamIds: Map<string, string>,
  summary: ImportSummary,
) {
  const ids = new Map<string, string>();
  for (const [name, server] of Object.entries(doc.virtualServers)) {
    const path = `virtualServers.${name}`;
    const entries: VirtualServerEntry[] = [];
    for (const [i, upstream] of server.upstreams.entries()) {
      entries.push({ kind: 'upstream', upstreamId: await upstreamIdByName(tx, upstreamIds, upstream, `${path}.upstreams.${i}`) });
    }
    for (const kind of ['tools', 'resources', 'prompts'] as const) {
      for (const [i, item] of server[kind].entries()) {
        const entry = typeof item === 'string' ? splitEntry(item) : item;
        entries.push({
          kind: kind === 'tools' ? 'tool' : kind === 'resources' ? 'resource' : 'prompt',
          upstreamId: await upstreamIdByName(tx, upstreamIds, entry.upstream, `${path}.${kind}.${i}`),
          name: entry.name,
          exposedName: entry.exposedName ?? null,
          description: entry.description ?? null,
        });
      }
    }
    const fields = {
      name,
      description: server.description ?? null,
      prefixMode: server.prefix,
      authMode: server.auth,
      defaultAccess: server.defaultAccess,
      auditPayloads: server.auditPayloads ?? false,
      enabled: !server.disabled,
      entries,
    };
    const [existing] = await tx.db
      .select({ id: virtualServers.id })
      .from(virtualServers)
      .where(server.id ? eq(virtualServers.id, server.id) : eq(virtualServers.name, name));
    const saved = existing
      ? await updateVirtualServer(tx, existing.id, fields)
      : await createVirtualServer(tx, { ...fields, id: server.id });
    summary.virtualServers[existing ? 'updated' : 'created']++;
    summary.changes.push({ kind: 'virtualServer', name, action: existing ? 'updated' : 'created' });
    ids.set(name, saved.id);
  }
  return ids;
}

function splitEntry(value: string): { upstream: string; name: string; exposedName?: string; description?: string } {
  const colon = value.indexOf(':');
  return { upstream: value.slice(0, colon), name: value.slice(colon + 1) };
}

async function importUsers(tx: TxContext, doc: ConfigDocument, summary: ImportSummary) {
  const ids = new Map<string, string>();
  for (const [email, user] of Object.entries(doc.users)) {
    const [existing] = await tx.db.select({ id: users.id }).from(users).where(eq(users.email, email));
    const fields = {
      name: user.name ?? null,
      roles: user.roles,
      ...(user.password !== undefined && { password: user.password }),
      ...(user.admin !== undefined && { isAdmin: user.admin }),
      ...(user.disabled !== undefined && { disabled: user.disabled }),
    };
    const saved = existing
      ? await updateUser(tx, existing.id, fields)
      : await createUser(tx, { email, isAdmin: false, disabled: false, ...fields });
    summary.users[existing ? 'updated' : 'created']++;
    summary.changes.push({ kind: 'user', name: email, action: existing ? 'updated' : 'created' });
    ids.set(email, saved.id);
  }
  return ids;
}

/** `allowed_tools` / `denied_tools` are the subject's global tool rules; the document owns them. */
async function replaceGlobalToolRules(
  tx: TxContext,
  subjectType: 'user' | 'role',
  subjectId: string,
  rules: { allowed_tools: string[]; denied_tools: string[] },
  summary: ImportSummary,
) {
  const scope = and(
    eq(policies.subjectType, subjectType),
    eq(policies.subjectId, subjectId),
    isNull(policies.virtualServerId),
    eq(policies.kind, 'tool'),
  );
  summary.policies.deleted += (await tx.db.delete(policies).where(scope).returning()).length;
  const rows = [
    ...rules.allowed_tools.map((pattern) => ({ effect: 'allow' as const, pattern })),
    ...rules.denied_tools.map((pattern) => ({ effect: 'deny' as const, pattern })),
  ].map((r) => ({ ...r, subjectType, subjectId, kind: 'tool' as const, virtualServerId: null }));
  if (rows.length) await tx.db.insert(policies).values(rows);
  summary.policies.created += rows.length;
}
