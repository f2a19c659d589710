import { consoleSignInSchema } from '@switchboard/core/contracts/console-session';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../../api/client.ts';
import { sessionQueries, useSignIn } from '../../api/session.ts';
import { TextField } from '../../components/field.tsx';
import { useFormErrors } from '../../lib/use-form-errors.ts';
import { TokenSignIn } from './token-sign-in.tsx';

const messages: Record<string, string> = {
  invalid_credentials: 'Wrong email or password.',
  locked: 'Too many failed attempts. Wait a moment and try again.',
};

/** Sign-in: a local person's email and password, an OpenID provider, or an admin API token. */
export function SignInCard({ notice }: { notice: string | null }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const form = useFormErrors();
  const [withToken, setWithToken] = useState(false);
  const signIn = useSignIn();
  const providers = useQuery(sessionQueries.providers());

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const input = form.check(consoleSignInSchema, { email: email.trim(), password });
    if (input) signIn.mutate(input);
  }

  const failure = signIn.error instanceof ApiError ? (messages[signIn.error.code] ?? signIn.error.message) : signIn.error?.message;
  const providerList = providers.data?.items ?? [];

  return (
    <div className="sign-in">
      <div className="panel sign-in-card">
        <h1>Sign in to Switchboard</h1>
        <p className="muted">
          See the MCP servers you may use, connect your accounts and mint your keys; administrators also manage upstreams, virtual servers and access.
        </p>
        {notice && (
          <p className="notice" role="alert">
            {notice}
          </p>
        )}
        {withToken ? (
          <TokenSignIn onCancel={() => setWithToken(false)} />
        ) : (
          <>
            <form className="stack-sm" onSubmit={submit} noValidate>
              <TextField label="Email" error={form.messageFor('email')} type="email" autoComplete="username" value={email} onChange={setEmail} />
              <TextField label="Password" error={form.messageFor('password')} type="password" autoComplete="current-password" value={password} onChange={setPassword} />
              {failure && (
                <p className="form-error" role="alert">
                  {failure}
                </p>
              )}
              <button type="submit" className="button primary" disabled={signIn.isPending}>
                {signIn.isPending ? 'Signing in…' : 'Sign in'}
              </button>
            </form>
            {providerList.length > 0 && (
              <div className="providers">
                <div className="divider">
                  <span>or</span>
                </div>
                {providerList.map((p) => (
                  <a key={p.slug} className="button provider" href={p.loginUrl}>
                    Sign in with {p.displayName}
                  </a>
                ))}
              </div>
            )}
            <button type="button" className="button ghost small token-link" onClick={() => setWithToken(true)}>
              Use an admin API token instead
            </button>
          </>
        )}
      </div>
    </div>
  );
}
