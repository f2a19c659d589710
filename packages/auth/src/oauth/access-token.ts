import { randomUUID } from 'node:crypto';
import { errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify, SignJWT } from 'jose';

/** RFC 9068 JWT access tokens: what our authorization server puts in them. */
export interface AccessTokenInput {
  issuer: string;
  /** Our user id. */
  subject: string;
  /** The virtual server URL the token is for (RFC 8707 resource). */
  audience: string;
  clientId: string;
  scope: string;
  ttlSeconds: number;
  /**
   * The grant the token was issued under (one per authorization code, kept through refresh):
   * revoking the grant revokes every access token it produced.
   */
  grantId?: string;
}

/** Whatever jose signs with (a WebCrypto key from importJWK). */
export type SigningPrivateKey = Parameters<SignJWT['sign']>[0];

export interface SigningKeyHandle {
  kid: string;
  alg: 'ES256' | 'RS256';
  privateKey: SigningPrivateKey;
}

export async function signAccessToken(key: SigningKeyHandle, input: AccessTokenInput): Promise<string> {
  return new SignJWT({ client_id: input.clientId, scope: input.scope, ...(input.grantId ? { grant_id: input.grantId } : {}) })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' })
    .setIssuer(input.issuer)
    .setSubject(input.subject)
    .setAudience(input.audience)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + input.ttlSeconds)
    .setJti(randomUUID())
    .sign(key.privateKey);
}

export interface VerifyAccessTokenOptions {
  issuer: string;
  audience: string;
  /** Allowlist: anything else (including `none` and HMAC algorithms) is refused. */
  algorithms: string[];
  keys: JWTVerifyGetKey;
  /** Our own tokens carry `typ: at+jwt`; external issuers often do not. */
  requireAtJwtType?: boolean;
  /**
   * Leeway for `exp`/`nbf`, for other issuers' clocks. None by default: a token we issued
   * is checked against the clock that set its `exp`.
   */
  clockToleranceSeconds?: number;
}

export type AccessTokenFailure = 'expired' | 'bad_signature' | 'wrong_issuer' | 'wrong_audience' | 'malformed' | 'unknown_key' | 'bad_algorithm';

export class AccessTokenError extends Error {
  override readonly name = 'AccessTokenError';
  constructor(readonly reason: AccessTokenFailure) {
    super(`access token rejected: ${reason.replace('_', ' ')}`);
  }
}

/**
 * Verifies signature (by `kid` against the allowed algorithms), `iss`, `aud`, `exp` and
 * `nbf`. Every failure becomes an AccessTokenError with a reason fit for logs; clients
 * only ever see `invalid_token`.
 */
export async function verifyAccessToken(token: string, options: VerifyAccessTokenOptions): Promise<JWTPayload> {
  try {
    const { payload, protectedHeader } = await jwtVerify(token, options.keys, {
      issuer: options.issuer,
      audience: options.audience,
      algorithms: options.algorithms,
      clockTolerance: options.clockToleranceSeconds ?? 0,
      requiredClaims: ['exp', 'sub'],
    });
    if (options.requireAtJwtType && protectedHeader.typ?.toLowerCase() !== 'at+jwt') throw new AccessTokenError('malformed');
    return payload;
  } catch (error) {
    if (error instanceof AccessTokenError) throw error;
    throw new AccessTokenError(classify(error));
  }
}

/**
 * For the authorization server itself (RFC 7009 revocation): one of our access tokens,
 * whatever resource it is for. Signature, issuer, `typ`, `exp` and `jti` are checked;
 * undefined for anything else.
 */
export async function readIssuedAccessToken(token: string, options: Omit<VerifyAccessTokenOptions, 'audience' | 'requireAtJwtType'>): Promise<JWTPayload | undefined> {
  if (token.split('.').length !== 3) return undefined;
  try {
    const { payload, protectedHeader } = await jwtVerify(token, options.keys, {
      issuer: options.issuer,
      algorithms: options.algorithms,
      requiredClaims: ['exp', 'sub', 'jti'],
    });
    return protectedHeader.typ?.toLowerCase() === 'at+jwt' ? payload : undefined;
  } catch {
    return undefined;
  }
}

function classify(error: unknown): AccessTokenFailure {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'bad_signature';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'bad_algorithm';
  if (error instanceof errors.JWKSNoMatchingKey) return 'unknown_key';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return 'wrong_issuer';
    if (error.claim === 'aud') return 'wrong_audience';
  }
  return 'malformed';
}
