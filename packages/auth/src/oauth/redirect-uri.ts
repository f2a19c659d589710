/**
 * Redirect URIs, per OAuth 2.1 §2.3.1/§4.1.3, RFC 8252 §7.3 and RFC 9700 §4.1: registered
 * URIs must be https, or http on a loopback host; matching is exact string comparison,
 * except that the port of a loopback http URI may differ (native apps bind a free port).
 */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

export type RedirectUriProblem =
  | 'not_a_url'
  | 'fragment'
  | 'userinfo'
  | 'insecure_scheme'
  | 'too_long';

/** Why a URI cannot be registered as a redirect URI, or undefined when it can. */
export function redirectUriProblem(uri: string): RedirectUriProblem | undefined {
  if (uri.length > 2000) return 'too_long';
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'not_a_url';
  }
  if (uri.includes('#')) return 'fragment';
  if (url.username || url.password || authorityOf(uri).includes('@')) return 'userinfo';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return undefined;
  // Private-use schemes (com.example.app:/cb) for native apps are allowed by RFC 8252 §7.1,
  // but they must contain a dot (reverse domain) so `javascript:` and `data:` never pass.
  if (/^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:$/.test(url.protocol) && url.protocol !== 'http:') return undefined;
  return 'insecure_scheme';
}

export const describeRedirectUriProblem: Record<RedirectUriProblem, string> = {
  not_a_url: 'is not an absolute URL',
  fragment: 'must not contain a fragment',
  userinfo: 'must not contain user information ("@")',
  insecure_scheme: 'must use https, or http on a loopback address (127.0.0.1, [::1], localhost)',
  too_long: 'is longer than 2000 characters',
};

/** The raw `//authority` part of a URI (URL parsing would hide an empty userinfo). */
const authorityOf = (uri: string) => /^[^:]+:\/\/([^/?#]*)/.exec(uri)?.[1] ?? '';

function isLoopbackHttp(uri: string): URL | undefined {
  try {
    const url = new URL(uri);
    return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname) ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Does a presented redirect_uri match one registered? Exact comparison of the raw strings;
 * the only flexibility is the port of http loopback URIs, where everything else (host
 * spelling, path, query) must still be identical.
 */
export function matchRedirectUri(registered: readonly string[], presented: string): boolean {
  if (registered.includes(presented)) return true;
  const candidate = isLoopbackHttp(presented);
  if (!candidate || redirectUriProblem(presented)) return false;
  return registered.some((uri) => {
    const known = isLoopbackHttp(uri);
    if (!known) return false;
    return withoutPort(known) === withoutPort(candidate) && rawWithoutPort(uri) === rawWithoutPort(presented);
  });
}

const withoutPort = (url: URL) => `${url.protocol}//${url.hostname}${url.pathname}${url.search}`;
// URL parsing normalises (e.g. lower-cases, resolves dot segments); comparing the raw strings
// with the port removed keeps the match exact apart from the port.
const rawWithoutPort = (uri: string) => uri.replace(/^(http:\/\/(?:\[::1\]|[^/:?#]+)):\d{1,5}(?=[/?#]|$)/, '$1');
