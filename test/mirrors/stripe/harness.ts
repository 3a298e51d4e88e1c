/**
 * Test harness: the real control plane (`startServer`) over loopback, one session per call
 * with the stripe mirror, the official `stripe` SDK pointed at it, and a local webhook receiver.
 */
import type { IncomingHttpHeaders } from 'node:http';
import Stripe from 'stripe';
import { stripe as stripeMirror } from '../../../src/mirrors/stripe/index.js';
import { adminCaller, clockControls, controlPlane, formBody, openSession, rawHttp, receiver as listen, type RawResponse } from '../vendor-harness.js';

export interface Session {
  id: string;
  url: string;
  apiKey: string;
  webhookSecret: string;
  sdk: Stripe;
  /** Raw form-encoded HTTP to the mirror with the session key. */
  http(method: string, path: string, body?: string, headers?: Record<string, string>): Promise<RawResponse>;
  /** `/_mirra/*` admin calls. */
  admin(method: string, path: string, body?: unknown): Promise<any>;
  settle(): Promise<any>;
  advance(duration: string): Promise<any>;
  state(): Promise<Record<string, any[]>>;
}

/** `mirra()`: the shared control plane serving the stripe mirror (started on first use); `stopMirra()` closes it. */
export const { server: mirra, stop: stopMirra } = controlPlane(stripeMirror);

export function sdkFor(url: string, apiKey: string, options: Record<string, unknown> = {}): Stripe {
  const u = new URL(url);
  return new Stripe(apiKey, { host: u.hostname, port: Number(u.port), protocol: 'http', ...options });
}

export async function createSession(seed?: string | { data: unknown }, clock: 'real' | 'manual' = 'manual'): Promise<Session> {
  const { id, url, apiKey, webhookSecret } = await openSession(await mirra(), 'stripe', { seed, clock });
  const http: Session['http'] = rawHttp(url, { authorization: `Bearer ${apiKey}`, 'content-type': 'application/x-www-form-urlencoded' }, formBody);
  const admin: Session['admin'] = adminCaller(url, `Bearer ${apiKey}`);
  const { settle, advance, state } = clockControls(admin, { horizon: '0s' });
  return { id, url, apiKey, webhookSecret, sdk: sdkFor(url, apiKey), http, admin, settle, advance, state };
}

export interface Received {
  body: string;
  headers: IncomingHttpHeaders;
}

/** A local webhook endpoint; answers `status()` (default 200). */
export function receiver(status: () => number = () => 200): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  return listen({ path: '/webhooks/stripe', status, record: ({ body, headers }): Received => ({ body, headers }) });
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
