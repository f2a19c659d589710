import { BlockList, isIP } from 'node:net';

/**
 * Addresses a server-side fetch of a user-supplied URL must never reach: loopback, private,
 * link-local (cloud metadata at 169.254.169.254), CGNAT, multicast, reserved and
 * documentation ranges, and the IPv6 forms that can smuggle an IPv4 address (mapped,
 * compatible, NAT64).
 */
const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16],
  ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16],
  ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  // ::/96 (IPv4-compatible) and ::ffff:0:0/96 (IPv4-mapped) are handled in code: BlockList
  // applies IPv6 rules to IPv4 addresses through the mapping, so listing them here would block
  // every IPv4 address.
  ['64:ff9b::', 96], ['64:ff9b:1::', 48], ['100::', 64], ['2001::', 23],
  ['2001:db8::', 32], ['2002::', 16], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/** The IPv4 address embedded in an IPv4-mapped IPv6 address (`::ffff:a.b.c.d` in any spelling). */
function embeddedIpv4(address: string): string | undefined {
  const lower = address.toLowerCase();
  const dotted = /^(?:0{0,4}:){0,5}(?:0{0,4}:)?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower.replace(/^::/, '0:'));
  if (dotted) return dotted[1];
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (!hex) return undefined;
  const high = Number.parseInt(hex[1]!, 16);
  const low = Number.parseInt(hex[2]!, 16);
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !blocked.check(address, 'ipv4');
  if (family !== 6) return false;
  const v4 = embeddedIpv4(address);
  if (v4) return !blocked.check(v4, 'ipv4');
  if (/^[0:]*:(?:[0-9a-f]{0,4}:?){0,2}$|^[0:]*:\d+\.\d+\.\d+\.\d+$/i.test(address)) return false; // ::/96, IPv4-compatible
  return !blocked.check(address, 'ipv6');
}
