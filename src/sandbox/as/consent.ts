/**
 * The consent page: which app asks, what it may do in plain words (each a box the merchant
 * may untick: Whatalo lets the merchant grant fewer scopes than asked, CONTRACT A6), for which
 * merchant, and exactly one store to grant it, told apart by name, currency and address. The
 * form carries a single-use CSRF token bound server-side to the pending request.
 */
import type { ServerResponse } from 'node:http';
import { SCOPE_CATALOG, isScope } from '../../scopes.js';
import { escapeHtml, sendHtml } from '../http.js';
import type { SandboxContext } from '../context.js';
import type { Client, PendingAuthorization } from '../state.js';
import { layout } from './pages.js';

/** Where the consent form posts. */
export const DECISION_PATH = '/oauth/authorize/decision';

/**
 * CSP for the consent page. Chromium applies `form-action` to the redirect that follows the
 * form POST too, so the page allows exactly its own origin and this request's callback.
 */
function consentCsp(redirectUri: string): string {
  const url = new URL(redirectUri);
  // CSP source lists cannot name an IPv6 literal (Chromium ignores "http://[::1]:port" as
  // invalid), so an IPv6 loopback callback can only be allowed by its scheme.
  const callback = url.hostname.startsWith('[') ? `${url.protocol}` : url.origin;
  return `default-src 'none'; style-src 'unsafe-inline'; form-action 'self' ${callback}; frame-ancestors 'none'; base-uri 'none'`;
}

export function renderConsentPage(ctx: SandboxContext, client: Client, pending: PendingAuthorization, error?: string): string {
  const app = escapeHtml(client.client_name ?? client.client_id);
  const { merchant, stores } = ctx.data;
  const scopes = pending.scope
    .map(
      (s, i) => `<li><label class="scope" for="scope-${i}"><input type="checkbox" id="scope-${i}" name="scope" value="${escapeHtml(s)}" checked>
<span>${escapeHtml(isScope(s) ? SCOPE_CATALOG[s] : s)} <code>${escapeHtml(s)}</code></span></label></li>`,
    )
    .join('\n');
  // Under the storeHint flag, a request that names its store offers that one, chosen.
  const offered = pending.storeId === undefined ? stores : stores.filter((s) => s.id === pending.storeId);
  const chosen = pending.storeId === undefined ? '' : ' checked';
  const storeChoices = offered
    .map(
      (
        store,
        i,
      ) => `<label class="store" for="store-${i}"><input type="radio" id="store-${i}" name="store_id" value="${escapeHtml(store.id)}" required${chosen}>
<span>${escapeHtml(store.name)} <code>${escapeHtml(store.id)}</code>
<span class="store-meta">${escapeHtml(store.currency)} · ${escapeHtml(store.storefront_url)}</span></span></label>`,
    )
    .join('\n');
  const alert = error ? `<div class="error" role="alert" id="consent-error"><p>${escapeHtml(error)}</p></div>` : '';
  const callbackHost = escapeHtml(new URL(pending.redirectUri).host);
  const body = `<h1><span id="app-name">${app}</span> wants access to your Whatalo store</h1>
<p>Signed in as <strong id="merchant-name">${escapeHtml(merchant.name)}</strong> (${escapeHtml(merchant.email)}).
<span class="note">This is the sandbox: no password is needed.</span></p>
${alert}
<form method="post" action="${DECISION_PATH}">
<input type="hidden" name="request_id" value="${escapeHtml(pending.id)}">
<input type="hidden" name="csrf_token" value="${escapeHtml(pending.csrf)}">
<h2 id="scopes-heading">It will be able to:</h2>
<p class="note">Untick anything you do not want to allow.</p>
<ul class="scopes" aria-labelledby="scopes-heading">
${scopes}
</ul>
<fieldset>
<legend>Choose the one store this app may use</legend>
${storeChoices}
</fieldset>
<p class="note">After you decide, you go back to the app at ${callbackHost}. You can disconnect it later in Connected apps.</p>
<div class="actions">
<button type="submit" class="primary" name="decision" value="approve">Approve</button>
<button type="submit" class="secondary" name="decision" value="deny" formnovalidate>Deny</button>
</div>
</form>`;
  return layout(`Authorize ${client.client_name ?? client.client_id}`, body);
}

export function sendConsentPage(ctx: SandboxContext, res: ServerResponse, status: number, client: Client, pending: PendingAuthorization, error?: string): void {
  sendHtml(res, status, renderConsentPage(ctx, client, pending, error), {
    'content-security-policy': consentCsp(pending.redirectUri),
  });
}
