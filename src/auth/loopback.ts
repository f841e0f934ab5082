/**
 * The one-shot redirect receiver for the authorization code flow: an HTTP server on
 * 127.0.0.1 with an ephemeral port that takes exactly one GET /callback carrying this flow's
 * `state`, and then closes.
 *
 * 127.0.0.1 rather than `localhost`: the name may resolve to ::1 or to something a hosts file
 * chose, and a listener on one address misses a browser that tried the other (RFC 8252 §8.3).
 * Stray requests (favicon, probes) never end the flow; a reused link changes nothing. Any local
 * process or web page can find the port (`/proc/net/tcp` lists it), so a callback without our
 * `state` is answered 400 and ignored: otherwise one forged request would cancel the sign-in.
 * Past a bound of such requests the flow ends, since someone is then clearly interfering.
 */
import { EventEmitter, once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WhataloError } from '../errors.js';
import type { Logger } from '../log.js';

export interface CallbackPage {
  ok: boolean;
  title: string;
  message: string;
}

export interface Callback {
  url: URL;
  /** answers the browser's pending request with a small honest HTML page (all text escaped) and then closes the server */
  respond(page: CallbackPage): void;
}

export interface CallbackServer {
  readonly redirectUri: string; // 'http://127.0.0.1:PORT/callback' — 127.0.0.1, never localhost
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

const NEUTRAL_PAGE: CallbackPage = {
  ok: true,
  title: 'Whatalo sign-in',
  message: 'Your app received the sign-in response. You can close this tab and return to your app.',
};
const FOREIGN_PAGE: CallbackPage = {
  ok: false,
  title: 'This is not the sign-in in progress',
  message: 'This address does not belong to the sign-in your app is waiting for, so it was ignored. Finish the sign-in in the tab your app opened.',
};
const USED_PAGE: CallbackPage = {
  ok: false,
  title: 'This sign-in link was already used',
  message: 'This sign-in link was already used. If you are not signed in yet, start the sign-in again from your app.',
};

/** The page after a completed sign-in. */
export const SIGNED_IN_PAGE: CallbackPage = Object.freeze({
  ok: true,
  title: 'Signed in to Whatalo',
  message: 'You are signed in to Whatalo. You can close this tab and return to your app.',
});

/** The page after a failed sign-in; `reason` is shown escaped, so it may quote the AS's error_description. */
export function signInFailedPage(reason: string): CallbackPage {
  return { ok: false, title: 'Sign-in to Whatalo failed', message: `${reason} You can close this tab and start the sign-in again from your app.` };
}

/**
 * Starts the loopback redirect receiver on 127.0.0.1 with an ephemeral port.
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-7.3
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-8.3
 */
export async function startCallbackServer(options: {
  /** The flow's `state`: a callback without it is someone else's and is ignored. */
  state: string;
  logger?: Logger;
  /** tests shorten the 10 s wait for respond() */
  respondGraceMs?: number;
}): Promise<CallbackServer> {
  const logger = options.logger;
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

  const server = http.createServer((req, res) => {
    const rawUrl = req.url ?? '/';
    if (rawUrl.length > MAX_URL_LENGTH) {
      logger?.debug('loopback: ignored an oversized request', { length: rawUrl.length });
      sendPlain(res, 414, 'URI Too Long');
      return;
    }
    const pathOnly = rawUrl.split('?', 1)[0];
    // The browser following our redirect URI always sends exactly this Host; anything else is a
    // page reaching us by DNS rebinding, and must not be able to end (or answer) the flow.
    if (req.method !== 'GET' || pathOnly !== CALLBACK_PATH || req.headers.host !== `127.0.0.1:${port}`) {
      logger?.debug('loopback: ignored a stray request', { method: req.method, path: pathOnly?.slice(0, 100) });
      sendPlain(res, 404, 'Not Found');
      return;
    }
    const url = new URL(rawUrl, `http://127.0.0.1:${port}`);
    // Only the AS's redirect carries our state (an attacker cannot know it); anything else,
    // a bare /callback included, is not this flow's answer and cannot end it. Duplicated
    // state parameters that include ours are still ours: the flow's checks refuse them.
    if (!url.searchParams.getAll('state').includes(options.state)) {
      sendPage(res, 400, FOREIGN_PAGE);
      if (first || interference) return;
      foreign++;
      logger?.warn(`ignored a request to the sign-in callback that does not belong to this sign-in (${foreign} so far)`);
      if (foreign >= MAX_FOREIGN_CALLBACKS) {
        interference = new WhataloError(
          'SIGN_IN_FAILED',
          `Someone is interfering with the sign-in: ${foreign} requests to its callback address on this computer did not belong to it. Nothing was stored.`,
          {
            hint: 'Start the sign-in again; if this repeats, look for a program or web page on this computer that keeps calling 127.0.0.1.',
            details: { reason: 'interference' },
          },
        );
        if (events.listenerCount('error') > 0) events.emit('error', interference);
      }
      return;
    }
    if (first) {
      sendPage(res, 410, USED_PAGE);
      return;
    }
    first = { url, res };
    events.emit('callback');
  });
  // Oversized headers or malformed requests get a plain status instead of an unhandled error.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (socket.writable && !socket.destroyed) {
      const status = error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    } else {
      socket.destroy();
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const redirectUri = `http://127.0.0.1:${port}${CALLBACK_PATH}`;

  const close = async (): Promise<void> => {
    if (!closed) {
      closed = true;
      if (first && !answered) answer(NEUTRAL_PAGE);
    }
    // Let the page reach the browser before every socket is cut.
    if (flushed) await Promise.race([flushed, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    await new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    });
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
            throw new WhataloError('SIGN_IN_TIMEOUT', `The sign-in was not completed within ${Math.round(timeoutMs / 1000)} seconds.`, {
              hint:
                'Start the sign-in again and finish it in the browser, or allow more time ' +
                '(`whatalo-mcp login --timeout SECONDS`, or WHATALO_LOGIN_TIMEOUT for the server).',
            });
          }
          throw error; // the interference, emitted as 'error'
        }
      }
      const got = first!;
      const grace = setTimeout(() => answer(NEUTRAL_PAGE), respondGraceMs);
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
  return new WhataloError('CANCELLED', 'The sign-in was cancelled.');
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
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1f2328}h1{font-size:1.3rem;color:${color}}</style>
</head><body><h1>${escapeHtml(page.title)}</h1><p>${escapeHtml(page.message)}</p></body></html>
`;
}

/** Escapes the five characters that matter in HTML text and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
