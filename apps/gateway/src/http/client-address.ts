/**
 * The client's address as far as it can be trusted: the socket's peer, unless that peer is
 * a configured trusted proxy, in which case `X-Forwarded-For` is read from the right,
 * skipping further trusted proxies. A client can write any X-Forwarded-For it likes, so
 * the header means nothing unless the hop that delivered it is ours.
 */
export function clientAddress(peer: string | undefined, forwardedFor: string | null, trustedProxies: { has(address: string): boolean }): string {
  const socket = normalize(peer ?? 'unknown');
  if (!trustedProxies.has(socket) || !forwardedFor) return socket;
  const hops = forwardedFor.split(',').map((hop) => normalize(hop.trim())).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) if (!trustedProxies.has(hops[i]!)) return hops[i]!;
  return hops[0] ?? socket;
}

/** IPv4 peers of a dual-stack socket arrive as `::ffff:a.b.c.d`. */
const normalize = (address: string) => (address.startsWith('::ffff:') ? address.slice(7) : address);
