import { AccessTokenError, verifyAccessToken } from '@switchboard/auth/oauth/access-token';
import type { RevocationView, TokenSubject } from '@switchboard/auth/oauth/revocation-view';
import { users } from '@switchboard/db/schema';
import { eq } from 'drizzle-orm';
import type { JWTPayload, JWTVerifyGetKey } from 'jose';
import type { Principal } from '../mcp/principal.ts';
import type { OAuthContext } from './context.ts';
import { resourceUrl } from './resources.ts';
import { MCP_SCOPE } from './scopes.ts';

export interface BearerFailure {
  status: 401 | 403;
  /** Absent when no token was presented at all (RFC 6750 §3.1: then no error code). */
  error?: 'invalid_token' | 'insufficient_scope';
  description: string;
}

/**
 * The resource-server half: checks a bearer token for one virtual server. Our own tokens
 * are verified against our keys; in external-issuer mode, against that issuer's JWKS. The
 * audience must be this server's URL, so a sibling server's token is refused.
 */
export class BearerVerifier {
  constructor(
    private readonly oauth: OAuthContext,
    /** Revoked tokens, grants, clients, consents and users, kept current on every replica. */
    private readonly revocations: RevocationView,
    private readonly external?: { keys: JWTVerifyGetKey; resolveUser: (claims: JWTPayload) => Promise<string | undefined> },
    /** The in-memory view of users (the policy snapshot), so a disabled user is refused without a database read. */
    private readonly knownUser: (userId: string) => { disabled: boolean } | undefined = () => undefined,
  ) {}

  private readonly verified = new VerifiedTokenCache();

  async verify(serverId: string, token: string | undefined): Promise<Principal | BearerFailure> {
    if (!token) return { status: 401, description: 'this virtual server requires an OAuth access token' };
    const audience = this.oauth.config.externalIssuer?.audience ?? resourceUrl(this.oauth.issuer, serverId);
    const known = this.verified.get(token, audience);
    // A token whose signature and claims were checked before: only revocation and the user's state can have changed.
    if (known) {
      if (this.revocations.isRevoked(known.subject)) return revoked;
      return (await this.isActive(known.principal.userId)) ? known.principal : userRefused;
    }
    let claims: JWTPayload;
    try {
      const external = this.oauth.config.externalIssuer;
      claims = this.external && external
        ? await verifyAccessToken(token, { issuer: external.issuer, audience, algorithms: external.algorithms, keys: this.external.keys, clockToleranceSeconds: external.clockToleranceSeconds })
        : await verifyAccessToken(token, { issuer: this.oauth.issuer, audience, algorithms: ['ES256', 'RS256'], keys: this.oauth.keys.verificationKeys, requireAtJwtType: true });
    } catch (error) {
      if (!(error instanceof AccessTokenError)) throw error;
      this.oauth.logger.debug({ reason: error.reason, serverId }, 'access token refused');
      return { status: 401, error: 'invalid_token', description: 'the access token is invalid, expired or not for this server' };
    }
    const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
    // External issuers rarely know our `mcp` scope; the audience check is what binds their tokens to us.
    if (!this.external && !scopes.includes(MCP_SCOPE)) {
      return { status: 403, error: 'insufficient_scope', description: `the access token lacks the "${MCP_SCOPE}" scope` };
    }
    const userId = this.external ? await this.external.resolveUser(claims) : claims.sub;
    if (!userId || !(await this.isActive(userId))) return userRefused;
    const clientId = typeof claims.client_id === 'string' ? claims.client_id : typeof claims.azp === 'string' ? claims.azp : null;
    const principal: Principal & { userId: string } = { key: `oauth:${userId}:${clientId ?? ''}`, kind: 'oauth', userId, clientId };
    const subject: TokenSubject = {
      jti: claims.jti,
      grantId: typeof claims.grant_id === 'string' ? claims.grant_id : undefined,
      clientId,
      userId,
      serverId,
      issuedAt: claims.iat,
    };
    if (this.revocations.isRevoked(subject)) return revoked;
    this.verified.set(token, audience, { principal, subject }, (claims.exp ?? 0) * 1000);
    return principal;
  }

  private async isActive(userId: string): Promise<boolean> {
    const known = this.knownUser(userId);
    if (known) return !known.disabled;
    // Not in the snapshot yet (created moments ago by a first login) or deleted: ask the database.
    if (!/^[0-9a-f-]{36}$/i.test(userId)) return false;
    const [row] = await this.oauth.ctx.db.select({ disabled: users.disabled }).from(users).where(eq(users.id, userId));
    return !!row && !row.disabled;
  }
}

const userRefused: BearerFailure = { status: 401, error: 'invalid_token', description: 'the access token belongs to a user who cannot sign in' };
const revoked: BearerFailure = { status: 401, error: 'invalid_token', description: 'the access token has been revoked' };

interface VerifiedToken {
  principal: Principal & { userId: string };
  subject: TokenSubject;
}

/**
 * Tokens already verified, until they expire: checking an ES256 signature costs tens of
 * microseconds, paid once per token instead of once per request. Bounded; when full it
 * starts over (clients simply verify once more).
 */
class VerifiedTokenCache {
  private entries = new Map<string, { audience: string; verified: VerifiedToken; expiresAt: number }>();

  constructor(private readonly maxEntries = 10_000) {}

  get(token: string, audience: string) {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.audience === audience ? entry.verified : undefined;
  }

  set(token: string, audience: string, verified: VerifiedToken, expiresAt: number) {
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(token, { audience, verified, expiresAt });
  }
}
