/**
 * What the remote-mode hardening tests share: a hostile remote MCP server and a recording
 * authorization server, both plain node:http on 127.0.0.1, and a raw host that spawns the real
 * `serve --remote` and speaks JSON-RPC to it line by line, reading its stdout only when told
 * (a slow host) and its memory from /proc.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CLI_PATH } from '../helpers/mcp.js';
import { testAsMetadata } from '../helpers/hostile-as.js';

export interface RpcMessage {
  jsonrpc: '2.0';
  id?: string | number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { code: number; message: string };
}

export interface LoopbackServer {
  /** http://127.0.0.1:PORT */
  base: string;
  close(): Promise<void>;
}

/** A node:http server on 127.0.0.1 (port 0, or the one given); each request's body is read (up to 1 MiB) before `handle`. */
export async function loopbackServer(handle: (req: IncomingMessage, res: ServerResponse, body: string) => void, port = 0): Promise<LoopbackServer> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= 1024 * 1024) chunks.push(chunk);
    });
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The initialize answer of a plain MCP server, for hostile servers that otherwise misbehave. */
export function initializeResult(id: string | number | undefined): RpcMessage {
  return {
    jsonrpc: '2.0',
    id: id ?? 0,
    result: { protocolVersion: '2025-11-25', capabilities: { tools: {} }, serverInfo: { name: 'hostile', version: '1' } },
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/**
 * Writes `piece` until `bytes` are written or the socket closes, waiting for drain each time
 * the relay stops reading; `onWait` counts those waits (the relay holding the server back).
 */
export function pour(res: ServerResponse, piece: Buffer | string, bytes: number, onWait?: () => void): Promise<void> {
  return new Promise((resolve) => {
    let left = bytes;
    const step = () => {
      while (left > 0 && !res.destroyed) {
        left -= piece.length;
        if (!res.write(piece)) {
          onWait?.();
          return void res.once('drain', step);
        }
      }
      resolve();
    };
    res.once('close', () => resolve());
    step();
  });
}

export interface RecordedRequest {
  path: string;
  /** Headers, the body and the decoded Basic credentials, as one text to search for secrets. */
  text: string;
}

export interface RecordingAs extends LoopbackServer {
  issuer: string;
  requests: RecordedRequest[];
  /** Every secret this AS handed out: client secrets, access and refresh tokens. */
  secrets: string[];
  /** The client ids it registered. */
  clientIds: string[];
  /** Access tokens it issued. */
  accessTokens: Set<string>;
}

/**
 * An authorization server that approves at once, registers anyone and records every request
 * it gets; `refreshTokens: false` issues none (every refused token then means a new sign-in).
 */
export async function recordingAs(name: string, options: { refreshTokens?: boolean } = {}): Promise<RecordingAs> {
  const requests: RecordedRequest[] = [];
  const secrets: string[] = [];
  const clientIds: string[] = [];
  const accessTokens = new Set<string>();
  const mint = (kind: string) => {
    const value = `${name}-${kind}-${randomBytes(16).toString('hex')}`;
    secrets.push(value);
    return value;
  };
  let issuer = '';
  const server = await loopbackServer((req, res, body) => {
    const url = new URL(req.url ?? '/', issuer);
    const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const decoded = basic ? Buffer.from(basic, 'base64').toString('utf8') : '';
    requests.push({ path: url.pathname, text: `${JSON.stringify(req.headers)}\n${body}\n${decodeURIComponent(decoded)}` });
    switch (url.pathname) {
      case '/.well-known/oauth-authorization-server':
        return sendJson(res, 200, testAsMetadata(issuer));
      case '/register': {
        const clientId = `${name}-client-${randomBytes(4).toString('hex')}`;
        clientIds.push(clientId);
        return sendJson(res, 201, {
          ...(JSON.parse(body || '{}') as object),
          client_id: clientId,
          client_secret: mint('secret'),
          client_secret_expires_at: 0,
        });
      }
      case '/authorize': {
        const back = new URL(url.searchParams.get('redirect_uri')!);
        back.searchParams.set('code', `${name}-code-${randomBytes(8).toString('hex')}`);
        back.searchParams.set('state', url.searchParams.get('state') ?? '');
        back.searchParams.set('iss', issuer);
        res.writeHead(302, { location: back.href });
        return void res.end();
      }
      case '/token': {
        const access = mint('access');
        accessTokens.add(access);
        return sendJson(
          res,
          200,
          {
            access_token: access,
            token_type: 'Bearer',
            expires_in: 3600,
            ...(options.refreshTokens === false ? {} : { refresh_token: mint('refresh') }),
            scope: 'mcp',
          },
          { 'cache-control': 'no-store' },
        );
      }
      case '/introspect':
        return sendJson(res, 200, { active: false });
      case '/revoke':
        res.writeHead(200);
        return void res.end();
      default:
        return sendJson(res, 404, { error: 'not_found' });
    }
  });
  issuer = server.base;
  return { ...server, issuer, requests, secrets, clientIds, accessTokens };
}

/** A host process: the real relay spawned with piped stdio, JSON-RPC written and read by hand. */
export interface RawHost {
  child: ChildProcessWithoutNullStreams;
  configDir: string;
  /** Sends a request and resolves with its answer (rejects after `timeoutMs`). */
  request(method: string, params?: Record<string, unknown>, timeoutMs?: number): Promise<RpcMessage>;
  notify(method: string, params?: Record<string, unknown>): void;
  /** initialize + notifications/initialized. */
  initialize(): Promise<RpcMessage>;
  /** Notifications received so far, by method. */
  notifications: Map<string, number>;
  /** Stops reading stdout (a host that is busy); `resume` reads again. */
  pause(): void;
  resume(): void;
  /** Reads at most `bytes` of stdout now, while paused (a slow host). */
  readSome(bytes: number): void;
  stderr(): string;
  /** The relay's resident memory now and at its peak (VmRSS, VmHWM), in MB. */
  memory(): { rssMb: number; peakMb: number };
  close(): Promise<void>;
}

export async function spawnRelay(url: string, env: Record<string, string> = {}, configDir?: string): Promise<RawHost> {
  const owned = configDir === undefined;
  const dir = configDir ?? (await mkdtemp(path.join(os.tmpdir(), 'whatalo-mcp-remote-')));
  const child = spawn(process.execPath, [CLI_PATH, 'serve', '--remote', url], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      LANG: 'C.UTF-8',
      BROWSER: 'none',
      WHATALO_CREDENTIAL_STORE: 'memory',
      WHATALO_CONFIG_DIR: dir,
      ...env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const waiting = new Map<string | number, (message: RpcMessage) => void>();
  const notifications = new Map<string, number>();
  let pending = '';
  const take = (text: string) => {
    pending += text;
    for (let end = pending.indexOf('\n'); end !== -1; end = pending.indexOf('\n')) {
      const line = pending.slice(0, end);
      pending = pending.slice(end + 1);
      if (line.trim() === '') continue;
      const message = JSON.parse(line) as RpcMessage;
      if (message.id !== undefined && waiting.has(message.id) && message.method === undefined) {
        waiting.get(message.id)!(message);
        waiting.delete(message.id);
      } else if (message.method !== undefined && message.id === undefined) {
        notifications.set(message.method, (notifications.get(message.method) ?? 0) + 1);
      }
    }
  };
  const onData = (chunk: Buffer) => take(chunk.toString('utf8'));
  child.stdout.on('data', onData);
  let paused = false;
  let next = 0;
  const write = (message: RpcMessage) => child.stdin.write(JSON.stringify(message) + '\n');
  const host: RawHost = {
    child,
    configDir: dir,
    request(method, params, timeoutMs = 30_000) {
      const id = ++next;
      return new Promise<RpcMessage>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no answer to ${method} within ${timeoutMs} ms\n${stderr}`)), timeoutMs);
        waiting.set(id, (message) => {
          clearTimeout(timer);
          resolve(message);
        });
        write({ jsonrpc: '2.0', id, method, ...(params ? { params } : {}) });
      });
    },
    notify(method, params) {
      write({ jsonrpc: '2.0', method, ...(params ? { params } : {}) });
    },
    async initialize() {
      const answer = await host.request('initialize', {
        protocolVersion: '2025-11-25',
        capabilities: {},
        clientInfo: { name: 'raw-host', version: '0' },
      });
      host.notify('notifications/initialized');
      return answer;
    },
    notifications,
    pause() {
      if (paused) return;
      paused = true;
      child.stdout.off('data', onData);
      child.stdout.pause();
    },
    resume() {
      if (!paused) return;
      paused = false;
      child.stdout.on('data', onData);
      child.stdout.resume();
    },
    readSome(bytes) {
      const chunk = child.stdout.read(Math.min(bytes, child.stdout.readableLength) || undefined) as Buffer | null;
      if (chunk) take(chunk.toString('utf8'));
    },
    stderr: () => stderr,
    memory() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
      return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
    },
    async close() {
      host.resume(); // what the relay still has to write must not keep it from exiting
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.stdin.end();
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      if (owned) await rm(dir, { recursive: true, force: true });
    },
  };
  return host;
}
