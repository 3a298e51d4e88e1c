import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { createMirrorHost, type EngineMirrorHost, type MirrorDefinition, type MirrorEvent } from '../../src/mirrors/core/index.js';
import { acmeMirror, formyMirror } from './acme/index.js';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

export interface Harness {
  host: EngineMirrorHost;
  url: string;
  dataDir: string;
  events: MirrorEvent[];
  close(): Promise<void>;
}

export async function startHarness(mirrors: MirrorDefinition[] = [acmeMirror(), formyMirror()], dataDir = mkdtempSync(join(tmpdir(), 'mirra-engine-'))): Promise<Harness> {
  const host = createMirrorHost({ mirrors, dataDir, fixturesDir: FIXTURES });
  const server = createServer((req, res) => {
    if (!host.handle(req, res)) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('control plane');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    host,
    url: `http://127.0.0.1:${port}`,
    dataDir,
    events: [],
    async close() {
      await host.close();
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections?.();
    },
  };
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'mirra-engine-'));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface Reply<T = any> {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: T;
}

export async function call<T = any>(
  base: string,
  method: string,
  path: string,
  options: { key?: string; body?: unknown; raw?: string | Buffer; headers?: Record<string, string>; auth?: string } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.auth !== undefined) headers.authorization = options.auth;
  else if (options.key) headers.authorization = `Bearer ${options.key}`;
  let body: string | Buffer | undefined = options.raw;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await request(base + path, { method: method as 'GET', headers, body });
  const text = await res.body.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, headers: res.headers as IncomingHttpHeaders, text, json };
}

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
  verified: boolean;
}

/** Svix verification written from the spec, independently of the engine's signer. */
export function svixVerify(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const id = headers['svix-id'];
  const ts = headers['svix-timestamp'];
  const sig = headers['svix-signature'];
  if (typeof id !== 'string' || typeof ts !== 'string' || typeof sig !== 'string') return false;
  const expected = createHmac('sha256', Buffer.from(secret.replace(/^whsec_/, ''), 'base64')).update(`${id}.${ts}.${body}`).digest('base64');
  return sig.split(' ').some((s) => s === `v1,${expected}`);
}

export interface Receiver {
  url: string;
  received: Received[];
  /** 'verify': 400 unless the signature verifies; 'accept': 200 always; 'fail': 503 always. */
  mode: 'verify' | 'accept' | 'fail';
  secret: string;
  close(): Promise<void>;
}

export async function startReceiver(secret: string, mode: Receiver['mode'] = 'verify'): Promise<Receiver> {
  const state: Receiver = { url: '', received: [], mode, secret, close: async () => {} };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const verified = svixVerify(state.secret, req.headers, body);
      state.received.push({ headers: req.headers, body, at: Date.now(), verified });
      const status = state.mode === 'fail' ? 503 : state.mode === 'accept' ? 200 : verified ? 204 : 400;
      res.writeHead(status);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
  state.close = () => new Promise<void>((r) => server.close(() => r()));
  return state;
}

export async function waitFor(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('waitFor timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
