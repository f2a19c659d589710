import type { KeyRing } from '@switchboard/auth/secret-box';
import { oauthOptionsSchema as oauthInputSchema, tokenExchangeOptionsSchema } from '@switchboard/core/contracts/credentials';
import { z } from 'zod';

export { tokenExchangeOptionsSchema };

/** The `oauth` options as stored (the contract's, with `clientSecret` a key-ring ciphertext). */
export const oauthOptionsSchema = oauthInputSchema.extend({ clientSecret: z.string().min(1).optional() });
export type OAuthOptions = z.infer<typeof oauthOptionsSchema>;

/**
 * The `oauth` options as stored: `clientSecret` encrypted (a string sets it, null removes it,
 * absent keeps the stored one while the mode stays `oauth`). Throws a readable message.
 */
export function storedOAuthOptions(ring: KeyRing, input: z.infer<typeof oauthInputSchema>, current: Record<string, unknown> | undefined): Record<string, unknown> {
  const { clientSecret, ...rest } = input;
  const kept = typeof current?.clientSecret === 'string' ? current.clientSecret : undefined;
  const secret = clientSecret === null ? undefined : typeof clientSecret === 'string' ? ring.encrypt(clientSecret) : kept;
  if (secret && !rest.clientId) throw new Error('credentials.clientSecret: needs a clientId');
  return { ...rest, ...(secret ? { clientSecret: secret } : {}) };
}

/** The `oauth` options as the API shows them: the client secret as `{ hasValue: true }`. */
export function describeOAuthOptions(options: Record<string, unknown>): Record<string, unknown> {
  return options.clientSecret ? { ...options, clientSecret: { hasValue: true } } : options;
}
