/**
 * The console's query strings, as they were before the router: plain `key=value` pairs
 * (no JSON encoding of values: `?user=123` stays the string "123"), empty values left out.
 */
export function parseSearch(searchStr: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(searchStr.startsWith('?') ? searchStr.slice(1) : searchStr));
}

export function stringifySearch(search: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(search)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, typeof value === 'string' ? value : String(value));
  }
  const query = params.toString();
  return query ? `?${query}` : '';
}

/**
 * A route's `validateSearch` for optional string parameters: the `keys` it knows, each a
 * non-empty string or absent; anything else in the query string is dropped.
 */
export function optionalStrings<const K extends string>(keys: readonly K[]) {
  return (raw: Record<string, unknown>): { [P in K]?: string } => {
    const search: { [P in K]?: string } = {};
    for (const key of keys) {
      const value = raw[key];
      if (typeof value === 'string' && value !== '') search[key] = value;
    }
    return search;
  };
}

/*
 * Each page's search params. The router keeps unknown params in the URL (and in
 * `useSearch`), so a page reads its own through the same function:
 * `route.useSearch({ select: auditSearch })`.
 */
export const auditSearch = optionalStrings(['user', 'client', 'virtualServer', 'tool', 'outcome', 'from', 'to'] as const);
export const adminChangesSearch = optionalStrings(['actor', 'objectType', 'objectId', 'action', 'since', 'until'] as const);
export const accessSearch = optionalStrings(['server', 'user'] as const);

const PLAYGROUND_VIEWS = ['tools', 'resources', 'prompts'] as const;
export type PlaygroundView = (typeof PLAYGROUND_VIEWS)[number];
const playgroundStrings = optionalStrings(['server', 'tool', 'as', 'item'] as const);
/** The playground's server, person, view (tools when absent), and chosen tool or item. */
export function playgroundSearch(raw: Record<string, unknown>): ReturnType<typeof playgroundStrings> & { view?: Exclude<PlaygroundView, 'tools'> } {
  const view = PLAYGROUND_VIEWS.find((v) => v === raw.view);
  return { ...playgroundStrings(raw), ...(view && view !== 'tools' && { view }) };
}
