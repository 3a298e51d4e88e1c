/**
 * The parts every vendor mirror harness (`test/mirrors/<vendor>/harness.ts`) shares: the real
 * control plane (`startServer`) over loopback, a session over `POST /v1/sessions`, raw HTTP to
 * the mirror, `/_mirra/*` admin calls and a local webhook receiver. The vendor harnesses add
 * only their specifics (SDK, auth header form, request content type, receiver path).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startServer, type MirraServer } from '../../src/server/index.js';
import type { MirrorDefinition } from '../../src/mirrors/core/index.js';

/** One control plane serving `definition`, started on first use and shared until `stop()`. */
export function controlPlane(definition: MirrorDefinition): { server(): Promise<MirraServer>; stop(): Promise<void> } {
  let running: MirraServer | undefined;
  return {
    async server() {
      running ??= await startServer({ mirrors: [definition], pool: false, log: () => {} });
      return running;
    },
    async stop() {
      await running?.close();
      running = undefined;
    },
  };
}

export interface OpenedSession {
  id: string;
  /** The mirror's origin without a trailing slash. */
  url: string;
  apiKey: string;
  webhookSecret: string;
  /** The session's raw mirror entry from the control plane. */
  mirror: any;
}

/** `POST /v1/sessions` with the one mirror `vendor` (optionally seeded); throws unless 200/201. */
export async function openSession(
  server: MirraServer,
  vendor: string,
  { seed, clock = 'manual' }: { seed?: string | { data: unknown }; clock?: 'real' | 'manual' } = {},
): Promise<OpenedSession> {
  const res = await fetch(`${server.url}/v1/sessions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ mirrors: [vendor], ...(seed !== undefined ? { seeds: { [vendor]: seed } } : {}), clock }),
  });
  const body = (await res.json()) as any;
  if (res.status !== 201 && res.status !== 200) throw new Error(`session create failed ${res.status}: ${JSON.stringify(body)}`);
  const m = body.mirrors.find((x: any) => x.vendor === vendor);
  return { id: body.sessionId, url: m.url.replace(/\/$/, ''), apiKey: m.apiKey, webhookSecret: m.webhookSecret, mirror: m };
}

export interface RawResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, else the text. */
  body: any;
  text: string;
}

export type RawHttp = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<RawResponse>;

/** Request body as is when a string, JSON otherwise. */
export const jsonBody = (body: unknown): string | undefined => (body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body));

/** Request body as is when a string, form-encoded otherwise. */
export const formBody = (body: unknown): string | undefined =>
  body === undefined ? undefined : typeof body === 'string' ? body : new URLSearchParams(body as Record<string, string>).toString();

/** Raw HTTP to `url` with `headers` (per-call `headers` win); the body goes through `encode`. */
export function rawHttp(url: string, headers: Record<string, string>, encode: (body: unknown) => string | undefined = jsonBody): RawHttp {
  return async (method, path, payload, extra = {}) => {
    const r = await fetch(`${url}${path}`, { method, headers: { ...headers, ...extra }, body: encode(payload) });
    const text = await r.text();
    let parsed: any = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* keep text */
    }
    return { status: r.status, headers: r.headers, body: parsed, text };
  };
}

export type AdminCall = (method: string, path: string, body?: unknown) => Promise<any>;

/** `/_mirra/*` admin calls: JSON in, JSON out, with `authorization`. */
export function adminCaller(url: string, authorization: string): AdminCall {
  return async (method, path, payload) => {
    const r = await fetch(`${url}${path}`, {
      method,
      headers: { authorization, 'content-type': 'application/json' },
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });
    return r.json();
  };
}

/** `settle` (POSTing `settleBody`), `advance` and `state` over an admin caller. */
export function clockControls(admin: AdminCall, settleBody: object) {
  return {
    settle: (): Promise<any> => admin('POST', '/_mirra/settle', settleBody),
    advance: (duration: string): Promise<any> => admin('POST', '/_mirra/clock', { advance: duration }),
    state: (): Promise<Record<string, any[]>> => admin('GET', '/_mirra/state'),
  };
}

/** One request as the receiver saw it. */
export interface Hit {
  path: string;
  body: string;
  headers: IncomingHttpHeaders;
}

export interface Receiver<R> {
  url: string;
  received: R[];
  close(): Promise<void>;
}

/**
 * A local webhook endpoint on loopback: records each request through `record`, then answers
 * `status()` (default 200). Its `url` ends with `path` (default none).
 */
export async function receiver<R = Hit>({
  path = '',
  status = () => 200,
  record = (hit: Hit) => hit as R,
}: { path?: string; status?: () => number; record?: (hit: Hit) => R } = {}): Promise<Receiver<R>> {
  const received: R[] = [];
  const srv: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push(record({ path: req.url ?? '', body: Buffer.concat(chunks).toString('utf8'), headers: req.headers }));
      res.writeHead(status()).end();
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}${path}`, received, close: () => new Promise((r) => srv.close(() => r())) };
}
