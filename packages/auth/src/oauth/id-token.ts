import { SignJWT } from 'jose';
import type { SigningKeyHandle } from './access-token.ts';

/** What an OpenID Connect ID token says (OIDC Core §2, §5.1): who logged in, for which client, when. */
export interface IdTokenInput {
  issuer: string;
  /** Our user id (the same `sub` as in access tokens). */
  subject: string;
  /** The client's `client_id`: an ID token is for the client, never for a resource. */
  clientId: string;
  /** Echoed from the authorization request, when it carried one. */
  nonce?: string;
  /** When the user authenticated (epoch seconds). */
  authTime: number;
  ttlSeconds: number;
  /** Scope-dependent claims (`email` for the email scope, `name` for profile). */
  claims?: Record<string, string>;
}

/**
 * Signs an ID token with the authorization server's key. Its `typ` is plain `JWT`, so it
 * can never pass for an access token (those are `at+jwt` and carry a resource audience).
 */
export async function signIdToken(key: SigningKeyHandle, input: IdTokenInput): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ ...input.claims, auth_time: input.authTime, ...(input.nonce ? { nonce: input.nonce } : {}), azp: input.clientId })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setIssuer(input.issuer)
    .setSubject(input.subject)
    .setAudience(input.clientId)
    .setIssuedAt(now)
    .setExpirationTime(now + input.ttlSeconds)
    .sign(key.privateKey);
}
