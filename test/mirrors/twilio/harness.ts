/**
 * Test harness: the real control plane (`startServer`) over loopback, one session per call
 * with the twilio mirror, the official `twilio` SDK pointed at it through an httpClient that
 * swaps the host (the code docs/mirrors/twilio.md shows), and a local callback receiver.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import type * as HttpResponse from 'twilio/lib/http/response.js';
import { startServer, type MirraServer } from '../../../src/server/index.js';
import { twilio as twilioMirror } from '../../../src/mirrors/twilio/index.js';

/** Sends every request the SDK makes (api., verify., messaging.twilio.com, ...) to the mirror. */
export class MirraRequestClient extends twilio.RequestClient {
  constructor(private readonly mirrorUrl: string) {
    super();
  }
  override request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<HttpResponse.default<TData>> {
    const uri = new URL(opts.uri);
    const target = new URL(this.mirrorUrl);
    uri.protocol = target.protocol;
    uri.host = target.host;
    return super.request({ ...opts, uri: uri.toString() });
  }
}

export type Twilio = ReturnType<typeof twilio>;

export interface Session {
  id: string;
  url: string;
  accountSid: string;
  authToken: string;
  sdk: Twilio;
  /** Raw HTTP to the mirror with Basic AccountSid:AuthToken (or `headers` override); form body. */
  http(method: string, path: string, form?: Record<string, string> | string, headers?: Record<string, string>): Promise<{ status: number; headers: Headers; body: any; text: string }>;
  /** `/_mirra/*` admin calls (JSON). */
  admin(method: string, path: string, body?: unknown): Promise<any>;
  settle(): Promise<any>;
  advance(duration: string): Promise<any>;
  state(): Promise<Record<string, any[]>>;
}

let server: MirraServer | undefined;

export async function mirra(): Promise<MirraServer> {
  server ??= await startServer({ mirrors: [twilioMirror], pool: false, log: () => {} });
  return server;
}

export async function stopMirra(): Promise<void> {
  await server?.close();
  server = undefined;
}

export async function createSession(seed?: string | { data: unknown }, clock: 'real' | 'manual' = 'manual'): Promise<Session> {
  const s = await mirra();
  const res = await fetch(`${s.url}/v1/sessions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ mirrors: ['twilio'], ...(seed !== undefined ? { seeds: { twilio: seed } } : {}), clock }),
  });
  const body = (await res.json()) as any;
  if (res.status !== 201 && res.status !== 200) throw new Error(`session create failed ${res.status}: ${JSON.stringify(body)}`);
  const m = body.mirrors.find((x: any) => x.vendor === 'twilio');
  const url: string = m.url.replace(/\/$/, '');
  const accountSid: string = m.apiKey;
  const authToken: string = m.webhookSecret;
  const basic = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
  const http: Session['http'] = async (method, path, form, headers = {}) => {
    const r = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: form === undefined ? undefined : typeof form === 'string' ? form : new URLSearchParams(form).toString(),
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
      headers: { authorization: `Bearer ${accountSid}`, 'content-type': 'application/json' },
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });
    return r.json();
  };
  return {
    id: body.sessionId,
    url,
    accountSid,
    authToken,
    sdk: twilio(accountSid, authToken, { httpClient: new MirraRequestClient(url) }),
    http,
    admin,
    settle: () => admin('POST', '/_mirra/settle', {}),
    advance: (d) => admin('POST', '/_mirra/clock', { advance: d }),
    state: () => admin('GET', '/_mirra/state'),
  };
}

export interface Received {
  path: string;
  body: string;
  params: Record<string, string>;
  headers: IncomingHttpHeaders;
}

/** A local callback endpoint; answers `status()` (default 200 with empty TwiML-less body). */
export async function receiver(status: () => number = () => 200): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const srv: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ path: req.url ?? '', body, params: Object.fromEntries(new URLSearchParams(body)), headers: req.headers });
      res.writeHead(status()).end();
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received, close: () => new Promise((r) => srv.close(() => r())) };
}

/** Wait for callback attempts in flight without moving the clock. */
export const drain = (s: Session) => s.admin('POST', '/_mirra/settle', { horizon: '0s' });

/** Catch an SDK rejection as a plain object of the RestException fields. */
export async function restError(p: Promise<unknown>): Promise<{ name: string; status: number; code: number; message: string; moreInfo: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { constructor: { name: string }; status: number; code: number; message: string; moreInfo: string };
    return { name: err.constructor.name, status: err.status, code: err.code, message: err.message, moreInfo: err.moreInfo };
  }
  throw new Error('expected the SDK call to fail');
}

export const VERIFIED = 'verified-numbers';
