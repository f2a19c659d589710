import { type FormEvent, useId, useState } from 'react';
import { tokenStore } from '../../api/token-store.ts';

/** Bootstrap sign-in with an admin API token (a fresh install has a token but no admin user yet). */
export function TokenSignIn({ onCancel }: { onCancel: () => void }) {
  const [token, setToken] = useState('');
  const inputId = useId();
  const helpId = useId();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const value = token.trim();
    if (value) tokenStore.signIn(value);
  }

  return (
    <form className="stack-sm" onSubmit={submit}>
      <div className="field">
        <label htmlFor={inputId}>Admin API token</label>
        <input
          id={inputId}
          type="password"
          className="mono"
          value={token}
          onChange={(event) => setToken(event.target.value)}
          autoComplete="off"
          spellCheck={false}
          aria-describedby={helpId}
          placeholder="sb_…"
          required
        />
      </div>
      <div id={helpId} className="help">
        <p>
          The gateway prints an admin token in its log the first time it starts, or takes one from{' '}
          <code>SWITCHBOARD_ADMIN_TOKEN</code>. It is kept in this browser tab only.
        </p>
      </div>
      <div className="row">
        <button type="submit" className="button primary" disabled={!token.trim()}>
          Sign in with token
        </button>
        <button type="button" className="button ghost" onClick={onCancel}>
          Back
        </button>
      </div>
    </form>
  );
}
