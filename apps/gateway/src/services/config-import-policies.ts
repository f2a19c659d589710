import type { ConfigDocument } from '@switchboard/core/contracts/config-document';
import { policies, roles, users, virtualServers } from '@switchboard/db/schema';
import { and, eq, isNull } from 'drizzle-orm';
import { badRequest } from '../errors.ts';
import type { TxContext } from './context.ts';

interface KnownIds {
  roleIds: Map<string, string>;
  userIds: Map<string, string>;
  serverIds: Map<string, string>;
}

async function lookup(tx: TxContext, kind: 'user' | 'role' | 'server', key: string, known: KnownIds) {
  const cached = (kind === 'user' ? known.userIds : kind === 'role' ? known.roleIds : known.serverIds).get(key);
  if (cached) return cached;
  const table = kind === 'user' ? users : kind === 'role' ? roles : virtualServers;
  const column = kind === 'user' ? users.email : kind === 'role' ? roles.name : virtualServers.name;
  const [row] = await tx.db.select({ id: table.id }).from(table).where(eq(column, key));
  return row?.id;
}

/**
 * The document's `policies` list: rules beyond global tool allowlists. Importing the same
 * document twice must not duplicate them, so an identical existing rule is kept as is.
 */
export async function importExtraPolicies(
  tx: TxContext,
  doc: ConfigDocument,
  known: KnownIds,
  summary: { policies: { created: number } },
) {
  for (const [i, rule] of doc.policies.entries()) {
    const path = `policies.${i}`;
    const [type, ...rest] = rule.subject.split(':');
    const subjectType = type === 'user' ? 'user' : 'role';
    const key = subjectType === 'user' ? rest.join(':').toLowerCase() : rest.join(':');
    const subjectId = await lookup(tx, subjectType, key, known);
    if (!subjectId) throw badRequest(`${path}.subject: no ${subjectType} "${key}"`);
    const virtualServerId = rule.virtualServer ? await lookup(tx, 'server', rule.virtualServer, known) : null;
    if (rule.virtualServer && !virtualServerId) {
      throw badRequest(`${path}.virtualServer: no virtual server named "${rule.virtualServer}"`);
    }
    const values = { subjectType, subjectId, virtualServerId, effect: rule.effect, kind: rule.kind, pattern: rule.pattern } as const;
    const [existing] = await tx.db
      .select({ id: policies.id })
      .from(policies)
      .where(
        and(
          eq(policies.subjectType, subjectType),
          eq(policies.subjectId, subjectId),
          virtualServerId ? eq(policies.virtualServerId, virtualServerId) : isNull(policies.virtualServerId),
          eq(policies.effect, rule.effect),
          eq(policies.kind, rule.kind),
          eq(policies.pattern, rule.pattern),
        ),
      );
    if (existing) continue;
    await tx.db.insert(policies).values(values);
    summary.policies.created++;
  }
}
