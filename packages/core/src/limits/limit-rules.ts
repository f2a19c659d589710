import type { LimitRule } from '../contracts/rate-limits.ts';
import { type CompiledPattern, compilePattern } from '../policy/pattern.ts';

/** A rule ready for matching: its pattern compiled once per configuration change. */
export interface CompiledLimit {
  rule: LimitRule;
  pattern: CompiledPattern;
}

/** Who is calling, as the rules see it: a person (with their roles) or nobody in particular. */
export interface LimitSubject {
  userId: string | null;
  roles: readonly string[];
}

/**
 * Every rate-limit rule in memory, compiled. Finding the rules of a call is a scan of
 * string tests (rules are few; no I/O): the subject (everybody, the user, or one of their
 * roles), the virtual server (or all), and the pattern over `upstream:name`.
 */
export class LimitRules {
  readonly compiled: readonly CompiledLimit[];

  constructor(rules: readonly LimitRule[]) {
    this.compiled = rules.map((rule) => ({ rule, pattern: compilePattern(rule.pattern) }));
  }

  get size() {
    return this.compiled.length;
  }

  /** Whether the rule names this caller (a caller with no user matches only rules for everybody). */
  static appliesTo(rule: LimitRule, subject: LimitSubject): boolean {
    if (rule.subject === null) return true;
    if (subject.userId === null) return false;
    return rule.subject.type === 'user' ? rule.subject.id === subject.userId : subject.roles.includes(rule.subject.id);
  }

  /** The rules a call of `subject` to `upstream`'s `item` on `serverId` falls under. */
  matching(serverId: string, subject: LimitSubject, upstream: string, item: string): CompiledLimit[] {
    const found: CompiledLimit[] = [];
    for (const entry of this.compiled) {
      const { rule, pattern } = entry;
      if (rule.virtualServerId !== null && rule.virtualServerId !== serverId) continue;
      if (!LimitRules.appliesTo(rule, subject)) continue;
      if (pattern.upstream(upstream) && pattern.name(item)) found.push(entry);
    }
    return found;
  }

  /** The rules that may apply to `subject` on `serverId`, whatever they call (the explain API). */
  forSubject(serverId: string, subject: LimitSubject): CompiledLimit[] {
    return this.compiled.filter(
      ({ rule }) => (rule.virtualServerId === null || rule.virtualServerId === serverId) && LimitRules.appliesTo(rule, subject),
    );
  }
}
