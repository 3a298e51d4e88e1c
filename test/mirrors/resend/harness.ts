/**
 * Test harness: the real control plane (`startServer`) over loopback, one session per
 * call with the resend mirror, the official SDK pointed at it, and a local webhook receiver.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { Resend } from 'resend';
import { resend as resendMirror } from '../../../src/mirrors/resend/index.js';
import { clockControls, controlPlane, openSession, rawHttp, receiver as listen, type RawResponse } from '../vendor-harness.js';

export interface Session {
  id: string;
  url: string;
  apiKey: string;
  webhookSecret: string;
  sdk: Resend;
  /** Raw HTTP to the mirror with the session key (or `auth` override). */
  http(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<RawResponse>;
  /** `/_mirra/*` admin calls. */
  admin(method: string, path: string, body?: unknown): Promise<any>;
  settle(): Promise<any>;
  state(): Promise<Record<string, any[]>>;
}

/** `mirra()`: the shared control plane serving the resend mirror (started on first use); `stopMirra()` closes it. */
export const { server: mirra, stop: stopMirra } = controlPlane(resendMirror);

export async function createSession(seed?: string | { data: unknown }, clock: 'real' | 'manual' = 'manual'): Promise<Session> {
  const { id, url, apiKey, webhookSecret } = await openSession(await mirra(), 'resend', { seed, clock });
  const http: Session['http'] = rawHttp(url, { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' });
  // Admin calls go through `http` (same key, JSON, text fallback).
  const admin: Session['admin'] = async (method, path, payload) => (await http(method, path, payload)).body;
  const { settle, state } = clockControls(admin, {});
  return { id, url, apiKey, webhookSecret, sdk: new Resend(apiKey, { baseUrl: url }), http, admin, settle, state };
}

export interface Received {
  body: string;
  headers: IncomingHttpHeaders;
}

/** A local webhook endpoint; answers `status()` (default 200). */
export function receiver(status: () => number = () => 200): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  return listen({ path: '/webhooks/resend', status, record: ({ body, headers }): Received => ({ body, headers }) });
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
