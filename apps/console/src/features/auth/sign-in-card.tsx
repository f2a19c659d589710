import { type FormEvent, useId, useState } from 'react';

interface SignInCardProps {
  /** Why the previous session ended, if it did not end by signing out. */
  notice: string | null;
  onSignIn: (token: string) => void;
}

export function SignInCard({ notice, onSignIn }: SignInCardProps) {
  const [token, setToken] = useState('');
  const inputId = useId();
  const helpId = useId();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const value = token.trim();
    if (value) onSignIn(value);
  }

  return (
    <div className="sign-in">
      <form className="panel sign-in-card" onSubmit={submit}>
        <h1>Sign in</h1>
        <p className="muted">Manage upstream MCP servers and the virtual servers built from them.</p>
        {notice && (
          <p className="notice" role="alert">
            {notice}
          </p>
        )}
        <label htmlFor={inputId}>Admin API token</label>
        <input
          id={inputId}
          type="password"
          value={token}
          onChange={(event) => setToken(event.target.value)}
          autoComplete="off"
          spellCheck={false}
          aria-describedby={helpId}
          placeholder="Paste your token"
          required
        />
        <div id={helpId} className="help">
          <p>
            The gateway prints an admin token in its log the first time it starts. You can also choose one by
            starting it with <code>SWITCHBOARD_ADMIN_TOKEN</code> set (at least 32 characters).
          </p>
          <p>The token is kept in this browser tab only and forgotten when the tab closes.</p>
        </div>
        <button type="submit" className="button primary" disabled={!token.trim()}>
          Sign in
        </button>
      </form>
    </div>
  );
}
