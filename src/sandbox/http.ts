/**
 * The sandbox's small HTTP kit: bounded body reading, strict parsing and one error type
 * turned into a response by one handler (the hono habit). The sandbox is an independent
 * fake of Whatalo and shares no protocol code with the broker or the API client.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Bodies above this are refused with 413 before they are buffered. */
export const MAX_BODY_BYTES = 64 * 1024;

/** An error that already knows its HTTP answer. `body` is sent as JSON. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body.message === 'string' ? body.message : String(body.error ?? status));
  }
}

/**
 * RFC 6749 §5.2 shaped error; `invalid_client` gets 401 and a Basic challenge, and
 * `unauthorized_client` 401 as Whatalo's error table says (CONTRACT A9).
 */
export function oauthError(error: string, description: string, status = 400): HttpError {
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  if (error === 'invalid_client') {
    status = 401;
    headers['www-authenticate'] = 'Basic realm="whatalo-sandbox"';
  }
  if (error === 'unauthorized_client') status = 401;
  return new HttpError(status, { error, error_description: description }, headers);
}

function tooLarge(limit: number): HttpError {
  // `connection: close`: the rest of the body is discarded, not read into this connection's next request.
  return new HttpError(413, { error: 'invalid_request', error_description: `body larger than ${limit} bytes` }, { connection: 'close' });
}

/**
 * Reads the whole body, refusing more than `limit` bytes with 413. An oversized body is
 * drained, not destroyed, so the client still receives the 413 instead of a reset.
 */
export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume();
    throw tooLarge(limit);
  }
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.off('end', onEnd);
        req.resume();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => resolve(Buffer.concat(chunks).toString('utf8'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', reject);
  });
}

function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * Parses an `application/x-www-form-urlencoded` body. A parameter sent twice is refused
 * (RFC 6749 §3.1: "Request and response parameters MUST NOT be included more than once"),
 * except the names in `repeatable` (e.g. `resource`, which gets its own error).
 */
export async function readForm(req: IncomingMessage, repeatable: readonly string[] = []): Promise<Map<string, string[]>> {
  if (mediaType(req) !== 'application/x-www-form-urlencoded') {
    throw oauthError('invalid_request', 'content-type must be application/x-www-form-urlencoded');
  }
  return parseParams(new URLSearchParams(await readBody(req)), repeatable);
}

export function parseParams(params: URLSearchParams, repeatable: readonly string[] = []): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [key, value] of params) {
    const values = out.get(key) ?? [];
    values.push(value);
    out.set(key, values);
    if (values.length > 1 && !repeatable.includes(key)) {
      throw oauthError('invalid_request', `parameter "${key}" must not be sent more than once`);
    }
  }
  return out;
}

/** The single value of a parameter, or undefined. */
export function one(params: Map<string, string[]>, name: string): string | undefined {
  return params.get(name)?.[0];
}

export async function readJson(req: IncomingMessage): Promise<unknown> {
  if (mediaType(req) !== 'application/json') {
    throw new HttpError(415, { error: 'invalid_request', message: 'content-type must be application/json' });
  }
  const text = await readBody(req);
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, { error: 'invalid_request', message: 'body is not valid JSON' });
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendHtml(res: ServerResponse, status: number, html: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    // Sandbox pages must never be framed (clickjacking) nor load anything foreign. Forms post
    // to the sandbox itself; the consent page widens form-action to its own callback.
    'x-frame-options': 'DENY',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(html);
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
