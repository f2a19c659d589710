/**
 * `${user:NAME}` placeholders in an upstream's headers and env values: the values each
 * person supplies. Unlike `${VAR}` (substituted from the environment when a document is
 * imported) they are stored as written and filled in per person, per connection.
 */
const PLACEHOLDER = /\$\{user:([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The names referenced in `values` (each once, in order of appearance). */
export function userPlaceholders(...maps: Array<Record<string, string> | undefined>): string[] {
  const names = new Set<string>();
  for (const map of maps) for (const value of Object.values(map ?? {})) for (const match of value.matchAll(PLACEHOLDER)) names.add(match[1]!);
  return [...names];
}

/** True when the value uses at least one placeholder. */
export const hasUserPlaceholder = (value: string) => value.search(PLACEHOLDER) !== -1;

/**
 * The entries of `template` that use placeholders, filled from `values`. Undefined when a
 * referenced value is missing: a half-filled header must never reach an upstream.
 */
export function fillUserPlaceholders(template: Record<string, string>, values: Record<string, string>): Record<string, string> | undefined {
  const filled: Record<string, string> = {};
  for (const [key, value] of Object.entries(template)) {
    if (!hasUserPlaceholder(value)) continue;
    let missing = false;
    filled[key] = value.replace(PLACEHOLDER, (_, name: string) => {
      const found = values[name];
      if (found === undefined) missing = true;
      return found ?? '';
    });
    if (missing) return undefined;
  }
  return filled;
}
