import { z } from 'zod';
import { describeRedirectUriProblem, redirectUriProblem } from './redirect-uri.ts';

const redirectUris = z
  .array(z.string())
  .min(1, 'at least one redirect URI is required')
  .max(20)
  .superRefine((uris, ctx) => {
    for (const uri of uris) {
      const problem = redirectUriProblem(uri);
      if (problem) ctx.addIssue({ code: 'custom', message: `redirect URI ${JSON.stringify(uri.slice(0, 200))} ${describeRedirectUriProblem[problem]}`, params: { redirect: true } });
    }
  });

const httpsUrl = z.url({ protocol: /^https$/ }).max(2000);
const grantTypes = z.array(z.enum(['authorization_code', 'refresh_token'])).min(1).max(2);

/**
 * RFC 7591 client metadata we accept. Unknown fields are dropped, including any
 * `client_id` or `client_secret` a client proposes: the server chooses those.
 */
export const clientRegistrationSchema = z.object({
  redirect_uris: redirectUris,
  client_name: z.string().min(1).max(200).optional(),
  client_uri: httpsUrl.optional(),
  logo_uri: httpsUrl.optional(),
  token_endpoint_auth_method: z.enum(['none', 'client_secret_basic', 'client_secret_post']).default('client_secret_basic'),
  grant_types: grantTypes.default(['authorization_code']),
  response_types: z.array(z.literal('code')).min(1).max(1).default(['code']),
  scope: z.string().max(1000).optional(),
  software_id: z.string().max(200).optional(),
  software_version: z.string().max(100).optional(),
});
export type ClientRegistration = z.infer<typeof clientRegistrationSchema>;

/**
 * A Client ID Metadata Document: its `client_id` must be the URL it was fetched from, and
 * it cannot use a shared secret (there is no registration to hand one out).
 */
export const clientMetadataDocumentSchema = z.object({
  client_id: httpsUrl,
  redirect_uris: redirectUris,
  client_name: z.string().min(1).max(200).optional(),
  client_uri: httpsUrl.optional(),
  logo_uri: httpsUrl.optional(),
  token_endpoint_auth_method: z.literal('none').default('none'),
  grant_types: grantTypes.default(['authorization_code', 'refresh_token']),
  response_types: z.array(z.literal('code')).min(1).max(1).default(['code']),
  scope: z.string().max(1000).optional(),
});
export type ClientMetadataDocument = z.infer<typeof clientMetadataDocumentSchema>;

/** RFC 7591 §3.2.2: redirect problems are `invalid_redirect_uri`, everything else `invalid_client_metadata`. */
export function registrationErrorCode(error: z.ZodError): 'invalid_redirect_uri' | 'invalid_client_metadata' {
  return error.issues.some((i) => i.path[0] === 'redirect_uris') ? 'invalid_redirect_uri' : 'invalid_client_metadata';
}

export function describeRegistrationError(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
  return `${where}${issue.message}`;
}

/** Is this client_id a metadata document URL (CIMD) rather than one we issued? */
export function isClientIdUrl(clientId: string): boolean {
  return clientId.startsWith('https://');
}
