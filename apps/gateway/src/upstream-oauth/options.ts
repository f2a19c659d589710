import type { KeyRing } from '@switchboard/auth/secret-box';
import { z } from 'zod';

/**
 * The `oauth` mode's options (the upstream's `credentials`): all optional. `clientSecret`
 * is stored as a key-ring ciphertext. `authorizationServer` pins the AS (it must be one the
 * upstream lists) and makes its origin one the gateway may reach even on a private address.
 */
export const oauthOptionsSchema = z
  .object({
    clientId: z.string().min(1).max(2000).optional(),
    clientSecret: z.string().min(1).max(65_536).optional(),
    scopes: z.array(z.string().min(1).max(200)).max(50).optional(),
    authorizationServer: z.url({ protocol: /^https?$/ }).optional(),
  })
  .strict();
export type OAuthOptions = z.infer<typeof oauthOptionsSchema>;


/**
 * The `oauth` options as stored: validated, `clientSecret` encrypted (a string sets it, null
 * removes it, absent keeps the stored one while the mode stays `oauth`). Throws a readable
 * message on invalid options.
 */
export function storedOAuthOptions(ring: KeyRing, input: Record<string, unknown>, current: Record<string, unknown> | undefined): Record<string, unknown> {
  const { clientSecret, ...rest } = input;
  const parsed = oauthOptionsSchema.omit({ clientSecret: true }).safeParse(rest);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`credentials.${issue.path.join('.') || '(options)'}: ${issue.message}`);
  }
  if (clientSecret !== undefined && clientSecret !== null && (typeof clientSecret !== 'string' || clientSecret.length === 0 || clientSecret.length > 65_536)) {
    throw new Error('credentials.clientSecret: must be a non-empty string');
  }
  const kept = typeof current?.clientSecret === 'string' ? current.clientSecret : undefined;
  const secret = clientSecret === null ? undefined : typeof clientSecret === 'string' ? ring.encrypt(clientSecret) : kept;
  if (secret && !parsed.data.clientId) throw new Error('credentials.clientSecret: needs a clientId');
  return { ...parsed.data, ...(secret ? { clientSecret: secret } : {}) };
}

/** The `oauth` options as the API shows them: the client secret as `{ hasValue: true }`. */
export function describeOAuthOptions(options: Record<string, unknown>): Record<string, unknown> {
  return options.clientSecret ? { ...options, clientSecret: { hasValue: true } } : options;
}
