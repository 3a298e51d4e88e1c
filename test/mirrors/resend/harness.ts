/**
 * Test harness: the real control plane (`startServer`) over loopback, one session per
 * call with the resend mirror, the official SDK pointed at it, and a local webhook receiver.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Resend } from 'resend';
import { startServer, type MirraServer } from '../../../src/server/index.js';
import { resend as resendMirror } from '../../../src/mirrors/resend/index.js';

export interface Session {
  id: string;
  url: string;
  apiKey: string;
  webhookSecret: string;
  sdk: Resend;
  /** Raw HTTP to the mirror with the session key (or `auth` override). */
  http(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; headers: Headers; body: any; text: string }>;
  /** `/_mirra/*` admin calls. */
  admin(method: string, path: string, body?: unknown): Promise<any>;
  settle(): Promise<any>;
  state(): Promise<Record<string, any[]>>;
}

let server: MirraServer | undefined;

export async function mirra(): Promise<MirraServer> {
  server ??= await startServer({ mirrors: [resendMirror], pool: false, log: () => {} });
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
    body: JSON.stringify({ mirrors: ['resend'], ...(seed !== undefined ? { seeds: { resend: seed } } : {}), clock }),
  });
  const body = (await res.json()) as any;
  if (res.status !== 201 && res.status !== 200) throw new Error(`session create failed ${res.status}: ${JSON.stringify(body)}`);
  const m = body.mirrors.find((x: any) => x.vendor === 'resend');
  const url: string = m.url.replace(/\/$/, '');
  const apiKey: string = m.apiKey;
  const http: Session['http'] = async (method, path, payload, headers = {}) => {
    const r = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', ...headers },
      body: payload === undefined ? undefined : typeof payload === 'string' ? payload : JSON.stringify(payload),
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
  const admin: Session['admin'] = async (method, path, payload) => (await http(method, path, payload)).body;
  return {
    id: body.sessionId,
    url,
    apiKey,
    webhookSecret: m.webhookSecret,
    sdk: new Resend(apiKey, { baseUrl: url }),
    http,
    admin,
    settle: () => admin('POST', '/_mirra/settle', {}),
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
  return { url: `http://127.0.0.1:${port}/webhooks/resend`, received, close: () => new Promise((r) => srv.close(() => r())) };
}

export const MAIL_ACME_SEED = {
  data: {
    mirror: 'resend',
    name: 'welcome-domain',
    settings: { deliveryDelaySeconds: 3 },
    records: { domains: [{ id: 'd91cd9bd-1176-453e-8fc1-35364d380206', name: 'mail.acme.com', status: 'verified', region: 'us-east-1' }] },
  },
};

export const types = (r: Received[]) => r.map((x) => JSON.parse(x.body).type as string);
