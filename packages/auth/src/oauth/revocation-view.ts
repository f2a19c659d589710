/**
 * The resource server's memory of revoked access: access tokens are self-contained JWTs,
 * so a revoked one would keep working until `exp` unless every request also asks "was
 * this revoked?". Entries are by token id, grant, client, consent or user, and each
 * expires with the tokens it covers, so the view stays as small as what is still live.
 */
export type RevocationKind = 'token' | 'grant' | 'client' | 'consent' | 'user';

export interface Revocation {
  kind: RevocationKind;
  key: string;
  /** Epoch milliseconds. */
  revokedAt: number;
  /** Epoch milliseconds: every token this entry covers has expired by then. */
  expiresAt: number;
}

/** What an access token says about itself, as far as revocation is concerned. */
export interface TokenSubject {
  jti?: string;
  grantId?: string;
  clientId?: string | null;
  userId: string;
  serverId: string;
  /** `iat`, epoch seconds. */
  issuedAt?: number;
}

/** The key of a consent entry: one user, one client (its `client_id`), one virtual server. */
export const consentKey = (userId: string, clientId: string, serverId: string) => `${userId}|${clientId}|${serverId}`;

export class RevocationView {
  // One map per kind (a fixed record, not a map of maps): a check is a handful of lookups.
  private readonly entries: Record<RevocationKind, Map<string, Revocation>> = {
    token: new Map(),
    grant: new Map(),
    client: new Map(),
    consent: new Map(),
    user: new Map(),
  };
  private size = 0;

  constructor(private readonly now: () => number = Date.now) {}

  add(revocation: Revocation): void {
    if (revocation.expiresAt <= this.now()) return;
    const byKey = this.entries[revocation.kind];
    const known = byKey.get(revocation.key);
    if (!known) this.size++;
    byKey.set(
      revocation.key,
      known
        ? { ...known, revokedAt: Math.max(known.revokedAt, revocation.revokedAt), expiresAt: Math.max(known.expiresAt, revocation.expiresAt) }
        : revocation,
    );
  }

  /** Replaces everything (a full reload from the database), dropping what has expired. */
  replace(revocations: Iterable<Revocation>): void {
    for (const byKey of Object.values(this.entries)) byKey.clear();
    this.size = 0;
    for (const revocation of revocations) this.add(revocation);
  }

  /**
   * A token id or grant is revoked outright. A client, consent or user revocation covers
   * the tokens issued up to it: a fresh consent after a withdrawal gets tokens that work.
   * `iat` has second precision, so a token from the very second of the revocation counts
   * as covered (the safe side).
   */
  isRevoked(token: TokenSubject): boolean {
    if (this.size === 0) return false;
    if (token.jti !== undefined && this.find('token', token.jti)) return true;
    if (token.grantId !== undefined && this.find('grant', token.grantId)) return true;
    if (this.covers(this.find('user', token.userId), token.issuedAt)) return true;
    if (!token.clientId) return false;
    if (this.covers(this.find('client', token.clientId), token.issuedAt)) return true;
    return this.entries.consent.size > 0 && this.covers(this.find('consent', consentKey(token.userId, token.clientId, token.serverId)), token.issuedAt);
  }

  get count(): number {
    return this.size;
  }

  private covers(entry: Revocation | undefined, issuedAt: number | undefined): boolean {
    return entry !== undefined && (issuedAt === undefined || issuedAt <= Math.floor(entry.revokedAt / 1000));
  }

  private find(kind: RevocationKind, key: string): Revocation | undefined {
    const byKey = this.entries[kind];
    if (byKey.size === 0) return undefined;
    const entry = byKey.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt > this.now()) return entry;
    byKey.delete(key);
    this.size--;
    return undefined;
  }
}
