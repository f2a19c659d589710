import type { TrustedProxies } from '../http/trusted-proxies.ts';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { clientAddress } from '../http/client-address.ts';
import type { Limiter } from './limiter.ts';

/**
 * The authorization server's own limits — client registrations and sign-in attempts — per
 * client address, on the limiter's shared buckets (so they hold across replicas). The
 * address is the socket's peer, or what `X-Forwarded-For` says only when that peer is a
 * trusted proxy (SWITCHBOARD_TRUSTED_PROXIES): behind a proxy not listed, everybody is the
 * proxy, which is the safe side.
 */
export interface AddressLimits {
  /** Takes one attempt for this request's client: 0 when admitted, else seconds to wait. */
  take(scope: 'registration' | 'login', c: Context): Promise<number>;
}

export function addressLimits(options: {
  limiter: Limiter;
  trustedProxies: TrustedProxies;
  registrationsPerMinute: number;
  loginsPerMinute: number;
}): AddressLimits {
  const rates = {
    registration: { count: options.registrationsPerMinute, per: 'minute' as const },
    login: { count: options.loginsPerMinute, per: 'minute' as const },
  };
  return {
    take(scope, c) {
      return options.limiter.takeBuiltIn(scope, addressOf(c, options.trustedProxies), rates[scope]);
    },
  };
}

function addressOf(c: Context, trustedProxies: TrustedProxies): string {
  let peer: string | undefined;
  try {
    peer = getConnInfo(c).remote.address;
  } catch {
    // app.request() in tests has no socket
    peer = 'local';
  }
  return clientAddress(peer, c.req.header('x-forwarded-for') ?? null, trustedProxies);
}
