/**
 * The one-shot redirect receiver for the authorization code flow: an HTTP server on a
 * loopback address that takes exactly one GET /callback carrying this flow's `state`, and
 * then closes.
 *
 * The port is exact (CONTRACT AC3): Whatalo compares the redirect URI with the registered one
 * character for character, port included (A6), so the port registered with the client is the
 * one bound again at each sign-in; only a fresh registration takes an ephemeral one.
 * 127.0.0.1 by default rather than `localhost`: the name may resolve to ::1 or to something a
 * hosts file chose (RFC 8252 §8.3). When an AS accepts only `localhost`, the receiver listens
 * on 127.0.0.1 and ::1 at the same port, so a browser that resolves the name either way
 * arrives.
 *
 * Stray requests (favicon, probes) never end the flow; a reused link changes nothing. Any local
 * process or web page can find the port (`/proc/net/tcp` lists it), so a callback without our
 * `state` is answered 400 and ignored: otherwise one forged request would cancel the sign-in.
 * Past a bound of such requests the flow ends, since someone is then clearly interfering.
 */
import { EventEmitter, once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WhataloError } from '../errors.js';
import { type Locale, detectLocale, translator } from '../i18n/index.js';
import type { Logger } from '../log.js';

export interface CallbackPage {
  ok: boolean;
  title: string;
  message: string;
  /** `<html lang>`: the language the texts are in (`en`, `es`). */
  lang: string;
}

export interface Callback {
  url: URL;
  /** answers the browser's pending request with a small honest HTML page (all text escaped) and then closes the server */
  respond(page: CallbackPage): void;
}

/** The host a loopback redirect URI names: 127.0.0.1 unless the AS accepts only `localhost` (CONTRACT AC3). */
export type LoopbackHost = '127.0.0.1' | 'localhost';

/** `http://HOST:PORT/callback`, the exact string registered and sent (CONTRACT A6). */
export function loopbackRedirectUri(host: LoopbackHost, port: number): string {
  return `http://${host}:${port}${CALLBACK_PATH}`;
}

/** The host and port of a redirect URI this app registered, or undefined when it is not one. */
export function parseLoopbackRedirectUri(uri: string): { host: LoopbackHost; port: number } | undefined {
  const match = /^http:\/\/(127\.0\.0\.1|localhost):(\d{1,5})\/callback$/.exec(uri);
  if (!match) return undefined;
  const port = Number(match[2]);
  return port >= 1 && port <= 65535 ? { host: match[1] as LoopbackHost, port } : undefined;
}

/** True when `error` says the port asked for is held by another process. */
export function isPortTaken(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EADDRINUSE' || code === 'EACCES';
}

export interface CallbackServer {
  /** `http://HOST:PORT/callback`, exactly as registered. */
  readonly redirectUri: string;
  readonly host: LoopbackHost;
  readonly port: number;
  /** The first GET /callback that carries the flow's state; rejects with WhataloError('SIGN_IN_TIMEOUT') after timeoutMs,
   *  with CANCELLED on signal abort, or with SIGN_IN_FAILED once too many foreign callbacks came. */
  waitForCallback(options: { timeoutMs: number; signal?: AbortSignal }): Promise<Callback>;
  close(): Promise<void>;
}

const CALLBACK_PATH = '/callback';
/** Far above any real authorization response (code + state + iss), far below anything abusive. */
const MAX_URL_LENGTH = 8 * 1024;
/** If the flow never calls respond(), the browser still gets an answer instead of a spinner. */
const RESPOND_GRACE_MS = 10_000;
/** A person who reloads an old tab a few times stays far below this; a script probing the port does not. */
export const MAX_FOREIGN_CALLBACKS = 20;

/**
 * The pages a person sees in the browser after a sign-in, in their language (`<html lang>`
 * too). Plain sentences only: they are rendered as escaped text, so no Markdown.
 */
export interface CallbackPages {
  neutral: CallbackPage;
  foreign: CallbackPage;
  used: CallbackPage;
  /** After the grant was stored: names the app as the consent page did and the store (name and id, or the id alone). */
  signedIn(p: { app: string; storeId?: string | null; storeName?: string | null }): CallbackPage;
  /** The person chose Deny: calm, says nothing was shared and how to connect later. */
  denied(p: { app: string }): CallbackPage;
  /** `reason` is shown escaped, so it may quote the AS's error_description. */
  failed(reason: string): CallbackPage;
}

export function callbackPages(locale: Locale = detectLocale()): CallbackPages {
  const { t } = translator(locale);
  const lang = locale.language;
  const page = (ok: boolean, title: string, message: string): CallbackPage => ({ ok, title, message, lang });
  return {
    neutral: page(true, t('page.neutral.title'), t('page.neutral.body')),
    foreign: page(false, t('page.foreign.title'), t('page.foreign.body')),
    used: page(false, t('page.used.title'), t('page.used.body')),
    signedIn: ({ app, storeId, storeName }) =>
      page(true, t('page.done.title'), storeId ? t('page.done.body', { app, store: storeName || storeId, storeId }) : t('page.done.bodyNoStore', { app })),
    denied: ({ app }) => page(true, t('page.denied.title'), t('page.denied.body', { app })),
    failed: (reason) => page(false, t('page.failed.title'), t('page.failed.body', { reason })),
  };
}

/** How often an ephemeral port is tried again when ::1 has it taken although 127.0.0.1 had it free. */
const DUAL_STACK_ATTEMPTS = 5;

function listen(server: http.Server, port: number, address: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: address, exclusive: true }, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise<void>((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** True when this machine has no IPv6 loopback to listen on. */
function noIpv6(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT';
}

/**
 * The listening sockets: 127.0.0.1 for `127.0.0.1`; 127.0.0.1 and ::1 at one port for
 * `localhost`. Port 0 takes an ephemeral port. A port held by another process rejects with
 * EADDRINUSE (see isPortTaken) and leaves nothing listening.
 */
async function bindLoopback(
  handler: http.RequestListener,
  host: LoopbackHost,
  port: number,
  logger: Logger | undefined,
): Promise<{ servers: http.Server[]; port: number }> {
  for (let attempt = 0; ; attempt++) {
    const v4 = http.createServer(handler);
    const bound = await listen(v4, port, '127.0.0.1');
    if (host === '127.0.0.1') return { servers: [v4], port: bound };
    const v6 = http.createServer(handler);
    try {
      await listen(v6, bound, '::1');
      return { servers: [v4, v6], port: bound };
    } catch (error) {
      if (noIpv6(error)) {
        logger?.debug('loopback: no IPv6 loopback on this machine; listening on 127.0.0.1 only');
        return { servers: [v4], port: bound };
      }
      await closeServer(v4);
      if (port !== 0 || !isPortTaken(error) || attempt + 1 >= DUAL_STACK_ATTEMPTS) throw error;
    }
  }
}

/**
 * Starts the loopback redirect receiver on `host` at `port` (0: an ephemeral one, for a new
 * registration). Rejects with the listen error when the port is taken (isPortTaken).
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-7.3
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-8.3
 */
export async function startCallbackServer(options: {
  /** The flow's `state`: a callback without it is someone else's and is ignored. */
  state: string;
  /** Default 127.0.0.1. */
  host?: LoopbackHost;
  /** The registered port; default 0 (ephemeral). */
  port?: number;
  logger?: Logger;
  /** tests shorten the 10 s wait for respond() */
  respondGraceMs?: number;
  /** The language of the pages this server answers by itself; default detectLocale(). */
  locale?: Locale;
}): Promise<CallbackServer> {
  const logger = options.logger;
  const pages = callbackPages(options.locale);
  const respondGraceMs = options.respondGraceMs ?? RESPOND_GRACE_MS;
  let first: { url: URL; res: http.ServerResponse } | undefined;
  let answered = false;
  let closed = false;
  let flushed: Promise<void> | undefined;
  let foreign = 0;
  /** Set once the foreign callbacks passed the bound; every wait then ends with it. */
  let interference: WhataloError | undefined;
  // 'callback' when the flow's own callback arrived, 'error' with `interference`.
  const events = new EventEmitter();

  const host = options.host ?? '127.0.0.1';
  const handler: http.RequestListener = (req, res) => {
    const rawUrl = req.url ?? '/';
    if (rawUrl.length > MAX_URL_LENGTH) {
      logger?.debug('loopback: ignored an oversized request', { length: rawUrl.length });
      sendPlain(res, 414, 'URI Too Long');
      return;
    }
    const pathOnly = rawUrl.split('?', 1)[0];
    // The browser following our redirect URI always sends exactly this Host; anything else is a
    // page reaching us by DNS rebinding, and must not be able to end (or answer) the flow.
    if (req.method !== 'GET' || pathOnly !== CALLBACK_PATH || req.headers.host !== `${host}:${port}`) {
      logger?.debug('loopback: ignored a stray request', { method: req.method, path: pathOnly?.slice(0, 100) });
      sendPlain(res, 404, 'Not Found');
      return;
    }
    const url = new URL(rawUrl, `http://${host}:${port}`);
    // Only the AS's redirect carries our state (an attacker cannot know it); anything else,
    // a bare /callback included, is not this flow's answer and cannot end it. Duplicated
    // state parameters that include ours are still ours: the flow's checks refuse them.
    if (!url.searchParams.getAll('state').includes(options.state)) {
      sendPage(res, 400, pages.foreign);
      if (first || interference) return;
      foreign++;
      logger?.warn(`ignored a request to the sign-in callback that does not belong to this sign-in (${foreign} so far)`);
      if (foreign >= MAX_FOREIGN_CALLBACKS) {
        const { t } = translator();
        interference = new WhataloError('SIGN_IN_FAILED', t('signin.interference', { count: foreign }), {
          hint: t('signin.interferenceHint'),
          details: { reason: 'interference' },
        });
        if (events.listenerCount('error') > 0) events.emit('error', interference);
      }
      return;
    }
    if (first) {
      sendPage(res, 410, pages.used);
      return;
    }
    first = { url, res };
    events.emit('callback');
  };

  const bound = await bindLoopback(handler, host, options.port ?? 0, logger);
  const servers = bound.servers;
  const port = bound.port;
  for (const server of servers) {
    // Oversized headers or malformed requests get a plain status instead of an unhandled error.
    server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
      if (socket.writable && !socket.destroyed) {
        const status = error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
        socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      } else {
        socket.destroy();
      }
    });
  }
  const redirectUri = loopbackRedirectUri(host, port);

  const close = async (): Promise<void> => {
    if (!closed) {
      closed = true;
      if (first && !answered) answer(pages.neutral);
    }
    // Let the page reach the browser before every socket is cut.
    if (flushed) await Promise.race([flushed, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    await Promise.all(servers.map(closeServer));
  };

  function answer(page: CallbackPage): void {
    if (answered || !first) return;
    answered = true;
    const res = first.res;
    flushed = new Promise<void>((resolve) => {
      if (res.destroyed) return resolve();
      res.once('finish', resolve);
      res.once('close', resolve);
    });
    sendPage(res, page.ok ? 200 : 400, page);
  }

  return {
    redirectUri,
    host,
    port,
    async waitForCallback({ timeoutMs, signal }) {
      if (signal?.aborted) throw cancelled();
      if (!first) {
        if (interference) throw interference;
        const timeout = AbortSignal.timeout(timeoutMs);
        try {
          await once(events, 'callback', { signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
        } catch (error) {
          if (signal?.aborted) throw cancelled();
          if (timeout.aborted) {
            throw new WhataloError('SIGN_IN_TIMEOUT', translator().t('signin.timeout', { seconds: Math.round(timeoutMs / 1000) }), {
              hint: translator().t('signin.timeoutHint'),
            });
          }
          throw error; // the interference, emitted as 'error'
        }
      }
      const got = first!;
      const grace = setTimeout(() => answer(pages.neutral), respondGraceMs);
      grace.unref();
      return {
        url: got.url,
        respond(page) {
          clearTimeout(grace);
          answer(page);
          void close();
        },
      };
    },
    close,
  };
}

function cancelled(): WhataloError {
  return new WhataloError('CANCELLED', translator().t('signin.cancelled'));
}

function securityHeaders(res: http.ServerResponse): void {
  res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Connection', 'close');
}

function sendPlain(res: http.ServerResponse, status: number, text: string): void {
  securityHeaders(res);
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text + '\n');
}

function sendPage(res: http.ServerResponse, status: number, page: CallbackPage): void {
  if (res.writableEnded || res.destroyed) return;
  securityHeaders(res);
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end(renderPage(page));
}

/** The whole page; every reflected string goes through escapeHtml (error_description is attacker-chosen). */
export function renderPage(page: CallbackPage): string {
  const color = page.ok ? '#1a7f37' : '#b42318';
  return `<!doctype html>
<html lang="${escapeHtml(page.lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1f2328}h1{font-size:1.3rem;color:${color}}</style>
</head><body><h1>${escapeHtml(page.title)}</h1><p>${escapeHtml(page.message)}</p></body></html>
`;
}

/** Escapes the five characters that matter in HTML text and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
