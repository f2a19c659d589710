import { describe, expect, it } from 'vitest';
import { consentKey, RevocationView } from './revocation-view.ts';

describe('RevocationView', () => {
  let now = 1_000_000_000_000;
  const clock = () => now;
  const token = { jti: 'j1', grantId: 'g1', clientId: 'c1', userId: 'u1', serverId: 's1', issuedAt: now / 1000 - 10 };

  it('revokes by token id and grant outright, and forgets entries once the tokens they cover expired', () => {
    const view = new RevocationView(clock);
    expect(view.isRevoked(token)).toBe(false);
    view.add({ kind: 'token', key: 'j1', revokedAt: now, expiresAt: now + 1000 });
    expect(view.isRevoked(token)).toBe(true);
    expect(view.isRevoked({ ...token, jti: 'j2' })).toBe(false);
    view.add({ kind: 'grant', key: 'g1', revokedAt: now, expiresAt: now + 5000 });
    expect(view.isRevoked({ ...token, jti: 'j2' })).toBe(true);
    now += 5000;
    expect(view.isRevoked(token)).toBe(false);
    expect(view.count).toBe(0);
  });

  it('covers the tokens a client, consent or user had until the revocation, not those issued later', () => {
    const view = new RevocationView(clock);
    const later = { ...token, jti: 'j9', grantId: 'g9', issuedAt: Math.floor(now / 1000) + 1 };
    const sameSecond = { ...later, issuedAt: Math.floor(now / 1000) };
    view.add({ kind: 'consent', key: consentKey('u1', 'c1', 's1'), revokedAt: now, expiresAt: now + 1000 });
    expect(view.isRevoked(token)).toBe(true);
    expect(view.isRevoked(sameSecond)).toBe(true); // second precision: the safe side
    expect(view.isRevoked(later)).toBe(false);
    expect(view.isRevoked({ ...token, serverId: 's2' })).toBe(false); // another server's consent
    expect(view.isRevoked({ ...token, userId: 'u2' })).toBe(false);
    view.add({ kind: 'user', key: 'u2', revokedAt: now, expiresAt: now + 1000 });
    expect(view.isRevoked({ ...token, userId: 'u2' })).toBe(true);
    view.add({ kind: 'client', key: 'c3', revokedAt: now, expiresAt: now + 1000 });
    expect(view.isRevoked({ ...token, clientId: 'c3' })).toBe(true);
    view.replace([]);
    expect(view.isRevoked(token)).toBe(false);
  });
});
