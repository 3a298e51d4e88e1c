/**
 * A small SMS login service on Twilio:
 *
 * - `POST /login/start` `{ phone }` starts a Twilio Verify SMS verification;
 * - `POST /login/check` `{ phone, code }` checks the code: approved → a session token; a wrong
 *   code → 401 with the attempts left; Twilio's 60202 (too many wrong codes) and 20404 (no
 *   pending verification: expired, already used or never started) → clear messages;
 * - `POST /notify` (`Authorization: Bearer <token>`) texts the signed-in number "You signed
 *   in" from the app's sender number, with a `StatusCallback` to
 * - `POST /twilio/status`, which validates `X-Twilio-Signature` with `twilio.validateRequest`
 *   (403 when it does not match) and records the message's delivery statuses.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { twilioClient } from './twilio-client.js';

export interface AppOptions {
  accountSid: string;
  authToken: string;
  /** Where the Twilio API lives: the mirror's URL in tests; leave it out for api.twilio.com. */
  apiBase?: string;
  /** The Verify service (`VA…`) that sends and checks the login codes. */
  verifyServiceSid: string;
  /** The SMS-capable number the app sends notifications from. */
  from: string;
  /** The app's public origin, as Twilio reaches it (the StatusCallback URL is built from it). Default: the local server's URL. */
  publicUrl?: string;
  /** Wrong codes Twilio accepts per verification (the Verify service's limit). Default 5. */
  maxCheckAttempts?: number;
}

export type MessageStatus = 'accepted' | 'scheduled' | 'queued' | 'sending' | 'sent' | 'delivered' | 'undelivered' | 'failed' | 'canceled' | 'received';

export interface Delivery {
  messageSid: string;
  to: string;
  status: MessageStatus;
  /** Every `MessageStatus` the status callback reported, in arrival order. */
  events: string[];
  errorCode?: string;
}

export interface App {
  url: string;
  server: Server;
  /** Session token → phone number. */
  sessions: Map<string, string>;
  /** Message SID → delivery of the sign-in notification. */
  deliveries: Map<string, Delivery>;
  /** Status callbacks refused because their signature did not match. */
  rejectedCallbacks: number;
  errors: string[];
  close(): Promise<void>;
}

interface Reply {
  status: number;
  body?: unknown;
}

/** Twilio's RestException, as the SDK throws it. */
interface TwilioError {
  status: number;
  code: number;
  message: string;
}

function isTwilioError(error: unknown): error is TwilioError {
  return typeof error === 'object' && error !== null && typeof (error as TwilioError).code === 'number' && typeof (error as TwilioError).status === 'number';
}

const E164 = /^\+[1-9]\d{7,14}$/;
/** Later statuses never go back to earlier ones: queued and sending callbacks may arrive out of order. */
const RANK: Record<string, number> = { accepted: 0, scheduled: 0, queued: 1, sending: 2, sent: 3, delivered: 4, undelivered: 4, failed: 4, canceled: 4 };

export async function startApp(options: AppOptions): Promise<App> {
  const client = twilioClient(options.accountSid, options.authToken, options.apiBase);
  const verify = client.verify.v2.services(options.verifyServiceSid);
  const maxCheckAttempts = options.maxCheckAttempts ?? 5;
  const sessions = new Map<string, string>();
  const deliveries = new Map<string, Delivery>();
  /** Verification SID → wrong codes checked against it. */
  const wrongCodes = new Map<string, number>();
  const errors: string[] = [];
  let rejectedCallbacks = 0;
  let publicUrl = options.publicUrl;

  function phoneOf(body: { phone?: unknown }): string | undefined {
    const phone = typeof body.phone === 'string' ? body.phone.replace(/[\s().-]/g, '') : '';
    return E164.test(phone) ? phone : undefined;
  }

  async function loginStart(body: { phone?: unknown }): Promise<Reply> {
    const phone = phoneOf(body);
    if (!phone) return { status: 400, body: { error: 'A phone number in E.164 format (+15555550100) is required.' } };
    try {
      const verification = await verify.verifications.create({ to: phone, channel: 'sms' });
      return { status: 202, body: { status: verification.status, to: verification.to, message: `We texted a code to ${phone}.` } };
    } catch (error) {
      if (isTwilioError(error) && error.code === 60203) return { status: 429, body: { error: 'Too many codes were sent to this number. Wait 10 minutes and try again.' } };
      if (isTwilioError(error) && error.code === 60200) return { status: 400, body: { error: `${phone} cannot receive verification codes.` } };
      return failure('start verification', phone, error);
    }
  }

  async function loginCheck(body: { phone?: unknown; code?: unknown }): Promise<Reply> {
    const phone = phoneOf(body);
    const code = typeof body.code === 'string' ? body.code.trim() : '';
    if (!phone || !/^\d{4,10}$/.test(code)) return { status: 400, body: { error: 'A phone number and the code we texted are required.' } };
    try {
      const check = await verify.verificationChecks.create({ to: phone, code });
      if (check.status === 'approved') {
        wrongCodes.delete(check.sid);
        const token = randomBytes(24).toString('base64url');
        sessions.set(token, phone);
        return { status: 200, body: { token } };
      }
      const wrong = (wrongCodes.get(check.sid) ?? 0) + 1;
      wrongCodes.set(check.sid, wrong);
      const attemptsRemaining = check.status === 'max_attempts_reached' ? 0 : Math.max(0, maxCheckAttempts - wrong);
      if (attemptsRemaining === 0) return tooManyAttempts();
      return { status: 401, body: { error: 'That code is not correct.', attemptsRemaining } };
    } catch (error) {
      if (isTwilioError(error) && error.code === 60202) return tooManyAttempts();
      if (isTwilioError(error) && error.code === 20404) {
        return { status: 404, body: { error: 'There is no pending code for this number: it expired, was already used, or was never requested. Request a new code.' } };
      }
      return failure('check verification', phone, error);
    }
  }

  function tooManyAttempts(): Reply {
    return { status: 429, body: { error: 'Too many incorrect codes. Request a new code to try again.', attemptsRemaining: 0 } };
  }

  async function notify(authorization: string | undefined): Promise<Reply> {
    const token = authorization?.match(/^Bearer (.+)$/)?.[1];
    const phone = token ? sessions.get(token) : undefined;
    if (!phone) return { status: 401, body: { error: 'Sign in first.' } };
    try {
      const message = await client.messages.create({
        to: phone,
        from: options.from,
        body: "You signed in to Acme. If this wasn't you, reset your password.",
        statusCallback: `${publicUrl}/twilio/status`,
      });
      deliveries.set(message.sid, { messageSid: message.sid, to: phone, status: message.status as MessageStatus, events: [] });
      return { status: 202, body: { messageSid: message.sid, status: message.status } };
    } catch (error) {
      return failure('send the sign-in SMS', phone, error);
    }
  }

  function statusCallback(raw: string, signature: string | undefined): Reply {
    const params = Object.fromEntries(new URLSearchParams(raw));
    // Twilio signs the StatusCallback URL exactly as we gave it, plus the sorted parameters.
    if (!signature || !twilio.validateRequest(options.authToken, signature, `${publicUrl}/twilio/status`, params)) {
      rejectedCallbacks += 1;
      return { status: 403, body: { error: 'Invalid X-Twilio-Signature.' } };
    }
    const delivery = params.MessageSid ? deliveries.get(params.MessageSid) : undefined;
    const status = params.MessageStatus ?? params.SmsStatus;
    if (delivery && status) {
      delivery.events.push(status);
      if ((RANK[status] ?? 0) >= (RANK[delivery.status] ?? 0)) delivery.status = status as MessageStatus;
      if (params.ErrorCode) delivery.errorCode = params.ErrorCode;
      if (status === 'failed' || status === 'undelivered') errors.push(`sign-in SMS ${delivery.messageSid} to ${delivery.to} ${status} (error ${params.ErrorCode ?? 'unknown'})`);
    }
    return { status: 204 };
  }

  function failure(action: string, phone: string, error: unknown): Reply {
    const detail = isTwilioError(error) ? `Twilio ${error.status} / ${error.code}: ${error.message}` : String(error);
    errors.push(`could not ${action} for ${phone}: ${detail}`);
    return { status: 502, body: { error: `Could not ${action}; try again shortly.` } };
  }

  const server = createServer(async (req, res) => {
    let reply: Reply;
    try {
      const raw = await readBody(req);
      const path = (req.url ?? '').split('?')[0];
      const json = () => JSON.parse(raw || '{}') as Record<string, unknown>;
      if (req.method === 'POST' && path === '/login/start') reply = await loginStart(json());
      else if (req.method === 'POST' && path === '/login/check') reply = await loginCheck(json());
      else if (req.method === 'POST' && path === '/notify') reply = await notify(req.headers.authorization);
      else if (req.method === 'POST' && path === '/twilio/status') reply = statusCallback(raw, header(req, 'x-twilio-signature'));
      else reply = { status: 404, body: { error: 'Not found' } };
    } catch (error) {
      reply = { status: 400, body: { error: `Bad request: ${(error as Error).message}` } };
    }
    if (reply.body === undefined) res.writeHead(reply.status).end();
    else res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  publicUrl ??= url;

  return {
    url,
    server,
    sessions,
    deliveries,
    get rejectedCallbacks() {
      return rejectedCallbacks;
    },
    errors,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
