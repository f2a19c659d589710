/**
 * How upstream names become the names a virtual server exposes. Tools and prompts are
 * `{upstream}__{name}` by default ("always"), or the upstream's own name ("never"), or an
 * explicit rename. Exposed names must satisfy the MCP tool-name rule and stay ≤ 64
 * characters, because several clients reject longer names outright.
 */
export type PrefixMode = 'always' | 'never';

export const PREFIX_SEPARATOR = '__';
export const MAX_EXPOSED_NAME_LENGTH = 64;
const NAME_RULE = /^[A-Za-z0-9_.-]+$/;

export function exposedName(upstream: string, name: string, mode: PrefixMode, rename?: string | null): string {
  if (rename) return rename;
  return mode === 'always' ? `${upstream}${PREFIX_SEPARATOR}${name}` : name;
}

/** Why a name cannot be exposed, or undefined when it can. */
export function exposedNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'is empty';
  if (name.length > MAX_EXPOSED_NAME_LENGTH) return `is ${name.length} characters; clients accept at most ${MAX_EXPOSED_NAME_LENGTH}`;
  if (!NAME_RULE.test(name)) return 'may contain only letters, digits, "_", "-" and "."';
  return undefined;
}
