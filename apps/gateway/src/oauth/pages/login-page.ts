import type { Context } from 'hono';
import { html } from 'hono/html';
import { renderPage } from './layout.ts';

export interface LoginPageInput {
  returnTo: string;
  csrfToken: string;
  providers: { slug: string; displayName: string }[];
  email?: string;
  error?: string;
  status?: 200 | 401 | 429;
  formTargets?: string[];
}

export function loginPage(c: Context, input: LoginPageInput) {
  const providerLinks = input.providers.map(
    (p) => html`<a class="button" href="/oauth/login/${encodeURIComponent(p.slug)}?return_to=${encodeURIComponent(input.returnTo)}">Sign in with ${p.displayName}</a>`,
  );
  return renderPage(
    c,
    { title: 'Sign in', status: input.status, formTargets: input.formTargets },
    html`<h1>Sign in</h1><p class="sub">Sign in to continue.</p>
${input.error ? html`<p class="error" role="alert">${input.error}</p>` : ''}
<form method="post" action="/login">
<input type="hidden" name="csrf_token" value="${input.csrfToken}">
<input type="hidden" name="return_to" value="${input.returnTo}">
<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required value="${input.email ?? ''}">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button></form>
${providerLinks.length ? html`<p class="or">or</p>${providerLinks}` : ''}`,
  );
}
