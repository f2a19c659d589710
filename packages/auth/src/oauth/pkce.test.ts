import { describe, expect, it } from 'vitest';
import { isValidS256Challenge, s256, verifyPkce } from './pkce.ts';

describe('PKCE S256', () => {
  // RFC 7636 Appendix B test vector.
  const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
  const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

  it('matches the RFC 7636 example', () => {
    expect(s256(verifier)).toBe(challenge);
    expect(isValidS256Challenge(challenge)).toBe(true);
    expect(verifyPkce(verifier, challenge)).toBe(true);
  });

  it('refuses a wrong, missing, short or plain verifier', () => {
    expect(verifyPkce(`${verifier.slice(0, -1)}X`, challenge)).toBe(false);
    expect(verifyPkce(undefined, challenge)).toBe(false);
    expect(verifyPkce('short', s256('short'))).toBe(false);
    expect(verifyPkce(challenge, challenge)).toBe(false);
  });

  it('rejects malformed challenges', () => {
    expect(isValidS256Challenge('abc')).toBe(false);
    expect(isValidS256Challenge(`${challenge}=`)).toBe(false);
  });
});
