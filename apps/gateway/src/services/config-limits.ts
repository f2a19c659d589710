import type { ConfigDocument, LimitConfig } from '@switchboard/core/contracts/config-document';
import type { RateLimitCreate } from '@switchboard/core/contracts/rate-limits';
import { rateLimits, roles, users, virtualServers } from '@switchboard/db/schema';
import { asc, eq, notInArray } from 'drizzle-orm';
import { badRequest } from '../errors.ts';
import type { ServiceContext, TxContext } from './context.ts';
import type { ImportSummary } from './config-import.ts';
import { createRateLimit, loadLimitRules, updateRateLimit } from './rate-limits.ts';

async function idOf(tx: TxContext, kind: 'user' | 'role' | 'server', key: string, path: string): Promise<string> {
  const table = kind === 'user' ? users : kind === 'role' ? roles : virtualServers;
  const column = kind === 'user' ? users.email : kind === 'role' ? roles.name : virtualServers.name;
  const [row] = await tx.db.select({ id: table.id }).from(table).where(eq(column, kind === 'user' ? key.toLowerCase() : key));
  if (!row) throw badRequest(`${path}: no ${kind === 'server' ? 'virtual server' : kind} named "${key}"`);
  return row.id;
}

/**
 * The document's `limits`, by name: each is created or updated; with `replace`, rules the
 * document does not name are removed. Runs after users, roles and servers are imported,
 * so a rule may name any of them.
 */
export async function importLimits(tx: TxContext, doc: ConfigDocument, replace: boolean, summary: ImportSummary) {
  const names: string[] = [];
  for (const [name, limit] of Object.entries(doc.limits)) {
    const path = `limits.${name}`;
    const input: RateLimitCreate = {
      name,
      subject: limit.user
        ? { type: 'user', id: await idOf(tx, 'user', limit.user, `${path}.user`) }
        : limit.role
          ? { type: 'role', id: await idOf(tx, 'role', limit.role, `${path}.role`) }
          : null,
      virtualServerId: limit.virtualServer ? await idOf(tx, 'server', limit.virtualServer, `${path}.virtualServer`) : null,
      pattern: limit.tools,
      rate: limit.rate ?? null,
      quota: limit.quota ?? null,
      concurrency: limit.concurrency ?? null,
      shared: limit.shared,
    };
    const [existing] = await tx.db.select({ id: rateLimits.id }).from(rateLimits).where(eq(rateLimits.name, name));
    if (existing) await updateRateLimit(tx, existing.id, input);
    else await createRateLimit(tx, input);
    summary.limits[existing ? 'updated' : 'created']++;
    summary.changes.push({ kind: 'limit', name, action: existing ? 'updated' : 'created' });
    names.push(name);
  }
  if (!replace) return;
  const gone = await tx.db
    .delete(rateLimits)
    .where(names.length ? notInArray(rateLimits.name, names) : undefined)
    .returning({ name: rateLimits.name });
  summary.limits.deleted += gone.length;
  for (const { name } of gone) summary.changes.push({ kind: 'limit', name, action: 'deleted' });
}

/** Every rule as the document writes it (subjects and servers by name). */
export async function exportLimits(ctx: ServiceContext): Promise<Record<string, LimitConfig>> {
  const [rules, userRows, roleRows, serverRows] = await Promise.all([
    loadLimitRules(ctx.db),
    ctx.db.select({ id: users.id, email: users.email }).from(users),
    ctx.db.select({ id: roles.id, name: roles.name }).from(roles),
    ctx.db.select({ id: virtualServers.id, name: virtualServers.name }).from(virtualServers).orderBy(asc(virtualServers.name)),
  ]);
  const emails = new Map(userRows.map((u) => [u.id, u.email]));
  const roleNames = new Map(roleRows.map((r) => [r.id, r.name]));
  const serverNames = new Map(serverRows.map((s) => [s.id, s.name]));
  const limits: Record<string, LimitConfig> = {};
  for (const rule of rules) {
    const subject = rule.subject && (rule.subject.type === 'user' ? emails.get(rule.subject.id) : roleNames.get(rule.subject.id));
    if (rule.subject && !subject) continue; // a dangling rule whose subject is gone
    limits[rule.name] = {
      ...(rule.subject?.type === 'user' && { user: subject! }),
      ...(rule.subject?.type === 'role' && { role: subject! }),
      ...(rule.virtualServerId && { virtualServer: serverNames.get(rule.virtualServerId)! }),
      tools: rule.pattern,
      ...(rule.rate && { rate: rule.rate }),
      ...(rule.quota && { quota: rule.quota }),
      ...(rule.concurrency !== null && { concurrency: rule.concurrency }),
      shared: rule.shared,
    };
  }
  return limits;
}
