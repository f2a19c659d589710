import type { Context } from 'hono';
import { html } from 'hono/html';
import type { AuthorizeRequest } from '../authorize-request.ts';
import { formTargetOf, renderPage } from './layout.ts';

/**
 * Asks the signed-in user whether this client may use this virtual server for them. The
 * client's redirect host is shown, since a client's name is self-declared and proves nothing.
 */
export function consentPage(c: Context, request: AuthorizeRequest, user: { email: string }, csrfToken: string) {
  const hidden = Object.entries(request.params).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`);
  const redirect = new URL(request.redirectUri);
  const target = formTargetOf(request.redirectUri);
  return renderPage(
    c,
    { title: 'Allow access?', formTargets: target ? [target] : [] },
    html`<h1>Allow access?</h1>
<p class="sub"><strong>${request.client.clientName ?? 'An unnamed application'}</strong> wants to use <strong>${request.server.name}</strong> as ${user.email}.</p>
<dl><dt>Application</dt><dd>${request.client.clientName ?? request.client.clientId}</dd>
<dt>Redirects to</dt><dd>${redirect.host || redirect.protocol}</dd>
<dt>Server</dt><dd>${request.server.name}</dd>
<dt>Access</dt><dd>${request.scope}</dd></dl>
<form method="post" action="/consent">
<input type="hidden" name="csrf_token" value="${csrfToken}">
${hidden}
<div class="row"><button type="submit" name="decision" value="deny" class="secondary">Deny</button>
<button type="submit" name="decision" value="approve">Allow</button></div></form>`,
  );
}
