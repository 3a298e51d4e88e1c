/**
 * Stripe's error envelope: `{ error: { code?, decline_code?, doc_url?, message, param?,
 * request_log_url?, type, ... } }` (keys in Stripe's alphabetical order), with the status the
 * SDK uses to pick its error class (400/404 invalid request or idempotency, 401
 * authentication, 402 card, 429 rate limit, 5xx API error).
 */
import type { VendorReply } from '../core/definition.js';
import { ReplyError } from '../core/context.js';
import { renderJson } from './json.js';

export type StripeErrorType = 'api_error' | 'card_error' | 'idempotency_error' | 'invalid_request_error';

export interface StripeErrorFields {
  type: StripeErrorType;
  message: string;
  code?: string;
  param?: string;
  decline_code?: string;
  charge?: string;
  payment_intent?: unknown;
  payment_method?: unknown;
  advice_code?: string;
  doc_url?: string;
}

export function docUrl(code: string): string {
  return `https://stripe.com/docs/error-codes/${code.replace(/_/g, '-')}`;
}

/** Build the error object with keys sorted as Stripe sends them. */
export function errorObject(fields: StripeErrorFields): Record<string, unknown> {
  const full: Record<string, unknown> = { ...fields };
  if (fields.code && fields.doc_url === undefined && fields.type !== 'idempotency_error') full.doc_url = docUrl(fields.code);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(full).sort()) if (full[k] !== undefined) out[k] = full[k];
  return out;
}

export function errorReply(status: number, fields: StripeErrorFields, headers?: Record<string, string>): VendorReply {
  return { status, body: renderJson({ error: errorObject(fields) }), contentType: 'application/json', headers };
}

/** Abort the handler with a Stripe error (the transaction is rolled back). */
export function fail(status: number, fields: StripeErrorFields): never {
  throw new ReplyError(errorReply(status, fields));
}

export function invalid(message: string, param?: string, code?: string): never {
  return fail(400, { type: 'invalid_request_error', message, param, code });
}

/** `No such customer: 'cus_x'` (404 resource_missing). */
export function noSuch(noun: string, id: string, param = 'id'): never {
  return fail(404, { type: 'invalid_request_error', code: 'resource_missing', message: `No such ${noun}: '${id}'`, param });
}

export function missingParam(param: string): never {
  return invalid(`Missing required param: ${param}.`, param, 'parameter_missing');
}

export function unknownParam(param: string): never {
  return invalid(`Received unknown parameter: ${param}`, param, 'parameter_unknown');
}

export const MESSAGES = {
  missingKey:
    "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
  invalidKey: (masked: string) => `Invalid API Key provided: ${masked}`,
  unrecognizedUrl: (method: string, path: string) =>
    path.length > 1 && path.endsWith('/')
      ? `Unrecognized request URL (${method}: ${path}). If you are trying to list objects, remove the trailing slash. If you are trying to retrieve an object, make sure you passed a valid (non-empty) identifier in your code. Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`
      : `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
  idempotencyParams: (key: string) =>
    `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
  idempotencyEndpoint: (current: string, original: string, key: string) =>
    `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${current}' vs '${original}'). Try using a key other than '${key}' if you meant to execute a different request.`,
  idempotencyKeyTooLong: 'Invalid Idempotency-Key: keys must be at most 255 characters long.',
  internal: 'An unknown error occurred. Please try again later, or contact support at https://support.stripe.com/ if the problem persists.',
  invalidBody: (detail: string) => `Invalid request: the request body could not be parsed (${detail}). Send parameters form-encoded (application/x-www-form-urlencoded).`,
  tooLarge: (limit: number) => `Request body too large: the maximum request size is ${Math.floor(limit / 1024)} KB.`,
} as const;

/** `sk_test_********************1234`, as Stripe masks a wrong key. */
export function maskKey(key: string): string {
  const prefix = /^(sk|rk|pk)_(test|live)_/.exec(key)?.[0] ?? '';
  const rest = key.slice(prefix.length);
  if (rest.length <= 4) return prefix + rest;
  return prefix + '*'.repeat(rest.length - 4) + rest.slice(-4);
}
