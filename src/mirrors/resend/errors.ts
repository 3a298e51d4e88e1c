/**
 * Resend's error body is exactly `{ statusCode, message, name }` (the SDK returns it verbatim
 * as `error`). Names and statuses follow https://resend.com/docs/api-reference/errors and the
 * resend-node HAR recordings; see docs/mirrors/resend.md for the ones we had to decide.
 */
import type { VendorReply } from '../core/definition.js';
import { ReplyError } from '../core/context.js';

export type ResendErrorName =
  | 'invalid_idempotency_key'
  | 'validation_error'
  | 'missing_api_key'
  | 'restricted_api_key'
  | 'invalid_api_key'
  | 'not_found'
  | 'method_not_allowed'
  | 'invalid_idempotent_request'
  | 'concurrent_idempotent_requests'
  | 'invalid_attachment'
  | 'invalid_from_address'
  | 'invalid_access'
  | 'invalid_parameter'
  | 'invalid_region'
  | 'missing_required_field'
  | 'monthly_quota_exceeded'
  | 'daily_quota_exceeded'
  | 'rate_limit_exceeded'
  | 'security_error'
  | 'application_error'
  | 'internal_server_error';

export interface ResendErrorBody {
  statusCode: number;
  message: string;
  name: ResendErrorName;
}

export function errorReply(status: number, name: ResendErrorName, message: string, headers?: Record<string, string>): VendorReply {
  const body: ResendErrorBody = { statusCode: status, message, name };
  return { status, body, headers };
}

/** Abort the current handler with a Resend error (rolls the transaction back). */
export function fail(status: number, name: ResendErrorName, message: string, headers?: Record<string, string>): never {
  throw new ReplyError(errorReply(status, name, message, headers));
}

export const missingField = (field: string): never => fail(422, 'missing_required_field', `Missing \`${field}\` field.`);
export const invalidField = (message: string): never => fail(422, 'validation_error', message);
export const notFound = (what: string): never => fail(404, 'not_found', `${what} not found`);

export const MESSAGES = {
  missingApiKey: 'Missing API key in the authorization header. Include the following header `Authorization: Bearer YOUR_API_KEY` in the request.',
  invalidApiKey: 'API key is invalid',
  endpointNotFound: 'The requested endpoint does not exist.',
  methodNotAllowed: 'Method is not allowed for the requested path.',
  invalidIdempotencyKey: 'The key must be between 1-256 chars.',
  idempotencyMismatch: 'Same idempotency key used with a different request payload.',
  internal: 'Internal server error. We are unable to process your request right now, please try again later.',
  dailyQuota: 'You have reached your daily email sending quota.',
  monthlyQuota: 'You have reached your monthly email sending quota.',
  rateLimit: (n: number) =>
    `Too many requests. You can only make ${n} requests per second. See rate limit response headers for more information. Or contact support to increase rate limit.`,
} as const;
