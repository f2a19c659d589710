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

/**
 * How a virtual server exposes resource URIs: as the upstreams list them ("original": two
 * upstreams listing one URI is a conflict), or each under its upstream ("namespaced"):
 *
 *   switchboard://{upstream}/{the upstream's own URI}
 *   e.g. test://static/resource/1 of "everything" → switchboard://everything/test://static/resource/1
 *
 * The rewrite is reversible (strip the prefix) and applies to templates too, so a URI a
 * client expands from a namespaced template routes back to the upstream that listed it.
 */
export type ResourceUriMode = 'original' | 'namespaced';

const NAMESPACE_SCHEME = 'switchboard://';

export function exposedUri(mode: ResourceUriMode, upstream: string, uri: string): string {
  return mode === 'namespaced' ? `${NAMESPACE_SCHEME}${upstream}/${uri}` : uri;
}

/** The upstream's own URI behind an exposed one; undefined when `exposed` is not `upstream`'s. */
export function upstreamUri(mode: ResourceUriMode, upstream: string, exposed: string): string | undefined {
  if (mode === 'original') return exposed;
  const prefix = `${NAMESPACE_SCHEME}${upstream}/`;
  return exposed.startsWith(prefix) ? exposed.slice(prefix.length) : undefined;
}
