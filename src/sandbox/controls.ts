/**
 * Test controls under /sandbox/: what a test or a demo needs to steer and observe the fake,
 * and the merchant's "Connected apps" page. Never part of the real Whatalo surface.
 * Nothing here ever shows a token: grants list SHA-256 digests only.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SCOPE_CATALOG, isScope, joinScopes } from '../scopes.js';
import { HttpError, escapeHtml, one, readForm, readJson, sendHtml, sendJson } from './http.js';
import { layout, sendErrorPage } from './as/pages.js';
import type { SandboxContext } from './context.js';
import { type AsFlags, type AsLimits, limitsProblem } from './as/flags.js';
import { advanceClock, consumeSettingsCsrf, disconnect, isActive, issueSettingsCsrf, resetStats } from './state.js';

const MAX_ADVANCE_SECONDS = 10 * 366 * 24 * 3600;

function badRequest(message: string): HttpError {
  return new HttpError(400, { error: 'invalid_request', message });
}

function jsonObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('the body must be a JSON object');
  return body as Record<string, unknown>;
}

/** POST /sandbox/disconnect {client_id, store_id}: CONTRACT A14, as the merchant would do it. */
export async function handleDisconnect(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = jsonObject(await readJson(req));
  const clientId = body.client_id;
  const storeId = body.store_id;
  if (typeof clientId !== 'string' || typeof storeId !== 'string') throw badRequest('client_id and store_id must be strings');
  const revoked = disconnect(ctx.state, clientId, ctx.data.merchant.id, storeId);
  ctx.logger.info('app disconnected', { client_id: clientId, store_id: storeId, grants: revoked });
  sendJson(res, 200, { client_id: clientId, store_id: storeId, revoked_grants: revoked });
}

/**
 * POST /sandbox/authorization {auto_approve?: store id | null, store_hint?: 'honour' | 'ignore'}:
 * how the authorization endpoint behaves from now on, so a test can sign in to one store and
 * then meet an AS that grants another (the broker must refuse it). `store_hint` is the
 * storeHint flag (POST /sandbox/flags), 'ignore' by default as at Whatalo (CONTRACT AC5).
 */
export async function handleAuthorizationMode(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = jsonObject(await readJson(req));
  const extra = Object.keys(body).filter((k) => k !== 'auto_approve' && k !== 'store_hint');
  if (extra.length > 0) throw badRequest(`unknown field "${extra[0]}" (known: auto_approve, store_hint)`);
  if (body.store_hint !== undefined && body.store_hint !== 'honour' && body.store_hint !== 'ignore')
    throw badRequest('store_hint must be "honour" or "ignore"');
  if (body.auto_approve !== undefined && body.auto_approve !== null && !ctx.data.stores.some((s) => s.id === body.auto_approve)) {
    throw badRequest("auto_approve must be null or one of the merchant's store ids");
  }
  if (body.store_hint !== undefined) ctx.flags.storeHint = body.store_hint === 'honour';
  if (body.auto_approve !== undefined) ctx.autoApproveStoreId = (body.auto_approve as string | null) ?? undefined;
  const storeHint = ctx.flags.storeHint ? 'honour' : 'ignore';
  ctx.logger.info('authorization behaviour changed', { auto_approve: ctx.autoApproveStoreId ?? null, store_hint: storeHint });
  sendJson(res, 200, { auto_approve: ctx.autoApproveStoreId ?? null, store_hint: storeHint });
}

/** The wire names of the AS flags and limits (snake_case, like every control body). */
const FLAG_NAMES = {
  any_loopback_port: 'anyLoopbackPort',
  store_hint: 'storeHint',
  public_introspection: 'publicIntrospection',
  iss_parameter: 'issParameter',
  reference_metadata: 'referenceMetadata',
  localhost_only: 'localhostOnly',
} as const satisfies Record<string, keyof AsFlags>;
const LIMIT_NAMES = {
  registrations_per_hour: 'registrationsPerHour',
  token_per_minute_per_ip: 'tokenPerMinutePerIp',
  token_per_minute_per_client: 'tokenPerMinutePerClient',
} as const satisfies Record<string, keyof AsLimits>;

function flagsView(ctx: SandboxContext) {
  const flags = Object.fromEntries(Object.entries(FLAG_NAMES).map(([wire, key]) => [wire, ctx.flags[key]]));
  const limits = Object.fromEntries(Object.entries(LIMIT_NAMES).map(([wire, key]) => [wire, ctx.limits[key]]));
  return { ...flags, limits };
}

/**
 * GET /sandbox/flags, and POST /sandbox/flags {any_loopback_port?, store_hint?,
 * public_introspection?, iss_parameter?, reference_metadata?, localhost_only?: boolean, limits?:
 * {registrations_per_hour?, token_per_minute_per_ip?, token_per_minute_per_client?}}: the
 * AS's generous flags and rate limits (as/flags.ts, CONTRACT AC6). Answers the whole set.
 */
export async function handleFlags(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method === 'POST') {
    const body = jsonObject(await readJson(req));
    const known = [...Object.keys(FLAG_NAMES), 'limits'];
    const extra = Object.keys(body).filter((k) => !known.includes(k));
    if (extra.length > 0) throw badRequest(`unknown field "${extra[0]}" (known: ${known.join(', ')})`);
    for (const wire of Object.keys(FLAG_NAMES) as (keyof typeof FLAG_NAMES)[]) {
      if (body[wire] !== undefined && typeof body[wire] !== 'boolean') throw badRequest(`${wire} must be true or false`);
    }
    const limits = body.limits === undefined ? {} : jsonObject(body.limits);
    const patch: Partial<Record<keyof AsLimits, unknown>> = {};
    for (const [wire, value] of Object.entries(limits)) {
      const key = LIMIT_NAMES[wire as keyof typeof LIMIT_NAMES];
      if (key === undefined) throw badRequest(`unknown limit "${wire}" (known: ${Object.keys(LIMIT_NAMES).join(', ')})`);
      patch[key] = value;
    }
    const problem = limitsProblem(patch);
    if (problem) throw badRequest(problem);
    for (const [wire, key] of Object.entries(FLAG_NAMES)) {
      if (typeof body[wire] === 'boolean') ctx.flags[key] = body[wire];
    }
    Object.assign(ctx.limits, patch);
    ctx.logger.info('authorization server flags changed', flagsView(ctx));
  }
  sendJson(res, 200, flagsView(ctx), { 'cache-control': 'no-store' });
}

/** POST /sandbox/clock {advance_seconds}: moves the clock every expiry reads; answers the new time. */
export async function handleClock(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = jsonObject(await readJson(req));
  const seconds = body.advance_seconds;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0 || seconds > MAX_ADVANCE_SECONDS) {
    throw badRequest(`advance_seconds must be a number from 0 to ${MAX_ADVANCE_SECONDS}`);
  }
  const ms = advanceClock(ctx.state, seconds);
  ctx.logger.info('clock advanced', { seconds });
  sendJson(res, 200, { now: new Date(ms).toISOString(), now_ms: ms, offset_seconds: ctx.state.clockOffsetMs / 1000 });
}

/** GET /sandbox/grants */
export function handleGrants(ctx: SandboxContext, _req: IncomingMessage, res: ServerResponse): void {
  const grants = [...ctx.state.grants.values()].map((grant) => ({
    id: grant.id,
    client_id: grant.clientId,
    merchant: grant.merchant,
    store_id: grant.storeId,
    scope: joinScopes(grant.scope),
    revoked: grant.revoked,
    tokens: [...ctx.state.tokens.values()]
      .filter((t) => t.grantId === grant.id)
      .map((t) => ({
        sha256: t.digest,
        kind: t.kind,
        active: isActive(ctx.state, t),
        expires_at: new Date(t.expiresAt).toISOString(),
      })),
  }));
  sendJson(res, 200, { grants }, { 'cache-control': 'no-store' });
}

/** GET /sandbox/stats */
export function handleStats(ctx: SandboxContext, _req: IncomingMessage, res: ServerResponse): void {
  sendJson(res, 200, ctx.state.stats, { 'cache-control': 'no-store' });
}

/** POST /sandbox/reset-stats */
export function handleResetStats(ctx: SandboxContext, _req: IncomingMessage, res: ServerResponse): void {
  resetStats(ctx.state);
  sendJson(res, 200, ctx.state.stats);
}

export const SETTINGS_PATH = '/sandbox/settings';
export const SETTINGS_DISCONNECT_PATH = '/sandbox/settings/disconnect';

/** One row per (app, store) the merchant has a live grant for. */
function connectedApps(ctx: SandboxContext) {
  const rows = new Map<string, { clientId: string; storeId: string; scope: Set<string>; since: number }>();
  for (const grant of ctx.state.grants.values()) {
    if (grant.revoked || grant.merchant !== ctx.data.merchant.id) continue;
    const live = [...ctx.state.tokens.values()].some((t) => t.grantId === grant.id && isActive(ctx.state, t));
    if (!live) continue;
    const key = `${grant.clientId} ${grant.storeId}`;
    const row = rows.get(key) ?? { clientId: grant.clientId, storeId: grant.storeId, scope: new Set<string>(), since: grant.createdAt };
    grant.scope.forEach((s) => row.scope.add(s));
    row.since = Math.min(row.since, grant.createdAt);
    rows.set(key, row);
  }
  return [...rows.values()];
}

/** GET /sandbox/settings: the merchant's "Connected apps" page. */
export function handleSettings(ctx: SandboxContext, _req: IncomingMessage, res: ServerResponse): void {
  const rows = connectedApps(ctx).map((row) => {
    const client = ctx.state.clients.get(row.clientId);
    const app = client?.client_name ?? row.clientId;
    const store = ctx.data.stores.find((s) => s.id === row.storeId);
    const scopes = joinScopes(row.scope)
      .split(' ')
      .map((s) => escapeHtml(isScope(s) ? SCOPE_CATALOG[s] : s))
      .join('<br>');
    return `<tr>
<td><strong>${escapeHtml(app)}</strong><br><code>${escapeHtml(row.clientId)}</code></td>
<td>${escapeHtml(store?.name ?? row.storeId)}</td>
<td>${scopes}</td>
<td>${escapeHtml(new Date(row.since).toISOString().slice(0, 16).replace('T', ' '))} UTC</td>
<td><form method="post" action="${SETTINGS_DISCONNECT_PATH}">
<input type="hidden" name="client_id" value="${escapeHtml(row.clientId)}">
<input type="hidden" name="store_id" value="${escapeHtml(row.storeId)}">
<input type="hidden" name="csrf_token" value="${escapeHtml(issueSettingsCsrf(ctx.state))}">
<button type="submit" class="secondary" aria-label="Disconnect ${escapeHtml(app)} from ${escapeHtml(store?.name ?? row.storeId)}">Disconnect</button>
</form></td>
</tr>`;
  });
  const table = rows.length
    ? `<table><caption class="note">Apps that can act on your stores now</caption>
<thead><tr><th scope="col">App</th><th scope="col">Store</th>
<th scope="col">Access</th><th scope="col">Connected</th><th scope="col"><span class="note">Action</span></th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>`
    : '<p id="no-apps">No apps are connected.</p>';
  const body = `<h1>Connected apps</h1>
<p>Signed in as <strong>${escapeHtml(ctx.data.merchant.name)}</strong>. Disconnecting an app ends its access to that store at once.</p>
${table}`;
  sendHtml(res, 200, layout('Connected apps', body));
}

/** POST /sandbox/settings/disconnect: the page's form; CSRF-protected, then back to the page. */
export async function handleSettingsDisconnect(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const form = await readForm(req);
  if (!consumeSettingsCsrf(ctx.state, one(form, 'csrf_token'))) {
    sendErrorPage(
      res,
      403,
      'This form could not be accepted',
      'The form was not sent by the Connected apps page, or it was already used. Nothing was disconnected.',
    );
    return;
  }
  const clientId = one(form, 'client_id') ?? '';
  const storeId = one(form, 'store_id') ?? '';
  const revoked = disconnect(ctx.state, clientId, ctx.data.merchant.id, storeId);
  ctx.logger.info('app disconnected from settings', { client_id: clientId, store_id: storeId, grants: revoked });
  res.writeHead(303, { location: SETTINGS_PATH, 'cache-control': 'no-store', 'content-length': 0 });
  res.end();
}
