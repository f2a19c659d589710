import { BlockList, isIP } from 'node:net';

/**
 * The proxies whose `X-Forwarded-For` is believed: single addresses or CIDR ranges
 * (`10.0.0.0/8`, `fd00::/8`). Ranges matter behind a load balancer whose address is not
 * fixed — a compose network, a Kubernetes pod network.
 */
export class TrustedProxies {
  private readonly list = new BlockList();
  readonly size: number;

  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const [address = '', bits] = entry.split('/');
      const family = isIP(address);
      if (family === 0) throw new Error(`not an IP address or CIDR range: ${entry}`);
      const type = family === 4 ? 'ipv4' : 'ipv6';
      if (bits === undefined) {
        this.list.addAddress(address, type);
        continue;
      }
      const prefix = Number(bits);
      if (!/^\d+$/.test(bits) || prefix > (family === 4 ? 32 : 128)) throw new Error(`not a CIDR prefix length: ${entry}`);
      this.list.addSubnet(address, prefix, type);
    }
    this.size = entries.length;
  }

  /** Parses the comma list of `SWITCHBOARD_TRUSTED_PROXIES`. */
  static parse(value: string | undefined): TrustedProxies {
    return new TrustedProxies(value?.split(',').map((entry) => entry.trim()).filter(Boolean) ?? []);
  }

  has(address: string): boolean {
    if (this.size === 0) return false;
    const family = isIP(address);
    return family !== 0 && this.list.check(address, family === 4 ? 'ipv4' : 'ipv6');
  }
}
