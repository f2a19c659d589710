import type { Visibility } from '../federation/router.ts';
import { AccessView, type CompiledRule, compileRule, type DefaultReason, type PolicyKind, type PolicyRule } from './access-view.ts';

/** Everything access decisions depend on, as loaded from storage. */
export interface PolicyData {
  rules: PolicyRule[];
  users: Array<{ id: string; email: string; disabled: boolean }>;
  memberships: Array<{ userId: string; roleId: string }>;
  servers: Array<{ id: string; defaultAccess: 'allow' | 'deny' }>;
}

export interface Decision {
  allowed: boolean;
  /** `rule` when a policy decided; otherwise why the fallback applied. */
  reason: 'rule' | DefaultReason;
  rule: PolicyRule | null;
}

interface SubjectRules {
  global: CompiledRule[];
  byServer: Map<string, CompiledRule[]>;
}

/** Views are small, but one per (server, user) ever seen: bounded so a stream of users cannot grow memory forever. */
const MAX_CACHED_VIEWS = 50_000;

/**
 * An immutable, compiled copy of every policy, user, membership and server default. Built
 * once per configuration change; every check is then a cached view lookup plus a few
 * string tests — no I/O. A caller without a user (auth `none`, a token bound to nobody)
 * gets the server's default: no policy can name them. A disabled or deleted user is
 * denied everything. Being an administrator grants nothing here: access is by policy.
 */
export class PolicySnapshot {
  private readonly users = new Map<string, { email: string; disabled: boolean }>();
  private readonly rolesOf = new Map<string, string[]>();
  private readonly defaults = new Map<string, boolean>();
  private readonly subjects = new Map<string, SubjectRules>();
  private readonly views = new Map<string, Map<string, AccessView>>();
  private cachedViews = 0;

  constructor(data: PolicyData) {
    for (const u of data.users) this.users.set(u.id, { email: u.email, disabled: u.disabled });
    for (const m of data.memberships) {
      const list = this.rolesOf.get(m.userId);
      if (list) list.push(m.roleId);
      else this.rolesOf.set(m.userId, [m.roleId]);
    }
    for (const s of data.servers) this.defaults.set(s.id, s.defaultAccess === 'allow');
    for (const rule of data.rules) {
      const key = `${rule.subjectType}:${rule.subjectId}`;
      let subject = this.subjects.get(key);
      if (!subject) {
        subject = { global: [], byServer: new Map() };
        this.subjects.set(key, subject);
      }
      const compiled = compileRule(rule);
      if (rule.virtualServerId === null) subject.global.push(compiled);
      else {
        const list = subject.byServer.get(rule.virtualServerId);
        if (list) list.push(compiled);
        else subject.byServer.set(rule.virtualServerId, [compiled]);
      }
    }
  }

  static empty() {
    return new PolicySnapshot({ rules: [], users: [], memberships: [], servers: [] });
  }

  /** The user's email and state, for audit events and session checks. */
  user(userId: string) {
    return this.users.get(userId);
  }

  /** False for a disabled or unknown (deleted) user: their sessions must end. */
  userActive(userId: string) {
    const user = this.users.get(userId);
    return user !== undefined && !user.disabled;
  }

  /** The roles a user holds (rate-limit rules may name a role). */
  roles(userId: string): readonly string[] {
    return this.rolesOf.get(userId) ?? [];
  }

  /** The compiled access of one caller (`null` = no user) on one server; cached per snapshot. */
  view(serverId: string, userId: string | null): AccessView {
    let byUser = this.views.get(serverId);
    const cached = byUser?.get(userId ?? '');
    if (cached) return cached;
    const view = this.compileView(serverId, userId);
    if (this.cachedViews >= MAX_CACHED_VIEWS) {
      this.views.clear();
      this.cachedViews = 0;
      byUser = undefined;
    }
    if (!byUser) {
      byUser = new Map<string, AccessView>();
      this.views.set(serverId, byUser);
    }
    byUser.set(userId ?? '', view);
    this.cachedViews++;
    return view;
  }

  private compileView(serverId: string, userId: string | null): AccessView {
    const serverDefault = this.defaults.get(serverId);
    if (serverDefault === undefined) return new AccessView(false, 'unknown-server');
    if (userId === null) return new AccessView(serverDefault, 'no-user');
    const user = this.users.get(userId);
    if (!user) return new AccessView(false, 'unknown-user');
    if (user.disabled) return new AccessView(false, 'user-disabled');
    // User rules first, then each role's; this server's before global ones (the order explain reports).
    const rules: CompiledRule[] = [];
    for (const key of [`user:${userId}`, ...(this.rolesOf.get(userId) ?? []).map((r) => `role:${r}`)]) {
      const subject = this.subjects.get(key);
      if (!subject) continue;
      rules.push(...(subject.byServer.get(serverId) ?? []), ...subject.global);
    }
    return new AccessView(serverDefault, 'default', rules);
  }

  /** May this caller list and use this item? The one decision behind every list and call. */
  allows(serverId: string, userId: string | null, kind: PolicyKind, upstream: string, name: string): boolean {
    return this.view(serverId, userId).allows(kind, upstream, name);
  }

  /** The same decision, with the rule (or fallback) that made it. */
  explain(serverId: string, userId: string | null, kind: PolicyKind, upstream: string, name: string): Decision {
    const view = this.view(serverId, userId);
    const decided = view.decidingRule(kind, upstream, name);
    if (decided) return { allowed: decided.rule.effect === 'allow', reason: 'rule', rule: decided.rule };
    return { allowed: view.defaultAllowed, reason: view.defaultReason, rule: null };
  }

  /** A router `Visibility` bound to this snapshot (for comparing what a caller saw before and after a change). */
  visibility(serverId: string, userId: string | null): Visibility {
    const view = this.view(serverId, userId);
    return {
      tool: (upstream, name) => view.allows('tool', upstream, name),
      prompt: (upstream, name) => view.allows('prompt', upstream, name),
      resource: (upstream, uri) => view.allows('resource', upstream, uri),
    };
  }
}

/**
 * A `Visibility` that asks whichever snapshot is current at each check: an open session
 * holds this, so a policy change applies from its next request without reconnecting.
 */
export function liveVisibility(current: () => PolicySnapshot, serverId: string, userId: string | null): Visibility {
  return {
    tool: (upstream, name) => current().allows(serverId, userId, 'tool', upstream, name),
    prompt: (upstream, name) => current().allows(serverId, userId, 'prompt', upstream, name),
    resource: (upstream, uri) => current().allows(serverId, userId, 'resource', upstream, uri),
  };
}
