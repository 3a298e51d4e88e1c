/**
 * Test harness: the real control plane (`startServer`) over loopback, one session per call
 * with the twilio mirror, the official `twilio` SDK pointed at it through an httpClient that
 * swaps the host (the code docs/mirrors/twilio.md shows), and a local callback receiver.
 */
import type { IncomingHttpHeaders } from 'node:http';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import type * as HttpResponse from 'twilio/lib/http/response.js';
import { twilio as twilioMirror } from '../../../src/mirrors/twilio/index.js';
import { adminCaller, clockControls, controlPlane, formBody, openSession, rawHttp, receiver as listen, type RawResponse } from '../vendor-harness.js';

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
  http(method: string, path: string, form?: Record<string, string> | string, headers?: Record<string, string>): Promise<RawResponse>;
  /** `/_mirra/*` admin calls (JSON). */
  admin(method: string, path: string, body?: unknown): Promise<any>;
  settle(): Promise<any>;
  advance(duration: string): Promise<any>;
  state(): Promise<Record<string, any[]>>;
}

/** `mirra()`: the shared control plane serving the twilio mirror (started on first use); `stopMirra()` closes it. */
export const { server: mirra, stop: stopMirra } = controlPlane(twilioMirror);

export async function createSession(seed?: string | { data: unknown }, clock: 'real' | 'manual' = 'manual'): Promise<Session> {
  const { id, url, apiKey: accountSid, webhookSecret: authToken } = await openSession(await mirra(), 'twilio', { seed, clock });
  const basic = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
  const http: Session['http'] = rawHttp(url, { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' }, formBody);
  const admin: Session['admin'] = adminCaller(url, `Bearer ${accountSid}`);
  const { settle, advance, state } = clockControls(admin, {});
  return {
    id,
    url,
    accountSid,
    authToken,
    sdk: twilio(accountSid, authToken, { httpClient: new MirraRequestClient(url) }),
    http,
    admin,
    settle,
    advance,
    state,
  };
}

export interface Received {
  path: string;
  body: string;
  params: Record<string, string>;
  headers: IncomingHttpHeaders;
}

/** A local callback endpoint; answers `status()` (default 200 with empty TwiML-less body). */
export function receiver(status: () => number = () => 200): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  return listen({ status, record: ({ path, body, headers }): Received => ({ path, body, params: Object.fromEntries(new URLSearchParams(body)), headers }) });
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
