/**
 * Test harness: the real control plane (`startServer`) over loopback, one session per call
 * with the stripe mirror, the official `stripe` SDK pointed at it, and a local webhook receiver.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { startServer, type MirraServer } from '../../../src/server/index.js';
import { stripe as stripeMirror } from '../../../src/mirrors/stripe/index.js';

export interface Session {
  id: string;
  url: string;
  apiKey: string;
  webhookSecret: string;
  sdk: Stripe;
  /** Raw form-encoded HTTP to the mirror with the session key. */
  http(method: string, path: string, body?: string, headers?: Record<string, string>): Promise<{ status: number; headers: Headers; body: any; text: string }>;
  /** `/_mirra/*` admin calls. */
  admin(method: string, path: string, body?: unknown): Promise<any>;
  settle(): Promise<any>;
  advance(duration: string): Promise<any>;
  state(): Promise<Record<string, any[]>>;
}

let server: MirraServer | undefined;

export async function mirra(): Promise<MirraServer> {
  server ??= await startServer({ mirrors: [stripeMirror], pool: false, log: () => {} });
  return server;
}

export async function stopMirra(): Promise<void> {
  await server?.close();
  server = undefined;
}

export function sdkFor(url: string, apiKey: string, options: Record<string, unknown> = {}): Stripe {
  const u = new URL(url);
  return new Stripe(apiKey, { host: u.hostname, port: Number(u.port), protocol: 'http', ...options });
}

export async function createSession(seed?: string | { data: unknown }, clock: 'real' | 'manual' = 'manual'): Promise<Session> {
  const s = await mirra();
  const res = await fetch(`${s.url}/v1/sessions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ mirrors: ['stripe'], ...(seed !== undefined ? { seeds: { stripe: seed } } : {}), clock }),
  });
  const body = (await res.json()) as any;
  if (res.status !== 201 && res.status !== 200) throw new Error(`session create failed ${res.status}: ${JSON.stringify(body)}`);
  const m = body.mirrors.find((x: any) => x.vendor === 'stripe');
  const url: string = m.url.replace(/\/$/, '');
  const apiKey: string = m.apiKey;
  const http: Session['http'] = async (method, path, payload, headers = {}) => {
    const r = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: payload,
    });
    const text = await r.text();
    let parsed: any = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* keep text */
    }
    return { status: r.status, headers: r.headers, body: parsed, text };
  };
  const admin: Session['admin'] = async (method, path, payload) => {
    const r = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });
    return r.json();
  };
  return {
    id: body.sessionId,
    url,
    apiKey,
    webhookSecret: m.webhookSecret,
    sdk: sdkFor(url, apiKey),
    http,
    admin,
    settle: () => admin('POST', '/_mirra/settle', { horizon: '0s' }),
    advance: (duration) => admin('POST', '/_mirra/clock', { advance: duration }),
    state: () => admin('GET', '/_mirra/state'),
  };
}

export interface Received {
  body: string;
  headers: IncomingHttpHeaders;
}

/** A local webhook endpoint; answers `status()` (default 200). */
export async function receiver(status: () => number = () => 200): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const srv: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
      res.writeHead(status()).end();
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/webhooks/stripe`, received, close: () => new Promise((r) => srv.close(() => r())) };
}

export const types = (r: Received[]) => r.map((x) => JSON.parse(x.body).type as string);

/** Run `fn` expecting a Stripe SDK error; returns it. */
export async function stripeError(fn: () => Promise<unknown>): Promise<any> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a Stripe error');
}

/** The fields of a Stripe SDK error worth asserting (`message` is Stripe's, without the SDK's `[req_…] ` prefix). */
export function shape(err: any): Record<string, unknown> {
  return {
    type: err.type,
    statusCode: err.statusCode,
    code: err.code,
    param: err.param,
    decline_code: err.decline_code,
    message: err.raw?.message,
  };
}
