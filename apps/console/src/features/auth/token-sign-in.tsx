import { type FormEvent, useId, useState } from 'react';
import { useCheckToken } from '../../api/session.ts';
import { tokenStore } from '../../api/token-store.ts';
import { MutationError } from '../../components/query-state.tsx';

/** Bootstrap sign-in with an admin API token (a fresh install has a token but no admin user yet). */
export function TokenSignIn({ onCancel }: { onCancel: () => void }) {
  const [token, setToken] = useState('');
  const inputId = useId();
  const helpId = useId();
  const check = useCheckToken();

  // Checked before it is kept: a wrong token is refused here, not later on some page.
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const value = token.trim();
    if (value) check.mutate(value, { onSuccess: () => tokenStore.signIn(value) });
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
          onChange={(event) => {
            setToken(event.target.value);
            check.reset();
          }}
          autoComplete="off"
          spellCheck={false}
          aria-describedby={helpId}
          aria-invalid={check.isError || undefined}
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
      <MutationError error={check.error} />
      <div className="row">
        <button type="submit" className="button primary" disabled={!token.trim() || check.isPending}>
          {check.isPending ? 'Checking…' : 'Sign in with token'}
        </button>
        <button type="button" className="button ghost" onClick={onCancel}>
          Back
        </button>
      </div>
    </form>
  );
}
