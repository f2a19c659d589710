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
  private readonly entries = new Map<RevocationKind, Map<string, Revocation>>();
  private size = 0;

  constructor(private readonly now: () => number = Date.now) {}

  add(revocation: Revocation): void {
    if (revocation.expiresAt <= this.now()) return;
    const byKey = this.entries.get(revocation.kind) ?? new Map<string, Revocation>();
    this.entries.set(revocation.kind, byKey);
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
    this.entries.clear();
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
    if (token.jti && this.find('token', token.jti)) return true;
    if (token.grantId && this.find('grant', token.grantId)) return true;
    const covers = (entry: Revocation | undefined) => !!entry && (token.issuedAt === undefined || token.issuedAt <= Math.floor(entry.revokedAt / 1000));
    if (covers(this.find('user', token.userId))) return true;
    if (!token.clientId) return false;
    return covers(this.find('client', token.clientId)) || covers(this.find('consent', consentKey(token.userId, token.clientId, token.serverId)));
  }

  get count(): number {
    return this.size;
  }

  private find(kind: RevocationKind, key: string): Revocation | undefined {
    const byKey = this.entries.get(kind);
    const entry = byKey?.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt > this.now()) return entry;
    byKey!.delete(key);
    this.size--;
    return undefined;
  }
}
