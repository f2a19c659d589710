import { z } from 'zod';
import { timestampSchema, uuidSchema } from './common.ts';

/** A client of the authorization server, as the admin API shows it (read and revoke only). */
export const oauthClientSchema = z
  .object({
    id: uuidSchema,
    clientId: z.string(),
    /** `dcr`: registered through /oauth/register. `cimd`: identified by its metadata document URL. */
    kind: z.enum(['dcr', 'cimd']),
    clientName: z.string().nullable(),
    redirectUris: z.array(z.string()),
    tokenEndpointAuthMethod: z.enum(['none', 'client_secret_basic', 'client_secret_post']),
    createdAt: timestampSchema,
    lastUsedAt: timestampSchema.nullable(),
    revokedAt: timestampSchema.nullable(),
    /** Users who currently hold a consent for this client. */
    consentCount: z.number().int(),
  })
  .meta({ id: 'OAuthClient' });
export type OAuthClient = z.infer<typeof oauthClientSchema>;

/** A user's remembered consent for one client on one virtual server. */
export const oauthConsentSchema = z
  .object({
    id: uuidSchema,
    userId: uuidSchema,
    userEmail: z.string(),
    clientId: uuidSchema,
    clientName: z.string().nullable(),
    virtualServerId: uuidSchema,
    virtualServerName: z.string(),
    scope: z.string(),
    createdAt: timestampSchema,
  })
  .meta({ id: 'OAuthConsent' });
export type OAuthConsent = z.infer<typeof oauthConsentSchema>;
