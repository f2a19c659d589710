import { type PolicyData, PolicySnapshot } from '@switchboard/core/policy/policy-snapshot';
import type { Database } from '@switchboard/db/client';
import { policies, userRoles, users, virtualServers } from '@switchboard/db/schema';
import { asc } from 'drizzle-orm';

/** Everything access decisions depend on, read in one go (ordered, so equal data compares equal). */
export async function loadPolicyData(db: Database): Promise<PolicyData> {
  const [rules, userRows, memberships, servers] = await Promise.all([
    db
      .select({
        id: policies.id,
        subjectType: policies.subjectType,
        subjectId: policies.subjectId,
        virtualServerId: policies.virtualServerId,
        effect: policies.effect,
        kind: policies.kind,
        pattern: policies.pattern,
      })
      .from(policies)
      .orderBy(asc(policies.id)),
    db.select({ id: users.id, email: users.email, disabled: users.disabled }).from(users).orderBy(asc(users.id)),
    db.select({ userId: userRoles.userId, roleId: userRoles.roleId }).from(userRoles).orderBy(asc(userRoles.userId), asc(userRoles.roleId)),
    db.select({ id: virtualServers.id, defaultAccess: virtualServers.defaultAccess }).from(virtualServers).orderBy(asc(virtualServers.id)),
  ]);
  return { rules, users: userRows, memberships, servers };
}

export interface AccessChange {
  before: PolicySnapshot;
  after: PolicySnapshot;
}

/**
 * The in-memory policy state of this process: one immutable snapshot, swapped whole when
 * users, roles, memberships, policies or server defaults change. Requests only ever read
 * `current` — never the database.
 */
export class AccessControl {
  private snapshot = PolicySnapshot.empty();
  private fingerprint = '';

  get current(): PolicySnapshot {
    return this.snapshot;
  }

  /** Re-reads the policy data; returns the old and new snapshots when anything changed. */
  async reload(db: Database): Promise<AccessChange | undefined> {
    const data = await loadPolicyData(db);
    const fingerprint = JSON.stringify(data);
    if (fingerprint === this.fingerprint) return undefined;
    const before = this.snapshot;
    this.snapshot = new PolicySnapshot(data);
    this.fingerprint = fingerprint;
    return { before, after: this.snapshot };
  }
}
