/**
 * Policy patterns: `upstream:name` with `*` wildcards on either side (`everything:*`,
 * `*:read_*`, `docs:search`), or `*` alone for everything. The upstream side is a slug
 * (no `:`), so the first `:` splits a pattern and a key alike; the name side may itself
 * contain `:` (resource URIs such as `file:///etc/*`). `*` matches any run of characters,
 * including none; everything else matches itself, case-sensitively (like MCP names).
 */

/** Tests one side (upstream or name) of a key. */
export type SideMatcher = (value: string) => boolean;

export interface CompiledPattern {
  source: string;
  /** The exact upstream this pattern is limited to, or null when its upstream side has a wildcard. */
  exactUpstream: string | null;
  upstream: SideMatcher;
  name: SideMatcher;
}

const any: SideMatcher = () => true;

/**
 * A glob of `*` only, compiled to the cheapest test that decides it: equality, a prefix,
 * a suffix, prefix + suffix, or (several stars) a regular expression. Evaluation is the
 * hot path of every list and call, so no regex is built where a string test suffices.
 */
export function compileGlob(glob: string): SideMatcher {
  const stars = glob.split('*').length - 1;
  if (stars === 0) return (v) => v === glob;
  if (glob === '*' || /^\*+$/.test(glob)) return any;
  if (stars === 1) {
    const at = glob.indexOf('*');
    const prefix = glob.slice(0, at);
    const suffix = glob.slice(at + 1);
    if (suffix === '') return (v) => v.startsWith(prefix);
    if (prefix === '') return (v) => v.endsWith(suffix);
    const min = prefix.length + suffix.length;
    return (v) => v.length >= min && v.startsWith(prefix) && v.endsWith(suffix);
  }
  const source = glob
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const regex = new RegExp(`^${source}$`, 's');
  return (v) => regex.test(v);
}

/** Compiles a pattern (already validated by the contracts' schema). */
export function compilePattern(pattern: string): CompiledPattern {
  const colon = pattern.indexOf(':');
  if (colon < 0) {
    // Only `*` is valid without a colon; anything else would never match an `upstream:name`.
    const everything = /^\*+$/.test(pattern);
    return { source: pattern, exactUpstream: null, upstream: everything ? any : () => false, name: any };
  }
  const upstreamGlob = pattern.slice(0, colon);
  const nameGlob = pattern.slice(colon + 1);
  return {
    source: pattern,
    exactUpstream: upstreamGlob.includes('*') ? null : upstreamGlob,
    upstream: compileGlob(upstreamGlob),
    name: compileGlob(nameGlob),
  };
}

/** Whether `pattern` matches the item `name` of `upstream` (convenience; the evaluator uses compiled patterns). */
export function matchesPattern(pattern: string, upstream: string, name: string): boolean {
  const compiled = compilePattern(pattern);
  return compiled.upstream(upstream) && compiled.name(name);
}
