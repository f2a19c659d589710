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

