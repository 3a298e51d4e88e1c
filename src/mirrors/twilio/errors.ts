/**
 * Twilio's error body is exactly `{ code, message, more_info, status }` (twilio-node's
 * `RestException` reads `code`, `message`, `more_info`, `details`); 401s also carry
 * `detail`. Codes and texts follow https://www.twilio.com/docs/api/errors; the ones we had
 * to decide are listed in docs/mirrors/twilio.md.
 */
import type { VendorReply } from '../core/definition.js';
import { ReplyError } from '../core/context.js';

export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
  detail?: string;
}

export const moreInfo = (code: number): string => `https://www.twilio.com/docs/errors/${code}`;

export function errorReply(status: number, code: number, message: string, extra: Partial<TwilioErrorBody> = {}): VendorReply {
  const body: TwilioErrorBody = { code, message, more_info: moreInfo(code), status, ...extra };
  return { status, body };
}

/** Abort the current handler with a Twilio error (rolls the transaction back). */
export function fail(status: number, code: number, message: string, extra: Partial<TwilioErrorBody> = {}): never {
  throw new ReplyError(errorReply(status, code, message, extra));
}

/**
 * 20404 names the resource path: the full path on the 2010 API, the path after the version
 * segment on v1/v2 APIs (`/Services/VA…/VerificationCheck`), as Twilio does.
 */
export function notFoundPath(path: string): string {
  const m = /^\/v\d+(\/.*)$/.exec(path);
  return m ? m[1] : path;
}

export const notFoundReply = (path: string): VendorReply => errorReply(404, 20404, `The requested resource ${notFoundPath(path)} was not found`);
export const notFound = (path: string): never => {
  throw new ReplyError(notFoundReply(path));
};

export const unauthorizedReply = (): VendorReply =>
  errorReply(401, 20003, 'Authenticate', { detail: 'Your AccountSid or AuthToken was incorrect.' });

/** v1/v2 APIs: a missing required form parameter. */
export const missingParam = (name: string): never => fail(400, 20001, `Missing required parameter ${name} in the post body`);
/** v1/v2 APIs: a parameter with a bad value. */
export const invalidParam = (name: string, value?: unknown): never =>
  fail(400, 60200, value === undefined ? `Invalid parameter: ${name}` : `Invalid parameter \`${name}\`: ${String(value)}`);
export const tooManyRequests = (): never => fail(429, 20429, 'Too Many Requests');
