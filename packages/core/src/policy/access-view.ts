import { type CompiledPattern, compilePattern } from './pattern.ts';

export type PolicyKind = 'tool' | 'resource' | 'prompt';
export const POLICY_KINDS: readonly PolicyKind[] = ['tool', 'resource', 'prompt'];

/** One stored allow/deny rule, as the evaluator sees it. */
export interface PolicyRule {
  id: string;
  subjectType: 'user' | 'role';
  subjectId: string;
  /** null: the rule applies on every virtual server. */
  virtualServerId: string | null;
  effect: 'allow' | 'deny';
  kind: PolicyKind;
  pattern: string;
}

export interface CompiledRule {
  rule: PolicyRule;
  pattern: CompiledPattern;
}

export function compileRule(rule: PolicyRule): CompiledRule {
  return { rule, pattern: compilePattern(rule.pattern) };
}

/** Rules of one kind and effect, indexed by the exact upstream their pattern names. */
class RuleIndex {
  private readonly byUpstream = new Map<string, CompiledRule[]>();
  private readonly anyUpstream: CompiledRule[] = [];

  add(rule: CompiledRule) {
    const exact = rule.pattern.exactUpstream;
    if (exact === null) {
      this.anyUpstream.push(rule);
      return;
    }
    const list = this.byUpstream.get(exact);
    if (list) list.push(rule);
    else this.byUpstream.set(exact, [rule]);
  }

  /** The first rule matching `upstream:name`; only rules that can match this upstream are tried. */
  find(upstream: string, name: string): CompiledRule | undefined {
    const exact = this.byUpstream.get(upstream);
    if (exact) {
      for (const r of exact) if (r.pattern.name(name)) return r;
    }
    for (const r of this.anyUpstream) if (r.pattern.upstream(upstream) && r.pattern.name(name)) return r;
    return undefined;
  }
}

/** Why a caller may or may not use an item when no rule decided it. */
export type DefaultReason = 'default' | 'no-user' | 'user-disabled' | 'unknown-user' | 'unknown-server';

/**
 * Everything that decides one caller's access on one virtual server, compiled: the rules
 * of the user and of each of their roles (this server's and global), split by kind and
 * effect. `decidingRule` is THE evaluation: listing, calling and explaining all use it.
 */
export class AccessView {
  private readonly deny: Record<PolicyKind, RuleIndex> = { tool: new RuleIndex(), resource: new RuleIndex(), prompt: new RuleIndex() };
  private readonly allow: Record<PolicyKind, RuleIndex> = { tool: new RuleIndex(), resource: new RuleIndex(), prompt: new RuleIndex() };

  constructor(
    /** What applies when no rule matches: the virtual server's default, or deny for a disabled/unknown user. */
    readonly defaultAllowed: boolean,
    readonly defaultReason: DefaultReason,
    rules: Iterable<CompiledRule> = [],
  ) {
    for (const r of rules) (r.rule.effect === 'deny' ? this.deny : this.allow)[r.rule.kind].add(r);
  }

  /** Deny beats allow: any matching deny decides; else the first matching allow; else none (the default applies). */
  decidingRule(kind: PolicyKind, upstream: string, name: string): CompiledRule | undefined {
    return this.deny[kind].find(upstream, name) ?? this.allow[kind].find(upstream, name);
  }

  allows(kind: PolicyKind, upstream: string, name: string): boolean {
    const rule = this.decidingRule(kind, upstream, name);
    return rule ? rule.rule.effect === 'allow' : this.defaultAllowed;
  }
}
