import { describe, expect, it } from 'vitest';
import { selfLockout } from './user-page.tsx';

describe('selfLockout', () => {
  const me = { id: 'me', isAdmin: true, disabled: false };
  it('warns when the signed-in admin demotes or disables themselves, not for others or unchanged flags', () => {
    expect(selfLockout(me, { isAdmin: false, disabled: false }, 'me')).toMatch(/own Administrator flag/);
    expect(selfLockout(me, { isAdmin: true, disabled: true }, 'me')).toMatch(/disabling your own account/);
    expect(selfLockout(me, { isAdmin: true, disabled: false }, 'me')).toBeNull();
    expect(selfLockout(me, { isAdmin: false, disabled: true }, 'someone-else')).toBeNull();
    expect(selfLockout(me, { isAdmin: false, disabled: false }, undefined)).toBeNull(); // signed in with a token
  });
});
